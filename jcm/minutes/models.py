"""Minutes of a meeting: attendance, a record per agenda item, progress per focus area, review and adoption."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.accounts.models import User
from jcm.bilingual import language_state_column
from jcm.extensions import db
from jcm.fields import choice, line, lines, reference, text
from jcm.labels import labelled, unlabelled
from jcm.meetings.models import AgendaItem, Meeting
from jcm.models import Side, one_of, utcnow
from jcm.mou.models import FocusArea


class MinutesStatus(enum.StrEnum):
    draft = "draft"
    circulated = "circulated"
    adopted = "adopted"


class ProgressStatus(enum.StrEnum):
    """How a focus area is progressing, as a meeting records it."""

    not_started = "not_started"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    completed = "completed"


class CorrectionStatus(enum.StrEnum):
    proposed = "proposed"
    adopted = "adopted"
    withdrawn = "withdrawn"


MINUTES_STATUS_LABELS = labelled(MinutesStatus, {
    MinutesStatus.draft: _l("Draft"),
    MinutesStatus.circulated: _l("Circulated for review"),
    MinutesStatus.adopted: _l("Adopted"),
})
PROGRESS_STATUS_LABELS = labelled(ProgressStatus, {
    ProgressStatus.not_started: _l("Not started"),
    ProgressStatus.on_track: _l("On track"),
    ProgressStatus.at_risk: _l("At risk"),
    ProgressStatus.off_track: _l("Off track"),
    ProgressStatus.completed: _l("Completed"),
})
unlabelled(CorrectionStatus)  # shown only inside sentences ("Corr. 2 — adopted on …", "withdrawn")

MINUTES_STATUSES = tuple(status.value for status in MinutesStatus)
PROGRESS_STATUSES = tuple(status.value for status in ProgressStatus)
CORRECTION_STATUSES = tuple(status.value for status in CorrectionStatus)
MAX_TEXT = 100_000  # characters in one discussion summary or narrative


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = choice(MinutesStatus, _l("Status"), default="draft", description=(
        "circulated for review, or back to draft; adopted only by both co-chairs' approvals"))
    next_meeting: Mapped[str] = text(2000, _l("Next meeting"), description="when and where the next meeting is to be")
    next_meeting_ko: Mapped[str] = text(2000, _l("Next meeting (Korean)"), korean_of="next_meeting")
    # The next meeting is saved on its own, with its own count; sections and progress keep their own versions.
    next_meeting_version: Mapped[int] = mapped_column(Integer, default=1)
    # Each side's delegation is saved as a whole list, with its own count (attendance_version(side) names it).
    attendance_version_us: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    attendance_version_kr: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Counts changes of the minutes' status (and adoption).
    version: Mapped[int] = mapped_column(Integer, default=1)
    language_state: Mapped[dict[str, Any]] = language_state_column()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Frozen at adoption: the record the adopted documents are rendered from, and its SHA-256.
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    adopted_content: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    attendees: Mapped[list["Attendee"]] = relationship(back_populates="minutes", lazy="raise",
                                                       cascade="all, delete-orphan",
                                                       order_by="(Attendee.side.desc(), Attendee.position)")
    sections: Mapped[list["MinutesSection"]] = relationship(back_populates="minutes", lazy="raise",
                                                            cascade="all, delete-orphan")
    progress: Mapped[list["ProgressEntry"]] = relationship(back_populates="minutes", lazy="raise",
                                                           cascade="all, delete-orphan")
    approvals: Mapped[list["MinutesApproval"]] = relationship(back_populates="minutes", lazy="raise",
                                                              cascade="all, delete-orphan")
    corrections: Mapped[list["MinutesCorrection"]] = relationship(back_populates="minutes", lazy="raise",
                                                                  cascade="all, delete-orphan",
                                                                  order_by="MinutesCorrection.number")

    __table_args__ = (one_of("status", MinutesStatus),)

    @property
    def adopted(self) -> bool:
        return self.status == "adopted"


def attendance_version(side: str) -> str:
    """The column counting the saves of one side's delegation: attendance_version_us or attendance_version_kr."""
    return f"attendance_version_{side.lower()}"


class Attendee(db.Model):
    """One member of a side's delegation: from an account, or typed in."""

    __tablename__ = "attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = choice(Side, _l("Side"), length=2, required=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = reference("user.id", _l("Account"), ondelete="SET NULL",
                                            description="an account on that side")
    name: Mapped[str] = line(200, _l("Name"), required=True, description="in Latin letters")
    name_ko: Mapped[str] = line(200, _lp("person", "Name (Korean)"), korean_of="name", description="in Hangul")
    title: Mapped[str] = line(200, _l("Title or position"))
    title_ko: Mapped[str] = line(200, _l("Title or position (Korean)"), korean_of="title")
    organization: Mapped[str] = line(300, _l("Organization"))
    organization_ko: Mapped[str] = line(300, _l("Organization (Korean)"), korean_of="organization")
    language_state: Mapped[dict[str, Any]] = language_state_column()

    minutes: Mapped[Minutes] = relationship(back_populates="attendees", lazy="raise")

    # A side's list is whole: one person a place, so two writers' lists can never be interleaved into one. A unique
    # index, so that the migration adds it in place on SQLite too (a unique constraint would copy the table).
    __table_args__ = (Index("uq_attendee_minutes_side_position", "minutes_id", "side", "position", unique=True),
                      one_of("side", Side))


class MinutesSection(db.Model):
    """The record of one agenda item: the discussion and the decisions reached. Saved on its own."""

    __tablename__ = "minutes_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    # Every saved text is kept as a revision, so the audit trail names the version rather than repeating the text.
    discussion: Mapped[str] = text(MAX_TEXT, _l("Discussion"), audited=False)
    discussion_ko: Mapped[str] = text(MAX_TEXT, _l("Discussion (Korean)"), audited=False, korean_of="discussion")
    decisions: Mapped[list[str]] = lines(5000, _l("Decisions"), most=50, audited=False,
                                         description="one sentence each")
    decisions_ko: Mapped[list[str]] = lines(5000, _l("Decisions (Korean)"), most=50, audited=False,
                                            korean_of="decisions", description="aligned with `decisions`")
    version: Mapped[int] = mapped_column(Integer, default=1)
    language_state: Mapped[dict[str, Any]] = language_state_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship(back_populates="sections", lazy="raise")
    agenda_item: Mapped[AgendaItem] = relationship(lazy="raise")
    revisions: Mapped[list["SectionRevision"]] = relationship(back_populates="section", lazy="raise",
                                                              cascade="all, delete-orphan",
                                                              order_by="SectionRevision.version")

    __table_args__ = (UniqueConstraint("minutes_id", "agenda_item_id", name="uq_minutes_section_minutes_item"),)


class SectionRevision(db.Model):
    """Every saved version of a section, to look at and restore."""

    __tablename__ = "section_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("minutes_section.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    discussion: Mapped[str] = mapped_column(Text, default="")
    discussion_ko: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)
    decisions_ko: Mapped[list[str]] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    section: Mapped[MinutesSection] = relationship(back_populates="revisions", lazy="raise")
    author: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("section_id", "version", name="uq_section_revision_section_version"),)


class ProgressEntry(db.Model):
    """How one focus area is progressing, as this meeting records it."""

    __tablename__ = "progress_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    focus_area_id: Mapped[int] = reference("focus_area.id", _l("Focus area"), required=True, index=True,
                                           description="a focus area of the meeting's agreement")
    status: Mapped[str] = choice(ProgressStatus, _l("Progress status"), required=True)
    narrative: Mapped[str] = text(MAX_TEXT, _l("Narrative"))
    narrative_ko: Mapped[str] = text(MAX_TEXT, _l("Narrative (Korean)"), korean_of="narrative")
    version: Mapped[int] = mapped_column(Integer, default=1)
    language_state: Mapped[dict[str, Any]] = language_state_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="progress", lazy="raise")
    focus_area: Mapped[FocusArea] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("minutes_id", "focus_area_id", name="uq_progress_entry_minutes_focus_area"),
        one_of("status", ProgressStatus),
    )


class MinutesComment(db.Model):
    """A reviewer's comment on a section (or on the whole) while the minutes are circulated."""

    __tablename__ = "minutes_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = reference("minutes_section.id", _l("Section"), ondelete="CASCADE")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = text(10_000, _l("Comment"), required=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")


class MinutesApproval(db.Model):
    """A co-chair's adoption of the minutes for their side."""

    __tablename__ = "minutes_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="approvals", lazy="raise")
    user: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("minutes_id", "side", name="uq_minutes_approval_minutes_side"),
                      one_of("side", Side))


class MinutesCorrection(db.Model):
    """A numbered correction of adopted minutes (Corr. 1, Corr. 2 …): changed text for some sections, adopted by
    both co-chairs into a new record whose digest is chained to the one it supersedes."""

    __tablename__ = "minutes_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = choice(CorrectionStatus, _l("Status"), editable=False, default="proposed")
    reason: Mapped[str] = text(5000, _l("Reason"), required=True, description="what the correction corrects, and why")
    # {"records": [{"agenda_item_id", "discussion", "discussion_ko", "decisions", "decisions_ko"}], "progress":
    #  [{"focus_area", "status", "narrative", "narrative_ko"}], "next_meeting": str, "next_meeting_ko": str}: only
    #  the parts that change.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    supersedes_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    minutes: Mapped[Minutes] = relationship(back_populates="corrections", lazy="raise")
    proposed_by: Mapped[User | None] = relationship(lazy="joined")
    approvals: Mapped[list["CorrectionApproval"]] = relationship(back_populates="correction", lazy="selectin",
                                                                 cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("minutes_id", "number", name="uq_minutes_correction_minutes_number"),
                      one_of("status", CorrectionStatus),
                      CheckConstraint("number > 0", name="number"))

    @property
    def label(self) -> str:
        return f"Corr. {self.number}"


class CorrectionApproval(db.Model):
    """A co-chair's adoption of a correction for their side."""

    __tablename__ = "correction_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(ForeignKey("minutes_correction.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    correction: Mapped[MinutesCorrection] = relationship(back_populates="approvals", lazy="raise")
    user: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("correction_id", "side", name="uq_correction_approval_correction_side"),
                      one_of("side", Side))
