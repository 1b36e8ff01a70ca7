"""The API's shapes for the state of a record's texts in both languages."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from jcm.actions.models import ActionItem
from jcm.api.schemas import StrictSchema
from jcm.bilingual import LANGUAGES, STATUSES, pairs
from jcm.meetings.models import AgendaItem, Meeting
from jcm.minutes.models import Attendee, Minutes, MinutesSection, ProgressEntry
from jcm.models import MAX_ID

# The records whose texts are written in both languages (jcm.texts.services.kinds finds the same ones), by their
# kind, and the English names of those texts: what a check can name.
TEXT_KINDS = sorted(model.__tablename__ for model in (ActionItem, AgendaItem, Attendee, Meeting, Minutes,
                                                       MinutesSection, ProgressEntry))
TEXT_FIELDS = sorted({pair.english for model in (ActionItem, AgendaItem, Attendee, Meeting, Minutes, MinutesSection,
                                                 ProgressEntry) for pair in pairs(model)})


class TextStateSchema(Schema):
    status = fields.Str(metadata={"enum": list(STATUSES), "description": (
        "empty (no text in either language), missing (only the other language has one), written, stale (the "
        "other language changed since this one was written or checked) or checked (by the side answering for it)")})
    revision = fields.Int(attribute="revision", metadata={"description": "give it back when checking"})
    checked_by = fields.Int(allow_none=True, metadata={"description": "the account that checked it"})
    checked_at = fields.Str(allow_none=True, metadata={"format": "date-time"})
    copied = fields.Bool(metadata={"description": (
        "a hint, never a refusal: the text is the same as the other language's and holds letters of the other "
        "language's script only (a Korean text \"Quantum\" beside the English \"Quantum\"), perhaps copied by "
        "mistake; a text that rightly reads the same (an acronym such as NASA) stays as it is and may be checked")})
    difference = fields.List(fields.Str(), metadata={
        "description": "for a stale text: how the other language changed since (unified diff lines)"})


class RecordTextsSchema(Schema):
    kind = fields.Str(metadata={"example": "action_item"})
    id = fields.Int()
    answering = fields.Dict(metadata={"description": "the side that answers for each language: {en: US, ko: KR}"})
    texts = fields.Dict(keys=fields.Str(), values=fields.Dict(keys=fields.Str(), values=fields.Nested(TextStateSchema)),
                        metadata={"description": "{field: {en: state, ko: state}}, by the English field's name"})


class TextCheckSchema(StrictSchema):
    field = fields.Str(required=True, validate=validate.OneOf(TEXT_FIELDS), metadata={
        "description": "the English field's name, such as title (which of them a record has: GET /texts/<kind>/<id>)"})
    language = fields.Str(required=True, validate=validate.OneOf(LANGUAGES))
    revision = fields.Int(strict=True, validate=validate.Range(min=0, max=MAX_ID), metadata={
        "description": "the revision read; a newer one is a 409"})
