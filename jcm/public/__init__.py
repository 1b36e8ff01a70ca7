"""The public summary: the joint press summary of a meeting whose minutes are adopted, drafted by both secretariats
in English and Korean and released by both co-chairs; released, it alone is public, on pages and an Atom feed that
need no account."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The summary's pages and API, its panel on every meeting's page, and the public pages and feed."""
    from jcm.api import register_blueprints
    from jcm.meetings.views import add_page_part
    from jcm.public import views
    from jcm.public.api import blueprints

    app.register_blueprint(views.bp)
    add_page_part(app, views.meeting_page_part)
    register_blueprints(blueprints)
