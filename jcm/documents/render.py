"""HTML → PDF with WeasyPrint, fetching only the app's own static files from disk."""

from __future__ import annotations

import io
import logging
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

from blinker import Namespace
from flask import current_app
from weasyprint import DEFAULT_OPTIONS, HTML, Attachment, Document
from weasyprint.css import ColorProfile
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticFileFetcher(URLFetcher):
    """Serves `<base_url>/static/...` from the static folder; refuses everything else.

    A document must never make the server reach out to the network (or read arbitrary files) because
    some URL ended up in its HTML.
    """

    def __init__(self, base_url: str, static_folder: str | Path, static_url_path: str):
        super().__init__(allowed_protocols=("http", "https"), allow_redirects=False)
        base = urlsplit(base_url)
        self._origin = (base.scheme, base.netloc)
        self._root = Path(static_folder).resolve()
        self._prefix = static_url_path.rstrip("/") + "/"

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self._origin or not parts.path.startswith(self._prefix):
            raise ValueError(f"documents may only use the app's static files, not {url}")
        path = (self._root / unquote(parts.path[len(self._prefix):])).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise ValueError(f"no static file at {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Content-Type": f"{content_type}; charset=utf-8" if content_type.startswith("text/")
                   else content_type}
        return URLFetcherResponse(url, path.read_bytes(), headers)


signals = Namespace()
# Sent after each PDF rendered (sender: the app; archival: whether it is a kept, archival copy).
document_rendered = signals.signal("document-rendered")

RECORD_FILENAME = "record.json"
ARCHIVAL_VARIANT = "pdf/a-3a"  # PDF/A-3, level A: tagged, so screen readers follow the text


@cache
def _srgb_profile() -> bytes:
    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _output_intent() -> dict:
    """The sRGB output intent PDF/A requires, read from memory (WeasyPrint's own leaves its file open)."""
    profile = ColorProfile(io.BytesIO(_srgb_profile()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"]))
    return {"output_intent": "jcm-srgb", "color_profiles": {"jcm-srgb": profile}}


@dataclass
class Archival:
    """What makes an adopted document an archival PDF (PDF/A-3a, tagged): its record embedded as an associated file,
    so a copy can be checked offline, and fixed dates and identifier, so two renders are the same bytes."""

    record_json: str
    digest: str
    created: datetime
    description: str


# A Hangul syllable next to another, or next to a Latin letter or a digit (제12차, AI협력): one word.
_WITHIN_HANGUL_WORD = re.compile(r"(?<=[\uac00-\ud7a3])(?=[\uac00-\ud7a3A-Za-z0-9])"
                                 r"|(?<=[A-Za-z0-9])(?=[\uac00-\ud7a3])")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_MARKING_ATTRIBUTE = re.compile(r'(data-marking=")([^"]*)(")')
WORD_JOINER = "\u2060"


class _KeepAllIsDoneHere(logging.Filter):
    """WeasyPrint says on every document that it ignores `word-break: keep-all`; keep_hangul_words does it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Ignored `word-break: keep-all`")


logging.getLogger("weasyprint").addFilter(_KeepAllIsDoneHere())


def keep_hangul_words(html: str) -> str:
    """The document's body with the letters of each Hangul word joined, so a line breaks only between words.

    The stylesheet asks for `word-break: keep-all`, as Korean is set; WeasyPrint does not implement it and would
    break a line between any two syllables. U+2060 WORD JOINER forbids that break, prints nothing and is not part
    of the text a reader copies or extracts; `overflow-wrap: anywhere` still wraps a word too long for its column.
    Only text between tags is touched, and the distribution marking the page's top margin prints (data-marking),
    a short line whose words must never break: other attributes (which feed the PDF's metadata and running heads)
    are left as they are."""
    head, separator, body = html.partition("<body")
    if not separator:
        return html
    parts = _TAG_OR_TEXT.split(body)
    for index in range(2, len(parts), 2):  # parts[0] is the rest of the <body> tag; odd parts are tags
        if parts[index]:
            parts[index] = _WITHIN_HANGUL_WORD.sub(WORD_JOINER, parts[index])
    body = _MARKING_ATTRIBUTE.sub(lambda m: m.group(1) + _WITHIN_HANGUL_WORD.sub(WORD_JOINER, m.group(2)) + m.group(3),
                                  "".join(parts), count=1)
    return head + separator + body


def lay_out(html: str, base_url: str, color_profiles: dict | None = None, **options) -> Document:
    """A document's pages as WeasyPrint lays them out for its PDF, with only the app's static files within reach."""
    fetcher = StaticFileFetcher(base_url, current_app.static_folder, current_app.static_url_path)
    document = HTML(string=keep_hangul_words(html), base_url=base_url, url_fetcher=fetcher).render(
        font_config=FontConfiguration(), color_profiles=color_profiles, **options)
    for page in document.pages:  # the PDF's outline is the headings' text: without the joiners
        page.bookmarks = [(level, label.replace(WORD_JOINER, ""), *rest) for level, label, *rest in page.bookmarks]
    return document


def render_pdf(html: str, base_url: str, archival: Archival | None = None) -> bytes:
    """The PDF of a document's HTML; relative links resolve against base_url (the app's root URL)."""
    options = {**DEFAULT_OPTIONS, "pdf_tags": True}
    color_profiles = None
    if archival is not None:
        record = Attachment(string=archival.record_json, name=RECORD_FILENAME, description=archival.description,
                            relationship="Source", created=archival.created, modified=archival.created)
        intent = _output_intent()
        color_profiles = intent["color_profiles"]
        options.update(pdf_variant=ARCHIVAL_VARIANT, pdf_identifier=archival.digest[:32].encode("ascii"),
                       attachments=[record], output_intent=intent["output_intent"])
    pdf = lay_out(html, base_url, color_profiles, **options).write_pdf(**options)
    document_rendered.send(current_app._get_current_object(), archival=archival is not None)
    return pdf
