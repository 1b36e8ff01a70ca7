"""The implementation dashboard: the MOU's areas (rows) × the meetings (columns), each cell the progress status the
meeting's minutes record, with each area's open and overdue action items per side and the balance between the two
sides over the period. The page, `GET /api/v1/progress` and the CSV read it from here, alike.

It reads in a constant number of statements whatever the number of meetings, agenda items and action items: the
focus areas, the meetings of the period, what their minutes record (jcm.dashboard.services.recorded), the action
items counted by area and side in one grouped statement, and the presenters counted in one more."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select

from jcm.actions.models import OPEN_STATUSES, ActionItem, ActionOwner
from jcm.api.schemas import as_dumped
from jcm.errors import Invalid
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Meeting, MeetingStatus, agenda_item_focus_area
from jcm.minutes.models import PROGRESS_STATUSES
from jcm.models import SIDES
from jcm.mou.services import AreaNode, AreaTree, area_tree, current_agreement_id
from jcm.permissions import can, require

# A parent's cell is the worst status recorded at that meeting for it or any area beneath it: worst first.
WORST_FIRST = ("off_track", "at_risk", "not_started", "on_track", "completed")
_RANK = {status: rank for rank, status in enumerate(WORST_FIRST)}
assert set(WORST_FIRST) == set(PROGRESS_STATUSES), "a progress status without its place in the roll-up"

MAX_AREA_FILTER = 32  # a focus area's code is at most 32 characters


@dataclass(frozen=True)
class BoardFilter:
    """What the dashboard shows: an area and everything beneath it (None: the whole MOU), one side's owners (None:
    both), the meetings whose first day falls in [start, end] (None: open-ended)."""

    area: str | None = None  # as asked: a code (A.1) or an id
    side: str | None = None
    start: date | None = None
    end: date | None = None

    def as_args(self, area_code: str | None = None) -> dict[str, str]:
        """The filters as a query string's arguments, the area by its code."""
        args = {}
        if self.area:
            args["area"] = area_code or self.area
        if self.side:
            args["side"] = self.side
        if self.start:
            args["from"] = self.start.isoformat()
        if self.end:
            args["to"] = self.end.isoformat()
        return args


@dataclass(frozen=True)
class MeetingColumn:
    id: int
    ordinal: int
    title: str
    title_ko: str
    start_date: date
    host_side: str
    status: str  # the meeting's
    minutes_status: str | None  # None: no minutes (yet), or none the reader may read


@dataclass(frozen=True)
class Cell:
    """What one meeting recorded of an area: its own status, or for a parent the worst of what was recorded for it
    and beneath it (`rolled_up`), with how many entries of each status that was."""

    status: str
    rolled_up: bool = False
    statuses: dict[str, int] = field(default_factory=dict)  # of a rolled-up cell, worst first

    @property
    def entries(self) -> int:
        return sum(self.statuses.values()) or 1


@dataclass
class ItemCounts:
    """Action items of an area (and beneath) with an owner on one side: all of them, the open and the overdue."""

    owned: int = 0
    open: int = 0
    overdue: int = 0

    def add(self, other: "ItemCounts") -> None:
        self.owned += other.owned
        self.open += other.open
        self.overdue += other.overdue


@dataclass
class AreaRow:
    """A row of the dashboard: an area of the MOU's tree (jcm.mou.services.AreaNode) with its cells and counts."""

    node: AreaNode
    has_children: bool = False
    cells: dict[int, Cell] = field(default_factory=dict)  # by meeting id; a meeting that did not discuss it has none
    items: dict[str, ItemCounts] = field(default_factory=dict)  # by side, of the sides shown

    def __getattr__(self, name: str):  # id, parent_id, code, title, title_ko, depth: the area's own
        if name.startswith("__") or name == "node":
            raise AttributeError(name)
        return getattr(self.node, name)

    @property
    def url(self) -> str:
        return f"/focus-areas/{self.id}"  # the focus area's page (its history across meetings)


@dataclass
class Balance:
    """One side's share over the period: the action items it owns (of them open, and overdue), the agenda items it
    presented, and the meetings it hosted."""

    owned: int = 0
    open: int = 0
    overdue: int = 0
    presented: int = 0
    hosted: int = 0


@dataclass
class Board:
    filters: BoardFilter
    area: AreaRow | None  # the area filtered on
    sides: tuple[str, ...]  # the sides shown: one, when filtered on a side
    meetings: list[MeetingColumn]
    rows: list[AreaRow]
    balance: dict[str, Balance]
    counted: bool  # whether the reader may read action items (else nothing of them is shown, nor counted)
    today: date
    choices: list[AreaRow] = field(default_factory=list)  # every area of the MOU, for the filter's choices


# --- reading the filters ----------------------------------------------------------------------------------------

def _area_rows(tree: AreaTree, nodes) -> list[AreaRow]:
    return [AreaRow(node, has_children=bool(tree.children.get(node.id))) for node in nodes]


def dashboard_choices() -> list[AreaRow]:
    """Every area of the MOU, in tree order: the area filter's choices."""
    tree = area_tree(current_agreement_id())
    return _area_rows(tree, tree.nodes)


def _find_area(tree: AreaTree, asked: str):
    found = tree.find(asked)
    if found is None:
        raise Invalid(_("There is no area “%(area)s” in the MOU: give a focus area's code (A.1) or id.",
                        area=asked.strip()[:MAX_AREA_FILTER]), field="area")
    return found


def check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise Invalid(_("The period ends (%(end)s) before it starts (%(start)s): give a “to” date on or after the "
                        "“from” date.", end=end.isoformat(), start=start.isoformat()), field="to")


# --- the dashboard ----------------------------------------------------------------------------------------------

def dashboard(user, filters: BoardFilter, today: date) -> Board:
    """The dashboard as `user` may read it. Refused (422, naming the filter) for an area the MOU does not have or a
    period that ends before it starts."""
    require(user, "meeting.view")
    check_period(filters.start, filters.end)
    agreement_id = current_agreement_id()
    tree = area_tree(agreement_id)
    choices = rows = _area_rows(tree, tree.nodes)
    area = None
    if filters.area:
        rows = _area_rows(tree, tree.branch(_find_area(tree, filters.area)))
        area = rows[0]
    sides = (filters.side,) if filters.side else SIDES
    meetings = _meetings(agreement_id, filters)
    board = Board(filters, area, sides, meetings, rows, {side: Balance() for side in sides},
                  counted=can(user, "action.view"), today=today, choices=choices)
    _fill_cells(user, board)
    if board.counted:
        _count_items(board, agreement_id, scoped=area is not None)
    _count_presenters(board, scoped=area is not None)
    for meeting in meetings:
        if meeting.host_side in board.balance:
            board.balance[meeting.host_side].hosted += 1
    return board


def _meetings(agreement_id: int | None, filters: BoardFilter) -> list[MeetingColumn]:
    """The meetings of the period, oldest first; a cancelled meeting recorded nothing and is left out."""
    if agreement_id is None:
        return []
    query = (select(Meeting.id, Meeting.ordinal, Meeting.title, Meeting.title_ko, Meeting.start_date,
                    Meeting.host_side, Meeting.status)
             .where(Meeting.agreement_id == agreement_id, Meeting.status != MeetingStatus.cancelled.value)
             .order_by(Meeting.start_date, Meeting.ordinal))
    if filters.start is not None:
        query = query.where(Meeting.start_date >= filters.start)
    if filters.end is not None:
        query = query.where(Meeting.start_date <= filters.end)
    return [MeetingColumn(row.id, row.ordinal, row.title or "", row.title_ko or "", row.start_date, row.host_side,
                          row.status, None) for row in db.session.execute(query)]


def _fill_cells(user, board: Board) -> None:
    """Each area's status at each meeting, from what the minutes record (the adopted text once adopted); a parent's
    rolled up from the areas beneath it."""
    from jcm.dashboard.services import recorded

    records = recorded(user, [meeting.id for meeting in board.meetings])
    board.meetings[:] = [MeetingColumn(**{**meeting.__dict__, "minutes_status": records[meeting.id].minutes_status})
                         if meeting.id in records else meeting for meeting in board.meetings]
    own: dict[str, dict[int, str]] = {}  # code → meeting id → status
    for meeting_id, record in records.items():
        for code, progress in record.progress.items():
            if progress.status in _RANK:
                own.setdefault(code, {})[meeting_id] = progress.status
    by_id = {row.id: row for row in board.rows}
    beneath: dict[int, dict[int, dict[str, int]]] = {}  # area id → meeting id → status → entries
    for row in reversed(board.rows):  # the deepest first, so each parent sees its children's entries
        tally = beneath.setdefault(row.id, {})
        for meeting_id, status in own.get(row.code, {}).items():
            counts = tally.setdefault(meeting_id, {})
            counts[status] = counts.get(status, 0) + 1
        if row.has_children:
            for meeting_id, counts in tally.items():
                ordered = dict(sorted(counts.items(), key=lambda pair: _RANK[pair[0]]))
                row.cells[meeting_id] = Cell(next(iter(ordered)), rolled_up=True, statuses=ordered)
        else:
            for meeting_id, counts in tally.items():
                row.cells[meeting_id] = Cell(next(iter(counts)))
        parent = by_id.get(row.parent_id)
        if parent is not None:
            up = beneath.setdefault(parent.id, {})
            for meeting_id, counts in tally.items():
                into = up.setdefault(meeting_id, {})
                for status, n in counts.items():
                    into[status] = into.get(status, 0) + n


def _raised_in(filters: BoardFilter):
    """An action item belongs to the period by the day it was raised: its meeting's first day, or for one raised
    between meetings the day it was entered."""
    conditions = []
    if filters.start is not None:
        conditions.append(or_(Meeting.start_date >= filters.start,
                              and_(ActionItem.meeting_id.is_(None),
                                   ActionItem.created_at >= datetime.combine(filters.start, time.min))))
    if filters.end is not None:
        conditions.append(or_(Meeting.start_date <= filters.end,
                              and_(ActionItem.meeting_id.is_(None),
                                   ActionItem.created_at <= datetime.combine(filters.end, time.max))))
    return conditions


def _count_items(board: Board, agreement_id: int | None, *, scoped: bool) -> None:
    """Per area and side, the action items with an owner on that side: all, open, overdue (past due and not
    finished: the actions feature's rule, ActionItem.is_overdue) — one grouped statement; each parent adds up the
    areas beneath it (an item has one focus area, so nothing is counted twice)."""
    for row in board.rows:
        row.items = {side: ItemCounts() for side in board.sides}
    if agreement_id is None:
        return
    is_open = ActionItem.status.in_(OPEN_STATUSES)
    owns = {side: exists().where(ActionOwner.action_item_id == ActionItem.id, ActionOwner.side == side)
            for side in board.sides}
    items = (select(ActionItem.focus_area_id.label("area"), is_open.label("open"),
                    and_(is_open, ActionItem.due_date < board.today).label("overdue"),
                    *(owns[side].label(f"owned_{side.lower()}") for side in board.sides))
             .where(ActionItem.agreement_id == agreement_id))
    if scoped:
        items = items.where(ActionItem.focus_area_id.in_([row.id for row in board.rows]))
    period = _raised_in(board.filters)
    if period:
        items = items.outerjoin(Meeting, Meeting.id == ActionItem.meeting_id).where(*period)
    # Each item's sides worked out once (a database would otherwise look up its owners again for each count).
    items = items.cte("item_sides").prefix_with("MATERIALIZED")
    counts = []
    for side in board.sides:
        owned = items.c[f"owned_{side.lower()}"]
        counts += [func.count().filter(owned), func.count().filter(and_(owned, items.c.open)),
                   func.count().filter(and_(owned, items.c.overdue))]
    by_id = {row.id: row for row in board.rows}
    for area_id, *figures in db.session.execute(select(items.c.area, *counts).group_by(items.c.area)):
        row = by_id.get(area_id)
        if row is None:
            continue
        for n, side in enumerate(board.sides):
            found = ItemCounts(*figures[3 * n:3 * n + 3])
            row.items[side].add(found)
            board.balance[side].owned += found.owned
            board.balance[side].open += found.open
            board.balance[side].overdue += found.overdue
    for row in reversed(board.rows):  # the deepest first
        parent = by_id.get(row.parent_id)
        if parent is not None:
            for side, counts_ in row.items.items():
                parent.items[side].add(counts_)


def _count_presenters(board: Board, *, scoped: bool) -> None:
    """The agenda items of the period's meetings each side presented (a presenter of its side named), one
    statement; filtered on an area, those on it or beneath it."""
    if not board.meetings:
        return
    named = {side: func.trim(func.coalesce(column, "")) != ""
             for side, column in (("US", AgendaItem.presenter_us), ("KR", AgendaItem.presenter_kr))}
    query = (select(*(func.count().filter(named[side]) for side in board.sides))
             .where(AgendaItem.meeting_id.in_([meeting.id for meeting in board.meetings])))
    if scoped:
        query = query.where(exists().where(
            agenda_item_focus_area.c.agenda_item_id == AgendaItem.id,
            agenda_item_focus_area.c.focus_area_id.in_([row.id for row in board.rows])))
    for side, count in zip(board.sides, db.session.execute(query).one()):
        board.balance[side].presented = count


# --- as data ------------------------------------------------------------------------------------------------------

def as_data(board: Board, meeting_url, language: str) -> dict[str, Any]:
    """The dashboard as the API gives it (and the page and the CSV show it): plain values, statuses as their codes,
    as DashboardSchema would dump it (jcm.api.schemas: built from rows rather than dumped field by field)."""
    def title(row_or_meeting) -> str:
        return (row_or_meeting.title_ko or row_or_meeting.title) if language == "ko" else row_or_meeting.title

    return {
        "filters": {"area": board.area.code if board.area else None, "side": board.filters.side,
                    "from": as_dumped(board.filters.start), "to": as_dumped(board.filters.end)},
        "sides": list(board.sides),
        "meetings": [{"id": m.id, "ordinal": m.ordinal, "title": title(m), "start_date": m.start_date.isoformat(),
                      "host_side": m.host_side, "status": m.status, "minutes_status": m.minutes_status,
                      "url": meeting_url(m.id)} for m in board.meetings],
        "areas": [{"id": row.id, "code": row.code, "title": title(row), "depth": row.depth,
                   "parent_id": row.parent_id, "url": row.url,
                   "progress": [{"meeting_id": m.id, "status": row.cells[m.id].status,
                                 "rolled_up": row.cells[m.id].rolled_up,
                                 **({"statuses": row.cells[m.id].statuses} if row.cells[m.id].rolled_up else {})}
                                for m in board.meetings if m.id in row.cells],
                   **({"action_items": {side: {"open": c.open, "overdue": c.overdue}
                                        for side, c in row.items.items()}} if board.counted else {})}
                  for row in board.rows],
        "balance": {side: {**({"action_items": b.owned, "open": b.open, "overdue": b.overdue}
                              if board.counted else {}),
                           "presented": b.presented, "hosted": b.hosted} for side, b in board.balance.items()},
        "today": board.today.isoformat(),
    }


# --- as CSV -------------------------------------------------------------------------------------------------------

def csv_filename(today: date) -> str:
    return f"jcm-progress-{today.isoformat()}.csv"


def meeting_heading(meeting: MeetingColumn) -> str:
    """A column's heading: “12th (2026-03-10)”, “제12차 (2026-03-10)”."""
    from jcm.meetings.services import ordinal_label

    return f"{ordinal_label(meeting.ordinal)} ({meeting.start_date.isoformat()})"


def csv_rows(board: Board, language: str) -> list[list[str]]:
    """The dashboard as a spreadsheet's rows, in the reader's language: a row per area (its code, title and level,
    the status recorded at each meeting, empty where it was not discussed, then its open and overdue action items
    per side); after an empty row, the balance, a row per side."""
    from jcm.labels import DEPTH_LABELS, SIDE_LABELS, read_once
    from jcm.minutes.models import PROGRESS_STATUS_LABELS

    words, sides, depths = read_once(PROGRESS_STATUS_LABELS), read_once(SIDE_LABELS), read_once(DEPTH_LABELS)
    header = [_("Code"), _("Area"), _("Level"), *(meeting_heading(m) for m in board.meetings)]
    if board.counted:
        for side in board.sides:
            header += [_("Open (%(side)s)", side=side), _("Overdue (%(side)s)", side=side)]
    rows = [header]
    for row in board.rows:
        title = (row.title_ko or row.title) if language == "ko" else row.title
        line = [row.code, title, depths.get(row.depth, str(row.depth))]
        line += [words[row.cells[m.id].status] if m.id in row.cells else "" for m in board.meetings]
        if board.counted:
            for side in board.sides:
                line += [str(row.items[side].open), str(row.items[side].overdue)]
        rows.append(line)
    rows.append([])
    balance = [_("Side")]
    if board.counted:
        balance += [_("Action items owned"), _("Open"), _("Overdue")]
    rows.append([*balance, _("Agenda items presented"), _("Meetings hosted")])
    for side, figures in board.balance.items():
        line = [sides[side]]
        if board.counted:
            line += [str(figures.owned), str(figures.open), str(figures.overdue)]
        rows.append([*line, str(figures.presented), str(figures.hosted)])
    return rows


def stream_csv(board: Board, language: str):
    """UTF-8 with a byte-order mark (how Excel knows to show Hangul), every text neutralised against formulas, as
    the register's export writes it."""
    import csv
    import io

    from flask_babel import force_locale

    from jcm.actions.exports import neutralise

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with force_locale(language):
        for row in csv_rows(board, language):
            writer.writerow([neutralise(str(value)) for value in row])
    yield buffer.getvalue().encode("utf-8-sig")

