"""The API's JSON shapes for the audit trail: its filters, and an event as people read it."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from jcm.api.schemas import ID
from jcm.audit.models import Outcome
from jcm.models import MAX_ID

MAX_PER_PAGE = 200


class AuditFilterSchema(Schema):
    """The filters the page, the CSV and the API share."""

    actor_id = fields.Int(validate=ID, metadata={"description": "the person who acted (their account's id)"})
    object_type = fields.Str(validate=validate.Length(max=64),
                             metadata={"description": "the kind of record, as the events name it: ActionItem, User…"})
    object_id = fields.Int(validate=ID, metadata={"description": "the record's id (with object_type)"})
    action = fields.Str(validate=validate.Length(max=64),
                        metadata={"description": "what was done or tried: action_item.update, user.sign_in…"})
    outcome = fields.Str(validate=validate.OneOf(list(Outcome)))
    since = fields.Date(metadata={"description": "from this day (UTC), included"})
    until = fields.Date(metadata={"description": "to this day (UTC), included"})


class AuditQuery(AuditFilterSchema):
    """The filters, and which page of the trail."""

    class Meta:
        unknown = RAISE

    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"at most {MAX_PER_PAGE}"})


class AuditChangeSchema(Schema):
    field = fields.Str(metadata={"description": "the field as stored"})
    label = fields.Str(metadata={"description": "the field's name, in the caller's language"})
    before = fields.Str(allow_none=True, metadata={"description": "as people read it: names, not ids"})
    after = fields.Str(allow_none=True, metadata={"description": "as people read it: names, not ids"})


class AuditEventSchema(Schema):
    """An event: who (or which account name was tried), what, when, from where, how it ended, and what changed —
    `before` and `after` as stored, `changes` with the records they name by name."""

    id = fields.Int()
    at = fields.DateTime(metadata={"description": "UTC"})
    actor_id = fields.Int(allow_none=True)
    actor = fields.Str(attribute="actor_label",
                       metadata={"description": "the person as they were named then; for a failed sign-in, the "
                                                "account name tried"})
    action = fields.Str()
    outcome = fields.Str(validate=validate.OneOf(list(Outcome)))
    reason = fields.Str(allow_none=True, metadata={"description": "why it was refused or failed, as it was shown"})
    address = fields.Str(allow_none=True, metadata={"description": "the client's address"})
    object_type = fields.Str()
    object_id = fields.Int(allow_none=True)
    object_label = fields.Str()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    changes = fields.List(fields.Nested(AuditChangeSchema))
