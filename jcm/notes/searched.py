"""Each side finds its own notes by their words, and only its own: the search's index keeps each note's entry for
its side (jcm.search.index, `side`), and the search shows an entry kept for one side to that side alone."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jcm.notes.models import NOTE_KIND_LABELS, SideNote
from jcm.search.index import BODY, Kind, add_kind


def _source():
    return select(SideNote.id, SideNote.text, SideNote.side, SideNote.meeting_id, SideNote.agenda_item_id,
                  SideNote.action_item_id)


def _place(hit) -> str:
    note = hit.record
    return url_for("notes.show", word=note.kind.replace("_", "-"), target_id=note.target_id)


def _title(hit) -> str:
    return _("Internal note on a record: %(kind)s", kind=NOTE_KIND_LABELS[hit.record.kind])


def add_to_search() -> None:
    add_kind(Kind("side_note", _l("Your side's internal notes"), SideNote, "note.view", (("text", None, BODY),),
                  _source, load=lambda ids: select(SideNote).where(SideNote.id.in_(ids)), place=_place,
                  title=_title))
