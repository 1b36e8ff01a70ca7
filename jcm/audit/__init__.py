"""The audit trail: every change recorded, and the log for administrators."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from jcm.audit import views

    app.register_blueprint(views.bp)
