"""The API's shared JSON shapes: the one error shape, and the pieces several features' shapes are made of."""

from __future__ import annotations

from datetime import timezone

from marshmallow import RAISE, Schema, fields, validate

from jcm.models import MAX_ID, ROLES, SIDES

SIDE = validate.OneOf(SIDES)
ROLE = validate.OneOf(ROLES)
ID = validate.Range(min=1, max=MAX_ID)


class ErrorDetailSchema(Schema):
    code = fields.Str(required=True, metadata={"example": "not_found"})
    message = fields.Str(required=True)
    field = fields.Str(metadata={"description": "the field at fault"})
    invalid_fields = fields.Dict(data_key="fields", metadata={"description": "invalid fields, by location and name"})
    current = fields.Dict(metadata={"description": "for a conflict: the record as it stands now"})


class ErrorSchema(Schema):
    """Every error: {"error": {"code": ..., "message": ...}} with a 4xx status."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ApprovalSchema(Schema):
    user_id = fields.Int(allow_none=True)
    name = fields.Method("get_name", metadata={"type": "string", "nullable": True})
    at = fields.Method("get_at", metadata={"type": "string", "format": "date-time"})

    def get_name(self, approval) -> str | None:
        return approval.user.name if approval.user else None

    def get_at(self, approval) -> str:
        return approval.at.replace(tzinfo=timezone.utc).isoformat()  # stored as naive UTC


class SideApprovalsSchema(Schema):
    US = fields.Nested(ApprovalSchema, allow_none=True)
    KR = fields.Nested(ApprovalSchema, allow_none=True)
