"""Notifications: each person told of the acts that concern them — in the app (a list, an unread count) and by
e-mail (in their language and time zone, at most a digest an hour, sent after the commit and retried) — with
their own choice of what reaches them by e-mail. It listens to every feature through the audit trail, so it
stands last."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The notices' listener, the list and settings pages, the unsubscribe link, `/api/v1/notifications`, and
    `jcm notify --flush`."""
    from jcm.api import register_blueprints
    from jcm.notifications import cli, views
    from jcm.notifications.api import blueprints
    from jcm.notifications.listen import listen

    listen()
    app.register_blueprint(views.bp)
    register_blueprints(blueprints)
    app.cli.add_command(cli.notify_command)
    views.register_template_globals(app)
