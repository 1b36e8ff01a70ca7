"""The JSON API under /api/v1: Bearer tokens, JSON errors, an OpenAPI document generated from the code.

Each feature keeps its own resources and adds them with `register_blueprints`; this package keeps only what they
share: the Api object, token authentication, the error shape and a few primitives (schemas.py, resources.py)."""

from __future__ import annotations

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Api

from jcm.api.schemas import PAGINATION_HEADER, ErrorSchema
from jcm.errors import http_error_response, json_error
from jcm.extensions import csrf, db
from jcm.web import actor

API_PREFIX = "/api/v1"
# Paths anyone may call without a token: the API's description, and checking a digest.
PUBLIC_PREFIXES = (f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/verify/",
                   f"{API_PREFIX}/public/")  # the released press summaries (jcm.public)


class JCMApi(Api):
    """The API, describing its resources when its document is first read rather than when an application is made:
    most applications made (a command, each test) never serve the document, and describing some hundred operations
    is most of the cost of making one."""

    ERROR_SCHEMA = ErrorSchema

    @property
    def spec(self):
        while self._undescribed:
            app, blueprint, name, parameters = self._undescribed.pop(0)
            blueprint.register_views_in_doc(self, app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blueprint.description})
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec, self._undescribed = value, []

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undescribed.append((self._app, blp, name, parameters))

    def handle_http_exception(self, error):
        # One error format everywhere: JSON under /api/, pages elsewhere.
        return http_error_response(error)


api = JCMApi()


def current_api_user():
    return g.api_user


def _authenticate():
    if not request.path.startswith(API_PREFIX + "/") or request.path.startswith(PUBLIC_PREFIXES):
        return None
    if not current_user.is_authenticated:  # signed in by the Bearer token's request loader, or not at all
        db.session.rollback()
        return json_error(401, "unauthorized",
                          _("A valid API token is required: send the header 'Authorization: Bearer <token>'."))
    g.api_user = actor()
    return None


class SessionsOutsideTheApi(SecureCookieSessionInterface):
    """The API is signed in to by tokens alone: a browser's session cookie means nothing there (so a forged
    cross-site request cannot borrow it), and the API sets no cookie."""

    def open_session(self, app, request):
        if request.path.startswith(API_PREFIX + "/"):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request.path.startswith(API_PREFIX + "/"):
            return None
        return super().save_session(app, session, response)


def init_api(app: Flask) -> None:
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "info": {"description": "The JCM API. Every request needs 'Authorization: Bearer <token>'; "
                                "create a token with `jcm tokens create --email E`."},
    })
    api.init_app(app)
    # The header of a list given a page at a time, described as it is sent: JSON (a schema alone would say
    # "key,value,…", the way OpenAPI writes an object into a header by default).
    if "Pagination" not in api.spec.components.headers:
        api.spec.components.header("Pagination", PAGINATION_HEADER)
    app.session_interface = SessionsOutsideTheApi()
    app.before_request(_authenticate)


def register_blueprints(blueprints) -> None:
    """A feature's API resources, under /api/v1 (after `init_api`)."""
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
        csrf.exempt(blueprint)  # tokens, not cookies, authenticate here: nothing for a forged form to borrow
