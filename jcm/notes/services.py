"""Each side's internal notes: read and written only by that side's accounts (jcm.permissions, `note.view` and
`note.write`). A note is one side's text on one record; each save is a revision, and a save based on an older
version is refused with the stored text and the writer's own (409), so nothing typed is lost.

What the other side asks of a note is answered as if it did not exist (404, the same words): a guessed note id
tells nothing. Every query here is made for one side, the reader's; nothing else in JCM reads the notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jcm.accounts.models import User
from jcm.actions.services import get_action_item
from jcm.audit.services import record
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.i18n import localized
from jcm.meetings.services import get_agenda_item, get_meeting
from jcm.minutes.services import get_section
from jcm.models import utcnow
from jcm.notes.models import MAX_NOTE, NoteKind, NoteRevision, SideNote
from jcm.permissions import SidePart, can, require
from jcm.versions import next_version

# The actions the audit trail shows only to the administrators of the actor's side (jcm.audit.services.SIDE_OWN):
# saving a note, what the rules refused of notes, and a refused request to a notes page or resource.
AUDIT_PREFIXES = ("note.", "notes.", "api_notes.")
KINDS = tuple(kind.value for kind in NoteKind)


@dataclass
class Target:
    """The record a note is written on, as a note needs it: its kind, id, meeting, the record, how it is named and
    where its page is."""

    kind: str
    id: int
    meeting_id: int | None
    record: Any
    title: str
    path: str


def target(kind: str, target_id: int) -> Target:
    """The record of that kind and id, which the reader must be able to see; unknown → 404."""
    if kind == NoteKind.meeting:
        meeting = get_meeting(target_id)
        return Target(kind, meeting.id, meeting.id, meeting, localized(meeting, "title"),
                      url_for("meetings.show", meeting_id=meeting.id))
    if kind == NoteKind.agenda_item:
        item = get_agenda_item(target_id)
        return Target(kind, item.id, item.meeting_id, item, localized(item, "title"),
                      url_for("meetings.show", meeting_id=item.meeting_id) + f"#item-{item.id}")
    if kind == NoteKind.minutes_section:
        section = get_section(target_id)
        return Target(kind, section.id, section.minutes.meeting_id, section, localized(section.agenda_item, "title"),
                      url_for("minutes.show", meeting_id=section.minutes.meeting_id) + f"#section-{section.id}")
    if kind == NoteKind.action_item:
        item = get_action_item(target_id)
        return Target(kind, item.id, None, item, f"{item.ref} {localized(item, 'title')}",
                      url_for("actions.show", item_id=item.id))
    raise NotFound(_("There is no such page."))


def _column(kind: str) -> str:
    return "meeting_id" if kind == NoteKind.meeting else f"{kind}_id"


def note_on(user, on: Target) -> SideNote | None:
    """The user's side's note on the record, if it has one."""
    require(user, "note.view", SidePart(on.record, user.side))
    return db.session.scalar(select(SideNote).where(SideNote.side == user.side, SideNote.kind == on.kind,
                                                    SideNote.target_id == on.id))


def meeting_notes(user, meeting_id: int) -> dict[tuple[str, int], SideNote]:
    """The user's side's notes on a meeting, its agenda items and its minutes' sections, by (kind, id): one query
    for a whole page."""
    if not can(user, "note.view", SidePart(None, user.side)):
        return {}
    notes = db.session.scalars(select(SideNote).where(SideNote.side == user.side, SideNote.meeting_id == meeting_id))
    return {(note.kind, note.target_id): note for note in notes}


def get_note(user, note_id: int) -> SideNote:
    """A note of the user's own side; any other (the other side's, or none) is not found, in the same words."""
    note = db.session.get(SideNote, note_id)
    if note is None or not can(user, "note.view", SidePart(None, note.side)):
        raise NotFound(_("There is no note with id %(id)s.", id=note_id))
    return note


def target_of(note: SideNote) -> Target:
    return target(note.kind, note.target_id)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(_("The note must be a text."), field="text")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_NOTE:
        raise Invalid(_("A note holds at most %(n)d characters.", n=MAX_NOTE), field="text")
    return text


def _stale(note: SideNote, yours: str) -> Conflict:
    return Conflict(_("Someone on your side saved this note meanwhile. Both texts are shown: merge them and save "
                      "again."), current={"id": note.id, "text": note.text, "version": note.version,
                                          "author": author.name if (author := author_of(note)) else None,
                                          "updated_at": note.updated_at.isoformat() + "Z", "yours": yours})


def save_note(actor, on: Target, text: Any, expected_version: int | None) -> SideNote:
    """Write the actor's side's note on the record: the first save makes it (version 1), each later one a new
    version. `expected_version` is the version the writer read (0 when there was no note yet); a note saved since
    is a conflict, with both texts. None saves without comparing (a restore). The same text again changes
    nothing."""
    require(actor, "note.write", SidePart(on.record, actor.side))
    text = _text(text)
    note = db.session.scalar(select(SideNote).where(SideNote.side == actor.side, SideNote.kind == on.kind,
                                                    SideNote.target_id == on.id))
    if note is None:
        if expected_version not in (None, 0):
            raise Invalid(_("There is no note to update yet: save it with version 0."), field="version")
        note = SideNote(side=actor.side, kind=on.kind, target_id=on.id, meeting_id=on.meeting_id, text=text,
                        version=1, updated_by_id=actor.id, updated_at=utcnow())
        setattr(note, _column(on.kind), on.id)
        try:
            with db.session.begin_nested():  # a note made by another writer at the same moment: theirs stands
                db.session.add(note)
                db.session.flush()
        except IntegrityError:
            raise Conflict(_("Someone on your side saved this note meanwhile. Both texts are shown: merge them and "
                             "save again."), current={"yours": text}) from None
        version = 1
    else:
        if expected_version is not None and expected_version != note.version:
            raise _stale(note, text)
        if note.text == text:
            return note
        version = next_version(note)
        note.text, note.updated_at, note.updated_by_id = text, utcnow(), actor.id
    db.session.add(NoteRevision(note_id=note.id, version=version, text=text, author_id=actor.id, at=note.updated_at))
    db.session.flush()
    # The trail says who saved which version of which side's note, never its text; only the writer's side's
    # administrators read it (AUDIT_PREFIXES).
    record(actor, "note.save", note, after={"side": note.side, "kind": note.kind, "version": version},
           label=on.title)
    return note


def author_of(note: SideNote) -> User | None:
    return db.session.get(User, note.updated_by_id) if note.updated_by_id else None


def revisions(note: SideNote) -> list[NoteRevision]:
    """Every saved version, the latest first."""
    return list(db.session.scalars(select(NoteRevision).where(NoteRevision.note_id == note.id)
                                   .order_by(NoteRevision.version.desc())))


def restore_revision(actor, note: SideNote, version: int) -> SideNote:
    """Bring back an earlier version as a new one; nothing in between is lost."""
    revision = db.session.scalar(select(NoteRevision).where(NoteRevision.note_id == note.id,
                                                            NoteRevision.version == version))
    if revision is None:
        raise NotFound(_("There is no version %(n)s of this note.", n=version))
    return save_note(actor, target_of(note), revision.text, None)
