"""The one place where JCM decides who may do what: can(user, action, obj)."""

from __future__ import annotations

from typing import Any, Callable

from werkzeug.local import LocalProxy

from jcm.errors import PermissionDenied

Rule = Callable[[Any, Any], bool]


def _is_admin(user, obj=None) -> bool:
    return user.role == "admin"


def _anyone(user, obj=None) -> bool:
    return True


def _self_or_admin(user, obj) -> bool:
    return user.role == "admin" or (obj is not None and getattr(obj, "id", None) == user.id)


def _secretariat(user, obj=None) -> bool:
    return user.role == "secretariat"


def _agrees_for_own_side(user, obj=None) -> bool:
    # Each side's secretariat or co-chair agrees for that side; the side is always the user's own.
    return user.role in ("secretariat", "co_chair")


def is_owner(user, item) -> bool:
    """The user owns the action item in person, or through their organization (as its owners say)."""
    return any(owner.user_id == user.id or (owner.organization_id is not None
                                            and owner.organization_id == user.organization_id)
               for owner in item.owners)


def _owner_or_secretariat(user, item) -> bool:
    return user.role == "secretariat" or (item is not None and is_owner(user, item))


def _co_chair(user, obj=None) -> bool:
    return user.role == "co_chair"


def _reviewer(user, obj=None) -> bool:
    return user.role in ("secretariat", "co_chair", "delegate")


RULES: dict[str, Rule] = {
    "agreement.view": _anyone,
    "agreement.edit": _is_admin,
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
    "meeting.edit": _secretariat,
    "meeting.delete": _secretariat,
    "agenda.edit": _secretariat,
    "agenda.agree": _agrees_for_own_side,
    "attachment.upload": _secretariat,
    "attachment.download": _anyone,
    "action.view": _anyone,
    "action.create": _secretariat,
    "action.edit": _secretariat,
    "action.review": _secretariat,
    "action.update": _owner_or_secretariat,
    "minutes.view": _anyone,
    "minutes.edit": _secretariat,
    "minutes.comment": _reviewer,
    "minutes.adopt": _co_chair,
}


def can(user, action: str, obj: Any = None) -> bool:
    """True when the (active, signed-in) user may perform the action on obj.

    The user is the account itself (jcm.web.actor()), never Flask-Login's `current_user` stand-in: services keep
    it, compare it and hand it on, and a stand-in would change under them or fail where the account would not."""
    if isinstance(user, LocalProxy):
        raise TypeError("give the account itself (jcm.web.actor()), not current_user")
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None
    return rule(user, obj)


def require(user, action: str, obj: Any = None, message: str | None = None) -> None:
    if not can(user, action, obj):
        from flask_babel import gettext as _

        raise PermissionDenied(message or _("You do not have permission to do this."))
