"""Writing the audit trail; every service that changes something calls record()."""

from __future__ import annotations

from typing import Any

from jcm.audit.models import AuditEvent
from jcm.extensions import db


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
