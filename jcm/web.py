"""Helpers for the page views, and the one request boundary: it commits what a request changed or rolls it back,
and a request that only reads (GET, HEAD) changes nothing."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar
from urllib.parse import urlsplit

from blinker import Namespace
from flask import abort, current_app, flash, g, has_request_context, request, request_started, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from jcm.errors import Conflict, Invalid, JCMError, json_error
from jcm.extensions import db, login_manager

T = TypeVar("T")

# Requests that only read: whatever a service does while one is served, nothing of it is stored.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Sent with the response once the request's unit of work has been committed or rolled back: what must be kept
# whatever became of the request (the audit trail's record of a refusal or a failed sign-in) is written then, in a
# short transaction of its own.
unit_of_work_ended = Namespace().signal("unit-of-work-ended")


class WriteWhileReading(RuntimeError):
    """A request that only reads tried to change the database: a bug, refused before anything is sent to it."""


def submit(form: FlaskForm | None, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a service call (the request's end commits it); on a rule's refusal, roll back and show why beside the
    field.

    The form keeps what the user typed, so nothing is lost when the page is shown again.
    """
    try:
        result = action()
        db.session.flush()
        return True, result
    except (Invalid, Conflict) as error:
        db.session.rollback()
        g.service_error = error
        if isinstance(error, Conflict) and error.current is not None:
            g.conflict = error.current  # the template shows the other change beside the user's own
        name = error.field.replace(".", "_").lower() if error.field else None  # owners.US → owners_us
        field = getattr(form, name, None) if (form is not None and name) else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
        else:
            flash(error.message, "error")
        return False, None
    except JCMError:
        db.session.rollback()
        raise


def form_status(form: FlaskForm) -> int:
    """409 for a stale edit, 422 for a submitted form shown again with its errors, 200 for a fresh one."""
    error = g.get("service_error")
    if error is not None:
        return error.status
    return 422 if form.is_submitted() else 200


def safe_next(target: str | None) -> str | None:
    """A page to go back to, when it is one of this site's own (a path), never another site's address."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def actor():
    """The signed-in person as the account itself, not Flask-Login's stand-in for it: what services are given."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def reader():
    """Who reads a document or an export: the signed-in person, or the owner of a valid Bearer token. A browser
    with neither is sent to sign in (and back); a program gets 401."""
    if current_user.is_authenticated:
        return actor()
    prefers_html = request.accept_mimetypes.best_match(["text/html", "application/pdf", "application/json"])
    if "Authorization" not in request.headers and prefers_html == "text/html":
        abort(login_manager.unauthorized())
    response, _status = json_error(
        401, "unauthorized", _("Sign in, or send the header 'Authorization: Bearer <token>'."))
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="JCM"'
    abort(response)


def keep_despite_refusal() -> None:
    """This request is refused, but what it recorded stands (a failed sign-in counts against the account)."""
    g.keep_changes = True


def init_unit_of_work(app) -> None:
    """One unit of work per request: what the services changed is committed once when the request succeeds, and
    rolled back when it is refused or fails. A simultaneous change that trips a constraint at the commit is the
    same 409 as anywhere else; a busy embedded database the same 503.

    A request that only reads (GET, HEAD) is never committed, and any change it tries to send to the database is
    refused on the spot with WriteWhileReading: a page or a document is safe to open, reload, prefetch or crawl."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from jcm.errors import busy_response, raced_response

    request_started.connect(_note_whether_reading, app)

    @app.after_request
    def after_the_unit_of_work(response):
        """Registered before the unit of work's end, so it runs after it (Flask runs these hooks last first)."""
        unit_of_work_ended.send(app, response=response)
        return response

    @app.after_request
    def end_the_unit_of_work(response):
        if request.method in READING_METHODS:
            db.session.rollback()
            return response
        if response.status_code >= 400 and not g.get("keep_changes"):
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return app.make_response(raced_response())
        except OperationalError as error:
            db.session.rollback()
            if "locked" not in str(error.orig).lower():
                raise
            return app.make_response(busy_response())
        return response


def _note_whether_reading(sender, **extra) -> None:
    """On PostgreSQL a request that only reads reads without a transaction: each of its statements sees what is
    committed when it runs, as it would in one (READ COMMITTED), and it writes nothing, so a BEGIN and a ROLLBACK
    would only be two more round trips. (SQLite's driver begins none before a read.)"""
    reading = request.method in READING_METHODS
    request.environ["jcm.reading"] = reading
    if reading and request.endpoint not in (None, "static", "healthz") and db.engine.dialect.name == "postgresql" \
            and not db.session().in_transaction():  # (a request made within a context that already reads, in tests)
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def serving_a_read() -> bool:
    """Serving a request that only reads (and not, say, a test or a command that made a request context)."""
    return has_request_context() and request.environ.get("jcm.reading", False)


# What a request that only reads needs of its reader besides the sign-in — the content's version, how many of their
# notices are unread — read in the sign-in's own statement (jcm.accounts.sessions): on PostgreSQL each statement is a
# round trip, and a page read again (jcm.content.kept_page) then runs that one alone. {name: (column, take)}: `column`
# gives a scalar column of the account's id column, `take` keeps its value for the request. Filled by the
# features' init_app, below and above the accounts alike.
_READ_WITH_SIGN_IN: dict[str, tuple[Callable, Callable]] = {}


_signing_in: dict[tuple, tuple[Any, list[Callable]]] = {}


def read_with_sign_in(name: str, column: Callable, take: Callable) -> None:
    _READ_WITH_SIGN_IN[name] = (column, take)


def signing_in(statement: Any, account_id: Any) -> tuple[Any, list[Callable]]:
    """The statement that reads a sign-in (or a token), and what takes the value of each column it reads besides:
    for a request that only reads, `statement` with the columns read with a sign-in added (of `account_id`, its
    account's id column), made once; otherwise `statement` as it is."""
    if not serving_a_read():
        return statement, []
    key = (statement, tuple(_READ_WITH_SIGN_IN))
    found = _signing_in.get(key)
    if found is None:
        also = dict(_READ_WITH_SIGN_IN)
        found = _signing_in.setdefault(key, (
            statement.add_columns(*(column(account_id).label(name) for name, (column, _take) in also.items())),
            [take for _column, take in also.values()]))
    return found


@event.listens_for(Session, "before_flush")
def _refuse_changes_while_reading(session, flush_context, instances) -> None:
    if serving_a_read() and (session.new or session.deleted
                       or any(session.is_modified(obj, include_collections=True) for obj in session.dirty)):
        changed = [type(obj).__name__ for obj in [*session.new, *session.dirty, *session.deleted]]
        raise WriteWhileReading(f"{request.method} {request.path} tried to store changes to {', '.join(changed)}")


@event.listens_for(Session, "do_orm_execute")
def _refuse_statements_while_reading(state: ORMExecuteState) -> None:
    if serving_a_read() and (state.is_insert or state.is_update or state.is_delete):
        raise WriteWhileReading(f"{request.method} {request.path} tried to run {state.statement}")


# --- addresses of records on a page that links to hundreds of them (the minutes' editor: a check button for each
# text, a link for each action item raised, a form for each section): each endpoint's address built by url_for once
# for the request, with a stand-in for each record's id, and the ids put in its place ---

# Stand-ins for the ids of an address: numbers no address holds otherwise, none a part of another.
_STAND_INS = tuple(str(7_391_046_280 + n) for n in range(1, 5))


def address(endpoint: str, **values: str | int) -> str:
    """url_for(endpoint, **values), each whole number among the values (a record's id) put into an address made
    once for the request; the other values (a kind, a field, a language) are part of what the address is made for."""
    key = (endpoint, *((name, None if type(value) is int else value) for name, value in values.items()))
    made = g.setdefault("addresses", {})
    found = made.get(key)
    if found is None:
        ids = [name for name, value in values.items() if type(value) is int]
        if len(ids) > len(_STAND_INS):
            return url_for(endpoint, **values)
        found = made[key] = url_for(endpoint, **{**values, **dict(zip(ids, map(int, _STAND_INS)))})
    stand_ins = iter(_STAND_INS)
    for value in values.values():
        if type(value) is int:
            found = found.replace(next(stand_ins), str(value))
    return found


# What a page's forms carry in place of the reader's token while it is made (own_token_written_in): the parts of a
# page kept for many readers carry no one's. Made anew by each process, so that no one can write it into a text.
TOKEN_PLACE = secrets.token_urlsafe(24)


@contextmanager
def own_token_written_in(kept: bool = True) -> Iterator[Callable[[str], str]]:
    """While a page that holds parts kept for many readers is made, every form made or printed carries its token's
    place (TOKEN_PLACE), as those parts were printed; `written_in(page)` then writes the reader's own token in its
    place. Flask-WTF signs a request's token once and keeps it in `g` under the token field's name, so each form
    made meanwhile takes the place. Without `kept`, a page made as any other."""
    if not kept or g.get("jcm_own_token"):  # a page made within another: the outer one writes the token in
        yield lambda page: page
        return
    token, name = generate_csrf(), _token_name()
    g.jcm_own_token = token
    setattr(g, name, TOKEN_PLACE)
    try:
        yield lambda page: page.replace(TOKEN_PLACE, token)
    finally:
        setattr(g, name, token)
        g.pop("jcm_own_token", None)


def _token_name() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def own_tokens() -> tuple[str | None, str | None]:
    """The reader's own token as forms print it now and as own_token_written_in keeps it aside (None where there is
    none yet): what no part kept for many readers may hold."""
    return g.get(_token_name()), g.get("jcm_own_token")
