"""What every feature's API resources share: the refusals they document, and the request's one unit of work."""

from __future__ import annotations

from typing import Callable, TypeVar

from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from jcm.api.schemas import ErrorSchema
from jcm.errors import Conflict
from jcm.extensions import db

T = TypeVar("T")

REFUSALS = {
    403: "the caller may not do this: their role, their side, or the record is not theirs",
    404: "no such record",
    409: "a stale version, or a change the record's state no longer allows; `current` holds the record now",
    422: "a field breaks a rule; `field` names it",
}


def refusals(blueprint: Blueprint, *statuses: int):
    """Document the error responses a view can give, all in the one error shape."""
    def decorate(view):
        for status in statuses:
            view = blueprint.alt_response(status, schema=ErrorSchema, description=REFUSALS[status])(view)
        return view
    return decorate


def commit(change: Callable[[], T]) -> T:
    """A service call whose changes the request's end commits whole, or which is rolled back whole."""
    try:
        result = change()
        db.session.flush()
    except IntegrityError:
        # The services check first; only a simultaneous request can still trip a constraint.
        db.session.rollback()
        raise Conflict(_("Someone else saved a change meanwhile")) from None
    except Exception:
        db.session.rollback()
        raise
    return result
