"""Forms for the MOU's notices, modifications and focus areas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from jcm.forms import Form, declared_field
from jcm.mou.models import Agreement, FocusArea, Modification


class NoticeForm(Form):
    notice_date = declared_field(Agreement, "discontinuation_notice_date", _l("Date the written notice was delivered"))
    side = declared_field(Agreement, "discontinuation_notice_side")
    reference = declared_field(Agreement, "discontinuation_notice_reference", _l("Reference (note verbale, letter)"))
    version = HiddenField()


class ModificationForm(Form):
    decided_on = declared_field(Modification, "decided_on")
    description = declared_field(Modification, "description", _l("What was modified"))


class FocusAreaForm(Form):
    title = declared_field(FocusArea, "title", _l("Title (English)"))
    title_ko = declared_field(FocusArea, "title_ko")
    summary = declared_field(FocusArea, "summary", _l("Summary (English)"))
    summary_ko = declared_field(FocusArea, "summary_ko")
    version = HiddenField()
