"""The minutes of a meeting: writing, review by both sides, adoption by both co-chairs, and corrections."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from jcm.api import register_blueprints
    from jcm.minutes import views
    from jcm.minutes.api import blueprints

    app.register_blueprint(views.bp)
    register_blueprints(blueprints)
