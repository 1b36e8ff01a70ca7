"""The version of the database's content: one number that every committed change of what JCM holds moves on.

What is made from the content alone, whoever asks — a draft agenda or draft minutes gathered from hundreds of records
and printed (jcm.documents.drafts), the register's counts over ten thousand action items — is the same until the
number moves, so it is made once per version (once_per_version) rather than on every request.

A write is noticed where every statement passes (the engine), whatever made it — the ORM, a bulk statement, SQL
text — and a transaction that wrote to a table of the content moves the number on as its session commits, in the
same transaction: a transaction that rolls back leaves it as it was, and the number is never ahead of or behind what
is committed. Every change JCM makes commits through its session; what is written on a connection of its own (the
audit trail, the search's index) is no content, and a restore fills an empty database before anything is served.
Tables that hold no content — sign-ins, tokens, the audit trail, the search's index, notices sent — do not count:
nothing made once per version is made from them."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy import BigInteger, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.pool import Pool

from jcm.extensions import db
from jcm.web import TOKEN_PLACE, own_tokens, serving_a_read

T = TypeVar("T")


class ContentVersion(db.Model):
    """The one row (id 1) holding the content's version."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, default=0)


# The tables whose changes are not changes of the content.
UNCOUNTED = frozenset({"content_version", "alembic_version", "sign_in_session", "sign_in_throttle", "api_token",
                       "audit_event", "notice", "reminder_log"})
UNCOUNTED_PREFIXES = ("search_",)  # the search's index and its full-text tables

# The table a statement writes to: INSERT [OR …] INTO t, UPDATE t, DELETE FROM t, REPLACE INTO t.
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.I)

# Kept with the database connection while its transaction has changed the content.
CHANGED = "jcm.content_changed"


def counts(table: str) -> bool:
    table = table.lower()
    return table not in UNCOUNTED and not table.startswith(UNCOUNTED_PREFIXES)


@event.listens_for(Engine, "after_cursor_execute")
def _note_change(connection, cursor, statement, parameters, context, executemany) -> None:
    if CHANGED not in connection.info:
        written = _WRITE.match(statement)
        if written is not None and counts(written.group(1)):
            connection.info[CHANGED] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ended(connection) -> None:
    connection.info.pop(CHANGED, None)


@event.listens_for(Pool, "checkin")
def _connection_returned(dbapi_connection, connection_record) -> None:
    connection_record.info.pop(CHANGED, None)


def _move_on(session: Session) -> None:
    """Every transaction of the application commits through its session: the one that changed the content moves
    the version on, in the same transaction, after what the features write as it commits (listened to last)."""
    session.flush()
    connection = session.connection()
    if connection.info.get(CHANGED):
        connection.execute(update(ContentVersion.__table__).where(ContentVersion.id == 1)
                           .values(number=ContentVersion.number + 1))


def content_version() -> int | None:
    """The version of the content this transaction reads; None when the transaction has changed the content
    itself (what it reads is not yet any version) or the database has no version row. A request that only reads
    (which never writes, jcm.web) reads it once."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return None
    connection = session.connection()
    if connection.info.get(CHANGED):
        return None
    reading = serving_a_read()
    if reading and "content_version" in g:
        return g.content_version
    version = session.scalar(select(ContentVersion.number).where(ContentVersion.id == 1))
    if reading:
        g.content_version = version
    return version


# --- what is made once per version ----------------------------------------------------------------------------

# The values each process remembers, the most recently asked: small ones (counts, a page of rows), and bulky ones (a
# document's record of thousands of entries, its HTML, the parts of a page kept for a kind of reader) apart, fewer of
# them: a meeting's pages keep a dozen for the kinds of readers in both languages.
KEPT, KEPT_BULKY = 128, 48


class Remembered:
    """The most recently asked values, by key, at most `size` of them; shared by a process's threads."""

    def __init__(self, size: int):
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


def init_app(app: Flask) -> None:
    """After the features: the version moves on after what they write as a transaction commits."""
    if not event.contains(Session, "before_commit", _move_on):
        event.listen(Session, "before_commit", _move_on)
    app.extensions["jcm.content.made"] = Remembered(KEPT)
    app.extensions["jcm.content.made.bulky"] = Remembered(KEPT_BULKY)

    @app.before_request
    def version_first() -> None:
        """A reading request reads the version before anything else: what it then reads of the content is of that
        version or newer, never older, so nothing it makes is remembered for a version it precedes."""
        if serving_a_read() and request.endpoint not in (None, "static", "healthz"):
            content_version()


def once_per_version(key: tuple, make: Callable[[], T], *, bulky: bool = False) -> T:
    """`make()`, or what it made for the same key at the content's current version. The key names all `make`
    depends on besides the content (a meeting, a language, the filters, the day); what it returns is shared by the
    requests that ask for it, and never changed (None is not remembered: it is made again). Nothing is remembered
    from a transaction that changed the content."""
    version = content_version()
    if version is None:
        return make()
    made: Remembered = current_app.extensions["jcm.content.made.bulky" if bulky else "jcm.content.made"]
    key = (*key, version)
    value = made.get(key)
    if value is None:
        value = make()
        made.put(key, value)
    return value


class KeptParts:
    """Parts of a page that every reader of a kind is shown alike, kept as the first such page printed them:
    `parts.get(key)`, one printed already (or None); `parts.keep(key, printed)` keeps one and returns it. A page
    made of many such parts (the forty sections of a meeting's minutes) prints each with its own template, once."""

    def __init__(self) -> None:
        self.printed: dict[Hashable, Any] = {}

    def get(self, key: Hashable) -> Any:
        return self.printed.get(key)

    def keep(self, key: Hashable, printed: Any) -> Any:
        """Keeps `printed`, unless a reader's own token is in it (a form made before the page took the token's place,
        jcm.web.own_token_written_in): no part is ever kept with one."""
        if not isinstance(printed, str) or not any(token and token != TOKEN_PLACE and token in printed
                                                   for token in own_tokens()):
            self.printed.setdefault(key, printed)
        return printed

    def made(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The part kept under `key`, or `make()`'s, kept."""
        printed = self.get(key)
        return printed if printed is not None else self.keep(key, make())


def kept_parts(key: tuple) -> KeptParts:
    """The parts kept under `key` at the content's current version (as once_per_version: the key names all the parts
    depend on besides the content), none yet at a new version. Found once by a reading request, whose version does
    not change: a page of forty parts asks for them forty times."""
    if not serving_a_read():
        return once_per_version(key, KeptParts, bulky=True)
    found = g.setdefault("kept_parts", {})
    if key not in found:
        found[key] = once_per_version(key, KeptParts, bulky=True)
    return found[key]
