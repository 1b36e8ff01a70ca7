"""The one place where JCM decides who may do what, to what, now: can(user, action, obj).

A rule answers the whole question: the user's role, their side, whether they own the object, and the state the
object is in (a meeting held, minutes adopted, an agenda their side has agreed already). It says yes, or no with
the reason: who is asking (403) or the state of the object (409), with a message that says why. `require` raises
that reason; services call it first, and pages ask `can` to show a button exactly when the service would accept it.

Rules read only the attributes of the objects they are given (the models, with what the rule reads loaded); this
module imports no feature. Without an object, a rule answers for the role alone: may this role do it at all."""

from __future__ import annotations

from typing import Any, Callable

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


def _meeting_closed(meeting) -> Refusal:
    return _not_now(_l("This meeting is %(status)s and can no longer be changed.", status=meeting.status))


def _agenda_closed(meeting) -> Refusal:
    return _not_now(_l("The agenda of a meeting that is %(status)s can no longer be changed.", status=meeting.status))


def _minutes_adopted() -> Refusal:
    return _not_now(_l("These minutes have been adopted by both co-chairs and can no longer be changed."))


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


def _delete_meeting(user, meeting) -> bool | Refusal:
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status not in DELETABLE:
        return _not_now(_l("Only a meeting in planning or cancelled can be deleted."))
    return True


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

def _review_action_items(user, meeting) -> bool | Refusal:
    """At a meeting, its secretariats record what became of each action item, until its minutes are adopted."""
    if user.role != "secretariat":
        return False
    if meeting is not None and meeting.status in MEETING_CLOSED:
        return _meeting_closed(meeting)
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
    if check.status in ("missing", "empty"):
        return Refusal(Invalid, _l("There is no text in this language to check yet: write it first."))
    return True


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
    "minutes.comment": _comment_on_minutes,
    "text.check": _check_text,  # obj: a jcm.texts.services.TextCheck
    "minutes.adopt": _adopt_minutes,  # obj: the minutes, with their meeting and approvals
    "minutes.correct": _propose_correction,  # obj: the minutes, with their corrections
    "correction.edit": _edit_correction,  # obj: the correction; also withdrawing it
    "correction.adopt": _adopt_correction,  # obj: the correction, with its minutes' meeting
}


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
    refused = refusal(user, action, obj)
    if refused is not None:
        raise refused.exception(message)
