"""Forms for action items, their updates and their review at a meeting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from jcm.actions.models import ACTION_STATUS_LABELS, REVIEW_OUTCOME_LABELS, ActionItem
from jcm.forms import Form, declared_field
from jcm.labels import choices


class ActionItemForm(Form):
    title = declared_field(ActionItem, "title")
    title_ko = declared_field(ActionItem, "title_ko")
    description = declared_field(ActionItem, "description", _l("Description (Markdown)"))
    description_ko = declared_field(ActionItem, "description_ko", _l("Description in Korean (Markdown)"))
    focus_area_id = declared_field(ActionItem, "focus_area_id", required=False)  # the service names what is missing
    meeting_id = declared_field(ActionItem, "meeting_id")
    owners_us = SelectMultipleField(_l("Owners on the U.S. side"), validators=[Optional()])
    owners_kr = SelectMultipleField(_l("Owners on the Korean side"), validators=[Optional()])
    due_date = declared_field(ActionItem, "due_date")
    status = declared_field(ActionItem, "status", required=True)
    version = HiddenField()


class UpdateForm(Form):
    text = TextAreaField(_l("What has happened"), validators=[InputRequired(), Length(max=10000)])
    status = SelectField(_l("Status"), choices=choices(ACTION_STATUS_LABELS, empty=_l("— unchanged —")),
                         validators=[Optional()])


class ReviewForm(Form):
    action_item_id = HiddenField(validators=[InputRequired()])
    # No outcome is chosen for the secretariat: one click must never close an item.
    outcome = SelectField(_l("Outcome"), choices=choices(REVIEW_OUTCOME_LABELS, empty=_l("— choose —")),
                          validators=[InputRequired(_l("Choose the outcome the meeting decided."))])
    new_due_date = DateField(_l("New due date"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=5000)])
