"""Meetings of the Joint Committee and their agendas: items, days, versions and each side's agreement."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Table, Time,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.accounts.models import User
from jcm.extensions import db
from jcm.bilingual import language_state_column
from jcm.fields import calendar_day, choice, integer, line, reference, text
from jcm.labels import labelled
from jcm.models import Side, one_of, utcnow
from jcm.mou.models import Agreement, FocusArea
from jcm.zones import a_time_zone


class MeetingStatus(enum.StrEnum):
    planning = "planning"
    agenda_agreed = "agenda_agreed"
    held = "held"
    minutes_adopted = "minutes_adopted"
    cancelled = "cancelled"


class Mode(enum.StrEnum):
    in_person = "in_person"
    virtual = "virtual"
    hybrid = "hybrid"


class ProposalKind(enum.StrEnum):
    cancel = "cancel"
    delete = "delete"
    change = "change"  # the dates or the host


class ProposalStatus(enum.StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    withdrawn = "withdrawn"
    declined = "declined"


class AgendaItemKind(enum.StrEnum):
    opening = "opening"
    procedural = "procedural"
    action_review = "action_review"
    focus_area = "focus_area"
    break_ = "break"  # `break` is a Python keyword
    other_business = "other_business"
    closing = "closing"


MEETING_STATUS_LABELS = labelled(MeetingStatus, {
    MeetingStatus.planning: _l("Planning"),
    MeetingStatus.agenda_agreed: _l("Agenda agreed"),
    MeetingStatus.held: _l("Held"),
    MeetingStatus.minutes_adopted: _l("Minutes adopted"),
    MeetingStatus.cancelled: _l("Cancelled"),
})
MODE_LABELS = labelled(Mode, {Mode.in_person: _l("In person"), Mode.virtual: _l("Virtual"), Mode.hybrid: _l("Hybrid")})
AGENDA_ITEM_KIND_LABELS = labelled(AgendaItemKind, {
    AgendaItemKind.opening: _l("Opening"),
    AgendaItemKind.procedural: _l("Procedural"),
    AgendaItemKind.action_review: _l("Review of action items"),
    AgendaItemKind.focus_area: _l("Focus-area discussion"),
    AgendaItemKind.break_: _l("Break"),
    AgendaItemKind.other_business: _l("Other business"),
    AgendaItemKind.closing: _l("Closing"),
})

PROPOSAL_KIND_LABELS = labelled(ProposalKind, {
    ProposalKind.cancel: _l("Cancel the meeting"),
    ProposalKind.delete: _l("Delete the meeting"),
    ProposalKind.change: _l("Change the dates or host"),
})
PROPOSAL_STATUS_LABELS = labelled(ProposalStatus, {
    ProposalStatus.proposed: _l("Proposed"),
    ProposalStatus.confirmed: _l("Confirmed"),
    ProposalStatus.withdrawn: _l("Withdrawn"),
    ProposalStatus.declined: _l("Declined"),
})

MEETING_STATUSES = tuple(status.value for status in MeetingStatus)
PROPOSAL_KINDS = tuple(kind.value for kind in ProposalKind)
PROPOSAL_STATUSES = tuple(status.value for status in ProposalStatus)
MODES = tuple(mode.value for mode in Mode)
AGENDA_ITEM_KINDS = tuple(kind.value for kind in AgendaItemKind)
class Meeting(db.Model):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="RESTRICT"), index=True)
    ordinal: Mapped[int] = integer(_l("Ordinal"), minimum=1, maximum=999, required=True,
                                   description="12 for the 12th meeting")
    title: Mapped[str] = line(300, _l("Title (English)"), description="default: “The 12th Joint Committee Meeting”")
    title_ko: Mapped[str] = line(300, _l("Title (Korean)"), korean_of="title",
                                 description="default: “제12차 공동위원회”")
    start_date: Mapped[date] = calendar_day(_l("First day"), required=True)
    end_date: Mapped[date] = calendar_day(_l("Last day"), description="default: the first day")
    time_zone: Mapped[str] = line(64, _l("Time zone"), default=None, check=a_time_zone, description=(
        "an IANA time zone name; default: the host side's capital (Asia/Seoul, America/New_York)"))
    venue: Mapped[str] = line(300, _l("Venue (English)"))
    venue_ko: Mapped[str] = line(300, _l("Venue (Korean)"), korean_of="venue")
    city: Mapped[str] = line(200, _l("City (English)"))
    city_ko: Mapped[str] = line(200, _l("City (Korean)"), korean_of="city")
    host_side: Mapped[str] = choice(Side, _l("Host side"), length=2, required=True)
    mode: Mapped[str] = choice(Mode, _l("Mode"), default="in_person")
    co_chair_us_id: Mapped[int | None] = reference("user.id", _l("U.S. co-chair"), ondelete="SET NULL",
                                                   description="an active co-chair account of the U.S. side")
    co_chair_kr_id: Mapped[int | None] = reference("user.id", _l("Korean co-chair"), ondelete="SET NULL",
                                                   description="an active co-chair account of the Korean side")
    status: Mapped[str] = choice(MeetingStatus, _l("Status"), length=20, editable=False, default="planning")
    # The agenda's version: a change to a version that either side has agreed starts a new one.
    agenda_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    language_state: Mapped[dict[str, Any]] = language_state_column()

    agreement: Mapped[Agreement] = relationship(lazy="raise")
    co_chair_us: Mapped[User | None] = relationship(foreign_keys=[co_chair_us_id], lazy="raise")
    co_chair_kr: Mapped[User | None] = relationship(foreign_keys=[co_chair_kr_id], lazy="raise")
    days: Mapped[list["MeetingDay"]] = relationship(back_populates="meeting", lazy="raise",
                                                    order_by="MeetingDay.day", cascade="all, delete-orphan")
    items: Mapped[list["AgendaItem"]] = relationship(back_populates="meeting", lazy="raise",
                                                     order_by="AgendaItem.position", cascade="all, delete-orphan")
    approvals: Mapped[list["AgendaApproval"]] = relationship(back_populates="meeting", lazy="raise",
                                                             cascade="all, delete-orphan")
    proposals: Mapped[list["MeetingProposal"]] = relationship(back_populates="meeting", lazy="raise",
                                                              order_by="MeetingProposal.number",
                                                              cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("agreement_id", "ordinal", name="uq_meeting_agreement_ordinal"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("ordinal > 0", name="ordinal"),
        CheckConstraint("time_zone <> ''", name="time_zone"),
        one_of("host_side", Side),
        one_of("mode", Mode),
        one_of("status", MeetingStatus),
    )

    def co_chair_id(self, side: str) -> int | None:
        return self.co_chair_us_id if side == "US" else self.co_chair_kr_id

    @property
    def short_ref(self) -> str:
        """The prefix of action-item references: JCM12."""
        return short_ref(self.ordinal)


def short_ref(ordinal: int) -> str:
    """The prefix of action-item references of the meeting of this ordinal: JCM12."""
    return f"JCM{ordinal}"


class MeetingProposal(db.Model):
    """What takes both sides, proposed by one side's secretariat: cancelling or deleting the meeting, or new dates or
    a new host once its agenda has been agreed. It takes effect when the other side's secretariat confirms it; until
    then the proposing side may withdraw it and the other side may decline it. Numbered per meeting (1, 2 …)."""

    __tablename__ = "meeting_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = choice(ProposalKind, _l("What is proposed"), required=True, editable=False)
    # A change's proposed values (each None when it stays as it is); the meeting's, as they were, beside them.
    start_date: Mapped[date | None] = calendar_day(_l("New first day"), nullable=True, default=None)
    end_date: Mapped[date | None] = calendar_day(_l("New last day"), nullable=True, default=None)
    host_side: Mapped[str | None] = choice(Side, _l("New host side"), length=2, nullable=True, default=None)
    was: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = text(5000, _l("Reason"), required=True, description="why, in a sentence or two")
    side: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = choice(ProposalStatus, _l("Status"), editable=False, default="proposed")
    # The meeting's version when it was proposed: a proposal made on a meeting changed since is not confirmed.
    meeting_version: Mapped[int] = mapped_column(Integer)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Who confirmed, declined or withdrew it, and when.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="proposals", lazy="raise")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")

    __table_args__ = (
        UniqueConstraint("meeting_id", "number", name="uq_meeting_proposal_meeting_number"),
        CheckConstraint("number > 0", name="number"),
        one_of("kind", ProposalKind),
        one_of("host_side", Side),
        one_of("side", Side),
        one_of("status", ProposalStatus),
    )

    @property
    def label(self) -> str:
        return f"Proposal {self.number}"


class MeetingDay(db.Model):
    """One day of a meeting, with its planned start and end."""

    __tablename__ = "meeting_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time, default=time(9, 0))
    ends_at: Mapped[time] = mapped_column(Time, default=time(17, 30))

    meeting: Mapped[Meeting] = relationship(back_populates="days", lazy="raise")

    __table_args__ = (UniqueConstraint("meeting_id", "day", name="uq_meeting_day_meeting_day"),)


agenda_item_focus_area = Table(
    "agenda_item_focus_area",
    db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("focus_area_id", ForeignKey("focus_area.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = integer(_l("Position"), minimum=0, editable=False, default=0)
    day: Mapped[date] = calendar_day(_l("Day"), description="one of the meeting's days; default: the last day")
    kind: Mapped[str] = choice(AgendaItemKind, _l("Kind"), length=20, default="other_business")
    title: Mapped[str] = line(300, _l("Title (English)"), required=True)
    title_ko: Mapped[str] = line(300, _l("Title (Korean)"), korean_of="title")
    description: Mapped[str] = text(20000, _l("Description (Markdown)"))
    description_ko: Mapped[str] = text(20000, _l("Description in Korean (Markdown)"), korean_of="description")
    presenter_us: Mapped[str] = line(300, _l("U.S. presenter"))
    presenter_us_ko: Mapped[str] = line(300, _l("U.S. presenter (Korean)"), korean_of="presenter_us")
    presenter_kr: Mapped[str] = line(300, _l("Korean presenter"))
    presenter_kr_ko: Mapped[str] = line(300, _l("Korean presenter (Korean)"), korean_of="presenter_kr")
    # At most a working day: 480 minutes.
    duration_minutes: Mapped[int] = integer(_l("Duration (minutes)"), minimum=1, maximum=480, default=15)
    # Counts edits of the item itself (moving it is not one), so a stale edit is detected.
    version: Mapped[int] = mapped_column(Integer, default=1)
    language_state: Mapped[dict[str, Any]] = language_state_column()

    meeting: Mapped[Meeting] = relationship(back_populates="items", lazy="raise")
    focus_areas: Mapped[list[FocusArea]] = relationship(secondary=agenda_item_focus_area, lazy="raise",
                                                        order_by="FocusArea.position")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="agenda_item", lazy="raise",
                                                           order_by="Attachment.uploaded_at",
                                                           cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("duration_minutes >= 0 AND duration_minutes <= 1440", name="duration"),
        one_of("kind", AgendaItemKind),
    )


class AgendaApproval(db.Model):
    """One side's agreement to one version of the agenda."""

    __tablename__ = "agenda_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(2))
    agenda_version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="approvals", lazy="raise")
    user: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("meeting_id", "side", "agenda_version", name="uq_agenda_approval_meeting_side_version"),
        one_of("side", Side),
    )


class AgendaSnapshot(db.Model):
    """An agenda version both sides agreed: its items, to show what changed since, and the frozen record its
    document is rendered from, with that record's SHA-256."""

    __tablename__ = "agenda_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    agenda_version: Mapped[int] = mapped_column(Integer)
    agreed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    content: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)

    __table_args__ = (UniqueConstraint("meeting_id", "agenda_version", name="uq_agenda_snapshot_meeting_version"),)


class Attachment(db.Model):
    """A paper or presentation for an agenda item; the file is kept by content hash."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="attachments", lazy="raise")
