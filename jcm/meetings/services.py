"""The rules of meetings and their agendas: the first draft, editing, ordering, the schedule,
versions, and agreement by both sides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload, load_only, selectinload

from jcm.accounts.models import User
from jcm.audit.services import record, tracked
from jcm.bilingual import NamedGap, Weighed, named_gaps, refuse_gaps, typed_texts
from jcm.collation import finds, in_language, sort_key
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.fields import audited, editable, populate
from jcm.i18n import localized
from jcm.meetings.models import (MEETING_STATUSES, AgendaApproval,
                                 AgendaItem, AgendaSnapshot, Meeting, MeetingDay, MeetingProposal, MeetingStatus)
from jcm.models import SIDES, utcnow, whole_number
from jcm.mou.models import Agreement, FocusArea
from jcm.permissions import AlreadyDone, SidePart, require
from jcm.versions import check_version, next_version
from jcm.zones import DEFAULT_TIME_ZONES

MAX_MEETING_DAYS = 14
MAX_AGENDA_ITEMS = 500  # the items of one meeting's agenda: fourteen days of short items, and more
MAX_FOCUS_AREAS = 200  # the focus areas one list names: a new meeting's, an agenda item's, progress given at once
signals = Namespace()
# Sent when both sides have agreed an agenda version; the documents feature freezes what its document prints.
agenda_agreed = signals.signal("agenda-agreed")
SET_BY_NAME = editable(Meeting)
ITEM_SET_BY_NAME = editable(AgendaItem)
# Sent when an item is added to an agenda; minutes already started give it a section.
agenda_item_added = signals.signal("agenda-item-added")
EDITABLE_STATUSES = (MeetingStatus.planning.value, MeetingStatus.agenda_agreed.value)


# --- naming -------------------------------------------------------------------------------------------

def english_ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ordinal_label(number: int) -> str:
    """“12th” in English, “제12차” in Korean."""
    from jcm.i18n import locale_code

    return f"제{number}차" if locale_code() == "ko" else english_ordinal(number)


def default_titles(ordinal: int) -> tuple[str, str]:
    return (f"The {english_ordinal(ordinal)} Joint Committee Meeting", f"제{ordinal}차 공동위원회")


# --- loading ------------------------------------------------------------------------------------------

def meeting_query():
    return select(Meeting).options(joinedload(Meeting.co_chair_us), joinedload(Meeting.co_chair_kr),
                                   selectinload(Meeting.days))


def get_meeting(meeting_id: int, *, with_agenda: bool = False) -> Meeting:
    # With its agreements and its proposals: what a side may do now depends on them.
    query = meeting_query().where(Meeting.id == meeting_id).options(
        selectinload(Meeting.approvals),
        selectinload(Meeting.proposals).joinedload(MeetingProposal.meeting))  # the meeting itself, from the map
    if with_agenda:
        query = query.options(selectinload(Meeting.items).selectinload(AgendaItem.focus_areas),
                              selectinload(Meeting.items).selectinload(AgendaItem.attachments),
                              joinedload(Meeting.agreement))
    meeting = db.session.scalar(query)
    if meeting is None:
        raise NotFound(_("There is no meeting with id %(id)s.", id=meeting_id))
    return meeting


def meeting_alone(meeting_id: int) -> Meeting:
    """The meeting, its own columns alone, for who reads what is kept of it (its minutes, its agenda as the API lists
    it): none of its days, agreements or proposals, which get_meeting loads for what a side may do with it."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no meeting with id %(id)s.", id=meeting_id))
    return meeting


def with_agenda(meeting: Meeting) -> Meeting:
    """The meeting with its agenda as get_meeting(with_agenda=True) loads it, read into it if it is not yet: a page
    that keeps what it shows of the agenda reads it only to make that again."""
    if "items" in sa_inspect(meeting).unloaded:
        get_meeting(meeting.id, with_agenda=True)
    return meeting


@dataclass(frozen=True)
class AgreedVersion:
    agenda_version: int
    agreed_at: datetime


@dataclass(frozen=True)
class AgendaOutline:
    """What a meeting's page says of its agenda besides its items, the same for every reader: how many items it
    has, and what changed since the version both sides last agreed."""
    items: int
    agreed: AgreedVersion | None
    changes: list[AgendaChange]


def agenda_outline(meeting: Meeting) -> AgendaOutline:
    agreed, changes = changes_since_agreed(with_agenda(meeting))
    return AgendaOutline(len(meeting.items), AgreedVersion(agreed.agenda_version, agreed.agreed_at) if agreed else None,
                         changes)


def get_agenda_items(meeting_id: int) -> Meeting:
    """The meeting with its days and its items (with their focus areas), and nothing else: what the list of its
    items reads, in order and with their times (schedule)."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        selectinload(Meeting.days), selectinload(Meeting.items).selectinload(AgendaItem.focus_areas)))
    if meeting is None:
        raise NotFound(_("There is no meeting with id %(id)s.", id=meeting_id))
    return meeting


# How a list of meetings may be sorted: by date (the latest first, and the upcoming soonest first), or by the title
# a reader of a language sees — the Korean title for a Korean reader where there is one, Hangul in 가나다 order.
MEETING_SORTS = ("date", "title", "-title")


def _meeting_order(sort: str, language: str) -> tuple:
    if sort in ("title", "-title"):
        key = sort_key(in_language(Meeting.title, Meeting.title_ko, language))
        return (key.desc() if sort == "-title" else key, Meeting.ordinal.desc())
    return (Meeting.start_date.desc(), Meeting.ordinal.desc())


# What the list of meetings shows of each (jcm/meetings/rows.py): all that is read of the meetings of its page.
LISTED = (Meeting.id, Meeting.title, Meeting.title_ko, Meeting.start_date, Meeting.end_date, Meeting.venue,
          Meeting.venue_ko, Meeting.city, Meeting.city_ko, Meeting.host_side, Meeting.mode, Meeting.status)


def listed_meetings_query(q: str | None = None, *, sort: str = "date", language: str = "en") -> Select:
    """meetings_query for the list of meetings: the meetings with the columns it shows (LISTED) alone."""
    return meetings_query(q=q, sort=sort, language=language).options(load_only(*LISTED))


def meetings_query(agreement_id: int | None = None, q: str | None = None, *, sort: str = "date",
                   language: str = "en", status: str | None = None, columns: Iterable[Any] | None = None) -> Select:
    """The meetings, latest first, or by title as a reader of `language` sees them (`sort` is one of
    MEETING_SORTS); with `q`, those whose title, venue or city, in English or Korean, has its words; with `status`,
    those in it. A list of meetings shows their own columns only, so nothing else is loaded with them; with
    `columns` (of Meeting), those columns of each meeting rather than the meetings."""
    if sort not in MEETING_SORTS:
        raise Invalid(_("Sort by one of: %(sorts)s.", sorts=", ".join(MEETING_SORTS)), field="sort")
    query = (select(Meeting) if columns is None else select(*columns)).order_by(*_meeting_order(sort, language))
    if agreement_id is not None:
        query = query.where(Meeting.agreement_id == agreement_id)
    if status is not None:
        query = query.where(Meeting.status == status)
    found = finds(q, Meeting.title, Meeting.title_ko, Meeting.venue, Meeting.venue_ko, Meeting.city, Meeting.city_ko)
    if found is not None:
        query = query.where(found)
    return query


def split_meetings(meetings: Iterable[Meeting], today: date, *, by_date: bool = True) -> tuple[list[Meeting],
                                                                                            list[Meeting]]:
    """Upcoming (soonest first) and past (latest first); without `by_date`, each in the order given."""
    meetings = list(meetings)
    upcoming = [m for m in meetings if m.end_date >= today]
    if by_date:
        upcoming.sort(key=lambda m: m.start_date)
    past = [m for m in meetings if m.end_date < today]
    return upcoming, past


def get_agenda_item(item_id: int) -> AgendaItem:
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.id == item_id).options(
        selectinload(AgendaItem.focus_areas), selectinload(AgendaItem.attachments),
        joinedload(AgendaItem.meeting)))
    if item is None:
        raise NotFound(_("There is no agenda item with id %(id)s.", id=item_id))
    return item


# --- checking input -----------------------------------------------------------------------------------

def _int(value: Any, key: str) -> int:
    return whole_number(value, key)


def _co_chair(user_id: Any, side: str, key: str) -> int | None:
    if user_id in (None, ""):
        return None
    user = db.session.get(User, _int(user_id, key))
    if user is None:
        raise Invalid(_("There is no account with id %(id)s.", id=user_id), field=key)
    if user.side != side:
        raise Invalid(_("%(name)s belongs to the other side and cannot be its co-chair.", name=user.name), field=key)
    if user.role != "co_chair":
        raise Invalid(_("%(name)s does not have the co-chair role.", name=user.name), field=key)
    if not user.active:
        raise Invalid(_("The account of %(name)s is deactivated.", name=user.name), field=key)
    return user.id


def _focus_areas(agreement_id: int, ids: Iterable[Any], key: str = "focus_area_ids") -> list[FocusArea]:
    wanted = [_int(value, key) for value in ids]
    if not wanted:
        return []
    if len(wanted) > MAX_FOCUS_AREAS:
        raise Invalid(_("Name at most %(n)d focus areas.", n=MAX_FOCUS_AREAS), field=key)
    areas = {a.id: a for a in db.session.scalars(select(FocusArea).where(FocusArea.id.in_(wanted)))}
    for area_id in wanted:
        area = areas.get(area_id)
        if area is None:
            raise Invalid(_("There is no focus area with id %(id)s.", id=area_id), field=key)
        if area.agreement_id != agreement_id:
            raise Invalid(_("Focus area %(code)s belongs to another agreement.", code=area.code), field=key)
    return sorted({areas[i] for i in wanted}, key=lambda a: a.position)


RESCHEDULING = ("start_date", "end_date", "host_side")  # once the agenda is agreed, these take both sides


def _meeting_fields(actor, meeting: Meeting, data: dict[str, Any], *, creating: bool = False,
                    confirmed: bool = False) -> dict[str, tuple]:
    """Check and set the meeting's fields from data; the rules between fields (the dates, the zone, the co-chairs)
    are checked here, each field's own in its declaration. Each side names only its own co-chair; the dates and the
    host of a meeting whose agenda has been agreed change only by a proposal both sides hold (`confirmed`)."""
    data = dict(data)
    if data.get("end_date") in (None, ""):  # an empty last day is the first day
        data.pop("end_date", None)
    def rules(changes: dict) -> None:
        with db.session.no_autoflush:  # the checks read the database; the half-set meeting waits until they pass
            for side, key in (("US", "co_chair_us_id"), ("KR", "co_chair_kr_id")):
                if key in changes:
                    require(actor, "meeting.name_co_chair", SidePart(meeting, side))
                    _co_chair(getattr(meeting, key), side, key)
            if not creating and not confirmed and changes.keys() & set(RESCHEDULING):
                if "start_date" in changes or "end_date" in changes:
                    _check_agenda_open(meeting)  # held: not even both sides move its dates
                require(actor, "meeting.reschedule", meeting)
            if "ordinal" in changes:
                _check_ordinal_free(meeting.agreement_id, meeting.ordinal, meeting.id)
        end = meeting.end_date or meeting.start_date
        if end < meeting.start_date:
            raise Invalid(_("The meeting cannot end (%(end)s) before it starts (%(start)s).",
                            end=end.isoformat(), start=meeting.start_date.isoformat()), field="end_date")
        if (end - meeting.start_date).days + 1 > MAX_MEETING_DAYS:
            raise Invalid(_("A meeting lasts at most %(n)d days.", n=MAX_MEETING_DAYS), field="end_date")

    changes = populate(meeting, data, SET_BY_NAME, creating=creating, rules=rules)
    meeting.end_date = meeting.end_date or meeting.start_date
    return changes


def _check_ordinal_free(agreement_id: int, ordinal: int, meeting_id: int | None = None) -> None:
    existing = db.session.scalar(select(Meeting.id).where(Meeting.agreement_id == agreement_id,
                                                          Meeting.ordinal == ordinal))
    if existing is not None and existing != meeting_id:
        raise Invalid(_("The %(ordinal)s meeting already exists.", ordinal=ordinal_label(ordinal)), field="ordinal")


# --- meetings -----------------------------------------------------------------------------------------

SKELETON = [
    # kind, English title, Korean title, minutes
    ("opening", "Opening remarks by the co-chairs", "공동위원장 개회사", 15),
    ("procedural", "Adoption of the agenda", "의제 채택", 5),
    ("action_review", "Review of action items from previous meetings", "이전 회의 후속조치 점검", 30),
    ("other_business", "Other business", "기타 안건", 15),
    ("procedural", "Date and venue of the next meeting", "차기 회의 일시 및 장소", 5),
    ("closing", "Closing remarks", "폐회사", 10),
]
FOCUS_AREA_MINUTES = 30


def create_meeting(actor, agreement: Agreement, data: dict[str, Any], focus_area_ids: Iterable[Any] = ()) -> Meeting:
    """A new meeting, with the customary first draft of its agenda."""
    require(actor, "meeting.create", agreement)
    meeting = Meeting(agreement_id=agreement.id, status="planning", agenda_version=1)
    _meeting_fields(actor, meeting, {"mode": "in_person", **data}, creating=True)
    english, korean = default_titles(meeting.ordinal)
    meeting.title = meeting.title or english
    meeting.title_ko = meeting.title_ko or korean
    meeting.time_zone = meeting.time_zone or DEFAULT_TIME_ZONES[meeting.host_side]
    areas = _focus_areas(agreement.id, focus_area_ids)
    db.session.add(meeting)
    db.session.flush()
    _sync_days(meeting)
    _add_skeleton(meeting, areas)
    db.session.flush()
    record(actor, "meeting.create", meeting, after=audited(meeting), label=meeting.title)
    return meeting


def present_co_chair(meeting: Meeting, side: str) -> None:
    """A co-chair named once the first draft exists presents its opening and closing where nobody is named yet, in
    both texts, as the first draft would have named them."""
    chair = db.session.get(User, meeting.co_chair_id(side)) if meeting.co_chair_id(side) else None
    if chair is None:
        return
    english, korean = f"presenter_{side.lower()}", f"presenter_{side.lower()}_ko"
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                            AgendaItem.kind.in_(("opening", "closing")))):
        if not getattr(item, english) and not getattr(item, korean):
            setattr(item, english, chair.name)
            setattr(item, korean, chair.name_ko or "")


def _add_skeleton(meeting: Meeting, areas: list[FocusArea]) -> None:
    co_chairs = {side: db.session.get(User, meeting.co_chair_id(side)) if meeting.co_chair_id(side) else None
                 for side in SIDES}
    rows: list[AgendaItem] = []
    for kind, title, title_ko, minutes in SKELETON:
        if kind == "other_business":
            for area in areas:
                rows.append(AgendaItem(kind="focus_area", title=area.title, title_ko=area.title_ko,
                                       duration_minutes=FOCUS_AREA_MINUTES, focus_areas=[area]))
        item = AgendaItem(kind=kind, title=title, title_ko=title_ko, duration_minutes=minutes, focus_areas=[])
        if kind in ("opening", "closing"):
            for side, english, korean in (("US", "presenter_us", "presenter_us_ko"),
                                          ("KR", "presenter_kr", "presenter_kr_ko")):
                chair = co_chairs[side]  # the co-chair's name in both texts, as the account gives it
                setattr(item, english, chair.name if chair else "")
                setattr(item, korean, (chair.name_ko or "") if chair else "")
        rows.append(item)
    for position, item in enumerate(rows):
        item.meeting_id = meeting.id
        item.position = position
        item.day = meeting.start_date
        db.session.add(item)


def _sync_days(meeting: Meeting) -> None:
    """One MeetingDay per date of the meeting; items on a dropped date move to the last day."""
    existing = {d.day: d for d in db.session.scalars(select(MeetingDay).where(MeetingDay.meeting_id == meeting.id))}
    wanted = [meeting.start_date + timedelta(days=n) for n in range((meeting.end_date - meeting.start_date).days + 1)]
    for day in wanted:
        if day not in existing:
            db.session.add(MeetingDay(meeting_id=meeting.id, day=day, starts_at=time(9, 0), ends_at=time(17, 30)))
    for day, row in existing.items():
        if day not in wanted:
            db.session.delete(row)
    stray = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                        AgendaItem.day.not_in(wanted))).all()
    for item in stray:
        item.day = min(max(item.day, wanted[0]), wanted[-1])


def update_meeting(actor, meeting: Meeting, data: dict[str, Any], expected_version: int | None = None) -> Meeting:
    status = data.get("status")
    data = {k: v for k, v in data.items() if k != "status"}
    require(actor, "meeting.set_status" if status is not None and not data else "meeting.edit", meeting)
    check_version(meeting, expected_version, yours=typed_texts(Meeting, data))
    if data:
        _update_meeting_fields(actor, meeting, data)
    if status is not None:
        set_status(actor, meeting, status)
    return meeting


def _update_meeting_fields(actor, meeting: Meeting, data: dict[str, Any], *, confirmed: bool = False) -> None:
    with tracked(actor, "meeting.update", meeting, label=lambda meeting: meeting.title):
        changes = _meeting_fields(actor, meeting, data, confirmed=confirmed)
        english, korean = default_titles(meeting.ordinal)
        meeting.title = meeting.title or english  # emptied: the customary title again
        meeting.title_ko = meeting.title_ko or korean
        for side in SIDES:
            if f"co_chair_{side.lower()}_id" in changes and meeting.status == MeetingStatus.planning:
                present_co_chair(meeting, side)
        if "start_date" in changes or "end_date" in changes:
            _check_agenda_open(meeting)
            db.session.flush()
            if confirmed and "start_date" in changes:  # moved as a whole: each item keeps its place in the days
                _shift_items(meeting, (meeting.start_date - changes["start_date"][0]).days)
            _sync_days(meeting)
            _agenda_changed(actor, meeting)  # the schedule moved: both sides agree it again


STATUS_MOVES = {
    # from → the statuses a secretariat may set by hand (agenda_agreed and minutes_adopted follow from approvals)
    MeetingStatus.planning: {MeetingStatus.held, MeetingStatus.cancelled},
    MeetingStatus.agenda_agreed: {MeetingStatus.held, MeetingStatus.cancelled},
    MeetingStatus.held: {MeetingStatus.planning, MeetingStatus.cancelled},
    MeetingStatus.cancelled: {MeetingStatus.planning},
    MeetingStatus.minutes_adopted: set(),
}
# planning, held, cancelled: what the API accepts as a meeting's new status
SETTABLE_STATUSES = tuple(status.value for status in MeetingStatus
                          if any(status in moves for moves in STATUS_MOVES.values()))


def status_moves(meeting: Meeting, today: date) -> list[str]:
    """The statuses a secretariat may move the meeting to by hand now: held once it has begun."""
    return sorted(status.value for status in STATUS_MOVES[meeting.status]
                  if status != MeetingStatus.held or meeting.start_date <= today)


def _shift_items(meeting: Meeting, days: int) -> None:
    if days:
        for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)):
            item.day = item.day + timedelta(days=days)


def set_status(actor, meeting: Meeting, status: str) -> Meeting:
    require(actor, "meeting.set_status", meeting)
    if status not in MEETING_STATUSES:
        raise Invalid(_("Unknown meeting status “%(status)s”.", status=status), field="status")
    if status == MeetingStatus.cancelled:  # directly only while one side may; else proposed and confirmed
        require(actor, "meeting.cancel", meeting)
    return move_status(actor, meeting, status)


def move_status(actor, meeting: Meeting, status: str) -> Meeting:
    """Move the meeting to a status a secretariat sets by hand, the actor's permission to do so given (directly, or
    by confirming the other side's proposal)."""
    if status == meeting.status:
        return meeting
    if status not in STATUS_MOVES[meeting.status]:
        raise Conflict(_("A meeting cannot go from “%(old)s” to “%(new)s”.", old=meeting.status, new=status))
    if status == "held" and meeting.start_date > date.today():
        raise Conflict(_("The meeting can be marked as held once it has begun (%(date)s).",
                         date=meeting.start_date.isoformat()))
    before = {"status": meeting.status}
    if status == "planning" and meeting.status == "cancelled":
        _agenda_changed(actor, meeting)  # restored: both sides agree its agenda again, as they agreed to cancel it
    elif status == "planning" and _both_agreed(meeting):
        status = "agenda_agreed"
    meeting.status = status
    next_version(meeting)
    db.session.flush()
    record(actor, "meeting.status", meeting, before=before, after={"status": status}, label=meeting.title)
    return meeting


def delete_meeting(actor, meeting: Meeting, expected_version: int | None = None) -> None:
    require(actor, "meeting.delete", meeting)
    check_version(meeting, expected_version)
    record(actor, "meeting.delete", meeting, before=audited(meeting), label=meeting.title)
    db.session.delete(meeting)
    db.session.flush()


def set_day_hours(actor, meeting: Meeting, day: date, starts_at: time, ends_at: time) -> MeetingDay:
    require(actor, "agenda.edit", meeting)
    row = next((d for d in meeting.days if d.day == day), None)
    if row is None:
        raise Invalid(_("%(date)s is not a day of this meeting.", date=day.isoformat()), field="day")
    if ends_at <= starts_at:
        raise Invalid(_("The day must end after it starts."), field="ends_at")
    if (row.starts_at, row.ends_at) != (starts_at, ends_at):
        before = {"day": day.isoformat(), "starts_at": row.starts_at.isoformat(), "ends_at": row.ends_at.isoformat()}
        row.starts_at, row.ends_at = starts_at, ends_at
        _agenda_changed(actor, meeting)
        record(actor, "agenda.day_hours", meeting, before=before,
               after={"day": day.isoformat(), "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
    return row


# --- agenda items -------------------------------------------------------------------------------------

def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.status not in EDITABLE_STATUSES:
        raise Conflict(_("The agenda of a meeting that is %(status)s can no longer be changed.",
                         status=meeting.status))


def _item_fields(meeting: Meeting, item: AgendaItem, data: dict[str, Any], *, creating: bool = False) -> dict:
    """Check and set the agenda item's fields; an empty day leaves it where it is."""
    data = {key: value for key, value in data.items() if key != "day" or value not in (None, "")}
    def rules(changes: dict) -> None:
        if "day" in changes and not meeting.start_date <= item.day <= meeting.end_date:
            raise Invalid(_("%(date)s is not a day of this meeting (%(start)s – %(end)s).", date=item.day.isoformat(),
                            start=meeting.start_date.isoformat(), end=meeting.end_date.isoformat()), field="day")

    return populate(item, data, ITEM_SET_BY_NAME, creating=creating, rules=rules)


def add_agenda_item(actor, meeting: Meeting, data: dict[str, Any]) -> AgendaItem:
    require(actor, "agenda.edit", meeting)
    item = AgendaItem(meeting_id=meeting.id)
    _item_fields(meeting, item, {"kind": "other_business", "duration_minutes": 15, **data}, creating=True)
    areas = _focus_areas(meeting.agreement_id, data.get("focus_area_ids") or [])
    if item.kind == "focus_area" and not areas:
        raise Invalid(_("A focus-area discussion serves at least one focus area."), field="focus_area_ids")
    last, count = db.session.execute(select(func.max(AgendaItem.position), func.count())
                                     .where(AgendaItem.meeting_id == meeting.id)).one()
    if count >= MAX_AGENDA_ITEMS:
        raise Conflict(_("An agenda holds at most %(n)d items: remove one before adding another.",
                         n=MAX_AGENDA_ITEMS))
    # A new item lands on the first day unless a day is chosen, at the end of its day but before the closing (the
    # meeting ends with it): before the first item of a later day, or the closing of its own.
    item.day = item.day or meeting.start_date
    after = (AgendaItem.day > item.day) if item.kind == "closing" else (
        (AgendaItem.day > item.day) | ((AgendaItem.day == item.day) & (AgendaItem.kind == "closing")))
    place = db.session.scalar(select(func.min(AgendaItem.position))
                              .where(AgendaItem.meeting_id == meeting.id, after))
    if place is None:
        item.position = (last + 1) if last is not None else 0
    else:
        for later in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                                 AgendaItem.position >= place)):
            later.position += 1
        item.position = place
    item.focus_areas = areas
    db.session.add(item)
    db.session.flush()
    _agenda_changed(actor, meeting)
    record(actor, "agenda_item.create", item, after=_item_snapshot(item))
    agenda_item_added.send(item)
    return item


def update_agenda_item(actor, item: AgendaItem, data: dict[str, Any], expected_version: int | None = None) -> AgendaItem:
    meeting = item.meeting
    require(actor, "agenda.edit", meeting)
    check_version(item, expected_version,
                  _("Someone else changed this agenda item meanwhile; review their change and try again."),
                  yours=typed_texts(AgendaItem, data))
    version_read = item.version
    with tracked(actor, "agenda_item.update", item, extra=_focus_area_codes):
        with db.session.no_autoflush:
            _item_fields(meeting, item, data)
            if "focus_area_ids" in data:
                item.focus_areas = _focus_areas(meeting.agreement_id, data.get("focus_area_ids") or [])
            if item.kind == "focus_area" and not item.focus_areas:
                raise Invalid(_("A focus-area discussion serves at least one focus area."), field="focus_area_ids")
    if item.version != version_read:
        _agenda_changed(actor, meeting)
    return item


def delete_agenda_item(actor, item: AgendaItem, expected_version: int | None = None) -> None:
    meeting = item.meeting
    require(actor, "agenda.edit", meeting)
    check_version(item, expected_version)
    record(actor, "agenda_item.delete", item, before=_item_snapshot(item))
    db.session.delete(item)
    db.session.flush()
    _renumber(meeting)
    _agenda_changed(actor, meeting)


def _renumber(meeting: Meeting) -> None:
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position, AgendaItem.id)).all()
    for position, item in enumerate(items):
        item.position = position


def reorder_agenda(actor, meeting: Meeting, ids: list[Any]) -> list[AgendaItem]:
    """Put the items in the order given; the list must name every item of the meeting once."""
    require(actor, "agenda.edit", meeting)
    if not isinstance(ids, list):
        raise Invalid(_("Give the order as a list of agenda item ids."), field="ids")
    wanted = [_int(value, "ids") for value in ids]
    items = {i.id: i for i in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))}
    if sorted(wanted) != sorted(items) or len(set(wanted)) != len(wanted):
        raise Invalid(_("The order must list every agenda item of this meeting exactly once."), field="ids")
    before = [i.id for i in sorted(items.values(), key=lambda i: i.position)]
    if before == wanted:
        return [items[i] for i in wanted]
    for position, item_id in enumerate(wanted):
        items[item_id].position = position
    db.session.flush()
    _agenda_changed(actor, meeting)
    record(actor, "agenda.reorder", meeting, before={"order": before}, after={"order": wanted}, label=meeting.title)
    return [items[i] for i in wanted]


def move_agenda_item(actor, item: AgendaItem, direction: str) -> None:
    """One step up or down: the keyboard and no-JavaScript way of reordering."""
    meeting = item.meeting
    require(actor, "agenda.edit", meeting)
    order = [i.id for i in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                              .order_by(AgendaItem.position, AgendaItem.id))]
    index = order.index(item.id)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise Invalid(_("Move up or down."), field="direction")
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        reorder_agenda(actor, meeting, order)


def _focus_area_codes(item: AgendaItem) -> dict[str, Any]:
    return {"focus_areas": [area.code for area in item.focus_areas]}


def _item_snapshot(item: AgendaItem) -> dict[str, Any]:
    return {**audited(item), **_focus_area_codes(item)}


# --- versions and agreement ---------------------------------------------------------------------------

def _approvals(meeting: Meeting) -> list[AgendaApproval]:
    return list(db.session.scalars(select(AgendaApproval).where(
        AgendaApproval.meeting_id == meeting.id, AgendaApproval.agenda_version == meeting.agenda_version)))


def _both_agreed(meeting: Meeting) -> bool:
    return {a.side for a in _approvals(meeting)} == set(SIDES)


def _agenda_changed(actor, meeting: Meeting) -> None:
    """A change to a version either side has agreed starts a new version and clears the agreements."""
    if not _approvals(meeting):
        return
    before = {"agenda_version": meeting.agenda_version, "status": meeting.status}
    next_version(meeting, "agenda_version")
    if meeting.status == "agenda_agreed":
        meeting.status = "planning"
    db.session.flush()
    record(actor, "agenda.new_version", meeting, before=before,
           after={"agenda_version": meeting.agenda_version, "status": meeting.status}, label=meeting.title)


def papers_changed(actor, meeting: Meeting) -> None:
    """A paper added to, replaced on or removed from an agenda item: the agreed agenda lists its papers, so while the
    agenda is open a change to a version either side has agreed starts a new version, as any other change does.
    Once the meeting is held its agreed agenda stands; the papers presented there are still added."""
    if meeting.status in EDITABLE_STATUSES:
        _agenda_changed(actor, meeting)


def check_agenda_version(meeting: Meeting, expected: int | None) -> None:
    """A change based on an agenda version no longer current is refused (409), with the version now."""
    if expected is not None and expected != meeting.agenda_version:
        raise Conflict(_("The agenda has changed since you read it: it is now version %(version)d. "
                         "Review it and try again.", version=meeting.agenda_version),
                       current={"agenda_version": meeting.agenda_version})


def agenda_texts(meeting: Meeting) -> list[Weighed]:
    """What the parity gate weighs before a side agrees the agenda: the meeting's texts (title, venue, city) and
    each agenda item's (title, description, presenters), named as the agenda numbers them."""
    ordered = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(
        AgendaItem.day, AgendaItem.position, AgendaItem.id)).all()  # day by day, as schedule() numbers them
    return [Weighed(meeting, _("The meeting")),
            *(Weighed(item, _("Agenda item %(number)d “%(title)s”", number=number, title=localized(item, "title")))
              for number, item in enumerate(ordered, start=1))]


def agenda_text_gaps(meeting: Meeting) -> list[NamedGap]:
    """Each text of the agenda missing, stale or not yet checked in a language: while any is, neither side agrees."""
    agreement = db.session.get(Agreement, meeting.agreement_id)
    return named_gaps(agenda_texts(meeting), agreement.answers_for)


def agree_agenda(actor, meeting: Meeting, expected_agenda_version: int | None = None) -> AgendaApproval:
    """The actor's side agrees the current version, once both texts of the agenda are complete and each side has
    checked its own language; when both sides have agreed, the agenda is agreed."""
    try:
        require(actor, "agenda.agree", meeting)
    except AlreadyDone:  # agreeing again changes nothing
        return approvals_by_side(meeting)[actor.side]
    if expected_agenda_version is not None and expected_agenda_version != meeting.agenda_version:
        raise Conflict(_("The agenda has changed since you read it: it is now version %(version)d. "
                         "Review it before agreeing.", version=meeting.agenda_version),
                       current={"agenda_version": meeting.agenda_version})
    if not db.session.scalar(select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)):
        raise Invalid(_("An empty agenda cannot be agreed."))
    refuse_gaps(agenda_text_gaps(meeting), lambda gaps: _(
        "The agenda cannot be agreed until both texts are complete and each side has checked its own language: "
        "%(gaps)s.", gaps=gaps))
    side = actor.side
    existing = next((a for a in _approvals(meeting) if a.side == side), None)
    if existing is not None:
        return existing
    approval = AgendaApproval(meeting_id=meeting.id, side=side, agenda_version=meeting.agenda_version,
                              user_id=actor.id, at=utcnow())
    meeting.approvals.append(approval)
    db.session.flush()
    record(actor, "agenda.agree", meeting, after={"side": side, "agenda_version": meeting.agenda_version},
           label=meeting.title)
    if _both_agreed(meeting):
        if meeting.status == "planning":
            meeting.status = "agenda_agreed"
        items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                   .options(selectinload(AgendaItem.focus_areas),
                                            selectinload(AgendaItem.attachments))
                                   .order_by(AgendaItem.position)).all()
        agreed = AgendaSnapshot(meeting_id=meeting.id, agenda_version=meeting.agenda_version,
                                content=[{"id": i.id, **_item_snapshot(i), "attachments": _papers(i)} for i in items])
        db.session.add(agreed)
        db.session.flush()
        agenda_agreed.send(meeting, snapshot=agreed)
        db.session.flush()
        record(actor, "agenda.agreed", meeting, after={"agenda_version": meeting.agenda_version},
               label=meeting.title)
    return approval


def approvals_by_side(meeting: Meeting) -> dict[str, AgendaApproval | None]:
    current = _approvals(meeting)
    return {side: next((a for a in current if a.side == side), None) for side in SIDES}


def last_agreed_snapshot(meeting: Meeting) -> AgendaSnapshot | None:
    return db.session.scalar(select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting.id)
                             .order_by(AgendaSnapshot.agenda_version.desc()).limit(1))


def in_agreed_agenda(item: AgendaItem) -> bool:
    """Whether the item stands in the last version of the agenda both sides agreed: removing it is a final act."""
    agreed = last_agreed_snapshot(item.meeting)
    return agreed is not None and any(row.get("id") == item.id for row in agreed.content or [])


@dataclass
class AgendaChange:
    kind: str  # added | removed | changed | moved
    title: str
    fields: list[str] = field(default_factory=list)


def changes_since_agreed(meeting: Meeting) -> tuple[AgendaSnapshot | None, list[AgendaChange]]:
    """What differs between the agenda now and the last version both sides agreed."""
    agreed = last_agreed_snapshot(meeting)
    if agreed is None or agreed.agenda_version == meeting.agenda_version:
        return agreed, []
    then = {row["id"]: row for row in agreed.content}
    now_items = meeting.items
    changes: list[AgendaChange] = []
    for item in now_items:
        old = then.get(item.id)
        if old is None:
            changes.append(AgendaChange("added", item.title))
            continue
        current = _item_snapshot(item)
        differing = [key for key in current if key != "position"
                     and _comparable(current.get(key)) != _comparable(old.get(key))]
        if "attachments" in old and _papers(item) != old["attachments"]:  # kept since papers make a new version
            differing.append("attachments")
        if differing:
            changes.append(AgendaChange("changed", item.title, differing))
    for item_id, old in then.items():
        if item_id not in {i.id for i in now_items}:
            changes.append(AgendaChange("removed", old["title"]))
    old_order = [row["id"] for row in agreed.content if row["id"] in {i.id for i in now_items}]
    new_order = [i.id for i in now_items if i.id in then]
    if old_order != new_order:
        changes.append(AgendaChange("moved", _("The order of the items")))
    return agreed, changes


def _papers(item: AgendaItem) -> list[dict[str, str]]:
    """The item's papers as an agreed version kept them: a paper replaced under the same name is a change."""
    return [{"filename": a.filename, "sha256": a.sha256} for a in item.attachments]


def _comparable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


# --- the schedule -------------------------------------------------------------------------------------

@dataclass
class Slot:
    item: AgendaItem
    number: int
    starts: time
    ends: time


@dataclass
class ScheduleDay:
    day: MeetingDay
    slots: list[Slot]
    minutes: int
    ends: time
    overrun_minutes: int

    @property
    def overruns(self) -> bool:
        return self.overrun_minutes > 0


def _add_minutes(moment: time, minutes: int) -> tuple[time, int]:
    """The time `minutes` after `moment`, and how many whole days that crossed."""
    total = moment.hour * 60 + moment.minute + minutes
    return time((total // 60) % 24, total % 60), total // (24 * 60)


def schedule(meeting: Meeting) -> list[ScheduleDay]:
    """Each day's items with start and end times computed from the day's start and the durations."""
    by_day: dict[date, list[AgendaItem]] = {d.day: [] for d in meeting.days}
    for item in meeting.items:
        by_day.setdefault(item.day, []).append(item)
    days: list[ScheduleDay] = []
    number = 0
    for day in meeting.days:
        clock, spent = day.starts_at, 0
        slots: list[Slot] = []
        for item in by_day.get(day.day, []):
            number += 1
            ends, _crossed = _add_minutes(clock, item.duration_minutes)
            slots.append(Slot(item, number, clock, ends))
            clock, spent = ends, spent + item.duration_minutes
        planned = (day.ends_at.hour * 60 + day.ends_at.minute) - (day.starts_at.hour * 60 + day.starts_at.minute)
        days.append(ScheduleDay(day, slots, spent, clock, max(0, spent - planned)))
    return days


def total_minutes(meeting: Meeting) -> int:
    return sum(item.duration_minutes for item in meeting.items)
