"""What looks across meetings, in the API: `GET /api/v1/progress`, the implementation dashboard."""

from __future__ import annotations

from datetime import date

from flask import jsonify, url_for
from flask_smorest import Blueprint
from marshmallow import RAISE

from jcm.api import current_api_user
from jcm.api.resources import refusals
from jcm.dashboard.board import BoardFilter, as_data, dashboard
from jcm.dashboard.schemas import ProgressArguments, DashboardSchema
from jcm.i18n import locale_code

progress_api = Blueprint("api_progress", __name__,
                         description="The implementation dashboard: the MOU's areas × the meetings")
blueprints = [progress_api]


def meeting_url(meeting_id: int) -> str:
    return url_for("meetings.show", meeting_id=meeting_id)


@progress_api.get("/progress")
@progress_api.arguments(ProgressArguments, location="query", unknown=RAISE)
@progress_api.response(200, DashboardSchema)
@refusals(progress_api, 422)
def progress(args):
    """The MOU's areas (rows) × the meetings of the period (columns): the progress status each meeting's minutes
    record of each area (a parent's the worst recorded beneath it), each area's open and overdue action items per
    side, and each side's balance over the period. Refused (422, naming the filter) for an unknown area, a date that
    is not one, or a period that ends before it starts."""
    board = dashboard(current_api_user(), BoardFilter(**args), date.today())
    return jsonify(as_data(board, meeting_url, locale_code()))
