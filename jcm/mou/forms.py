"""Forms for the MOU's notices, modifications and focus areas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from jcm.labels import SIDE_LABELS, choices


class NoticeForm(FlaskForm):
    notice_date = DateField(_l("Date the written notice was delivered"), validators=[InputRequired()])
    side = SelectField(_l("Participant giving notice"), choices=choices(SIDE_LABELS), validators=[DataRequired()])
    reference = StringField(_l("Reference (note verbale, letter)"), validators=[Optional(), Length(max=500)])
    version = HiddenField()


class ModificationForm(FlaskForm):
    decided_on = DateField(_l("Date of the written mutual decision"), validators=[InputRequired()])
    description = TextAreaField(_l("What was modified"), validators=[DataRequired(), Length(max=5000)])


class FocusAreaForm(FlaskForm):
    title = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=300)])
    title_ko = StringField(_l("Title (Korean)"), validators=[Optional(), Length(max=300)])
    summary = TextAreaField(_l("Summary (English)"), validators=[Optional(), Length(max=2000)])
    summary_ko = TextAreaField(_l("Summary (Korean)"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()
