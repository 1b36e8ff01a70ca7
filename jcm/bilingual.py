"""Two equally authentic texts: every text a secretariat writes is held in English and in Korean, each with its
state — missing, written, stale (the other language changed after it was written) or checked (by the side that
answers for that language).

A model declares a Korean field beside its English one (`title_ko = line(300, …, korean_of="title")`) and keeps
the state of its texts in one JSON column (`language_state = language_state_column()`). The state moves by itself
when a text changes, whoever changes it and however (a page, the API, a command): a listener reads each flush. Per
text and language it holds a revision counter, the revision of the other language this text follows (`basis`), the
other language's text as it then stood (`seen`, to show what changed since) and the revision last checked:

- writing a language moves its revision on; it now follows the other language as it stands;
- a language is stale when the other moved on past what it follows;
- writing a language that was stale or missing answers the other (a translation), which then follows it too;
  writing one that was up to date is a change of substance, and the other becomes stale;
- checking a language accounts for the other as it stands, and holds until either changes.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import JSON, event, inspect
from sqlalchemy.orm import Session, mapped_column

LANGUAGES = ("en", "ko")
STATUSES = ("empty", "missing", "written", "stale", "checked")  # "empty": neither language has a text


def other(language: str) -> str:
    return "ko" if language == "en" else "en"


def language_state_column():
    """The column a model keeps the state of its texts in."""
    return mapped_column("language_state", JSON, default=dict, nullable=False)


@dataclass(frozen=True)
class TextPair:
    """One text of a model in its two languages: the English field and the Korean field beside it."""

    english: str
    korean: str

    def field(self, language: str) -> str:
        return self.english if language == "en" else self.korean


@lru_cache(maxsize=None)
def pairs(model: type) -> tuple[TextPair, ...]:
    """The model's texts that exist in both languages, in the model's order (a model's declared fields never change
    while it runs: read once for each model)."""
    from jcm.fields import declared

    return tuple(TextPair(spec.korean_of, name) for name, spec in declared(model).items() if spec.korean_of)


@lru_cache(maxsize=None)
def pair_of(model: type, english: str) -> TextPair:
    for pair in pairs(model):
        if pair.english == english:
            return pair
    raise KeyError(english)


def _blank(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return not any(str(entry).strip() for entry in value)
    return not str(value or "").strip()


def _plain(value: Any) -> str:
    """A text as one string, to compare and to show a difference: a list of decisions one a line."""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(entry) for entry in value)
    return str(value or "")


def typed_texts(model: type, data: dict[str, Any]) -> dict[str, Any] | None:
    """The texts, in either language, that a change of a record sent (None when it sent none): what a refused
    change hands back under `yours`, so that no text typed is lost."""
    found = {field: data[field] for pair in pairs(model) for field in (pair.english, pair.korean) if field in data}
    return found or None


# --- the state of one text in one language ----------------------------------------------------------------

def _entry(state: dict, pair: TextPair, language: str, texts: dict[str, Any]) -> dict[str, Any]:
    """A language's bookkeeping; a text written before JCM kept any counts as written once, following the other."""
    found = (state.get(pair.english) or {}).get(language)
    if found is not None:
        return dict(found)
    return {"rev": 0 if _blank(texts[language]) else 1, "basis": 0 if _blank(texts[other(language)]) else 1,
            "seen": _plain(texts[other(language)]), "checked": None}


def _is_stale(entry: dict, other_entry: dict, other_text: Any) -> bool:
    return not _blank(other_text) and other_entry["rev"] > entry["basis"]


def note_writing(state: dict, pair: TextPair, written: Iterable[str], texts: dict[str, Any],
                 before: dict[str, Any]) -> dict:
    """The state after the languages in `written` changed to `texts` (from `before`); returns a new state."""
    written = set(written)
    entries = {language: _entry(state, pair, language, before) for language in LANGUAGES}
    answering = {language: _blank(before[language])
                 or _is_stale(entries[language], entries[other(language)], before[other(language)])
                 for language in written}
    for language in written:
        entries[language]["rev"] += 1
        entries[language]["checked"] = None
    for language in written:
        theirs = other(language)
        entries[language]["basis"] = entries[theirs]["rev"]
        entries[language]["seen"] = _plain(texts[theirs])
        if theirs not in written and answering[language] and not _blank(texts[theirs]):
            entries[theirs]["basis"] = entries[language]["rev"]  # a translation: the other follows it too
            entries[theirs]["seen"] = _plain(texts[language])
    return {**state, pair.english: entries}


def note_checking(state: dict, pair: TextPair, language: str, texts: dict[str, Any], by: int,
                  at: datetime) -> dict:
    """The state after `language` was checked against the other language as it stands."""
    entries = {lang: _entry(state, pair, lang, texts) for lang in LANGUAGES}
    theirs = other(language)
    entries[language].update(basis=entries[theirs]["rev"], seen=_plain(texts[theirs]),
                             checked={"rev": entries[language]["rev"], "by": by, "at": at.isoformat()})
    return {**state, pair.english: entries}


@dataclass(frozen=True)
class TextState:
    """What a reader is shown of one text in one language."""

    language: str
    status: str  # one of STATUSES
    revision: int
    seen: str  # the other language's text as this one last followed it
    other_now: str  # the other language's text now
    checked_by: int | None = None
    checked_at: str | None = None
    copied: bool = False  # the same as the other language's text, in the other's script only: see copied_text

    @property
    def difference(self) -> list[str]:
        """For a stale text: how the other language changed since this one followed it (a unified diff)."""
        if self.status != "stale":
            return []
        lines = difflib.unified_diff(self.seen.splitlines(), self.other_now.splitlines(), lineterm="", n=1)
        return [line for line in list(lines)[2:] if not line.startswith("@@")]


# The letters of each language's script: Hangul (syllables and jamo) for Korean, Latin for English.
SCRIPTS = {"ko": re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]"), "en": re.compile(r"[A-Za-z]")}


def copied_text(language: str, text: Any, other_text: Any) -> bool:
    """Whether a text looks copied from the other language by mistake: the two are the same and hold letters of
    the other language's script but none of this one's (a Korean text "Quantum" beside the English "Quantum").

    Only a hint, never a refusal: a Korean text may rightly be all Latin ("NASA", "KSTAR"), a name the same in
    both texts; the writer and the side checking the text decide."""
    mine, theirs = _plain(text).strip(), _plain(other_text).strip()
    if not mine or mine != theirs:
        return False
    return not SCRIPTS[language].search(mine) and bool(SCRIPTS[other(language)].search(mine))


def _kept(state: dict, pair: TextPair, language: str, blank: dict[str, bool]) -> dict:
    """A language's bookkeeping to read, not to change (_entry copies it to change it): as kept, or for a text
    written before JCM kept any, as _entry counts it (without what it followed: see text_states)."""
    found = (state.get(pair.english) or {}).get(language)
    if found is not None:
        return found
    return {"rev": 0 if blank[language] else 1, "basis": 0 if blank[other(language)] else 1}


def _status(entry: dict, theirs: dict, blank: dict[str, bool], language: str) -> str:
    """A language's status from both languages' bookkeeping and which of the two texts are blank."""
    if blank[language]:
        return "empty" if blank[other(language)] else "missing"
    if not blank[other(language)] and theirs["rev"] > entry["basis"]:  # as _is_stale
        return "stale"
    checked = entry.get("checked") or None
    return "checked" if checked and checked.get("rev") == entry["rev"] else "written"


def _utc(moment: str | None) -> str | None:
    """A moment kept as naive UTC text, said as UTC (…Z), as every timestamp the API gives."""
    if not moment or moment.endswith("Z") or "+" in moment[10:]:
        return moment
    return moment + "Z"


def text_states(obj, english: str) -> dict[str, TextState]:
    """A text's state in both languages at once: {"en": …, "ko": …}, each as text_state gives it (what both
    languages' states share — the two texts, whether each is blank, their bookkeeping — is read once)."""
    pair = pair_of(type(obj), english)
    texts = {language: getattr(obj, pair.field(language)) for language in LANGUAGES}
    blank = {language: _blank(texts[language]) for language in LANGUAGES}
    plain = {language: _plain(texts[language]) for language in LANGUAGES}
    state = obj.language_state or {}
    stored = state.get(pair.english) or {}
    entries = {language: _kept(state, pair, language, blank) for language in LANGUAGES}
    found = {}
    for language in LANGUAGES:
        theirs, entry = other(language), entries[language]
        status = _status(entry, entries[theirs], blank, language)
        checked = (entry.get("checked") or None) if status == "checked" else None
        # What it followed: as kept; for a text written before JCM kept any, the other text as it stands.
        seen = entry.get("seen", "") if stored.get(language) is not None else plain[theirs]
        found[language] = TextState(
            language, status, entry["rev"], seen, plain[theirs],
            checked.get("by") if checked else None, _utc(checked.get("at")) if checked else None,
            copied_text(language, texts[language], texts[theirs]))
    return found


def text_state(obj, english: str, language: str) -> TextState:
    return text_states(obj, english)[language]


class PageStates:
    """The state of each text of the records one page shows, worked out once however often the page asks for it:
    `states(obj, english, language)` as text_state(). The minutes' page lists the gaps of hundreds of texts beside
    its buttons and shows the same texts' states beside their boxes. For one page's render, during which no text
    changes."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, str], tuple[Any, dict[str, TextState]]] = {}

    def __call__(self, obj, english: str, language: str) -> TextState:
        key = (id(obj), english)
        found = self._found.get(key)
        if found is None or found[0] is not obj:  # an id names an object only while it lives: kept beside it
            found = self._found[key] = (obj, text_states(obj, english))  # both languages: a page shows both
        return found[1][language]


StateOf = Callable[[Any, str, str], TextState]


def states(obj) -> dict[str, dict[str, TextState]]:
    """Every text of obj, in both languages: {english field: {"en": state, "ko": state}}."""
    return {pair.english: {language: text_state(obj, pair.english, language) for language in LANGUAGES}
            for pair in pairs(type(obj))}


def statuses(obj) -> dict[str, dict[str, str]]:
    """The status alone of every text of obj in both languages, as states() has them, without what a page shows
    of each besides: {english field: {"en": "written", "ko": "missing"}} (the API's `languages`)."""
    state = obj.language_state or {}
    found = {}
    for pair in pairs(type(obj)):
        blank = {language: _blank(getattr(obj, pair.field(language))) for language in LANGUAGES}
        entries = {language: _kept(state, pair, language, blank) for language in LANGUAGES}
        found[pair.english] = {language: _status(entries[language], entries[other(language)], blank, language)
                               for language in LANGUAGES}
    return found


# From what most needs doing to what needs nothing: the order in which a summary names a language's state.
NEEDS = ("missing", "stale", "written", "checked")


def summary(obj) -> dict[str, str]:
    """Each language's state over all of obj's texts, the one that most needs doing (missing, then stale, then
    written and not yet checked, then checked), for a page to show in a word; texts empty in both languages do not
    count, and a record with no text yet gives {}."""
    found: dict[str, str] = {}
    for by_language in statuses(obj).values():
        for language, status in by_language.items():
            if status in NEEDS and (language not in found or NEEDS.index(status) < NEEDS.index(found[language])):
                found[language] = status
    return {language: found[language] for language in LANGUAGES if language in found}


@dataclass(frozen=True)
class Gap:
    """A text that keeps the two texts from being equally authentic yet."""

    obj: Any
    english: str
    language: str
    status: str  # missing | stale | written (not yet checked)


def gaps(objects: Iterable[Any], *, checked: bool = True, state_of: StateOf = text_state) -> list[Gap]:
    """What stands between these records and two complete, checked texts: each text missing or stale in one
    language, and, with `checked`, each not yet checked by the side that answers for that language (the states as
    `state_of` gives them: a page's PageStates, to share them with its text boxes)."""
    return [Gap(*gap) for gap in _gaps(objects, checked, state_of)]


def _gaps(objects: Iterable[Any], checked: bool, state_of: StateOf) -> Iterator[tuple[Any, str, str, str]]:
    """gaps() as (obj, english, language, status), for a list of hundreds that needs no Gap for each."""
    for obj in objects:
        for pair in pairs(type(obj)):
            for language in LANGUAGES:
                status = state_of(obj, pair.english, language).status
                if status in ("missing", "stale") or checked and status == "written":
                    yield obj, pair.english, language, status


# --- the parity gate: an act that needs both texts complete, each checked by the side answering for it ----------

@dataclass(frozen=True)
class Weighed:
    """A record whose texts an act weighs, and the name a reader knows it by: Agenda item 4 “Opening remarks”."""

    obj: Any
    name: str


@dataclass(frozen=True)
class NamedGap:
    """A gap as a reader and a program are told of it: which record, text and language, and a sentence naming it."""

    kind: str  # the record's kind, as jcm.texts names it (its table): agenda_item, minutes_section …
    id: int
    field: str  # the English field's name
    language: str
    status: str  # missing | stale | written (not yet checked)
    label: str

    def shape(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "field": self.field, "language": self.language,
                "status": self.status, "label": self.label}


def text_name(model: type, english: str) -> str:
    """A text's name in the reader's language: its English field's label without what it says in parentheses
    (“Title (English)” → “Title”)."""
    from jcm.fields import declared

    label = str(declared(model)[english].label)
    return re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", label) or label


def named_gaps(weighed: Iterable[Weighed], answering: Callable[[str], str],
               state_of: StateOf = text_state) -> list[NamedGap]:
    """What keeps the weighed records from two complete, checked texts, each gap named in the reader's language;
    `answering(language)` is the side that answers for a language (Agreement.answers_for)."""
    from flask_babel import gettext as _, pgettext

    languages = {"en": pgettext("text", "English"), "ko": pgettext("text", "Korean")}
    sides = {"US": _("U.S."), "KR": _("Korean")}
    # The sentences, translated once and filled in for each gap: a meeting's minutes may have hundreds of gaps.
    sentences = {"missing": _("%(record)s: the %(language)s text of “%(field)s” is missing"),
                 "stale": _("%(record)s: the %(language)s text of “%(field)s” is stale (the %(other)s text changed "
                            "since)"),
                 "written": _("%(record)s: the %(language)s text of “%(field)s” is not yet checked by the %(side)s "
                              "secretariat")}
    # Each sentence filled in once for a kind of record, text, language and state, all but the record's name: a
    # stand-in no name holds, replaced by each record's.
    filled: dict[tuple[type, str, str, str], str] = {}
    by_record = {id(entry.obj): entry for entry in weighed}
    found = []
    for obj, english, language, status in _gaps((entry.obj for entry in by_record.values()), True, state_of):
        key = (type(obj), english, language, status)
        if key not in filled:
            words = {"record": "\0", "field": text_name(type(obj), english), "language": languages[language],
                     "other": languages[other(language)]}
            if status == "written":
                words["side"] = sides[answering(language)]
            filled[key] = sentences[status] % words
        label = filled[key].replace("\0", by_record[id(obj)].name)
        found.append(NamedGap(obj.__tablename__, obj.id, english, language, status, label))
    return found


def refuse_gaps(found: list[NamedGap], refusal: Callable[[str], str]) -> None:
    """Refuse an act (409) while any gap is left: `refusal(gaps)` says which act, the gaps named one by one; the
    API's `current.gaps` lists them."""
    if found:
        from jcm.errors import Conflict

        raise Conflict(refusal("; ".join(gap.label for gap in found)),
                       current={"gaps": [gap.shape() for gap in found]})


# --- keeping the state as texts change ---------------------------------------------------------------------

def _note_flush(session: Session, _context, _instances) -> None:
    for obj in [*session.new, *session.dirty]:
        model_pairs = pairs(type(obj)) if hasattr(obj, "language_state") else ()
        if not model_pairs:
            continue
        attributes = inspect(obj).attrs
        state = obj.language_state or {}
        updated = state
        for pair in model_pairs:
            texts, before, written = {}, {}, set()
            for language in LANGUAGES:
                history = attributes[pair.field(language)].history
                now = getattr(obj, pair.field(language))
                texts[language] = now
                if obj in session.new:
                    before[language] = "" if not isinstance(now, list) else []
                    if not _blank(now):
                        written.add(language)
                elif history.has_changes():
                    before[language] = history.deleted[0] if history.deleted else ""
                    if json.dumps(before[language]) != json.dumps(now):
                        written.add(language)
                else:
                    before[language] = now
            if written:
                updated = note_writing(updated, pair, written, texts, before)
        if updated is not state:
            obj.language_state = updated


def track_language_state() -> None:
    """Keep every model's text states as its texts change (once per process)."""
    if not event.contains(Session, "before_flush", _note_flush):
        event.listen(Session, "before_flush", _note_flush)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
