"""The API's shared JSON shapes: the one error shape, and the pieces several features' shapes are made of."""

from __future__ import annotations

import unicodedata
from datetime import date, timezone

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from jcm.collation import MAX_QUERY_LENGTH
from jcm.errors import Invalid
from jcm.models import MAX_ID, ROLES, SIDES

SIDE = validate.OneOf(SIDES)
ROLE = validate.OneOf(ROLES)
ID = validate.Range(min=1, max=MAX_ID)
VERSION_RANGE = validate.Range(min=0, max=MAX_ID)  # a version a change is based on (a text not yet written: 0)


class SearchText(fields.Str):
    """Words typed to find texts in English or Korean (jcm.collation): white space and control characters made
    single spaces; longer than a title and a few words is refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(super()._deserialize(value, attr, data, **kwargs))
        words = " ".join("".join(" " if unicodedata.category(char) == "Cc" else char for char in text).split())
        if len(words) > MAX_QUERY_LENGTH:
            raise ValidationError(str(_l("The search text may be at most %(limit)d characters.",
                                         limit=MAX_QUERY_LENGTH)))
        return words


def search_description(what: str) -> str:
    """How a list's `q` is documented: what it looks in, and how it matches."""
    return (f"words of {what}, in English or Korean: each word must be found, Latin letters in either case, Hangul "
            "with or without the spaces between words (데이터셋목록 finds 데이터셋 목록)")


class SearchQuery(Schema):
    """A page's search box alone (the meetings, my action items); other arguments of the address are the page's."""

    class Meta:
        unknown = EXCLUDE

    q = SearchText(load_default="")


def read_search(args) -> str:
    """The words typed in a page's search box, or ""; too long a text is refused naming `q` (422)."""
    try:
        return SearchQuery().load({"q": args.get("q", "")})["q"]
    except ValidationError as error:
        raise Invalid(str(error.messages["q"][0]), field="q") from None


class ErrorDetailSchema(Schema):
    code = fields.Str(required=True, metadata={"example": "not_found"})
    message = fields.Str(required=True)
    field = fields.Str(metadata={"description": "the field at fault"})
    invalid_fields = fields.Dict(data_key="fields", metadata={"description": "invalid fields, by location and name"})
    current = fields.Dict(metadata={"description": "for a conflict: the record as it stands now"})


class ErrorSchema(Schema):
    """Every error: {"error": {"code": ..., "message": ...}} with a 4xx status."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class PaginationSchema(Schema):
    """The `X-Pagination` header of a list given a page at a time, as the JSON the API sends in it."""

    total = fields.Int(required=True, validate=validate.Range(min=0), metadata={"description": "how many in all"})
    total_pages = fields.Int(required=True, validate=validate.Range(min=0))
    first_page = fields.Int(validate=validate.Range(min=1), metadata={"description": "when there are any"})
    last_page = fields.Int(validate=validate.Range(min=1), metadata={"description": "when there are any"})
    page = fields.Int(validate=validate.Range(min=1), metadata={"description": "this page, when it holds any"})
    previous_page = fields.Int(validate=validate.Range(min=1))
    next_page = fields.Int(validate=validate.Range(min=1))


PAGINATION_HEADER = {
    "description": "where this page stands in the whole list, as JSON: "
                   '{"total": 120, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2, "previous_page": 1, '
                   '"next_page": 3}',
    "required": True,
    "content": {"application/json": {"schema": PaginationSchema}},
}


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


# --- lists built from rows --------------------------------------------------------------------------------
# A list of many records is built from plain rows, each as the record's schema would dump it, rather than dumped
# field by field by marshmallow: the same JSON (the tests hold a list's entries equal to the records read one by one)
# for a fraction of the work. The schema still describes the list in the OpenAPI document.

def stored_fields(schema: type[Schema], model: type) -> list[str]:
    """The schema's fields that are columns of the model given as they are stored (not computed by a method)."""
    return [name for name, field in schema._declared_fields.items()
            if name in model.__table__.columns and not isinstance(field, fields.Method)]


def as_dumped(value):
    """A stored value as a schema's plain field gives it: a day as YYYY-MM-DD, numbers, texts and lists as they
    are."""
    return value.isoformat() if isinstance(value, date) else value


# --- shapes from the models' declared fields (jcm.fields) -------------------------------------------------

def _declared_field(spec, *, required: bool, output: bool, checked: bool = True):
    metadata = {"description": spec.description} if spec.description else {}
    allow_none = not required and spec.nullable or spec.kind in ("text", "lines") and not output
    check = checked and not output  # else the limits are only documented
    if spec.kind == "lines":
        entry = fields.Str(validate=validate.Length(max=spec.max_length)) if check else fields.Str(
            metadata={} if output else {"maxLength": spec.max_length})
        if output:
            return fields.List(entry, allow_none=allow_none, metadata=metadata)
        limits = f"at most {spec.maximum} entries of at most {spec.max_length} characters"
        metadata = {"description": "; ".join(filter(None, (spec.description, limits)))}
        if check:
            return fields.List(entry, required=required, allow_none=allow_none, metadata=metadata,
                               validate=validate.Length(max=spec.maximum))
        return fields.List(entry, required=required, allow_none=allow_none, metadata={**metadata,
                                                                                      "maxItems": spec.maximum})
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
