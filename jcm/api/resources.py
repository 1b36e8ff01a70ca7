"""What every feature's API resources share: the refusals they document, the request's one unit of work, and lists
written once per version of the content."""

from __future__ import annotations

import json
from typing import Any, Callable, TypeVar

from flask import Response, current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import Row, Select, func, select
from sqlalchemy.exc import IntegrityError

from jcm.api.schemas import ErrorSchema
from jcm.content import once_per_version
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


def page_of(blueprint: Blueprint, query: Select, page: int, per_page: int) -> tuple[list[Row], dict[str, Any]]:
    """One page of a query of columns, as plain rows (without the ORM's loading of each), and the `X-Pagination`
    header of the list: as db.paginate counts and pages, for a query of columns rather than of records."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.connection().execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, {"X-Pagination": json.dumps(blueprint._make_pagination_metadata(page, per_page, total))}


def written_once(key: tuple, make: Callable[[], Any]) -> Response | None:
    """The JSON answer of what `make()` gives — the same for every caller who may read it — written once per
    version of the content under `key` (as once_per_version), as jsonify writes it; None when `make()` gives None.
    `make` may give a value and the answer's headers (a list's X-Pagination)."""

    def written() -> tuple[str, dict[str, str]] | None:
        made = make()
        if made is None:
            return None
        value, headers = made if isinstance(made, tuple) else (made, {})
        return f"{current_app.json.dumps(value)}\n", headers

    found = once_per_version(key, written)
    if found is None:
        return None
    text, headers = found
    return current_app.response_class(text, mimetype="application/json", headers=headers)
