"""Distribution markings: who a document is for, said on every page of it and in its PDF's metadata, from one
fixed vocabulary declared here once, each marking with its Korean.

A meeting's documents (its agenda, its minutes and their corrections) carry the marking its secretariats chose for
the meeting, "For the use of the two governments" unless they chose otherwise; an agreed agenda and adopted minutes
carry the marking frozen with their record. The released press summary is unrestricted."""

from __future__ import annotations

import enum

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from jcm.labels import labelled


class Marking(enum.StrEnum):
    governments = "governments"
    unrestricted = "unrestricted"
    us_only = "us_only"
    kr_only = "kr_only"


MARKING_LABELS = labelled(Marking, {
    Marking.governments: _l("For the use of the two governments"),
    Marking.unrestricted: _l("Unrestricted"),
    Marking.us_only: _l("U.S. only"),
    Marking.kr_only: _l("Korean side only"),
})
DEFAULT_MARKING = Marking.governments
# What the secretariats may choose for a meeting's documents, which both sides hold: a side's own marking is for
# what only that side reads.
MEETING_MARKINGS = (Marking.governments, Marking.unrestricted)
PUBLIC_MARKING = Marking.unrestricted
# What a side alone reads (its internal notes, its briefing pack) is marked as that side's own.
SIDE_MARKINGS = {"US": Marking.us_only, "KR": Marking.kr_only}


def marking_words(code: str | None, lang: str) -> str:
    """A marking in a language (en, ko), or in both side by side (both): a record frozen before markings were kept
    carries the default."""
    label = MARKING_LABELS.get(code or DEFAULT_MARKING, MARKING_LABELS[DEFAULT_MARKING])
    languages = ("en", "ko") if lang == "both" else (lang,)
    words = []
    for language in languages:
        with force_locale(language):
            words.append(str(label))
    return " / ".join(words)
