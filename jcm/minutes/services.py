"""The rules of the minutes: writing them section by section without losing text, review across both sides,
adoption by both co-chairs, and the digest that fixes the adopted content."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect, select
from sqlalchemy.orm import joinedload, selectinload

from jcm.accounts.models import User
from jcm.actions.services import carried_over, raised_at, reviews_at
from jcm.audit.services import record
from jcm.errors import Conflict, Invalid, NotFound, PermissionDenied
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Meeting
from jcm.meetings.services import get_meeting
from jcm.minutes.models import (PROGRESS_STATUSES, Attendee, Minutes, MinutesApproval, MinutesComment,
                                MinutesSection, ProgressEntry, SectionRevision)
from jcm.models import utcnow, whole_number
from jcm.mou.models import FocusArea
from jcm.permissions import require
from jcm.versions import next_version

MAX_TEXT = 100_000  # characters in one discussion summary or narrative
MAX_DECISIONS = 50


# --- loading and creating -------------------------------------------------------------------------------

def minutes_query():
    return select(Minutes).options(
        selectinload(Minutes.attendees), selectinload(Minutes.approvals),
        selectinload(Minutes.sections).joinedload(MinutesSection.agenda_item),
        selectinload(Minutes.progress).joinedload(ProgressEntry.focus_area))


def minutes_for(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(minutes_query().where(Minutes.meeting_id == meeting.id))


def discussed_focus_areas(meeting: Meeting) -> list[FocusArea]:
    """The focus areas the meeting discussed: those of its focus-area discussion items."""
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                        AgendaItem.kind == "focus_area")
                               .options(selectinload(AgendaItem.focus_areas))).all()
    areas = {area.id: area for item in items for area in item.focus_areas}
    return sorted(areas.values(), key=lambda area: area.position)


def open_minutes(actor, meeting: Meeting) -> Minutes:
    """The minutes of a meeting, made on first use with a section per agenda item; new items get theirs."""
    require(actor, "minutes.view", meeting)
    minutes = minutes_for(meeting)
    if minutes is None:
        require(actor, "minutes.edit", meeting)
        if meeting.status == "cancelled":
            raise Conflict(_("A cancelled meeting has no minutes."))
        minutes = Minutes(meeting_id=meeting.id, status="draft")
        db.session.add(minutes)
        db.session.flush()
        record(actor, "minutes.create", minutes, label=meeting.title)
    if minutes.status != "adopted":
        have = {section.agenda_item_id for section in db.session.scalars(
            select(MinutesSection).where(MinutesSection.minutes_id == minutes.id))}
        for item_id in db.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)):
            if item_id not in have:
                db.session.add(MinutesSection(minutes_id=minutes.id, agenda_item_id=item_id, discussion="",
                                              decisions=[]))
        db.session.flush()
    return db.session.scalar(minutes_query().where(Minutes.id == minutes.id).execution_options(
        populate_existing=True))


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


def _check_open(minutes: Minutes) -> None:
    if minutes.status == "adopted":
        raise Conflict(_("These minutes have been adopted by both co-chairs and can no longer be changed."))


# --- writing --------------------------------------------------------------------------------------------

def _clean_text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be text.", field=field), field=field)
    text = value.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise Invalid(_("%(field)s is too long: at most %(limit)d characters.", field=field, limit=limit),
                      field=field)
    return text


def _clean_decisions(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split("\n")
    if not isinstance(value, list):
        raise Invalid(_("The decisions are a list of sentences."), field="decisions")
    decisions = [_clean_text(d, "decisions", 5000) for d in value]
    decisions = [d for d in decisions if d]
    if len(decisions) > MAX_DECISIONS:
        raise Invalid(_("At most %(n)d decisions per agenda item.", n=MAX_DECISIONS), field="decisions")
    return decisions


def save_section(actor, section: MinutesSection, discussion: Any, decisions: Any,
                 expected_version: int | None) -> MinutesSection:
    """Save one agenda item's record; a save based on an older version is a conflict showing both texts."""
    minutes = db.session.get(Minutes, section.minutes_id)
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", meeting)
    _check_open(minutes)
    text, decided = _clean_text(discussion, "discussion"), _clean_decisions(decisions)
    if expected_version is not None and expected_version != section.version:
        raise Conflict(_("Someone else saved this section meanwhile. Both texts are shown: merge them and "
                         "save again."),
                       current={"id": section.id, "discussion": section.discussion, "decisions": section.decisions,
                                "version": section.version,
                                "yours": {"discussion": text, "decisions": decided}})
    if (text, decided) == (section.discussion, list(section.decisions or [])):
        return section
    new = next_version(section)
    section.discussion, section.decisions = text, decided
    section.updated_at, section.updated_by_id = utcnow(), actor.id
    _touch(minutes, actor)
    db.session.add(SectionRevision(section_id=section.id, version=new, discussion=text, decisions=decided,
                                   author_id=actor.id))
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
    return save_section(actor, section, revision.discussion, list(revision.decisions or []), None)


def set_attendance(actor, minutes: Minutes, side: str, entries: Iterable[dict[str, Any]]) -> list[Attendee]:
    """The delegation of one side, in order: each from an account (user_id) or typed in (name, title, organization)."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", meeting)
    _check_open(minutes)
    if side not in ("US", "KR"):
        raise Invalid(_("Side must be US or KR."), field="side")
    if not isinstance(entries, list):
        raise Invalid(_("The attendance of a side is a list."), field="attendance")
    rows: list[Attendee] = []
    for position, entry in enumerate(entries):
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
        name = _clean_text(entry.get("name") or (user.name if user else ""), "name", 200)
        if not name:
            raise Invalid(_("Each attendee needs a name."), field="attendance")
        organization = entry.get("organization")
        if organization is None and user is not None and user.organization is not None:
            organization = user.organization.name
        rows.append(Attendee(side=side, position=position, user_id=user.id if user else None, name=name,
                             title=_clean_text(entry.get("title") if entry.get("title") is not None
                                               else (user.title if user else ""), "title", 200),
                             organization=_clean_text(organization, "organization", 300)))
    before = [a.name for a in minutes.attendees if a.side == side]
    for attendee in [a for a in minutes.attendees if a.side == side]:
        minutes.attendees.remove(attendee)
    minutes.attendees.extend(rows)
    _touch(minutes, actor)
    record(actor, "minutes.attendance", minutes, before={side: before}, after={side: [r.name for r in rows]},
           label=meeting.title)
    return rows


def save_progress(actor, minutes: Minutes, focus_area_id: Any, status: str, narrative: Any,
                  expected_version: int | None = None) -> ProgressEntry:
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", meeting)
    _check_open(minutes)
    if status not in PROGRESS_STATUSES:
        raise Invalid(_("Unknown progress status “%(status)s”: use %(statuses)s.", status=status,
                        statuses=", ".join(PROGRESS_STATUSES)), field="status")
    area = db.session.get(FocusArea, whole_number(focus_area_id, "focus_area_id"))
    if area is None or area.agreement_id != meeting.agreement_id:
        raise Invalid(_("That focus area is not one of this MOU's."), field="focus_area_id")
    text = _clean_text(narrative, "narrative")
    entry = db.session.scalar(select(ProgressEntry).where(ProgressEntry.minutes_id == minutes.id,
                                                          ProgressEntry.focus_area_id == area.id))
    if entry is None:
        entry = ProgressEntry(focus_area_id=area.id, status=status, narrative=text)
        minutes.progress.append(entry)
        db.session.flush()
    else:
        if expected_version is not None and expected_version != entry.version:
            raise Conflict(_("Someone else saved this progress entry meanwhile. Both texts are shown: merge "
                             "them and save again."),
                           current={"focus_area_id": area.id, "status": entry.status, "narrative": entry.narrative,
                                    "version": entry.version, "yours": {"status": status, "narrative": text}})
        if (entry.status, entry.narrative) == (status, text):
            return entry
        next_version(entry)
        entry.status, entry.narrative, entry.updated_at = status, text, utcnow()
    _touch(minutes, actor)
    record(actor, "minutes.progress", minutes, after={"focus_area": area.code, "status": status},
           label=meeting.title)
    return entry


def set_next_meeting(actor, minutes: Minutes, text: Any, expected_version: int | None = None) -> Minutes:
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", meeting)
    _check_open(minutes)
    value = _clean_text(text, "next_meeting", 2000)
    if expected_version is not None and expected_version != minutes.next_meeting_version:
        raise Conflict(_("Someone else saved the next meeting meanwhile."),
                       current={"next_meeting": minutes.next_meeting, "version": minutes.next_meeting_version,
                                "yours": value})
    if value != minutes.next_meeting:
        next_version(minutes, "next_meeting_version")
        minutes.next_meeting = value
        _touch(minutes, actor)
        record(actor, "minutes.next_meeting", minutes, after={"next_meeting": value}, label=meeting.title)
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

def set_status(actor, minutes: Minutes, status: str, expected_version: int | None = None) -> Minutes:
    """A secretariat circulates the draft for review, or takes it back to draft."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", meeting)
    _check_open(minutes)
    if status not in ("draft", "circulated"):
        if status == "adopted":
            raise Conflict(_("Minutes are adopted only by both co-chairs' approvals."))
        raise Invalid(_("Unknown minutes status “%(status)s”.", status=status), field="status")
    if expected_version is not None and expected_version != minutes.version:
        raise Conflict(_("The minutes changed meanwhile; review them and try again."),
                       current={"status": minutes.status, "version": minutes.version})
    if status != minutes.status:
        before = minutes.status
        next_version(minutes)
        minutes.status = status
        if status == "draft":  # taken back for rework: any adoption so far no longer stands
            for approval in list(minutes.approvals):
                minutes.approvals.remove(approval)
        _touch(minutes, actor)
        record(actor, "minutes.status", minutes, before={"status": before}, after={"status": status},
               label=meeting.title)
    return minutes


def add_comment(actor, minutes: Minutes, text: Any, section_id: Any = None) -> MinutesComment:
    meeting = _meeting_of(minutes)
    require(actor, "minutes.comment", meeting)
    _check_open(minutes)
    if minutes.status != "circulated":
        raise Conflict(_("Comments are taken while the minutes are circulated for review."))
    body = _clean_text(text, "text", 10_000)
    if not body:
        raise Invalid(_("Write the comment."), field="text")
    section = None
    if section_id not in (None, ""):
        section = db.session.get(MinutesSection, whole_number(section_id, "section_id"))
        if section is None or section.minutes_id != minutes.id:
            raise Invalid(_("That section is not part of these minutes."), field="section_id")
    comment = MinutesComment(minutes_id=minutes.id, section_id=section.id if section else None, author_id=actor.id,
                             side=actor.side, text=body)
    db.session.add(comment)
    db.session.flush()
    record(actor, "minutes.comment", minutes, after={"section_id": comment.section_id, "text": body},
           label=meeting.title)
    return comment


def resolve_comment(actor, comment: MinutesComment) -> MinutesComment:
    minutes = db.session.get(Minutes, comment.minutes_id)
    meeting = _meeting_of(minutes)
    require(actor, "minutes.edit", meeting)
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by_id = utcnow(), actor.id
        db.session.flush()
        record(actor, "minutes.comment_resolved", minutes, after={"comment": comment.id}, label=meeting.title)
    return comment


def comments(minutes: Minutes) -> list[MinutesComment]:
    return list(db.session.scalars(select(MinutesComment).where(MinutesComment.minutes_id == minutes.id)
                                   .order_by(MinutesComment.at)))


# --- adoption -------------------------------------------------------------------------------------------

def missing_progress(minutes: Minutes, meeting: Meeting) -> list[FocusArea]:
    recorded = {entry.focus_area_id for entry in minutes.progress}
    return [area for area in discussed_focus_areas(meeting) if area.id not in recorded]


def adopt(actor, minutes: Minutes) -> MinutesApproval:
    """A co-chair adopts for their own side; when both have, the minutes are locked and their digest fixed."""
    meeting = _meeting_of(minutes)
    require(actor, "minutes.adopt", meeting)
    _check_open(minutes)
    named = meeting.co_chair_id(actor.side)
    if named is not None and named != actor.id:
        raise PermissionDenied(_("Only the meeting's co-chair for your side adopts the minutes for it."))
    if meeting.status != "held":
        raise Conflict(_("Minutes are adopted once the meeting has been held."))
    if minutes.status != "circulated":
        raise Conflict(_("Minutes are adopted after they have been circulated for review."))
    missing = missing_progress(minutes, meeting)
    if missing:
        raise Conflict(_("The minutes cannot be adopted yet: no progress is recorded for %(areas)s.",
                         areas=", ".join(f"{a.code} {a.title}" for a in missing)))
    existing = next((a for a in minutes.approvals if a.side == actor.side), None)
    if existing is not None:
        return existing
    approval = MinutesApproval(side=actor.side, user_id=actor.id, at=utcnow())
    minutes.approvals.append(approval)
    db.session.flush()
    record(actor, "minutes.adopt", minutes, after={"side": actor.side}, label=meeting.title)
    if {a.side for a in minutes.approvals} == {"US", "KR"}:
        content = canonical_content(minutes, meeting)
        minutes.adopted_content = content
        minutes.sha256 = digest(content)
        minutes.status, minutes.adopted_at = "adopted", utcnow()
        next_version(minutes)
        meeting.status = "minutes_adopted"
        db.session.flush()
        record(actor, "minutes.adopted", minutes, after={"sha256": minutes.sha256}, label=meeting.title)
    return approval


def digest(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8): the same content, the same digest."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_content(minutes: Minutes, meeting: Meeting) -> dict[str, Any]:
    """What the minutes say, independent of layout: the thing both governments adopt."""
    def people(side: str) -> list[dict[str, str]]:
        return [{"name": a.name, "title": a.title, "organization": a.organization}
                for a in sorted(minutes.attendees, key=lambda a: a.position) if a.side == side]

    reviews = reviews_at(meeting)
    areas = {a.id: a for a in db.session.scalars(select(FocusArea).where(
        FocusArea.id.in_([e.focus_area_id for e in minutes.progress])))}
    return {
        "meeting": {"id": meeting.id, "ordinal": meeting.ordinal, "title": meeting.title, "title_ko": meeting.title_ko,
                    "start_date": meeting.start_date.isoformat(), "end_date": meeting.end_date.isoformat(),
                    "venue": meeting.venue, "city": meeting.city, "agenda_version": meeting.agenda_version},
        "attendance": {"US": people("US"), "KR": people("KR")},
        "records": [{"agenda_item_id": s.agenda_item_id, "title": s.agenda_item.title,
                     "discussion": s.discussion, "decisions": list(s.decisions or [])}
                    for s in ordered_sections(minutes)],
        "progress": [{"focus_area": areas[e.focus_area_id].code, "status": e.status, "narrative": e.narrative}
                     for e in sorted(minutes.progress, key=lambda e: areas[e.focus_area_id].position)],
        "reviewed_action_items": [{"ref": i.ref, "title": i.title,
                                   "outcome": reviews[i.id].outcome if i.id in reviews else None}
                                  for i in carried_over(meeting)],
        "new_action_items": [{"ref": i.ref, "title": i.title, "due_date": i.due_date.isoformat(),
                              "focus_area": i.focus_area.code} for i in raised_at(meeting)],
        "next_meeting": minutes.next_meeting,
    }


def approvals_by_side(minutes: Minutes) -> dict[str, MinutesApproval | None]:
    return {side: next((a for a in minutes.approvals if a.side == side), None) for side in ("US", "KR")}
