"""The public summary of a meeting: the joint press summary both secretariats draft, in English and Korean, once
the meeting's minutes are adopted, and both co-chairs release. Released, it is the only thing about the meeting
anyone may read without an account, and its text no longer changes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.accounts.models import User
from jcm.bilingual import language_state_column
from jcm.extensions import db
from jcm.fields import choice, line, text
from jcm.labels import labelled
from jcm.meetings.models import Meeting
from jcm.models import one_of, utcnow

MAX_SUMMARY = 20_000  # characters of one language's summary: a press release, not the minutes


class SummaryStatus(enum.StrEnum):
    draft = "draft"
    released = "released"


SUMMARY_STATUS_LABELS = labelled(SummaryStatus, {SummaryStatus.draft: _l("Draft, not public"),
                                                 SummaryStatus.released: _l("Released to the public")})


class PublicSummary(db.Model):
    """One meeting's press summary: its headline and text in both languages (each checked by the side answering
    for it), the co-chairs' releases of the text as it stands, and when both had released it."""

    __tablename__ = "public_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    headline: Mapped[str] = line(300, _l("Headline (English)"))
    headline_ko: Mapped[str] = line(300, _l("Headline (Korean)"), korean_of="headline")
    body: Mapped[str] = text(MAX_SUMMARY, _l("Summary (English)"), description="plain paragraphs, as released")
    body_ko: Mapped[str] = text(MAX_SUMMARY, _l("Summary (Korean)"), korean_of="body")
    status: Mapped[str] = choice(SummaryStatus, _l("Status"), editable=False, default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    language_state: Mapped[dict[str, Any]] = language_state_column()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    released_at: Mapped[datetime | None] = mapped_column(DateTime)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    approvals: Mapped[list["SummaryRelease"]] = relationship(back_populates="summary", lazy="selectin",
                                                             cascade="all, delete-orphan")

    __table_args__ = (one_of("status", SummaryStatus),)

    @property
    def released(self) -> bool:
        return self.status == SummaryStatus.released

    @property
    def texts_fixed(self) -> bool:
        """Released, its texts are what the public reads: not checked again (jcm.texts)."""
        return self.released

    def release_of(self, side: str) -> "SummaryRelease | None":
        return next((a for a in self.approvals if a.side == side), None)


class SummaryRelease(db.Model):
    """A co-chair's release of the summary's text for their side, of the version they read."""

    __tablename__ = "summary_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("public_summary.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    summary_version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    summary: Mapped[PublicSummary] = relationship(back_populates="approvals", lazy="raise")
    user: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("summary_id", "side", name="uq_summary_release_summary_side"),)
