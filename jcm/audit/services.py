"""Writing the audit trail, and reading it.

Every service that changes something calls record(); what the request boundary would roll back but an assessor must
still see — an act the rules refused, a sign-in that failed or was refused — is noted while the request is served and
written once it has been answered, in a short transaction of its own (`keep_after_the_request`). The trail is read
through one query (`events_query`, the same filters for the page, the CSV and the API) and shown with the records it
names by their names, looked up for a whole page at once (`readable`)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Iterable, Iterator

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, insert, or_, select
from sqlalchemy.exc import InvalidRequestError, SQLAlchemyError

from jcm.accounts.models import User
from jcm.audit.models import AuditEvent, Outcome
from jcm.errors import Invalid
from jcm.extensions import db
from jcm.fields import declared
from jcm.i18n import locale_code
from jcm.labels import SIDE_LABELS
from jcm.models import utcnow
from jcm.versions import versioned


@contextmanager
def tracked(actor, action: str, obj: Any, *, extra: Callable[[Any], dict] | None = None,
            label: Callable[[Any], str] | None = None, column: str = "version") -> Iterator[dict[str, Any]]:
    """Whatever the block changes in obj's audited fields (and in `extra`, such as an item's owners) moves obj's
    version on once (jcm.versions.versioned) and is written to the audit trail once, before and after; a block that
    changes nothing leaves both alone. Yields the state before, for the block's own comparisons. `column` names the
    counter to move when a record keeps more than one (the minutes' next meeting has its own)."""
    with versioned(obj, extra=extra, column=column) as change:
        yield change.before
    if change.made:
        record(actor, action, obj, before=change.before, after=change.after, label=label(obj) if label else None)


def record(actor, action: str, obj: Any, *, before: dict | None = None, after: dict | None = None,
           label: str | None = None) -> AuditEvent:
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=_actor_label(actor),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        object_label=label if label is not None else _object_label(obj),
        before=before,
        after=after,
        address=client_address(),
        outcome=Outcome.succeeded.value,
    )
    db.session.add(event)
    return event


def record_account_change(user, *, actor, action: str, before: dict | None = None,
                          after: dict | None = None) -> None:
    """An account or one of its tokens changed (jcm.accounts.services.account_changed): recorded like any change."""
    record(actor, action, user, before=before, after=after)


def record_sign_in(sender, user, **extra) -> None:
    """Flask-Login's user_logged_in: the sign-in is part of the request that made it."""
    if getattr(user, "id", None) is not None:
        record(user, "user.sign_in", user)


def record_sign_out(sender, user, **extra) -> None:
    """Flask-Login's user_logged_out."""
    if getattr(user, "id", None) is not None and getattr(user, "is_authenticated", False):
        record(user, "user.sign_out", user)


def client_address() -> str | None:
    """Where the request came from, as the application sees it (behind a proxy, the proxy's address unless the
    application is told to trust its X-Forwarded-For); none outside a request (the command line)."""
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:64] or None


# --- what is kept whatever became of the request ------------------------------------------------------------

def note_refusal(user, *, action: str, obj: Any, error) -> None:
    """jcm.permissions.refused: kept if the request is answered with this refusal (its status), so an act refused
    and then answered otherwise (a repeat a service answers with what stands) is not a refusal. Everything is read
    now, before the rollback forgets it."""
    if not has_request_context():
        return
    object_id = getattr(obj, "id", None) if obj is not None else None
    _keep(error.status, {
        "actor_id": getattr(user, "id", None), "actor_label": _actor_label(user) if user is not None else "anonymous",
        "action": action, "object_type": type(obj).__name__ if obj is not None else "",
        "object_id": object_id if isinstance(object_id, int) and not isinstance(object_id, bool) else None,
        "object_label": _object_label(obj), "outcome": Outcome.refused.value, "reason": str(error.message)[:1000],
    })


def note_failed_sign_in(tried, *, error) -> None:
    """jcm.accounts.services.sign_in_failed: the account name tried (as typed), the account it names when there is
    one, and the answer — failed (a wrong password, no such account, a deactivated one) or refused (too many
    failures)."""
    from jcm.accounts.services import normalise_email

    tried = " ".join(str(tried or "").split())
    try:
        account = db.session.scalar(select(User).where(User.email == normalise_email(tried)))
    except Invalid:
        account = None
    _keep(None, {
        "actor_id": None, "actor_label": tried[:300], "action": "user.sign_in",
        "object_type": "User" if account is not None else "", "object_id": account.id if account else None,
        "object_label": account.email if account is not None else "",
        "outcome": (Outcome.refused if error.status == 429 else Outcome.failed).value,
        "reason": str(error.message)[:1000],
    })


def _keep(status: int | None, row: dict[str, Any]) -> None:
    """Keep the event for after the request: always (status None), or when the request is answered with status."""
    g.setdefault("audit_kept", []).append(
        (status, {**row, "at": utcnow(), "address": client_address(), "before": None, "after": None}))


def _refusal_unnamed(status: int) -> list[dict[str, Any]]:
    """A refusal no rule named (jcm.permissions.refused): a stale version, a record's state that a service checks
    itself (a text not yet checked, a meeting not yet held). Kept as what was asked — the address's endpoint and
    path — with the reason the person was shown."""
    error = g.get("answered_error") or g.get("service_error")
    if error is None or getattr(error, "status", None) != status:
        return []
    user = current_user._get_current_object() if current_user and current_user.is_authenticated else None
    return [{"actor_id": getattr(user, "id", None),
             "actor_label": _actor_label(user) if user is not None else "anonymous",
             "action": (request.endpoint or "")[:64], "object_type": "", "object_id": None,
             "object_label": f"{request.method} {request.path}"[:300], "outcome": Outcome.refused.value,
             "reason": str(error.message)[:1000], "at": utcnow(), "address": client_address(),
             "before": None, "after": None}]


def keep_after_the_request(sender, response, **extra) -> None:
    """jcm.web.unit_of_work_ended: write what was kept, after the request's commit or rollback, in a transaction of
    its own — as jcm.accounts.services.note_token_use keeps a token's last use. Of the refusals, the one the request
    was answered with."""
    kept = g.pop("audit_kept", None) or []
    rows = [row for status, row in kept if status is None]
    refusal = [row for status, row in kept if status == response.status_code][-1:]
    if not refusal and response.status_code in (403, 409):
        refusal = _refusal_unnamed(response.status_code)
    rows += refusal
    if not rows:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(AuditEvent.__table__), sorted(rows, key=lambda row: row["at"]))
    except SQLAlchemyError:
        current_app.logger.exception("AUDIT EVENTS LOST, the database refused them: %r", rows)


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return f"{actor.name} <{actor.email}>"


def _object_label(obj) -> str:
    if obj is None:
        return ""
    for attribute in ("ref", "code", "email", "label", "title", "name"):
        try:
            value = getattr(obj, attribute, None)
        except InvalidRequestError:  # a relationship not loaded (lazy="raise"): not a label
            continue
        if value and isinstance(value, (str, int)):
            return str(value)[:300]
    return ""


# --- reading the trail ---------------------------------------------------------------------------------------

FILTERS = ("actor_id", "object_type", "object_id", "action", "outcome", "since", "until")
# The beginnings of the actions one side keeps to itself (a feature above adds its own: jcm.notes, "note."): an event
# of one of them is read only by the administrators of the side of the account that acted, never the other side's.
SIDE_OWN: list[str] = []


def _readable_by(query: Select, side: str) -> Select:
    """Of a side's own events, only those of the reader's side."""
    if not SIDE_OWN:
        return query
    own = or_(*(AuditEvent.action.startswith(prefix, autoescape=True) for prefix in SIDE_OWN))
    same_side = AuditEvent.actor_id.in_(select(User.id).where(User.side == side))
    return query.where(or_(~own, same_side))


def events_query(filters: dict[str, Any], side: str | None = None) -> Select:
    """The events the filters select that a reader of that side may read (jcm.permissions decides who reads the
    trail at all; SIDE_OWN, which of its events), newest first: by person (the actor), record (its type, and id),
    kind (the action), outcome, and the days (UTC) from `since` to `until`, both included."""
    query = select(AuditEvent) if side is None else _readable_by(select(AuditEvent), side)
    for name in ("actor_id", "object_type", "object_id", "action", "outcome"):
        if filters.get(name) not in (None, ""):
            query = query.where(getattr(AuditEvent, name) == filters[name])
    if isinstance(filters.get("since"), date):
        query = query.where(AuditEvent.at >= datetime.combine(filters["since"], time.min))
    if isinstance(filters.get("until"), date):
        query = query.where(AuditEvent.at < datetime.combine(filters["until"] + timedelta(days=1), time.min))
    return query.order_by(AuditEvent.id.desc())


def kinds(side: str | None = None) -> dict[str, list[str]]:
    """The record types and actions the trail holds (of the events a reader of that side may read), for the page's
    choices."""
    def distinct(column) -> list[str]:
        query = select(column).distinct().order_by(column)
        if side is not None:
            query = _readable_by(query, side)
        return [value for value in db.session.scalars(query) if value]
    return {"object_types": distinct(AuditEvent.object_type), "actions": distinct(AuditEvent.action)}


def in_chunks(filters: dict[str, Any], size: int = 500, side: str | None = None) -> Iterator[list[AuditEvent]]:
    """All the selected events, newest first, a chunk at a time (each its own query, by id), for an export that is
    streamed."""
    last = None
    while True:
        query = events_query(filters, side)
        if last is not None:
            query = query.where(AuditEvent.id < last)
        events = list(db.session.scalars(query.limit(size)))
        if not events:
            return
        yield events
        last = events[-1].id


# --- names, not ids -------------------------------------------------------------------------------------------
#
# The trail keeps what was stored, ids and all, and is never rewritten; it is shown with the records it names by
# their names, looked up at display time for a whole page (or chunk) at once: one query per kind of record named,
# whatever the number of events. So old entries read as well as new ones, and a record since deleted says so.

OWNER = re.compile(r"^(user|organization):(\d+)$")
LISTS_OF = {"order": "agenda_item"}  # an agenda's order: its items' ids
LABEL_OF = {"owners": _l("Owners")}


@dataclass
class Change:
    field: str  # the key stored
    label: str  # the field's name, in the reader's language
    before: str | None  # the values as people read them: names for references
    after: str | None


@dataclass
class Entry:
    """An event as people read it."""

    event: AuditEvent
    changes: list[Change]


def _models() -> dict[str, type]:
    return {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}


def _target(model: type | None, key: str) -> str | None:
    """The table a stored key names records of: the model's foreign key, else a key named after a table
    (meeting_id, agenda_item)."""
    tables = db.metadata.tables
    if model is not None and key in model.__table__.c:
        for foreign_key in model.__table__.c[key].foreign_keys:
            return foreign_key.column.table.name
    if key in LISTS_OF:
        return LISTS_OF[key]
    name = key.removesuffix("_id")
    return name if name in tables and name != "audit_event" else None


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _references(model: type | None, key: str, value: Any) -> Iterator[tuple[str, int]]:
    if key == "owners" and isinstance(value, dict):
        for owners in value.values():
            for owner in owners if isinstance(owners, list) else []:
                match = OWNER.match(str(owner))
                if match:
                    yield match.group(1), int(match.group(2))
        return
    table = _target(model, key)
    if table is None:
        return
    for item in value if isinstance(value, list) else [value]:
        if _is_id(item):
            yield table, item


def _row_label(row: dict[str, Any], korean: bool) -> str:
    def text(name: str) -> str:
        if korean and row.get(f"{name}_ko"):
            return str(row[f"{name}_ko"])
        return str(row.get(name) or "")

    if row.get("ref"):
        return str(row["ref"])
    if row.get("code") and row.get("title"):
        return f"{row['code']} {text('title')}"
    for name in ("name", "title", "acronym", "label", "email"):
        if text(name):
            return text(name)
    return f"#{row['id']}"


def _names(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    korean = locale_code() == "ko"
    names = {}
    for table_name, ids in wanted.items():
        table = db.metadata.tables[table_name]
        for row in db.session.execute(select(table).where(table.c.id.in_(sorted(ids)))).mappings():
            names[(table_name, row["id"])] = _row_label(dict(row), korean)
    return names


def readable(events: Iterable[AuditEvent]) -> list[Entry]:
    """The events with their changes as people read them: the owners, accounts, organizations, focus areas,
    meetings and agenda items they name by name (one query per kind of record, for all the events together)."""
    events = list(events)
    models = _models()
    wanted: dict[str, set[int]] = {}
    for event in events:
        model = models.get(event.object_type)
        for key, before, after in event.changes():
            for value in (before, after):
                for table, record_id in _references(model, key, value):
                    wanted.setdefault(table, set()).add(record_id)
    names = _names(wanted)
    entries = []
    for event in events:
        model = models.get(event.object_type)
        fields = declared(model) if model is not None else {}
        entries.append(Entry(event, [
            Change(key, str(fields[key].label) if key in fields else str(LABEL_OF.get(key, key)),
                   _shown(model, key, before, names), _shown(model, key, after, names))
            for key, before, after in event.changes()]))
    return entries


def _shown(model: type | None, key: str, value: Any, names: dict[tuple[str, int], str]) -> str | None:
    if value is None:
        return None

    def name(table: str, record_id: int) -> str:
        return names.get((table, record_id)) or _("#%(id)d (deleted)", id=record_id)

    if key == "owners" and isinstance(value, dict):
        def owner(text: str) -> str:
            match = OWNER.match(str(text))
            return name(match.group(1), int(match.group(2))) if match else str(text)
        return "; ".join(f"{SIDE_LABELS[side] if side in SIDE_LABELS else side}: "
                         f"{', '.join(owner(o) for o in owners) if owners else '—'}" for side, owners in value.items())
    table = _target(model, key)
    if table is not None and _is_id(value):
        return name(table, value)
    if isinstance(value, list):
        return ", ".join(name(table, item) if table is not None and _is_id(item) else str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
