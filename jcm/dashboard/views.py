"""The pages that look across meetings: what waits for each person, a focus area's history, the dashboard, the
implementation report."""

from __future__ import annotations

from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, stream_with_context, url_for
from flask_babel import force_locale, ngettext
from flask_login import login_required

from jcm.actions.columns import REGISTER, columns_of
from jcm.actions.views import shown_items
from jcm.content import kept_page
from jcm.dashboard import board as boards
from jcm.dashboard import charts, services
from jcm.dashboard.report import implementation_report, read_filters
from jcm.dashboard.schemas import read_progress_filters
from jcm.dashboard.waiting import waiting_for
from jcm.documents.drafts import Edition, made_once
from jcm.documents.frame import Frame, page_label
from jcm.documents.pdfs import files_digest
from jcm.documents.views import DRAFT_SETTINGS, document_language, document_response, draft_pdf
from jcm.errors import Invalid, JCMError, json_error
from jcm.i18n import locale_code
from jcm.labels import read_once
from jcm.meetings.models import PROPOSAL_KIND_LABELS
from jcm.minutes.models import PROGRESS_STATUS_LABELS
from jcm.models import whole_number
from jcm.permissions import require
from jcm.text import render_markdown
from jcm.web import actor, reader

bp = Blueprint("dashboard", __name__)


# --- what waits for me ------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
@kept_page
def home():
    """Each person starts from what waits for them, by their role and side; the MOU's text has its own page."""
    today, days = date.today(), int(current_app.config["REMINDER_DAYS"])
    return render_template("dashboard/home.html", waiting=waiting_for(actor(), today, soon_days=days), today=today,
                           days=days, proposal_kinds=PROPOSAL_KIND_LABELS)


# --- A focus area's history ------------------------------------------------------------------------------------

@bp.get("/focus-areas/<int:focus_area_id>")
@login_required
def focus_area(focus_area_id: int):
    today = date.today()
    page = whole_number(request.args["page"], "page") if "page" in request.args else 1
    history = services.area_history(actor(), focus_area_id, today, page)
    open_items, closed_items = [], []
    if history.actions is not None:
        actions = history.actions
        items = shown_items([*actions.open_rows, *actions.closed_rows], with_owners=True)  # their owners at once
        for item in items:
            item.reviewed = actions.reviewed.get(item.id, 0)
        open_items, closed_items = items[:len(actions.open_rows)], items[len(actions.open_rows):]
    # Both authentic texts are shown, the reader's language first.
    languages = ("ko", "en") if locale_code() == "ko" else ("en", "ko")
    # Each code of the branch leads to its area's page, but the page's own.
    area_urls = {code: url_for("dashboard.focus_area", focus_area_id=node.id) for code, node in history.branch.items()
                 if node.id != history.area.id}
    return render_template("dashboard/focus_area.html", history=history, area=history.area, today=today,
                           languages=languages, area_urls=area_urls, open_items=open_items,
                           closed_items=closed_items, columns=columns_of(REGISTER))


# --- the implementation dashboard ---------------------------------------------------------------------------------


def _board_of(user, args) -> boards.Board:
    return boards.dashboard(user, boards.BoardFilter(**read_progress_filters(args)), date.today())


@bp.get("/dashboard")
@login_required
def board():
    """The MOU's areas × the meetings: a form of filters (GET), the grid, its legend, and each side's balance."""
    try:
        found = _board_of(actor(), request.args)
    except Invalid as invalid:
        asked = {key: request.args.get(key, "")[:40] for key in ("area", "side", "from", "to")}
        return render_template("dashboard/dashboard.html", board=None, asked=asked, error=invalid.message,
                               choices=boards.dashboard_choices()), 422
    args = found.filters.as_args(found.area.code if found.area else None)
    asked = {"area": args.get("area", ""), "side": args.get("side", ""), "from": args.get("from", ""),
             "to": args.get("to", "")}
    words = read_once(PROGRESS_STATUS_LABELS)
    return render_template("dashboard/dashboard.html", board=found, asked=asked, args=args, error=None,
                           choices=found.choices, words=words, grid=_grid(found, words),
                           headings=[(meeting, boards.meeting_heading(meeting),
                                      url_for("meetings.show", meeting_id=meeting.id)) for meeting in found.meetings],
                           worst_first=boards.WORST_FIRST)


def _grid(found: boards.Board, words: dict[str, str]) -> list[tuple[boards.AreaRow, list[tuple | None]]]:
    """Each row with its cells in the order of the columns: (status, word, a rolled-up cell's note and the entries
    it was rolled up from), None where the meeting did not discuss the area. The words are translated once for the
    whole grid, not once for each of its (some thousands of) cells."""
    notes: dict[int, str] = {}

    def note(entries: int) -> str:
        if entries not in notes:
            notes[entries] = ngettext("%(num)d entry", "worst of %(num)d entries", entries)
        return notes[entries]

    grid = []
    for row in found.rows:
        cells = []
        for meeting in found.meetings:
            cell = row.cells.get(meeting.id)
            if cell is None:
                cells.append(None)
            elif cell.rolled_up:
                cells.append((cell.status, words[cell.status], note(cell.entries),
                              ", ".join(f"{words[status]} {n}" for status, n in cell.statuses.items())))
            else:
                cells.append((cell.status, words[cell.status], None, None))
        grid.append((row, cells))
    return grid


@bp.get("/dashboard.csv")
def board_csv():
    """The dashboard as CSV, with the page's filters, for a signed-in person or a program with a token."""
    user = reader()
    try:
        found = _board_of(user, request.args)
    except Invalid as error:
        if "Authorization" in request.headers:  # a program reads JSON, a person the error page
            return json_error(422, error.code, error.message, field=error.field)
        raise
    language = user.locale if user.locale in current_app.config["LANGUAGES"] else locale_code()
    response = Response(stream_with_context(boards.stream_csv(found, language)), mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename=boards.csv_filename(found.today))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Language"] = language
    return response


# --- The implementation report --------------------------------------------------------------------------------
# A document for ministers (DESIGN.md: /reports/implementation.html|.pdf), printed from one template in HTML and PDF
# as the meetings' documents are, in English, Korean or both (?lang=), over ?from=&to= and the areas ?area=.

REPORT_TEMPLATE = "dashboard/implementation_report.html"


def _bad_input_as_json_for_programs(view):
    """A program (a Bearer token) is told what is wrong with its request as JSON, as the API tells it; a person
    gets the error page."""
    @wraps(view)
    def answer(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except JCMError as error:
            if "Authorization" not in request.headers:
                raise
            return jsonify(error.payload()), error.status
    return answer


def report_html(record: dict[str, Any], lang: str) -> str:
    frame = Frame(record, lang)
    meetings = {meeting["id"]: meeting for meeting in record["meetings"]}
    with force_locale(frame.html_lang):
        return render_template(REPORT_TEMPLATE, record=record, f=frame, meetings=meetings, charts=charts,
                               page_label=page_label(), render_markdown=render_markdown, created=None)


def _report() -> tuple[tuple, Edition, str]:
    """What names the report asked for (the reader, the period and areas, the day), the report they may read, and its
    language. The report is gathered once per version of the content for each reader (what they may read is theirs)
    and day."""
    user = reader()
    require(user, "agreement.view")
    filters, today = read_filters(request.args), date.today()
    asked = (user.id, filters, today)
    edition = made_once(("implementation report", *asked),
                        lambda: Edition(implementation_report(user, filters, today), None))
    return asked, edition, document_language()


@bp.get("/reports/implementation.html", endpoint="implementation_report_html")
@_bad_input_as_json_for_programs
def implementation_report_html():
    asked, edition, lang = _report()
    printed = made_once(("implementation.html", *asked, lang), lambda: report_html(edition.record, lang).encode())
    return document_response(printed, "text/html", lang)


@bp.get("/reports/implementation.pdf", endpoint="implementation_report_pdf")
@_bad_input_as_json_for_programs
def implementation_report_pdf():
    _asked, edition, lang = _report()
    record = edition.record
    period = record["period"]
    # The report's template is not among the documents' (whose files key every draft): its own digest keys it too.
    template = Path(current_app.root_path, current_app.template_folder or "templates", REPORT_TEMPLATE)
    settings = f"{DRAFT_SETTINGS} report {files_digest('jcm-implementation-report', [template])}"
    filename = f"implementation-report-{period['from']}-{period['to']}-{lang}.pdf"
    return draft_pdf(record, lambda: report_html(record, lang), lang, filename, settings=settings,
                     record_digest=edition.record_digest)

