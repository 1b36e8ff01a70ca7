"""What waits for a person when they sign in: each act their role and side owe now — the agenda their side has not
agreed, minutes to comment on or adopt, corrections and two-sided proposals their side has not answered, comments
on the drafts they write, their overdue and soon-due action items — and the next meeting. Whether an act is theirs
is what the rules say (jcm.permissions): the start page offers exactly what the services would accept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload

from jcm.accounts.models import User
from jcm.actions.models import ActionItem
from jcm.actions.services import MyCounts, my_action_items_page
from jcm.content import once_per_version
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Meeting, MeetingProposal
from jcm.minutes.models import Minutes, MinutesComment, MinutesCorrection
from jcm.models import SIDES
from jcm.mou.services import current_agreement
from jcm.permissions import AGENDA_OPEN, can

OPEN_MEETINGS = ("planning", "agenda_agreed", "held")  # a meeting with something still to agree, hold or adopt
FIRST_ITEMS = 5  # action items listed on the start page; the rest are a link away


@dataclass
class SetupStep:
    """What a first administrator does next on a fresh instance."""

    key: str  # "mou" | "secretariat-US" | "secretariat-KR"
    side: str | None = None


@dataclass
class Waiting:
    agendas: list[Meeting] = field(default_factory=list)  # awaiting the reader's side's agreement
    to_adopt: list[Minutes] = field(default_factory=list)  # circulated, awaiting the reader's adoption
    to_comment: list[Minutes] = field(default_factory=list)  # circulated for the reader's comments
    corrections: list[MinutesCorrection] = field(default_factory=list)  # awaiting the reader's side's adoption
    proposals: list[MeetingProposal] = field(default_factory=list)  # awaiting the reader's side's confirmation
    comments: list[tuple[Meeting, int]] = field(default_factory=list)  # unresolved comments on drafts they write
    actions: MyCounts | None = None
    first_items: list[ActionItem] = field(default_factory=list)  # the overdue first, then those due soon
    next_meeting: Meeting | None = None
    setup: list[SetupStep] = field(default_factory=list)

    @property
    def acts(self) -> int:
        """How many things the person is asked to do."""
        return (len(self.agendas) + len(self.to_adopt) + len(self.to_comment) + len(self.corrections)
                + len(self.proposals) + len(self.comments) + len(self.setup)
                + (self.actions.overdue + self.actions.due_soon if self.actions else 0))


def waiting_for(user: User, today: date, *, soon_days: int = 14) -> Waiting:
    """Everything waiting for the person, in a constant number of statements whatever the number of meetings."""
    waiting = Waiting()
    # The meetings whose agenda may still be agreed, and those not yet over (the next one is among them): a meeting
    # held and over is neither, and a long-running agreement has held a hundred.
    meetings = db.session.execute(
        select(Meeting, exists().where(AgendaItem.meeting_id == Meeting.id).label("has_items"))
        .where(Meeting.status.in_(OPEN_MEETINGS), or_(Meeting.status.in_(AGENDA_OPEN), Meeting.end_date >= today))
        .options(selectinload(Meeting.approvals))
        .order_by(Meeting.start_date, Meeting.ordinal)).all()
    for meeting, has_items in meetings:
        if has_items and can(user, "agenda.agree", meeting):
            waiting.agendas.append(meeting)
        if waiting.next_meeting is None and meeting.end_date >= today:
            waiting.next_meeting = meeting
    circulated = db.session.scalars(
        select(Minutes).join(Minutes.meeting).where(Minutes.status == "circulated")
        .options(contains_eager(Minutes.meeting), selectinload(Minutes.approvals),
                 defer(Minutes.adopted_content))
        .order_by(Meeting.start_date)).all()
    for minutes in circulated:
        if can(user, "minutes.adopt", minutes):
            waiting.to_adopt.append(minutes)
        elif can(user, "minutes.comment", minutes):
            waiting.to_comment.append(minutes)
    if user.role == "secretariat":
        waiting.proposals = [proposal for proposal in db.session.scalars(
            select(MeetingProposal).where(MeetingProposal.status == "proposed", MeetingProposal.side != user.side)
            .options(joinedload(MeetingProposal.meeting)).order_by(MeetingProposal.proposed_at))
            if can(user, "proposal.confirm", proposal)]
        waiting.comments = [(meeting, count) for meeting, count in db.session.execute(
            select(Meeting, func.count(MinutesComment.id))
            .join(Minutes, Minutes.meeting_id == Meeting.id).join(MinutesComment, MinutesComment.minutes_id == Minutes.id)
            .where(MinutesComment.resolved_at.is_(None), Minutes.status != "adopted")
            .group_by(Meeting.id).order_by(Meeting.start_date))]
    if user.role == "co_chair":
        waiting.corrections = [correction for correction in db.session.scalars(
            select(MinutesCorrection).where(MinutesCorrection.status == "proposed")
            .options(joinedload(MinutesCorrection.minutes).joinedload(Minutes.meeting),
                     selectinload(MinutesCorrection.approvals),
                     defer(MinutesCorrection.content), defer(MinutesCorrection.changes)))
            if can(user, "correction.adopt", correction)]
    if user.role != "admin":
        mine = once_per_version(  # plain rows and counts, as "My action items" keeps its own pages
            ("first action items", user.id, today, soon_days),
            lambda: my_action_items_page(user, today, per_page=FIRST_ITEMS, soon_days=soon_days))
        waiting.actions = mine.counts
        waiting.first_items = [item for item in mine.items if item.due_date < mine.counts.soon]
    if user.role == "admin":
        waiting.setup = setup_steps()
    return waiting


def setup_steps() -> list[SetupStep]:
    """A fresh instance's next steps: the MOU loaded, and a secretariat on each side to prepare the meetings."""
    steps = [] if current_agreement() is not None else [SetupStep("mou")]
    staffed = set(db.session.scalars(select(User.side).where(User.role == "secretariat", User.active.is_(True))
                                     .distinct()))
    steps += [SetupStep(f"secretariat-{side}", side) for side in SIDES if side not in staffed]
    return steps
