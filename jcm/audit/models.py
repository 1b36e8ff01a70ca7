"""The audit trail: who did what, when, from where, to what, from what to what, and how it ended."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.accounts.models import User
from jcm.extensions import db
from jcm.labels import labelled
from jcm.models import one_of, utcnow


class Outcome(enum.StrEnum):
    succeeded = "succeeded"  # a change made, a sign-in or sign-out, a token made or revoked
    failed = "failed"  # a sign-in with a wrong password, for an account that does not exist, or a deactivated one
    refused = "refused"  # an act the rules refused (403, 409), a sign-in refused after too many failures


OUTCOME_LABELS = labelled(Outcome, {Outcome.succeeded: _l("Succeeded"), Outcome.failed: _l("Failed"),
                                    Outcome.refused: _l("Refused")})


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (one_of("outcome", Outcome), Index("ix_audit_event_object", "object_type", "object_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Kept as text too, so the trail still reads after an account is gone, and names the CLI — or, for a failed
    # sign-in, the account name that was tried.
    actor_label: Mapped[str] = mapped_column(String(300), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The client's address as the application sees it (request.remote_addr); none for the command line.
    address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.succeeded.value, server_default="succeeded",
                                         index=True)
    reason: Mapped[str | None] = mapped_column(String(1000))  # a refusal's or a failure's message, as it was shown

    actor: Mapped[User | None] = relationship(lazy="raise")

    def changes(self) -> list[tuple[str, Any, Any]]:
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]
