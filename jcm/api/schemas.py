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


# --- shapes from the models' declared fields (jcm.fields) -------------------------------------------------

def _declared_field(spec, *, required: bool, output: bool, checked: bool = True):
    metadata = {"description": spec.description} if spec.description else {}
    allow_none = not required and spec.nullable or spec.kind in ("text", "lines") and not output
    check = checked and not output  # else the limits are only documented
    if spec.kind == "lines":
        entry = fields.Str(validate=validate.Length(max=spec.max_length)) if check else fields.Str(
            metadata={} if output else {"maxLength": spec.max_length})
        if not output:
            limits = f"at most {spec.maximum} entries of at most {spec.max_length} characters"
            metadata = {"description": "; ".join(filter(None, (spec.description, limits)))}
        return fields.List(entry, required=required, allow_none=allow_none, metadata=metadata)
    if spec.kind == "flag":
        return fields.Bool(required=required, metadata=metadata)
    if spec.kind in ("line", "text"):
        if check:
            return fields.Str(required=required, allow_none=allow_none, validate=validate.Length(max=spec.max_length),
                              metadata=metadata)
        limit = {} if output else {"maxLength": spec.max_length}
        return fields.Str(required=required, allow_none=allow_none, metadata={**metadata, **limit})
    if spec.kind == "choice":
        values = [member.value for member in spec.vocabulary]
        if not check:
            return fields.Str(required=required, allow_none=allow_none, metadata={**metadata, "enum": values})
        return fields.Str(required=required, allow_none=allow_none, validate=validate.OneOf(values),
                          metadata=metadata)
    if spec.kind == "date":
        return fields.Date(required=required, allow_none=allow_none, metadata=metadata)
    if output:
        return fields.Int(allow_none=allow_none, metadata=metadata)
    if spec.kind == "reference":
        return fields.Int(strict=True, required=required, allow_none=allow_none, validate=ID, metadata=metadata)
    if not check:
        metadata = {**metadata, **{key: bound for key, bound in (("minimum", spec.minimum), ("maximum", spec.maximum))
                                   if bound is not None}}
        return fields.Int(strict=True, required=required, allow_none=allow_none, metadata=metadata)
    return fields.Int(strict=True, required=required, allow_none=allow_none,
                      validate=validate.Range(min=spec.minimum, max=spec.maximum), metadata=metadata)


def input_fields(model: type, names, *, creating: bool = False, checked: bool = True) -> dict:
    """The API's input fields for these declared fields of the model: type, length, vocabulary and range as the
    declaration says; required when creating if the declaration says so. `checked=False` documents the length,
    vocabulary and range and leaves them to the service, whose refusal names the place in a nested body
    (records[2].discussion) and speaks the reader's language."""
    from jcm.fields import declared

    specs = declared(model)
    return {name: _declared_field(specs[name], required=creating and specs[name].required, output=False,
                                  checked=checked)
            for name in names}


def output_fields(model: type, names) -> dict:
    """The API's output fields for these declared fields of the model."""
    from jcm.fields import declared

    specs = declared(model)
    return {name: _declared_field(specs[name], required=False, output=True) for name in names}
