"""Side-internal notes: what one side's delegation writes for itself on a meeting, an agenda item, a minutes
section or an action item, which the other side never sees. Every save is kept as a revision."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jcm.accounts.models import User
from jcm.extensions import db
from jcm.labels import labelled
from jcm.models import Side, one_of, utcnow

MAX_NOTE = 20000  # characters


class NoteKind(enum.StrEnum):
    """What a note is written on; its address's word is the same with a hyphen (agenda-item)."""

    meeting = "meeting"
    agenda_item = "agenda_item"
    minutes_section = "minutes_section"
    action_item = "action_item"


NOTE_KIND_LABELS = labelled(NoteKind, {
    NoteKind.meeting: _l("Meeting"),
    NoteKind.agenda_item: _l("Agenda item"),
    NoteKind.minutes_section: _l("Minutes section"),
    NoteKind.action_item: _l("Action item"),
})


class SideNote(db.Model):
    """One side's note on one record: at most one per side and record, its text changed by saves that each make a
    revision. `target_id` is the record's id; the column named after its kind holds it too, so the note goes with
    the record when that is deleted. `meeting_id` is the meeting the record belongs to (none for an action item),
    so a page reads the notes of a whole meeting at once."""

    __tablename__ = "side_note"
    __table_args__ = (UniqueConstraint("side", "kind", "target_id", name="uq_side_note_side_kind_target"),
                      one_of("side", Side), one_of("kind", NoteKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    side: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    minutes_section_id: Mapped[int | None] = mapped_column(ForeignKey("minutes_section.id", ondelete="CASCADE"),
                                                           index=True)
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship(lazy="raise")
    revisions: Mapped[list["NoteRevision"]] = relationship(back_populates="note", lazy="raise",
                                                           cascade="all, delete-orphan",
                                                           order_by="NoteRevision.version")


class NoteRevision(db.Model):
    """Every saved version of a note, to look back at."""

    __tablename__ = "side_note_revision"
    __table_args__ = (UniqueConstraint("note_id", "version", name="uq_side_note_revision_note_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("side_note.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    note: Mapped[SideNote] = relationship(back_populates="revisions", lazy="raise")
    author: Mapped[User | None] = relationship(lazy="joined")
