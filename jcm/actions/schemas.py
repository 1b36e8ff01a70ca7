"""The API's JSON shapes for action items and their updates: what comes in (checked for type and vocabulary
only, the rules are the services') and what goes out (DESIGN.md names the fields; more are welcome)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, pre_load, validate

from jcm.actions.models import ACTION_STATUSES, ActionItem, ActionOwner, ActionUpdate
from jcm.actions.services import MAX_OWNERS_PER_SIDE, MAX_UPDATE_LENGTH, SORTS, RegisterFilter
from jcm.api.schemas import (ID, VERSION_RANGE, SearchText, StrictSchema, as_dumped, input_fields, output_fields,
                             search_description, stored_fields)
from jcm.collation import MAX_QUERY_LENGTH
from jcm.errors import Invalid
from jcm.fields import declared, editable
from jcm.models import MAX_ID, SIDES, parse_date

STATUS = validate.OneOf(ACTION_STATUSES)
MAX_PER_PAGE = 200
MAX_OWNER_FILTER = len("organization:") + len(str(MAX_ID))  # organization:2147483647
MAX_STATUS_FILTER = 64  # every status once, comma-separated, is 29


def _utc(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=timezone.utc).isoformat() if moment is not None else None  # stored as naive UTC


# --- input ----------------------------------------------------------------------------------------------

class OwnerInSchema(StrictSchema):
    """One owner: an account or an organization (exactly one of the two; the services check which)."""

    user_id = fields.Int(strict=True, validate=ID, metadata={"description": "an account on that side"})
    organization_id = fields.Int(strict=True, validate=ID, metadata={"description": "an organization on that side"})


class OwnersInSchema(StrictSchema):
    US = fields.List(fields.Nested(OwnerInSchema), validate=validate.Length(max=MAX_OWNERS_PER_SIDE), metadata={
        "description": f"at least one owner on the U.S. side, at most {MAX_OWNERS_PER_SIDE}"})
    KR = fields.List(fields.Nested(OwnerInSchema), validate=validate.Length(max=MAX_OWNERS_PER_SIDE), metadata={
        "description": f"at least one owner on the Korean side, at most {MAX_OWNERS_PER_SIDE}"})


OWNERS_DESCRIPTION = ("{US: [owner], KR: [owner]}, an owner being {user_id: n} or {organization_id: n}; "
                      "every action item has an owner on each side")


class ActionItemCreateSchema(StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(ActionItem, editable(ActionItem), creating=True)

    agreement_id = fields.Int(strict=True, validate=ID, metadata={
        "description": "default: the agreement of `meeting_id`, else the first agreement"})
    owners = fields.Nested(OwnersInSchema, required=True, metadata={"description": OWNERS_DESCRIPTION})


class ActionItemUpdateSchema(StrictSchema):
    """Only the fields given change; `owners`, when given, replaces the owners on both sides."""

    class Meta(StrictSchema.Meta):
        include = input_fields(ActionItem, editable(ActionItem))

    owners = fields.Nested(OwnersInSchema, metadata={"description": OWNERS_DESCRIPTION})
    version = fields.Int(strict=True, validate=VERSION_RANGE, metadata={
        "description": "the version this change is based on"})


class ActionUpdateCreateSchema(StrictSchema):
    text = fields.Str(required=True, validate=validate.Length(max=MAX_UPDATE_LENGTH),
                      metadata={"description": "what has happened"})
    status = fields.Str(allow_none=True, validate=STATUS, metadata={
        "description": "the status the action item moves to, if it moves"})


class _Owner(fields.Str):
    """user:<id>, organization:<id>, or a bare account id → ("user" | "organization", id)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(super()._deserialize(value, attr, data, **kwargs))
        kind, sep, number = text.partition(":")
        if len(text) > MAX_OWNER_FILTER:
            kind = ""  # refused below, as any other owner filter that is not one
        if not sep:
            kind, number = "user", kind
        if kind not in ("user", "organization") or not _is_id(number):
            raise ValidationError(str(_l("The owner filter is an account id, or organization:<id>.")))
        return kind, int(number)


class _Id(fields.Int):
    """An id in a query string: ASCII digits only (Python's int() would read other scripts' digits too)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not _is_id(value):
            raise ValidationError(str(_l("The %(name)s filter is an id.", name=attr)))
        return int(value)


class _Statuses(fields.Str):
    """open,in_progress → ["open", "in_progress"]."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(super()._deserialize(value, attr, data, **kwargs))
        if len(text) > MAX_STATUS_FILTER:
            raise ValidationError(str(_l("The status filter may be at most %(limit)d characters.",
                                         limit=MAX_STATUS_FILTER)))
        statuses = [status for status in text.split(",") if status]
        for status in statuses:
            if status not in ACTION_STATUSES:
                raise ValidationError(str(_l("Unknown status “%(status)s”: use open, in_progress, done or dropped.",
                                             status=status)))
        return statuses


class _Day(fields.Str):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_date(super()._deserialize(value, attr, data, **kwargs), attr)
        except Invalid as refusal:
            raise ValidationError(refusal.message) from None


def _is_id(value: Any) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class RegisterFilterSchema(Schema):
    """The register's filters, read the same way by the page, the exports, the calendar feed and the API; a value a
    filter cannot take is refused, naming the filter."""

    class Meta:
        unknown = EXCLUDE  # a page address may carry more (the page number)

    side = fields.Str(validate=validate.OneOf(SIDES, error=_l("The side filter is US or KR.")), metadata={
        "description": f"{' or '.join(SIDES)}: items with an owner on that side", "enum": list(SIDES)})
    owner = _Owner(metadata={"description": "an account id (its organization's items included), or organization:<id>",
                             "example": "organization:3", "pattern": r"^(user:|organization:)?[0-9]{1,10}$",
                             "maxLength": MAX_OWNER_FILTER})
    status = _Statuses(metadata={"description": f"one or more of {', '.join(ACTION_STATUSES)}, comma-separated",
                                 "example": "open,in_progress", "maxLength": MAX_STATUS_FILTER})
    focus_area = _Id(validate=ID, metadata={"description": "a focus area id (its sub-areas included)"})
    meeting = _Id(validate=ID, metadata={"description": "the id of the meeting the items came from"})
    overdue = fields.Bool(truthy={"true", "1", "yes"}, falsy={"false", "0", "no"}, error_messages={
        "invalid": _l("The overdue filter is true or false.")}, metadata={
        "description": "true: only overdue items; false: none of them", "enum": ["true", "false"]})
    due_before = _Day(metadata={"description": "items due before this day", "format": "date"})
    q = SearchText(metadata={"description": search_description("the title or description"),
                             "maxLength": MAX_QUERY_LENGTH, "example": "데이터셋목록"})
    sort = fields.Str(validate=validate.OneOf(list(SORTS), error=_l("Sort by one of: %(sorts)s.",
                                                                    sorts=", ".join(SORTS))),
                      metadata={"description": "default: due; title: by the title in the reader's language (the "
                                               "Korean title for a Korean reader, where there is one), Hangul in "
                                               "가나다 order", "enum": list(SORTS)})

    @pre_load
    def drop_empty(self, data, **_kwargs):
        """An empty filter on the page's form is no filter (a search of spaces only is none either)."""
        return {key: value for key, value in data.items()
                if value not in (None, "") and not (key == "q" and isinstance(value, str) and not value.strip())}

    @post_load
    def to_filter(self, data: dict[str, Any], **_kwargs) -> dict[str, Any]:
        kind, number = data.pop("owner", (None, None))
        if kind is not None:
            data[f"owner_{kind}"] = number
        return {"filters": RegisterFilter(**{key: value for key, value in data.items() if key in FILTER_FIELDS}),
                **{key: value for key, value in data.items() if key not in FILTER_FIELDS}}


FILTER_FIELDS = {"side", "owner_user", "owner_organization", "status", "focus_area", "meeting", "overdue",
                 "due_before", "q", "sort"}


def read_filters(args) -> RegisterFilter:
    """The register's filters from a query string; a bad one is refused naming the filter (422)."""
    try:
        return RegisterFilterSchema().load(args.to_dict() if hasattr(args, "to_dict") else dict(args))["filters"]
    except ValidationError as error:
        name, messages = next(iter(error.messages.items()))
        raise Invalid(str(messages[0] if isinstance(messages, list) else messages), field=name) from None


class ActionItemQuery(RegisterFilterSchema):
    """The register's filters, and which page of it."""

    class Meta:
        unknown = RAISE

    agreement_id = fields.Int(validate=ID)
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"at most {MAX_PER_PAGE}"})


# --- output ---------------------------------------------------------------------------------------------

OWNER_DOC = {
    "type": "object",
    "description": "{user_id, name} for an account, {organization_id, name, name_ko, acronym} for an organization",
    "properties": {"user_id": {"type": "integer"}, "organization_id": {"type": "integer"},
                   "name": {"type": "string"}, "name_ko": {"type": "string", "nullable": True},
                   "acronym": {"type": "string", "nullable": True}},
}

def owner_out(owner: ActionOwner) -> dict[str, Any]:
    if owner.user_id is not None:
        return {"user_id": owner.user_id, "name": owner.user.name if owner.user else None}
    organization = owner.organization
    return {"organization_id": owner.organization_id, "name": organization.name if organization else None,
            "name_ko": organization.name_ko if organization else None,
            "acronym": organization.acronym if organization else None}


class ActionItemSchema(Schema):
    class Meta:
        include = {"id": fields.Int(), "agreement_id": fields.Int(),
                   **output_fields(ActionItem, declared(ActionItem)),
                   "closed_in_meeting_id": fields.Int(allow_none=True, metadata={
                       "description": "the meeting that closed it"}),
                   "version": fields.Int()}

    focus_area_code = fields.Method("get_focus_area_code", metadata={"type": "string", "example": "A.1"})
    owners = fields.Method("get_owners", metadata={
        "type": "object", "description": "{US: [owner], KR: [owner]}",
        "properties": {side: {"type": "array", "items": OWNER_DOC} for side in SIDES}})
    overdue = fields.Method("get_overdue", metadata={
        "type": "boolean", "description": "computed from today: past due and neither done nor dropped"})
    created_at = fields.Method("get_created_at", metadata={"type": "string", "format": "date-time"})
    updated_at = fields.Method("get_updated_at", metadata={"type": "string", "format": "date-time"})

    def get_focus_area_code(self, item: ActionItem) -> str:
        return item.focus_area.code

    def get_owners(self, item: ActionItem) -> dict[str, list[dict[str, Any]]]:
        return {side: [owner_out(owner) for owner in item.owners_on(side)] for side in SIDES}

    def get_overdue(self, item: ActionItem) -> bool:
        return item.is_overdue(date.today())

    def get_created_at(self, item: ActionItem) -> str | None:
        return _utc(item.created_at)

    def get_updated_at(self, item: ActionItem) -> str | None:
        return _utc(item.updated_at)


ACTION_ITEM_STORED = stored_fields(ActionItemSchema, ActionItem)
ACTION_ITEM_COLUMNS = [getattr(ActionItem, name) for name in (*ACTION_ITEM_STORED, "created_at", "updated_at")]


def owner_row_out(row) -> dict[str, Any]:
    """An owner read by owners_by_item, as owner_out gives it."""
    if row.user_id is not None:
        return {"user_id": row.user_id, "name": row.name}
    return {"organization_id": row.organization_id, "name": row.name, "name_ko": row.name_ko,
            "acronym": row.acronym}


def action_item_out(row, owners: list, codes: dict[int, str], today: date) -> dict[str, Any]:
    """An action item read as a row of ACTION_ITEM_COLUMNS, with its owners (owners_by_item) and the focus areas'
    codes, as ActionItemSchema dumps it (jcm.api.schemas: lists built from rows)."""
    return {**{name: as_dumped(getattr(row, name)) for name in ACTION_ITEM_STORED},
            "focus_area_code": codes[row.focus_area_id],
            "owners": {side: [owner_row_out(owner) for owner in owners if owner.side == side] for side in SIDES},
            "overdue": ActionItem.is_overdue(row, today),  # the model's rule, read from the row
            "created_at": _utc(row.created_at), "updated_at": _utc(row.updated_at)}


class ActionUpdateSchema(Schema):
    id = fields.Int()
    action_item_id = fields.Int()
    author_id = fields.Int(allow_none=True)
    author_name = fields.Method("get_author_name", metadata={"type": "string", "nullable": True})
    at = fields.Method("get_at", metadata={"type": "string", "format": "date-time"})
    text = fields.Str(metadata={"description": "empty for a change a secretariat made by editing the item"})
    status = fields.Method("get_status", metadata={
        "type": "string", "nullable": True, "enum": [*ACTION_STATUSES, None],
        "description": "the status the action item moved to, or null"})
    status_from = fields.Str(allow_none=True, metadata={"description": "the status it moved from, or null"})
    due_date_from = fields.Date(allow_none=True, metadata={"description": "for a new due date: the old one"})
    due_date_to = fields.Date(allow_none=True, metadata={"description": "for a new due date: the new one"})

    def get_author_name(self, update: ActionUpdate) -> str | None:
        return update.author.name if update.author else None

    def get_at(self, update: ActionUpdate) -> str | None:
        return _utc(update.at)

    def get_status(self, update: ActionUpdate) -> str | None:
        return update.status_to
