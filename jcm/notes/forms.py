"""The note's form: its text, the version it is based on, and the page to go back to."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from jcm.forms import Form
from jcm.notes.models import MAX_NOTE


class NoteForm(Form):
    text = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE)])
    version = HiddenField()
    next = HiddenField()


class RestoreNoteForm(Form):
    """Only its CSRF token: the version to restore is in the address."""
