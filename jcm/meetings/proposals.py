"""What takes both sides: cancelling or deleting a meeting, and new dates or a new host once its agenda has been
agreed, proposed by one side's secretariat and done when the other side's secretariat confirms it. Until then the
proposal is open: the proposing side may withdraw it, the other side may decline it, and the meeting stays as it
is. Every step is in the audit trail."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from jcm.audit.services import record
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.fields import audited, declared, plain, populate
from jcm.meetings import services as meetings
from jcm.meetings.models import PROPOSAL_KINDS, Meeting, MeetingProposal, ProposalKind
from jcm.models import utcnow, whole_number
from jcm.permissions import require

# The rule each kind of proposal asks of its proposer.
PROPOSING = {ProposalKind.cancel: "meeting.propose_cancel", ProposalKind.delete: "meeting.propose_delete",
             ProposalKind.change: "meeting.propose_change"}
CHANGING = meetings.RESCHEDULING  # what a change proposes: the dates, the host


def proposals(meeting: Meeting) -> list[MeetingProposal]:
    """The meeting's proposals, in number order (the meeting loaded by get_meeting)."""
    return list(meeting.proposals)


def open_proposals(meeting: Meeting) -> list[MeetingProposal]:
    return [p for p in meeting.proposals if p.status == "proposed"]


def get_proposal(meeting: Meeting, number: Any) -> MeetingProposal:
    number = whole_number(number, "number")
    proposal = db.session.scalar(select(MeetingProposal).where(
        MeetingProposal.meeting_id == meeting.id, MeetingProposal.number == number).options(
        joinedload(MeetingProposal.meeting)))
    if proposal is None:
        raise NotFound(_("This meeting has no proposal no. %(n)s.", n=number))
    return proposal


def is_stale(proposal: MeetingProposal) -> bool:
    """The meeting has changed since the proposal was made: it is no longer confirmed as it stands."""
    return proposal.status == "proposed" and proposal.meeting.version != proposal.meeting_version


def _state(proposal: MeetingProposal) -> dict[str, Any]:
    """What the audit trail keeps of a proposal."""
    proposed = {name: plain(getattr(proposal, name)) for name in CHANGING if getattr(proposal, name) is not None}
    return {"number": proposal.number, "kind": proposal.kind, "side": proposal.side, "reason": proposal.reason,
            "status": proposal.status, **({"proposed": proposed, "was": proposal.was} if proposed else {})}


def _as_they_stand(meeting: Meeting) -> dict[str, Any]:
    return {name: plain(getattr(meeting, name)) for name in CHANGING}


def _change(meeting: Meeting, proposal: MeetingProposal, data: dict[str, Any]) -> None:
    """Check the new dates or host against the meeting and keep only what differs from it. A new first day without
    a last day keeps the meeting's length."""
    populate(proposal, {name: data[name] for name in CHANGING if name in data and data[name] not in (None, "")},
             CHANGING)
    start = proposal.start_date or meeting.start_date
    end = proposal.end_date
    if end is None:
        end = start + (meeting.end_date - meeting.start_date) if proposal.start_date else meeting.end_date
    if end < start:
        raise Invalid(_("The meeting cannot end (%(end)s) before it starts (%(start)s).",
                        end=end.isoformat(), start=start.isoformat()), field="end_date")
    if (end - start).days + 1 > meetings.MAX_MEETING_DAYS:
        raise Invalid(_("A meeting lasts at most %(n)d days.", n=meetings.MAX_MEETING_DAYS), field="end_date")
    proposal.start_date = start if start != meeting.start_date else None
    proposal.end_date = end if end != meeting.end_date else None
    if proposal.host_side == meeting.host_side:
        proposal.host_side = None
    if proposal.start_date is None and proposal.end_date is None and proposal.host_side is None:
        raise Invalid(_("This proposal changes nothing: give new dates or a new host."), field="start_date")
    if proposal.start_date or proposal.end_date:
        meetings._check_agenda_open(meeting)  # held: its dates are history


def propose(actor, meeting: Meeting, kind: Any, data: dict[str, Any] | None = None) -> MeetingProposal:
    """One side's secretariat proposes what takes both sides; one open proposal of each kind at a time."""
    data = data or {}
    if kind not in PROPOSAL_KINDS:
        raise Invalid(_("A proposal is to cancel the meeting, to delete it, or to change its dates or host."),
                      field="kind")
    kind = ProposalKind(kind)
    require(actor, PROPOSING[kind], meeting)
    reason = declared(MeetingProposal)["reason"].clean(data.get("reason"))
    proposal = MeetingProposal(meeting_id=meeting.id, kind=kind.value, reason=reason, side=actor.side,
                               status="proposed", meeting_version=meeting.version, proposed_by_id=actor.id,
                               proposed_at=utcnow(), was=_as_they_stand(meeting))
    if kind == ProposalKind.change:
        with db.session.no_autoflush:
            _change(meeting, proposal, data)
    elif any(data.get(name) not in (None, "") for name in CHANGING):
        raise Invalid(_("Only a change of dates or host proposes new dates or a new host."),
                      field=next(name for name in CHANGING if data.get(name) not in (None, "")))
    last = db.session.scalar(select(func.max(MeetingProposal.number)).where(MeetingProposal.meeting_id == meeting.id))
    proposal.number = (last or 0) + 1
    meeting.proposals.append(proposal)
    db.session.flush()
    record(actor, "meeting.propose", meeting, after=_state(proposal), label=meeting.title)
    return proposal


def _close(actor, proposal: MeetingProposal, status: str) -> None:
    """Move an open proposal to its end, once: of two simultaneous answers only the first stands."""
    result = db.session.execute(update(MeetingProposal).where(MeetingProposal.id == proposal.id,
                                                              MeetingProposal.status == "proposed")
                                .values(status=status, decided_by_id=actor.id, decided_at=utcnow()))
    if result.rowcount != 1:
        raise Conflict(_("Someone else answered this proposal meanwhile; review it and try again."))
    db.session.refresh(proposal, ["status", "decided_by_id", "decided_at"])


def confirm(actor, proposal: MeetingProposal) -> MeetingProposal:
    """The other side's secretariat confirms: what was proposed is done now, as both sides' act."""
    require(actor, "proposal.confirm", proposal)
    meeting = proposal.meeting
    state = _state(proposal)
    _close(actor, proposal, "confirmed")
    record(actor, "meeting.proposal_confirm", meeting, before=state, after=_state(proposal), label=meeting.title)
    if proposal.kind == ProposalKind.cancel:
        meetings.move_status(actor, meeting, "cancelled")
    elif proposal.kind == ProposalKind.change:
        # As proposed: the meeting has not changed since (else the rule refused), so what it left alone stays.
        values = {name: getattr(proposal, name) for name in CHANGING if getattr(proposal, name) is not None}
        meetings._update_meeting_fields(actor, meeting, values, confirmed=True)
    else:
        if meeting.status not in ("planning", "cancelled"):
            raise Conflict(_("Only a meeting in planning or cancelled can be deleted."))
        record(actor, "meeting.delete", meeting, before=audited(meeting), label=meeting.title)
        db.session.delete(meeting)
        db.session.flush()
    return proposal


def withdraw(actor, proposal: MeetingProposal) -> MeetingProposal:
    """The proposing side's secretariat withdraws its proposal; the meeting stays as it is."""
    return _set_aside(actor, proposal, "withdraw", "withdrawn")


def decline(actor, proposal: MeetingProposal) -> MeetingProposal:
    """The other side's secretariat declines the proposal; the meeting stays as it is."""
    return _set_aside(actor, proposal, "decline", "declined")


def _set_aside(actor, proposal: MeetingProposal, act: str, status: str) -> MeetingProposal:
    require(actor, f"proposal.{act}", proposal)
    state = _state(proposal)
    _close(actor, proposal, status)
    record(actor, f"meeting.proposal_{act}", proposal.meeting, before=state, after=_state(proposal),
           label=proposal.meeting.title)
    return proposal
