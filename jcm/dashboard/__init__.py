"""Progress across meetings: each focus area's history, the implementation dashboard (the MOU's areas × the
meetings), and the implementation report for ministers. It reads what the meetings, action items and minutes
record; it writes nothing of its own."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The focus-area pages, the dashboard (and `GET /api/v1/progress`) and the implementation report."""
    from jcm.api import register_blueprints
    from jcm.dashboard import views
    from jcm.dashboard.api import blueprints

    app.register_blueprint(views.bp)
    register_blueprints(blueprints)
