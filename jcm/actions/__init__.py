"""Action items: the register, owners on both sides, updates, review at meetings, feeds, exports and reminders."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from jcm.actions import cli, feeds, views
    from jcm.actions.api import blueprints
    from jcm.api import register_blueprints

    app.register_blueprint(feeds.bp)
    app.register_blueprint(views.bp)
    register_blueprints(blueprints)
    app.cli.add_command(cli.remind_command)
