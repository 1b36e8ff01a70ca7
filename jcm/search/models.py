"""The search index: one row for each text of a record in one language, folded as a query finds it.

The database's own full-text machinery works over these rows: on SQLite an FTS5 table with the trigram tokenizer
(`search_fts`, whose content is this table, kept by triggers), on PostgreSQL a pg_trgm GIN index on `folded`; for
words of two characters, on SQLite an FTS5 table of `grams` (`search_grams`, kept by triggers), on PostgreSQL a GIN
index on the array of `grams`. All are made by the migrations (0013, 0016), not declared here: none is a table or
an index SQLAlchemy knows how to make on the other database, and the autogeneration ignores them
(jcm.search.index.autogenerate_includes)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jcm.extensions import db


class SearchEntry(db.Model):
    __tablename__ = "search_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # agenda_item, minutes_record, progress, action_item …
    object_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(20))  # the English field's name: title, description, decisions …
    language: Mapped[str] = mapped_column(String(2))  # en | ko
    weight: Mapped[int] = mapped_column(SmallInteger)  # titles and names first, then decisions, then the rest
    text: Mapped[str] = mapped_column(Text)  # as written: what a result shows, its matches marked
    folded: Mapped[str] = mapped_column(Text)  # as found: lower case, no accents, no white space
    # The pairs of characters next to each other in `folded`, each once, separated by spaces: what finds a word of
    # two characters, which the trigrams cannot (jcm.search.index.grams).
    grams: Mapped[str] = mapped_column(Text, server_default="")
    # An entry only one side may find (side-internal notes, when they come); none: both sides.
    side: Mapped[str | None] = mapped_column(String(2))
    # The records an entry lives and dies with: deleting a meeting, an agenda item or an action item deletes the
    # entries of everything under it in the database itself, as it deletes those records.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))

    __table_args__ = (
        # A record's entries, replaced whole when it changes.
        Index("ix_search_entry_kind_object", "kind", "object_id"),
        # The cascades look up the entries of a deleted record.
        Index("ix_search_entry_meeting_id", "meeting_id"),
        Index("ix_search_entry_agenda_item_id", "agenda_item_id"),
        Index("ix_search_entry_action_item_id", "action_item_id"),
    )
