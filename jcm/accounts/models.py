"""People and the agencies they belong to, and the API tokens programs use on their behalf."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.extensions import db
from jcm.fields import choice, flag, line, reference
from jcm.i18n import Language
from jcm.models import Role, Side, one_of, utcnow
from jcm.zones import any_time_zone


class Organization(db.Model):
    """An agency of one side (NSF, NRF, ...)."""

    __tablename__ = "organization"

    # Loaded from the MOU file with its agreement (jcm mou load), not edited in a form.
    id: Mapped[int] = mapped_column(primary_key=True)
    side: Mapped[str] = choice(Side, _l("Side"), length=2, required=True, editable=False)
    acronym: Mapped[str] = line(32, _l("Acronym"), required=True, editable=False)
    name: Mapped[str] = line(300, _l("Name"), required=True, editable=False)
    name_ko: Mapped[str] = line(300, _l("Name (Korean)"), editable=False)

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
    email: Mapped[str] = line(254, _l("E-mail address"), required=True, unique=True)
    name: Mapped[str] = line(200, _l("Name"), required=True, description="in Latin letters")
    name_ko: Mapped[str] = line(200, _lp("person", "Name (Korean)"), description="in Hangul")
    title: Mapped[str] = line(200, _l("Title or position"))
    title_ko: Mapped[str] = line(200, _l("Title or position (Korean)"))
    side: Mapped[str] = choice(Side, _l("Side"), length=2, required=True)
    organization_id: Mapped[int | None] = reference("organization.id", _l("Organization"), ondelete="SET NULL",
                                                    description="an agency of the account's side")
    role: Mapped[str] = choice(Role, _l("Role"), required=True)
    locale: Mapped[str | None] = choice(Language, _l("Language"), length=8,
                                        description="none: the browser's language")
    time_zone: Mapped[str] = line(64, _l("Time zone"), check=any_time_zone, server_default="",
                                  description="an IANA time zone; empty: the side's capital")
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    active: Mapped[bool] = flag(_l("Active"), default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Counts password changes and deactivations, each of which also ends the account's sign-ins (SignInSession).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    # Counts edits of the account's details (not sign-ins), so a stale edit form is detected.
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization | None] = relationship(lazy="joined")

    # The key of the sign-in this account was loaded for (jcm.accounts.sessions), never stored: Flask-Login keeps it
    # in the session cookie and the "keep me signed in" cookie, and the server decides whether it still holds.
    sign_in_key: ClassVar[str | None] = None

    __table_args__ = (
        one_of("side", Side),
        one_of("role", Role),
    )

    def display_name(self, locale: str = "en") -> str:
        """The person's name as a reader of `locale` writes it: in Hangul for a Korean reader when it is given."""
        return self.name_ko if locale == "ko" and self.name_ko else self.name

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return self.sign_in_key or ""

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


class SignInSession(db.Model):
    """One sign-in of one browser, kept on the server so that it can end there: by signing out, by "sign out
    everywhere", by a password change or deactivation, after SESSION_IDLE_MINUTES without a request and
    SESSION_LIFETIME_HOURS after it began. The browser holds its key; only the key's SHA-256 is kept here."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Kept to within a minute, apart from the request's own changes (jcm.accounts.sessions.note_session_use).
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class SignInThrottle(db.Model):
    """Failed sign-ins counted under one key — a client address, an account name as typed, or an account on one
    known browser — from which the wait before the next attempt grows (jcm.accounts.throttle)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
