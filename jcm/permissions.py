"""The one place where JCM decides who may do what, to what, now: can(user, action, obj).

A rule answers the whole question: the user's role, their side, whether they own the object, and the state the
object is in (a meeting held, minutes adopted, an agenda their side has agreed already). It says yes, or no with
the reason: who is asking (403) or the state of the object (409), with a message that says why. `require` raises
that reason; services call it first, and pages ask `can` to show a button exactly when the service would accept it.

Rules read only the attributes of the objects they are given (the models, with what the rule reads loaded); this
module imports no feature. Without an object, a rule answers for the role alone: may this role do it at all."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from werkzeug.local import LocalProxy

from jcm.errors import Conflict, Invalid, JCMError, PermissionDenied


class AlreadyDone(Conflict):
    """The user's side has already done this (agreed this version, adopted): doing it again changes nothing.

    A service that answers a repeat with what stands catches it; anywhere else it is a 409 that says so."""


class Refusal:
    """No, and why: the error `require` raises. It is falsy, so a rule may return it wherever it would say False."""

    __slots__ = ("error", "message")

    def __init__(self, error: type[JCMError], message: Any = None):
        self.error, self.message = error, message

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Refusal({self.error.__name__}, {str(self.message)!r})"

    def exception(self, message: str | None = None) -> JCMError:
        """The error to raise; `message` (the caller's words for who may do it) when the rule gave none."""
        if self.message is not None:
            return self.error(str(self.message))
        from flask_babel import gettext as _

        return self.error(message or _("You do not have permission to do this."))


Rule = Callable[[Any, Any], "bool | Refusal"]
# Sent by `require` for every act it refuses, with the user, the action, the object and the error it raises: the audit
# trail (jcm.audit) keeps it once the request has been answered with that refusal.
refused = Namespace().signal("refused")
NOT_YOU = Refusal(PermissionDenied)


def _not_you(message: Any = None) -> Refusal:
    return Refusal(PermissionDenied, message)


def _not_now(message: Any) -> Refusal:
    return Refusal(Conflict, message)


def _done(message: Any) -> Refusal:
    return Refusal(AlreadyDone, message)


# --- the states that close an act (the same words as the models' statuses) --------------------------------

AGENDA_OPEN = ("planning", "agenda_agreed")  # a meeting whose agenda may still change or be agreed
MEETING_CLOSED = ("minutes_adopted", "cancelled")  # a meeting whose facts no longer change
DELETABLE = ("planning", "cancelled")
TWO_SIDED = ("agenda_agreed", "held")  # a meeting whose dates, host and taking place both sides hold
SIDE_NAMES = {"US": _l("U.S."), "KR": _l("Korean")}
PROPOSAL_STATUS_WORDS = {"confirmed": _l("confirmed"), "withdrawn": _l("withdrawn"), "declined": _l("declined")}


def _meeting_closed(meeting) -> Refusal:
    return _not_now(_l("This meeting is %(status)s and can no longer be changed.", status=meeting.status))


def _agenda_closed(meeting) -> Refusal:
    return _not_now(_l("The agenda of a meeting that is %(status)s can no longer be changed.", status=meeting.status))


def _minutes_adopted() -> Refusal:
    return _not_now(_l("These minutes have been adopted by both co-chairs and can no longer be changed."))


class SidePart:
    """One side's part of a record both sides hold: its co-chair on a meeting, its delegation in the minutes. Each
    side names and changes only its own."""

    __slots__ = ("record", "side")

    def __init__(self, record: Any, side: str):
        self.record, self.side = record, side

    def __repr__(self) -> str:
        return f"SidePart({type(self.record).__name__}, {self.side!r})"


def _named_co_chair(user, meeting) -> bool:
    """The meeting's co-chair for the user's side, or any co-chair of that side while none is named."""
    named = meeting.co_chair_id(user.side)
    return named is None or named == user.id


# --- who, by role and ownership ----------------------------------------------------------------------------

def _is_admin(user, obj=None) -> bool:
    return user.role == "admin"


def _anyone(user, obj=None) -> bool:
    return True


def _self_or_admin(user, obj) -> bool:
    return user.role == "admin" or (obj is not None and getattr(obj, "id", None) == user.id)


def _secretariat(user, obj=None) -> bool:
    return user.role == "secretariat"


def is_owner(user, item) -> bool:
    """The user owns the action item in person, or through their organization (as its owners say)."""
    return any(owner.user_id == user.id or (owner.organization_id is not None
                                            and owner.organization_id == user.organization_id)
               for owner in item.owners)


# --- the agreement ----------------------------------------------------------------------------------------

def _withdraw_notice(user, agreement) -> bool | Refusal:
    if user.role != "admin":
        return False
    if agreement is not None and agreement.discontinuation_notice_date is None:
        return Refusal(Invalid, _l("No notice of discontinuation is recorded."))
    return True


# --- meetings and their agendas -----------------------------------------------------------------------------

def _edit_meeting(user, meeting) -> bool | Refusal:
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status in MEETING_CLOSED:
        return _meeting_closed(meeting)
    return True


def _set_meeting_status(user, meeting) -> bool | Refusal:
    """Held, cancelled, back to planning: a secretariat, until the minutes are adopted (which no status undoes)."""
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status == "minutes_adopted":
        return _meeting_closed(meeting)
    return True


def _agreed(meeting) -> bool:
    """The agenda has been agreed (or the meeting held): its dates, its host and whether it takes place are facts
    both sides hold, changed only by a proposal of one side that the other confirms. Before, they are a working
    draft either side may change, which both then agree with the agenda."""
    return meeting.status in TWO_SIDED


def _reschedule_meeting(user, meeting) -> bool | Refusal:
    """Its dates or its host, directly: while the agenda is a working draft; once agreed, by a proposal."""
    answer = _edit_meeting(user, meeting)
    if answer is not True or meeting is None:
        return answer
    if _agreed(meeting):
        return _not_now(_l("The agenda of this meeting has been agreed: changing its dates or host takes both "
                           "sides. Propose the change; it takes effect when the other side's secretariat confirms "
                           "it."))
    return True


def _cancel_meeting(user, meeting) -> bool | Refusal:
    """Directly: the host side's secretariat, while the agenda is a working draft; else by a proposal."""
    answer = _set_meeting_status(user, meeting)
    if answer is not True or meeting is None or meeting.status == "cancelled":
        return answer
    if _agreed(meeting):
        return _not_now(_l("The agenda of this meeting has been agreed: cancelling it takes both sides. Propose it; "
                           "it takes effect when the other side's secretariat confirms it."))
    if meeting.host_side != user.side:
        return _not_you(_l("The other side hosts this meeting: cancelling it takes both sides. Propose it; it takes "
                           "effect when the other side's secretariat confirms it."))
    return True


def _delete_meeting(user, meeting) -> bool | Refusal:
    """Directly: the host side's secretariat, of a meeting in planning or cancelled; a meeting the other side hosts
    by a proposal."""
    if user.role != "secretariat":
        return False
    if meeting is None:
        return True
    if meeting.status not in DELETABLE:
        return _not_now(_l("Only a meeting in planning or cancelled can be deleted."))
    if meeting.host_side != user.side:
        return _not_you(_l("The other side hosts this meeting: deleting it takes both sides. Propose it; it takes "
                           "effect when the other side's secretariat confirms it."))
    return True


def _name_co_chair(user, part) -> bool | Refusal:
    """Each side's secretariat names (or changes, or clears) its own side's co-chair of a meeting, never the
    other's. `part`: SidePart(meeting, side)."""
    answer = _edit_meeting(user, part.record if part is not None else None)
    if answer is not True or part is None:
        return answer
    if part.side != user.side:
        return _not_you(_l("Each side names its own co-chair: the %(side)s co-chair is named by the %(side)s "
                           "secretariat.", side=SIDE_NAMES.get(part.side, part.side)))
    return True


# --- proposals: what takes both sides ----------------------------------------------------------------------

def _open_proposal(meeting, kind: str) -> Refusal | None:
    if any(p.kind == kind and p.status == "proposed" for p in meeting.proposals):
        return _not_now(_l("A proposal of this kind is already open for this meeting: confirm, decline or withdraw "
                           "it before proposing another."))
    return None


def _propose_cancel(user, meeting) -> bool | Refusal:
    """A secretariat proposes cancelling a meeting it may not cancel alone: one whose agenda has been agreed, or one
    the other side hosts."""
    if user.role != "secretariat":
        return False
    if meeting is None:
        return True
    if meeting.status in MEETING_CLOSED:
        return _meeting_closed(meeting)
    if not _agreed(meeting) and meeting.host_side == user.side:
        return _not_now(_l("Your side hosts this meeting and its agenda has not been agreed: cancel it directly."))
    return _unless(_open_proposal(meeting, "cancel"))


def _propose_delete(user, meeting) -> bool | Refusal:
    """A secretariat proposes deleting a meeting (in planning or cancelled) that the other side hosts."""
    if user.role != "secretariat":
        return False
    if meeting is None:
        return True
    if meeting.status not in DELETABLE:
        return _not_now(_l("Only a meeting in planning or cancelled can be deleted."))
    if meeting.host_side == user.side:
        return _not_now(_l("Your side hosts this meeting: delete it directly."))
    return _unless(_open_proposal(meeting, "delete"))


def _propose_change(user, meeting) -> bool | Refusal:
    """A secretariat proposes new dates or a new host for a meeting whose agenda has been agreed."""
    if user.role != "secretariat":
        return False
    if meeting is None:
        return True
    if meeting.status in MEETING_CLOSED:
        return _meeting_closed(meeting)
    if not _agreed(meeting):
        return _not_now(_l("The agenda of this meeting has not been agreed yet: change its dates or host directly."))
    return _unless(_open_proposal(meeting, "change"))


def _unless(refused: Refusal | None) -> bool | Refusal:
    """The refusal given, else yes (a Refusal is falsy, so `refused or True` would say yes to it)."""
    return True if refused is None else refused


def _proposal_closed(proposal) -> Refusal | None:
    if proposal.status == "proposed":
        return None
    return _not_now(_l("This proposal has been %(status)s and can no longer be acted on.",
                       status=PROPOSAL_STATUS_WORDS.get(proposal.status, proposal.status)))


def _confirm_proposal(user, proposal) -> bool | Refusal:
    """The other side's secretariat confirms a proposal, as long as the meeting is as it was when it was made."""
    if user.role != "secretariat":
        return _not_you(_l("Only the other side's secretariat confirms a proposal."))
    if proposal is None:
        return True
    if proposal.side == user.side:
        return _not_you(_l("Your side made this proposal: the other side's secretariat confirms it."))
    closed = _proposal_closed(proposal)
    if closed is not None:
        return closed
    if proposal.meeting.version != proposal.meeting_version:
        return _not_now(_l("The meeting has changed since this proposal was made: review it, and withdraw it or "
                           "make a new one."))
    return True


def _decline_proposal(user, proposal) -> bool | Refusal:
    """The other side's secretariat declines a proposal."""
    if user.role != "secretariat":
        return _not_you(_l("Only the other side's secretariat declines a proposal."))
    if proposal is None:
        return True
    if proposal.side == user.side:
        return _not_you(_l("Your side made this proposal: withdraw it instead."))
    return _unless(_proposal_closed(proposal))


def _withdraw_proposal(user, proposal) -> bool | Refusal:
    """The proposing side's secretariat withdraws its proposal while it is open."""
    if user.role != "secretariat":
        return _not_you(_l("Only the proposing side's secretariat withdraws a proposal."))
    if proposal is None:
        return True
    if proposal.side != user.side:
        return _not_you(_l("The other side made this proposal: only its secretariat withdraws it; you may decline it."))
    return _unless(_proposal_closed(proposal))


def _edit_agenda(user, meeting) -> bool | Refusal:
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status not in AGENDA_OPEN:
        return _agenda_closed(meeting)
    return True


def _agree_agenda(user, meeting) -> bool | Refusal:
    """Each side's secretariat or co-chair agrees the current version for that side, the user's own, once."""
    if user.role not in ("secretariat", "co_chair"):
        return False
    if meeting is None:
        return True
    if meeting.status not in AGENDA_OPEN:
        return _agenda_closed(meeting)
    if any(a.side == user.side and a.agenda_version == meeting.agenda_version for a in meeting.approvals):
        return _done(_l("Your side has already agreed version %(version)d of the agenda.",
                        version=meeting.agenda_version))
    return True


def _change_papers(user, meeting) -> bool | Refusal:
    """A secretariat adds, replaces or removes the papers of an agenda item until the meeting's minutes are
    adopted: from then on its papers are part of the record. (On an agreed agenda, a change makes a new version.)"""
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status == "minutes_adopted":
        return _not_now(_l("The minutes of this meeting have been adopted: its papers can no longer be added, "
                           "replaced or removed."))
    return True


# --- action items -------------------------------------------------------------------------------------------

def has_begun(meeting) -> bool:
    """Held, or its first day has come where it is held (the host city's date, not the server's)."""
    if meeting.status == "held":
        return True
    today = datetime.now(ZoneInfo(meeting.time_zone or "UTC")).date()
    return meeting.start_date is not None and meeting.start_date <= today


def _review_action_items(user, meeting) -> bool | Refusal:
    """At a meeting, its secretariats record what became of each action item, once it has begun (an outcome is
    what the meeting decided) and until its minutes are adopted."""
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status in MEETING_CLOSED:
        return _meeting_closed(meeting)
    if meeting is not None and not has_begun(meeting):
        return _not_now(_l("Outcomes are recorded at the meeting that reviews the items: this meeting has not "
                           "begun yet."))
    return True


def _update_action_item(user, item) -> bool:
    """A secretariat, or an owner on either side (in person or through their organization); an observer reads
    what their agency owns and never writes."""
    if user.role == "secretariat":
        return True
    if user.role == "observer":
        return False
    return item is None or is_owner(user, item)


# --- minutes ------------------------------------------------------------------------------------------------

def _start_minutes(user, meeting) -> bool | Refusal:
    """A secretariat starts the minutes (with "Start the minutes", or by the first change), of any meeting not
    cancelled."""
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status == "cancelled":
        return _not_now(_l("A cancelled meeting has no minutes."))
    return True


def _edit_minutes(user, minutes) -> bool | Refusal:
    if user.role != "secretariat":
        return False
    if minutes is not None and minutes.status == "adopted":
        return _minutes_adopted()
    return True


def _edit_delegation(user, part) -> bool | Refusal:
    """Each side's secretariat lists its own side's delegation in the minutes, never the other's. `part`:
    SidePart(minutes, side)."""
    answer = _edit_minutes(user, part.record if part is not None else None)
    if answer is not True or part is None:
        return answer
    if part.side != user.side:
        return _not_you(_l("Each side lists its own delegation: the %(side)s delegation is listed by the %(side)s "
                           "secretariat.", side=SIDE_NAMES.get(part.side, part.side)))
    return True


def _comment_on_minutes(user, minutes) -> bool | Refusal:
    if user.role not in ("secretariat", "co_chair", "delegate"):
        return False
    if minutes is None:
        return True
    if minutes.status == "adopted":
        return _minutes_adopted()
    if minutes.status != "circulated":
        return _not_now(_l("Comments are taken while the minutes are circulated for review."))
    return True


def _adopt_minutes(user, minutes) -> bool | Refusal:
    """The meeting's co-chair for their own side adopts the circulated minutes of a held meeting, once."""
    if user.role != "co_chair":
        return False
    if minutes is None:
        return True
    meeting = minutes.meeting
    if not _named_co_chair(user, meeting):
        return _not_you(_l("Only the meeting's co-chair for your side adopts the minutes for it."))
    if minutes.status == "adopted":
        return _minutes_adopted()
    if meeting.status != "held":
        return _not_now(_l("Minutes are adopted once the meeting has been held."))
    if minutes.status != "circulated":
        return _not_now(_l("Minutes are adopted after they have been circulated for review."))
    if any(a.side == user.side for a in minutes.approvals):
        return _done(_l("Your side has already adopted these minutes."))
    return True


def _propose_correction(user, minutes) -> bool | Refusal:
    """A secretariat proposes a correction of adopted minutes, one at a time."""
    if user.role != "secretariat":
        return False
    if minutes is None:
        return True
    if minutes.status != "adopted":
        return _not_now(_l("Only adopted minutes are corrected; until both co-chairs adopt them, edit the draft."))
    if not minutes.adopted_content or "schema" not in minutes.adopted_content:
        return _not_now(_l("These minutes were adopted before corrections were kept as records and cannot be "
                           "corrected in JCM."))
    if any(c.status == "proposed" for c in minutes.corrections):
        return _not_now(_l("A correction is already proposed: adopt or withdraw it before proposing another."))
    return True


def _correction_closed(correction) -> Refusal | None:
    if correction.status == "proposed":
        return None
    return _not_now(_l("Correction no. %(n)d has been %(status)s and can no longer be changed.", n=correction.number,
                       status=_l("adopted") if correction.status == "adopted" else _l("withdrawn")))


def _edit_correction(user, correction) -> bool | Refusal:
    """A secretariat changes or withdraws a correction while it is proposed."""
    if user.role != "secretariat":
        return False
    closed = _correction_closed(correction) if correction is not None else None
    return closed if closed is not None else True


def _adopt_correction(user, correction) -> bool | Refusal:
    """The meeting's co-chair for their own side adopts a proposed correction, once."""
    if user.role != "co_chair":
        return _not_you(_l("Only the co-chairs adopt a correction, each for their own side."))
    if correction is None:
        return True
    if not _named_co_chair(user, correction.minutes.meeting):
        return _not_you(_l("Only the meeting's co-chair for your side adopts a correction for it."))
    closed = _correction_closed(correction)
    if closed is not None:
        return closed
    if any(a.side == user.side for a in correction.approvals):
        return _done(_l("Your side has already adopted correction no. %(n)d.", n=correction.number))
    return True


def _check_text(user, check) -> bool | Refusal:
    """Each side answers for its own language: its secretariat checks that text against the other."""
    if user.role != "secretariat":
        return False
    if check is None:
        return True
    if user.side != check.answering_side:
        return _not_you(_l("The other side answers for the text in this language: its secretariat checks it."))
    if check.fixed:
        return _not_now(_l("This text is fixed: it can no longer be changed or checked again."))
    if check.status in ("missing", "empty"):
        return Refusal(Invalid, _l("There is no text in this language to check yet: write it first."))
    return True


# --- the public summary (jcm.public) ------------------------------------------------------------------------

def _summary_released() -> Refusal:
    return _not_now(_l("This press summary has been released by both co-chairs: its text is public and can no "
                       "longer be changed."))


def _summary_not_yet(summary) -> Refusal | None:
    if summary.meeting.status != "minutes_adopted":
        return _not_now(_l("A press summary is drafted and released once both co-chairs have adopted the minutes."))
    return None


def _edit_summary(user, summary) -> bool | Refusal:
    """A secretariat of either side drafts the joint press summary of a meeting whose minutes are adopted, until
    both co-chairs have released it. `summary`: the summary, with its meeting."""
    if user.role != "secretariat":
        return False
    if summary is None:
        return True
    if summary.status == "released":
        return _summary_released()
    return _unless(_summary_not_yet(summary))


def _release_summary(user, summary) -> bool | Refusal:
    """The meeting's co-chair for their own side releases the summary's text as it stands, once; released by both,
    it is public."""
    if user.role != "co_chair":
        return _not_you(_l("Only the co-chairs release a press summary, each for their own side."))
    if summary is None:
        return True
    if summary.status == "released":
        return _summary_released()
    if not _named_co_chair(user, summary.meeting):
        return _not_you(_l("Only the meeting's co-chair for your side releases its press summary."))
    not_yet = _summary_not_yet(summary)
    if not_yet is not None:
        return not_yet
    if any(a.side == user.side for a in summary.approvals):
        return _done(_l("Your side has already released this text of the press summary."))
    return True


# --- distribution markings (jcm.documents) -------------------------------------------------------------------

def _mark_documents(user, meeting) -> bool | Refusal:
    """A secretariat of either side chooses the marking of a meeting's documents, until its minutes are adopted:
    the adopted record keeps the marking frozen with it."""
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status == "minutes_adopted":
        return _not_now(_l("The minutes of this meeting have been adopted with their marking: it can no longer be "
                           "changed."))
    return True
# --- each side's own space --------------------------------------------------------------------------------

def _read_side_notes(user, part) -> bool:
    """A side's internal notes are read by that side's accounts, every role (its observers too), and by no one of
    the other side, whatever their role (an administrator included). `part`: SidePart(record, the notes' side)."""
    return part is None or part.side == user.side


def _write_side_notes(user, part) -> bool:
    """Written by that side's accounts of any role but observer (refused before any rule is asked)."""
    return part is None or part.side == user.side


RULES: dict[str, Rule] = {
    "agreement.view": _anyone,
    "agreement.edit": _is_admin,  # its modifications, and recording a notice of discontinuation
    "agreement.withdraw_notice": _withdraw_notice,
    "focus_area.edit": _is_admin,
    "organization.view": _anyone,
    "organization.manage": _is_admin,
    "user.list": _anyone,
    "user.manage": _is_admin,
    "user.edit_profile": _self_or_admin,
    "token.manage": _self_or_admin,
    "audit.view": _is_admin,
    "meeting.view": _anyone,
    "meeting.create": _secretariat,
    "meeting.edit": _edit_meeting,  # its fields
    "meeting.set_status": _set_meeting_status,
    "meeting.delete": _delete_meeting,
    "meeting.cancel": _cancel_meeting,  # directly; else proposed and confirmed
    "meeting.reschedule": _reschedule_meeting,  # its dates or host, directly; else proposed and confirmed
    "meeting.name_co_chair": _name_co_chair,  # obj: SidePart(meeting, side)
    "meeting.propose_cancel": _propose_cancel,
    "meeting.propose_delete": _propose_delete,
    "meeting.propose_change": _propose_change,  # its dates or host
    "proposal.confirm": _confirm_proposal,  # obj: the proposal, with its meeting
    "proposal.decline": _decline_proposal,
    "proposal.withdraw": _withdraw_proposal,
    "agenda.edit": _edit_agenda,  # items, their order, the days' hours
    "agenda.agree": _agree_agenda,
    "attachment.upload": _change_papers,  # and replace, remove
    "attachment.download": _anyone,
    "action.view": _anyone,
    "action.create": _secretariat,
    "action.edit": _secretariat,
    "action.review": _review_action_items,  # obj: the meeting reviewing them
    "action.update": _update_action_item,
    "minutes.view": _anyone,
    "minutes.start": _start_minutes,  # obj: the meeting
    "minutes.edit": _edit_minutes,  # obj: the minutes; also circulating them and resolving comments
    "minutes.delegation": _edit_delegation,  # obj: SidePart(minutes, side)
    "minutes.comment": _comment_on_minutes,
    "text.check": _check_text,  # obj: a jcm.texts.services.TextCheck
    "minutes.adopt": _adopt_minutes,  # obj: the minutes, with their meeting and approvals
    "minutes.correct": _propose_correction,  # obj: the minutes, with their corrections
    "correction.edit": _edit_correction,  # obj: the correction; also withdrawing it
    "correction.adopt": _adopt_correction,  # obj: the correction, with its minutes' meeting
    "summary.edit": _edit_summary,  # obj: the public summary, with its meeting
    "summary.release": _release_summary,  # obj: the public summary, with its meeting and releases
    "document.mark": _mark_documents,  # obj: the meeting whose documents are marked
    "note.view": _read_side_notes,  # obj: SidePart(the record noted on, the notes' side)
    "note.write": _write_side_notes,  # obj: SidePart(the record noted on, the notes' side)
}


# What an observer may do: read, and keep their own profile and tokens. Anything else is refused before any rule is
# asked, whatever their agency owns.
OBSERVED = frozenset(action for action in RULES if action.endswith(".view")) | {
    "user.list", "attachment.download", "user.edit_profile", "token.manage"}
OBSERVER = _not_you(_l("Observers read and never write, whatever their agency owns."))


def _answer(user, action: str, obj: Any) -> bool | Refusal:
    """The rule's answer for the account itself (jcm.web.actor()), never Flask-Login's `current_user` stand-in:
    services keep it, compare it and hand it on, and a stand-in would change under them or fail where the account
    would not."""
    if isinstance(user, LocalProxy):
        raise TypeError("give the account itself (jcm.web.actor()), not current_user")
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None
    if user.role == "observer" and action not in OBSERVED:
        return OBSERVER
    return rule(user, obj)


def can(user, action: str, obj: Any = None) -> bool:
    """True when the (active, signed-in) user may perform the action on obj as it stands now."""
    return _answer(user, action, obj) is True


def refusal(user, action: str, obj: Any = None) -> Refusal | None:
    """Why the user may not perform the action on obj now; None when they may."""
    answer = _answer(user, action, obj)
    if answer is True:
        return None
    return answer if isinstance(answer, Refusal) else NOT_YOU


def require(user, action: str, obj: Any = None, message: str | None = None) -> None:
    """Raise the reason the user may not perform the action now: PermissionDenied (with `message`, when given, for
    who may), or the state's Conflict with its own message."""
    answer = refusal(user, action, obj)
    if answer is not None:
        error = answer.exception(message)
        refused.send(user, action=action, obj=obj, error=error)
        raise error
