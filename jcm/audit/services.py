"""Writing the audit trail; every service that changes something calls record()."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from jcm.audit.models import AuditEvent
from jcm.extensions import db
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
    )
    db.session.add(event)
    return event


def record_account_change(user, *, actor, action: str, before: dict | None = None,
                          after: dict | None = None) -> None:
    """An account or one of its tokens changed (jcm.accounts.services.account_changed): recorded like any change."""
    record(actor, action, user, before=before, after=after)


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
