"""Each side finds its own notes by their words, and only its own: the search's index keeps each note's entry for
its side (jcm.search.index, `side`), and the search shows an entry kept for one side to that side alone."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from jcm.i18n import localized
from jcm.minutes.models import MinutesSection
from jcm.notes.models import SideNote
from jcm.search.index import BODY, Kind, add_kind


def _source():
    """A note's text and its side, with the records it is on as links: a minutes section's note is linked to the
    section's agenda item, so that a result names what the note is about."""
    return (select(SideNote.id, SideNote.text, SideNote.side, SideNote.meeting_id,
                   func.coalesce(SideNote.agenda_item_id, MinutesSection.agenda_item_id).label("agenda_item_id"),
                   SideNote.action_item_id)
            .outerjoin(MinutesSection, MinutesSection.id == SideNote.minutes_section_id))


def _place(hit) -> str:
    return url_for("notes.found", note_id=hit.id)


def _title(hit) -> str:
    """What the note is on, as the search read it with the note (no statement of its own): the action item, the
    agenda item or the meeting."""
    if hit.action_item is not None:
        on = f"{hit.action_item.prefix} {localized(hit.action_item, 'title')}"
    elif hit.agenda_item is not None:
        on = str(localized(hit.agenda_item, "title"))
    elif hit.meeting is not None:
        on = str(localized(hit.meeting, "title"))
    else:
        on = ""
    return _("Internal note: %(record)s", record=on)


def add_to_search() -> None:
    add_kind(Kind("side_note", _l("Your side's internal notes"), SideNote, "note.view", (("text", None, BODY),),
                  _source, place=_place, title=_title))
