"""Finding records by the words of their texts, in English and Korean, with each database's own machinery: what
a person may read, ranked, grouped by kind, each with its words marked in context.

The words of a query are never a query language: each is folded (jcm.search.index.fold) and looked for as a
literal piece of text, all of them in one text of a record. A word of three characters or more is looked for
through the index (SQLite: an FTS5 trigram phrase, quoted; PostgreSQL: LIKE, served by pg_trgm's GIN index). A
word of two characters (a two-syllable Korean word: 양자, 우주; "AI"), which the trigrams cannot serve, is one of
the pairs of characters each entry keeps (jcm.search.index.grams): when no word of the query is longer, the
entries are found through the index of those pairs (SQLite: an FTS5 table of them; PostgreSQL: a GIN index on
their array); otherwise among those the longer words found. A word of one character is looked for by LIKE among
the entries the others found; a query of one-character words only is refused: it would match nearly everything.

What a person may not read is neither shown nor counted: a kind whose permission (jcm.permissions) the person
lacks is left out of the query itself, and an entry kept for one side is found by that side alone.

A search is one statement whatever it finds: the counts of each kind, the page's entries and what is shown of
their records (titles, references, meetings) are read together."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import Float, Integer, Text, case, cast, column, func, literal_column, or_, select, text, tuple_, union_all
from sqlalchemy.dialects.postgresql import ARRAY, array

from jcm.actions.models import ActionItem
from jcm.errors import Invalid
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Attachment, Meeting
from jcm.minutes.models import ProgressEntry
from jcm.models import PageOf
from jcm.mou.models import FocusArea
from jcm.permissions import can
from jcm.search.index import GRAMS_TABLE, KINDS, fold_character, gram_indexed, query_words
from jcm.search.models import SearchEntry

MAX_QUERY_LENGTH = 200  # characters: a title and a few words more, as every search box in JCM
MAX_WORDS = 12
CONTEXT = 80  # characters of context shown before the first match, about twice that in all
# A record ranks as its best entry: the heaviest field first (index.TITLE, DECISION, BODY), then the best score (a
# text's length, bm25 or trigram similarity, lower better), as one number, for the scores stay far below this.
WEIGHT_STEP = 1e9


@dataclass(frozen=True)
class Named:
    """A record a hit shows the name of, in both languages as jcm.i18n.localized reads them."""

    id: int
    title: str
    title_ko: str
    prefix: str = ""  # an action item's reference, a focus area's code


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
    # What names the record: the agenda item (found, or the one a record or a paper is under), the action item
    # (found, or the one an update is of), a progress entry's focus area, a paper's file name, the meeting.
    agenda_item: Named | None = None
    action_item: Named | None = None
    focus_area: Named | None = None
    filename: str = ""
    meeting: Named | None = None
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


def _fts(table: str, words: list[str], score: str):
    """SQLite: the rowids of the entries whose FTS5 `table` holds every word, each a quoted FTS5 string (a double
    quote inside doubled): a phrase, never syntax."""
    match = " AND ".join('"' + word.replace('"', '""') + '"' for word in words)
    return (text(f"SELECT rowid AS id, {score} AS score FROM {table} WHERE {table} MATCH :match")
            .bindparams(match=match).columns(column("id", Integer), column("score", Float)).subquery(table))


def _hits(words: list[str], kinds: list[str], side: str | None):
    """The matching entries of the kinds given, each with `score` (lower is better), as a CTE."""
    entry = SearchEntry.__table__
    dialect = db.session.get_bind().dialect.name
    long_words = [word for word in words if len(word) >= 3]
    pairs = [word for word in words if len(word) == 2 and gram_indexed(word)]
    visible = [or_(entry.c.side.is_(None), entry.c.side == side)]
    if set(kinds) != set(KINDS):  # the kinds the person may not read left out (when they may read all, no filter)
        visible.append(entry.c.kind.in_(kinds))
    columns = (entry.c.id, entry.c.kind, entry.c.object_id, entry.c.weight, entry.c.language)
    if dialect == "sqlite" and (long_words or pairs):
        if long_words:  # the trigrams find the long words, ranked by bm25; the others are looked for among them
            fts = _fts("search_fts", long_words, "bm25(search_fts)")
            score, found_by_index = fts.c.score, long_words
        else:  # the pairs find the two-character words; the shorter text, the closer the match
            fts = _fts(GRAMS_TABLE, pairs, "0")
            score, found_by_index = func.length(entry.c.folded), pairs
        query = (select(*columns, score.label("score"))
                 .join_from(entry, fts, entry.c.id == fts.c.id)
                 .where(*visible, *(entry.c.folded.contains(word, autoescape=True)
                                    for word in words if word not in found_by_index)))
    else:
        if dialect == "postgresql":
            score = -func.similarity(entry.c.folded, "".join(words))
        else:
            score = func.length(entry.c.folded)  # only short words: the shorter text, the closer the match
        query = select(*columns, score.label("score")).where(
            *visible, *(entry.c.folded.contains(word, autoescape=True) for word in words))
        if dialect == "postgresql" and pairs and not long_words:
            # The GIN index on the pairs' array (migration 0016) finds them: its expression as the index has it.
            pairs_of = func.string_to_array(entry.c.grams, literal_column("' '"), type_=ARRAY(Text))
            query = query.where(pairs_of.contains(cast(array(pairs), ARRAY(Text))))
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
    # One statement: the records found (`records`), each ranked as its best entry, how many of each kind
    # (`counts`), the page's records (`paged`, by LIMIT and OFFSET: ranking every record found would sort them all)
    # and the best entry of each, shown (`shown`, n = 1), with what names its record (_with_names). Each kind's
    # count comes with each of its rows on the page, or on a row of its own when none is on it.
    rank = hits.c.score - hits.c.weight * WEIGHT_STEP
    records = (select(hits.c.kind, hits.c.object_id, func.min(rank).label("rank"))
               .group_by(hits.c.kind, hits.c.object_id).cte("records").prefix_with("MATERIALIZED"))
    ranked = select(records).order_by(records.c.rank, _in_kinds_order(records.c.kind), records.c.object_id.desc())
    if kind:
        paged = ranked.where(records.c.kind == kind).limit(per_page).offset((page - 1) * per_page)
    elif per_kind:
        paged = union_all(*(select(ranked.where(records.c.kind == name).limit(per_kind).subquery(name))
                            for name in kinds))
    else:
        paged = ranked.limit(per_page).offset((page - 1) * per_page)
    paged = paged.cte("paged").prefix_with("MATERIALIZED")
    preferred = case((hits.c.language == language, 0), else_=1)
    shown = (select(hits.c.id, hits.c.kind, hits.c.object_id, rank.label("rank"), func.row_number().over(
                 partition_by=(hits.c.kind, hits.c.object_id),
                 order_by=(hits.c.weight.desc(), hits.c.score, preferred, hits.c.id)).label("n"))
             .where(tuple_(hits.c.kind, hits.c.object_id).in_(select(paged.c.kind, paged.c.object_id)))
             .subquery("shown"))
    counts_of = select(records.c.kind, func.count().label("total")).group_by(records.c.kind).subquery("counts")
    page_query = (_with_names(select(counts_of.c.kind.label("counted_kind"), counts_of.c.total)
                              .outerjoin(shown, (shown.c.kind == counts_of.c.kind) & (shown.c.n == 1)), shown.c.id)
                  .order_by(shown.c.rank, _in_kinds_order(shown.c.kind), shown.c.object_id.desc()))
    found = []
    for row in db.session.execute(page_query):
        counts[row.counted_kind] = row.total
        if row.id is not None:
            found.append(_hit(row))
    for hit in found:
        hit.plain, hit.spans = in_context(hit.text, words)
        hit.context = marked(hit.plain, hit.spans)
    return Found(typed, words, counts, kind, found, page, per_page)


def _in_kinds_order(kind):
    return case({name: position for position, name in enumerate(KINDS)}, value=kind)


def grouped(found: Found) -> list[tuple[str, list[Hit]]]:
    """The hits found, by kind in the kinds' order, each kind's best first."""
    groups: dict[str, list[Hit]] = {}
    for hit in found.hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [(name, groups[name]) for name in KINDS if name in groups]


# --- what names the records found, read with them ---------------------------------------------------------------

def _with_names(query, entry_id):
    """`query` with the entry `entry_id` names, where there is one, and what names its record:
    joined on the links the entry keeps, or on the record itself for a progress entry and a paper, each by its
    primary key. An action item's meeting is the one it was raised at."""
    entry = SearchEntry.__table__
    meeting_id = case((entry.c.kind == "action_item", ActionItem.meeting_id), else_=entry.c.meeting_id)
    return (query.add_columns(
                entry.c.id, entry.c.kind, entry.c.object_id, entry.c.field, entry.c.language, entry.c.text,
                entry.c.meeting_id, entry.c.agenda_item_id, entry.c.action_item_id,
                AgendaItem.title.label("agenda_title"), AgendaItem.title_ko.label("agenda_title_ko"),
                ActionItem.ref.label("action_ref"), ActionItem.title.label("action_title"),
                ActionItem.title_ko.label("action_title_ko"),
                FocusArea.id.label("area_id"), FocusArea.code.label("area_code"),
                FocusArea.title.label("area_title"), FocusArea.title_ko.label("area_title_ko"),
                Attachment.filename, Meeting.id.label("shown_meeting_id"), Meeting.title.label("meeting_title"),
                Meeting.title_ko.label("meeting_title_ko"))
            .outerjoin(entry, entry.c.id == entry_id)
            .outerjoin(AgendaItem, AgendaItem.id == entry.c.agenda_item_id)
            .outerjoin(ActionItem, ActionItem.id == entry.c.action_item_id)
            .outerjoin(ProgressEntry, (entry.c.kind == "progress") & (ProgressEntry.id == entry.c.object_id))
            .outerjoin(FocusArea, FocusArea.id == ProgressEntry.focus_area_id)
            .outerjoin(Attachment, (entry.c.kind == "attachment") & (Attachment.id == entry.c.object_id))
            .outerjoin(Meeting, Meeting.id == meeting_id))


def _hit(row) -> Hit:
    def named(id_, title, title_ko, prefix="") -> Named | None:
        return Named(id_, title or "", title_ko or "", prefix or "") if id_ is not None else None

    return Hit(row.kind, row.object_id, row.id, row.field, row.language, row.text, row.meeting_id,
               row.agenda_item_id, row.action_item_id,
               agenda_item=named(row.agenda_item_id, row.agenda_title, row.agenda_title_ko),
               action_item=named(row.action_item_id, row.action_title, row.action_title_ko, row.action_ref),
               focus_area=named(row.area_id, row.area_title, row.area_title_ko, row.area_code),
               filename=row.filename or "",
               meeting=named(row.shown_meeting_id, row.meeting_title, row.meeting_title_ko))


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
