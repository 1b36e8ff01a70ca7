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
    table = type(obj).__table__
    read = getattr(obj, column)
    result = db.session.execute(update(table).where(table.c.id == obj.id, table.c[column] == read)
                                .values({column: read + 1}))
    if result.rowcount != 1:
        raise Conflict(_("Someone else changed this meanwhile; review their change and try again."))
    set_committed_value(obj, column, read + 1)
    return read + 1
