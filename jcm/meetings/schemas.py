"""The API's JSON shapes for meetings and their agendas: what comes in (checked for type and vocabulary only,
the rules are the services') and what goes out (DESIGN.md names the fields; more are welcome)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, post_load, validate

from jcm.api.schemas import (ID, VERSION_RANGE, SearchText, SideApprovalsSchema, StrictSchema, as_dumped,
                             input_fields, output_fields, search_description, stored_fields)
from jcm.collation import MAX_QUERY_LENGTH
from jcm.fields import declared, editable
from jcm.meetings.attachments import ALLOWED
from jcm.meetings.models import (MEETING_STATUSES, PROPOSAL_KINDS, AgendaItem, Attachment, Meeting, MeetingProposal,
                                 short_ref)
from jcm.meetings.services import MAX_AGENDA_ITEMS, MAX_FOCUS_AREAS, MEETING_SORTS, SETTABLE_STATUSES, Slot
from jcm.models import MAX_ID

# agenda_agreed and minutes_adopted follow from both sides' approvals; a secretariat sets only the others by hand.
SETTABLE_STATUS = validate.OneOf(SETTABLE_STATUSES)
HH_MM = "%H:%M"
MAX_PER_PAGE = 200


def _hh_mm(moment) -> str | None:
    return moment.strftime(HH_MM) if moment is not None else None


# --- input ----------------------------------------------------------------------------------------------

class CoChairsInSchema(StrictSchema):
    US = fields.Int(strict=True, allow_none=True, validate=ID, metadata={"description": "a U.S. co-chair's user id"})
    KR = fields.Int(strict=True, allow_none=True, validate=ID, metadata={"description": "a Korean co-chair's user id"})


class PresentersInSchema(StrictSchema):
    """A presenter's name on each side, as long as the agenda item's presenter may be (the same in either
    language)."""

    class Meta(StrictSchema.Meta):
        include = {side: input_fields(AgendaItem, (column,))[column] for side, column in (("US", "presenter_us"),
                                                                                         ("KR", "presenter_kr"))}


MEETING_FIELDS = editable(Meeting, leave_out=("co_chair_us_id", "co_chair_kr_id"))  # co-chairs: by side


class CoChairsIn:
    """The co-chairs come in as {US: id, KR: id}; the services take them by their column names."""

    co_chairs = fields.Nested(CoChairsInSchema, metadata={"description": "a side left out stays as it is"})

    @post_load
    def to_service_names(self, data: dict[str, Any], **_kwargs) -> dict[str, Any]:
        co_chairs = data.pop("co_chairs", None) or {}
        for side, key in (("US", "co_chair_us_id"), ("KR", "co_chair_kr_id")):
            if side in co_chairs:
                data[key] = co_chairs[side]
        return data


class MeetingCreateSchema(CoChairsIn, StrictSchema):
    class Meta(StrictSchema.Meta):
        include = {"agreement_id": fields.Int(strict=True, required=True, validate=ID),
                   **input_fields(Meeting, MEETING_FIELDS, creating=True)}

    focus_area_ids = fields.List(fields.Int(strict=True, validate=ID), validate=validate.Length(max=MAX_FOCUS_AREAS),
                                 metadata={"description": "the focus areas the first draft of the agenda gives an "
                                                          "item each"})


class MeetingUpdateSchema(CoChairsIn, StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(Meeting, MEETING_FIELDS)

    status = fields.Str(validate=SETTABLE_STATUS, metadata={
        "description": "held once the meeting has begun, cancelled, or back to planning"})
    version = fields.Int(strict=True, validate=VERSION_RANGE, metadata={
        "description": "the version this change is based on"})


class MeetingQuery(Schema):
    """The meetings' filters and order, and which page of them."""

    agreement_id = fields.Int(validate=ID)
    status = fields.Str(validate=validate.OneOf(MEETING_STATUSES))
    q = SearchText(metadata={"description": search_description("the title, venue or city"),
                             "maxLength": MAX_QUERY_LENGTH, "example": "세종"})
    sort = fields.Str(validate=validate.OneOf(MEETING_SORTS, error=_l("Sort by one of: %(sorts)s.",
                                                                      sorts=", ".join(MEETING_SORTS))),
                      metadata={"description": "default: date (the latest first); title: by the title in the reader's "
                                               "language (the Korean title for a Korean reader, where there is one), "
                                               "Hangul in 가나다 order; -title: the reverse", "enum": list(MEETING_SORTS)})
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"at most {MAX_PER_PAGE}"})


PRESENTERS = {"presenters": (("US", "presenter_us"), ("KR", "presenter_kr")),
              "presenters_ko": (("US", "presenter_us_ko"), ("KR", "presenter_kr_ko"))}
ITEM_FIELDS = editable(AgendaItem, leave_out=[column for sides in PRESENTERS.values() for _side, column in sides])


class PresentersIn:
    """The presenters come in as {US: name, KR: name}; the services take them by their column names."""

    focus_area_ids = fields.List(fields.Int(strict=True, validate=ID),
                                 validate=validate.Length(max=MAX_FOCUS_AREAS))
    presenters = fields.Nested(PresentersInSchema, metadata={"description": "a side left out stays as it is"})
    presenters_ko = fields.Nested(PresentersInSchema, metadata={
        "description": "the presenters' names in Korean; a side left out stays as it is"})

    @post_load
    def to_service_names(self, data: dict[str, Any], **_kwargs) -> dict[str, Any]:
        for name, sides in PRESENTERS.items():
            presenters = data.pop(name, None) or {}
            for side, key in sides:
                if side in presenters:
                    data[key] = presenters[side]
        return data


class AgendaItemCreateSchema(PresentersIn, StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(AgendaItem, ITEM_FIELDS, creating=True)


class AgendaItemUpdateSchema(PresentersIn, StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(AgendaItem, ITEM_FIELDS)

    version = fields.Int(strict=True, validate=VERSION_RANGE, metadata={
        "description": "the version this change is based on"})


class VersionQuery(Schema):
    version = fields.Int(validate=VERSION_RANGE, metadata={"description": "the version this deletion is based on"})


class AgendaOrderSchema(StrictSchema):
    ids = fields.List(fields.Int(strict=True, validate=ID), required=True,
                      validate=validate.Length(max=MAX_AGENDA_ITEMS),
                      metadata={"description": "every agenda item id of the meeting, once, in the new order (an "
                                               f"agenda holds at most {MAX_AGENDA_ITEMS} items)"})


class AgreeSchema(StrictSchema):
    agenda_version = fields.Int(strict=True, validate=VERSION_RANGE, metadata={
        "description": "the agenda version the caller read; a stale one is refused with 409"})


class ProposalCreateSchema(StrictSchema):
    """What one side proposes; the other side's secretariat confirms it (or declines it)."""

    class Meta(StrictSchema.Meta):
        include = input_fields(MeetingProposal, ("reason", "start_date", "end_date", "host_side"), creating=True)

    kind = fields.Str(required=True, validate=validate.OneOf(PROPOSAL_KINDS), metadata={
        "description": "cancel or delete the meeting, or change its dates or host (`start_date`, `end_date`, "
                       "`host_side`: what changes; a new first day without a last day keeps the meeting's length)"})


class AttachmentUploadSchema(StrictSchema):
    file = Upload(metadata={"description": "the paper, sent as multipart/form-data; its name's extension (one of "
                                           + ", ".join(sorted(ALLOWED)) + ") must match its content; at most the "
                                           "instance's upload limit (413 beyond it)"})


class AgendaVersionQuery(Schema):
    agenda_version = fields.Int(validate=ID, metadata={
        "description": "the agenda version the caller read; a stale one is refused with 409"})


# --- output ---------------------------------------------------------------------------------------------

class MeetingSchema(Schema):
    class Meta:
        include = {"id": fields.Int(), "agreement_id": fields.Int(),
                   **output_fields(Meeting, [name for name in declared(Meeting) if not name.startswith("co_chair")]),
                   "agenda_version": fields.Int(), "version": fields.Int()}

    short_ref = fields.Str(metadata={"description": "the prefix of action-item references: JCM12"})
    co_chairs = fields.Method("get_co_chairs", metadata={
        "type": "object", "description": "{US: user_id | null, KR: user_id | null}"})

    def get_co_chairs(self, meeting) -> dict[str, int | None]:
        return {"US": meeting.co_chair_us_id, "KR": meeting.co_chair_kr_id}


MEETING_STORED = stored_fields(MeetingSchema, Meeting)
MEETING_COLUMNS = [getattr(Meeting, name) for name in (*MEETING_STORED, "co_chair_us_id", "co_chair_kr_id")]


def meeting_out(row) -> dict[str, Any]:
    """A meeting read as a row of MEETING_COLUMNS, as MeetingSchema dumps it (jcm.api.schemas: lists built from
    rows)."""
    return {**{name: as_dumped(getattr(row, name)) for name in MEETING_STORED}, "short_ref": short_ref(row.ordinal),
            "co_chairs": {"US": row.co_chair_us_id, "KR": row.co_chair_kr_id}}


@dataclass
class ScheduledItem:
    """An agenda item with its place in the schedule (None when its day is not one of the meeting's)."""

    item: AgendaItem
    slot: Slot | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.item, name)


class AgendaItemSchema(Schema):
    class Meta:
        include = {"id": fields.Int(), "meeting_id": fields.Int(),
                   **output_fields(AgendaItem, [name for name in declared(AgendaItem)
                                                if not name.startswith("presenter")])}

    number = fields.Method("get_number", metadata={"type": "integer", "description": "1, 2, … across all days"})
    focus_area_ids = fields.Method("get_focus_area_ids", metadata={"type": "array", "items": {"type": "integer"}})
    presenters = fields.Method("get_presenters", metadata={"type": "object", "description": "{US: str, KR: str}"})
    presenters_ko = fields.Method("get_presenters_ko", metadata={
        "type": "object", "description": "the presenters' names in Korean: {US: str, KR: str}"})
    start_time = fields.Method("get_start_time", metadata={
        "type": "string", "nullable": True, "description": "HH:MM, computed from the day's start and the durations"})
    end_time = fields.Method("get_end_time", metadata={"type": "string", "nullable": True, "description": "HH:MM"})
    version = fields.Int()

    def get_number(self, scheduled: ScheduledItem) -> int | None:
        return scheduled.slot.number if scheduled.slot else None

    def get_focus_area_ids(self, scheduled: ScheduledItem) -> list[int]:
        return [area.id for area in scheduled.focus_areas]

    def get_presenters(self, scheduled: ScheduledItem) -> dict[str, str]:
        return {"US": scheduled.presenter_us, "KR": scheduled.presenter_kr}

    def get_presenters_ko(self, scheduled: ScheduledItem) -> dict[str, str]:
        return {"US": scheduled.presenter_us_ko, "KR": scheduled.presenter_kr_ko}

    def get_start_time(self, scheduled: ScheduledItem) -> str | None:
        return _hh_mm(scheduled.slot.starts) if scheduled.slot else None

    def get_end_time(self, scheduled: ScheduledItem) -> str | None:
        return _hh_mm(scheduled.slot.ends) if scheduled.slot else None


AGENDA_ITEM_STORED = stored_fields(AgendaItemSchema, AgendaItem)


def agenda_item_out(scheduled: ScheduledItem) -> dict[str, Any]:
    """An agenda item with its place in the schedule, as AgendaItemSchema dumps it, without marshmallow's work for
    each field (jcm.api.schemas: lists built from rows)."""
    item, slot = scheduled.item, scheduled.slot
    return {**{name: as_dumped(getattr(item, name)) for name in AGENDA_ITEM_STORED},
            "number": slot.number if slot else None, "focus_area_ids": [area.id for area in item.focus_areas],
            "presenters": {"US": item.presenter_us, "KR": item.presenter_kr},
            "presenters_ko": {"US": item.presenter_us_ko, "KR": item.presenter_kr_ko},
            "start_time": _hh_mm(slot.starts) if slot else None, "end_time": _hh_mm(slot.ends) if slot else None}


class AgendaApprovalsSchema(Schema):
    """Each side's agreement to the current version of the agenda."""

    meeting_id = fields.Int()
    agenda_version = fields.Int()
    status = fields.Str(metadata={"description": "the meeting's status: agenda_agreed once both sides agreed"})
    approvals = fields.Nested(SideApprovalsSchema, metadata={"description": "{US: {user_id, at} | null, KR: …}"})


class AgendaDaySchema(Schema):
    day = fields.Method("get_day", metadata={"type": "string", "format": "date"})
    starts_at = fields.Method("get_starts_at", metadata={"type": "string", "description": "HH:MM"})
    ends_at = fields.Method("get_ends_at", metadata={"type": "string", "description": "HH:MM"})
    minutes = fields.Int(metadata={"description": "the minutes the day's items take"})
    overrun_minutes = fields.Int(metadata={"description": "by how much the items overrun the day's end"})

    def get_day(self, schedule_day) -> str:
        return schedule_day.day.day.isoformat()

    def get_starts_at(self, schedule_day) -> str:
        return _hh_mm(schedule_day.day.starts_at)

    def get_ends_at(self, schedule_day) -> str:
        return _hh_mm(schedule_day.day.ends_at)


class AgendaSchema(AgendaApprovalsSchema):
    items = fields.List(fields.Nested(AgendaItemSchema))
    days = fields.List(fields.Nested(AgendaDaySchema))


class ProposalSchema(Schema):
    """A proposal of one side: what it proposes, and where it stands."""

    class Meta:
        include = output_fields(MeetingProposal, ("kind", "reason", "status", "start_date", "end_date", "host_side"))

    meeting_id = fields.Int()
    number = fields.Int(metadata={"description": "1, 2 … for each meeting"})
    side = fields.Str(metadata={"description": "the side that proposed it"})
    was = fields.Dict(metadata={"description": "the meeting's dates and host when it was proposed"})
    stale = fields.Method("get_stale", metadata={
        "type": "boolean", "description": "the meeting has changed since: it can no longer be confirmed"})
    proposed_by_id = fields.Int(allow_none=True)
    proposed_at = fields.Method("get_proposed_at", metadata={"type": "string", "format": "date-time"})
    decided_by_id = fields.Int(allow_none=True, metadata={"description": "who confirmed, declined or withdrew it"})
    decided_at = fields.Method("get_decided_at", metadata={"type": "string", "format": "date-time", "nullable": True})

    def get_stale(self, proposal) -> bool:
        return proposal["stale"]

    def get_proposed_at(self, proposal) -> str | None:
        return _utc(proposal["proposed_at"])

    def get_decided_at(self, proposal) -> str | None:
        return _utc(proposal["decided_at"])


def _utc(moment) -> str | None:
    from datetime import timezone

    return moment.replace(tzinfo=timezone.utc).isoformat() if moment is not None else None  # stored as naive UTC


class AttachmentSchema(Schema):
    """A paper of an agenda item; its file is at `file_url`."""

    id = fields.Int()
    agenda_item_id = fields.Int()
    meeting_id = fields.Method("get_meeting_id", metadata={"type": "integer"})
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int(metadata={"description": "in bytes"})
    sha256 = fields.Str(metadata={"description": "the SHA-256 of the file's content"})
    uploaded_by_id = fields.Int(allow_none=True)
    uploaded_at = fields.Method("get_uploaded_at", metadata={"type": "string", "format": "date-time"})
    file_url = fields.Method("get_file_url", metadata={"type": "string", "description": "where to download the file"})

    def get_meeting_id(self, attachment: Attachment) -> int:
        return attachment.agenda_item.meeting_id

    def get_uploaded_at(self, attachment: Attachment) -> str:
        return attachment.uploaded_at.replace(tzinfo=timezone.utc).isoformat()  # stored as naive UTC

    def get_file_url(self, attachment: Attachment) -> str:
        return url_for("api_attachments.download_attachment", attachment_id=attachment.id)
