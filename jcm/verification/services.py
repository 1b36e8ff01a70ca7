"""Checking a copy of an agreed agenda or adopted minutes: by its digest, or a whole PDF file.

The answer says only whether the copy matches what both sides agreed, which meeting it belongs to, and when and
by whom it was adopted — never the content. A PDF is checked three ways: its embedded record must give the digest
printed on every page; its text must be the text that record prints; and, where JCM can be asked, that digest must
be one JCM holds as agreed. `jcm verify --offline` does the first two with nothing but the file.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from jcm.errors import Invalid
from jcm.extensions import db
from jcm.models import SIDES
from jcm.records import digest

DIGEST = re.compile(r"[0-9a-f]{64}")
PRINTED_DIGEST = re.compile(r"SHA-256\s*:?\s*([0-9a-f\s]{64,80})")


@dataclass
class Verdict:
    """What a check found. `matches` only when every check made passed; `reasons` say why not."""

    digest: str
    matches: bool = False
    known: bool | None = None  # None: JCM was not asked (offline)
    kind: str | None = None  # "minutes" | "agenda"
    meeting: dict[str, Any] | None = None
    adopted_at: str | None = None
    adopted_by: dict[str, dict[str, str]] = field(default_factory=dict)  # side: {name, name_ko}
    correction: int | None = None
    superseded_by: dict[str, Any] | None = None
    language: str | None = None
    reasons: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"sha256": self.digest, "match": self.matches, "known": self.known, "kind": self.kind,
                "meeting": self.meeting, "adopted_at": self.adopted_at, "adopted_by": self.adopted_by,
                "correction": self.correction, "superseded_by": self.superseded_by, "language": self.language,
                "reasons": self.reasons, "checks": self.checks}


def clean_digest(value: Any) -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    if not DIGEST.fullmatch(text):
        raise Invalid(_("A SHA-256 digest is 64 hexadecimal characters (0–9, a–f)."), field="sha256")
    return text


# --- what JCM holds -------------------------------------------------------------------------------------

def _person(given: dict[str, Any]) -> dict[str, str]:
    """Who agreed or adopted, in both scripts: the romanized name and the one in Hangul (empty where the record
    keeps none: one frozen before names were kept in Hangul, or a person who has none)."""
    return {"name": given.get("name") or "", "name_ko": given.get("name_ko") or ""}


def _title(title: Any) -> dict[str, str]:
    """The meeting's title in both languages, as records of every schema keep it ({"en", "ko"})."""
    if isinstance(title, dict):
        return {"en": title.get("en") or "", "ko": title.get("ko") or ""}
    return {"en": title or "", "ko": ""}


def _describe(verdict: Verdict, kind: str, record: dict[str, Any], correction: int | None = None) -> None:
    meeting = record["meeting"]
    verdict.kind, verdict.correction = kind, correction
    verdict.meeting = {"id": meeting["id"], "ref": meeting["ref"], "ordinal": meeting["ordinal"],
                       "title": _title(meeting["title"]), "start_date": meeting["start_date"],
                       "end_date": meeting["end_date"]}
    if kind == "agenda":
        verdict.adopted_at = record.get("agreed_at")
        given = record["approvals"]
    elif correction:
        verdict.adopted_at = record["correction"]["adopted_at"]
        given = record["correction"]["adoption"]
    else:
        verdict.adopted_at = record.get("adopted_at")
        given = record["adoption"]
    verdict.adopted_by = {side: _person(a) for side in SIDES if (a := given.get(side))}


def lookup(sha256: str) -> tuple[Verdict, dict[str, Any] | None]:
    """Whether JCM holds an agreed agenda or adopted minutes (or correction) with this digest, and its record."""
    from jcm.meetings.models import AgendaSnapshot
    from jcm.minutes.models import Minutes, MinutesCorrection

    verdict = Verdict(digest=sha256, known=False)
    minutes = db.session.scalar(select(Minutes).where(Minutes.sha256 == sha256, Minutes.status == "adopted"))
    if minutes is not None and minutes.adopted_content and "schema" in minutes.adopted_content:
        verdict.known = True
        _describe(verdict, "minutes", minutes.adopted_content)
        record = minutes.adopted_content
    else:
        correction = db.session.scalar(select(MinutesCorrection).where(MinutesCorrection.sha256 == sha256,
                                                                       MinutesCorrection.status == "adopted"))
        if correction is not None:
            verdict.known = True
            _describe(verdict, "minutes", correction.content, correction.number)
            minutes = db.session.get(Minutes, correction.minutes_id)
            record = correction.content
        else:
            snapshot = db.session.scalar(select(AgendaSnapshot).where(AgendaSnapshot.sha256 == sha256))
            if snapshot is None:
                return verdict, None
            verdict.known = True
            _describe(verdict, "agenda", snapshot.record)
            return verdict, snapshot.record
    later = db.session.scalar(select(MinutesCorrection).where(MinutesCorrection.minutes_id == minutes.id,
                                                              MinutesCorrection.status == "adopted",
                                                              MinutesCorrection.number > (verdict.correction or 0))
                              .order_by(MinutesCorrection.number.desc()).limit(1))
    if later is not None:
        verdict.superseded_by = {"correction": later.number, "sha256": later.sha256}
    return verdict, record


def check_digest(value: Any) -> Verdict:
    verdict, _record = lookup(clean_digest(value))
    verdict.matches = bool(verdict.known)
    if not verdict.matches:
        verdict.reasons.append(_("JCM holds no agreed agenda or adopted minutes with this digest."))
    return verdict


# --- a PDF ----------------------------------------------------------------------------------------------

def _normalised(text: str) -> str:
    return " ".join(text.split())


def _page_texts(reader) -> list[str]:
    return [_normalised(page.extract_text() or "") for page in reader.pages]


def read_pdf(data: bytes):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise Invalid(_("This file is not a PDF."), field="file")
    try:
        reader = PdfReader(io.BytesIO(data))
        len(reader.pages)  # parses the page tree: a broken one is refused here, not later
        attachments = dict(reader.attachments)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise Invalid(_("This PDF cannot be read: %(error)s", error=str(error)[:200]), field="file") from None
    return reader, attachments


def embedded_record(attachments: dict[str, list[bytes]]) -> dict[str, Any]:
    from jcm.documents.render import RECORD_FILENAME

    files = attachments.get(RECORD_FILENAME)
    if not files:
        raise Invalid(_("This PDF carries no embedded record: it is not an agreed JCM document (a draft, a scan or "
                        "a copy made by another program has none), or the record was removed from it."),
                      field="file")
    try:
        record = json.loads(files[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid(_("The record embedded in this PDF is damaged: it is not valid JSON."), field="file") from None
    if not isinstance(record, dict) or not str(record.get("schema", "")).startswith(("jcm.minutes/", "jcm.agenda/")):
        raise Invalid(_("The file embedded in this PDF is not a JCM record."), field="file")
    return record


def _document_language(reader, record: dict[str, Any]) -> str:
    from flask import current_app

    lang = str(reader.trailer["/Root"].get("/Lang", "") or "")
    return lang if lang in current_app.config["LANGUAGES"] else "en"


def reference_pdf(record: dict[str, Any], sha256: str, lang: str) -> bytes:
    """The PDF this record prints in that language: the kept copy, else rendered from the record alone, here and now
    (not handed to the render pool: `jcm verify` has no request to answer "preparing" to), and kept."""
    from jcm.documents.views import adopted_minutes_pdf, agreed_agenda_pdf

    meeting_id = record["meeting"]["id"]
    if str(record["schema"]).startswith("jcm.agenda/"):
        return agreed_agenda_pdf(meeting_id, record, sha256, lang)
    return adopted_minutes_pdf(meeting_id, record, sha256, lang)


def check_pdf(data: bytes, *, online: bool = True) -> Verdict:
    """Check a whole copy. Bad input (not a PDF, no record, a damaged record) is refused as Invalid; a readable
    copy that does not match gets a verdict that says why."""
    reader, attachments = read_pdf(data)
    record = embedded_record(attachments)
    computed = digest(record)
    verdict = Verdict(digest=computed)
    kind = "agenda" if record["schema"].startswith("jcm.agenda/") else "minutes"
    _describe(verdict, kind, record, (record.get("correction") or {}).get("number"))
    texts = _page_texts(reader)
    lang = _document_language(reader, record)
    verdict.language = lang

    printed = [sorted({m.replace(" ", "").replace("\n", "")[:64]
                       for m in PRINTED_DIGEST.findall(text)}) for text in texts]
    if not any(printed):
        verdict.reasons.append(_("No SHA-256 digest is printed on this document."))
    else:
        wrong = [number for number, found in enumerate(printed, start=1) if computed not in found]
        if wrong:
            verdict.reasons.append(_("The digest printed on page(s) %(pages)s is not the digest of the record embedded "
                                     "in this PDF: the digest was retyped, or the record replaced.",
                                     pages=", ".join(str(n) for n in wrong[:20])))
    verdict.checks.append(_("The embedded record gives the digest %(digest)s.", digest=computed))

    reference = reference_pdf(record, computed, lang)
    if reference == data:
        verdict.checks.append(_("The file is, byte for byte, the document JCM issues for this record."))
    else:
        from pypdf import PdfReader

        expected = _page_texts(PdfReader(io.BytesIO(reference)))
        differing = [number for number, (mine, theirs) in
                     enumerate(zip(texts + [""] * len(expected), expected + [""] * len(texts)), start=1)
                     if mine != theirs and number <= max(len(texts), len(expected))]
        if differing:
            verdict.reasons.append(_("The text of page(s) %(pages)s differs from the text the embedded record prints: "
                                     "this copy has been altered.", pages=", ".join(str(n) for n in differing[:20])))
        else:
            verdict.checks.append(_("Its text is, page by page, the text the embedded record prints."))

    if online:
        known, _record = lookup(computed)
        verdict.known = known.known
        verdict.superseded_by = known.superseded_by
        if known.known:
            verdict.checks.append(_("JCM holds this record as agreed by both sides."))
        else:
            verdict.reasons.append(_("JCM holds no agreed agenda or adopted minutes with this digest."))
    verdict.matches = not verdict.reasons
    return verdict
