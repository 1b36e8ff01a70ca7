"""Forms for meetings, agenda items, attachments and the agreement of the agenda."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SelectMultipleField, TimeField
from wtforms.validators import InputRequired, Optional

from jcm.forms import ConfirmForm, Form, declared_field
from jcm.meetings.models import AgendaItem, Meeting, MeetingProposal


class MeetingForm(Form):
    ordinal = declared_field(Meeting, "ordinal", _l("Ordinal (12 for the 12th meeting)"))
    title = declared_field(Meeting, "title")
    title_ko = declared_field(Meeting, "title_ko")
    start_date = declared_field(Meeting, "start_date")
    end_date = declared_field(Meeting, "end_date")
    # Choices come from the view; the service alone judges the zone, so its message shows beside the field.
    time_zone = SelectField(_l("Time zone"), default="", validate_choice=False)
    venue = declared_field(Meeting, "venue")
    venue_ko = declared_field(Meeting, "venue_ko")
    city = declared_field(Meeting, "city")
    city_ko = declared_field(Meeting, "city_ko")
    host_side = declared_field(Meeting, "host_side")
    mode = declared_field(Meeting, "mode", required=True)
    co_chair_us_id = declared_field(Meeting, "co_chair_us_id")
    co_chair_kr_id = declared_field(Meeting, "co_chair_kr_id")
    focus_area_ids = SelectMultipleField(_l("Focus areas to discuss (one agenda item each)"), coerce=int,
                                         validators=[Optional()])
    version = HiddenField()


class AgendaItemForm(Form):
    kind = declared_field(AgendaItem, "kind", required=True)
    title = declared_field(AgendaItem, "title")
    title_ko = declared_field(AgendaItem, "title_ko")
    description = declared_field(AgendaItem, "description")
    description_ko = declared_field(AgendaItem, "description_ko")
    focus_area_ids = SelectMultipleField(_l("Focus areas"), coerce=int, validators=[Optional()], render_kw={
        # the words of the box that narrows the list as one types (jcm.js)
        "data-filter": _l("Find a focus area"),
        "data-filter-count": _l("%(shown)s of %(total)s shown", shown="{shown}", total="{total}")})
    presenter_us = declared_field(AgendaItem, "presenter_us")
    presenter_us_ko = declared_field(AgendaItem, "presenter_us_ko")
    presenter_kr = declared_field(AgendaItem, "presenter_kr")
    presenter_kr_ko = declared_field(AgendaItem, "presenter_kr_ko")
    duration_minutes = declared_field(AgendaItem, "duration_minutes", required=True)
    day = SelectField(_l("Day"), validators=[InputRequired()])  # the meeting's days, from the view
    version = HiddenField()


class DayHoursForm(Form):
    day = HiddenField(validators=[InputRequired()])
    starts_at = TimeField(_l("Starts"), validators=[InputRequired()])
    ends_at = TimeField(_l("Planned end"), validators=[InputRequired()])


class AttachmentForm(Form):
    file = FileField(_l("Paper or presentation"), validators=[FileRequired()])


class AgreeForm(ConfirmForm):
    agenda_version = HiddenField(validators=[InputRequired()])


class StatusForm(Form):
    status = HiddenField(validators=[InputRequired()])


class ProposalForm(Form):
    """A proposal of what takes both sides: its reason, and for a change the new dates or host."""

    reason = declared_field(MeetingProposal, "reason", _l("Reason"))
    start_date = declared_field(MeetingProposal, "start_date")
    end_date = declared_field(MeetingProposal, "end_date")
    host_side = declared_field(MeetingProposal, "host_side")
