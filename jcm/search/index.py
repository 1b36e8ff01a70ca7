"""What the search finds, and how its index is kept: each kind of record, the texts of it that are searched, and
the one place that keeps their entries current — a listener that reads every flush, whoever changes a record and
however (a page, the API, a command) — and `jcm search reindex`, which rebuilds them all.

A text is indexed folded: in NFC, each character without its accents (NFKD, its combining marks dropped), in lower
case (casefold), white space dropped. So `Cafe` finds `café`, `QUANTUM` finds `quantum`, and Hangul finds Hangul
whatever the spaces between its words (`우주항공` finds `우주항공청` and `우주 항공청`). A query is folded the same way,
word by word.

Beside its folded text, an entry keeps the pairs of characters that follow each other in it (`grams`), for the
words of two characters the trigram index cannot serve (a two-syllable Korean word: 양자, 우주; "AI", "5G")."""

from __future__ import annotations

import functools
import string
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, delete, event, inspect, insert, select
from sqlalchemy.orm import Session

from jcm.actions.models import ActionItem, ActionUpdate
from jcm.meetings.models import AgendaItem, Attachment
from jcm.minutes.models import Minutes, MinutesSection, ProgressEntry
from jcm.search.models import SearchEntry

# --- folding ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def fold_character(character: str) -> str:
    """One character as it is found: without accents, in lower case, nothing for white space."""
    if character.isspace():
        return ""
    bare = "".join(part for part in unicodedata.normalize("NFKD", character) if not unicodedata.combining(part))
    return unicodedata.normalize("NFC", bare).casefold()


def fold(text: str) -> str:
    """A text as the index holds it and a query word is looked for in it."""
    if text.isascii():
        return "".join(text.lower().split())
    return "".join(fold_character(character) for character in unicodedata.normalize("NFC", text))


def gram_indexed(word: str) -> bool:
    """Whether a folded piece of text is made only of characters `grams` keeps pairs of: letters, digits and any
    character past ASCII (the other ASCII characters — signs, spaces, controls — separate the pairs as written)."""
    return all(not character.isascii() or character.isalnum() for character in word)


def grams(folded: str) -> str:
    """The pairs of characters next to each other in a folded text, each once, separated by spaces: a word of
    two characters is in the text exactly when it is one of its pairs. A pair with an ASCII sign in it is left
    out: a query's word of two characters never has one, taken off as what the word is wrapped in (query_words)."""
    pairs = (folded[at:at + 2] for at in range(len(folded) - 1))
    return " ".join(dict.fromkeys(pair for pair in pairs if pair.isalnum() or gram_indexed(pair)))


# What a word typed may be wrapped in that is not part of it: quotes, brackets, the operators of query languages
# (`"quantum"`, `(AI)`, `-draft`, `dataset*`). Inside a word they stay, and are looked for as written (JCM12-A07).
WRAPPING = string.punctuation + "“”‘’«»「」『』（）［］｛｝〈〉《》、。，．：；！？·…"


def query_words(query: str) -> list[str]:
    """The folded words of a query, in order, without repeats; nothing is syntax."""
    words = []
    for word in unicodedata.normalize("NFC", query).split():
        folded = fold(word.strip(WRAPPING))
        if folded and folded not in words:
            words.append(folded)
    return words


# --- the kinds of record searched ---------------------------------------------------------------------------

TITLE, DECISION, BODY = 3, 2, 1  # weights: a match in a title or a name first, then a decision, then the rest


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any  # a lazy string: how the results' group is headed
    model: type
    action: str  # the permission (jcm.permissions) to read such a record
    texts: tuple[tuple[str, str | None, int], ...]  # (English field, its Korean field or None, weight)
    source: Callable[[], Any]  # a select of the records' ids, texts and links (meeting_id, agenda_item_id …)
    # A kind a feature above the search adds (add_kind) says itself where its records found are and how a reader
    # knows them, from what the search reads with each hit (its links' names); its source's `side`, when it selects
    # one, keeps an entry for that side alone.
    place: Callable[[Any], str] | None = None  # (a Hit) → its address
    title: Callable[[Any], str] | None = None  # (a Hit) → its title in the reader's language

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for english, korean, _weight in self.texts for name in (english, korean) if name)


def _agenda_items():
    return select(AgendaItem.id, AgendaItem.title, AgendaItem.title_ko, AgendaItem.description,
                  AgendaItem.description_ko, AgendaItem.meeting_id, AgendaItem.id.label("agenda_item_id"))


def _minutes_records():
    return select(MinutesSection.id, MinutesSection.discussion, MinutesSection.discussion_ko, MinutesSection.decisions,
                  MinutesSection.decisions_ko, Minutes.meeting_id, MinutesSection.agenda_item_id).join(Minutes)


def _progress():
    return select(ProgressEntry.id, ProgressEntry.narrative, ProgressEntry.narrative_ko, Minutes.meeting_id).join(Minutes)


def _action_items():
    return select(ActionItem.id, ActionItem.ref, ActionItem.title, ActionItem.title_ko, ActionItem.description,
                  ActionItem.description_ko, ActionItem.id.label("action_item_id"))


def _action_updates():
    return select(ActionUpdate.id, ActionUpdate.text, ActionUpdate.action_item_id)


def _attachments():
    return select(Attachment.id, Attachment.filename, AgendaItem.meeting_id, Attachment.agenda_item_id).join(AgendaItem)


# In the order their groups are shown.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("agenda_item", _l("Agenda items"), AgendaItem, "meeting.view",
         (("title", "title_ko", TITLE), ("description", "description_ko", BODY)), _agenda_items),
    Kind("minutes_record", _l("Minutes: discussions and decisions"), MinutesSection, "minutes.view",
         (("decisions", "decisions_ko", DECISION), ("discussion", "discussion_ko", BODY)), _minutes_records),
    Kind("progress", _l("Progress by focus area"), ProgressEntry, "minutes.view",
         (("narrative", "narrative_ko", BODY),), _progress),
    Kind("action_item", _l("Action items"), ActionItem, "action.view",
         (("ref", None, TITLE), ("title", "title_ko", TITLE), ("description", "description_ko", BODY)),
         _action_items),
    Kind("action_update", _l("Action item updates"), ActionUpdate, "action.view", (("text", None, BODY),),
         _action_updates),
    Kind("attachment", _l("Papers"), Attachment, "attachment.download", (("filename", None, TITLE),), _attachments),
)}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}


def add_kind(kind: Kind) -> None:
    """A kind of record a feature above the search adds, searched after those above (jcm.notes: each side's notes,
    found by that side alone). Added before the search's API is described (at the feature's import), so its name is
    among the kinds a program may ask for."""
    KINDS[kind.name] = kind
    KIND_OF_MODEL[kind.model] = kind


LINKS = ("meeting_id", "agenda_item_id", "action_item_id")
HANGUL = range(0xAC00, 0xD7A4)


def language_of(text: str) -> str:
    """The language of a text written in one only (an update, a file's name): Korean when it holds Hangul."""
    return "ko" if any(ord(character) in HANGUL or 0x1100 <= ord(character) <= 0x11FF
                       or 0x3130 <= ord(character) <= 0x318F for character in text) else "en"


def _plain(value: Any) -> str:
    if isinstance(value, (list, tuple)):  # decisions: one a line
        return "\n".join(str(entry) for entry in value if str(entry).strip())
    return str(value or "")


def entries(kind: Kind, row: Any) -> Iterator[dict[str, Any]]:
    """The index's rows for one record (a row of kind.source())."""
    links = {name: getattr(row, name, None) for name in LINKS}
    for english, korean, weight in kind.texts:
        for language, name in (("en", english), ("ko", korean)):
            if name is None:
                continue
            text = _plain(getattr(row, name)).strip()
            if not text:
                continue
            folded = fold(text)
            yield {"kind": kind.name, "object_id": row.id, "field": english,
                   "language": language if korean else language_of(text), "weight": weight, "text": text,
                   "folded": folded, "grams": grams(folded), "side": getattr(row, "side", None), **links}


# --- keeping the index ----------------------------------------------------------------------------------------

CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def refresh(connection: Connection, changed: dict[str, set[int]], removed: dict[str, set[int]]) -> None:
    """The entries of the records changed made again from the database as it now stands; those removed, gone."""
    table = SearchEntry.__table__
    for name, ids in [*removed.items(), *changed.items()]:
        for chunk in _chunks(ids):
            connection.execute(delete(table).where(table.c.kind == name, table.c.object_id.in_(chunk)))
    for name, ids in changed.items():
        kind = KINDS[name]
        for chunk in _chunks(ids):
            rows = connection.execute(kind.source().where(kind.model.id.in_(chunk))).all()
            made = [entry for row in rows for entry in entries(kind, row)]
            if made:
                connection.execute(insert(table), made)


def rebuild(connection: Connection) -> dict[str, int]:
    """Every entry made again from the records; how many records of each kind were indexed."""
    table = SearchEntry.__table__
    connection.execute(delete(table))
    counts = {}
    for kind in KINDS.values():
        counts[kind.name] = 0
        batch = []
        for row in connection.execute(kind.source().order_by(kind.model.id)).yield_per(CHUNK):
            counts[kind.name] += 1
            batch.extend(entries(kind, row))
            if len(batch) >= CHUNK:
                connection.execute(insert(table), batch)
                batch = []
        if batch:
            connection.execute(insert(table), batch)
    return counts


def fill_if_empty(connection: Connection) -> dict[str, int] | None:
    """The index built from the records when it holds nothing while there are records to find — a database
    upgraded past the search's migration, or restored from an archive made before it; None when nothing was done."""
    if connection.execute(select(SearchEntry.id).limit(1)).first() is not None:
        return None
    if not any(connection.execute(select(kind.model.id).limit(1)).first() for kind in KINDS.values()):
        return None
    return rebuild(connection)


def _note_flush(session: Session, _context) -> None:
    """After each flush: the records of a searched kind that were added, deleted or had a searched text changed."""
    changed: dict[str, set[int]] = {}
    removed: dict[str, set[int]] = {}
    for obj in session.new:
        kind = KIND_OF_MODEL.get(type(obj))
        if kind is not None:
            changed.setdefault(kind.name, set()).add(obj.id)
    for obj in session.dirty:
        kind = KIND_OF_MODEL.get(type(obj))
        if kind is not None and obj not in session.deleted:
            attributes = inspect(obj).attrs
            if any(attributes[name].history.has_changes() for name in kind.fields):
                changed.setdefault(kind.name, set()).add(obj.id)
    for obj in session.deleted:
        kind = KIND_OF_MODEL.get(type(obj))
        if kind is not None:
            removed.setdefault(kind.name, set()).add(obj.id)
            changed.get(kind.name, set()).discard(obj.id)
    if changed or removed:
        refresh(session.connection(), changed, removed)


def keep_index_current() -> None:
    """Keep the index as the records change (once per process)."""
    if not event.contains(Session, "after_flush", _note_flush):
        event.listen(Session, "after_flush", _note_flush)


# --- the database's own machinery, made by the migration ------------------------------------------------------

FTS_TABLE = "search_fts"  # SQLite: the FTS5 table over search_entry.folded, and its shadow tables
GRAMS_TABLE = "search_grams"  # SQLite: the FTS5 table over search_entry.grams, and its shadow tables
TRIGRAM_INDEX = "ix_search_entry_folded_trgm"  # PostgreSQL: pg_trgm's GIN index on search_entry.folded
GRAMS_INDEX = "ix_search_entry_grams"  # PostgreSQL: a GIN index on the array of search_entry.grams


def autogenerate_includes(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparison of the models with the database: what the migration made for the search that no
    model declares (the FTS5 tables and their shadow tables, the GIN indexes) is left alone."""
    if type_ == "table" and reflected and name and name.startswith((FTS_TABLE, GRAMS_TABLE)):
        return False
    if type_ == "index" and reflected and name in (TRIGRAM_INDEX, GRAMS_INDEX):
        return False
    return True
