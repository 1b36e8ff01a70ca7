"""People and the agencies they belong to, and the API tokens programs use on their behalf."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.extensions import db
from jcm.models import Role, Side, one_of, utcnow


class Organization(db.Model):
    """An agency of one side (NSF, NRF, ...)."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    side: Mapped[str] = mapped_column(String(2))
    acronym: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    name_ko: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        UniqueConstraint("side", "acronym", name="uq_organization_side_acronym"),
        one_of("side", Side),
    )

    def display_name(self, locale: str = "en") -> str:
        return self.name_ko if locale == "ko" and self.name_ko else self.name


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so one address is one account whatever case it is typed in.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    side: Mapped[str] = mapped_column(String(2))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped on a password change or deactivation, so other sessions of the account end.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    # Counts edits of the account's details (not sign-ins), so a stale edit form is detected.
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization | None] = relationship(lazy="joined")

    __table_args__ = (
        one_of("side", Side),
        one_of("role", Role),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.side} {self.role}>"


class ApiToken(db.Model):
    """A Bearer token; only its SHA-256 is kept, the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")
