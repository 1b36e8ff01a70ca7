"""Meetings of the Joint Committee and their agendas: pages, attachments and API resources."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from jcm.api import register_blueprints
    from jcm.meetings import views
    from jcm.meetings.api import blueprints

    app.register_blueprint(views.bp)
    register_blueprints(blueprints)
