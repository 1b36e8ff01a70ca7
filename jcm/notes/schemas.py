"""The API's JSON shapes for side-internal notes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from jcm.api.schemas import SIDE, VERSION_RANGE, StrictSchema
from jcm.notes.models import MAX_NOTE, NoteKind


class UTCDateTime(fields.DateTime):
    """A moment kept as naive UTC, said as UTC (…Z), as every timestamp the API gives."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.replace(tzinfo=None).isoformat() + "Z"


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
    updated_at = UTCDateTime(metadata={"description": "UTC"})


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
    at = UTCDateTime(metadata={"description": "UTC"})


# --- the briefing pack ------------------------------------------------------------------------------------

TEXTS = {"description": "a text in both languages: {\"en\": …, \"ko\": …}"}


class BriefingQuery(StrictSchema):
    side = fields.Str(validate=SIDE, metadata={"description": "the side whose pack: the caller's (another side's is "
                                                             "not found)"})


class BriefingNoteSchema(Schema):
    id = fields.Int()
    text = fields.Str()
    version = fields.Int()
    author = fields.Str(allow_none=True)
    updated_at = fields.Function(lambda note: f"{note['updated_at']}Z",
                                 metadata={"type": "string", "format": "date-time", "description": "UTC"})


class BriefingItemSchema(Schema):
    id = fields.Int()
    number = fields.Int()
    title = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata=TEXTS)
    day = fields.Str()
    starts = fields.Str()
    ends = fields.Str()
    focus_areas = fields.List(fields.Str())
    note = fields.Nested(BriefingNoteSchema, allow_none=True, metadata={"description": "the side's note on the item"})
    record_note = fields.Nested(BriefingNoteSchema, allow_none=True,
                                metadata={"description": "the side's note on its section of the minutes"})


class BriefingActionItemSchema(Schema):
    id = fields.Int()
    ref = fields.Str()
    title = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata=TEXTS)
    focus_area = fields.Str()
    owners = fields.List(fields.Dict(keys=fields.Str(), values=fields.Str()),
                         metadata={"description": "the owners on the side, each in both languages"})
    due_date = fields.Str()
    status = fields.Str()
    overdue = fields.Bool()


class BriefingProgressSchema(Schema):
    code = fields.Str()
    title = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata=TEXTS)
    status = fields.Str(allow_none=True, metadata={"description": "the latest recorded; null when none is"})
    narrative = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata=TEXTS)
    meeting = fields.Dict(allow_none=True, metadata={"description": "the meeting that recorded it: id, ordinal, "
                                                                    "title, start_date, adopted"})


class BriefingSchema(Schema):
    side = fields.Str()
    language = fields.Str(metadata={"description": "the side's language, the pack's"})
    marking = fields.Str(metadata={"description": "“U.S. only” / “한국 측 내부용”"})
    as_of = fields.Str()
    meeting = fields.Dict(metadata={"description": "id, ordinal, ref, title, dates, venue, city, host side, mode"})
    meeting_note = fields.Nested(BriefingNoteSchema, allow_none=True)
    items = fields.List(fields.Nested(BriefingItemSchema), metadata={"description": "the agenda, in its order"})
    action_items = fields.List(fields.Nested(BriefingActionItemSchema),
                               metadata={"description": "open, with an owner on the side; the soonest due first"})
    progress = fields.List(fields.Nested(BriefingProgressSchema),
                           metadata={"description": "each focus area on the agenda"})
