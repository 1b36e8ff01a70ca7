"""Writing the audit trail; every service that changes something calls record()."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Callable, Iterable, Iterator

from jcm.audit.models import AuditEvent
from jcm.extensions import db
from jcm.fields import audited


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a model as JSON-ready values."""
    data: dict[str, Any] = {}
    for field in fields:
        value = getattr(obj, field)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        data[field] = value
    return data


@contextmanager
def tracked(actor, action: str, obj: Any, *, extra: Callable[[Any], dict] | None = None,
            label: Callable[[Any], str] | None = None, column: str = "version") -> Iterator[dict[str, Any]]:
    """Whatever the block changes in obj's audited fields (and in `extra`, such as an item's owners) moves obj's
    version on once and is written to the audit trail once, before and after; a block that changes nothing leaves
    both alone. Yields the state before, for the block's own comparisons. `column` names the counter to move when a
    record keeps more than one (the minutes' next meeting has its own)."""
    from jcm.versions import next_version

    def state() -> dict[str, Any]:
        return {**audited(obj), **(extra(obj) if extra else {})}

    before = state()
    yield before
    after = state()
    if after != before:
        if hasattr(obj, column):
            next_version(obj, column)
        db.session.flush()
        record(actor, action, obj, before=before, after=after, label=label(obj) if label else None)


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
    )
    db.session.add(event)
    return event


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return f"{actor.name} <{actor.email}>"


def _object_label(obj) -> str:
    for attribute in ("code", "email", "label", "title", "name"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)[:300]
    return ""
