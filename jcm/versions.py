"""Optimistic locking that holds across processes: a record's version moves on only from the value read."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from jcm.errors import Conflict
from jcm.extensions import db


def next_version(obj, column: str = "version") -> int:
    """Compare-and-set in the database: if another writer moved the version since this one read it,
    the update matches no row and the change is refused instead of silently overwriting theirs."""
    obj = obj._get_current_object() if hasattr(obj, "_get_current_object") else obj  # current_user
    table = type(obj).__table__
    read = getattr(obj, column)
    result = db.session.execute(update(table).where(table.c.id == obj.id, table.c[column] == read)
                                .values({column: read + 1}))
    if result.rowcount != 1:
        raise Conflict(_("Someone else changed this meanwhile; review their change and try again."))
    set_committed_value(obj, column, read + 1)
    return read + 1


def check_version(obj, expected: int | None, message: str | None = None, *, column: str = "version",
                  yours: dict | str | None = None) -> None:
    """Refuse a change based on a version the writer did not read last: a 409 that carries the record as it stands
    (and, given `yours`, what the writer sent), so the page or program can show it beside the writer's own text.
    `column` names the counter when a record keeps more than one (the minutes' next meeting has its own)."""
    current = getattr(obj, column)
    if expected is not None and expected != current:
        from jcm.fields import stored

        raise Conflict(message or _("Someone else changed this meanwhile; review their change and try again."),
                       current={**stored(obj), "version": current, **({"yours": yours} if yours is not None else {})})
