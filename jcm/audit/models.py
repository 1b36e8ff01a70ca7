"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.accounts.models import User
from jcm.extensions import db
from jcm.models import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Kept as text too, so the trail still reads after an account is gone, and names the CLI.
    actor_label: Mapped[str] = mapped_column(String(300), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship(lazy="raise")

    def changes(self) -> list[tuple[str, Any, Any]]:
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]
