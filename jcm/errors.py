"""Typed errors raised by services, mapped to HTTP once: a message page for people, JSON for the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException


class JCMError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, current: Any = None,
                 fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.current = current  # for a conflict: the record as it stands now
        self.fields = fields  # several fields at fault: {name: [what is wrong with it]}, in the body ("json")

    def payload(self) -> dict:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        if self.current is not None:
            error["current"] = self.current
        if self.fields:
            error["fields"] = {"json": self.fields}
        return {"error": error}


class PermissionDenied(JCMError):
    status = 403
    code = "forbidden"


class NotFound(JCMError):
    status = 404
    code = "not_found"


class Conflict(JCMError):
    status = 409
    code = "conflict"


class Invalid(JCMError):
    status = 422
    code = "invalid"


class TooManyAttempts(JCMError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after  # seconds, sent as Retry-After


def asks_for_json() -> bool:
    """A page's script asking for JSON (jcm.js saves in place): Accept prefers application/json, or the request says
    it comes from a script (X-Requested-With). A browser's navigation and a plain form post ask for HTML."""
    if request.headers.get("X-Requested-With"):
        return True
    accept = request.accept_mimetypes
    return bool(accept) and accept.best_match(["text/html", "application/json"]) == "application/json" \
        and accept["application/json"] > accept["text/html"]


def wants_json() -> bool:
    return request.path.startswith("/api/") or asks_for_json()


def json_error(status: int, code: str, message: str, **extra: Any):
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def http_error_response(error: HTTPException):
    """Every HTTP error, as JSON under /api/ and as a page elsewhere, with the headers it carries (a 405's
    `Allow`)."""
    status = error.code or 500
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        extra = {}
        messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
        if messages:
            extra["fields"] = messages
            message = _("The request has invalid fields: %(fields)s.", fields=", ".join(_field_names(messages)))
        elif status == 413:  # as the pages say it
            message = _("The file or form is larger than JCM accepts.")
        else:
            message = error.description or error.name
        return (*json_error(status, code, message, **extra), headers)
    return render_template("errors/error.html", status=status, title=None, message=None), status, headers


def _field_names(messages: dict) -> list[str]:
    names: list[str] = []
    for location in messages.values():
        if isinstance(location, dict):
            names.extend(str(name) for name in location)
    return names or ["body"]


def raced_response():
    """Two requests raced for the same unique thing: the loser is told, nothing half-done is kept."""
    message = _("This conflicts with a change saved at the same moment. Reload and try again.")
    if wants_json():
        return json_error(409, "conflict", message)
    return render_template("errors/error.html", status=409, title=None, message=message), 409


# A change that waited the whole busy timeout for other writers (SQLite) is refused; it may be sent again after this.
BUSY_RETRY_AFTER_SECONDS = 5


def busy_response():
    """The embedded database stayed busy with other writers for the whole busy timeout: the request was rolled back
    whole, and is answered 503 with Retry-After, as a page or as JSON (code "busy")."""
    message = _("JCM is busy saving other changes, and nothing of yours was saved. Please send it again in "
                "%(seconds)d seconds.", seconds=BUSY_RETRY_AFTER_SECONDS)
    headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)}
    if wants_json():
        body, status = json_error(503, "busy", message)
        return body, status, headers
    return render_template("errors/error.html", status=503, title=_("Not saved: JCM is busy"),
                           message=message), 503, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(JCMError)
    def handle_jcm_error(error: JCMError):
        g.answered_error = error  # the audit trail keeps a refusal the rules did not name (a stale version, a state)
        headers = {"Retry-After": str(error.retry_after)} if getattr(error, "retry_after", None) else {}
        if wants_json():
            return jsonify(error.payload()), error.status, headers
        return render_template("errors/error.html", status=error.status, title=None,
                               message=error.message), error.status, headers

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        if wants_json():
            return json_error(400, "csrf", error.description)
        # A page's form: what it held is kept and the user led back to it (jcm.accounts.kept) ...
        keep = app.extensions.get("jcm_expired_form")
        response = keep(error) if keep is not None else None
        if response is not None:
            return response
        # ... unless it cannot be shown to come from JCM's own page: then it is only refused.
        flash(_("Your form could not be sent because its security token was missing or expired. "
                "Please check your entries and send it again."), "error")
        return render_template("errors/error.html", status=400, title=_("Form expired"),
                               message=_("The form's security token was missing or invalid.")), 400

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        return http_error_response(error)

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error: IntegrityError):
        """Two requests raced for the same unique thing: the loser is told, nothing half-done is kept."""
        from jcm.extensions import db

        db.session.rollback()
        return raced_response()

    @app.errorhandler(OperationalError)
    def handle_database_busy(error: OperationalError):
        from jcm.extensions import db

        db.session.rollback()
        if "locked" not in str(error.orig).lower():
            raise error
        return busy_response()

    @app.errorhandler(500)
    def handle_server_error(error):
        if wants_json():
            return json_error(500, "server_error", "An unexpected error occurred.")
        return render_template("errors/error.html", status=500, title=None,
                               message=_("An unexpected error occurred. It has been logged.")), 500
