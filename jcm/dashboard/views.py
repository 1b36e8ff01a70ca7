"""The pages that look across meetings: a focus area's history, the dashboard, the implementation report."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import login_required

from jcm.actions.columns import REGISTER, columns_of
from jcm.actions.views import shown_items
from jcm.dashboard import services
from jcm.i18n import locale_code
from jcm.web import actor

bp = Blueprint("dashboard", __name__)


# --- A focus area's history ------------------------------------------------------------------------------------

@bp.get("/focus-areas/<int:focus_area_id>")
@login_required
def focus_area(focus_area_id: int):
    today = date.today()
    history = services.area_history(actor(), focus_area_id, today)
    open_items, closed_items = [], []
    if history.actions is not None:
        rows = [*history.actions.open_rows, *history.actions.closed_rows]
        items = shown_items(rows, with_owners=True)  # the owners of both lists read at once
        open_items, closed_items = items[:len(history.actions.open_rows)], items[len(history.actions.open_rows):]
    # Both authentic texts are shown, the reader's language first.
    languages = ("ko", "en") if locale_code() == "ko" else ("en", "ko")
    return render_template("dashboard/focus_area.html", history=history, area=history.area, today=today,
                           languages=languages, open_items=open_items, closed_items=closed_items,
                           columns=columns_of(REGISTER))
