"""The form of a meeting's distribution marking."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from jcm.forms import Form


class MarkingForm(Form):
    # The service alone judges the value, so a forged one is told beside the form as the API tells it.
    marking = SelectField(_l("Distribution marking"), validators=[InputRequired()], validate_choice=False)
    version = HiddenField()
