"""Printable documents of a meeting (agenda, later minutes): one template and one print stylesheet each,
shown as HTML and rendered to PDF."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The documents' pages, and their making as agendas are agreed and minutes and corrections adopted; the
    meeting's distribution marking on its page and in the API."""
    from jcm.api import register_blueprints
    from jcm.documents import api, views
    from jcm.meetings.views import add_page_part
    from jcm.meetings.services import agenda_agreed
    from jcm.minutes.services import correction_adopted, minutes_adopted

    agenda_agreed.connect(views._agenda_frozen)  # connecting the same receiver again changes nothing
    minutes_adopted.connect(views._minutes_frozen)
    correction_adopted.connect(views._correction_adopted)
    app.register_blueprint(views.bp)
    add_page_part(app, views.marking_page_part)
    register_blueprints(api.blueprints)
