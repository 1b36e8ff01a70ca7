"""API resources for meetings and their agendas: each view parses, calls one service, commits and responds."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_smorest import Blueprint

from jcm.api import current_api_user
from jcm.api.resources import commit, page_of, refusals, written_once
from jcm.api.schemas import ErrorSchema
from jcm.errors import Invalid, NotFound
from jcm.i18n import locale_code
from jcm.meetings import attachments, proposals
from jcm.meetings import services as meetings
from jcm.meetings.models import Meeting, MeetingProposal
from jcm.meetings.schemas import (MEETING_COLUMNS, AgendaApprovalsSchema, AgendaItemCreateSchema,
                                  AgendaItemSchema, AgendaItemUpdateSchema, AgendaOrderSchema, AgendaSchema,
                                  AgendaVersionQuery, AgreeSchema, AttachmentSchema, AttachmentUploadSchema,
                                  MeetingCreateSchema, MeetingQuery, MeetingSchema, MeetingUpdateSchema,
                                  ProposalCreateSchema, ProposalSchema, ScheduledItem, VersionQuery, agenda_item_out,
                                  meeting_out)
from jcm.mou import services as mou
from jcm.permissions import require

meetings_api = Blueprint("api_meetings", __name__, description="Meetings of the Joint Committee")
agenda_api = Blueprint("api_agenda", __name__,
                       description="Agendas: their items, order and schedule, and each side's agreement")
attachments_api = Blueprint("api_attachments", __name__, description=(
    "The papers of agenda items: listed, uploaded, downloaded and removed as on the item's page, by a secretariat "
    "until the meeting's minutes are adopted; on an agenda either side has agreed, a change makes a new version"))
blueprints = [meetings_api, agenda_api, attachments_api]

PAGINATION = {"X-Pagination": "Pagination"}  # JSON: {total, total_pages, page, next_page, …} (jcm.api)


def scheduled_items(meeting: Meeting) -> list[ScheduledItem]:
    """The meeting's items in order, each with its computed times (the meeting is loaded with its agenda)."""
    slots = {slot.item.id: slot for day in meetings.schedule(meeting) for slot in day.slots}
    return [ScheduledItem(item, slots.get(item.id)) for item in meeting.items]


def scheduled_item(meeting_id: int, item_id: int) -> ScheduledItem:
    meeting = meetings.get_meeting(meeting_id, with_agenda=True)
    return next(s for s in scheduled_items(meeting) if s.item.id == item_id)


def approvals(meeting: Meeting) -> dict[str, Any]:
    return {"meeting_id": meeting.id, "agenda_version": meeting.agenda_version, "status": meeting.status,
            "approvals": meetings.approvals_by_side(meeting)}


# --- meetings -------------------------------------------------------------------------------------------

@meetings_api.get("/meetings")
@meetings_api.arguments(MeetingQuery, location="query")
@meetings_api.response(200, MeetingSchema(many=True), headers=PAGINATION)
def list_meetings(args):
    """The meetings, latest first, one page at a time (the `X-Pagination` header tells how many there are); `q`
    keeps those whose title, venue or city has its words; `sort=title` orders them by the title in the caller's
    language (their account's, else the request's Accept-Language)."""
    require(current_api_user(), "meeting.view")
    language = locale_code()

    def listed() -> tuple[list[dict], dict]:
        """The page as this API shows it, the same for every caller: made once per version of the content."""
        query = meetings.meetings_query(args.get("agreement_id"), q=args.get("q"), sort=args.get("sort", "date"),
                                        language=language, status=args.get("status"), columns=MEETING_COLUMNS)
        rows, headers = page_of(meetings_api, query, args["page"], args["per_page"])
        return [meeting_out(row) for row in rows], headers

    return written_once(("api meetings", tuple(sorted(args.items())), language), listed)


@meetings_api.post("/meetings")
@meetings_api.arguments(MeetingCreateSchema)
@meetings_api.response(201, MeetingSchema)
@refusals(meetings_api, 403)
def create_meeting(data):
    """A new meeting, with the customary first draft of its agenda.

    The draft: opening, adoption of the agenda, review of action items, one item per focus area given,
    other business, the next meeting, closing."""
    require(current_api_user(), "meeting.create")  # who asks comes first: a stranger learns nothing of agreements
    agreement_id = data.pop("agreement_id")
    focus_area_ids = data.pop("focus_area_ids", [])
    try:
        agreement = mou.get_agreement(agreement_id)
    except NotFound as error:
        raise Invalid(error.message, field="agreement_id") from None
    return commit(lambda: meetings.create_meeting(current_api_user(), agreement, data, focus_area_ids))


@meetings_api.get("/meetings/<int:meeting_id>")
@meetings_api.response(200, MeetingSchema)
@refusals(meetings_api, 404)
def get_meeting(meeting_id: int):
    meeting = meetings.get_meeting(meeting_id)
    require(current_api_user(), "meeting.view", meeting)
    return meeting


@meetings_api.patch("/meetings/<int:meeting_id>")
@meetings_api.arguments(MeetingUpdateSchema)
@meetings_api.response(200, MeetingSchema)
@refusals(meetings_api, 403, 404, 409)
def update_meeting(data, meeting_id: int):
    """Change the fields given; `status` moves the meeting to held, cancelled or back to planning.

    Each side names only its own co-chair (403 for the other side's). Once the agenda has been agreed (and when
    held), new dates or a new host, and cancelling, take both sides: refused (409), they are proposed (POST
    /meetings/<id>/proposals) and done when the other side's secretariat confirms. Before, the host side's
    secretariat cancels directly; the other side proposes it (403)."""
    meeting = meetings.get_meeting(meeting_id)
    version = data.pop("version", None)
    return commit(lambda: meetings.update_meeting(current_api_user(), meeting, data, expected_version=version))


@meetings_api.delete("/meetings/<int:meeting_id>")
@meetings_api.response(204)
@refusals(meetings_api, 403, 404, 409)
def delete_meeting(meeting_id: int):
    """Only a meeting in planning, or cancelled, can be deleted, and directly only by its host side's secretariat:
    the other side proposes it (POST /meetings/<id>/proposals, `"kind": "delete"`)."""
    meeting = meetings.get_meeting(meeting_id)
    commit(lambda: meetings.delete_meeting(current_api_user(), meeting))
    return ""


# --- proposals: what takes both sides -------------------------------------------------------------------

def proposal_out(proposal: MeetingProposal) -> dict[str, Any]:
    return {**{name: getattr(proposal, name) for name in (
        "meeting_id", "number", "kind", "reason", "status", "start_date", "end_date", "host_side", "side", "was",
        "proposed_by_id", "proposed_at", "decided_by_id", "decided_at")}, "stale": proposals.is_stale(proposal)}


def _proposal(meeting_id: int, number: int) -> MeetingProposal:
    meeting = meetings.get_meeting(meeting_id)
    require(current_api_user(), "meeting.view", meeting)
    return proposals.get_proposal(meeting, number)


@meetings_api.get("/meetings/<int:meeting_id>/proposals")
@meetings_api.response(200, ProposalSchema(many=True))
@refusals(meetings_api, 404)
def list_proposals(meeting_id: int):
    """The meeting's proposals, in number order: open (`proposed`), confirmed, withdrawn or declined."""
    meeting = meetings.get_meeting(meeting_id)
    require(current_api_user(), "meeting.view", meeting)
    return [proposal_out(p) for p in proposals.proposals(meeting)]


@meetings_api.post("/meetings/<int:meeting_id>/proposals")
@meetings_api.arguments(ProposalCreateSchema)
@meetings_api.response(201, ProposalSchema)
@refusals(meetings_api, 403, 404, 409, 422)
def propose(data, meeting_id: int):
    """A secretariat proposes what takes both sides: to cancel the meeting (once its agenda has been agreed, or
    when the other side hosts it), to delete it (when the other side hosts it), or new dates or a new host (once
    its agenda has been agreed). Nothing changes until the other side's secretariat confirms it.

    Refused (409) while a proposal of the same kind is open, and when the proposer's side may do it directly."""
    meeting = meetings.get_meeting(meeting_id)
    kind = data.pop("kind")
    proposal = commit(lambda: proposals.propose(current_api_user(), meeting, kind, data))
    return proposal_out(proposal)


@meetings_api.get("/meetings/<int:meeting_id>/proposals/<int:number>")
@meetings_api.response(200, ProposalSchema)
@refusals(meetings_api, 404)
def get_proposal(meeting_id: int, number: int):
    """One proposal."""
    return proposal_out(_proposal(meeting_id, number))


def _answer(meeting_id: int, number: int, act) -> dict[str, Any]:
    proposal = _proposal(meeting_id, number)
    answered = commit(lambda: act(current_api_user(), proposal))
    return proposal_out(answered)


@meetings_api.post("/meetings/<int:meeting_id>/proposals/<int:number>/confirmation")
@meetings_api.response(200, ProposalSchema)
@refusals(meetings_api, 403, 404, 409)
def confirm_proposal(meeting_id: int, number: int):
    """The other side's secretariat confirms the proposal: the meeting is cancelled, deleted, or given its new
    dates or host now. Refused (403) to the proposing side, and (409) when the proposal is no longer open or the
    meeting has changed since it was made (`stale`)."""
    return _answer(meeting_id, number, proposals.confirm)


@meetings_api.post("/meetings/<int:meeting_id>/proposals/<int:number>/withdrawal")
@meetings_api.response(200, ProposalSchema)
@refusals(meetings_api, 403, 404, 409)
def withdraw_proposal(meeting_id: int, number: int):
    """The proposing side's secretariat withdraws its open proposal; the meeting stays as it is."""
    return _answer(meeting_id, number, proposals.withdraw)


@meetings_api.post("/meetings/<int:meeting_id>/proposals/<int:number>/decline")
@meetings_api.response(200, ProposalSchema)
@refusals(meetings_api, 403, 404, 409)
def decline_proposal(meeting_id: int, number: int):
    """The other side's secretariat declines the proposal; the meeting stays as it is."""
    return _answer(meeting_id, number, proposals.decline)


# --- the agenda -----------------------------------------------------------------------------------------

@agenda_api.get("/meetings/<int:meeting_id>/agenda")
@agenda_api.response(200, AgendaSchema)
@refusals(agenda_api, 404)
def get_agenda(meeting_id: int):
    """The whole agenda: its version, each side's agreement, the items with their times, and the days."""
    meeting = meetings.get_meeting(meeting_id, with_agenda=True)
    require(current_api_user(), "meeting.view", meeting)
    return {**approvals(meeting), "items": scheduled_items(meeting), "days": meetings.schedule(meeting)}


@agenda_api.get("/meetings/<int:meeting_id>/agenda-items")
@agenda_api.response(200, AgendaItemSchema(many=True))
@refusals(agenda_api, 404)
def list_agenda_items(meeting_id: int):
    require(current_api_user(), "meeting.view", meetings.meeting_alone(meeting_id))

    def listed() -> list[dict]:
        """The agenda as this API shows it, the same for every reader: made once per version of the content."""
        return [agenda_item_out(scheduled) for scheduled in scheduled_items(meetings.get_agenda_items(meeting_id))]

    return written_once(("api agenda items", meeting_id), listed)


@agenda_api.post("/meetings/<int:meeting_id>/agenda-items")
@agenda_api.arguments(AgendaItemCreateSchema)
@agenda_api.response(201, AgendaItemSchema)
@refusals(agenda_api, 403, 404, 409)
def add_agenda_item(data, meeting_id: int):
    """A new item at the end of the agenda (on the meeting's last day unless `day` says otherwise)."""
    meeting = meetings.get_meeting(meeting_id)
    item = commit(lambda: meetings.add_agenda_item(current_api_user(), meeting, data))
    return scheduled_item(meeting_id, item.id)


@agenda_api.get("/agenda-items/<int:item_id>")
@agenda_api.response(200, AgendaItemSchema)
@refusals(agenda_api, 404)
def get_agenda_item(item_id: int):
    item = meetings.get_agenda_item(item_id)
    require(current_api_user(), "meeting.view", item.meeting)
    return scheduled_item(item.meeting_id, item_id)


@agenda_api.patch("/agenda-items/<int:item_id>")
@agenda_api.arguments(AgendaItemUpdateSchema)
@agenda_api.response(200, AgendaItemSchema)
@refusals(agenda_api, 403, 404, 409)
def update_agenda_item(data, item_id: int):
    """Change the fields given; a change to an agenda either side has agreed starts a new version."""
    item = meetings.get_agenda_item(item_id)
    meeting_id = item.meeting_id
    version = data.pop("version", None)
    commit(lambda: meetings.update_agenda_item(current_api_user(), item, data, expected_version=version))
    return scheduled_item(meeting_id, item_id)


@agenda_api.delete("/agenda-items/<int:item_id>")
@agenda_api.arguments(VersionQuery, location="query")
@agenda_api.response(204)
@refusals(agenda_api, 403, 404, 409)
def delete_agenda_item(args, item_id: int):
    item = meetings.get_agenda_item(item_id)
    commit(lambda: meetings.delete_agenda_item(current_api_user(), item, expected_version=args.get("version")))
    return ""


@agenda_api.put("/meetings/<int:meeting_id>/agenda/order")
@agenda_api.arguments(AgendaOrderSchema)
@agenda_api.response(200, AgendaItemSchema(many=True))
@refusals(agenda_api, 403, 404, 409)
def reorder_agenda(data, meeting_id: int):
    """Put the items in the order given: `ids` names every item of the meeting once."""
    meeting = meetings.get_meeting(meeting_id)
    commit(lambda: meetings.reorder_agenda(current_api_user(), meeting, data["ids"]))
    return scheduled_items(meetings.get_meeting(meeting_id, with_agenda=True))


@agenda_api.post("/meetings/<int:meeting_id>/agenda/approvals")
@agenda_api.arguments(AgreeSchema, required=False)
@agenda_api.response(201, AgendaApprovalsSchema)
@refusals(agenda_api, 403, 404, 409)
def agree_agenda(data, meeting_id: int):
    """The caller's side agrees the current version of the agenda.

    A secretariat or co-chair speaks for their own side; with `agenda_version`, only if that is still the
    current one. Both sides' agreement makes the meeting `agenda_agreed`. Refused (409) until every text of the
    meeting and its items is written in both languages and checked by the side answering for each:
    `error.current.gaps` lists each text missing, stale or not yet checked."""
    meeting = meetings.get_meeting(meeting_id)
    commit(lambda: meetings.agree_agenda(current_api_user(), meeting, data.get("agenda_version")))
    return approvals(meetings.get_meeting(meeting_id))


# --- the papers of agenda items ---------------------------------------------------------------------------

@attachments_api.get("/agenda-items/<int:item_id>/attachments")
@attachments_api.response(200, AttachmentSchema(many=True))
@refusals(attachments_api, 404)
def list_attachments(item_id: int):
    """The item's papers, in the order they were added."""
    item = meetings.get_agenda_item(item_id)
    require(current_api_user(), "attachment.download", item.meeting)
    return attachments.list_attachments(item)


@attachments_api.post("/agenda-items/<int:item_id>/attachments")
@attachments_api.arguments(AttachmentUploadSchema, location="files", required=False)
@attachments_api.arguments(AgendaVersionQuery, location="query")
@attachments_api.response(201, AttachmentSchema)
@refusals(attachments_api, 403, 404, 409)
@attachments_api.alt_response(413, schema=ErrorSchema, description="the file is larger than the upload limit")
def upload_attachment(files, args, item_id: int):
    """Attach a paper (multipart/form-data, its part named `file`).

    Its type is read from its content and must match its name's extension; an empty file, another type or a file
    over the limit is refused. On an agenda either side has agreed, the paper makes a new version of the agenda,
    which both sides agree again. Refused (409) once the meeting's minutes are adopted, or with a stale
    `agenda_version`."""
    item = meetings.get_agenda_item(item_id)
    user = current_api_user()
    require(user, "attachment.upload", item.meeting)  # who asks, and the meeting's state, before the file
    upload = files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a file to attach."), field="file")
    attachment = commit(lambda: attachments.add_attachment(user, item, upload.filename, upload.stream,
                                                           args.get("agenda_version")))
    return attachments.get_attachment(attachment.id)


@attachments_api.get("/attachments/<int:attachment_id>")
@attachments_api.response(200, AttachmentSchema)
@refusals(attachments_api, 404)
def get_attachment(attachment_id: int):
    attachment = attachments.get_attachment(attachment_id)
    require(current_api_user(), "attachment.download", attachment.agenda_item.meeting)
    return attachment


@attachments_api.get("/attachments/<int:attachment_id>/file")
@attachments_api.doc(responses={"200": {"description": "the file, with its type and name (Content-Disposition)",
                                        "content": {"application/octet-stream": {
                                            "schema": {"type": "string", "format": "binary"}}}}})
@refusals(attachments_api, 404)
def download_attachment(attachment_id: int):
    """The paper's file, as the item's page gives it."""
    attachment = attachments.get_attachment(attachment_id)
    require(current_api_user(), "attachment.download", attachment.agenda_item.meeting)
    return attachments.send_attachment(attachment)


@attachments_api.delete("/attachments/<int:attachment_id>")
@attachments_api.arguments(AgendaVersionQuery, location="query")
@attachments_api.response(204)
@refusals(attachments_api, 403, 404, 409)
def delete_attachment(args, attachment_id: int):
    """Remove a paper (to replace one, remove it and attach the new one). On an agenda either side has agreed, this
    makes a new version of the agenda. Refused (409) once the meeting's minutes are adopted, or with a stale
    `agenda_version`."""
    attachment = attachments.get_attachment(attachment_id)
    commit(lambda: attachments.delete_attachment(current_api_user(), attachment, args.get("agenda_version")))
    return ""
