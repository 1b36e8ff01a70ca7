"""Verification of agreed agendas and adopted minutes by anyone holding a copy: a page, the API and the CLI."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from jcm.api import register_blueprints
    from jcm.verification import views

    app.register_blueprint(views.bp)
    register_blueprints([views.api_bp])
    app.cli.add_command(views.verify_command)
