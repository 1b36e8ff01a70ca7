"""The audit trail: every change recorded, and the log for administrators."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The log's page; and the changes to accounts, which reach the trail as signals."""
    from jcm.accounts.services import account_changed
    from jcm.audit import views
    from jcm.audit.services import record_account_change

    account_changed.connect(record_account_change)  # connecting the same receiver again changes nothing
    app.register_blueprint(views.bp)
