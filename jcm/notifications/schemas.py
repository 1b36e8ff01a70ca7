"""The API's JSON shapes for notifications."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from jcm.api.schemas import ID
from jcm.models import MAX_ID

MAX_PER_PAGE = 200


class NoticeQuery(Schema):
    class Meta:
        unknown = RAISE

    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"at most {MAX_PER_PAGE}"})
    unread = fields.Bool(metadata={"description": "true: only the unread"})


class NoticeSchema(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"description": "the setting it answers to: meeting, agenda, minutes, action_item, "
                                               "proposal"})
    event = fields.Str(metadata={"description": "what happened: meeting.invitation, minutes.awaits_adoption …"})
    headline = fields.Str(metadata={"description": "in the caller's language"})
    lines = fields.List(fields.Str(), metadata={"description": "the details, times in the caller's time zone"})
    ask = fields.Str(metadata={"description": "what the caller is asked to do, or empty"})
    to_act = fields.Bool(metadata={"description": "whether the caller (their side) is asked to act"})
    meeting_id = fields.Int(allow_none=True)
    action_item_id = fields.Int(allow_none=True)
    url = fields.Str(metadata={"description": "the page it is about, as a path"})
    created_at = fields.DateTime(metadata={"description": "UTC"})
    read_at = fields.DateTime(allow_none=True, metadata={"description": "UTC; null while unread"})


class NoticeListSchema(Schema):
    unread = fields.Int(metadata={"description": "how many of the caller's notifications are unread, in all"})
    notifications = fields.List(fields.Nested(NoticeSchema), metadata={"description": "newest first"})


class MarkReadSchema(Schema):
    class Meta:
        unknown = RAISE

    ids = fields.List(fields.Int(validate=ID), validate=validate.Length(max=1000),
                      metadata={"description": "the notifications to mark read; without it, all the caller's"})


class MarkedSchema(Schema):
    marked = fields.Int(metadata={"description": "how many were newly marked read"})
    unread = fields.Int()
