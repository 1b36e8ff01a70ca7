"""The verification page's form: a digest typed in, or a PDF file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional

from jcm.forms import Form


class VerifyForm(Form):
    sha256 = StringField(_l("SHA-256 digest printed on the document"), validators=[Optional(), Length(max=200)])
    file = FileField(_l("or the PDF file itself"))
