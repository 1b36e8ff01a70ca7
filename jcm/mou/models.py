"""The MOU: the agreement, its two Participants, its modifications and its focus-area tree."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.extensions import db
from jcm.labels import labelled
from jcm.models import Side, one_of, utcnow


class AgreementStatus(enum.StrEnum):
    """Where the MOU stands on a given day; derived from its dates, never stored."""

    signed = "signed"
    operative = "operative"
    discontinuation_pending = "discontinuation_pending"
    discontinued = "discontinued"


AGREEMENT_STATUS_LABELS = labelled(AgreementStatus, {
    AgreementStatus.signed: _l("Signed, not yet operative"),
    AgreementStatus.operative: _l("Operative"),
    AgreementStatus.discontinuation_pending: _l("Discontinuation pending"),
    AgreementStatus.discontinued: _l("Discontinued"),
})


class Agreement(db.Model):
    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    title_ko: Mapped[str] = mapped_column(String(500), default="")
    short_title: Mapped[str] = mapped_column(String(200))
    short_title_ko: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    purpose_ko: Mapped[str] = mapped_column(Text, default="")
    language_note: Mapped[str] = mapped_column(String(500), default="")
    language_note_ko: Mapped[str] = mapped_column(String(500), default="")
    signed_date: Mapped[date | None] = mapped_column(Date)
    notice_period_days: Mapped[int] = mapped_column(Integer, default=180)
    discontinuation_notice_date: Mapped[date | None] = mapped_column(Date)
    discontinuation_notice_side: Mapped[str | None] = mapped_column(String(2))
    discontinuation_notice_reference: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    participants: Mapped[list["Participant"]] = relationship(
        back_populates="agreement", lazy="raise", order_by="Participant.side.desc()",
        cascade="all, delete-orphan")
    terms: Mapped[list["AgreementTerm"]] = relationship(
        back_populates="agreement", lazy="raise", order_by="AgreementTerm.position",
        cascade="all, delete-orphan")
    modifications: Mapped[list["Modification"]] = relationship(
        back_populates="agreement", lazy="raise", order_by="Modification.decided_on",
        cascade="all, delete-orphan")
    focus_areas: Mapped[list["FocusArea"]] = relationship(
        back_populates="agreement", lazy="raise", order_by="FocusArea.position",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("notice_period_days >= 0", name="notice_period"),
        one_of("discontinuation_notice_side", Side, name="notice_side"),
    )

    @property
    def end_date(self) -> date | None:
        """The discontinuation takes effect this many days after the notice is delivered."""
        if self.discontinuation_notice_date is None:
            return None
        return self.discontinuation_notice_date + timedelta(days=self.notice_period_days)

    def status_on(self, day: date) -> AgreementStatus:
        if self.end_date is not None:
            return AgreementStatus.discontinued if day >= self.end_date else AgreementStatus.discontinuation_pending
        if self.signed_date is not None and day < self.signed_date:
            return AgreementStatus.signed
        return AgreementStatus.operative

    def participant(self, side: str) -> "Participant | None":
        return next((p for p in self.participants if p.side == side), None)


class Participant(db.Model):
    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(300))
    name_ko: Mapped[str] = mapped_column(String(300), default="")
    short_name: Mapped[str] = mapped_column(String(100))
    short_name_ko: Mapped[str] = mapped_column(String(100), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="participants", lazy="raise")

    __table_args__ = (
        UniqueConstraint("agreement_id", "side", name="uq_participant_agreement_side"),
        one_of("side", Side),
    )


class AgreementTerm(db.Model):
    """One of the MOU's operation terms (operative date, modification, discontinuation, ...)."""

    __tablename__ = "agreement_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    text_ko: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="terms", lazy="raise")

    __table_args__ = (UniqueConstraint("agreement_id", "code", name="uq_agreement_term_agreement_code"),)


class Modification(db.Model):
    """A modification of the MOU made by written mutual decision of the Participants."""

    __tablename__ = "modification"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="modifications", lazy="raise")


class FocusArea(db.Model):
    """An area of cooperation (depth 0), a focus area under it (1), or a sub-topic (2)."""

    __tablename__ = "focus_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("focus_area.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    title_ko: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_ko: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    agreement: Mapped[Agreement] = relationship(back_populates="focus_areas", lazy="raise")
    parent: Mapped["FocusArea | None"] = relationship(remote_side=[id], back_populates="children", lazy="raise")
    children: Mapped[list["FocusArea"]] = relationship(
        back_populates="parent", lazy="raise", order_by="FocusArea.position")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("agreement_id", "code", name="uq_focus_area_agreement_code"),)

    def label(self, locale: str = "en") -> str:
        title = self.title_ko if locale == "ko" and self.title_ko else self.title
        return f"{self.code} {title}"
