"""Who may do what: one function, tested as a matrix of role × side × action."""

import itertools

import pytest

from jcm.permissions import RULES, can

ROLES = ("admin", "secretariat", "co_chair", "delegate", "observer")
SIDES = ("US", "KR")


class Someone:
    def __init__(self, role, side, id=1, active=True):
        self.role, self.side, self.id, self.active = role, side, id, active
        self.is_authenticated = True


# The whole table: which roles may take each action (the same on both sides).
EXPECTED = {
    "agreement.view": set(ROLES),
    "agreement.edit": {"admin"},
    "focus_area.edit": {"admin"},
    "organization.view": set(ROLES),
    "organization.manage": {"admin"},
    "user.list": set(ROLES),
    "user.manage": {"admin"},
    "audit.view": {"admin"},
    "meeting.view": set(ROLES),
    "meeting.create": {"secretariat"},
    "meeting.edit": {"secretariat"},
    "meeting.delete": {"secretariat"},
    "agenda.edit": {"secretariat"},
    "agenda.agree": {"secretariat", "co_chair"},
    "attachment.upload": {"secretariat"},
    "attachment.download": set(ROLES),
    "action.view": set(ROLES),
    "action.create": {"secretariat"},
    "action.edit": {"secretariat"},
    "action.review": {"secretariat"},
    "minutes.view": set(ROLES),
    "minutes.edit": {"secretariat"},
    "minutes.comment": {"secretariat", "co_chair", "delegate"},
    "minutes.adopt": {"co_chair"},
}


def test_the_matrix_covers_every_rule():
    assert set(EXPECTED) | {"user.edit_profile", "token.manage", "action.update"} == set(RULES)


class Owned:
    """An action item owned by one account on one side and one organization on the other."""

    def __init__(self, user_id, organization_id):
        from types import SimpleNamespace

        self.owners = [SimpleNamespace(user_id=user_id, organization_id=None),
                       SimpleNamespace(user_id=None, organization_id=organization_id)]


@pytest.mark.parametrize("role, side", list(itertools.product(ROLES, SIDES)))
def test_owners_on_either_side_and_secretariats_update_action_items(role, side):
    item = Owned(user_id=7, organization_id=40)
    me = Someone(role, side, id=7)
    me.organization_id = None
    assert can(me, "action.update", item)  # owner by account
    member = Someone(role, side, id=8)
    member.organization_id = 40
    assert can(member, "action.update", item)  # owner through the organization
    stranger = Someone(role, side, id=9)
    stranger.organization_id = 41
    assert can(stranger, "action.update", item) is (role == "secretariat")


@pytest.mark.parametrize("action, role, side", list(itertools.product(EXPECTED, ROLES, SIDES)))
def test_role_side_action(action, role, side):
    assert can(Someone(role, side), action) is (role in EXPECTED[action])


@pytest.mark.parametrize("action", ["user.edit_profile", "token.manage"])
@pytest.mark.parametrize("role, side", list(itertools.product(ROLES, SIDES)))
def test_everyone_manages_their_own_profile_and_tokens_and_only_admins_anyone_elses(action, role, side):
    me = Someone(role, side, id=7)
    assert can(me, action, Someone("delegate", side, id=7))
    assert can(me, action, Someone("delegate", "KR" if side == "US" else "US", id=8)) is (role == "admin")


@pytest.mark.parametrize("action", sorted(RULES))
def test_a_deactivated_account_and_nobody_may_do_nothing(action):
    assert not can(Someone("admin", "US", active=False), action, Someone("admin", "US"))
    assert not can(None, action)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        can(Someone("admin", "US"), "meeting.nuke")


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
