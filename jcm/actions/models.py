"""Action items: what the committee decided someone on each side will do, by when, and what happened."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.accounts.models import Organization, User
from jcm.bilingual import language_state_column
from jcm.extensions import db
from jcm.fields import calendar_day, choice, line, reference, text
from jcm.labels import labelled
from jcm.meetings.models import AgendaItem, Meeting
from jcm.models import Side, one_of, utcnow
from jcm.mou.models import FocusArea


class ActionStatus(enum.StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"


class ReviewOutcome(enum.StrEnum):
    """What a meeting records for an action item carried over from before."""

    done = "done"
    continued = "continued"
    dropped = "dropped"


ACTION_STATUS_LABELS = labelled(ActionStatus, {
    ActionStatus.open: _l("Open"),
    ActionStatus.in_progress: _l("In progress"),
    ActionStatus.done: _l("Done"),
    ActionStatus.dropped: _l("Dropped"),
})
REVIEW_OUTCOME_LABELS = labelled(ReviewOutcome, {
    ReviewOutcome.done: _l("Done"),
    ReviewOutcome.continued: _l("Continued"),
    ReviewOutcome.dropped: _l("Dropped"),
})

ACTION_STATUSES = tuple(status.value for status in ActionStatus)
OPEN_STATUSES = (ActionStatus.open.value, ActionStatus.in_progress.value)  # not finished: can become overdue
REVIEW_OUTCOMES = tuple(outcome.value for outcome in ReviewOutcome)


class ActionItem(db.Model):
    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="RESTRICT"), index=True)
    meeting_id: Mapped[int | None] = reference("meeting.id", _l("Raised at"), index=True, description=(
        "the meeting the action item came from; its short reference prefixes `ref`"))
    agenda_item_id: Mapped[int | None] = reference("agenda_item.id", _l("Agenda item"), ondelete="SET NULL",
                                                   description="an agenda item of that meeting")
    number: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = line(32, _l("Reference"), editable=False, unique=True,
                            description="JCM12-A07: the 7th action item of the 12th meeting")
    title: Mapped[str] = line(300, _l("Action"), required=True)
    title_ko: Mapped[str] = line(300, _l("Action (Korean)"), korean_of="title")
    description: Mapped[str] = text(20000, _l("Description"))
    description_ko: Mapped[str] = text(20000, _l("Description (Korean)"), korean_of="description")
    focus_area_id: Mapped[int] = reference("focus_area.id", _l("Focus area"), required=True, index=True,
                                           description="a focus area of the agreement")
    due_date: Mapped[date] = calendar_day(_l("Due date"), required=True, index=True,
                                 description="not before the meeting it came from")
    status: Mapped[str] = choice(ActionStatus, _l("Status"), default="open")
    closed_in_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    language_state: Mapped[dict[str, Any]] = language_state_column()

    meeting: Mapped[Meeting | None] = relationship(foreign_keys=[meeting_id], lazy="raise")
    agenda_item: Mapped[AgendaItem | None] = relationship(lazy="raise")
    focus_area: Mapped[FocusArea] = relationship(lazy="raise")
    closed_in_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[closed_in_meeting_id], lazy="raise")
    owners: Mapped[list["ActionOwner"]] = relationship(back_populates="action_item", lazy="raise",
                                                      cascade="all, delete-orphan", order_by="ActionOwner.id")
    updates: Mapped[list["ActionUpdate"]] = relationship(back_populates="action_item", lazy="raise",
                                                        cascade="all, delete-orphan", order_by="ActionUpdate.at")

    __table_args__ = (
        UniqueConstraint("agreement_id", "meeting_id", "number", name="uq_action_item_agreement_meeting_number"),
        one_of("status", ActionStatus),
        # The items of some statuses (the open ones) by due date and reference, and the register's counts by status
        # and due date: SQLite counts ten thousand items from this index alone rather than reading every item's row,
        # titles and all, and sorts the open ones of an owner from it, reading the rows of the page's fifty alone.
        Index("ix_action_item_status_due", "status", "due_date", "ref"),
    )

    def is_overdue(self, today: date) -> bool:
        """Derived, never stored: past due and not finished."""
        return self.status in OPEN_STATUSES and self.due_date < today

    def owners_on(self, side: str) -> list["ActionOwner"]:
        return [owner for owner in self.owners if owner.side == side]


class ActionOwner(db.Model):
    """An owner on one side: an account or an organization."""

    __tablename__ = "action_owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))

    action_item: Mapped[ActionItem] = relationship(back_populates="owners", lazy="raise")
    user: Mapped[User | None] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")

    __table_args__ = (
        one_of("side", Side),
        CheckConstraint("(user_id IS NULL) != (organization_id IS NULL)", name="one_owner"),
        # An owner's items, the filter of "my action items" and of the register: SQLite checks each open item
        # against the owner, one look in these indexes; with the owner alone indexed it read all of an owner's rows
        # for each item.
        Index("ix_action_owner_user_item", "user_id", "action_item_id"),
        Index("ix_action_owner_organization_item", "organization_id", "action_item_id"),
        # Whether an item has an owner on a side, the register's counts per side: one look in this index for each
        # open item, never the owner's row.
        Index("ix_action_owner_item_side", "action_item_id", "side"),
    )

    def label(self, locale: str = "en") -> str:
        if self.user is not None:
            return self.user.display_name(locale)
        return self.organization.display_name(locale) if self.organization else ""


class ActionUpdate(db.Model):
    """An entry in an action item's log: a note, a status change, or both."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")
    status_from: Mapped[str | None] = mapped_column(String(16))
    status_to: Mapped[str | None] = mapped_column(String(16))
    due_date_from: Mapped[date | None] = mapped_column(Date)
    due_date_to: Mapped[date | None] = mapped_column(Date)

    action_item: Mapped[ActionItem] = relationship(back_populates="updates", lazy="raise")
    author: Mapped[User | None] = relationship(lazy="joined")


class ActionReview(db.Model):
    """The outcome a meeting recorded for an action item carried over from before."""

    __tablename__ = "action_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    new_due_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    action_item: Mapped[ActionItem] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("action_item_id", "meeting_id", name="uq_action_review_item_meeting"),
        one_of("outcome", ReviewOutcome),
    )


class CalendarFeed(db.Model):
    """A user's private iCalendar address; only the token's hash is kept."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class ReminderLog(db.Model):
    """A reminder digest sent, so the same person never gets the same digest twice in a day."""

    __tablename__ = "reminder_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "day", "digest", name="uq_reminder_log_user_day_digest"),)
