"""The pages that look across meetings: what waits for each person, a focus area's history, the dashboard, the
implementation report."""

from __future__ import annotations

from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale
from flask_login import login_required

from jcm.actions.columns import REGISTER, columns_of
from jcm.actions.views import shown_items
from jcm.dashboard import charts, services
from jcm.dashboard.report import implementation_report, read_filters
from jcm.dashboard.waiting import waiting_for
from jcm.documents.frame import Frame, page_label
from jcm.documents.pdfs import files_digest
from jcm.documents.views import DRAFT_SETTINGS, document_language, document_response, draft_pdf
from jcm.errors import JCMError
from jcm.i18n import locale_code
from jcm.meetings.models import PROPOSAL_KIND_LABELS
from jcm.models import whole_number
from jcm.text import render_markdown
from jcm.web import actor, reader

bp = Blueprint("dashboard", __name__)


# --- what waits for me ------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
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


def _report() -> tuple[dict[str, Any], str]:
    user = reader()
    lang = document_language()
    return implementation_report(user, read_filters(request.args), date.today()), lang


@bp.get("/reports/implementation.html", endpoint="implementation_report_html")
@_bad_input_as_json_for_programs
def implementation_report_html():
    record, lang = _report()
    return document_response(report_html(record, lang), "text/html", lang)


@bp.get("/reports/implementation.pdf", endpoint="implementation_report_pdf")
@_bad_input_as_json_for_programs
def implementation_report_pdf():
    record, lang = _report()
    period = record["period"]
    # The report's template is not among the documents' (whose files key every draft): its own digest keys it too.
    template = Path(current_app.root_path, current_app.template_folder or "templates", REPORT_TEMPLATE)
    settings = f"{DRAFT_SETTINGS} report {files_digest('jcm-implementation-report', [template])}"
    filename = f"implementation-report-{period['from']}-{period['to']}-{lang}.pdf"
    return draft_pdf(record, lambda: report_html(record, lang), lang, filename, settings=settings)

