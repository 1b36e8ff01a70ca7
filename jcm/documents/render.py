"""HTML → PDF with WeasyPrint, fetching only the app's own static files from disk."""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML, Attachment
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


def render_pdf(html: str, base_url: str, archival: Archival | None = None) -> bytes:
    """The PDF of a document's HTML; relative links resolve against base_url (the app's root URL)."""
    fetcher = StaticFileFetcher(base_url, current_app.static_folder, current_app.static_url_path)
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    if archival is None:
        return document.write_pdf(font_config=font_config, pdf_tags=True)
    record = Attachment(string=archival.record_json, name=RECORD_FILENAME, description=archival.description,
                        relationship="Source", created=archival.created, modified=archival.created)
    return document.write_pdf(font_config=font_config, pdf_variant=ARCHIVAL_VARIANT, pdf_tags=True,
                              pdf_identifier=archival.digest[:32].encode("ascii"), attachments=[record],
                              **_output_intent())
