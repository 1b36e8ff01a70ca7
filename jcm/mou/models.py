"""The MOU: the agreement, its two Participants, its modifications and its focus-area tree."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.extensions import db
from jcm.fields import calendar_day, choice, integer, line, reference, text
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
    # What the MOU says, loaded from its file (jcm mou load) rather than edited in a form.
    code: Mapped[str] = line(64, _l("Code"), required=True, editable=False, unique=True)
    title: Mapped[str] = line(500, _l("Title"), required=True, editable=False)
    title_ko: Mapped[str] = line(500, _l("Title (Korean)"), editable=False)
    short_title: Mapped[str] = line(200, _l("Short title"), required=True, editable=False)
    short_title_ko: Mapped[str] = line(200, _l("Short title (Korean)"), editable=False)
    purpose: Mapped[str] = text(5000, _l("Purpose"), editable=False)
    purpose_ko: Mapped[str] = text(5000, _l("Purpose (Korean)"), editable=False)
    language_note: Mapped[str] = line(500, _l("Language note"), editable=False)
    language_note_ko: Mapped[str] = line(500, _l("Language note (Korean)"), editable=False)
    signed_date: Mapped[date | None] = calendar_day(_l("Signed on"), editable=False)
    notice_period_days: Mapped[int] = integer(_l("Notice period (days)"), minimum=0, maximum=3650, editable=False,
                                              default=180)
    # A Participant's written notice of discontinuation: when it is recorded, its date and side are required.
    discontinuation_notice_date: Mapped[date | None] = calendar_day(_l("Date of the notice"), required=True)
    discontinuation_notice_side: Mapped[str | None] = choice(Side, _l("Participant giving notice"), length=2,
                                                             required=True)
    discontinuation_notice_reference: Mapped[str] = line(500, _l("Reference"))
    # Which Participant answers for each of the two authentic texts: checks it, and has the last word on it.
    english_side: Mapped[str] = choice(Side, _l("Side answering for the English text"), length=2, editable=False,
                                       default="US", server_default="US")
    korean_side: Mapped[str] = choice(Side, _l("Side answering for the Korean text"), length=2, editable=False,
                                      default="KR", server_default="KR")
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

    __table_args__ = (
        CheckConstraint("notice_period_days >= 0", name="notice_period"),
        one_of("discontinuation_notice_side", Side, name="notice_side"),
        one_of("english_side", Side),
        one_of("korean_side", Side),
    )

    def answers_for(self, language: str) -> str:
        """The side that answers for the text in this language ("en" or "ko")."""
        return self.english_side if language == "en" else self.korean_side

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
    decided_on: Mapped[date] = calendar_day(_l("Date of the written mutual decision"), required=True)
    description: Mapped[str] = text(5000, _l("Description"), required=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="modifications", lazy="raise")


class FocusArea(db.Model):
    """An area of cooperation (depth 0), a focus area under it (1), or a sub-topic (2)."""

    __tablename__ = "focus_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    # Its place in the tree comes from the MOU file; an administrator edits its titles and summaries.
    parent_id: Mapped[int | None] = reference("focus_area.id", _l("Part of"), editable=False, ondelete="CASCADE",
                                              index=True)
    code: Mapped[str] = line(32, _l("Code"), required=True, editable=False)
    title: Mapped[str] = line(300, _l("Title"), required=True)
    title_ko: Mapped[str] = line(300, _l("Title (Korean)"))
    summary: Mapped[str] = text(2000, _l("Summary"))
    summary_ko: Mapped[str] = text(2000, _l("Summary (Korean)"))
    position: Mapped[int] = integer(_l("Position"), minimum=0, editable=False, default=0)
    depth: Mapped[int] = integer(_l("Level"), minimum=0, maximum=2, editable=False, default=0,
                                 description="0 area of cooperation, 1 focus area, 2 sub-topic")
    version: Mapped[int] = mapped_column(Integer, default=1)

    agreement: Mapped[Agreement] = relationship(back_populates="focus_areas", lazy="raise")
    parent: Mapped["FocusArea | None"] = relationship(remote_side=[id], back_populates="children", lazy="raise")
    children: Mapped[list["FocusArea"]] = relationship(
        back_populates="parent", lazy="raise", order_by="FocusArea.position")

    __table_args__ = (UniqueConstraint("agreement_id", "code", name="uq_focus_area_agreement_code"),)

    def label(self, locale: str = "en") -> str:
        title = self.title_ko if locale == "ko" and self.title_ko else self.title
        return f"{self.code} {title}"
