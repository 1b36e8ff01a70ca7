"""The pages that look across meetings: what waits for each person, a focus area's history, the dashboard, the
implementation report."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template
from flask_login import login_required

from jcm.dashboard.waiting import waiting_for
from jcm.meetings.models import PROPOSAL_KIND_LABELS
from jcm.web import actor

bp = Blueprint("dashboard", __name__)


# --- what waits for me ------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def home():
    """Each person starts from what waits for them, by their role and side; the MOU's text has its own page."""
    today, days = date.today(), int(current_app.config["REMINDER_DAYS"])
    return render_template("dashboard/home.html", waiting=waiting_for(actor(), today, soon_days=days), today=today,
                           days=days, proposal_kinds=PROPOSAL_KIND_LABELS)
