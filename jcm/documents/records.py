"""What the agenda and the minutes print, gathered into plain records (jcm.records).

A draft document is rendered from a record built afresh on each request; an agreed agenda version and adopted
minutes are rendered only from the record frozen when both sides agreed, so nothing changed later in JCM — an
action item, an account, an agency, the MOU's titles, a paper — can change what was agreed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import Any, Sequence

from sqlalchemy import Row, select

from jcm.actions.columns import (AGENDA_CARRIED, MINUTES_NEW, MINUTES_REVIEW, Column, columns_named, document_table,
                                 frozen)
from jcm.actions.services import (agency_labels, carried_over_rows, group_by_focus_area, owners_of, people_labels,
                                  raised_at_rows, review_rows_at)
from jcm.documents.services import marking_of
from jcm.extensions import db
from jcm.meetings.models import AgendaSnapshot, Meeting
from jcm.meetings.services import approvals_by_side, get_meeting, schedule, total_minutes
from jcm.minutes.models import Minutes
from jcm.minutes.services import approvals_by_side as minutes_approvals_by_side
from jcm.minutes.services import ordered_sections
from jcm.mou.models import FocusArea, Participant
from jcm.models import SIDES
from jcm.records import agreement_facts, both, digest, iso

# /2: every text a secretariat writes is kept in both languages ({"en", "ko"}); a record of /1 kept the titles only
# and is printed as it always was (templates/documents/v1/).
AGENDA_SCHEMA = "jcm.agenda/2"
MINUTES_SCHEMA = "jcm.minutes/2"


def governments(agreement_id: int) -> dict[str, Any]:
    named = {p.side: p for p in db.session.scalars(select(Participant).where(Participant.agreement_id == agreement_id))}
    return {side: {"name": both(named[side], "name"), "short_name": both(named[side], "short_name")}
            if side in named else None for side in SIDES}


def _meeting_facts(meeting: Meeting) -> dict[str, Any]:
    return {"id": meeting.id, "ordinal": meeting.ordinal, "ref": meeting.short_ref, "title": both(meeting, "title"),
            "start_date": iso(meeting.start_date), "end_date": iso(meeting.end_date),
            "time_zone": getattr(meeting, "time_zone", None) or "UTC",
            "venue": both(meeting, "venue"), "city": both(meeting, "city"), "host_side": meeting.host_side,
            "mode": meeting.mode}


def _area(area: FocusArea) -> dict[str, Any]:
    return {"code": area.code, "title": both(area, "title")}


def _attachment(attachment) -> dict[str, Any]:
    return {"filename": attachment.filename, "content_type": attachment.content_type, "size": attachment.size}


def _item(item) -> dict[str, Any]:
    return {"id": item.id, "kind": item.kind, "title": both(item, "title"), "description": both(item, "description"),
            "focus_areas": [area.code for area in item.focus_areas],
            "presenters": {"US": both(item, "presenter_us"), "KR": both(item, "presenter_kr")},
            "duration_minutes": item.duration_minutes,
            "attachments": [_attachment(a) for a in item.attachments]}


def with_korean(obj: Any, *fields: str) -> dict[str, Any]:
    """Texts kept as they always were, each with its Korean beside it under the same name + "_ko" (as the API names
    them): a record's readers that know only the English (a correction, the verification) read it as before."""
    kept: dict[str, Any] = {}
    for field in fields:
        kept[field] = getattr(obj, field) or ""
        kept[f"{field}_ko"] = getattr(obj, f"{field}_ko", "") or ""
    return kept


def _person(user) -> dict[str, Any] | None:
    """A co-chair: the romanized name and the one in Hangul, the title in both languages."""
    if user is None:
        return None
    return with_korean(user, "name", "title")


# --- the tables of action items -----------------------------------------------------------------------
# An action item is frozen as the registry's columns say (jcm/actions/columns.py), and a record names the columns
# of each of its tables, so a column added to the registry later shows only in documents made after it.

# The tables of action items a record holds, by name, and the registry's list of each.
TABLES = {"carried": AGENDA_CARRIED, "review": MINUTES_REVIEW, "new": MINUTES_NEW}
# The columns the tables printed before records named them: a record frozen then prints these (the agenda's
# outcome only when its meeting had recorded any).
EARLIER_TABLES = {"carried": ("ref", "title", "owners", "due_date", "outcome"),
                  "review": ("ref", "title", "owners", "outcome"),
                  "new": ("ref", "title", "focus_area", "owners", "due_date")}


class PrintedItem(SimpleNamespace):
    """An action item as a document's record freezes it (columns.frozen): the fields of the item the columns freeze,
    from a plain row, its focus area and its owners looked up once for all the items, answering for them as the item
    itself would. A document freezes hundreds of them; building an object of the ORM for each is what made it slow."""

    def owners_on(self, side: str) -> list[SimpleNamespace]:
        return self.sides.get(side, [])


# What the columns of the documents' tables freeze of an action item (columns.frozen): its reference, title in both
# languages, due date and status, and its focus area (by id); its owners are read beside them.
FROZEN_FIELDS = ("ref", "title", "title_ko", "due_date", "status", "focus_area_id")


# Every account's and every organization's names in both languages, by id (people_labels, agency_labels): read once
# for all the tables of a record.
Names = tuple[dict[int, Row], dict[int, Row]]


def names() -> Names:
    return people_labels(), agency_labels()


def printed_items(rows: Sequence[Row], named: Names | None = None) -> list[PrintedItem]:
    """The items of these rows (of the id and FROZEN_FIELDS of ActionItem) as a record freezes them: two more queries
    in all (and the names of the owners, unless `named` gives them)."""
    if not rows:
        return []
    areas = {area.id: area for area in db.session.scalars(
        select(FocusArea).where(FocusArea.id.in_({row.focus_area_id for row in rows})))}
    people, agencies = named or names()
    owners: dict[int, dict[str, list[SimpleNamespace]]] = defaultdict(lambda: defaultdict(list))
    for item_id, side, user_id, organization_id in owners_of([row.id for row in rows]):
        owners[item_id][side].append(SimpleNamespace(
            side=side, user=people[user_id] if user_id is not None else None,
            organization=agencies[organization_id] if organization_id is not None else None))
    return [PrintedItem(**row._asdict(), focus_area=areas[row.focus_area_id], sides=owners.get(row.id, {}))
            for row in rows]


@dataclass(frozen=True)
class CarriedOver:
    """The action items carried over to a meeting, as a record freezes them, and the outcomes the meeting recorded
    for them: read once for the minutes and the agenda annexed to them."""

    items: list[PrintedItem]
    reviews: dict[int, Row]

    @classmethod
    def to(cls, meeting: Meeting, named: Names | None = None) -> "CarriedOver":
        return cls(printed_items(carried_over_rows(meeting, FROZEN_FIELDS), named), review_rows_at(meeting))

    @cached_property
    def entries(self) -> dict[int, dict[str, Any]]:
        """Each item as the record keeps it, with the outcome the meeting recorded, by id."""
        return {item.id: frozen(item, self.reviews.get(item.id)) for item in self.items}


@dataclass(frozen=True)
class Table:
    """A table of action items as a document prints it: the registry's list (for its cells' options) and the
    columns the record names."""

    listing: str
    columns: tuple[Column, ...]


def printed_table(record: dict[str, Any], name: str) -> Table:
    """One of a record's tables of action items, with the columns the record names."""
    keys = (record.get("tables") or {}).get(name)
    if keys is None:  # frozen before records named them
        keys = list(EARLIER_TABLES[name])
        if name == "carried" and not record.get("reviews_recorded"):
            keys.remove("outcome")
    return Table(TABLES[name], columns_named(keys))


# --- the agenda ---------------------------------------------------------------------------------------

def agenda_record(meeting: Meeting, carried_over: CarriedOver | None = None) -> dict[str, Any]:
    """Everything the agenda document prints. `meeting` is loaded with its agenda (get_meeting(with_agenda=True));
    the action items carried over to it are read unless given."""
    approvals = approvals_by_side(meeting)
    agreed = all(approvals[side] is not None for side in SIDES)
    areas = {area.code: area for item in meeting.items for area in item.focus_areas}
    carried_over = carried_over or CarriedOver.to(meeting)
    carried, reviews = carried_over.items, carried_over.reviews
    return {
        "schema": AGENDA_SCHEMA,
        "agreement": agreement_facts(meeting.agreement),
        "governments": governments(meeting.agreement_id),
        "meeting": _meeting_facts(meeting),
        "co_chairs": {"US": _person(meeting.co_chair_us), "KR": _person(meeting.co_chair_kr)},
        "version": meeting.agenda_version,
        "agreed": agreed,
        "agreed_at": iso(max(a.at for a in approvals.values())) if agreed else None,
        "approvals": {side: ({**with_korean_name(a.user), "role": a.user.role if a.user else "",
                              "at": iso(a.at), "version": a.agenda_version} if a else None)
                      for side, a in approvals.items()},
        "days": [{"day": iso(day.day.day), "starts_at": iso(day.day.starts_at), "ends_at": iso(day.day.ends_at),
                  "ends": iso(day.ends), "minutes": day.minutes, "overrun_minutes": day.overrun_minutes,
                  "slots": [{"number": slot.number, "starts": iso(slot.starts), "ends": iso(slot.ends),
                             "item": _item(slot.item)} for slot in day.slots]}
                 for day in schedule(meeting)],
        "total_minutes": total_minutes(meeting),
        "focus_areas": [_area(area) for area in sorted(areas.values(), key=lambda a: a.position)],
        "carried": [{"area": _area(area), "items": [carried_over.entries[item.id] for item in items]}
                    for area, items in group_by_focus_area(carried)],
        "reviews_recorded": bool(reviews),
        "tables": {"carried": document_table(AGENDA_CARRIED, reviews_recorded=bool(reviews))},
        "marking": marking_of(meeting.id),
    }


def freeze_agenda(meeting: Meeting, snapshot: AgendaSnapshot) -> None:
    """Called when both sides have agreed a version: its document is rendered from this record from now on."""
    loaded = get_meeting(meeting.id, with_agenda=True)
    snapshot.record = agenda_record(loaded)
    snapshot.sha256 = digest(snapshot.record)


def agreed_agenda(meeting: Meeting) -> AgendaSnapshot | None:
    """The frozen record of the current agenda version, when both sides have agreed it."""
    return db.session.scalar(select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting.id,
                                                          AgendaSnapshot.agenda_version == meeting.agenda_version,
                                                          AgendaSnapshot.record.is_not(None)))


def current_agenda_record(meeting: Meeting, carried_over: CarriedOver | None = None) -> dict[str, Any]:
    snapshot = agreed_agenda(meeting)
    if snapshot is not None:
        return snapshot.record
    return agenda_record(meeting if "items" not in db.inspect(meeting).unloaded
                         else get_meeting(meeting.id, with_agenda=True), carried_over)


# --- the minutes --------------------------------------------------------------------------------------

def _previous(meeting: Meeting) -> dict[str, Any] | None:
    """The meeting before this one under the same agreement, and whether JCM holds its adopted minutes."""
    previous = db.session.scalar(
        select(Meeting).where(Meeting.agreement_id == meeting.agreement_id, Meeting.id != meeting.id,
                              Meeting.start_date < meeting.start_date, Meeting.status != "cancelled")
        .order_by(Meeting.start_date.desc(), Meeting.ordinal.desc()).limit(1))
    if previous is None:
        return None
    adopted = db.session.scalar(select(Minutes.id).where(Minutes.meeting_id == previous.id,
                                                         Minutes.status == "adopted")) is not None
    return {"meeting_id": previous.id, "ordinal": previous.ordinal, "title": both(previous, "title"),
            "adopted": adopted}


def minutes_record(meeting: Meeting, minutes: Minutes, *, with_agenda: bool = False) -> dict[str, Any]:
    """Everything the minutes document prints; at adoption this is frozen and its digest fixed. The meeting is
    loaded here with its agenda, unless the caller loaded it so (get_meeting(with_agenda=True)): with_agenda."""
    if not with_agenda:
        meeting = get_meeting(meeting.id, with_agenda=True)
    agreement = meeting.agreement
    items = {item.id: item for item in meeting.items}
    area_ids = {entry.focus_area_id for entry in minutes.progress}
    areas = {a.id: a for a in db.session.scalars(select(FocusArea).where(FocusArea.id.in_(area_ids)))}
    progress = {entry.focus_area_id: entry for entry in minutes.progress}
    shown: set[int] = set()
    records = []
    for number, section in enumerate(ordered_sections(minutes), start=1):
        item = items.get(section.agenda_item_id, section.agenda_item)
        entries = [progress[area.id] for area in item.focus_areas if area.id in progress and area.id not in shown]
        shown.update(entry.focus_area_id for entry in entries)
        records.append({"number": number, "agenda_item_id": item.id, "title": both(item, "title"),
                        "focus_areas": [area.code for area in item.focus_areas],
                        **with_korean(section, "discussion"), "decisions": list(section.decisions or []),
                        "decisions_ko": list(section.decisions_ko or []),
                        "progress": [_progress(entry, areas.get(entry.focus_area_id) or entry.focus_area)
                                     for entry in entries]})
    others = sorted((entry for entry in minutes.progress if entry.focus_area_id not in shown),
                    key=lambda entry: areas[entry.focus_area_id].position)
    printed_areas = {area.code: area for item in meeting.items for area in item.focus_areas}
    printed_areas.update({area.code: area for area in areas.values()})
    named = names()  # the owners' names, for both tables of action items
    carried = CarriedOver.to(meeting, named)
    raised = printed_items(raised_at_rows(meeting, FROZEN_FIELDS), named)
    printed_areas.update({item.focus_area.code: item.focus_area for item in raised})
    approvals = minutes_approvals_by_side(minutes)
    agreed = agreed_agenda(meeting)
    agenda = agreed.record if agreed is not None else agenda_record(meeting, carried)
    # An agenda made now names the governments and the marking as the minutes do: read once for both.
    made_now = agreed is None
    return {
        "schema": MINUTES_SCHEMA,
        "agreement": agreement_facts(agreement),
        "governments": agenda["governments"] if made_now else governments(meeting.agreement_id),
        "meeting": _meeting_facts(meeting),
        "co_chairs": {"US": _person(meeting.co_chair_us), "KR": _person(meeting.co_chair_kr)},
        "delegations": {side: [with_korean(a, "name", "title", "organization")
                               for a in sorted((a for a in minutes.attendees if a.side == side),
                                               key=lambda a: a.position)]
                        for side in SIDES},
        "agenda": agenda,
        "previous": _previous(meeting),
        "records": records,
        "other_progress": [_progress(entry, areas[entry.focus_area_id]) for entry in others],
        "focus_areas": {code: both(area, "title") for code, area in sorted(printed_areas.items())},
        "reviewed_action_items": [carried.entries[item.id] for item in carried.items],
        "new_action_items": [frozen(item) for item in raised],
        "tables": {"review": document_table(MINUTES_REVIEW), "new": document_table(MINUTES_NEW)},
        **with_korean(minutes, "next_meeting"),
        "adoption": {side: ({**with_korean_name(a.user), "at": iso(a.at)} if a else None)
                     for side, a in approvals.items()},
        "adopted_at": iso(max(a.at for a in approvals.values())) if all(approvals.values()) else None,
        "correction": None,
        "marking": agenda["marking"] if made_now else marking_of(meeting.id),
    }


def _progress(entry, area: FocusArea) -> dict[str, Any]:
    return {"focus_area": area.code, "status": entry.status, **with_korean(entry, "narrative")}


def with_korean_name(user) -> dict[str, str]:
    """Who agreed or adopted: the name as records always kept it, and the name in Hangul beside it."""
    return {"name": user.name if user else "", "name_ko": (user.name_ko or "") if user else ""}


def freeze_minutes(minutes: Minutes, meeting: Meeting) -> None:
    """Called when the second co-chair adopts: the record is frozen and its digest fixed."""
    minutes.adopted_content = minutes_record(meeting, minutes)
    minutes.sha256 = digest(minutes.adopted_content)


def record_languages(record: dict[str, Any]) -> list[str]:
    """The languages in which every text of the minutes exists; only those may the closing line claim.

    A record of /2 keeps every text in both languages ({"en", "ko"}): the Korean text exists when no English text
    is without its Korean. A record of /1 kept the titles only in both, a secretariat's own texts in one language."""
    if record.get("schema") != "jcm.minutes/1":
        return ["en", "ko"] if all_in_korean(record) else ["en"]
    def both_languages(value: Any) -> bool:
        if isinstance(value, dict) and set(value) == {"en", "ko"}:
            return bool(value["ko"]) or not value["en"]
        if isinstance(value, dict):
            return all(both_languages(v) for v in value.values())
        if isinstance(value, list):
            return all(both_languages(v) for v in value)
        return True

    one_language = (any(entry["discussion"] or entry["decisions"] or entry["progress"] for entry in record["records"])
                    or record["other_progress"] or record["next_meeting"] or record["reviewed_action_items"]
                    or record["new_action_items"])
    titles = [entry["title"] for entry in record["records"]]
    return ["en", "ko"] if not one_language and both_languages(titles) else ["en"]


def all_in_korean(record: Any) -> bool:
    """Whether every text of a record written in English has its Korean: a {"en", "ko"} pair, or a text kept under
    its name with its Korean under the name + "_ko" (a decision, the decision of the same place in decisions_ko).
    Names are left out: a name in Hangul is there where wanted, the romanized one serves.

    Walked with a list of the parts still to look at rather than a call for each part, and stopped at the first
    text without its Korean: a record holds thousands of texts. A part a record made now holds in two places (the
    action items carried over, in the minutes' review and in their agenda) is looked at once."""
    waiting, seen = [record], set()
    while waiting:
        value = waiting.pop()
        if isinstance(value, list):
            waiting.extend(item for item in value if isinstance(item, (dict, list)))
            continue
        if not isinstance(value, dict):
            continue
        if len(value) == 2 and "en" in value and "ko" in value:
            if value["en"] and not value["ko"]:
                return False
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        for key, item in value.items():
            if key in ("name", "name_ko", "presenters") or key.endswith("_ko"):
                continue
            if key in TEXT_KEYS and isinstance(item, str):
                if item and not value.get(f"{key}_ko"):
                    return False
            elif key == "decisions" and isinstance(item, list):
                korean = value.get("decisions_ko") or []
                if len(korean) < len(item) or not all(korean[:len(item)]):
                    return False
            elif isinstance(item, (dict, list)):
                waiting.append(item)
    return True


# The keys under which a record keeps a text a secretariat writes as a string (its Korean under the key + "_ko").
TEXT_KEYS = frozenset({"description", "discussion", "narrative", "next_meeting", "organization", "title"})
