"""The audit trail: every change recorded, every refusal and every sign-in too, and the log for administrators."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The log's page, its CSV and its API; the changes to accounts, the sign-ins and sign-outs, the failed sign-ins
    and the refusals, which reach the trail as signals (connecting the same receiver again changes nothing)."""
    from flask_login import user_logged_in, user_logged_out

    from jcm.accounts.services import account_changed, sign_in_failed
    from jcm.api import register_blueprints
    from jcm.audit import api, services, views
    from jcm.permissions import refused
    from jcm.web import unit_of_work_ended

    account_changed.connect(services.record_account_change)
    user_logged_in.connect(services.record_sign_in)
    user_logged_out.connect(services.record_sign_out)
    sign_in_failed.connect(services.note_failed_sign_in)
    refused.connect(services.note_refusal)
    unit_of_work_ended.connect(services.keep_after_the_request)
    app.register_blueprint(views.bp)
    register_blueprints(api.blueprints)
