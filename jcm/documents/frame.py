"""The frame of a document around its record: the language it is printed in, the order of the sides, names,
dates in the meeting's own time zone, and the fixed words a foreign ministry would use."""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from jcm.documents.cells import rows, schedule_rows
from jcm.documents.markings import marking_words
from jcm.documents.records import Table, printed_table
from jcm.labels import SIDE_LABELS
from jcm.meetings.attachments import KIND_NAMES
from jcm.models import Side

_ONES = ("", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
         "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth",
         "Nineteenth")
_TENS = {2: "Twent", 3: "Thirt", 4: "Fort", 5: "Fift", 6: "Sixt", 7: "Sevent", 8: "Eight", 9: "Ninet"}
# The second level of numbering in Korean official documents (가., 나., 다., …).
HANGUL_NUMERALS = "가나다라마바사아자차카타파하"
_CARDINAL_ONES = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def ordinal_words(number: int, lang: str) -> str:
    """The meeting's ordinal as protocol writes it: “Twelfth”, “Twenty-first”; 제12차 in Korean."""
    if lang == "ko":
        return f"제{number}차"
    if 0 < number < 20:
        return _ONES[number]
    if 20 <= number < 100:
        tens, ones = divmod(number, 10)
        if ones == 0:
            return f"{_TENS[tens]}ieth"
        return f"{_TENS[tens]}y-{_ONES[ones].lower()}"
    from jcm.meetings.services import english_ordinal

    return english_ordinal(number)


class Frame:
    """What a template needs to print a record in one language; the record itself stays as it was frozen."""

    def __init__(self, record: dict[str, Any], lang: str):
        self.record = record
        self.lang = lang
        # The parallel text ("both"): the English and the Korean text side by side, each paragraph beside its
        # other; `frames` are the texts it sets side by side, a single text's is itself.
        self.parallel = lang == "both"
        self.frames = (Frame(record, "en"), Frame(record, "ko")) if self.parallel else (self,)
        self.html_lang = "en" if self.parallel else lang
        # The alternat: each government's text names its own side first and places its co-chair first.
        self.sides = (Side.KR, Side.US) if lang == "ko" else (Side.US, Side.KR)
        zone = (record.get("meeting") or {}).get("time_zone") or "UTC"
        try:
            self.zone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo("UTC")

    def speak(self, frame: "Frame", caller: Any) -> Any:
        """A part of the document printed by `frame`, its fixed words and dates in that frame's language."""
        with force_locale(frame.lang):
            return caller(frame)

    def say(self, message: str, **variables: Any) -> str:
        """A fixed word of the document in this frame's language."""
        with force_locale(self.lang):
            return _(message, **variables)

    def tr(self, value: Any) -> str:
        """A text in the document's language: {"en", "ko"} picks one (English when the other is missing); a text
        a record kept in one language (a plain string) is printed as it is."""
        if isinstance(value, dict):
            return value.get(self.lang) or value.get("en") or ""
        return value or ""

    def text(self, holder: dict[str, Any] | None, key: str) -> str:
        """A text a record keeps under `key`, its Korean under key + "_ko" (or as {"en", "ko"}): in the document's
        language, the English where no Korean exists."""
        if not holder:
            return ""
        if self.lang == "ko" and holder.get(f"{key}_ko"):
            return holder[f"{key}_ko"]
        return self.tr(holder.get(key))

    def lines(self, holder: dict[str, Any], key: str) -> list[str]:
        """Aligned lines (the decisions): the n-th Korean one is the n-th English one's; each in the document's
        language, the English where its Korean is missing."""
        english, korean = list(holder.get(key) or []), list(holder.get(f"{key}_ko") or [])
        chosen = []
        for n in range(max(len(english), len(korean))):
            en, ko = english[n] if n < len(english) else "", korean[n] if n < len(korean) else ""
            chosen.append(self.tr(en) if not (self.lang == "ko" and ko) else ko)
        return chosen

    def other(self, value: Any) -> str:
        """The same text in the other language, shown beside it, when it is there and differs."""
        if not isinstance(value, dict):
            return ""
        mine, theirs = value.get(self.lang) or "", value.get("ko" if self.lang == "en" else "en") or ""
        return theirs if theirs and theirs != mine else ""

    def marking(self) -> str:
        """The record's distribution marking in the document's language (both, in the parallel text); a record
        frozen before markings were kept, and one that keeps none (the implementation report), carries the
        default."""
        return marking_words(self.record.get("marking"), self.lang)

    @property
    def other_lang(self) -> str:
        return "ko" if self.lang == "en" else "en"

    def side_name(self, side: str) -> str:
        government = (self.record.get("governments") or {}).get(side)
        return self.tr(government["short_name"]) if government else str(SIDE_LABELS[side])

    def government(self, side: str, *, in_sentence: bool = False) -> str:
        """The government's full name; within a sentence English writes "For the Government of …", not "The"."""
        government = (self.record.get("governments") or {}).get(side)
        name = self.tr(government["name"]) if government else str(SIDE_LABELS[side])
        if in_sentence and self.lang == "en" and name.startswith("The "):
            return "the" + name[3:]
        return name

    def owners(self, item: dict[str, Any], side: str) -> str:
        return "; ".join([self.tr(owner) for owner in item["owners"].get(side, [])])

    def table(self, name: str) -> Table:
        """One of the record's tables of action items ("carried", "review", "new"), with the columns it names."""
        return printed_table(self.record, name)

    def rows(self, table: Table, items: list[dict[str, Any]]) -> Markup:
        """The rows of a table of action items, each a cell for each of its columns."""
        return rows(self, table.columns, items, table.listing)

    def schedule_rows(self, slots: list[dict[str, Any]], *, papers: bool, others: bool) -> Markup:
        """The rows of a day of the agenda's schedule: with its items' papers when `papers`, and each title in the
        other language beside it when `others` (a single text's English, not the parallel text)."""
        return schedule_rows(self, slots, papers=papers, others=others)

    def area_title(self, code: str) -> str:
        return self.tr((self.record.get("focus_areas") or {}).get(code, ""))

    # --- dates -----------------------------------------------------------------------------------------

    def day(self, value: str | date | None, style: str = "long") -> str:
        if not value:
            return ""
        return _day(value, style, self.html_lang)  # the language the frame prints in (the parallel text's: English)

    def local_date(self, moment: str | None, style: str = "long") -> str:
        """The date of a moment (stored in UTC) where the meeting takes place."""
        if not moment:
            return ""
        at = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return self.day(at.astimezone(self.zone).date(), style)

    def dates(self) -> str:
        meeting = self.record["meeting"]
        # Both dates in full: CLDR's interval formats abbreviate the month, which a formal document does not.
        if meeting["start_date"] == meeting["end_date"]:
            return self.day(meeting["start_date"])
        return f"{self.day(meeting['start_date'])} – {self.day(meeting['end_date'])}"

    def number(self, n: int, level: int = 1) -> str:
        """The number of a paragraph: 1., 2. in English; in Korean as the government's records number them, 1. at
        the first level and 가., 나. at the second."""
        if self.lang == "ko" and level == 2:
            return f"{HANGUL_NUMERALS[(n - 1) % len(HANGUL_NUMERALS)]}."
        if level == 2:
            return f"({chr(ord('a') + (n - 1) % 26)})"
        return f"{n}."

    def ordinal(self) -> str:
        return ordinal_words(self.record["meeting"]["ordinal"], self.lang)

    def city(self) -> str:
        meeting = self.record["meeting"]
        return self.tr(meeting["city"]) or self.tr(meeting["venue"])


@lru_cache(maxsize=16384)
def _day(value: str | date, style: str, lang: str) -> str:
    """A date as a document prints it in a language: made once, as a document prints hundreds (due dates)."""
    with force_locale(lang):
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, style)


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)
    if hours:
        return _("%(hours)d h", hours=hours)
    return _("%(minutes)d min", minutes=rest)


def file_size(size: int) -> str:
    if size < 1024:
        return _("%(n)s bytes", n=format_decimal(size))
    if size < 1024 * 1024:
        return f"{format_decimal(round(size / 1024))} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"


def file_kind(attachment: dict[str, Any]) -> str:
    filename = attachment["filename"]
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    return KIND_NAMES.get(extension, attachment["content_type"])


def page_label() -> tuple[str, str, str]:
    """"Page N of M" in the document's language, cut around the two numbers that CSS fills in."""
    text = _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")
    before, _sep, rest = text.partition("{page}")
    between, _sep, after = rest.partition("{pages}")
    return before, between, after
