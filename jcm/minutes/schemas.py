"""The API's JSON shapes for the minutes: what comes in and what goes out (DESIGN.md names the fields; more are
welcome), made from the models' declarations. Within the lists of records and progress entries the schema checks
only the types: the services refuse a text too long or a status unknown, naming the place (records[2].discussion)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from jcm.api.schemas import ID, VERSION_RANGE, SideApprovalsSchema, StrictSchema, input_fields, output_fields
from jcm.fields import declared
from jcm.meetings.services import MAX_AGENDA_ITEMS, MAX_FOCUS_AREAS
from jcm.minutes.models import (Attendee, CorrectionStatus, Minutes, MinutesComment, MinutesCorrection,
                                MinutesSection, ProgressEntry)
from jcm.minutes.services import MAX_DELEGATION
from jcm.models import MAX_ID
from jcm.mou.models import FocusArea

SHA256 = r"^([0-9a-f]{64})?$"  # a digest as JCM writes it (empty: none given)
VERSION = {"description": "the version this change is based on; a stale one is refused with 409"}


def _utc(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=timezone.utc).isoformat() if moment is not None else None  # stored as naive UTC


# --- input ----------------------------------------------------------------------------------------------

class AttendeeInSchema(StrictSchema):
    """An attendee from an account (`user_id`; name, title and organization, in English and Korean, default to the
    account's) or typed in."""

    user_id = fields.Int(strict=True, allow_none=True, validate=ID, metadata={"description": "an account on that side"})
    name = fields.Str(allow_none=True, metadata={"description": "in Latin letters"})
    name_ko = fields.Str(allow_none=True, metadata={"description": "in Hangul"})
    title = fields.Str(allow_none=True)
    title_ko = fields.Str(allow_none=True)
    organization = fields.Str(allow_none=True)
    organization_ko = fields.Str(allow_none=True)


ATTENDEE_TEXTS = ("name", "name_ko", "title", "title_ko", "organization", "organization_ko")
ATTENDEE_DOC = {"oneOf": [{"type": "string", "description": "a name",
                           "maxLength": declared(Attendee)["name"].max_length},
                          {"type": "object", "additionalProperties": False, "description":
                           "an account ({user_id}; the rest defaults to the account's) or {name, title, organization}, "
                           "each with its Korean text beside it (name_ko, title_ko, organization_ko)",
                           "properties": {"user_id": {"type": "integer", "nullable": True, "minimum": 1,
                                                      "maximum": MAX_ID},
                                          **{name: {"type": "string", "nullable": True,
                                                    "maxLength": declared(Attendee)[name].max_length}
                                             for name in ATTENDEE_TEXTS}}}]}


class AttendeeIn(fields.Field):
    """A name, or {user_id} / {name, title, organization}."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return {"name": value}
        if isinstance(value, dict):
            return AttendeeInSchema().load(value)
        raise ValidationError("An attendee is a name or an object: {user_id} or {name, title, organization} (each "
                              "with its Korean text beside it: name_ko, title_ko, organization_ko).")


class AttendanceInSchema(StrictSchema):
    US = fields.List(AttendeeIn(metadata=ATTENDEE_DOC), validate=validate.Length(max=MAX_DELEGATION), metadata={
        "description": "the whole U.S. delegation, in order; a side left out stays as it is"})
    KR = fields.List(AttendeeIn(metadata=ATTENDEE_DOC), validate=validate.Length(max=MAX_DELEGATION), metadata={
        "description": "the whole Korean delegation, in order; a side left out stays as it is"})


class AttendanceVersionInSchema(StrictSchema):
    US = fields.Int(strict=True, validate=VERSION_RANGE, metadata={
        "description": "the version of the U.S. delegation this list is based on; a stale one is refused with 409"})
    KR = fields.Int(strict=True, validate=VERSION_RANGE, metadata={
        "description": "the version of the Korean delegation this list is based on; a stale one is refused with 409"})


class RecordInSchema(StrictSchema):
    """One agenda item's record in English and Korean; a text left out stays as it is."""

    class Meta(StrictSchema.Meta):
        include = input_fields(MinutesSection, ("discussion", "discussion_ko", "decisions", "decisions_ko"),
                               checked=False)

    agenda_item_id = fields.Int(strict=True, required=True, validate=ID, metadata={
        "description": "an agenda item of this meeting"})
    version = fields.Int(strict=True, validate=VERSION_RANGE, required=True, metadata=VERSION)


class ProgressInSchema(StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(ProgressEntry, ("focus_area_id", "status", "narrative", "narrative_ko"), creating=True,
                               checked=False)

    version = fields.Int(strict=True, validate=VERSION_RANGE, allow_none=True, metadata=VERSION)


class MinutesUpdateSchema(StrictSchema):
    """Only what is given changes; everything in one request is saved together or not at all."""

    attendance = fields.Nested(AttendanceInSchema, metadata={
        "description": "{US: [attendee], KR: [attendee]}, an attendee being a name, {user_id} or "
                       "{name, title, organization} with name_ko, title_ko, organization_ko"})
    records = fields.List(fields.Nested(RecordInSchema), validate=validate.Length(max=MAX_AGENDA_ITEMS), metadata={
        "description": "the records of the agenda items given; the others stay as they are"})
    progress = fields.List(fields.Nested(ProgressInSchema), validate=validate.Length(max=MAX_FOCUS_AREAS), metadata={
        "description": "progress per focus area; the focus areas left out stay as they are"})
    attendance_version = fields.Nested(AttendanceVersionInSchema, metadata={
        "description": "with `attendance`: {US: n, KR: n}, the version of each side's list it is based on"})
    next_meeting_version = fields.Int(strict=True, validate=VERSION_RANGE, metadata=VERSION)
    version = fields.Int(strict=True, validate=VERSION_RANGE, metadata={
        "description": "with `status`: the minutes' version it is based on"})

    class Meta(StrictSchema.Meta):
        include = input_fields(Minutes, ("next_meeting", "next_meeting_ko", "status"))


class AdoptSchema(StrictSchema):
    """Nothing to send: the caller adopts for their own side."""


class CommentCreateSchema(StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(MinutesComment, ("text",), creating=True)

    agenda_item_id = fields.Int(strict=True, allow_none=True, validate=ID, metadata={
        "description": "the agenda item whose record the comment is about; none for the minutes as a whole"})


# --- output ---------------------------------------------------------------------------------------------

LANGUAGES_DOC = {"description": "the state of each text in each language, by the English field's name: "
                                 "{discussion: {en: written, ko: missing}, …}; empty, missing, written, stale or "
                                 "checked (GET /texts/<kind>/<id> tells more, and takes a check)"}


def languages_field():
    return fields.Dict(keys=fields.Str(), values=fields.Dict(keys=fields.Str(), values=fields.Str()),
                       metadata=LANGUAGES_DOC)


class AttendeeSchema(Schema):
    class Meta:
        include = output_fields(Attendee, ("name", "name_ko", "title", "title_ko", "organization", "organization_ko",
                                           "user_id"))

    id = fields.Int(metadata={"description": "the attendee's id (texts of kind attendee)"})
    languages = languages_field()


class SideAttendeesSchema(Schema):
    US = fields.List(fields.Nested(AttendeeSchema))
    KR = fields.List(fields.Nested(AttendeeSchema))


class SideVersionsSchema(Schema):
    US = fields.Int()
    KR = fields.Int()


class SideNamesSchema(Schema):
    US = fields.List(fields.Str())
    KR = fields.List(fields.Str())


class RecordSchema(Schema):
    class Meta:
        include = output_fields(MinutesSection, ("discussion", "discussion_ko", "decisions", "decisions_ko"))

    id = fields.Int(metadata={"description": "the section's id (texts of kind minutes_section)"})
    languages = languages_field()
    agenda_item_id = fields.Int()
    title = fields.Str(metadata={"description": "the agenda item's title"})
    position = fields.Int(metadata={"description": "the agenda item's position"})
    version = fields.Int()
    updated_at = fields.Method("get_updated_at", metadata={"type": "string", "format": "date-time"})
    updated_by_id = fields.Int(allow_none=True)

    def get_updated_at(self, record) -> str | None:
        return _utc(record["updated_at"])


class ProgressSchema(Schema):
    class Meta:
        include = output_fields(ProgressEntry, ("focus_area_id", "status", "narrative", "narrative_ko"))

    id = fields.Int(metadata={"description": "the progress entry's id (texts of kind progress_entry)"})
    languages = languages_field()
    focus_area_code = fields.Str(metadata={"example": "A.1"})
    version = fields.Int()


class MinutesApprovalsSchema(Schema):
    """Each side's adoption, and what follows from both."""

    class Meta:
        include = output_fields(Minutes, ("status",))

    meeting_id = fields.Int()
    version = fields.Int()
    meeting_status = fields.Str(metadata={"description": "minutes_adopted once both co-chairs have adopted"})
    approvals = fields.Nested(SideApprovalsSchema, metadata={"description": "{US: {user_id, at} | null, KR: …}"})
    sha256 = fields.Str(allow_none=True, metadata={
        "description": "once adopted: the SHA-256 of the canonical content, fixed at adoption; else null"})
    adopted_at = fields.Method("get_adopted_at", metadata={"type": "string", "format": "date-time",
                                                           "nullable": True})

    def get_adopted_at(self, minutes) -> str | None:
        return _utc(minutes["adopted_at"])


class MinutesSchema(MinutesApprovalsSchema):
    attendance = fields.Nested(SideNamesSchema, metadata={"description": "{US: [name], KR: [name]}"})
    attendees = fields.Nested(SideAttendeesSchema, metadata={
        "description": "{US: [{id, name, name_ko, title, title_ko, organization, organization_ko, user_id, "
                       "languages}], KR: […]}"})
    class Meta:
        include = output_fields(Minutes, ("status", "next_meeting", "next_meeting_ko"))

    id = fields.Int(metadata={"description": "the minutes' id (texts of kind minutes: the next meeting)"})
    languages = languages_field()

    records = fields.List(fields.Nested(RecordSchema), metadata={"description": "in the agenda's order"})
    progress = fields.List(fields.Nested(ProgressSchema))
    next_meeting_version = fields.Int()
    attendance_version = fields.Nested(SideVersionsSchema, metadata={
        "description": "{US: n, KR: n}: the version of each side's delegation, to base a change of its list on"})
    updated_at = fields.Method("get_updated_at", metadata={"type": "string", "format": "date-time"})

    def get_updated_at(self, minutes) -> str | None:
        return _utc(minutes["updated_at"])


def minutes_dumped(minutes: dict) -> dict:
    """The minutes as jcm.minutes.api.minutes_out gives them, as MinutesSchema dumps them, built directly rather
    than field by field by marshmallow (jcm.api.schemas: lists built from rows): a meeting's forty records, each
    text's state in both languages, took most of the request. Every value is already as the schema gives it but the
    moments, said as UTC, and each side's adoption, dumped as ApprovalSchema dumps it. The tests hold the two equal."""
    return {**minutes, "adopted_at": _utc(minutes["adopted_at"]), "updated_at": _utc(minutes["updated_at"]),
            "approvals": SideApprovalsSchema().dump(minutes["approvals"]),
            "records": [{**record, "updated_at": _utc(record["updated_at"])} for record in minutes["records"]]}


class CommentSchema(Schema):
    class Meta:
        include = output_fields(MinutesComment, ("text",))

    id = fields.Int()
    meeting_id = fields.Int()
    agenda_item_id = fields.Int(allow_none=True)
    author_id = fields.Int(allow_none=True)
    author_name = fields.Str(allow_none=True)
    side = fields.Str()
    at = fields.Method("get_at", metadata={"type": "string", "format": "date-time"})
    resolved_at = fields.Method("get_resolved_at", metadata={"type": "string", "format": "date-time",
                                                             "nullable": True})

    def get_at(self, comment) -> str | None:
        return _utc(comment["at"])

    def get_resolved_at(self, comment) -> str | None:
        return _utc(comment["resolved_at"])


# --- corrections ----------------------------------------------------------------------------------------

class CorrectionRecordInSchema(StrictSchema):
    """The corrected discussion (Markdown) and decisions of one record, in English and Korean; a field left out
    stays as adopted."""

    class Meta(StrictSchema.Meta):
        include = input_fields(MinutesSection, ("discussion", "discussion_ko", "decisions", "decisions_ko"),
                               checked=False)

    agenda_item_id = fields.Int(strict=True, required=True, validate=ID, metadata={
        "description": "the agenda item whose record is corrected"})


class CorrectionProgressInSchema(StrictSchema):
    """The corrected status and narrative (in English and Korean) of one focus area's progress; a field left out
    stays as adopted."""

    class Meta(StrictSchema.Meta):
        include = input_fields(ProgressEntry, ("status", "narrative", "narrative_ko"), checked=False)

    focus_area = fields.Str(required=True, validate=validate.Length(max=declared(FocusArea)["code"].max_length),
                            metadata={"description": "the focus area's code", "example": "A.1"})


class CorrectionChangesSchema(StrictSchema):
    """Only what the correction changes; everything else stays as adopted. A text corrected in one language
    carries the other too (`discussion` with `discussion_ko` …), corrected as well or given as adopted: both texts
    are equally authentic."""

    class Meta(StrictSchema.Meta):
        include = input_fields(Minutes, ("next_meeting", "next_meeting_ko"))

    records = fields.List(fields.Nested(CorrectionRecordInSchema), validate=validate.Length(max=MAX_AGENDA_ITEMS))
    progress = fields.List(fields.Nested(CorrectionProgressInSchema), validate=validate.Length(max=MAX_FOCUS_AREAS))


class CorrectionCreateSchema(StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(MinutesCorrection, ("reason",), creating=True)

    changes = fields.Nested(CorrectionChangesSchema, required=True)
    supersedes = fields.Str(validate=[validate.Length(max=64), validate.Regexp(
        SHA256, error=_l("The SHA-256 of the adopted text: 64 hexadecimal digits (0-9, a-f)."))], metadata={
        "description": "the SHA-256 of the adopted text this corrects (the current one); a stale one is refused with "
                       "409"})


class CorrectionUpdateSchema(StrictSchema):
    class Meta(StrictSchema.Meta):
        include = input_fields(MinutesCorrection, ("reason",))

    changes = fields.Nested(CorrectionChangesSchema)
    status = fields.Str(validate=validate.OneOf([CorrectionStatus.withdrawn.value]), metadata={
        "description": "withdrawn: the secretariats withdraw the proposal"})
    version = fields.Int(strict=True, validate=VERSION_RANGE, required=True, metadata=VERSION)


class CorrectionAdoptSchema(StrictSchema):
    version = fields.Int(strict=True, validate=VERSION_RANGE, metadata=VERSION)


class CorrectionSchema(Schema):
    class Meta:
        include = output_fields(MinutesCorrection, ("status", "reason"))

    meeting_id = fields.Int()
    number = fields.Int(metadata={"description": "Corr. 1, Corr. 2 …"})
    changes = fields.Dict(metadata={"description": "{records: [...], progress: [...], next_meeting, next_meeting_ko}: "
                                                   "what changes"})
    supersedes = fields.Str(metadata={"description": "the SHA-256 of the adopted text this corrects"})
    sha256 = fields.Str(allow_none=True, metadata={"description": "once adopted: the SHA-256 of the corrected record"})
    version = fields.Int()
    proposed_by_id = fields.Int(allow_none=True)
    proposed_at = fields.Method("get_proposed_at", metadata={"type": "string", "format": "date-time"})
    adopted_at = fields.Method("get_adopted_at", metadata={"type": "string", "format": "date-time",
                                                           "nullable": True})
    approvals = fields.Nested(SideApprovalsSchema, metadata={"description": "{US: {user_id, at} | null, KR: …}"})
    documents = fields.Dict(allow_none=True, metadata={"description": "once adopted: the corrected text's documents"})

    def get_proposed_at(self, correction) -> str | None:
        return _utc(correction["proposed_at"])

    def get_adopted_at(self, correction) -> str | None:
        return _utc(correction["adopted_at"])


class RecordOutSchema(Schema):
    meeting_id = fields.Int()
    sha256 = fields.Str(metadata={"description": "the SHA-256 of the record's canonical JSON (sorted keys, no "
                                                "spaces, UTF-8), as printed on every page"})
    record = fields.Dict(metadata={"description": "everything the adopted documents print"})
