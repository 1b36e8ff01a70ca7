"""The pages that look across meetings: a focus area's history, the dashboard, the implementation report."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required

from jcm.actions.columns import REGISTER, columns_of
from jcm.actions.views import shown_items
from jcm.dashboard import services
from jcm.i18n import locale_code
from jcm.models import whole_number
from jcm.web import actor

bp = Blueprint("dashboard", __name__)


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
