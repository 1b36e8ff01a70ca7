"""Optimistic locking that holds across processes: a record's version moves on only from the value read."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from jcm.errors import Conflict
from jcm.extensions import db


def next_version(obj, column: str = "version") -> int:
    """Compare-and-set in the database: if another writer moved the version since this one read it,
    the update matches no row and the change is refused instead of silently overwriting theirs."""
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


@dataclass
class Change:
    """A record's audited state before a change and after it."""

    before: dict[str, Any]
    after: dict[str, Any] | None = None

    @property
    def made(self) -> bool:
        return self.after is not None and self.after != self.before


@contextmanager
def versioned(obj, *, extra: Callable[[Any], dict] | None = None, column: str = "version") -> Iterator[Change]:
    """Whatever the block changes in obj's audited fields (and in `extra`, such as an item's owners) moves obj's
    version on once; a block that changes nothing leaves it alone. The change is yielded, its `after` filled in at
    the end, for the caller to record (jcm.audit.services.tracked does)."""
    from jcm.fields import audited

    def state() -> dict[str, Any]:
        return {**audited(obj), **(extra(obj) if extra else {})}

    change = Change(state())
    yield change
    change.after = state()
    if change.made:
        if hasattr(obj, column):
            next_version(obj, column)
        db.session.flush()
