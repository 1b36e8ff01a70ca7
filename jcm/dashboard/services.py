"""What the meetings have recorded about each of the MOU's areas, read across meetings, as the reader may see it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import ngettext
from sqlalchemy import func, select

from jcm.actions.models import OPEN_STATUSES, ActionItem, ActionReview
from jcm.actions.services import SHOWN_AT_MEETING
from jcm.errors import NotFound
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Attachment, Meeting, agenda_item_focus_area
from jcm.minutes.models import Minutes, MinutesCorrection, MinutesSection, ProgressEntry
from jcm.models import PageOf
from jcm.mou.models import FocusArea
from jcm.mou.services import AreaNode, area_tree, get_focus_area
from jcm.permissions import can, require

# --- what each meeting's minutes record: frozen once adopted ----------------------------------------------------


@dataclass(frozen=True)
class AreaProgress:
    """How one meeting's minutes say one focus area is progressing."""

    meeting_id: int
    code: str
    status: str
    narrative: str
    narrative_ko: str


@dataclass(frozen=True)
class Decision:
    """One decision of a meeting's minutes, with the focus areas of the agenda item it was taken under."""

    meeting_id: int
    agenda_item_id: int
    record_number: int  # the minutes' record (section) it stands in, numbered as the document numbers them
    areas: tuple[str, ...]  # focus-area codes
    text: str
    text_ko: str


@dataclass
class MeetingRecord:
    """What one meeting's minutes record, as anyone reading them sees it: the adopted text (with its latest
    correction) once both co-chairs adopted them, the draft as it stands before."""

    meeting_id: int
    minutes_status: str
    digest: str | None  # of the adopted text read; None for a draft
    progress: dict[str, AreaProgress] = field(default_factory=dict)  # by focus-area code
    decisions: list[Decision] = field(default_factory=list)

    @property
    def adopted(self) -> bool:
        return self.minutes_status == "adopted"


# An adopted text never changes (a correction is a new text with its own digest), so what is read from one is kept,
# keyed by its digest, for as long as the process lives: a dashboard over a hundred adopted meetings parses none.
_FROM_ADOPTED: dict[str, tuple[dict[str, AreaProgress], list[Decision]]] = {}
_FROM_ADOPTED_LIMIT = 4096


def recorded(user, meeting_ids: Iterable[int]) -> dict[int, MeetingRecord]:
    """Each of these meetings' minutes as the reader may see them, by meeting id; a meeting without minutes (or
    a reader who may not read minutes) has none. A constant number of statements, whatever the number of meetings."""
    meeting_ids = list(meeting_ids)
    if not meeting_ids or not can(user, "minutes.view"):
        return {}
    minutes_rows = db.session.execute(select(Minutes.id, Minutes.meeting_id, Minutes.status, Minutes.sha256)
                                      .where(Minutes.meeting_id.in_(meeting_ids))).all()
    records: dict[int, MeetingRecord] = {}
    drafts: dict[int, MeetingRecord] = {}  # by minutes id
    adopted: dict[int, tuple[int, str | None]] = {}  # minutes id → (meeting id, digest of the original)
    for row in minutes_rows:
        if row.status == "adopted":
            adopted[row.id] = (row.meeting_id, row.sha256)
        else:
            drafts[row.id] = records[row.meeting_id] = MeetingRecord(row.meeting_id, row.status, None)
    if adopted:
        _read_adopted(adopted, records)
    if drafts:
        _read_drafts(drafts)
    return records


def _read_adopted(adopted: dict[int, tuple[int, str | None]], records: dict[int, MeetingRecord]) -> None:
    """The latest adopted text of each: the original, or its latest adopted correction."""
    latest: dict[int, tuple[str, int | None]] = {minutes_id: (sha256, None)
                                                 for minutes_id, (_, sha256) in adopted.items() if sha256}
    for row in db.session.execute(select(MinutesCorrection.minutes_id, MinutesCorrection.id, MinutesCorrection.sha256)
                                  .where(MinutesCorrection.minutes_id.in_(adopted),
                                         MinutesCorrection.status == "adopted")
                                  .order_by(MinutesCorrection.number)):
        latest[row.minutes_id] = (row.sha256, row.id)
    unread_originals = [m for m, (sha, correction) in latest.items() if correction is None and sha not in _FROM_ADOPTED]
    unread_corrections = [c for m, (sha, c) in latest.items() if c is not None and sha not in _FROM_ADOPTED]
    # Of each text, only its records and other progress, taken out by the database (JSON paths on SQLite and
    # PostgreSQL alike): the rest — the agenda, the tables of action items reviewed — is most of a long meeting's
    # record, and reading it all for a hundred meetings took seconds.
    contents: dict[str, tuple[int, Any]] = {}
    if unread_originals:
        for row in db.session.execute(select(Minutes.meeting_id, Minutes.sha256,
                                             Minutes.adopted_content["records"].label("records"),
                                             Minutes.adopted_content["other_progress"].label("other_progress"))
                                      .where(Minutes.id.in_(unread_originals))):
            contents[row.sha256] = (row.meeting_id, {"records": row.records, "other_progress": row.other_progress})
    if unread_corrections:
        for row in db.session.execute(select(Minutes.meeting_id, MinutesCorrection.sha256,
                                             MinutesCorrection.content["records"].label("records"),
                                             MinutesCorrection.content["other_progress"].label("other_progress"))
                                      .join(Minutes, Minutes.id == MinutesCorrection.minutes_id)
                                      .where(MinutesCorrection.id.in_(unread_corrections))):
            contents[row.sha256] = (row.meeting_id, {"records": row.records, "other_progress": row.other_progress})
    for sha256, (meeting_id, content) in contents.items():
        if len(_FROM_ADOPTED) >= _FROM_ADOPTED_LIMIT:
            _FROM_ADOPTED.clear()
        _FROM_ADOPTED[sha256] = _from_record(meeting_id, content or {})
    for minutes_id, (meeting_id, _) in adopted.items():
        sha256 = latest.get(minutes_id, (None, None))[0]
        progress, decisions = _FROM_ADOPTED.get(sha256, ({}, [])) if sha256 else ({}, [])
        records[meeting_id] = MeetingRecord(meeting_id, "adopted", sha256, dict(progress), list(decisions))


def _from_record(meeting_id: int, record: dict[str, Any]) -> tuple[dict[str, AreaProgress], list[Decision]]:
    """The progress and decisions a frozen minutes record holds (jcm.documents.records.minutes_record)."""
    progress: dict[str, AreaProgress] = {}
    decisions: list[Decision] = []
    entries = record.get("records") or []
    for entry in [*(p for e in entries for p in e.get("progress") or []), *(record.get("other_progress") or [])]:
        progress[entry["focus_area"]] = AreaProgress(meeting_id, entry["focus_area"], entry.get("status") or "",
                                                     entry.get("narrative") or "", entry.get("narrative_ko") or "")
    for entry in entries:
        english, korean = entry.get("decisions") or [], entry.get("decisions_ko") or []
        for n, text in enumerate(english):
            decisions.append(Decision(meeting_id, entry.get("agenda_item_id"), entry.get("number") or 0,
                                      tuple(entry.get("focus_areas") or ()), text,
                                      korean[n] if n < len(korean) else ""))
    return progress, decisions


def _read_drafts(drafts: dict[int, MeetingRecord]) -> None:
    """Draft or circulated minutes, from the rows as they stand: three statements for all of them."""
    for row in db.session.execute(select(ProgressEntry.minutes_id, FocusArea.code, ProgressEntry.status,
                                         ProgressEntry.narrative, ProgressEntry.narrative_ko)
                                  .join(FocusArea, FocusArea.id == ProgressEntry.focus_area_id)
                                  .where(ProgressEntry.minutes_id.in_(drafts))
                                  .order_by(ProgressEntry.minutes_id, FocusArea.position)):
        record = drafts[row.minutes_id]
        record.progress[row.code] = AreaProgress(record.meeting_id, row.code, row.status, row.narrative or "",
                                                 row.narrative_ko or "")
    sections = db.session.execute(select(MinutesSection.minutes_id, MinutesSection.agenda_item_id,
                                         MinutesSection.decisions, MinutesSection.decisions_ko)
                                  .join(AgendaItem, AgendaItem.id == MinutesSection.agenda_item_id)
                                  .where(MinutesSection.minutes_id.in_(drafts))
                                  .order_by(MinutesSection.minutes_id, AgendaItem.position, AgendaItem.id)).all()
    codes: dict[int, list[str]] = {}
    item_ids = [row.agenda_item_id for row in sections if row.decisions]
    if item_ids:
        for row in db.session.execute(select(agenda_item_focus_area.c.agenda_item_id, FocusArea.code)
                                      .join(FocusArea, FocusArea.id == agenda_item_focus_area.c.focus_area_id)
                                      .where(agenda_item_focus_area.c.agenda_item_id.in_(item_ids))
                                      .order_by(FocusArea.code)):
            codes.setdefault(row.agenda_item_id, []).append(row.code)
    number: dict[int, int] = {}
    for row in sections:
        number[row.minutes_id] = number.get(row.minutes_id, 0) + 1
        record = drafts[row.minutes_id]
        korean = row.decisions_ko or []
        for n, text in enumerate(row.decisions or []):
            record.decisions.append(Decision(record.meeting_id, row.agenda_item_id, number[row.minutes_id],
                                             tuple(codes.get(row.agenda_item_id, ())), text,
                                             korean[n] if n < len(korean) else ""))


# --- A focus area's history ------------------------------------------------------------------------------------
#
# One page per node of the MOU's tree: its text, every meeting that took it up (it was on the agenda, or the
# minutes record its progress or a decision under it), the decisions, its action items and its papers. A parent
# rolls its children up: each line says which area of the branch it is about. The meetings run newest first, as the
# question a reader brings is where the area stands now: the meeting ahead and the latest record come first, and
# reading on goes back through its history, a page of meetings at a time. A constant number of statements, whatever
# the number of meetings.

MEETINGS_PER_PAGE = 10  # of the history: a decade of a committee that meets yearly
ITEMS_SHOWN = 25  # action items listed in each of the open and the closed lists; the register holds them all


@dataclass
class AgendaLine:
    """An agenda item of a meeting that took up the area or one of its branch."""

    id: int
    title: str
    title_ko: str
    codes: list[str] = field(default_factory=list)  # the areas of the branch it is tagged with


@dataclass(frozen=True)
class Paper:
    """A paper of an agenda item that took up the area's branch."""

    id: int
    filename: str
    size: int
    agenda_item: AgendaLine


@dataclass
class MeetingLine:
    """A meeting as the history shows it, with what its agenda and minutes say of the area's branch."""

    id: int
    ordinal: int
    title: str
    title_ko: str
    start_date: Any
    status: str
    minutes_status: str | None = None  # None: no minutes (yet), or none the reader may read
    agenda: list[AgendaLine] = field(default_factory=list)
    progress: list[AreaProgress] = field(default_factory=list)  # in the order of the tree
    decisions: list[Decision] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)

    @property
    def adopted(self) -> bool:
        return self.minutes_status == "adopted"


@dataclass
class AreaActions:
    """The branch's action items: how many, and the first of the open (the soonest due, so the most overdue, first)
    and of the closed (the latest closed first), as rows of the fields a meeting's page shows; and how many meetings
    reviewed each of those, by id."""

    open: int
    overdue: int
    done: int
    dropped: int
    open_rows: list[Any]
    closed_rows: list[Any]
    reviewed: dict[int, int]

    @property
    def closed(self) -> int:
        return self.done + self.dropped


@dataclass
class AreaHistory(PageOf):
    area: AreaNode
    summary: str
    summary_ko: str
    agreement_id: int
    path: list[AreaNode]  # from the area of cooperation down to the area's parent
    children: list[AreaNode]
    branch: dict[str, AreaNode]  # the area and every area under it, by code, in the order of the tree
    meetings: list[MeetingLine]  # this page of those that took the branch up, newest first
    discussed: int  # how many meetings took it up, on every page
    page: int
    per_page: int
    actions: AreaActions | None  # None for a reader who may not read action items

    @property
    def decided(self) -> list[MeetingLine]:
        return [meeting for meeting in self.meetings if meeting.decisions]

    @property
    def with_papers(self) -> list[MeetingLine]:
        return [meeting for meeting in self.meetings if meeting.papers]

    @property
    def pages(self) -> int:
        return max(1, -(-self.discussed // self.per_page))


    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1


def area_history(user, focus_area_id: int, today, page: int = 1) -> AreaHistory:
    """What the meetings recorded of a focus area and of every area under it, as the reader may see it, a page of
    meetings at a time; NotFound for an area that does not exist, or a page of meetings that is not there."""
    area = get_focus_area(focus_area_id)
    require(user, "agreement.view")
    tree = area_tree(area.agreement_id)
    node = tree.by_id[area.id]
    path = tree.path(node)
    branch = {each.code: each for each in tree.branch(node)}  # in the order of the tree
    branch_ids = {each.id for each in branch.values()}

    meetings = _meetings_of(user, area.agreement_id, branch, branch_ids)
    pages = max(1, -(-len(meetings) // MEETINGS_PER_PAGE))
    if not 1 <= page <= pages:
        raise NotFound(ngettext("There is no page %(page)d: the history of %(code)s fills %(num)d page.",
                                "There is no page %(page)d: the history of %(code)s fills %(num)d pages.",
                                pages, page=page, code=node.code))
    shown = meetings[(page - 1) * MEETINGS_PER_PAGE:page * MEETINGS_PER_PAGE]
    agenda = {line.id: (meeting, line) for meeting in shown for line in meeting.agenda}
    if agenda and can(user, "attachment.download"):
        for row in db.session.execute(
                select(Attachment.id, Attachment.filename, Attachment.size, Attachment.agenda_item_id)
                .join(AgendaItem, AgendaItem.id == Attachment.agenda_item_id)
                .where(Attachment.agenda_item_id.in_(list(agenda)))
                .order_by(AgendaItem.position, AgendaItem.id, Attachment.filename, Attachment.id)):
            meeting, line = agenda[row.agenda_item_id]
            meeting.papers.append(Paper(row.id, row.filename, row.size, line))

    actions = _actions_of(branch_ids, today) if can(user, "action.view") else None
    return AreaHistory(node, area.summary or "", area.summary_ko or "", area.agreement_id, path,
                       tree.children.get(node.id, []), branch, shown, len(meetings), page, MEETINGS_PER_PAGE, actions)


def _meetings_of(user, agreement_id: int, branch: dict[str, AreaNode], branch_ids: set[int]) -> list[MeetingLine]:
    """The meetings that took the branch up, newest first: on the agenda, or in the progress or decisions their
    minutes record (recorded: the adopted text once adopted)."""
    if not can(user, "meeting.view"):
        return []
    meetings = {row.id: MeetingLine(*row) for row in db.session.execute(
        select(Meeting.id, Meeting.ordinal, Meeting.title, Meeting.title_ko, Meeting.start_date, Meeting.status)
        .where(Meeting.agreement_id == agreement_id, Meeting.status != "cancelled")
        .order_by(Meeting.start_date.desc(), Meeting.id.desc()))}
    discussed: set[int] = set()
    agenda: dict[int, AgendaLine] = {}
    for row in db.session.execute(
            select(AgendaItem.id, AgendaItem.meeting_id, AgendaItem.title, AgendaItem.title_ko, FocusArea.code)
            .join(agenda_item_focus_area, agenda_item_focus_area.c.agenda_item_id == AgendaItem.id)
            .join(FocusArea, FocusArea.id == agenda_item_focus_area.c.focus_area_id)
            .where(agenda_item_focus_area.c.focus_area_id.in_(branch_ids), AgendaItem.meeting_id.in_(
                select(Meeting.id).where(Meeting.agreement_id == agreement_id, Meeting.status != "cancelled")))
            .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id, FocusArea.position)):
        line = agenda.get(row.id)
        if line is None:
            line = agenda[row.id] = AgendaLine(row.id, row.title, row.title_ko)
            meetings[row.meeting_id].agenda.append(line)
            discussed.add(row.meeting_id)
        line.codes.append(row.code)
    codes = set(branch)
    for meeting_id, record in recorded(user, list(meetings)).items():
        meeting = meetings[meeting_id]
        meeting.minutes_status = record.minutes_status
        meeting.progress = [record.progress[code] for code in branch if code in record.progress]
        meeting.decisions = [decision for decision in record.decisions if not codes.isdisjoint(decision.areas)]
        if meeting.progress or meeting.decisions:
            discussed.add(meeting_id)
    return [meeting for meeting in meetings.values() if meeting.id in discussed]


def _actions_of(branch_ids: set[int], today) -> AreaActions:
    """The branch's action items: the counts, the first open and closed, and how many meetings reviewed those."""
    # The branch's areas are the agreement's, and so are their items: no condition on the agreement, which SQLite,
    # without statistics, would take to read all of the agreement's items by its index.
    in_branch = (ActionItem.focus_area_id.in_(branch_ids),)
    is_open = ActionItem.status.in_(OPEN_STATUSES)
    counts = db.session.execute(select(
        func.count().filter(is_open), func.count().filter(is_open, ActionItem.due_date < today),
        func.count().filter(ActionItem.status == "done"), func.count().filter(ActionItem.status == "dropped"))
        .where(*in_branch)).one()
    shown = [ActionItem.id, *(getattr(ActionItem, name) for name in SHOWN_AT_MEETING)]
    open_rows = list(db.session.execute(select(*shown).where(*in_branch, is_open)
                                        .order_by(ActionItem.due_date, ActionItem.ref).limit(ITEMS_SHOWN)))
    closed_rows = list(db.session.execute(select(*shown).where(*in_branch, ~is_open)
                                          .order_by(ActionItem.updated_at.desc(), ActionItem.id.desc())
                                          .limit(ITEMS_SHOWN)))
    reviewed = dict(db.session.execute(
        select(ActionReview.action_item_id, func.count()).where(ActionReview.action_item_id.in_(
            [row.id for row in (*open_rows, *closed_rows)])).group_by(ActionReview.action_item_id)).all())
    return AreaActions(*counts, open_rows, closed_rows, reviewed)
