"""Sign-ins kept on the server, so that they end there.

Signing in starts a SignInSession and gives the browser its key, which Flask-Login keeps in the session cookie (and,
with "keep me signed in", in the remember cookie). Every request looks the key up: a sign-in that was ended (signing
out, "sign out everywhere", a password change, a deactivation), that has been idle for SESSION_IDLE_MINUTES or began
more than SESSION_LIFETIME_HOURS ago is refused, so a cookie copied before any of these is worth nothing after it.
A refused sign-in leads where an anonymous visitor is led: pages to the sign-in page (the minutes editor's text is
kept in the browser meanwhile), documents asked for by a program to 401.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from jcm.accounts.models import SignInSession, User
from jcm.extensions import db
from jcm.models import utcnow
from jcm.permissions import require
from jcm.web import signing_in

# How often a sign-in's last request is written down: at most once a minute, so reading pages stays cheap.
SEEN_STEP = timedelta(minutes=1)
MAX_KEY_LENGTH = 100


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(minutes=float(current_app.config["SESSION_IDLE_MINUTES"]))


def lifetime_limit() -> timedelta:
    return timedelta(hours=float(current_app.config["SESSION_LIFETIME_HOURS"]))


def start_session(user: User, address: str = "", user_agent: str = "") -> SignInSession:
    """A new sign-in of user; the user now carries its key, which login_user puts in the browser's cookies."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    record = SignInSession(key_hash=_digest(key), user_id=user.id, created_at=now, last_seen_at=now,
                           address=_printable(address)[:64], user_agent=_printable(user_agent)[:300])
    db.session.add(record)
    db.session.flush()
    user.sign_in_key = key
    return record


def _printable(text: str | None) -> str:
    """What a request's header said, without the control characters a database may refuse (NUL on PostgreSQL)."""
    return "".join(character for character in (text or "") if character.isprintable())


def _open(record: SignInSession, now: datetime) -> bool:
    return (record.ended_at is None and now - record.last_seen_at < idle_limit()
            and now - record.created_at < lifetime_limit())


def _well_formed(key: str | None) -> bool:
    return isinstance(key, str) and bool(key) and len(key) <= MAX_KEY_LENGTH


def session_for(key: str | None) -> SignInSession | None:
    if not _well_formed(key):
        return None
    return db.session.scalar(select(SignInSession).where(SignInSession.key_hash == _digest(key)))


# Run by every request of a signed-in person: made once (and once more with what a reading request reads with it:
# jcm.web.signing_in).
_SIGNED_IN = select(SignInSession, User).join(User, User.id == SignInSession.user_id).where(
    SignInSession.key_hash == bindparam("key_hash"))


def load_session_user(key: str | None) -> User | None:
    """The account signed in with this key, while its sign-in holds; None otherwise. The sign-in and its account
    are read together: every request asks, and on PostgreSQL each statement is a round trip."""
    if not _well_formed(key):
        return None
    statement, takes = signing_in(_SIGNED_IN, User.id)
    found = db.session.execute(statement, {"key_hash": _digest(key)}).first()
    if found is None:
        return None
    record, user, *also = found
    if record.ended_at is not None:
        return None
    now = utcnow()
    if not _open(record, now):
        g.sign_in_expired = True  # the sign-in page says so
        return None
    if not user.active:
        return None
    note_session_use(record, now)
    user.sign_in_key = key
    for take, value in zip(takes, also):
        take(value)
    return user


def note_session_use(record: SignInSession, now: datetime) -> None:
    """Keep when a sign-in was last used, to within a minute, for its idle time.

    Like a token's last use (jcm.accounts.services.note_token_use) this is bookkeeping, not a change the request
    asks for: it is written in a short transaction of its own, never in the request's unit of work, so a GET still
    changes nothing it answers for, and a busy database only skips the mark (the next request makes it)."""
    if now - record.last_seen_at < SEEN_STEP:
        return
    table = SignInSession.__table__
    try:
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == record.id, table.c.ended_at.is_(None),
                                                   table.c.last_seen_at < now - SEEN_STEP)
                               .values(last_seen_at=now))
    except OperationalError:
        current_app.logger.warning("the last use of sign-in %s could not be kept: the database is busy", record.id)
        return
    set_committed_value(record, "last_seen_at", now)


def end_session(key: str | None) -> None:
    """Signing out: this browser's sign-in ends on the server, whatever copies of its cookies exist."""
    record = session_for(key)
    if record is not None and record.ended_at is None:
        record.ended_at = utcnow()


def end_sessions(user: User, keep: str | None = None) -> int:
    """End every sign-in of user (but the one with the key `keep`); how many were open."""
    keep_hash = _digest(keep) if keep else None
    ended = 0
    now = utcnow()
    for record in db.session.scalars(select(SignInSession).where(SignInSession.user_id == user.id,
                                                                 SignInSession.ended_at.is_(None))):
        if record.key_hash != keep_hash:
            record.ended_at = now
            ended += 1
    return ended


def sign_out_everywhere(actor, user: User) -> int:
    """Ends every sign-in of the account, in every browser, remembered ones included. API tokens are not
    sign-ins: they stay until revoked."""
    if actor is None or actor.id != user.id:
        require(actor, "user.manage")
    return end_sessions(user)


def open_sessions(user: User) -> list[SignInSession]:
    """The account's sign-ins that still hold, the most recently used first."""
    now = utcnow()
    return list(db.session.scalars(
        select(SignInSession).where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None),
                                    SignInSession.last_seen_at > now - idle_limit(),
                                    SignInSession.created_at > now - lifetime_limit())
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())))


def is_current(record: SignInSession, user: User) -> bool:
    return bool(user.sign_in_key) and record.key_hash == _digest(user.sign_in_key)
