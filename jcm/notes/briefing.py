"""A side's briefing pack for a meeting: what its delegation head reads on the plane, in that side's language — the
agenda, the side's notes on the meeting and on each item, the open action items the side's agencies own, and the
progress recorded so far for each focus area on the agenda. One record, printed as HTML and PDF by one template
(templates/notes/briefing.html, in the documents' frame) and given as JSON by the API. A side reads only its own
pack: the other side's is not found."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from jcm.actions.models import OPEN_STATUSES, ActionItem, ActionOwner
from jcm.actions.services import item_query
from jcm.dashboard.services import recorded
from jcm.documents.records import current_agenda_record
from jcm.errors import NotFound
from jcm.extensions import db
from jcm.meetings.models import Meeting
from jcm.meetings.services import get_meeting
from jcm.minutes.models import Minutes, MinutesSection
from jcm.mou.models import Agreement, FocusArea
from jcm.documents.markings import SIDE_MARKINGS, marking_words
from jcm.notes.services import author_of, meeting_notes
from jcm.permissions import SidePart, can
from jcm.records import both, iso

SCHEMA = "jcm/briefing/1"


def side_language(agreement: Agreement, side: str) -> str:
    """The language a side answers for under the agreement (this MOU: the U.S. English, Korea Korean)."""
    return next((language for language in ("en", "ko") if agreement.answers_for(language) == side),
                "en" if side == "US" else "ko")


def _not_found(meeting_id: int) -> NotFound:
    return NotFound(_("There is no briefing pack for meeting %(id)s.", id=meeting_id))


def _note(note) -> dict[str, Any] | None:
    if note is None or not note.text.strip():
        return None
    author = author_of(note)
    return {"id": note.id, "text": note.text, "version": note.version, "author": author.name if author else None,
            "updated_at": iso(note.updated_at)}


def briefing_record(user, meeting_id: int, side: str | None = None, today: date | None = None) -> dict[str, Any]:
    """The reader's side's pack for the meeting. Asked for another side's (`side`), or by a reader who may not read
    their side's notes: not found, as for a meeting that does not exist."""
    side = side or user.side
    if side != user.side or not can(user, "note.view", SidePart(None, side)):
        raise _not_found(meeting_id)
    try:
        meeting = get_meeting(meeting_id, with_agenda=True)
    except NotFound:
        raise _not_found(meeting_id) from None
    if not can(user, "meeting.view", meeting):
        raise _not_found(meeting_id)
    today = today or date.today()
    agreement = db.session.get(Agreement, meeting.agreement_id)
    agenda = current_agenda_record(meeting)
    notes = meeting_notes(user, meeting.id)
    sections = dict(db.session.execute(select(MinutesSection.agenda_item_id, MinutesSection.id)
                                       .join(Minutes, Minutes.id == MinutesSection.minutes_id)
                                       .where(Minutes.meeting_id == meeting.id)).all())
    items = []
    for day in agenda["days"]:
        for slot in day["slots"]:
            item = slot["item"]
            section_id = sections.get(item["id"])
            items.append({"id": item["id"], "number": slot["number"], "title": item["title"], "day": day["day"],
                          "starts": slot["starts"], "ends": slot["ends"], "focus_areas": item["focus_areas"],
                          "note": _note(notes.get(("agenda_item", item["id"]))),
                          "record_note": _note(notes.get(("minutes_section", section_id))) if section_id else None})
    language = side_language(agreement, side)
    return {**agenda, "schema": SCHEMA, "side": side, "language": language,
            # on every page and in the PDF's metadata, in the side's own language
            "marking": marking_words(SIDE_MARKINGS[side], language), "as_of": iso(today),
            "meeting_note": _note(notes.get(("meeting", meeting.id))), "items": items,
            "action_items": _open_items(agreement.id, side, today),
            "progress": _progress(user, meeting, agenda)}


def _open_items(agreement_id: int, side: str, today: date) -> list[dict[str, Any]]:
    """The agreement's open action items with an owner on the side, the soonest due first."""
    owned = select(ActionOwner.action_item_id).where(ActionOwner.side == side)
    rows = db.session.scalars(item_query().where(ActionItem.agreement_id == agreement_id,
                                                 ActionItem.status.in_(OPEN_STATUSES), ActionItem.id.in_(owned))
                              .order_by(ActionItem.due_date, ActionItem.ref))
    items = []
    for item in rows:
        owners = [both(owner.user, "name") if owner.user is not None else both(owner.organization, "name")
                  for owner in item.owners_on(side)]
        items.append({"id": item.id, "ref": item.ref, "title": both(item, "title"), "focus_area": item.focus_area.code,
                      "owners": owners, "due_date": iso(item.due_date), "status": item.status,
                      "overdue": item.due_date < today})
    return items


def _progress(user, meeting: Meeting, agenda: dict[str, Any]) -> list[dict[str, Any]]:
    """For each focus area on the agenda, the latest progress recorded of it by this meeting or one before it: its
    status and narrative, and the meeting that recorded it (from the adopted text once adopted)."""
    codes = [area["code"] for area in agenda["focus_areas"]]
    earlier = list(db.session.execute(
        select(Meeting.id, Meeting.ordinal, Meeting.title, Meeting.title_ko, Meeting.start_date)
        .where(Meeting.agreement_id == meeting.agreement_id, Meeting.status != "cancelled",
               Meeting.start_date <= meeting.start_date)
        .order_by(Meeting.start_date.desc(), Meeting.id.desc())))
    records = recorded(user, [row.id for row in earlier])
    titles = {area.code: both(area, "title") for area in db.session.scalars(
        select(FocusArea).where(FocusArea.agreement_id == meeting.agreement_id, FocusArea.code.in_(codes)))}
    progress = []
    for code in codes:
        latest = next(((row, records[row.id]) for row in earlier
                       if row.id in records and code in records[row.id].progress), None)
        entry = {"code": code, "title": titles.get(code, {"en": code, "ko": code}), "status": None,
                 "narrative": {"en": "", "ko": ""}, "meeting": None}
        if latest is not None:
            row, record = latest
            found = record.progress[code]
            entry.update(status=found.status, narrative={"en": found.narrative, "ko": found.narrative_ko},
                         meeting={"id": row.id, "ordinal": row.ordinal, "title": {"en": row.title, "ko": row.title_ko},
                                  "start_date": iso(row.start_date), "adopted": record.adopted})
        progress.append(entry)
    return progress
