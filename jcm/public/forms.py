"""The forms of the public summary: the secretariats' draft in both languages, and a co-chair's release."""

from __future__ import annotations

from wtforms import HiddenField

from jcm.forms import Form, declared_field
from jcm.public.models import PublicSummary


class SummaryForm(Form):
    headline = declared_field(PublicSummary, "headline")
    headline_ko = declared_field(PublicSummary, "headline_ko")
    body = declared_field(PublicSummary, "body")
    body_ko = declared_field(PublicSummary, "body_ko")
    version = HiddenField()


class ReleaseForm(Form):
    version = HiddenField()
