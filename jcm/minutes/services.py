"""The rules of the minutes: writing them section by section without losing text, review across both sides,
adoption by both co-chairs, and the digest that fixes the adopted content."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Iterable

from blinker import Namespace
from flask_babel import gettext as _, pgettext
from sqlalchemy import inspect as sa_inspect, select
from sqlalchemy.orm import joinedload, selectinload

from jcm.accounts.models import User
from jcm.actions.models import ActionItem
from jcm.actions.services import (agency_labels, create_action_item, focus_areas_of, owners_of, people_labels,
                                  raised_at_rows, raised_texts_at)
from jcm.audit.services import record, tracked
from jcm.bilingual import NamedGap, StateOf, Weighed, named_gaps, pairs, refuse_gaps, text_name, text_state
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.fields import audited, declared, populate
from jcm.i18n import locale_code, localized, localized_text
from jcm.meetings.models import AgendaItem, Meeting, agenda_item_focus_area
from jcm.meetings.services import get_meeting, meeting_alone
from jcm.minutes.models import (Attendee, CorrectionApproval, Minutes, MinutesApproval, MinutesComment,
                                MinutesCorrection, MinutesSection, ProgressEntry, SectionRevision, attendance_version)
from jcm.models import SIDES, utcnow, whole_number
from jcm.mou.models import Agreement, FocusArea
from jcm.permissions import AlreadyDone, SidePart, require
from jcm.versions import check_version, next_version

signals = Namespace()
# Sent when the second co-chair adopts; the documents feature freezes the record and fixes its digest.
minutes_adopted = signals.signal("minutes-adopted")



# --- loading and creating -------------------------------------------------------------------------------

def minutes_query():
    return select(Minutes).options(
        joinedload(Minutes.meeting), selectinload(Minutes.attendees), selectinload(Minutes.approvals),
        selectinload(Minutes.corrections),
        selectinload(Minutes.sections).joinedload(MinutesSection.agenda_item),
        selectinload(Minutes.progress).joinedload(ProgressEntry.focus_area))


def minutes_outline(meeting_id: int) -> Minutes | None:
    """The minutes of the meeting of this id without their records (the sections and the delegations), with the
    meeting, the approvals, the corrections and the progress: what the minutes page reads when the parts it shows of
    the records are kept (jcm.minutes.views); whole_minutes reads the rest into the same minutes when it must."""
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id).options(
        joinedload(Minutes.meeting), selectinload(Minutes.approvals), selectinload(Minutes.corrections),
        selectinload(Minutes.progress).joinedload(ProgressEntry.focus_area)))


def whole_minutes(minutes: Minutes) -> Minutes:
    """The same minutes as minutes_query loads them, their records read into them if they are not yet."""
    if "sections" in sa_inspect(minutes).unloaded or "attendees" in sa_inspect(minutes).unloaded:
        db.session.scalar(minutes_query().where(Minutes.id == minutes.id))
    return minutes


def meeting_of_page(meeting_id: int) -> Meeting:
    """The meeting whose minutes a page shows, its own columns alone."""
    return meeting_alone(meeting_id)


def minutes_for(meeting: Meeting) -> Minutes | None:
    return minutes_of(meeting.id)


def minutes_of(meeting_id: int) -> Minutes | None:
    """The minutes of the meeting of this id, with the meeting (its own columns), or None."""
    return db.session.scalar(minutes_query().where(Minutes.meeting_id == meeting_id))


def discussed_focus_areas(meeting: Meeting) -> list[FocusArea]:
    """The focus areas the meeting discussed: those of its focus-area discussion items."""
    return list(db.session.scalars(
        select(FocusArea).join(agenda_item_focus_area, agenda_item_focus_area.c.focus_area_id == FocusArea.id)
        .join(AgendaItem, AgendaItem.id == agenda_item_focus_area.c.agenda_item_id)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.kind == "focus_area")
        .distinct().order_by(FocusArea.position, FocusArea.id)))


def first_focus_areas(meeting: Meeting) -> dict[int, int]:
    """Each agenda item of the meeting that takes up focus areas → the first of them in the MOU's order: the focus
    area an action item raised from its record is filed under unless another is chosen."""
    first: dict[int, int] = {}
    for item_id, area_id in db.session.execute(
            select(agenda_item_focus_area.c.agenda_item_id, FocusArea.id)
            .join(FocusArea, FocusArea.id == agenda_item_focus_area.c.focus_area_id)
            .join(AgendaItem, AgendaItem.id == agenda_item_focus_area.c.agenda_item_id)
            .where(AgendaItem.meeting_id == meeting.id).order_by(FocusArea.position, FocusArea.id)):
        first.setdefault(item_id, area_id)
    return first


@dataclass(frozen=True)
class RaisedItem:
    """An action item raised at the meeting, as its section of the minutes lists it: its reference, title, focus
    area, due date and owners on each side, each owner's name in both languages ({side: [(name, name_ko)]})."""

    id: int
    agenda_item_id: int | None
    ref: str
    title: str
    title_ko: str
    area_code: str
    due_date: Any
    owners: dict[str, list[tuple[str, str]]]


def raised_items(meeting: Meeting, item_id: int | None = None) -> list[RaisedItem]:
    """The action items the meeting raised (or only the one of `item_id`), read as plain rows with their focus
    areas and owners' names in a query each, not as items with their owners' accounts: a meeting of a long-running
    agreement raises a hundred."""
    rows = [row for row in raised_at_rows(meeting, ("agenda_item_id", "ref", "title", "title_ko", "due_date",
                                                    "focus_area_id"))
            if item_id is None or row.id == item_id]
    areas = focus_areas_of(row.focus_area_id for row in rows)
    people, agencies = people_labels(), agency_labels()
    owners: dict[int, dict[str, list[tuple[str, str]]]] = {row.id: {side: [] for side in SIDES} for row in rows}
    for action_item_id, side, user_id, organization_id in owners_of(owners):
        named = people[user_id] if user_id is not None else agencies[organization_id]
        owners[action_item_id][side].append((named.name, named.name_ko))
    return [RaisedItem(row.id, row.agenda_item_id, row.ref, row.title, row.title_ko,
                       areas[row.focus_area_id].code, row.due_date, owners[row.id]) for row in rows]


def open_minutes(actor, meeting: Meeting) -> Minutes:
    """The minutes of a meeting, started by a secretariat's first change (or their "Start the minutes") with a
    section per agenda item; an item added since gets its section too. Never called to read: reading writes
    nothing."""
    require(actor, "minutes.view", meeting)
    minutes = minutes_for(meeting)
    if minutes is None:
        require(actor, "minutes.start", meeting)
        minutes = Minutes(meeting_id=meeting.id, status="draft")
        db.session.add(minutes)
        db.session.flush()
        record(actor, "minutes.create", minutes, label=meeting.title)
    if minutes.status != "adopted":
        _add_missing_sections(minutes.id, meeting.id)
    return db.session.scalar(minutes_query().where(Minutes.id == minutes.id).execution_options(
        populate_existing=True))


def _add_missing_sections(minutes_id: int, meeting_id: int) -> None:
    have = {section.agenda_item_id for section in db.session.scalars(
        select(MinutesSection).where(MinutesSection.minutes_id == minutes_id))}
    for item_id in db.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)):
        if item_id not in have:
            db.session.add(MinutesSection(minutes_id=minutes_id, agenda_item_id=item_id, discussion="", decisions=[]))
    db.session.flush()


def section_for_added_item(item: AgendaItem) -> None:
    """An item added to the agenda after the minutes were started gets its section at once, in the same change."""
    minutes = db.session.execute(select(Minutes.id, Minutes.status).where(
        Minutes.meeting_id == item.meeting_id)).first()
    if minutes is not None and minutes.status != "adopted":
        _add_missing_sections(minutes.id, item.meeting_id)


def ordered_sections(minutes: Minutes) -> list[MinutesSection]:
    return sorted(minutes.sections, key=lambda s: (s.agenda_item.position, s.agenda_item.id))


def get_section(section_id: int) -> MinutesSection:
    section = db.session.scalar(select(MinutesSection).where(MinutesSection.id == section_id).options(
        joinedload(MinutesSection.minutes), joinedload(MinutesSection.agenda_item)))
    if section is None:
        raise NotFound(_("There is no such section of the minutes."))
    return section


def _meeting_of(minutes: Minutes) -> Meeting:
    return get_meeting(minutes.meeting_id)


# --- writing --------------------------------------------------------------------------------------------

def raise_action_item(actor, section: MinutesSection, data: dict[str, Any]) -> ActionItem:
    """A new action item raised from a section of the minutes while they are written: made by the action items' own
    rules (jcm.actions.services.create_action_item: an owner on each side, the due date, the texts), raised at the
    section's meeting and agenda item, and filed under the agenda item's first focus area unless `data` names one."""
    require(actor, "minutes.edit", section.minutes)
    meeting = _meeting_of(section.minutes)
    data = {**data, "meeting_id": meeting.id, "agenda_item_id": section.agenda_item_id}
    if data.get("focus_area_id") in (None, ""):
        data["focus_area_id"] = first_focus_areas(meeting).get(section.agenda_item_id)
    return create_action_item(actor, db.session.get(Agreement, meeting.agreement_id), data)


def checked(model: type, data: dict[str, Any], *, at: str | None = None) -> dict[str, Any]:
    """The given fields of data as the model's declarations keep them; a refusal names `at`.name when given (the
    place in a request's body), else the field."""
    fields = declared(model)
    values = {}
    for name, value in data.items():
        try:
            values[name] = fields[name].clean(value)
        except Invalid as error:
            error.field = f"{at}.{name}" if at else error.field
            raise
    return values


def _given(**texts: Any) -> dict[str, Any]:
    """The texts a writer gave: one left out (None) stays as it is stored, so a writer of one language never wipes
    the other, nor a part they did not send."""
    return {name: value for name, value in texts.items() if value is not None}


def _aligned(english: list[str], korean: list[str], field: str) -> None:
    """The Korean decisions are aligned with the English ones: one for each, in the same order. Checked when the
    Korean list is written; the English may move on alone (the Korean is then stale until it follows)."""
    if english and korean and len(english) != len(korean):
        raise Invalid(_("The Korean decisions follow the English ones one for one: %(n)d expected, %(given)d given.",
                        n=len(english), given=len(korean)), field=field)


def save_section(actor, section: MinutesSection, discussion: Any = None, decisions: Any = None,
                 expected_version: int | None = None, *, discussion_ko: Any = None,
                 decisions_ko: Any = None) -> MinutesSection:
    """Save one agenda item's record, in English and in Korean; a text not given (None) stays as it is. A save
    based on an older version is a conflict showing both texts, in each language. Every saved text is kept as a
    revision, both languages together: the audit trail records who saved which version."""
    return _save_section(actor, section, _given(discussion=discussion, decisions=decisions,
                                                discussion_ko=discussion_ko, decisions_ko=decisions_ko),
                         expected_version)


def _save_section(actor, section: MinutesSection, texts: dict[str, Any], expected_version: int | None, *,
                  aligning: bool = True) -> MinutesSection:
    minutes = db.session.get(Minutes, section.minutes_id)
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", minutes)
    values = checked(MinutesSection, texts)
    check_version(section, expected_version, _("Someone else saved this section meanwhile. Both texts are shown: "
                                               "merge them and save again."), yours=values)
    if aligning and "decisions_ko" in values and values["decisions_ko"] != list(section.decisions_ko or []):
        _aligned(values.get("decisions", list(section.decisions or [])), values["decisions_ko"], "decisions_ko")
    if not populate(section, values):
        return section
    new = next_version(section)
    section.updated_at, section.updated_by_id = utcnow(), actor.id
    _touch(minutes, actor)
    db.session.add(SectionRevision(section_id=section.id, version=new, discussion=section.discussion,
                                   discussion_ko=section.discussion_ko, decisions=section.decisions,
                                   decisions_ko=section.decisions_ko, author_id=actor.id))
    db.session.flush()
    record(actor, "minutes.section", section, after={"agenda_item_id": section.agenda_item_id, "version": new},
           label=meeting.title)
    return section


def revisions(section: MinutesSection) -> list[SectionRevision]:
    return list(db.session.scalars(select(SectionRevision).where(SectionRevision.section_id == section.id)
                                   .order_by(SectionRevision.version.desc())))


def restore_revision(actor, section: MinutesSection, version: int) -> MinutesSection:
    """Bring back an earlier saved text as a new version; nothing in between is lost."""
    revision = db.session.scalar(select(SectionRevision).where(SectionRevision.section_id == section.id,
                                                               SectionRevision.version == version))
    if revision is None:
        raise NotFound(_("There is no version %(n)s of this section.", n=version))
    # Both languages as they then stood, together: they were accepted so when saved.
    return _save_section(actor, section, {
        "discussion": revision.discussion or "", "decisions": list(revision.decisions or []),
        "discussion_ko": revision.discussion_ko or "", "decisions_ko": list(revision.decisions_ko or [])},
        None, aligning=False)


ATTENDEE_TEXTS = ("name", "name_ko", "title", "title_ko", "organization", "organization_ko")


def _attendee_texts(entry: dict[str, Any], user: User | None) -> dict[str, Any]:
    """An attendee's name, title and organization in both languages: as given, else (from an account) the
    account's. A name is required; the rest may be empty."""
    organization = user.organization if user is not None else None

    def given(key: str, default: Any) -> Any:
        return entry[key] if entry.get(key) is not None else default

    return {"name": entry.get("name") or (user.name if user else ""),
            "name_ko": given("name_ko", user.name_ko if user else ""),
            "title": given("title", user.title if user else ""),
            "title_ko": given("title_ko", user.title_ko if user else ""),
            "organization": given("organization", organization.name if organization else None),
            "organization_ko": given("organization_ko", organization.name_ko if organization else None)}


MAX_DELEGATION = 200  # the people one side's delegation lists


def _entry(person) -> dict[str, Any]:
    """One attendee (a row or a record) as a conflict shows them: the account, if any, and the texts in both
    languages."""
    return {name: getattr(person, name) for name in ("user_id", *ATTENDEE_TEXTS)}


def delegation(minutes_id: int, side: str) -> tuple[int, list[dict[str, Any]]]:
    """The version of one side's delegation and the list, in order, as the database holds them now (read afresh,
    for a conflict to show what another writer saved)."""
    version = db.session.scalar(select(getattr(Minutes, attendance_version(side))).where(Minutes.id == minutes_id))
    rows = db.session.execute(select(Attendee.user_id, *(getattr(Attendee, name) for name in ATTENDEE_TEXTS)).where(
        Attendee.minutes_id == minutes_id, Attendee.side == side).order_by(Attendee.position))
    return version, [_entry(row) for row in rows]


def _attendance_conflict(minutes: Minutes, side: str, sent: list[dict[str, Any]]) -> Conflict:
    """A save of a delegation based on a list since saved by someone else: both lists, the stored one and the
    writer's own (`yours`), to be merged knowingly."""
    version, stored = delegation(minutes.id, side)
    return Conflict(_("Someone else saved this delegation meanwhile. Both lists are shown: merge them and save "
                      "again."), field="attendance",
                    current={"side": side, "version": version, "attendees": stored, "yours": sent})


def set_attendance(actor, minutes: Minutes, side: str, entries: Iterable[dict[str, Any]],
                   expected_version: int | None = None) -> list[Attendee]:
    """The delegation of one side, in order: each from an account (user_id) or typed in (name, title, organization,
    and their Korean name_ko, title_ko, organization_ko). A person already listed (the same account, or the same
    name typed in) keeps their row, so the state of their texts — a check given — holds while they stay as they
    were.

    The list is saved as a whole, with a version of its own (Minutes.attendance_version_us / _kr): a save based on
    an older version is a conflict carrying the stored list and, under `yours`, the one sent. The version moves on
    in the database itself, so of two saves made at the same moment one is refused the same way, and one person a
    place (a unique index) keeps two writers' lists from ever being interleaved."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", minutes)
    side = declared(Attendee)["side"].clean(side)
    require(actor, "minutes.delegation", SidePart(minutes, side))  # each side lists its own
    if not isinstance(entries, list):
        raise Invalid(_("The attendance of a side is a list."), field="attendance")
    if len(entries) > MAX_DELEGATION:
        raise Invalid(_("A delegation lists at most %(n)d people.", n=MAX_DELEGATION), field="attendance")
    wanted: list[tuple[User | None, dict[str, Any]]] = []
    for index, entry in enumerate(entries):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            raise Invalid(_("Each attendee is a name or an account."), field="attendance")
        user = None
        if entry.get("user_id") not in (None, ""):
            user = db.session.get(User, whole_number(entry["user_id"], "attendance"))
            if user is None:
                raise Invalid(_("There is no account with id %(id)s.", id=entry["user_id"]), field="attendance")
            if user.side != side:
                raise Invalid(_("%(name)s belongs to the other side's delegation.", name=user.name),
                              field="attendance")
        try:
            wanted.append((user, checked(Attendee, _attendee_texts(entry, user))))  # all checked before any change
        except Invalid as error:  # a text refused names its attendee and field: attendance[2].name_ko
            error.field = f"attendance[{index}].{error.field}" if error.field else "attendance"
            raise
    sent = [{"user_id": user.id if user else None, **texts} for user, texts in wanted]
    column = attendance_version(side)
    if expected_version is not None and expected_version != getattr(minutes, column):
        raise _attendance_conflict(minutes, side, sent)
    listed = sorted((a for a in minutes.attendees if a.side == side), key=lambda a: a.position)
    if [_entry(a) for a in listed] == sent:
        return listed  # nothing changes: the version stays, as for any record saved unchanged
    try:
        next_version(minutes, column)  # the first write: of two saves at the same moment, the second stops here
    except Conflict:
        raise _attendance_conflict(minutes, side, sent) from None
    before = [a.name for a in listed]
    places = {a.id: a.position for a in listed}
    rows: list[Attendee | None] = []
    for user, texts in wanted:
        attendee = next((a for a in listed if (a.user_id == user.id if user is not None
                                                else a.user_id is None and a.name == texts["name"])), None)
        if attendee is not None:
            listed.remove(attendee)
        rows.append(attendee)
    for attendee in listed:  # no longer in the delegation
        minutes.attendees.remove(attendee)
    db.session.flush()
    # One person a place holds at every statement: those who move wait outside the list while the places are dealt.
    moving = [a for position, a in enumerate(rows) if a is not None and places[a.id] != position]
    for parked, attendee in enumerate(moving, start=1):
        attendee.position = -parked
    db.session.flush()
    for position, ((user, texts), attendee) in enumerate(zip(wanted, rows)):
        if attendee is None:
            attendee = rows[position] = Attendee(side=side, user_id=user.id if user else None)
            minutes.attendees.append(attendee)
        attendee.position = position
        populate(attendee, texts, ATTENDEE_TEXTS)
    _touch(minutes, actor)
    record(actor, "minutes.attendance", minutes, before={side: before}, after={side: [r.name for r in rows]},
           label=meeting.title)
    return rows


def save_progress(actor, minutes: Minutes, focus_area_id: Any, status: str, narrative: Any = None,
                  expected_version: int | None = None, *, narrative_ko: Any = None) -> ProgressEntry:
    """How a focus area is progressing, with its narrative in English and in Korean; a narrative not given (None)
    stays as it is."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", minutes)
    values = checked(ProgressEntry, {"status": status, **_given(narrative=narrative, narrative_ko=narrative_ko)})
    area = db.session.get(FocusArea, checked(ProgressEntry, {"focus_area_id": focus_area_id})["focus_area_id"])
    if area is None or area.agreement_id != meeting.agreement_id:
        raise Invalid(_("That focus area is not one of this MOU's."), field="focus_area_id")
    entry = db.session.scalar(select(ProgressEntry).where(ProgressEntry.minutes_id == minutes.id,
                                                          ProgressEntry.focus_area_id == area.id))
    if entry is None:
        entry = ProgressEntry(focus_area_id=area.id, **{"narrative": "", "narrative_ko": "", **values})
        minutes.progress.append(entry)
        db.session.flush()
        record(actor, "minutes.progress", entry, after=audited(entry), label=meeting.title)
    else:
        check_version(entry, expected_version, _("Someone else saved this progress entry meanwhile. Both texts are "
                                                 "shown: merge them and save again."), yours=values)
        with tracked(actor, "minutes.progress", entry, label=lambda _entry: meeting.title):
            if not populate(entry, values):
                return entry
            entry.updated_at = utcnow()
    _touch(minutes, actor)
    return entry


def set_next_meeting(actor, minutes: Minutes, text: Any = None, expected_version: int | None = None, *,
                     korean: Any = None) -> Minutes:
    """When and where the next meeting is to be, in English (`text`) and in Korean (`korean`); one not given (None)
    stays as it is. A stale save is a conflict carrying the stored texts and, under `yours` (and `yours_ko`), the
    writer's own."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", minutes)
    values = checked(Minutes, _given(next_meeting=text, next_meeting_ko=korean))
    try:
        check_version(minutes, expected_version, _("Someone else saved the next meeting meanwhile."),
                      column="next_meeting_version", yours=values.get("next_meeting"))
    except Conflict as conflict:
        if "next_meeting_ko" in values:
            conflict.current["yours_ko"] = values["next_meeting_ko"]
        raise
    with tracked(actor, "minutes.next_meeting", minutes, label=lambda _minutes: meeting.title,
                 column="next_meeting_version"):
        if populate(minutes, values, tuple(values)):
            _touch(minutes, actor)
    return minutes


def _touch(minutes: Minutes, actor=None) -> None:
    """A change of content: an adoption given for the earlier text no longer stands."""
    minutes.updated_at = utcnow()
    if minutes.status != "adopted":
        if "approvals" in sa_inspect(minutes).unloaded:
            given = list(db.session.scalars(select(MinutesApproval).where(MinutesApproval.minutes_id == minutes.id)))
            for approval in given:
                db.session.delete(approval)
        else:
            given = list(minutes.approvals)
            for approval in given:
                minutes.approvals.remove(approval)
        if given:
            record(actor, "minutes.adoption_cleared", minutes, before={"adopted_by": sorted(a.side for a in given)},
                   after={"adopted_by": []})
    db.session.flush()


# --- review ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeldRecords:
    """The records of the minutes a page holds already, in the order the parity gate names them: the sections by
    agenda item (ordered_sections), the progress entries by focus area, the U.S. delegation then the Korean, each in
    its order."""

    sections: list[MinutesSection]
    progress: list[ProgressEntry]
    attendees: list[Attendee]


def held_records(minutes: Minutes, sections: list[MinutesSection]) -> HeldRecords:
    """The records of minutes loaded by minutes_query, in the gate's order (`sections` as ordered_sections gave
    them)."""
    by_place = sorted(minutes.attendees, key=lambda attendee: attendee.position)
    return HeldRecords(sections, sorted(minutes.progress, key=lambda entry: entry.focus_area.position),
                       sorted(by_place, key=lambda attendee: attendee.side, reverse=True))

def minutes_texts(minutes: Minutes, meeting: Meeting, held: HeldRecords | None = None) -> list[Weighed]:
    """What the parity gate weighs before the minutes are circulated or adopted: the minutes' own text (the next
    meeting), each agenda item's record (discussion, decisions), the progress entries (narrative), the delegations
    (names, titles, organizations) and the action items raised at the meeting (title, description). A page that
    already holds the records (`held`, in the order the gate names them) passes them in rather than have them read
    again."""
    if held is None:
        held = HeldRecords(
            sections=db.session.scalars(select(MinutesSection).join(MinutesSection.agenda_item).where(
                MinutesSection.minutes_id == minutes.id).options(joinedload(MinutesSection.agenda_item)).order_by(
                AgendaItem.position, AgendaItem.id)).all(),
            progress=db.session.scalars(select(ProgressEntry).join(ProgressEntry.focus_area).where(
                ProgressEntry.minutes_id == minutes.id).options(joinedload(ProgressEntry.focus_area)).order_by(
                FocusArea.position)).all(),
            attendees=db.session.scalars(select(Attendee).where(Attendee.minutes_id == minutes.id).order_by(
                Attendee.side.desc(), Attendee.position)).all())
    sections, progress, attendees = held.sections, held.progress, held.attendees
    delegations = {"US": _("U.S."), "KR": _("Korean")}
    language = locale_code()
    # The names, translated once and filled in for each record: the minutes weigh a hundred records and more.
    record, area, person, action = (_("The record of agenda item %(number)d “%(title)s”"), _("Progress on %(area)s"),
                                    _("%(name)s of the %(side)s delegation"), _("Action item %(ref)s “%(title)s”"))
    return [
        Weighed(minutes, _("The minutes")),
        *(Weighed(section, record % {"number": number, "title": localized(section.agenda_item, "title", language)})
          for number, section in enumerate(sections, start=1)),
        *(Weighed(entry, area % {"area": entry.focus_area.label(language)}) for entry in progress),
        *(Weighed(attendee, person % {"name": localized(attendee, "name", language),
                                      "side": delegations[attendee.side]}) for attendee in attendees),
        *(Weighed(item, action % {"ref": item.ref, "title": localized(item, "title", language)})
          for item in raised_texts_at(meeting)),
    ]


def minutes_text_gaps(minutes: Minutes, meeting: Meeting, state_of: StateOf = text_state,
                      held: HeldRecords | None = None) -> list[NamedGap]:
    """Each text of the minutes missing, stale or not yet checked in a language: while any is, the minutes are
    neither circulated nor adopted (the states as `state_of` gives them: the page's, shared with its boxes; the
    records as a page `held` them, else read)."""
    agreement = db.session.get(Agreement, meeting.agreement_id)
    return named_gaps(minutes_texts(minutes, meeting, held), agreement.answers_for, state_of)


def set_status(actor, minutes: Minutes, status: str, expected_version: int | None = None) -> Minutes:
    """A secretariat circulates the draft for review, once both texts are complete and each side has checked its
    own language, or takes it back to draft."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", minutes)
    status = declared(Minutes)["status"].clean(status)
    if status == "adopted":
        raise Conflict(_("Minutes are adopted only by both co-chairs' approvals."))
    check_version(minutes, expected_version, _("The minutes changed meanwhile; review them and try again."))
    if status == "circulated" and minutes.status != "circulated":
        refuse_gaps(minutes_text_gaps(minutes, meeting), lambda gaps: _(
            "The minutes cannot be circulated until both texts are complete and each side has checked its own "
            "language: %(gaps)s.", gaps=gaps))
    with tracked(actor, "minutes.status", minutes, label=lambda _minutes: meeting.title):
        if populate(minutes, {"status": status}, ("status",)):
            if status == "draft":  # taken back for rework: any adoption so far no longer stands
                for approval in list(minutes.approvals):
                    minutes.approvals.remove(approval)
            _touch(minutes, actor)
    return minutes


def add_comment(actor, minutes: Minutes, text: Any, section_id: Any = None) -> MinutesComment:
    meeting = _meeting_of(minutes)
    require(actor, "minutes.comment", minutes)
    comment = MinutesComment(minutes_id=minutes.id, author_id=actor.id, side=actor.side)
    populate(comment, {"text": text, "section_id": section_id}, creating=True)
    if comment.section_id is not None:
        section = db.session.get(MinutesSection, comment.section_id)
        if section is None or section.minutes_id != minutes.id:
            raise Invalid(_("That section is not part of these minutes."), field="section_id")
    db.session.add(comment)
    db.session.flush()
    record(actor, "minutes.comment", minutes, after=audited(comment), label=meeting.title)
    return comment


def resolve_comment(actor, comment: MinutesComment) -> MinutesComment:
    minutes = db.session.get(Minutes, comment.minutes_id)
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", minutes)
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by_id = utcnow(), actor.id
        db.session.flush()
        record(actor, "minutes.comment_resolved", minutes, after={"comment": comment.id}, label=meeting.title)
    return comment


def comments(minutes: Minutes) -> list[MinutesComment]:
    return list(db.session.scalars(select(MinutesComment).where(MinutesComment.minutes_id == minutes.id)
                                   .order_by(MinutesComment.at)))


# --- adoption -------------------------------------------------------------------------------------------

def missing_progress(minutes: Minutes, meeting: Meeting, areas: list[FocusArea] | None = None) -> list[FocusArea]:
    """The focus areas the meeting discussed (`areas`, when a page holds them already) with no progress recorded."""
    recorded = {entry.focus_area_id for entry in minutes.progress}
    return [area for area in (discussed_focus_areas(meeting) if areas is None else areas) if area.id not in recorded]


def _approve_for_own_side(actor, approvals: list, model) -> tuple[Any, bool]:
    """The actor's side's approval: the one given already (False), or a new one (True). Always the actor's side."""
    existing = next((a for a in approvals if a.side == actor.side), None)
    if existing is not None:
        return existing, False
    approval = model(side=actor.side, user_id=actor.id, at=utcnow())
    approvals.append(approval)
    db.session.flush()
    return approval, True


def adopt(actor, minutes: Minutes) -> MinutesApproval:
    """A co-chair adopts for their own side; when both have, the minutes are locked and their digest fixed."""
    meeting = _meeting_of(minutes)
    try:
        require(actor, "minutes.adopt", minutes)
    except AlreadyDone:  # adopting again changes nothing
        return approvals_by_side(minutes)[actor.side]
    missing = missing_progress(minutes, meeting)
    if missing:
        raise Conflict(_("The minutes cannot be adopted yet: no progress is recorded for %(areas)s.",
                         areas=", ".join(f"{a.code} {a.title}" for a in missing)))
    refuse_gaps(minutes_text_gaps(minutes, meeting), lambda gaps: _(
        "The minutes cannot be adopted until both texts are complete and each side has checked its own language: "
        "%(gaps)s.", gaps=gaps))
    approval, given = _approve_for_own_side(actor, minutes.approvals, MinutesApproval)
    if not given:
        return approval
    record(actor, "minutes.adopt", minutes, after={"side": actor.side}, label=meeting.title)
    if {a.side for a in minutes.approvals} == set(SIDES):
        with tracked(actor, "minutes.adopted", minutes, extra=lambda minutes: {"sha256": minutes.sha256},
                     label=lambda _minutes: meeting.title):
            minutes.status, minutes.adopted_at = "adopted", approval.at
            minutes_adopted.send(minutes, meeting=meeting)
            if not minutes.sha256:
                raise RuntimeError("adopted minutes must be frozen: the documents feature is not registered")
            meeting.status = "minutes_adopted"
    return approval


def approvals_by_side(minutes: Minutes) -> dict[str, MinutesApproval | None]:
    return {side: next((a for a in minutes.approvals if a.side == side), None) for side in SIDES}


# --- corrections ----------------------------------------------------------------------------------------

# Sent when both co-chairs have adopted a correction, so the documents of the corrected text can be prepared.
correction_adopted = signals.signal("correction-adopted")


def adopted_corrections(minutes: Minutes) -> list[MinutesCorrection]:
    return list(db.session.scalars(select(MinutesCorrection).where(MinutesCorrection.minutes_id == minutes.id,
                                                                   MinutesCorrection.status == "adopted")
                                   .order_by(MinutesCorrection.number)))


def _correction_query():
    """Corrections with the minutes and meeting they belong to: who may adopt one is the meeting's co-chair."""
    return select(MinutesCorrection).options(joinedload(MinutesCorrection.minutes).joinedload(Minutes.meeting))


def corrections(minutes: Minutes) -> list[MinutesCorrection]:
    return list(db.session.scalars(_correction_query().where(MinutesCorrection.minutes_id == minutes.id)
                                   .order_by(MinutesCorrection.number)))


def get_correction(minutes: Minutes, number: Any) -> MinutesCorrection:
    correction = db.session.scalar(_correction_query().where(
        MinutesCorrection.minutes_id == minutes.id, MinutesCorrection.number == whole_number(number, "number")))
    if correction is None:
        raise NotFound(_("These minutes have no correction no. %(n)s.", n=number))
    return correction


def current_record(minutes: Minutes) -> tuple[dict[str, Any], str]:
    """The adopted text as it stands: the latest adopted correction's record, else the original's."""
    adopted = adopted_corrections(minutes)
    if adopted:
        return adopted[-1].content, adopted[-1].sha256
    return minutes.adopted_content, minutes.sha256


def adopted_text(minutes: Minutes, corr: str | None = None) -> tuple[dict[str, Any], str]:
    """The adopted text asked for and its digest: the latest (no `corr`), as first adopted ("0"), or with
    correction N ("N")."""
    corrections_ = adopted_corrections(minutes)
    if corr in (None, ""):
        chosen = corrections_[-1] if corrections_ else None
    else:
        number = int(corr) if corr.isascii() and corr.isdigit() and len(corr) < 6 else -1
        if not 0 <= number <= len(corrections_):
            raise NotFound(_("These minutes have no correction no. %(n)s.", n=corr[:10]))
        chosen = corrections_[number - 1] if number else None
    if chosen is None:
        return minutes.adopted_content, minutes.sha256
    return chosen.content, chosen.sha256


RECORD_TEXTS = ("discussion", "discussion_ko", "decisions", "decisions_ko")
PROGRESS_TEXTS = ("status", "narrative", "narrative_ko")
NEXT_MEETING_TEXTS = ("next_meeting", "next_meeting_ko")


def adopted_text_of(entry: dict[str, Any], key: str) -> Any:
    """A text of the adopted record; a Korean text the record does not hold yet counts as empty."""
    return entry.get(key, [] if key.startswith("decisions") else "")


def _one_language_only(model: type, place: str, at: str, entry: dict[str, Any], given: dict[str, Any],
                       stated: bool) -> dict[str, str]:
    """Each text of `given` corrected in one language while the correction does not carry the other: {the other's
    field in the body: a sentence naming it}. A text given as adopted (`stated`) says that it already reads as the
    corrected one does and stays as adopted."""
    languages = {"en": pgettext("text", "English"), "ko": pgettext("text", "Korean")}
    found = {}
    for pair in pairs(model):
        if pair.english not in given and pair.korean not in given:
            continue
        changed = {language for language, key in (("en", pair.english), ("ko", pair.korean))
                   if key in given and given[key] != adopted_text_of(entry, key)}
        carried = {language for language, key in (("en", pair.english), ("ko", pair.korean))
                   if key in given and (stated or language in changed)}
        if len(changed) == 1 and len(carried) == 1:
            (language,) = changed
            other = "ko" if language == "en" else "en"
            found[f"{at}{pair.field(other)}"] = _(
                "%(record)s: “%(field)s” is corrected in %(language)s but not in %(other)s",
                record=place, field=text_name(model, pair.english), language=languages[language],
                other=languages[other])
    return found


def _refuse_one_language_only(found: dict[str, str]) -> None:
    """Both texts are equally authentic: a correction that would leave them saying different things is refused,
    naming each text of the other language it does not carry."""
    if found:
        raise Invalid(_("Both texts are equally authentic: a text corrected in one language is corrected in the "
                        "other as well or, where the other already reads correctly, given as adopted. %(texts)s.",
                        texts="; ".join(found.values())),
                      field=next(iter(found)), fields={field: [sentence] for field, sentence in found.items()})


def _clean_changes(record: dict[str, Any], changes: Any, *, stated: bool = True) -> dict[str, Any]:
    """Only the parts that really change, checked against the text they correct; each text in English or Korean
    (discussion_ko, decisions_ko, narrative_ko, next_meeting_ko beside the English).

    A record that keeps both texts (every one since jcm.minutes/2) keeps them saying the same: a text corrected in
    one language is corrected in the other too, or the other is given as adopted — which `stated` says a text given
    unchanged means (the API: a text is given on purpose; the page's form sends every box, so only its tick does)."""
    if not isinstance(changes, dict):
        raise Invalid(_("The changes are an object with records, progress and next_meeting."), field="changes")
    both_texts = record.get("schema") != "jcm.minutes/1"
    one_language: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    by_item = {entry["agenda_item_id"]: entry for entry in record["records"]}
    records = []
    for index, change in enumerate(changes.get("records") or []):
        if not isinstance(change, dict):
            raise Invalid(_("Each changed record is an object."), field=f"changes.records[{index}]")
        item_id = whole_number(change.get("agenda_item_id"), f"changes.records[{index}].agenda_item_id")
        entry = by_item.get(item_id)
        if entry is None:
            raise Invalid(_("Agenda item %(id)s is not part of these minutes.", id=item_id),
                          field=f"changes.records[{index}].agenda_item_id")
        new = {"agenda_item_id": item_id, **checked(
            MinutesSection, {key: change[key] for key in RECORD_TEXTS if key in change},
            at=f"changes.records[{index}]")}
        changed = {key for key in RECORD_TEXTS if key in new and new[key] != adopted_text_of(entry, key)}
        if not stated:  # a box left as it was says nothing
            new = {key: value for key, value in new.items() if key == "agenda_item_id" or key in changed}
        if changed & {"decisions", "decisions_ko"} and "decisions_ko" in new:
            _aligned(new.get("decisions", entry["decisions"]), new["decisions_ko"],
                     f"changes.records[{index}].decisions_ko")
        if changed:
            records.append(new)
            if both_texts:
                title = entry.get("title")
                one_language.update(_one_language_only(
                    MinutesSection, _("The record of agenda item %(number)d “%(title)s”", number=entry.get("number", index + 1),
                                      title=localized_text(title) if isinstance(title, dict) else title or ""),
                    f"changes.records[{index}].", entry, new, stated))
    if records:
        cleaned["records"] = records
    progress_entries = {p["focus_area"]: p for entry in record["records"] for p in entry["progress"]}
    progress_entries.update({p["focus_area"]: p for p in record["other_progress"]})
    progress = []
    for index, change in enumerate(changes.get("progress") or []):
        if not isinstance(change, dict):
            raise Invalid(_("Each changed progress entry is an object."), field=f"changes.progress[{index}]")
        entry = progress_entries.get(change.get("focus_area"))
        if entry is None:
            raise Invalid(_("No progress is recorded in these minutes for focus area %(code)s.",
                            code=str(change.get("focus_area"))[:32]), field=f"changes.progress[{index}].focus_area")
        new = {"focus_area": entry["focus_area"], **checked(
            ProgressEntry, {key: change[key] for key in PROGRESS_TEXTS if key in change},
            at=f"changes.progress[{index}]")}
        changed = {key for key in PROGRESS_TEXTS if key in new and new[key] != adopted_text_of(entry, key)}
        if not stated:
            new = {key: value for key, value in new.items() if key == "focus_area" or key in changed}
        if changed:
            progress.append(new)
            if both_texts:
                one_language.update(_one_language_only(
                    ProgressEntry, _("Progress on %(area)s", area=entry["focus_area"]), f"changes.progress[{index}].",
                    entry, new, stated))
    if progress:
        cleaned["progress"] = progress
    given = {key: checked(Minutes, {key: changes[key]})[key] for key in NEXT_MEETING_TEXTS if key in changes}
    if any(text != adopted_text_of(record, key) for key, text in given.items()):
        cleaned.update({key: text for key, text in given.items()
                        if stated or text != adopted_text_of(record, key)})
        if both_texts:
            one_language.update(_one_language_only(Minutes, _("The minutes"), "changes.", record, cleaned, stated))
    if not cleaned:
        raise Invalid(_("The correction changes nothing in the adopted text."), field="changes")
    _refuse_one_language_only(one_language)
    return cleaned


def corrected_record(base: dict[str, Any], changes: dict[str, Any], correction: dict[str, Any]) -> dict[str, Any]:
    """The adopted record with a correction's changes applied and the correction named in it."""
    record = copy.deepcopy(base)
    by_item = {entry["agenda_item_id"]: entry for entry in record["records"]}
    for change in changes.get("records", []):
        by_item[change["agenda_item_id"]].update({k: v for k, v in change.items() if k != "agenda_item_id"})
    progress_entries = {p["focus_area"]: p for entry in record["records"] for p in entry["progress"]}
    progress_entries.update({p["focus_area"]: p for p in record["other_progress"]})
    for change in changes.get("progress", []):
        progress_entries[change["focus_area"]].update({k: v for k, v in change.items() if k != "focus_area"})
    for key in NEXT_MEETING_TEXTS:
        if key in changes:
            record[key] = changes[key]
    record["correction"] = correction
    return record


def propose_correction(actor, minutes: Minutes, changes: Any, reason: Any, supersedes: str | None = None, *,
                       unchanged_stated: bool = True) -> MinutesCorrection:
    """A secretariat proposes changed text for adopted minutes; both co-chairs then adopt it. Both texts are
    equally authentic: a text corrected in one language is given in the other too, corrected as well or as adopted
    (`unchanged_stated`: a text given as adopted says so on purpose; else it says nothing, as a form's box left
    as it was)."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.correct", minutes)
    record_now, digest_now = current_record(minutes)
    if supersedes not in (None, "") and supersedes != digest_now:
        raise Conflict(_("The adopted text has been corrected meanwhile: base your correction on the current text."),
                       current={"supersedes": digest_now})
    correction = MinutesCorrection(minutes_id=minutes.id, status="proposed", supersedes_sha256=digest_now,
                                   proposed_by_id=actor.id, proposed_at=utcnow())
    populate(correction, {"reason": reason}, creating=True)
    correction.changes = _clean_changes(record_now, changes, stated=unchanged_stated)
    correction.number = len(corrections(minutes)) + 1
    minutes.corrections.append(correction)
    db.session.flush()
    record(actor, "minutes.correction_proposed", minutes,
           after={"number": correction.number, "supersedes": digest_now, "changes": correction.changes,
                  "reason": correction.reason}, label=meeting.title)
    return correction


def _check_correction_version(correction: MinutesCorrection, expected_version: int | None) -> None:
    try:
        check_version(correction, expected_version, _("Correction no. %(n)d changed meanwhile; review it and try "
                                                      "again.", n=correction.number))
    except Conflict as conflict:
        conflict.current.update(number=correction.number, changes=correction.changes)
        raise


def _correction_state(correction: MinutesCorrection) -> dict[str, Any]:
    """What the audit trail shows of a correction beside its declared fields."""
    return {"number": correction.number, "changes": correction.changes, "sha256": correction.sha256}


def update_correction(actor, correction: MinutesCorrection, changes: Any, reason: Any,
                      expected_version: int | None = None) -> MinutesCorrection:
    """A changed proposal is a new text: an adoption given for the earlier one no longer stands."""
    minutes = db.session.get(Minutes, correction.minutes_id)
    meeting = _meeting_of(minutes)
    require(actor, "correction.edit", correction)
    _check_correction_version(correction, expected_version)
    base = _record_with_digest(minutes, correction.supersedes_sha256)
    changed = _clean_changes(base, changes if changes is not None else correction.changes)
    with tracked(actor, "minutes.correction_changed", correction, extra=_correction_state,
                 label=lambda _correction: meeting.title) as before:
        populate(correction, {"reason": reason} if reason is not None else {}, ("reason",))
        correction.changes = changed
        if (correction.changes, correction.reason) != (before["changes"], before["reason"]):
            for approval in list(correction.approvals):
                correction.approvals.remove(approval)
    return correction


def withdraw_correction(actor, correction: MinutesCorrection, expected_version: int | None = None) -> MinutesCorrection:
    minutes = db.session.get(Minutes, correction.minutes_id)
    meeting = _meeting_of(minutes)
    require(actor, "correction.edit", correction)
    _check_correction_version(correction, expected_version)
    with tracked(actor, "minutes.correction_withdrawn", correction, extra=_correction_state,
                 label=lambda _correction: meeting.title):
        correction.status = "withdrawn"
    return correction


def _record_with_digest(minutes: Minutes, digest_: str) -> dict[str, Any]:
    if minutes.sha256 == digest_:
        return minutes.adopted_content
    earlier = db.session.scalar(select(MinutesCorrection).where(MinutesCorrection.minutes_id == minutes.id,
                                                                MinutesCorrection.sha256 == digest_))
    if earlier is None:
        raise NotFound(_("No adopted text of these minutes has that digest."))
    return earlier.content


def adopt_correction(actor, correction: MinutesCorrection, expected_version: int | None = None) -> CorrectionApproval:
    """The meeting's co-chair adopts a correction for their side; with both, the corrected text is a new record."""
    minutes = db.session.get(Minutes, correction.minutes_id)
    meeting = _meeting_of(minutes)
    try:
        require(actor, "correction.adopt", correction)
    except AlreadyDone:  # adopting again changes nothing
        return correction_approvals_by_side(correction)[actor.side]
    _check_correction_version(correction, expected_version)
    _record_now, digest_now = current_record(minutes)
    if correction.supersedes_sha256 != digest_now:
        raise Conflict(_("Another correction was adopted after this one was proposed: it no longer applies to the "
                         "current text. Withdraw it and propose it again."), current={"supersedes": digest_now})
    approval, given = _approve_for_own_side(actor, correction.approvals, CorrectionApproval)
    if not given:
        return approval
    record(actor, "minutes.correction_adopt", minutes, after={"number": correction.number, "side": actor.side},
           label=meeting.title)
    if {a.side for a in correction.approvals} == set(SIDES):
        from jcm.records import digest as record_digest, iso

        base = _record_with_digest(minutes, correction.supersedes_sha256)
        with tracked(actor, "minutes.correction_adopted", correction,
                     extra=lambda c: {**_correction_state(c), "supersedes": c.supersedes_sha256},
                     label=lambda _correction: meeting.title):
            correction.adopted_at = approval.at
            correction.content = corrected_record(base, correction.changes, {
                "number": correction.number, "reason": correction.reason, "supersedes": correction.supersedes_sha256,
                "adopted_at": iso(approval.at),
                "adoption": {a.side: {"name": a.user.name if a.user else "",  # and in Hangul, as the minutes' own
                                      "name_ko": (a.user.name_ko or "") if a.user else "", "at": iso(a.at)}
                             for a in sorted(correction.approvals, key=lambda a: a.side)}})
            correction.sha256 = record_digest(correction.content)
            correction.status = "adopted"
        correction_adopted.send(correction, meeting=meeting)
    return approval


def correction_approvals_by_side(correction: MinutesCorrection) -> dict[str, CorrectionApproval | None]:
    return {side: next((a for a in correction.approvals if a.side == side), None) for side in SIDES}
