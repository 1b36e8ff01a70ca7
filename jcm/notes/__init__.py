"""Each side's own space: internal notes on meetings, agenda items, minutes sections and action items that only
the writer's side reads, and the briefing pack a side's delegation takes to a meeting. Nothing else in JCM reads
them: they are in no document, export, calendar, notification or e-mail, the search finds them for the writer's side
alone, and the audit trail shows their events to the writer's side's administrators only."""

from __future__ import annotations

from flask import Flask

from jcm.notes.searched import add_to_search

# Each side's search finds its own notes: a kind of record the search learns of before its API is described.
add_to_search()


def init_app(app: Flask) -> None:
    """The notes' pages and panels, `/api/v1/…/notes`, and the trail's privacy for their events."""
    from jcm.api import register_blueprints
    from jcm.audit.services import SIDE_OWN
    from jcm.meetings.views import add_page_part
    from jcm.notes import api, services, views

    app.register_blueprint(views.bp)
    register_blueprints(api.blueprints)
    add_page_part(app, views.meeting_page_part)
    SIDE_OWN.extend(prefix for prefix in services.AUDIT_PREFIXES if prefix not in SIDE_OWN)
    app.jinja_env.globals["side_note_panel"] = views.panel
