"""Finding records by the words of their texts, in English and Korean, with each database's own machinery: what
a person may read, ranked, grouped by kind, each with its words marked in context.

The words of a query are never a query language: each is folded (jcm.search.index.fold) and looked for as a
literal piece of text, all of them in one text of a record. A word of three characters or more is looked for
through the index (SQLite: an FTS5 trigram phrase, quoted; PostgreSQL: LIKE, served by pg_trgm's GIN index); a
shorter one (a two-syllable Korean word: 양자, 우주; "AI") by LIKE over the index's folded texts, which the
trigrams cannot serve. A query of one-character words only is refused: it would match nearly everything.

What a person may not read is neither shown nor counted: a kind whose permission (jcm.permissions) the person
lacks is left out of the query itself, and an entry kept for one side is found by that side alone."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import Float, Integer, case, column, func, or_, select, text
from sqlalchemy.orm import joinedload

from jcm.actions.models import ActionItem, ActionUpdate
from jcm.errors import Invalid
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Attachment, Meeting
from jcm.minutes.models import MinutesSection, ProgressEntry
from jcm.models import PageOf
from jcm.permissions import can
from jcm.search.index import KINDS, fold_character, query_words
from jcm.search.models import SearchEntry

MAX_QUERY_LENGTH = 200  # characters: a title and a few words more, as every search box in JCM
MAX_WORDS = 12
CONTEXT = 80  # characters of context shown before the first match, about twice that in all


@dataclass
class Hit:
    """A record found: the entry of it that matched best, and what a reader is shown of it."""

    kind: str
    id: int
    entry_id: int
    field: str
    language: str
    text: str
    meeting_id: int | None
    agenda_item_id: int | None
    action_item_id: int | None
    record: Any = None  # the record itself, loaded for its title
    meeting: Meeting | None = None
    context: Markup = Markup("")  # the matched text around the first match, the matches in <mark>
    spans: list[tuple[int, int]] = field(default_factory=list)  # where they are in `plain`
    plain: str = ""  # the context as plain text


@dataclass
class Found(PageOf):
    query: str
    words: list[str]
    counts: dict[str, int]  # records found of each kind the person may read, in the kinds' order
    kind: str | None  # the kind asked for, or None for all
    hits: list[Hit]
    page: int
    per_page: int

    @property
    def total(self) -> int:
        return self.counts.get(self.kind, 0) if self.kind else sum(self.counts.values())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))



def read_query(query: str | None) -> tuple[str, list[str]]:
    """The query as typed (white space made single spaces) and its folded words, or Invalid naming `q`."""
    typed = " ".join(str(query or "").split())
    if not typed:
        raise Invalid(_("Type a word or two to search for."), field="q")
    if len(typed) > MAX_QUERY_LENGTH:
        raise Invalid(_("The search text may be at most %(limit)d characters.", limit=MAX_QUERY_LENGTH), field="q")
    words = query_words(typed)
    if not words:
        raise Invalid(_("Type letters or numbers to search for: quotes, brackets and other signs alone find "
                        "nothing."), field="q")
    if len(words) > MAX_WORDS:
        raise Invalid(_("Search for at most %(limit)d words at a time.", limit=MAX_WORDS), field="q")
    if max(len(word) for word in words) < 2:
        raise Invalid(_("Type at least two letters or syllables: a single one would find nearly everything."),
                      field="q")
    return typed, words


def readable_kinds(user) -> list[str]:
    """The kinds of record the person may read, as the rules answer for them (jcm.permissions)."""
    return [name for name, kind in KINDS.items() if can(user, kind.action)]


def _hits(words: list[str], kinds: list[str], side: str | None):
    """The matching entries of the kinds given, each with `score` (lower is better), as a CTE."""
    entry = SearchEntry.__table__
    dialect = db.session.get_bind().dialect.name
    long_words = [word for word in words if len(word) >= 3]
    short_words = [word for word in words if len(word) < 3]
    visible = [entry.c.kind.in_(kinds), or_(entry.c.side.is_(None), entry.c.side == side)]
    if dialect == "sqlite" and long_words:
        # Each word a quoted FTS5 string (a double quote inside doubled): a phrase, never syntax.
        match = " AND ".join('"' + word.replace('"', '""') + '"' for word in long_words)
        fts = (text("SELECT rowid AS id, bm25(search_fts) AS score FROM search_fts WHERE search_fts MATCH :match")
               .bindparams(match=match).columns(column("id", Integer), column("score", Float)).subquery("fts"))
        query = (select(entry.c.id, entry.c.kind, entry.c.object_id, entry.c.weight, entry.c.language,
                        fts.c.score.label("score"))
                 .join_from(entry, fts, entry.c.id == fts.c.id)
                 .where(*visible, *(entry.c.folded.contains(word, autoescape=True) for word in short_words)))
    else:
        if dialect == "postgresql":
            score = -func.similarity(entry.c.folded, "".join(words))
        else:
            score = func.length(entry.c.folded)  # only short words: the shorter text, the closer the match
        query = select(entry.c.id, entry.c.kind, entry.c.object_id, entry.c.weight, entry.c.language,
                       score.label("score")).where(
            *visible, *(entry.c.folded.contains(word, autoescape=True) for word in words))
    # Materialized: each match scored once, however often the ranking below reads its score.
    return query.cte("hits").prefix_with("MATERIALIZED")


def search(user, query: str | None, kind: str | None = None, page: int = 1, per_page: int = 20,
           language: str = "en", per_kind: int | None = None) -> Found:
    """The records the person may read that hold every word of the query in one of their texts: how many of each
    kind, and one page of them (of one kind, or of all) best first. Invalid for a query that cannot be searched
    or an unknown kind."""
    typed, words = read_query(query)
    if kind is not None and kind not in KINDS:
        raise Invalid(_("Search in one of: %(kinds)s.", kinds=", ".join(KINDS)), field="kind")
    kinds = readable_kinds(user)
    counts = {name: 0 for name in kinds}
    if not kinds or (kind is not None and kind not in kinds):
        return Found(typed, words, counts, kind, [], page, per_page)
    hits = _hits(words, kinds, getattr(user, "side", None))
    # One statement: each record's best entry (n = 1); its rank in its kind (k) and overall (g); how many of each
    # kind (total). The rows returned are the page's, and the first of each kind, which carries its kind's count.
    preferred = case((hits.c.language == language, 0), else_=1)
    best = select(hits, func.row_number().over(
        partition_by=(hits.c.kind, hits.c.object_id),
        order_by=(hits.c.weight.desc(), hits.c.score, preferred, hits.c.id)).label("n")).subquery("best")
    order = case({name: position for position, name in enumerate(KINDS)}, value=best.c.kind)
    ranking = (best.c.weight.desc(), best.c.score, order, best.c.object_id.desc())
    firsts = select(best.c.id, best.c.kind, best.c.weight, best.c.score, best.c.object_id,
                    func.row_number().over(partition_by=best.c.kind, order_by=ranking).label("k"),
                    func.row_number().over(order_by=ranking).label("g"),
                    func.count().over(partition_by=best.c.kind).label("total")
                    ).where(best.c.n == 1).subquery("firsts")
    start, stop = (page - 1) * per_page + 1, page * per_page
    if kind:
        on_page = (firsts.c.kind == kind) & firsts.c.k.between(start, stop)
    elif per_kind:
        on_page = firsts.c.k <= per_kind
    else:
        on_page = firsts.c.g.between(start, stop)
    entry = SearchEntry.__table__
    page_query = (select(entry.c.id, entry.c.kind, entry.c.object_id, entry.c.field, entry.c.language, entry.c.text,
                         entry.c.meeting_id, entry.c.agenda_item_id, entry.c.action_item_id, firsts.c.total,
                         on_page.label("on_page"))
                  .join_from(firsts, entry, entry.c.id == firsts.c.id)
                  .where(on_page | (firsts.c.k == 1))
                  .order_by(firsts.c.g))
    found = []
    for row in db.session.execute(page_query):
        counts[row.kind] = row.total
        if row.on_page:
            found.append(Hit(row.kind, row.object_id, row.id, row.field, row.language, row.text, row.meeting_id,
                             row.agenda_item_id, row.action_item_id))
    _load_records(found)
    for hit in found:
        hit.plain, hit.spans = in_context(hit.text, words)
        hit.context = marked(hit.plain, hit.spans)
    return Found(typed, words, counts, kind, found, page, per_page)


def grouped(found: Found) -> list[tuple[str, list[Hit]]]:
    """The hits found, by kind in the kinds' order, each kind's best first."""
    groups: dict[str, list[Hit]] = {}
    for hit in found.hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [(name, groups[name]) for name in KINDS if name in groups]


# --- the records found, loaded with one query per kind ---------------------------------------------------------

LOADERS = {
    "agenda_item": lambda ids: select(AgendaItem).where(AgendaItem.id.in_(ids)),
    "minutes_record": lambda ids: select(MinutesSection).where(MinutesSection.id.in_(ids)).options(
        joinedload(MinutesSection.agenda_item)),
    "progress": lambda ids: select(ProgressEntry).where(ProgressEntry.id.in_(ids)).options(
        joinedload(ProgressEntry.focus_area)),
    "action_item": lambda ids: select(ActionItem).where(ActionItem.id.in_(ids)),
    "action_update": lambda ids: select(ActionUpdate).where(ActionUpdate.id.in_(ids)).options(
        joinedload(ActionUpdate.action_item)),
    "attachment": lambda ids: select(Attachment).where(Attachment.id.in_(ids)).options(
        joinedload(Attachment.agenda_item)),
}


def _load_records(hits: list[Hit]) -> None:
    by_kind: dict[str, list[Hit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit)
    records = {}
    for name, of_kind in by_kind.items():
        load = LOADERS.get(name) or KINDS[name].load
        for record in db.session.scalars(load([hit.id for hit in of_kind])).unique():
            records[(name, record.id)] = record
    meeting_ids = {hit.meeting_id for hit in hits if hit.meeting_id}
    meeting_ids |= {record.meeting_id for (name, _id), record in records.items()
                    if name == "action_item" and record.meeting_id}
    meetings = {meeting.id: meeting for meeting in db.session.scalars(
        select(Meeting).where(Meeting.id.in_(meeting_ids)))} if meeting_ids else {}
    for hit in hits:
        hit.record = records.get((hit.kind, hit.id))
        meeting_id = hit.meeting_id or (hit.record.meeting_id if hit.kind == "action_item" and hit.record else None)
        hit.meeting = meetings.get(meeting_id)


# --- the words marked in context ------------------------------------------------------------------------------

def in_context(text_: str, words: list[str], width: int = CONTEXT) -> tuple[str, list[tuple[int, int]]]:
    """The part of a text around its first match, on one line, and where each word's matches are in it.

    The text is folded character by character as the index folds it, each folded character remembering the
    character it came from, so that a match found in the folded text marks the characters written."""
    original = unicodedata.normalize("NFC", text_)
    folded, origin = [], []
    for position, character in enumerate(original):
        for piece in fold_character(character):
            folded.append(piece)
            origin.append(position)
    haystack = "".join(folded)
    spans = []
    for word in words:
        start = haystack.find(word)
        while start != -1:
            spans.append((origin[start], origin[start + len(word) - 1] + 1))
            start = haystack.find(word, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    first = merged[0][0] if merged else 0
    begin = max(0, first - width)
    if begin:  # start at a word's beginning when one is near
        space = original.rfind(" ", begin - 15, begin + 15)
        begin = space + 1 if space != -1 and space < first else begin
    finish = min(len(original), begin + 2 * width + (merged[0][1] - merged[0][0] if merged else 0))
    if finish < len(original):
        space = original.find(" ", finish - 15, finish + 15)
        finish = space if space != -1 and space > first else finish
    prefix, suffix = ("…" if begin else ""), ("…" if finish < len(original) else "")
    shown = [(max(start, begin), min(end, finish)) for start, end in merged if end > begin and start < finish]
    # On one line: each run of white space one space, the spans moved with the characters they mark.
    plain, mapping = [], []
    previous_space = False
    for position in range(begin, finish):
        character = original[position]
        if character.isspace():
            if previous_space:
                mapping.append(None)
                continue
            character, previous_space = " ", True
        else:
            previous_space = False
        mapping.append(len(plain))
        plain.append(character)
    offset = len(prefix)

    def moved(position: int) -> int:
        for index in range(position - begin, len(mapping)):
            if mapping[index] is not None:
                return mapping[index] + offset
        return len(plain) + offset

    spans_out = [(moved(start), moved(end)) for start, end in shown]
    return prefix + "".join(plain) + suffix, [(start, end) for start, end in spans_out if end > start]


def marked(plain: str, spans: list[tuple[int, int]]) -> Markup:
    """The context as HTML: every character escaped, the matches in <mark>."""
    parts, at = [], 0
    for start, end in spans:
        parts.append(escape(plain[at:start]))
        parts.append(Markup("<mark>") + escape(plain[start:end]) + Markup("</mark>"))
        at = end
    parts.append(escape(plain[at:]))
    return Markup("").join(parts)
