"""What the meetings have recorded about each of the MOU's areas, read across meetings, as the reader may see it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from jcm.extensions import db
from jcm.meetings.models import AgendaItem, agenda_item_focus_area
from jcm.minutes.models import Minutes, MinutesCorrection, MinutesSection, ProgressEntry
from jcm.mou.models import FocusArea
from jcm.permissions import can

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
    contents: dict[str, tuple[int, Any]] = {}
    if unread_originals:
        for row in db.session.execute(select(Minutes.meeting_id, Minutes.sha256, Minutes.adopted_content)
                                      .where(Minutes.id.in_(unread_originals))):
            contents[row.sha256] = (row.meeting_id, row.adopted_content)
    if unread_corrections:
        for row in db.session.execute(select(Minutes.meeting_id, MinutesCorrection.sha256, MinutesCorrection.content)
                                      .join(Minutes, Minutes.id == MinutesCorrection.minutes_id)
                                      .where(MinutesCorrection.id.in_(unread_corrections))):
            contents[row.sha256] = (row.meeting_id, row.content)
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
