"""A meeting's distribution marking: read for its documents, chosen by a secretariat of either side until the
minutes are adopted (the adopted record keeps the one frozen with it)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from jcm.audit.services import record, tracked
from jcm.documents.markings import DEFAULT_MARKING, MARKING_LABELS, MEETING_MARKINGS
from jcm.documents.models import DocumentMarking
from jcm.errors import Invalid
from jcm.extensions import db
from jcm.fields import declared
from jcm.meetings.models import Meeting
from jcm.models import utcnow
from jcm.permissions import require
from jcm.versions import check_version


def marking_row(meeting_id: int) -> DocumentMarking | None:
    return db.session.scalar(select(DocumentMarking).where(DocumentMarking.meeting_id == meeting_id))


def marking_of(meeting_id: int) -> str:
    """The marking the meeting's documents carry now."""
    row = marking_row(meeting_id)
    return row.marking if row is not None else DEFAULT_MARKING.value


def _clean(value: Any) -> str:
    """One of the markings a meeting's documents may carry (a side's own marking is for what only it reads)."""
    if not isinstance(value, str) or value not in MEETING_MARKINGS:
        raise Invalid(_("A meeting's documents are marked %(values)s.", values=", ".join(
            f"{code} ({MARKING_LABELS[code]})" for code in MEETING_MARKINGS)), field="marking")
    return declared(DocumentMarking)["marking"].clean(value)


def set_marking(actor, meeting: Meeting, value: Any, expected_version: int | None = None) -> DocumentMarking:
    """A secretariat chooses the marking of the meeting's documents; a choice based on a version another writer
    moved on is refused (409) with the stored marking and, under `yours`, the one sent."""
    require(actor, "document.mark", meeting)
    chosen = _clean(value)
    row = marking_row(meeting.id)
    if row is None:
        row = DocumentMarking(meeting_id=meeting.id, marking=chosen, version=1, updated_by_id=actor.id)
        db.session.add(row)
        db.session.flush()
        record(actor, "meeting.marking", row, before={"marking": DEFAULT_MARKING.value}, after={"marking": chosen},
               label=meeting.short_ref)
        return row
    check_version(row, expected_version, _("Someone else changed the marking meanwhile; review it and choose "
                                           "again."), yours={"marking": chosen})
    with tracked(actor, "meeting.marking", row, label=lambda _row: meeting.short_ref):
        if row.marking != chosen:
            row.marking, row.updated_at, row.updated_by_id = chosen, utcnow(), actor.id
    return row
