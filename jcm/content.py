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
nothing made once per version is made from them.

A page its reader opens again at the same version is the page they were shown (kept_page): kept whole for that
reader, under all else it depends on, with their own token written in each time."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from datetime import date, datetime
from functools import wraps
from typing import Any, Callable, Hashable, TypeVar
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import BigInteger, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.pool import Pool

from jcm.extensions import db
from jcm.i18n import locale_code
from jcm.web import TOKEN_PLACE, own_token_written_in, own_tokens, read_with_sign_in, serving_a_read
from jcm.zones import reader_zone

T = TypeVar("T")


class ContentVersion(db.Model):
    """The one row (id 1) holding the content's version."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, default=0)


# Read by every request that reads: made once, and run as it is on the session's connection.
_VERSION = select(ContentVersion.__table__.c.number).where(ContentVersion.__table__.c.id == 1)


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
    version = connection.scalar(_VERSION)
    if reading:
        g.content_version = version
    return version


# --- what is made once per version ----------------------------------------------------------------------------

# The values each process remembers, the most recently asked: small ones (counts, a page of rows), and bulky ones (a
# document's record of thousands of entries, its HTML, the parts of a page kept for a kind of reader) apart, fewer of
# them: a meeting's pages keep a dozen for the kinds of readers in both languages.
KEPT, KEPT_BULKY = 128, 48


class Remembered:
    """The most recently asked values, by key, at most `size` of them — or, with `weigh`, at most `size` of their
    weights in all; shared by a process's threads."""

    def __init__(self, size: int, weigh: Callable[[Any], int] = lambda value: 1):
        self.size, self.weigh, self.used, self.values, self.lock = size, weigh, 0, OrderedDict(), threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.weigh(value) > self.size:
            return
        with self.lock:
            former = self.values.pop(key, None)
            self.used += self.weigh(value) - (self.weigh(former) if former is not None else 0)
            self.values[key] = value
            while self.used > self.size:
                self.used -= self.weigh(self.values.popitem(last=False)[1])

    def clear(self) -> None:
        """Forget every value, as if none had been asked for."""
        with self.lock:
            self.values.clear()
            self.used = 0


def init_app(app: Flask) -> None:
    """After the features: the version moves on after what they write as a transaction commits."""
    if not event.contains(Session, "before_commit", _move_on):
        event.listen(Session, "before_commit", _move_on)
    app.extensions["jcm.content.made"] = Remembered(KEPT)
    app.extensions["jcm.content.made.bulky"] = Remembered(KEPT_BULKY)
    app.extensions["jcm.content.pages"] = kept_pages(int(app.config["KEPT_PAGES_MIB"]) * 2**20)
    app.extensions.setdefault("jcm.content.reader_marks", [])

    read_with_sign_in("content_version", lambda account_id: _VERSION.scalar_subquery(),
                      lambda number: g.setdefault("content_version", number))

    @app.before_request
    def version_first() -> None:
        """A reading request reads the version before anything else: what it then reads of the content is of that
        version or newer, never older, so nothing it makes is remembered for a version it precedes. Its reader's
        sign-in (no content) is read first, and the version with it, in one statement (jcm.web.read_with_sign_in)."""
        if serving_a_read() and request.endpoint not in (None, "static", "healthz"):
            current_user.is_authenticated  # loads the sign-in
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


# --- whole pages, kept for their reader ---------------------------------------------------------------------------

class KeptPage:
    """A page as it is sent, in UTF-8, cut where its reader's token goes: joined around each reader's own token."""

    def __init__(self, page: str):
        self.pieces = [piece.encode() for piece in page.split(TOKEN_PLACE)]
        self.size = sum(len(piece) for piece in self.pieces)

    def written_for(self, token: str) -> bytes:
        return token.encode().join(self.pieces)


def kept_pages(budget: int) -> Remembered:
    """The most recently read pages, by key, at most `budget` bytes of them in all."""
    return Remembered(budget, weigh=lambda page: page.size)


def reader_mark(app: Flask, mark: Callable[[], Hashable | None]) -> None:
    """What a reader's pages show of their own besides the content (the notices they have not read yet), or None
    when the page the reader asks for now must be made afresh (a form of theirs to put back in it): part of the key
    of every page kept for them. A feature adds its own in its init_app."""
    app.extensions.setdefault("jcm.content.reader_marks", []).append(mark)


def _page_key() -> tuple | None:
    """All a page depends on besides the content: its address, its reader and their language, zone and day, and what
    each feature marks of the reader. None for what is never kept: a request that may change something, a visitor's
    or a program's, one with a message to show."""
    if not serving_a_read() or request.method not in ("GET", "HEAD") or not current_user.is_authenticated:
        return None
    if session.get("_flashes") or "Authorization" in request.headers or g.get("conflict"):
        return None
    marks = []
    for mark in current_app.extensions.get("jcm.content.reader_marks", ()):
        marked = mark()
        if marked is None:
            return None
        marks.append(marked)
    zone = reader_zone()
    return ("page", request.endpoint, request.full_path, current_user.id, locale_code(), zone,
            date.today(), datetime.now(ZoneInfo(zone)).date(), *marks)


def kept_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page its reader opens again while the content has not changed is the page they were shown: kept whole, under
    all it depends on besides the content (_page_key), with the reader's own token written in anew each time (no
    kept page holds one). What the view answers with anything but a plain page (a redirect, a refusal, a page with
    headers of its own) is answered as it is and not kept."""

    @wraps(view)
    def keeping(*args, **kwargs):
        key = _page_key()
        version = content_version() if key is not None else None
        if version is None:
            return view(*args, **kwargs)
        pages: Remembered = current_app.extensions["jcm.content.pages"]
        key = (*key, version)
        with own_token_written_in() as written_in:
            kept = pages.get(key)
            if kept is not None:
                return current_app.response_class(kept.written_for(own_tokens()[1]), mimetype="text/html")
            answer = current_app.make_response(view(*args, **kwargs))
            if answer.direct_passthrough or answer.is_streamed or answer.mimetype != "text/html":
                return answer
            page = answer.get_data(as_text=True)
            if answer.status_code == 200 and set(answer.headers.keys()) <= {"Content-Type", "Content-Length"} \
                    and not any(token and token != TOKEN_PLACE and token in page for token in own_tokens()):
                pages.put(key, KeptPage(page))
            answer.set_data(written_in(page))
            return answer

    return keeping
