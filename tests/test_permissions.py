"""Who may do what, to what, now: one function, tested as a matrix of role × side × action, and of the state the
object is in — a meeting held, minutes adopted, an agenda a side has agreed, an action item its owner's."""

import itertools
from datetime import date

import pytest

from jcm import import_models
from jcm.errors import Conflict, Invalid, PermissionDenied
from jcm.permissions import RULES, OBSERVED, AlreadyDone, SidePart, can, refusal, require

import_models()  # the rules read real models (built here without a database)

from jcm.accounts.models import User  # noqa: E402
from jcm.actions.models import ActionItem, ActionOwner  # noqa: E402
from jcm.meetings.models import AgendaApproval, Meeting, MeetingProposal  # noqa: E402
from jcm.minutes.models import CorrectionApproval, Minutes, MinutesApproval, MinutesCorrection  # noqa: E402
from jcm.mou.models import Agreement  # noqa: E402

ROLES = ("admin", "secretariat", "co_chair", "delegate", "observer")
SIDES = ("US", "KR")
MEETING_STATUSES = ("planning", "agenda_agreed", "held", "minutes_adopted", "cancelled")
MINUTES_STATUSES = ("draft", "circulated", "adopted")


def someone(role, side, id=1, active=True, organization_id=None):
    return User(role=role, side=side, id=id, active=active, organization_id=organization_id, name="Someone",
                email=f"{id}@example.gov")


# The whole table: which roles may take each action at all (the same on both sides). Asked without an object, a
# rule answers for the role alone.
EXPECTED = {
    "agreement.view": set(ROLES),
    "agreement.edit": {"admin"},
    "agreement.withdraw_notice": {"admin"},
    "focus_area.edit": {"admin"},
    "text.check": {"secretariat"},
    "organization.view": set(ROLES),
    "organization.manage": {"admin"},
    "user.list": set(ROLES),
    "user.manage": {"admin"},
    "audit.view": {"admin"},
    "meeting.view": set(ROLES),
    "meeting.create": {"secretariat"},
    "meeting.edit": {"secretariat"},
    "meeting.set_status": {"secretariat"},
    "meeting.delete": {"secretariat"},
    "meeting.cancel": {"secretariat"},
    "meeting.reschedule": {"secretariat"},
    "meeting.name_co_chair": {"secretariat"},
    "meeting.propose_cancel": {"secretariat"},
    "meeting.propose_delete": {"secretariat"},
    "meeting.propose_change": {"secretariat"},
    "proposal.confirm": {"secretariat"},
    "proposal.decline": {"secretariat"},
    "proposal.withdraw": {"secretariat"},
    "agenda.edit": {"secretariat"},
    "agenda.agree": {"secretariat", "co_chair"},
    "attachment.upload": {"secretariat"},
    "attachment.download": set(ROLES),
    "action.view": set(ROLES),
    "action.create": {"secretariat"},
    "action.edit": {"secretariat"},
    "action.review": {"secretariat"},
    "action.update": {"admin", "secretariat", "co_chair", "delegate"},  # all but secretariats only as owners
    "minutes.delegation": {"secretariat"},
    "minutes.view": set(ROLES),
    "minutes.start": {"secretariat"},
    "minutes.edit": {"secretariat"},
    "minutes.comment": {"secretariat", "co_chair", "delegate"},
    "minutes.adopt": {"co_chair"},
    "minutes.correct": {"secretariat"},
    "correction.edit": {"secretariat"},
    "correction.adopt": {"co_chair"},
    "summary.edit": {"secretariat"},
    "summary.release": {"co_chair"},
    "document.mark": {"secretariat"},
    "note.view": set(ROLES),
    "note.write": {"admin", "secretariat", "co_chair", "delegate"},
}


def test_the_matrix_covers_every_rule():
    assert set(EXPECTED) | {"user.edit_profile", "token.manage"} == set(RULES)


@pytest.mark.parametrize("action, role, side", list(itertools.product(EXPECTED, ROLES, SIDES)))
def test_role_side_action(action, role, side):
    assert can(someone(role, side), action) is (role in EXPECTED[action])


@pytest.mark.parametrize("action", ["user.edit_profile", "token.manage"])
@pytest.mark.parametrize("role, side", list(itertools.product(ROLES, SIDES)))
def test_everyone_manages_their_own_profile_and_tokens_and_only_admins_anyone_elses(action, role, side):
    me = someone(role, side, id=7)
    assert can(me, action, someone("delegate", side, id=7))
    assert can(me, action, someone("delegate", "KR" if side == "US" else "US", id=8)) is (role == "admin")


@pytest.mark.parametrize("action", sorted(RULES))
def test_a_deactivated_account_and_nobody_may_do_nothing(action):
    assert not can(someone("admin", "US", active=False), action, someone("admin", "US"))
    assert not can(None, action)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        can(someone("admin", "US"), "meeting.nuke")


def test_services_are_given_the_account_itself_never_the_signed_in_stand_in(app, committee, held_meeting):
    """Flask-Login's current_user only stands in for the account; a service given it refuses at its permission
    check, before it changes anything, so every page and API resource must hand on the account (jcm.web.actor())."""
    from flask_login import current_user, login_user

    from jcm.accounts.models import User
    from jcm.accounts.services import get_user, update_user
    from jcm.meetings.services import get_meeting, set_status
    from jcm.web import actor

    with app.test_request_context("/"):
        secretariat = get_user(committee.us_secretariat.id)
        login_user(secretariat)
        assert type(actor()) is User and actor() is secretariat
        for check in (lambda: can(current_user, "meeting.view"),
                      lambda: set_status(current_user, get_meeting(held_meeting), "cancelled"),
                      lambda: update_user(current_user, secretariat, {"title": "Director"})):
            with pytest.raises(TypeError, match="not current_user"):
                check()
        assert get_meeting(held_meeting).status == "held" and secretariat.title == ""
        assert can(actor(), "meeting.view")




# --- the state of a meeting ----------------------------------------------------------------------------------

# While the meeting is in these statuses, the roles of EXPECTED may do it; in the others, no one may.
OPEN_WHILE = {
    "meeting.edit": {"planning", "agenda_agreed", "held"},
    "meeting.reschedule": {"planning"},  # then by a proposal
    "meeting.set_status": {"planning", "agenda_agreed", "held", "cancelled"},
    "meeting.delete": {"planning", "cancelled"},
    "agenda.edit": {"planning", "agenda_agreed"},
    "agenda.agree": {"planning", "agenda_agreed"},
    "action.review": {"held"},  # or once its first day has come (below): the meetings here have no dates
    "minutes.start": {"planning", "agenda_agreed", "held", "minutes_adopted"},
    # the papers presented at a meeting are still added once it is held; adopted minutes close them
    "attachment.upload": {"planning", "agenda_agreed", "held", "cancelled"},
}


@pytest.mark.parametrize("action, status, role, side",
                         list(itertools.product(OPEN_WHILE, MEETING_STATUSES, ROLES, SIDES)))
def test_what_a_meeting_in_each_status_allows(action, status, role, side):
    meeting = Meeting(status=status, agenda_version=1, host_side=side)  # their own side hosts it
    user = someone(role, side)
    assert can(user, action, meeting) is (role in EXPECTED[action] and status in OPEN_WHILE[action])
    refused = refusal(user, action, meeting)
    if role not in EXPECTED[action]:
        assert refused.error is PermissionDenied  # who asks comes before the state of the meeting
    elif status not in OPEN_WHILE[action]:
        assert refused.error is Conflict and refused.message  # the state refuses, and says why


def test_outcomes_are_recorded_from_the_first_day_of_the_meeting_where_it_is_held():
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    secretariat = someone("secretariat", "KR")
    seoul_today = datetime.now(ZoneInfo("Asia/Seoul")).date()
    for status in ("planning", "agenda_agreed"):
        assert can(secretariat, "action.review", Meeting(status=status, start_date=seoul_today, time_zone="Asia/Seoul"))
        tomorrow = Meeting(status=status, start_date=seoul_today + timedelta(days=1), time_zone="Asia/Seoul")
        with pytest.raises(Conflict, match="this meeting has not begun yet"):
            require(secretariat, "action.review", tomorrow)
    assert not can(secretariat, "action.review", Meeting(status="minutes_adopted", start_date=date(2020, 1, 1)))


def test_the_rules_speak_of_the_statuses_the_models_have():
    from jcm import permissions
    from jcm.meetings.models import MEETING_STATUSES as MEETINGS
    from jcm.meetings.services import EDITABLE_STATUSES
    from jcm.minutes.models import CORRECTION_STATUSES, MINUTES_STATUSES as MINUTES

    assert set(MEETING_STATUSES) == set(MEETINGS) and set(MINUTES_STATUSES) == set(MINUTES)
    assert permissions.AGENDA_OPEN == EDITABLE_STATUSES
    assert set(permissions.MEETING_CLOSED) | set(permissions.DELETABLE) <= set(MEETINGS)
    assert {"proposed", "adopted", "withdrawn"} == set(CORRECTION_STATUSES)


def test_the_state_refusals_say_why():
    secretariat = someone("secretariat", "US")
    held = Meeting(status="held", agenda_version=1)
    with pytest.raises(Conflict, match="The agenda of a meeting that is held can no longer be changed"):
        require(secretariat, "agenda.edit", held)
    with pytest.raises(Conflict, match="Only a meeting in planning or cancelled can be deleted"):
        require(secretariat, "meeting.delete", held)
    with pytest.raises(Conflict, match="This meeting is cancelled and can no longer be changed"):
        require(secretariat, "meeting.edit", Meeting(status="cancelled"))
    with pytest.raises(Conflict, match="A cancelled meeting has no minutes"):
        require(secretariat, "minutes.start", Meeting(status="cancelled"))
    with pytest.raises(Conflict, match="The minutes of this meeting have been adopted: its papers can no longer be "
                                       "added, replaced or removed"):
        require(secretariat, "attachment.upload", Meeting(status="minutes_adopted"))
    with pytest.raises(PermissionDenied, match="You do not have permission"):
        require(someone("delegate", "US"), "agenda.edit", held)
    with pytest.raises(PermissionDenied, match="Only secretariats"):
        require(someone("delegate", "US"), "agenda.edit", held, "Only secretariats edit the agenda.")


@pytest.mark.parametrize("role", ["secretariat", "co_chair"])
def test_each_side_agrees_the_current_version_of_the_agenda_once_for_itself(role):
    approvals = [AgendaApproval(side="US", agenda_version=3), AgendaApproval(side="KR", agenda_version=2)]
    meeting = Meeting(status="planning", agenda_version=3, approvals=approvals)
    us, kr = someone(role, "US"), someone(role, "KR")
    assert not can(us, "agenda.agree", meeting)
    assert refusal(us, "agenda.agree", meeting).error is AlreadyDone  # a repeat changes nothing
    with pytest.raises(AlreadyDone, match="Your side has already agreed version 3 of the agenda"):
        require(us, "agenda.agree", meeting)
    assert can(kr, "agenda.agree", meeting)  # the Korean side agreed version 2 only
    assert not can(someone("delegate", "KR"), "agenda.agree", meeting)


# --- the state of the minutes --------------------------------------------------------------------------------

def minutes_in(status, meeting_status=None, co_chairs=(None, None), approved=(), corrections=()):
    meeting = Meeting(status=meeting_status or ("minutes_adopted" if status == "adopted" else "held"),
                      co_chair_us_id=co_chairs[0], co_chair_kr_id=co_chairs[1])
    content = {"schema": 1} if status == "adopted" else None
    return Minutes(status=status, meeting=meeting, adopted_content=content,
                   approvals=[MinutesApproval(side=side) for side in approved], corrections=list(corrections))


MINUTES_OPEN_WHILE = {
    "minutes.edit": {"draft", "circulated"},
    "minutes.comment": {"circulated"},
    "minutes.adopt": {"circulated"},
    "minutes.correct": {"adopted"},
}


@pytest.mark.parametrize("action, status, role, side",
                         list(itertools.product(MINUTES_OPEN_WHILE, MINUTES_STATUSES, ROLES, SIDES)))
def test_what_minutes_in_each_status_allow(action, status, role, side):
    minutes = minutes_in(status)
    user = someone(role, side)
    assert can(user, action, minutes) is (role in EXPECTED[action] and status in MINUTES_OPEN_WHILE[action])
    refused = refusal(user, action, minutes)
    if role in EXPECTED[action] and status not in MINUTES_OPEN_WHILE[action]:
        assert refused.error is Conflict and refused.message


def test_only_the_meetings_named_co_chair_adopts_for_their_own_side_once_the_meeting_is_held():
    minutes = minutes_in("circulated", co_chairs=(3, None))
    assert can(someone("co_chair", "US", id=3), "minutes.adopt", minutes)
    named_elsewhere = refusal(someone("co_chair", "US", id=4), "minutes.adopt", minutes)
    assert named_elsewhere.error is PermissionDenied and "co-chair for your side" in str(named_elsewhere.message)
    assert can(someone("co_chair", "KR", id=4), "minutes.adopt", minutes)  # no Korean co-chair is named yet
    not_held = minutes_in("circulated", meeting_status="planning")
    with pytest.raises(Conflict, match="once the meeting has been held"):
        require(someone("co_chair", "US"), "minutes.adopt", not_held)
    with pytest.raises(Conflict, match="after they have been circulated"):
        require(someone("co_chair", "US"), "minutes.adopt", minutes_in("draft"))


def test_a_side_that_has_adopted_the_minutes_is_not_asked_again():
    minutes = minutes_in("circulated", approved=("KR",))
    assert refusal(someone("co_chair", "KR"), "minutes.adopt", minutes).error is AlreadyDone
    assert can(someone("co_chair", "US"), "minutes.adopt", minutes)


def test_comments_are_taken_while_the_minutes_are_circulated():
    with pytest.raises(Conflict, match="while the minutes are circulated"):
        require(someone("delegate", "KR"), "minutes.comment", minutes_in("draft"))
    with pytest.raises(Conflict, match="adopted by both co-chairs"):
        require(someone("delegate", "KR"), "minutes.comment", minutes_in("adopted"))


# --- corrections of adopted minutes --------------------------------------------------------------------------

def test_a_correction_is_proposed_one_at_a_time_of_minutes_kept_as_records():
    secretariat = someone("secretariat", "KR")
    adopted = minutes_in("adopted")
    assert can(secretariat, "minutes.correct", adopted)
    MinutesCorrection(number=1, status="withdrawn", minutes=adopted)
    MinutesCorrection(number=2, status="adopted", minutes=adopted)
    assert can(secretariat, "minutes.correct", adopted)
    MinutesCorrection(number=3, status="proposed", minutes=adopted)
    with pytest.raises(Conflict, match="A correction is already proposed"):
        require(secretariat, "minutes.correct", adopted)
    old = minutes_in("adopted")
    old.adopted_content = {"records": []}  # adopted before corrections were kept as records
    with pytest.raises(Conflict, match="cannot be corrected in JCM"):
        require(secretariat, "minutes.correct", old)
    with pytest.raises(Conflict, match="Only adopted minutes are corrected"):
        require(secretariat, "minutes.correct", minutes_in("circulated"))


@pytest.mark.parametrize("status", ["proposed", "adopted", "withdrawn"])
@pytest.mark.parametrize("role, side", list(itertools.product(ROLES, SIDES)))
def test_a_correction_is_changed_withdrawn_and_adopted_while_it_is_proposed(status, role, side):
    correction = MinutesCorrection(number=1, status=status, minutes=minutes_in("adopted"))
    user = someone(role, side)
    assert can(user, "correction.edit", correction) is (role == "secretariat" and status == "proposed")
    assert can(user, "correction.adopt", correction) is (role == "co_chair" and status == "proposed")
    if status != "proposed" and role in ("secretariat", "co_chair"):
        action = "correction.edit" if role == "secretariat" else "correction.adopt"
        with pytest.raises(Conflict, match=f"Correction no. 1 has been {status} and can no longer be changed"):
            require(user, action, correction)


def test_the_meetings_named_co_chair_adopts_a_correction_for_their_own_side_once():
    correction = MinutesCorrection(number=1, status="proposed", minutes=minutes_in("adopted", co_chairs=(3, 5)),
                                   approvals=[CorrectionApproval(side="US")])
    assert refusal(someone("co_chair", "US", id=3), "correction.adopt", correction).error is AlreadyDone
    assert can(someone("co_chair", "KR", id=5), "correction.adopt", correction)
    with pytest.raises(PermissionDenied, match="co-chair for your side adopts a correction"):
        require(someone("co_chair", "KR", id=6), "correction.adopt", correction)
    with pytest.raises(PermissionDenied, match="Only the co-chairs adopt a correction"):
        require(someone("secretariat", "KR"), "correction.adopt", correction)


# --- action items: their owners and the secretariats --------------------------------------------------------

def owned(user_id, organization_id):
    """An action item owned by one account on one side and one organization on the other."""
    return ActionItem(owners=[ActionOwner(side="US", user_id=user_id),
                              ActionOwner(side="KR", organization_id=organization_id)])


@pytest.mark.parametrize("role, side", list(itertools.product(ROLES, SIDES)))
def test_owners_on_either_side_and_secretariats_update_action_items_and_observers_only_read(role, side):
    item = owned(user_id=7, organization_id=40)
    writes = role != "observer"  # an observer reads what their agency owns, and never writes
    assert can(someone(role, side, id=7), "action.update", item) is writes  # owner by account
    assert can(someone(role, side, id=8, organization_id=40), "action.update", item) is writes  # by organization
    stranger = someone(role, side, id=9, organization_id=41)
    assert can(stranger, "action.update", item) is (role == "secretariat")


# --- the agreement -------------------------------------------------------------------------------------------

def test_a_notice_of_discontinuation_is_withdrawn_only_when_there_is_one():
    admin = someone("admin", "US")
    agreement = Agreement()
    with pytest.raises(Invalid, match="No notice of discontinuation is recorded"):
        require(admin, "agreement.withdraw_notice", agreement)
    agreement.discontinuation_notice_date = date(2026, 5, 1)
    assert can(admin, "agreement.withdraw_notice", agreement)
    assert not can(someone("secretariat", "US"), "agreement.withdraw_notice", agreement)


# --- observers read and never write ---------------------------------------------------------------------------

WRITES = sorted(set(RULES) - OBSERVED)


@pytest.mark.parametrize("action", WRITES)
@pytest.mark.parametrize("side", SIDES)
def test_an_observer_never_writes_whatever_their_agency_owns_and_is_told_so(action, side):
    """Asked of every object a rule reads, an observer's agency owning it or not: refused, 403, saying why."""
    observer = someone("observer", side, organization_id=4)
    owned = ActionItem(owners=[ActionOwner(side=side, organization_id=4)])
    for obj in (None, owned, Meeting(status="planning", host_side=side, agenda_version=1)):
        refused = refusal(observer, action, obj)
        assert refused is not None and refused.error is PermissionDenied, (action, obj)
        assert str(refused.message) == "Observers read and never write, whatever their agency owns."
    assert {"meeting.view", "action.view", "minutes.view", "attachment.download"} <= OBSERVED


# --- facts that belong to both sides ---------------------------------------------------------------------------

def other(side):
    return "KR" if side == "US" else "US"


@pytest.mark.parametrize("status", MEETING_STATUSES)
@pytest.mark.parametrize("side", SIDES)
def test_each_side_names_only_its_own_co_chair(status, side):
    meeting = Meeting(status=status, host_side="KR", agenda_version=1)
    secretariat = someone("secretariat", side)
    open_ = status not in ("minutes_adopted", "cancelled")
    assert can(secretariat, "meeting.name_co_chair", SidePart(meeting, side)) is open_
    theirs = refusal(secretariat, "meeting.name_co_chair", SidePart(meeting, other(side)))
    if open_:  # who asks: the other side's co-chair is the other side's to name
        assert theirs.error is PermissionDenied and "names its own co-chair" in str(theirs.message)
    else:  # the state first, as for any edit of the meeting
        assert theirs.error is Conflict
    assert not can(someone("co_chair", side), "meeting.name_co_chair", SidePart(meeting, side))


@pytest.mark.parametrize("status", MINUTES_STATUSES)
@pytest.mark.parametrize("side", SIDES)
def test_each_side_lists_only_its_own_delegation(status, side):
    minutes = minutes_in(status)
    secretariat = someone("secretariat", side)
    assert can(secretariat, "minutes.delegation", SidePart(minutes, side)) is (status != "adopted")
    theirs = refusal(secretariat, "minutes.delegation", SidePart(minutes, other(side)))
    assert theirs.error is (Conflict if status == "adopted" else PermissionDenied)
    if status != "adopted":
        assert "lists its own delegation" in str(theirs.message)


# Who cancels or deletes a meeting directly, by the state and who hosts it: (status, host side?) → may.
@pytest.mark.parametrize("status", MEETING_STATUSES)
@pytest.mark.parametrize("hosts", [True, False])
def test_cancelling_and_deleting_take_both_sides_unless_the_host_acts_on_a_working_draft(status, hosts):
    us = someone("secretariat", "US")
    meeting = Meeting(status=status, host_side="US" if hosts else "KR", agenda_version=1, proposals=[])
    cancel_alone = status == "cancelled" or (status == "planning" and hosts)  # cancelled: a repeat changes nothing
    delete_alone = status in ("planning", "cancelled") and hosts
    propose_cancel = status in ("agenda_agreed", "held") or (status == "planning" and not hosts)
    propose_delete = status in ("planning", "cancelled") and not hosts
    assert can(us, "meeting.cancel", meeting) is (cancel_alone and status != "minutes_adopted")
    assert can(us, "meeting.delete", meeting) is delete_alone
    assert can(us, "meeting.propose_cancel", meeting) is propose_cancel
    assert can(us, "meeting.propose_delete", meeting) is propose_delete
    assert can(us, "meeting.propose_change", meeting) is (status in ("agenda_agreed", "held"))
    assert can(us, "meeting.reschedule", meeting) is (status == "planning")
    if status in ("planning", "cancelled") and not hosts:
        refused = refusal(us, "meeting.delete", meeting)
        assert refused.error is PermissionDenied and "takes both sides" in str(refused.message)


def proposal(status="proposed", side="KR", kind="cancel", version=3, meeting_version=3):
    meeting = Meeting(status="agenda_agreed", host_side="KR", agenda_version=1, version=version)
    return MeetingProposal(number=1, kind=kind, side=side, status=status, meeting=meeting,
                           meeting_version=meeting_version)


def test_the_other_side_confirms_or_declines_and_the_proposing_side_withdraws():
    us, kr = someone("secretariat", "US"), someone("secretariat", "KR")
    korean = proposal(side="KR")
    assert can(us, "proposal.confirm", korean) and can(us, "proposal.decline", korean)
    assert not can(us, "proposal.withdraw", korean)
    assert can(kr, "proposal.withdraw", korean)
    with pytest.raises(PermissionDenied, match="Your side made this proposal: the other side's secretariat confirms"):
        require(kr, "proposal.confirm", korean)
    with pytest.raises(PermissionDenied):
        require(kr, "proposal.decline", korean)
    for role in ("co_chair", "delegate", "admin"):
        assert not can(someone(role, "US"), "proposal.confirm", korean)


@pytest.mark.parametrize("status", ["confirmed", "withdrawn", "declined"])
def test_a_proposal_no_longer_open_is_acted_on_by_no_one(status):
    closed = proposal(status=status)
    for action, who in (("proposal.confirm", "US"), ("proposal.decline", "US"), ("proposal.withdraw", "KR")):
        refused = refusal(someone("secretariat", who), action, closed)
        assert refused.error is Conflict and f"has been {status}" in str(refused.message)


def test_a_proposal_made_on_a_meeting_changed_since_is_not_confirmed_but_may_be_declined():
    stale = proposal(version=4, meeting_version=3)
    us = someone("secretariat", "US")
    refused = refusal(us, "proposal.confirm", stale)
    assert refused.error is Conflict and "changed since" in str(refused.message)
    assert can(us, "proposal.decline", stale) and can(someone("secretariat", "KR"), "proposal.withdraw", stale)


def test_one_open_proposal_of_a_kind_at_a_time():
    meeting = Meeting(status="agenda_agreed", host_side="KR", agenda_version=1,
                      proposals=[MeetingProposal(kind="cancel", status="proposed", side="KR")])
    us = someone("secretariat", "US")
    refused = refusal(us, "meeting.propose_cancel", meeting)
    assert refused.error is Conflict and "already open" in str(refused.message)
    assert can(us, "meeting.propose_change", meeting)  # another kind may be proposed beside it
