"""The meeting documents as HTML and PDF, for people signed in and for programs with a Bearer token.

A draft is printed from a record built from what JCM holds, once per version of the content (see
jcm/documents/drafts.py); who may read it is checked on every request. An agreed agenda version and adopted minutes (and each
adopted correction) are printed only from their frozen record; their PDFs are archival (PDF/A-3a with the record
embedded), rendered deterministically and kept, so every copy made at any time is the same bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from flask import Blueprint, Flask, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from jcm.documents.drafts import Edition, made_once
from jcm.documents.forms import MarkingForm
from jcm.documents.frame import Frame, duration, file_kind, file_size, page_label
from jcm.documents.markings import DEFAULT_MARKING, MARKING_LABELS, MEETING_MARKINGS
from jcm.documents.pdfs import background, draft_cache, draft_key, render_pool, write_atomically
from jcm.documents.records import agenda_record, agreed_agenda, minutes_record, record_languages
from jcm.documents.render import Archival, render_pdf
from jcm.documents.services import marking_row, set_marking
from jcm.documents.watermark import watermark_svg
from jcm.errors import Invalid, NotFound
from jcm.extensions import db, on_commit
from jcm.i18n import locale_code
from jcm.meetings.models import Meeting
from jcm.meetings.services import get_meeting
from jcm.minutes.models import Minutes
from jcm.minutes.services import meeting_of_page, minutes_for
from jcm.permissions import can, require
from jcm.records import canonical_json
from jcm.records import digest as digest_of
from jcm.text import render_markdown
from jcm.web import actor, form_status, int_or_none, reader, submit

bp = Blueprint("documents", __name__)

TOC_AFTER = 12  # agenda items: a longer record gets a table of contents


# --- who is asking ------------------------------------------------------------------------------------

def _readable_meeting(meeting_id: int) -> Meeting:
    """Load → check access: who asks first, then the meeting (404), then whether they may read it (403). The
    meeting's own columns alone: its agenda is loaded when its documents are gathered (_agenda_edition)."""
    user = reader()
    meeting = meeting_of_page(meeting_id)
    require(user, "meeting.view", meeting)
    return meeting


PARALLEL = "both"  # the parallel text: the English and the Korean text side by side


def document_languages() -> list[str]:
    """The texts a document is printed in: each language, then the two side by side."""
    return [*current_app.config["LANGUAGES"], PARALLEL]


def document_language() -> str:
    """?lang=en|ko|both chooses the document's text, whatever the interface's language; without it, the
    interface's."""
    lang = request.args.get("lang")
    if lang is None or lang == "":
        return locale_code()
    if lang not in document_languages():
        raise Invalid(_("Documents are printed in English (lang=en), in Korean (lang=ko) or in both side by side "
                        "(lang=both)."), field="lang")
    return lang


def _template(name: str, record: dict[str, Any]) -> str:
    """A record of /1 is printed by the templates it was adopted with, as it always was."""
    schema = record.get("schema") or ""
    if not schema or schema.endswith("/1"):
        return f"documents/v1/{name}"
    return f"documents/{name}"


# --- rendering a record -------------------------------------------------------------------------------

def _render(template: str, record: dict[str, Any], lang: str, **extra) -> str:
    frame = Frame(record, lang)
    with force_locale(frame.html_lang):
        return render_template(_template(template, record), record=record, f=frame, duration=duration,
                               file_size=file_size, file_kind=file_kind, page_label=page_label(),
                               render_markdown=render_markdown, watermark=watermark_svg, **extra)


def agenda_html(record: dict[str, Any], lang: str, digest: str | None = None) -> str:
    return _render("agenda.html", record, lang, digest=digest,
                   created=record.get("agreed_at") if digest else None)


def minutes_html(record: dict[str, Any], lang: str, *, adopted: bool, digest: str | None) -> str:
    correction = record.get("correction")
    created = (correction or {}).get("adopted_at") or record.get("adopted_at") if adopted else None
    done_on = record.get("adopted_at") or record["meeting"]["end_date"]
    frame = Frame(record, "en" if lang == PARALLEL else lang)
    with force_locale(frame.lang):
        done = frame.local_date(done_on) if "T" in done_on else frame.day(done_on)
    return _render("minutes.html", record, lang, adopted=adopted, digest=digest, created=created,
                   show_toc=len(record["records"]) > TOC_AFTER, languages=record_languages(record), done_on=done,
                   done_at=done_on)


def _archival(record: dict[str, Any], digest: str, description: str, moment: str | None) -> Archival:
    created = datetime.fromisoformat(moment.replace("Z", "")) if moment else datetime(2000, 1, 1)
    return Archival(record_json=canonical_json(record), digest=digest, created=created, description=description)


def kept_folder() -> Path:
    return Path(current_app.instance_path) / "documents"


@dataclass
class KeptDocument:
    """An archival PDF kept on disk (an agreed agenda version's, adopted minutes' or a correction's, in one language):
    rendered once, from its frozen record alone, then always read from its file."""

    path: Path
    make: Callable[[], bytes]

    def read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def keep(self) -> bytes:
        """The kept file, else make it and keep it."""
        data = self.read()
        if data is None:
            with _render_context():
                data = self.make()
            write_atomically(self.path, data)
        return data


class _render_context:
    """Archival documents are rendered as if requested at JCM_BASE_URL, so where or by whom they are first asked
    for (a browser, a program, the thread that prepares them at adoption) cannot change their bytes."""

    def __enter__(self):
        self._context = current_app.test_request_context("/", base_url=current_app.config["BASE_URL"])
        self._context.push()

    def __exit__(self, *exc):
        self._context.pop()


def minutes_pdf_path(meeting_id: int, digest: str, lang: str) -> Path:
    return kept_folder() / f"minutes-{meeting_id}-{digest}-{lang}.pdf"


def agenda_pdf_path(meeting_id: int, digest: str, lang: str) -> Path:
    return kept_folder() / f"agenda-{meeting_id}-{digest}-{lang}.pdf"


def adopted_minutes_document(meeting_id: int, record: dict[str, Any], digest: str, lang: str) -> KeptDocument:
    correction = record.get("correction")
    moment = (correction or {}).get("adopted_at") or record.get("adopted_at")

    def make() -> bytes:
        html = minutes_html(record, lang, adopted=True, digest=digest)
        description = f"{record['meeting']['ref']} minutes, SHA-256 {digest}"
        return render_pdf(html, current_app.config["BASE_URL"], _archival(record, digest, description, moment))

    return KeptDocument(minutes_pdf_path(meeting_id, digest, lang), make)


def agreed_agenda_document(meeting_id: int, record: dict[str, Any], digest: str, lang: str) -> KeptDocument:
    def make() -> bytes:
        html = agenda_html(record, lang, digest)
        description = f"{record['meeting']['ref']} agenda v{record['version']}, SHA-256 {digest}"
        return render_pdf(html, current_app.config["BASE_URL"],
                          _archival(record, digest, description, record.get("agreed_at")))

    return KeptDocument(agenda_pdf_path(meeting_id, digest, lang), make)


def adopted_minutes_pdf(meeting_id: int, record: dict[str, Any], digest: str, lang: str) -> bytes:
    return adopted_minutes_document(meeting_id, record, digest, lang).keep()


def agreed_agenda_pdf(meeting_id: int, record: dict[str, Any], digest: str, lang: str) -> bytes:
    return agreed_agenda_document(meeting_id, record, digest, lang).keep()


KEPT_DOCUMENTS = {"minutes": adopted_minutes_document, "agenda": agreed_agenda_document}


def prepare_kept_documents(app: Flask, kind: str, meeting_id: int, record: dict[str, Any], digest: str) -> None:
    """Render a record's PDFs in every language in the render pool as soon as it is agreed or adopted, so the
    co-chair's agreement or adoption returns at once; whoever asks for one meanwhile waits for the same render."""
    with app.app_context():
        for lang in document_languages():
            document = KEPT_DOCUMENTS[kind](meeting_id, record, digest, lang)
            background(app, str(document.path), document.keep)


def _prepare_on_commit(kind: str, meeting_id: int, record: dict[str, Any], digest: str) -> None:
    if current_app.config.get("PREPARE_DOCUMENTS", True):
        app = current_app._get_current_object()
        on_commit(lambda: prepare_kept_documents(app, kind, meeting_id, record, digest))


# --- a PDF off the request ----------------------------------------------------------------------------

PREPARING_RETRY_SECONDS = 2


def _pdf_response(key: str, kept: Callable[[], bytes | None], make: Callable[[], bytes], lang: str,
                  filename: str) -> Response:
    """The PDF read from disk when it is there; else rendered by the pool, waited for at most PDF_WAIT_SECONDS,
    and, when it takes longer, "Preparing the PDF…" (202) asking again in a moment."""
    data = kept()
    if data is None:
        pool = render_pool()
        job = pool.submit(key, make)
        try:
            data = job.result(timeout=float(current_app.config["PDF_WAIT_SECONDS"]))
        except TimeoutError:
            if not job.done():
                return _preparing(lang)
            pool.forget(key, job)
            raise
        except Exception:  # told once; the next request tries again
            pool.forget(key, job)
            raise
    return document_response(data, "application/pdf", lang, filename)


def _preparing(lang: str) -> Response:
    """202: the PDF is being rendered. A browser gets a page that reloads itself (the PDF, once ready); a program
    (a token, or not asking for HTML) gets JSON, Retry-After and Location: the same address to ask again."""
    seconds = PREPARING_RETRY_SECONDS
    message = _("The PDF is being prepared. It opens here by itself in a few seconds.")
    prefers = request.accept_mimetypes.best_match(["text/html", "application/pdf", "application/json"])
    if "Authorization" in request.headers or prefers != "text/html":
        response = jsonify({"status": "preparing", "message": message, "retry_after": seconds, "url": request.url})
    else:
        response = Response(render_template("documents/preparing.html", message=message, seconds=seconds,
                                            url=request.full_path.rstrip("?")), mimetype="text/html")
    response.status_code = 202
    response.headers["Retry-After"] = str(seconds)
    response.headers["Location"] = request.url
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = "en, ko" if lang == PARALLEL else lang
    return response


# Drafts need no archival tags: only what both sides agreed or adopted is kept and archived (PDF/A-3a).
DRAFT_SETTINGS = "draft"


def draft_pdf(record: dict[str, Any], print_html: Callable[[], str], lang: str, filename: str,
               settings: str = DRAFT_SETTINGS, record_digest: str | None = None) -> Response:
    """A draft's PDF, rendered once per content: read from the draft cache by the digest of its record (computed
    unless given), so that a draft already rendered is served without printing its HTML again; `print_html` prints
    it when it is not. `settings` adds to the key what else shapes it (a document printed by a template outside
    documents/)."""
    base_url = request.url_root
    cache = draft_cache()
    key = draft_key(record_digest or digest_of(record), lang, base_url, settings)
    data = cache.get(key, lang)
    if data is not None:
        return document_response(data, "application/pdf", lang, filename)
    html = print_html()  # here, where the request's address and language are

    def make() -> bytes:
        data = cache.get(key, lang)  # a request before this one's job ended may have put it there
        if data is None:
            data = render_pdf(html, base_url)
            cache.put(key, lang, data)
        return data

    return _pdf_response(f"draft:{key}:{lang}", lambda: cache.get(key, lang), make, lang, filename)


def _kept_pdf(document: KeptDocument, lang: str, filename: str) -> Response:
    return _pdf_response(str(document.path), document.read, document.keep, lang, filename)


# --- which text of the minutes ------------------------------------------------------------------------

def minutes_edition(meeting: Meeting, minutes: Minutes, corr: str | None) -> tuple[dict[str, Any], str | None, bool]:
    """The record to print, its digest and whether it is adopted: the draft as it stands; once adopted, the
    latest text (the original with its latest correction), or with ?corr=N that correction, ?corr=0 the original."""
    from jcm.minutes.services import adopted_text

    if not minutes.adopted:
        if corr not in (None, ""):
            raise NotFound(_("Draft minutes have no corrections."))
        return minutes_record(meeting, minutes, with_agenda=True), None, False
    if not minutes.adopted_content or "schema" not in minutes.adopted_content:
        # Minutes adopted before records were frozen whole: printed from what JCM holds now.
        return minutes_record(meeting, minutes), minutes.sha256, True
    record, digest = adopted_text(minutes, corr)
    return record, digest, True


def _readable_minutes(meeting_id: int) -> Meeting:
    """The meeting (its own columns), under the same access rules as the agenda; 404 while it has no minutes."""
    meeting = _readable_meeting(meeting_id)
    if db.session.scalar(select(Minutes.id).where(Minutes.meeting_id == meeting.id)) is None:
        raise NotFound(_("The minutes of this meeting have not been started yet."))
    return meeting


def _minutes_edition(meeting_id: int, corr: str | None) -> Edition:
    """The minutes' text to print (minutes_edition), gathered once per version of the content."""
    def gather() -> Edition:
        meeting = get_meeting(meeting_id, with_agenda=True)
        return Edition(*minutes_edition(meeting, minutes_for(meeting), corr))

    return made_once(("minutes", meeting_id, corr or None), gather)


def _agenda_edition(meeting_id: int) -> Edition:
    """The agenda to print: the version both sides agreed, else the draft; gathered once per version of the
    content."""
    def gather() -> Edition:
        meeting = get_meeting(meeting_id, with_agenda=True)
        agreed = agreed_agenda(meeting)
        if agreed is not None:
            return Edition(agreed.record, agreed.sha256)
        return Edition(agenda_record(meeting), None)

    return made_once(("agenda", meeting_id), gather)


# --- the views ----------------------------------------------------------------------------------------

def document_response(body: str | bytes, mimetype: str, lang: str, filename: str | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    if filename:
        response.headers.set("Content-Disposition", "inline", filename=filename)
    response.headers["Cache-Control"] = "private"
    response.headers["Content-Language"] = "en, ko" if lang == PARALLEL else lang
    return response


@bp.get("/meetings/<int:meeting_id>/agenda.html", endpoint="agenda_html")
def agenda_document_html(meeting_id: int):
    _readable_meeting(meeting_id)
    lang = document_language()

    def print_html() -> bytes:  # kept as it is sent
        edition = _agenda_edition(meeting_id)
        return agenda_html(edition.record, lang, edition.digest).encode()

    return document_response(made_once(("agenda.html", meeting_id, lang), print_html), "text/html", lang)


@bp.get("/meetings/<int:meeting_id>/agenda.pdf", endpoint="agenda_pdf")
def agenda_document_pdf(meeting_id: int):
    lang = document_language()
    kept = _kept_agreed_agenda_pdf(meeting_id, lang)
    if kept is not None:
        return kept
    meeting = _readable_meeting(meeting_id)
    edition = _agenda_edition(meeting_id)
    record, digest = edition.record, edition.digest
    filename = f"{meeting.short_ref}-agenda-v{record['version']}{'' if digest else '-draft'}-{lang}.pdf"
    if digest:
        return _kept_pdf(agreed_agenda_document(meeting.id, record, digest, lang), lang, filename)
    return draft_pdf(record, lambda: agenda_html(record, lang), lang, filename, record_digest=edition.record_digest)


@bp.get("/meetings/<int:meeting_id>/minutes.html", endpoint="minutes_html")
def minutes_document_html(meeting_id: int):
    _readable_minutes(meeting_id)
    lang = document_language()
    corr = request.args.get("corr")

    def print_html() -> bytes:  # kept as it is sent
        edition = _minutes_edition(meeting_id, corr)
        return minutes_html(edition.record, lang, adopted=edition.adopted, digest=edition.digest).encode()

    return document_response(made_once(("minutes.html", meeting_id, corr or None, lang), print_html), "text/html",
                             lang)


@bp.get("/meetings/<int:meeting_id>/minutes.pdf", endpoint="minutes_pdf")
def minutes_document_pdf(meeting_id: int):
    lang = document_language()
    kept = _kept_latest_minutes_pdf(meeting_id, lang) if request.args.get("corr") in (None, "") else None
    if kept is not None:
        return kept
    meeting = _readable_minutes(meeting_id)
    edition = _minutes_edition(meeting_id, request.args.get("corr"))
    record, digest, adopted = edition.record, edition.digest, edition.adopted
    if adopted and digest:
        correction = record.get("correction")
        suffix = f"-corr{correction['number']}" if correction else ""
        return _kept_pdf(adopted_minutes_document(meeting.id, record, digest, lang), lang,
                         f"{meeting.short_ref}-minutes{suffix}-{lang}.pdf")
    return draft_pdf(record, lambda: minutes_html(record, lang, adopted=False, digest=None), lang,
                     f"{meeting.short_ref}-minutes-draft-{lang}.pdf", record_digest=edition.record_digest)


def _kept_agreed_agenda_pdf(meeting_id: int, lang: str) -> Response | None:
    """The kept PDF of the current agenda version when both sides agreed it, after the access check but without
    loading the agenda or its record. None when it is a draft or not kept yet (the full path answers)."""
    from jcm.meetings.models import AgendaSnapshot

    if not current_user.is_authenticated:
        return None
    meeting = get_meeting(meeting_id)
    require(actor(), "meeting.view", meeting)
    agreed = db.session.execute(select(AgendaSnapshot.agenda_version, AgendaSnapshot.sha256).where(
        AgendaSnapshot.meeting_id == meeting_id, AgendaSnapshot.agenda_version == meeting.agenda_version,
        AgendaSnapshot.record.is_not(None))).first()
    if agreed is None or not agreed.sha256:
        return None
    path = agenda_pdf_path(meeting_id, agreed.sha256, lang)
    if not path.is_file():
        return None
    return document_response(path.read_bytes(), "application/pdf", lang,
                              f"{meeting.short_ref}-agenda-v{agreed.agenda_version}-{lang}.pdf")


def _kept_latest_minutes_pdf(meeting_id: int, lang: str) -> Response | None:
    """The kept PDF of the latest adopted text, after the access check but without loading the record: the way
    most copies of adopted minutes are fetched. None when there is none kept (the full path renders it)."""
    from jcm.minutes.models import MinutesCorrection

    if not current_user.is_authenticated:
        return None
    meeting = get_meeting(meeting_id)
    require(actor(), "meeting.view", meeting)
    adopted = db.session.execute(select(Minutes.id, Minutes.sha256).where(Minutes.meeting_id == meeting_id,
                                                                          Minutes.status == "adopted")).first()
    if adopted is None or not adopted.sha256:
        return None
    latest = db.session.execute(select(MinutesCorrection.number, MinutesCorrection.sha256).where(
        MinutesCorrection.minutes_id == adopted.id, MinutesCorrection.status == "adopted")
        .order_by(MinutesCorrection.number.desc()).limit(1)).first()
    digest = latest.sha256 if latest else adopted.sha256
    path = minutes_pdf_path(meeting_id, digest, lang)
    if not path.is_file():
        return None
    suffix = f"-corr{latest.number}" if latest else ""
    return document_response(path.read_bytes(), "application/pdf", lang,
                              f"{meeting.short_ref}-minutes{suffix}-{lang}.pdf")


def _agenda_frozen(meeting, snapshot) -> None:
    from jcm.documents.records import freeze_agenda

    freeze_agenda(meeting, snapshot)
    _prepare_on_commit("agenda", meeting.id, snapshot.record, snapshot.sha256)


def _minutes_frozen(minutes, meeting) -> None:
    from jcm.documents.records import freeze_minutes

    freeze_minutes(minutes, meeting)
    _prepare_on_commit("minutes", meeting.id, minutes.adopted_content, minutes.sha256)


def _correction_adopted(correction, meeting) -> None:
    _prepare_on_commit("minutes", meeting.id, correction.content, correction.sha256)


# --- the meeting's distribution marking ----------------------------------------------------------------

def marking_page_part(meeting: Meeting, user) -> Markup:
    """The marking of the meeting's documents on its page: what they carry, and, for a secretariat until the
    minutes are adopted, the choice of another."""
    row = marking_row(meeting.id)
    current = row.marking if row is not None else DEFAULT_MARKING.value
    form = MarkingForm(formdata=None, marking=current, version=str(row.version if row is not None else 0))
    form.marking.choices = [(code.value, str(MARKING_LABELS[code])) for code in MEETING_MARKINGS]
    return Markup(render_template("documents/_marking.html", meeting=meeting, current=current, form=form,
                                  label=MARKING_LABELS[current], may_mark=can(user, "document.mark", meeting)))


@bp.post("/meetings/<int:meeting_id>/marking")
@login_required
def mark(meeting_id: int):
    """A secretariat chooses the marking of the meeting's documents; a bad or stale choice is said on the meeting's
    page (422, 409) and nothing changes."""
    from jcm.meetings.views import meeting_page  # the meeting's page, shown again with what was wrong

    meeting = get_meeting(meeting_id)
    require(actor(), "document.mark", meeting)
    form = MarkingForm()
    if form.validate_on_submit():
        ok, _row = submit(None, lambda: set_marking(actor(), meeting, form.marking.data,
                                                    int_or_none(form.version.data)))
        if ok:
            flash(_("The marking of the meeting's documents has been changed."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting_id) + "#marking")
        return meeting_page(meeting_id, form_status(form))
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return meeting_page(meeting_id, 422)
