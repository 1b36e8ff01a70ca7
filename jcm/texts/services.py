"""Reading the state of a record's texts in both languages, and a side checking the language it answers for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from jcm.audit.services import record
from jcm.bilingual import LANGUAGES, Weighed, note_checking, now, pair_of, pairs, states, text_state
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.meetings.services import agenda_texts
from jcm.minutes.services import minutes_for, minutes_texts
from jcm.mou.models import Agreement
from jcm.mou.services import first_agreement
from jcm.permissions import require


def kinds() -> dict[str, type]:
    """Every kind of record that holds texts in both languages, by its table's name."""
    return {mapper.class_.__tablename__: mapper.class_ for mapper in db.Model.registry.mappers
            if hasattr(mapper.class_, "language_state") and pairs(mapper.class_)}


def get_record(kind: str, record_id: int) -> Any:
    model = kinds().get(kind)
    found = db.session.get(model, record_id) if model is not None else None
    if found is None:
        raise NotFound(_("There is no such record."))
    return found


@dataclass(frozen=True)
class TextCheck:
    """What the rule "text.check" weighs: the language, the side that answers for it, and the text's state."""

    language: str
    answering_side: str
    status: str
    fixed: bool = False  # the record's texts can no longer change (a released press summary)


def agreement_id_of(obj: Any) -> int | None:
    """The id of the agreement a record belongs to: its own (a meeting, an action item), its meeting's (an agenda
    item, the minutes) or its minutes' meeting's (a record of the minutes, a progress entry, an attendee); None for
    a record that names none."""
    from jcm.meetings.models import Meeting
    from jcm.minutes.models import Minutes

    # Through the session's identity map: on a page that shows the meeting and its minutes, no query.
    minutes_id = getattr(obj, "minutes_id", None)
    minutes = db.session.get(Minutes, minutes_id) if minutes_id is not None else None
    meeting_id = minutes.meeting_id if minutes is not None else getattr(obj, "meeting_id", None)
    agreement_id = getattr(obj, "agreement_id", None)
    if agreement_id is None and meeting_id is not None:
        meeting = db.session.get(Meeting, meeting_id)
        agreement_id = meeting.agreement_id if meeting is not None else None
    return agreement_id


def agreement_of(obj: Any) -> Agreement | None:
    """The agreement a record belongs to (agreement_id_of); None for a record that names none."""
    agreement_id = agreement_id_of(obj)
    return db.session.get(Agreement, agreement_id) if agreement_id is not None else None


def answering_side(language: str, obj: Any = None) -> str:
    """The side that answers for `language` in the agreement `obj` belongs to; for a record that names none (or
    none given), in the agreement the pages show, and by default the U.S. for English and Korea for Korean."""
    agreement = agreement_of(obj) if obj is not None else None
    if agreement is None:
        agreement = first_agreement()  # the agreement the pages show (current_agreement), without its contents
    if agreement is None:
        return "US" if language == "en" else "KR"
    return agreement.answers_for(language)


def what_is_checked(obj: Any, field: str, language: str) -> TextCheck:
    """The text a check would be of, for the rules to weigh; refused when the record has no such text."""
    if language not in LANGUAGES:
        raise Invalid(_("The language is en or ko."), field="language")
    try:
        pair_of(type(obj), field)
    except KeyError:
        raise Invalid(_("This record has no text “%(field)s” in two languages.", field=field),
                      field="field") from None
    return TextCheck(language, answering_side(language, obj), text_state(obj, field, language).status,
                     fixed=bool(getattr(obj, "texts_fixed", False)))


def check_text(actor, obj: Any, field: str, language: str, revision: int | None = None) -> dict:
    """The side that answers for `language` confirms its text against the other language as it now stands."""
    require(actor, "text.check", what_is_checked(obj, field, language))
    state = text_state(obj, field, language)
    if revision is not None and revision != state.revision:
        raise Conflict(_("The text changed since you read it; read it again before checking it."),
                       current={"revision": state.revision})
    pair = pair_of(type(obj), field)
    texts = {lang: getattr(obj, pair.field(lang)) for lang in LANGUAGES}
    obj.language_state = note_checking(obj.language_state or {}, pair, language, texts, actor.id, now())
    db.session.flush()
    record(actor, "text.check", obj, after={"field": field, "language": language, "revision": state.revision})
    return states(obj)


# --- a meeting's texts, as the parity gate weighs them ----------------------------------------------------------

@dataclass(frozen=True)
class TextGroup:
    """The records an act of a meeting weighs (agreeing its agenda; circulating and adopting its minutes), each
    named as the gate names it."""

    act: str  # agenda | minutes
    records: list[Weighed]


def meeting_texts(meeting) -> list[TextGroup]:
    """Every record whose texts the parity gate weighs for a meeting: the agenda's, and the minutes' once started."""
    groups = [TextGroup("agenda", agenda_texts(meeting))]
    minutes = minutes_for(meeting)
    if minutes is not None:
        groups.append(TextGroup("minutes", minutes_texts(minutes, meeting)))
    return groups


def text_key(obj: Any, field: str) -> str:
    """How a page names one text of a record: kind:id:field."""
    return f"{type(obj).__tablename__}:{obj.id}:{field}"


def check_written_texts(actor, records: list[Any], language: str, seen: dict[str, int]) -> tuple[int, int]:
    """The secretariat answering for `language` checks, at once, each text of the records that is written in it
    and not yet checked — those `seen` names ({text_key: revision read}) and only as they were read: a text
    changed since, gone stale or checked meanwhile is left for a look of its own. Returns (checked, left)."""
    require(actor, "text.check", TextCheck(language, answering_side(language, records[0] if records else None),
                                           "written"))
    checked = 0
    for obj in records:
        for pair in pairs(type(obj)):
            revision = seen.get(text_key(obj, pair.english))
            if revision is None:
                continue
            state = text_state(obj, pair.english, language)
            if state.status == "written" and state.revision == revision:
                check_text(actor, obj, pair.english, language, revision)
                checked += 1
    return checked, len(seen) - checked
