"""The API's JSON shapes for side-internal notes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from jcm.api.schemas import VERSION_RANGE, StrictSchema
from jcm.notes.models import MAX_NOTE, NoteKind


UTC = "%Y-%m-%dT%H:%M:%S.%fZ"  # a moment kept as naive UTC, said as UTC (…Z)


class NoteSchema(Schema):
    id = fields.Int()
    side = fields.Str(metadata={"description": "the side whose note it is: always the caller's"})
    kind = fields.Str(validate=validate.OneOf([kind.value for kind in NoteKind]),
                      metadata={"description": "what it is written on: meeting, agenda_item, minutes_section, "
                                               "action_item"})
    target_id = fields.Int(metadata={"description": "the id of the record it is written on"})
    text = fields.Str()
    version = fields.Int(metadata={"description": "send it back with a change: a save based on an older one is "
                                                  "refused (409) with the stored text"})
    author_id = fields.Int(allow_none=True, metadata={"description": "who saved the current version"})
    author = fields.Str(allow_none=True, metadata={"description": "their name"})
    updated_at = fields.DateTime(format=UTC, metadata={"description": "UTC"})


class NoteWriteSchema(StrictSchema):
    text = fields.Str(required=True, validate=validate.Length(max=MAX_NOTE))
    version = fields.Int(required=True, validate=VERSION_RANGE,
                         metadata={"description": "the version the text is based on: 0 for the side's first note "
                                                  "on the record"})


class NoteRevisionSchema(Schema):
    version = fields.Int()
    text = fields.Str()
    author_id = fields.Int(allow_none=True)
    author = fields.Str(allow_none=True)
    at = fields.DateTime(format=UTC, metadata={"description": "UTC"})
