"""Forms for action items, their updates and their review at a meeting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from jcm.actions.models import ACTION_STATUS_LABELS, REVIEW_OUTCOME_LABELS
from jcm.labels import choices


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class ActionItemForm(FlaskForm):
    title = StringField(_l("Action"), validators=[InputRequired(), Length(max=300)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20000)])
    focus_area_id = SelectField(_l("Focus area"), coerce=_int_or_none, validators=[Optional()])
    meeting_id = SelectField(_l("Raised at"), coerce=_int_or_none, validators=[Optional()])
    owners_us = SelectMultipleField(_l("Owners on the U.S. side"), validators=[Optional()])
    owners_kr = SelectMultipleField(_l("Owners on the Korean side"), validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=choices(ACTION_STATUS_LABELS), validators=[InputRequired()])
    version = HiddenField()


class UpdateForm(FlaskForm):
    text = TextAreaField(_l("What has happened"), validators=[InputRequired(), Length(max=10000)])
    status = SelectField(_l("Status"), choices=choices(ACTION_STATUS_LABELS, empty=_l("— unchanged —")),
                         validators=[Optional()])


class ReviewForm(FlaskForm):
    action_item_id = HiddenField(validators=[InputRequired()])
    outcome = SelectField(_l("Outcome"), choices=choices(REVIEW_OUTCOME_LABELS), validators=[InputRequired()])
    new_due_date = DateField(_l("New due date"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=5000)])
