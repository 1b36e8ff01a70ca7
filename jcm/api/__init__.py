"""The JSON API under /api/v1: Bearer tokens, JSON errors, an OpenAPI document generated from the code."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_smorest import Api

from jcm.api.schemas import ErrorSchema, FocusAreaNodeSchema
from jcm.errors import http_error_response, json_error
from jcm.extensions import csrf, db

API_PREFIX = "/api/v1"
# Paths anyone may call without a token: the API's description, and checking a digest.
PUBLIC_PREFIXES = (f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/verify/")


class JCMApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        # One error format everywhere: JSON under /api/, pages elsewhere.
        return http_error_response(error)


api = JCMApi()


def current_api_user():
    return g.api_user


def _authenticate():
    if not request.path.startswith(API_PREFIX + "/") or request.path.startswith(PUBLIC_PREFIXES):
        return None
    from jcm.accounts.services import user_for_token

    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        db.session.rollback()
        return json_error(401, "unauthorized",
                          _("A valid API token is required: send the header 'Authorization: Bearer <token>'."))
    if db.session.dirty:
        db.session.commit()  # the token's last use
    g.api_user = user
    return None


def init_api(app: Flask) -> None:
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "info": {"description": "The JCM API. Every request needs 'Authorization: Bearer <token>'; "
                                "create a token with `jcm tokens create --email E`."},
    })
    api.init_app(app)
    if "FocusAreaNode" not in api.spec.components.schemas:
        api.spec.components.schema("FocusAreaNode", schema=FocusAreaNodeSchema)
    from jcm.api import actions, meetings, minutes, views

    for blueprint in views.blueprints + meetings.blueprints + actions.blueprints + minutes.blueprints:
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
        csrf.exempt(blueprint)  # tokens, not cookies, authenticate here: nothing for a forged form to borrow
    app.before_request(_authenticate)
