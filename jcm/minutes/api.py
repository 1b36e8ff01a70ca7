"""API resources for the minutes: each view parses, calls the services, commits once and responds.

Reading minutes that have not been started is a 404 saying so, for everyone: reading never writes. A secretariat
starts them with their first PUT (an empty body `{}` only starts them), as "Start the minutes" does in the browser."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask_babel import gettext as _
from flask_smorest import Blueprint

from jcm.api import current_api_user
from jcm.api.resources import commit, refusals, written_once
from jcm.bilingual import statuses
from jcm.errors import Conflict, Invalid, NotFound
from jcm.meetings import services as meetings
from jcm.meetings.models import Meeting
from jcm.minutes import services as minutes_services
from jcm.minutes.models import Minutes, MinutesComment, MinutesCorrection, attendance_version
from jcm.minutes.schemas import (AdoptSchema, CommentCreateSchema, CommentSchema, CorrectionAdoptSchema,
                                 CorrectionCreateSchema, CorrectionSchema, CorrectionUpdateSchema,
                                 MinutesApprovalsSchema, MinutesSchema, MinutesUpdateSchema, RecordOutSchema,
                                 minutes_dumped)
from jcm.models import SIDES
from jcm.permissions import require

minutes_api = Blueprint("api_minutes", __name__,
                        description="Minutes: attendance, a record per agenda item, progress per focus area, "
                                    "review comments, and adoption by both co-chairs")
blueprints = [minutes_api]

T = TypeVar("T")


# --- loading and showing --------------------------------------------------------------------------------

def _not_started() -> NotFound:
    return NotFound(_("The minutes of this meeting have not been started yet: a secretariat starts them."))


def _existing(meeting: Meeting) -> Minutes:
    minutes = minutes_services.minutes_for(meeting)
    if minutes is None:
        raise _not_started()
    return minutes


def approvals_out(minutes: Minutes, meeting: Meeting) -> dict[str, Any]:
    return {"meeting_id": meeting.id, "status": minutes.status, "version": minutes.version,
            "meeting_status": meeting.status, "approvals": minutes_services.approvals_by_side(minutes),
            "sha256": minutes.sha256 if minutes.adopted else None, "adopted_at": minutes.adopted_at}


def languages(obj) -> dict[str, dict[str, str]]:
    """The state of each of obj's texts in each language: {discussion: {en: written, ko: missing}, …}."""
    return statuses(obj)


def minutes_out(minutes: Minutes, meeting: Meeting) -> dict[str, Any]:
    attendees = {side: sorted((a for a in minutes.attendees if a.side == side), key=lambda a: a.position)
                 for side in SIDES}
    return {
        **approvals_out(minutes, meeting),
        "id": minutes.id,
        "attendance": {side: [a.name for a in attendees[side]] for side in SIDES},
        "attendees": {side: [{"id": a.id, "name": a.name, "name_ko": a.name_ko, "title": a.title,
                              "title_ko": a.title_ko, "organization": a.organization,
                              "organization_ko": a.organization_ko, "user_id": a.user_id, "languages": languages(a)}
                             for a in attendees[side]] for side in SIDES},
        "records": [{"id": s.id, "agenda_item_id": s.agenda_item_id, "title": s.agenda_item.title,
                     "position": s.agenda_item.position, "discussion": s.discussion, "discussion_ko": s.discussion_ko,
                     "decisions": list(s.decisions or []), "decisions_ko": list(s.decisions_ko or []),
                     "languages": languages(s), "version": s.version, "updated_at": s.updated_at,
                     "updated_by_id": s.updated_by_id}
                    for s in minutes_services.ordered_sections(minutes)],
        "progress": [{"id": e.id, "focus_area_id": e.focus_area_id, "focus_area_code": e.focus_area.code,
                      "status": e.status, "narrative": e.narrative, "narrative_ko": e.narrative_ko,
                      "languages": languages(e), "version": e.version}
                     for e in sorted(minutes.progress, key=lambda e: (e.focus_area.position, e.focus_area_id))],
        "next_meeting": minutes.next_meeting,
        "next_meeting_ko": minutes.next_meeting_ko,
        "languages": languages(minutes),
        "next_meeting_version": minutes.next_meeting_version,
        "attendance_version": {side: getattr(minutes, attendance_version(side)) for side in SIDES},
        "updated_at": minutes.updated_at,
    }


def current_minutes(meeting_id: int) -> dict[str, Any]:
    meeting = meetings.get_meeting(meeting_id)
    return minutes_out(_existing(meeting), meeting)


def comment_out(comment: MinutesComment, meeting_id: int, items: dict[int, int]) -> dict[str, Any]:
    return {"id": comment.id, "meeting_id": meeting_id,
            "agenda_item_id": items.get(comment.section_id) if comment.section_id else None,
            "author_id": comment.author_id, "author_name": comment.author.name if comment.author else None,
            "side": comment.side, "text": comment.text, "at": comment.at, "resolved_at": comment.resolved_at}


def _section_items(minutes: Minutes) -> dict[int, int]:
    return {section.id: section.agenda_item_id for section in minutes.sections}


def _naming(field: str, change: Callable[[], T]) -> T:
    """Run one part of a request, so that a refusal names the part of the body at fault: records[2].discussion."""
    try:
        return change()
    except (Invalid, Conflict) as error:
        if isinstance(error, Invalid) or error.current is not None:
            named = error.field and error.field != field
            error.field = f"{field}.{error.field}" if named else field
        raise


# --- the minutes ----------------------------------------------------------------------------------------

@minutes_api.get("/meetings/<int:meeting_id>/minutes")
@minutes_api.response(200, MinutesSchema)
@refusals(minutes_api, 404)
def get_minutes(meeting_id: int):
    """The minutes, with each record's and progress entry's version to base a change on.

    Every text comes with its Korean text beside it, named with `_ko` (`discussion_ko`, `decisions_ko` aligned
    with `decisions`, `narrative_ko`, `next_meeting_ko`, an attendee's `name_ko`, `title_ko`, `organization_ko`),
    and each record, progress entry, attendee and the minutes themselves (the next meeting) with `languages`: the
    state of each text in each language (GET /texts/<kind>/<id> tells more and takes a side's check).

    Minutes not yet started are a 404: a secretariat starts them with a PUT (`{}` only starts them), with a
    section per agenda item. `sha256` is null until both co-chairs have adopted them."""
    user = current_api_user()
    require(user, "minutes.view", minutes_services.meeting_of_page(meeting_id))  # 404 for no such meeting

    def dumped() -> dict[str, Any] | None:
        """The minutes as this API shows them, the same for every reader: made once per version of the content."""
        minutes = minutes_services.minutes_of(meeting_id)  # with the meeting: all a reader needs of it here
        return None if minutes is None else minutes_dumped(minutes_out(minutes, minutes.meeting))

    written = written_once(("api minutes", meeting_id), dumped)
    if written is None:
        raise _not_started()
    return written


def _apply(user, meeting: Meeting, data: dict[str, Any]) -> None:
    minutes = minutes_services.open_minutes(user, meeting)
    require(user, "minutes.edit", minutes)
    versions = data.get("attendance_version") or {}
    for side, entries in (data.get("attendance") or {}).items():
        try:
            minutes_services.set_attendance(user, minutes, side, entries, versions.get(side))
        except (Invalid, Conflict) as error:  # named within the side: attendance.KR[0].name_ko, or the whole list
            if isinstance(error, Invalid) or error.current is not None:  # a stale list, not a rule of the minutes
                place = error.field[len("attendance"):] if (error.field or "").startswith("attendance[") else ""
                error.field = f"attendance.{side}{place}"
            raise
    sections = {section.agenda_item_id: section for section in minutes.sections}
    for index, record in enumerate(data.get("records") or []):
        section = sections.get(record["agenda_item_id"])
        if section is None:
            raise Invalid(_("Agenda item %(id)s is not on this meeting's agenda.", id=record["agenda_item_id"]),
                          field=f"records[{index}].agenda_item_id")
        try:
            _naming(f"records[{index}]", lambda: minutes_services.save_section(
                user, section, record.get("discussion"), record.get("decisions"), record["version"],
                discussion_ko=record.get("discussion_ko"), decisions_ko=record.get("decisions_ko")))
        except Conflict as conflict:
            if isinstance(conflict.current, dict):
                conflict.current = {"agenda_item_id": section.agenda_item_id, **conflict.current}
            raise
    for index, entry in enumerate(data.get("progress") or []):
        _naming(f"progress[{index}]", lambda: minutes_services.save_progress(
            user, minutes, entry["focus_area_id"], entry["status"], entry.get("narrative"), entry.get("version"),
            narrative_ko=entry.get("narrative_ko")))
    if "next_meeting" in data or "next_meeting_ko" in data:
        try:  # a refused text names itself (next_meeting or next_meeting_ko)
            minutes_services.set_next_meeting(user, minutes, data.get("next_meeting"), data.get("next_meeting_version"),
                                              korean=data.get("next_meeting_ko"))
        except Conflict as conflict:
            if conflict.current is not None:
                conflict.field = "next_meeting"
            raise
    if "status" in data:
        _naming("status", lambda: minutes_services.set_status(user, minutes, data["status"], data.get("version")))


@minutes_api.put("/meetings/<int:meeting_id>/minutes")
@minutes_api.arguments(MinutesUpdateSchema)
@minutes_api.response(200, MinutesSchema)
@refusals(minutes_api, 403, 404, 409, 422)
def update_minutes(data, meeting_id: int):
    """A secretariat changes what is given: `attendance` per side, `records`, `progress`, `next_meeting`,
    `status`. Everything in one request is saved together or not at all. The first PUT starts the minutes, with a
    record per agenda item; `{}` only starts them.

    Each text has its Korean text beside it (`discussion_ko`, `decisions_ko`, `narrative_ko`, `next_meeting_ko`,
    an attendee's `name_ko`, `title_ko`, `organization_ko`); a text left out of a record or a progress entry stays
    as it is, so a writer of one language never wipes the other. `decisions_ko` is aligned with `decisions`: a
    Korean list written while English decisions exist has as many entries (else 422).

    Each record carries the `version` it was based on: a stale one is refused with 409, and `error.current`
    holds the stored text and, under `yours`, the text sent, so that nothing is lost. Each side's `attendance` is
    a whole list with a version of its own, given in `attendance_version` ({US: n, KR: n}, as GET returns it): a
    stale one is refused with 409, `error.current` holding that side's stored list (`attendees`, with its `version`)
    and, under `yours`, the list sent. A list sent without its version replaces the stored one, as the next
    meeting without `next_meeting_version` does; of two saves of one list at the same moment, one is still refused
    so. Adopted minutes can no longer be changed (409)."""
    user = current_api_user()
    meeting = meetings.get_meeting(meeting_id)
    require(user, "minutes.edit")  # the role first; _apply asks again of the minutes as they stand
    commit(lambda: _apply(user, meeting, data))
    return current_minutes(meeting_id)


@minutes_api.post("/meetings/<int:meeting_id>/minutes/approvals")
@minutes_api.arguments(AdoptSchema, required=False)
@minutes_api.response(201, MinutesApprovalsSchema)
@refusals(minutes_api, 403, 404, 409)
def adopt_minutes(_data, meeting_id: int):
    """The caller, the meeting's co-chair for their side, adopts the circulated minutes for that side.

    The side is always the caller's own. When both sides have adopted, the minutes are locked, their SHA-256
    is fixed and the meeting becomes `minutes_adopted`. Refused (409) while a focus area the meeting
    discussed has no progress entry, and until every text of the minutes is written in both languages and checked
    by the side answering for each (as for circulating them): `error.current.gaps` lists each text missing, stale or
    not yet checked."""
    user = current_api_user()
    meeting = meetings.get_meeting(meeting_id)
    minutes = _existing(meeting)
    commit(lambda: minutes_services.adopt(user, minutes))
    meeting = meetings.get_meeting(meeting_id)
    return approvals_out(_existing(meeting), meeting)


# --- review comments ------------------------------------------------------------------------------------

@minutes_api.get("/meetings/<int:meeting_id>/minutes/comments")
@minutes_api.response(200, CommentSchema(many=True))
@refusals(minutes_api, 404)
def list_comments(meeting_id: int):
    """The reviewers' comments, oldest first."""
    meeting = meetings.get_meeting(meeting_id)
    require(current_api_user(), "minutes.view", meeting)
    minutes = _existing(meeting)
    items = _section_items(minutes)
    return [comment_out(c, meeting_id, items) for c in minutes_services.comments(minutes)]


@minutes_api.post("/meetings/<int:meeting_id>/minutes/comments")
@minutes_api.arguments(CommentCreateSchema)
@minutes_api.response(201, CommentSchema)
@refusals(minutes_api, 403, 404, 409, 422)
def add_comment(data, meeting_id: int):
    """A secretariat, co-chair or delegate comments on the circulated minutes: on one agenda item's record
    (`agenda_item_id`) or on the whole."""
    user = current_api_user()
    meeting = meetings.get_meeting(meeting_id)
    require(user, "minutes.comment")  # the role first; the service asks again of the minutes as they stand
    minutes = _existing(meeting)
    section_id = None
    if data.get("agenda_item_id") is not None:
        section_id = next((s.id for s in minutes.sections if s.agenda_item_id == data["agenda_item_id"]), None)
        if section_id is None:
            raise Invalid(_("Agenda item %(id)s is not on this meeting's agenda.", id=data["agenda_item_id"]),
                          field="agenda_item_id")
    items = _section_items(minutes)
    comment = commit(lambda: minutes_services.add_comment(user, minutes, data["text"], section_id))
    return comment_out(comment, meeting_id, items)


# --- corrections ----------------------------------------------------------------------------------------

def correction_out(correction: MinutesCorrection, meeting_id: int) -> dict[str, Any]:
    documents = None
    if correction.status == "adopted":
        base = f"/meetings/{meeting_id}/minutes"
        documents = {"html": f"{base}.html?corr={correction.number}", "pdf": f"{base}.pdf?corr={correction.number}"}
    return {"meeting_id": meeting_id, "number": correction.number, "status": correction.status,
            "reason": correction.reason, "changes": correction.changes, "supersedes": correction.supersedes_sha256,
            "sha256": correction.sha256, "version": correction.version, "proposed_by_id": correction.proposed_by_id,
            "proposed_at": correction.proposed_at, "adopted_at": correction.adopted_at,
            "approvals": minutes_services.correction_approvals_by_side(correction), "documents": documents}


@minutes_api.get("/meetings/<int:meeting_id>/minutes/corrections")
@minutes_api.response(200, CorrectionSchema(many=True))
@refusals(minutes_api, 404)
def list_corrections(meeting_id: int):
    """The corrections of adopted minutes, in number order: proposed, adopted or withdrawn."""
    meeting = meetings.get_meeting(meeting_id)
    require(current_api_user(), "minutes.view", meeting)
    minutes = _existing(meeting)
    return [correction_out(c, meeting_id) for c in minutes_services.corrections(minutes)]


@minutes_api.post("/meetings/<int:meeting_id>/minutes/corrections")
@minutes_api.arguments(CorrectionCreateSchema)
@minutes_api.response(201, CorrectionSchema)
@refusals(minutes_api, 403, 404, 409, 422)
def propose_correction(data, meeting_id: int):
    """A secretariat proposes a numbered correction of adopted minutes: changed text for the sections concerned.

    Both texts are equally authentic, so a text corrected in one language carries the other too: `discussion`
    with `discussion_ko`, `decisions` with `decisions_ko` (one for each, in the same order), `narrative` with
    `narrative_ko`, `next_meeting` with `next_meeting_ko` — corrected as well or, where the other already reads
    correctly, given as adopted. A correction that leaves the other out is refused (422), naming each field
    missing (`error.field`, and all of them in `error.fields.json`, e.g. `changes.records[0].discussion_ko`).

    Refused (409) for minutes not yet adopted (edit the draft instead), while another correction is proposed,
    or when `supersedes` is not the current adopted text's SHA-256."""
    user = current_api_user()
    meeting = meetings.get_meeting(meeting_id)
    require(user, "minutes.correct")  # the role first; the service asks again of the minutes as they stand
    minutes = _existing(meeting)
    correction = commit(lambda: minutes_services.propose_correction(user, minutes, data["changes"], data["reason"],
                                                                    data.get("supersedes")))
    return correction_out(correction, meeting_id)


def _correction(meeting_id: int, number: int) -> tuple[Meeting, MinutesCorrection]:
    meeting = meetings.get_meeting(meeting_id)
    require(current_api_user(), "minutes.view", meeting)
    return meeting, minutes_services.get_correction(_existing(meeting), number)


@minutes_api.get("/meetings/<int:meeting_id>/minutes/corrections/<int:number>")
@minutes_api.response(200, CorrectionSchema)
@refusals(minutes_api, 404)
def get_correction(meeting_id: int, number: int):
    """One correction."""
    _meeting, correction = _correction(meeting_id, number)
    return correction_out(correction, meeting_id)


@minutes_api.patch("/meetings/<int:meeting_id>/minutes/corrections/<int:number>")
@minutes_api.arguments(CorrectionUpdateSchema)
@minutes_api.response(200, CorrectionSchema)
@refusals(minutes_api, 403, 404, 409, 422)
def update_correction(data, meeting_id: int, number: int):
    """A secretariat changes a proposed correction (which clears any adoption given for it) or withdraws it
    (`"status": "withdrawn"`). `version` is required; a stale one is refused with 409. Changed `changes` carry
    both languages of each text they correct, as when proposing (else 422, naming each field missing)."""
    user = current_api_user()
    _meeting, correction = _correction(meeting_id, number)
    if data.get("status") == "withdrawn":
        commit(lambda: minutes_services.withdraw_correction(user, correction, data["version"]))
    else:
        commit(lambda: minutes_services.update_correction(user, correction, data.get("changes"), data.get("reason"),
                                                          data["version"]))
    return correction_out(correction, meeting_id)


@minutes_api.post("/meetings/<int:meeting_id>/minutes/corrections/<int:number>/approvals")
@minutes_api.arguments(CorrectionAdoptSchema, required=False)
@minutes_api.response(201, CorrectionSchema)
@refusals(minutes_api, 403, 404, 409)
def adopt_correction(data, meeting_id: int, number: int):
    """The caller, the meeting's co-chair for their side, adopts a proposed correction for that side. With both,
    the corrected text becomes a new record whose SHA-256 is chained to the one it supersedes."""
    user = current_api_user()
    _meeting, correction = _correction(meeting_id, number)
    commit(lambda: minutes_services.adopt_correction(user, correction, (data or {}).get("version")))
    return correction_out(correction, meeting_id)


@minutes_api.get("/meetings/<int:meeting_id>/minutes/record")
@minutes_api.response(200, RecordOutSchema)
@refusals(minutes_api, 404)
def adopted_record(meeting_id: int):
    """The adopted minutes' frozen record — what the adopted documents print — and its SHA-256: the latest text,
    or with `?corr=N` the text with correction N (`?corr=0`: as first adopted). 404 until both co-chairs adopt."""
    from flask import request

    meeting = meetings.get_meeting(meeting_id)
    require(current_api_user(), "minutes.view", meeting)
    minutes = _existing(meeting)
    if not minutes.adopted or not minutes.adopted_content or "schema" not in minutes.adopted_content:
        raise NotFound(_("These minutes have not been adopted by both co-chairs: there is no adopted record yet."))
    record, sha256 = minutes_services.adopted_text(minutes, request.args.get("corr"))
    return {"meeting_id": meeting_id, "sha256": sha256, "record": record}
