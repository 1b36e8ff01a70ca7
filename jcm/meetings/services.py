"""The rules of meetings and their agendas: the first draft, editing, ordering, the schedule,
versions, and agreement by both sides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Iterable
from zoneinfo import available_timezones

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from jcm.accounts.models import User
from jcm.audit.services import record, snapshot
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.meetings.models import (AGENDA_ITEM_KINDS, DEFAULT_TIME_ZONES, MEETING_STATUSES, MODES, AgendaApproval,
                                 AgendaItem, AgendaSnapshot, Meeting, MeetingDay, MeetingStatus)
from jcm.models import SIDES, parse_date, utcnow, whole_number
from jcm.mou.models import Agreement, FocusArea
from jcm.permissions import AlreadyDone, require
from jcm.versions import next_version

MEETING_FIELDS = ("ordinal", "title", "title_ko", "start_date", "end_date", "time_zone", "venue", "venue_ko", "city",
                  "city_ko", "host_side", "mode", "co_chair_us_id", "co_chair_kr_id", "status")
ITEM_FIELDS = ("position", "day", "kind", "title", "title_ko", "description", "presenter_us", "presenter_kr",
               "duration_minutes")
MAX_MEETING_DAYS = 14
signals = Namespace()
# Sent when both sides have agreed an agenda version; the documents feature freezes what its document prints.
agenda_agreed = signals.signal("agenda-agreed")
MAX_DURATION = 480  # minutes: one item never takes more than a working day
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
                                   selectinload(Meeting.days), selectinload(Meeting.approvals))


def get_meeting(meeting_id: int, *, with_agenda: bool = False) -> Meeting:
    query = meeting_query().where(Meeting.id == meeting_id)
    if with_agenda:
        query = query.options(selectinload(Meeting.items).selectinload(AgendaItem.focus_areas),
                              selectinload(Meeting.items).selectinload(AgendaItem.attachments),
                              joinedload(Meeting.agreement))
    meeting = db.session.scalar(query)
    if meeting is None:
        raise NotFound(_("There is no meeting with id %(id)s.", id=meeting_id))
    return meeting


def list_meetings(agreement_id: int | None = None) -> list[Meeting]:
    query = meeting_query().order_by(Meeting.start_date.desc(), Meeting.ordinal.desc())
    if agreement_id is not None:
        query = query.where(Meeting.agreement_id == agreement_id)
    return list(db.session.scalars(query))


def split_meetings(meetings: Iterable[Meeting], today: date) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming (soonest first) and past (latest first)."""
    upcoming = sorted((m for m in meetings if m.end_date >= today), key=lambda m: m.start_date)
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

def _text(data: dict, key: str, limit: int, *, required: bool = False, label: str | None = None) -> str:
    value = data.get(key)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise Invalid(_("%(field)s is required.", field=label or key), field=key)
    if len(text) > limit:
        raise Invalid(_("%(field)s may be at most %(limit)d characters.", field=label or key, limit=limit), field=key)
    return text


@cache
def known_time_zones() -> frozenset[str]:
    """The IANA time zones Python's zoneinfo knows (read once: the tz database does not change under JCM)."""
    return frozenset(available_timezones())


def _time_zone(value: Any) -> str:
    zone = value.strip() if isinstance(value, str) else None
    if zone not in known_time_zones():
        # Not echoed: the value may be anything (very long, control characters).
        raise Invalid(_("The time zone must be an IANA time zone name such as Asia/Seoul or America/New_York."),
                      field="time_zone")
    return zone


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
    areas = {a.id: a for a in db.session.scalars(select(FocusArea).where(FocusArea.id.in_(wanted)))}
    for area_id in wanted:
        area = areas.get(area_id)
        if area is None:
            raise Invalid(_("There is no focus area with id %(id)s.", id=area_id), field=key)
        if area.agreement_id != agreement_id:
            raise Invalid(_("Focus area %(code)s belongs to another agreement.", code=area.code), field=key)
    return sorted({areas[i] for i in wanted}, key=lambda a: a.position)


def _meeting_values(data: dict[str, Any], meeting: Meeting | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "ordinal" in data:
        ordinal = _int(data["ordinal"], "ordinal")
        if not 1 <= ordinal <= 999:
            raise Invalid(_("The ordinal must be between 1 and 999."), field="ordinal")
        values["ordinal"] = ordinal
    for key, limit in (("title", 300), ("title_ko", 300), ("venue", 300), ("venue_ko", 300), ("city", 200),
                       ("city_ko", 200)):
        if key in data:
            values[key] = _text(data, key, limit)
    for key in ("start_date", "end_date"):
        if data.get(key) not in (None, ""):
            values[key] = parse_date(data[key], key)
        elif key == "start_date" and key in data:
            raise Invalid(_("The first day of the meeting is required."), field="start_date")
    if "host_side" in data:
        if data["host_side"] not in SIDES:
            raise Invalid(_("The host side must be US or KR."), field="host_side")
        values["host_side"] = data["host_side"]
    if "time_zone" in data:
        values["time_zone"] = _time_zone(data["time_zone"])
    if "mode" in data:
        if data["mode"] not in MODES:
            raise Invalid(_("The mode must be in person, virtual or hybrid."), field="mode")
        values["mode"] = data["mode"]
    if "co_chair_us_id" in data:
        values["co_chair_us_id"] = _co_chair(data["co_chair_us_id"], "US", "co_chair_us_id")
    if "co_chair_kr_id" in data:
        values["co_chair_kr_id"] = _co_chair(data["co_chair_kr_id"], "KR", "co_chair_kr_id")
    start = values.get("start_date", meeting.start_date if meeting else None)
    end = values.get("end_date", meeting.end_date if meeting else None) or start
    if start and end:
        if end < start:
            raise Invalid(_("The meeting cannot end (%(end)s) before it starts (%(start)s).",
                            end=end.isoformat(), start=start.isoformat()), field="end_date")
        if (end - start).days + 1 > MAX_MEETING_DAYS:
            raise Invalid(_("A meeting lasts at most %(n)d days.", n=MAX_MEETING_DAYS), field="end_date")
        values["end_date"] = end
    return values


def _check_ordinal_free(agreement_id: int, ordinal: int, meeting_id: int | None = None) -> None:
    existing = db.session.scalar(select(Meeting.id).where(Meeting.agreement_id == agreement_id,
                                                          Meeting.ordinal == ordinal))
    if existing is not None and existing != meeting_id:
        raise Invalid(_("The %(ordinal)s meeting already exists.", ordinal=ordinal_label(ordinal)), field="ordinal")


def _check_version(obj, expected: int | None, fields: tuple[str, ...], message: str | None = None) -> None:
    if expected is not None and expected != obj.version:
        raise Conflict(message or _("Someone else changed this meanwhile; review their change and try again."),
                       current={**snapshot(obj, fields), "version": obj.version})


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
    for key in ("ordinal", "start_date", "host_side"):
        if data.get(key) in (None, ""):
            raise Invalid(_("%(field)s is required.", field=key), field=key)
    values = _meeting_values({"mode": "in_person", **data}, None)
    _check_ordinal_free(agreement.id, values["ordinal"])
    english, korean = default_titles(values["ordinal"])
    values["title"] = values.get("title") or english
    values["title_ko"] = values.get("title_ko") or korean
    values.setdefault("time_zone", DEFAULT_TIME_ZONES[values["host_side"]])
    values.pop("status", None)
    areas = _focus_areas(agreement.id, focus_area_ids)
    meeting = Meeting(agreement_id=agreement.id, status="planning", agenda_version=1, **values)
    db.session.add(meeting)
    db.session.flush()
    _sync_days(meeting)
    _add_skeleton(meeting, areas)
    db.session.flush()
    record(actor, "meeting.create", meeting, after=snapshot(meeting, MEETING_FIELDS), label=meeting.title)
    return meeting


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
            item.presenter_us = co_chairs["US"].name if co_chairs["US"] else ""
            item.presenter_kr = co_chairs["KR"].name if co_chairs["KR"] else ""
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
    _check_version(meeting, expected_version, MEETING_FIELDS)
    if data:
        _update_meeting_fields(actor, meeting, data)
    if status is not None:
        set_status(actor, meeting, status)
    return meeting


def _update_meeting_fields(actor, meeting: Meeting, data: dict[str, Any]) -> None:
    values = _meeting_values(data, meeting)
    if "ordinal" in values:
        _check_ordinal_free(meeting.agreement_id, values["ordinal"], meeting.id)
    english, korean = default_titles(values.get("ordinal", meeting.ordinal))
    if "title" in values and not values["title"]:
        values["title"] = english
    if "title_ko" in values and not values["title_ko"]:
        values["title_ko"] = korean
    before = snapshot(meeting, MEETING_FIELDS)
    for key, value in values.items():
        setattr(meeting, key, value)
    after = snapshot(meeting, MEETING_FIELDS)
    if after != before:
        next_version(meeting)
        db.session.flush()
        if before["start_date"] != after["start_date"] or before["end_date"] != after["end_date"]:
            _check_agenda_open(meeting)
            _sync_days(meeting)
            _agenda_changed(actor, meeting)  # the schedule moved: both sides agree it again
        record(actor, "meeting.update", meeting, before=before, after=after, label=meeting.title)


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


def set_status(actor, meeting: Meeting, status: str) -> Meeting:
    require(actor, "meeting.set_status", meeting)
    if status not in MEETING_STATUSES:
        raise Invalid(_("Unknown meeting status “%(status)s”.", status=status), field="status")
    if status == meeting.status:
        return meeting
    if status not in STATUS_MOVES[meeting.status]:
        raise Conflict(_("A meeting cannot go from “%(old)s” to “%(new)s”.", old=meeting.status, new=status))
    if status == "held" and meeting.start_date > date.today():
        raise Conflict(_("The meeting can be marked as held once it has begun (%(date)s).",
                         date=meeting.start_date.isoformat()))
    before = {"status": meeting.status}
    if status == "planning" and _both_agreed(meeting):
        status = "agenda_agreed"
    meeting.status = status
    next_version(meeting)
    db.session.flush()
    record(actor, "meeting.status", meeting, before=before, after={"status": status}, label=meeting.title)
    return meeting


def delete_meeting(actor, meeting: Meeting, expected_version: int | None = None) -> None:
    require(actor, "meeting.delete", meeting)
    _check_version(meeting, expected_version, MEETING_FIELDS)
    record(actor, "meeting.delete", meeting, before=snapshot(meeting, MEETING_FIELDS), label=meeting.title)
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


def _item_values(meeting: Meeting, data: dict[str, Any], item: AgendaItem | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "kind" in data:
        if data["kind"] not in AGENDA_ITEM_KINDS:
            raise Invalid(_("Unknown kind of agenda item “%(kind)s”.", kind=data["kind"]), field="kind")
        values["kind"] = data["kind"]
    if "title" in data or item is None:
        values["title"] = _text(data, "title", 300, required=True, label=_("Title"))
    for key, limit in (("title_ko", 300), ("presenter_us", 300), ("presenter_kr", 300), ("description", 20000)):
        if key in data:
            values[key] = _text(data, key, limit)
    if "duration_minutes" in data:
        minutes = _int(data["duration_minutes"], "duration_minutes")
        if not 1 <= minutes <= MAX_DURATION:
            raise Invalid(_("The duration must be between 1 and %(max)d minutes.", max=MAX_DURATION),
                          field="duration_minutes")
        values["duration_minutes"] = minutes
    if data.get("day") not in (None, ""):
        day = parse_date(data["day"], "day")
        if not meeting.start_date <= day <= meeting.end_date:
            raise Invalid(_("%(date)s is not a day of this meeting (%(start)s – %(end)s).", date=day.isoformat(),
                            start=meeting.start_date.isoformat(), end=meeting.end_date.isoformat()), field="day")
        values["day"] = day
    return values


def add_agenda_item(actor, meeting: Meeting, data: dict[str, Any]) -> AgendaItem:
    require(actor, "agenda.edit", meeting)
    values = _item_values(meeting, {"kind": "other_business", "duration_minutes": 15, **data}, None)
    areas = _focus_areas(meeting.agreement_id, data.get("focus_area_ids") or [])
    if values["kind"] == "focus_area" and not areas:
        raise Invalid(_("A focus-area discussion serves at least one focus area."), field="focus_area_ids")
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    values.setdefault("day", meeting.end_date if last is not None else meeting.start_date)
    item = AgendaItem(meeting_id=meeting.id, position=(last + 1) if last is not None else 0, focus_areas=areas,
                      **values)
    db.session.add(item)
    db.session.flush()
    _agenda_changed(actor, meeting)
    record(actor, "agenda_item.create", item, after=_item_snapshot(item))
    return item


def update_agenda_item(actor, item: AgendaItem, data: dict[str, Any], expected_version: int | None = None) -> AgendaItem:
    meeting = item.meeting
    require(actor, "agenda.edit", meeting)
    _check_version(item, expected_version, ITEM_FIELDS,
                   _("Someone else changed this agenda item meanwhile; review their change and try again."))
    values = _item_values(meeting, data, item)
    areas = (_focus_areas(meeting.agreement_id, data.get("focus_area_ids") or [])
             if "focus_area_ids" in data else item.focus_areas)
    if values.get("kind", item.kind) == "focus_area" and not areas:
        raise Invalid(_("A focus-area discussion serves at least one focus area."), field="focus_area_ids")
    before = _item_snapshot(item)
    for key, value in values.items():
        setattr(item, key, value)
    if "focus_area_ids" in data:
        item.focus_areas = areas
    after = _item_snapshot(item)
    if after != before:
        next_version(item)
        db.session.flush()
        _agenda_changed(actor, meeting)
        record(actor, "agenda_item.update", item, before=before, after=after)
    return item


def delete_agenda_item(actor, item: AgendaItem, expected_version: int | None = None) -> None:
    meeting = item.meeting
    require(actor, "agenda.edit", meeting)
    _check_version(item, expected_version, ITEM_FIELDS)
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


def _item_snapshot(item: AgendaItem) -> dict[str, Any]:
    data = snapshot(item, ITEM_FIELDS)
    data["focus_areas"] = [area.code for area in item.focus_areas]
    return data


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


def agree_agenda(actor, meeting: Meeting, expected_agenda_version: int | None = None) -> AgendaApproval:
    """The actor's side agrees the current version; when both sides have, the agenda is agreed."""
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
                                   .options(selectinload(AgendaItem.focus_areas))
                                   .order_by(AgendaItem.position)).all()
        agreed = AgendaSnapshot(meeting_id=meeting.id, agenda_version=meeting.agenda_version,
                                content=[{"id": i.id, **_item_snapshot(i)} for i in items])
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
        differing = [key for key in (*ITEM_FIELDS, "focus_areas") if key != "position"
                     and _comparable(current.get(key)) != _comparable(old.get(key))]
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
