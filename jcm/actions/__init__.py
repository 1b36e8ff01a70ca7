"""Action items: the register, owners on both sides, updates, review at meetings, feeds, exports and reminders."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The action items' pages, feeds, API resources and `jcm remind`; and their part of every meeting's page."""
    from jcm.actions import cli, feeds, views
    from jcm.actions.api import blueprints
    from jcm.actions.cells import Cells
    from jcm.api import register_blueprints
    from jcm.meetings.views import add_page_part

    app.register_blueprint(feeds.bp)
    app.register_blueprint(views.bp)
    add_page_part(app, views.meeting_page_part)
    register_blueprints(blueprints)
    app.cli.add_command(cli.remind_command)
    app.jinja_env.globals["action_cells"] = Cells  # the cells of a list, for a template not given its own
