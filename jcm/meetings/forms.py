"""Forms for meetings, agenda items, attachments and the agreement of the agenda."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from jcm.labels import SIDE_LABELS, choices
from jcm.meetings.models import AGENDA_ITEM_KIND_LABELS, MODE_LABELS


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class MeetingForm(FlaskForm):
    ordinal = IntegerField(_l("Ordinal (12 for the 12th meeting)"), validators=[InputRequired(), NumberRange(1, 999)])
    title = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    title_ko = StringField(_l("Title (Korean)"), validators=[Optional(), Length(max=300)])
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    # Choices come from the view; the service alone judges the zone, so its message shows beside the field.
    time_zone = SelectField(_l("Time zone"), default="", validate_choice=False)
    venue = StringField(_l("Venue (English)"), validators=[Optional(), Length(max=300)])
    venue_ko = StringField(_l("Venue (Korean)"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City (English)"), validators=[Optional(), Length(max=200)])
    city_ko = StringField(_l("City (Korean)"), validators=[Optional(), Length(max=200)])
    host_side = SelectField(_l("Host side"), choices=choices(SIDE_LABELS), validators=[InputRequired()])
    mode = SelectField(_l("Mode"), choices=choices(MODE_LABELS), validators=[InputRequired()])
    co_chair_us_id = SelectField(_l("U.S. co-chair"), coerce=_int_or_none, validators=[Optional()])
    co_chair_kr_id = SelectField(_l("Korean co-chair"), coerce=_int_or_none, validators=[Optional()])
    focus_area_ids = SelectMultipleField(_l("Focus areas to discuss (one agenda item each)"), coerce=int,
                                         validators=[Optional()])
    version = HiddenField()


class AgendaItemForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(AGENDA_ITEM_KIND_LABELS), validators=[InputRequired()])
    title = StringField(_l("Title (English)"), validators=[InputRequired(), Length(max=300)])
    title_ko = StringField(_l("Title (Korean)"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20000)])
    focus_area_ids = SelectMultipleField(_l("Focus areas"), coerce=int, validators=[Optional()])
    presenter_us = StringField(_l("U.S. presenter"), validators=[Optional(), Length(max=300)])
    presenter_kr = StringField(_l("Korean presenter"), validators=[Optional(), Length(max=300)])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[InputRequired()])
    day = SelectField(_l("Day"), validators=[InputRequired()])
    version = HiddenField()


class DayHoursForm(FlaskForm):
    day = HiddenField(validators=[InputRequired()])
    starts_at = TimeField(_l("Starts"), validators=[InputRequired()])
    ends_at = TimeField(_l("Planned end"), validators=[InputRequired()])


class AttachmentForm(FlaskForm):
    file = FileField(_l("Paper or presentation"), validators=[FileRequired()])


class AgreeForm(FlaskForm):
    agenda_version = HiddenField(validators=[InputRequired()])


class StatusForm(FlaskForm):
    status = HiddenField(validators=[InputRequired()])
