"""JCM: the Joint Committee Meeting mechanism of a bilateral science and technology MOU."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from jcm import cli, content, i18n, zones
from jcm.api import init_api
from jcm.config import instance_path_from_env, load_config
from jcm.errors import register_error_handlers
from jcm.extensions import babel, csrf, db, login_manager, migrate
from jcm.guard import init_guard
from jcm.web import init_unit_of_work

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_folder(name: str) -> Path:
    """`templates` or `migrations`: inside the package when it is installed from a wheel (the build copies them
    there, see setup.py), at the top of the source tree otherwise (an editable install, a checkout)."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def import_models() -> None:
    """Import every model module, so the metadata (and so Alembic) sees every table."""
    for feature in ("accounts", "actions", "audit", "documents", "meetings", "minutes", "mou", "notes", "notifications",
                    "public", "search"):
        import_module(f"jcm.{feature}.models")


# The features, each adding its pages, API resources and commands with its init_app(app), in layers: each stands on
# those before it and imports none after it (tests/test_layers.py). Accounts come first, since every change names an
# account as its actor; the audit trail records changes; the MOU's agreement and focus areas frame the meetings;
# action items are raised and reviewed at meetings; minutes record a meeting and review its action items; the
# documents print agendas and minutes; verification checks the documents; the search finds the records of them all;
# the dashboard reads them across meetings; each side's own notes and briefing pack stand on all of those; the public
# summary is all of a meeting anyone may read. A feature lower down learns of what happens above it only through its
# own signals and registries (jcm.meetings.services.agenda_agreed, jcm.meetings.views.add_page_part). Their API
# resources appear in the OpenAPI document in this order.
FEATURES = ("jcm.accounts", "jcm.audit", "jcm.mou", "jcm.meetings", "jcm.actions", "jcm.minutes", "jcm.texts",
            "jcm.documents", "jcm.verification", "jcm.search", "jcm.dashboard", "jcm.notes", "jcm.public",
            "jcm.notifications")


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or instance_path_from_env()
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True,
                template_folder=str(bundled_folder("templates")))
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)
    if int(app.config.get("TRUSTED_PROXIES") or 0) > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address (for sign-in throttling, and kept with each sign-in) from the proxies' header.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["TRUSTED_PROXIES"]))

    import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(bundled_folder("migrations")), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=zones.reader_zone)
    i18n.init_app(app)  # the language switcher
    register_template_globals(app)
    register_error_handlers(app)
    init_api(app)  # before the features, which add their API resources to it

    for feature in FEATURES:
        import_module(feature).init_app(app)
    cli.init_app(app)  # the commands that span the features: init, demo
    content.init_app(app)  # the content's version, moved on after all the features write at a commit
    register_request_hooks(app)
    warn_without_hangul_font(app)
    return app


def register_template_globals(app: Flask) -> None:
    """What every template may use, in one place: the labels of the fixed values (and the sides in their usual
    order), the reader's language, the header's agreement title, `can`, the markdown filter, and where a record's
    two authentic texts stand (jcm.bilingual; jcm.texts adds `texts_of` for the forms that show them)."""
    from jcm import labels
    from jcm.actions.models import ACTION_STATUS_LABELS, REVIEW_OUTCOME_LABELS
    from jcm.bilingual import summary
    from jcm.i18n import fallback_note, locale_code, localized, localized_text, marked, script_words
    from jcm.meetings.models import AGENDA_ITEM_KIND_LABELS, MEETING_STATUS_LABELS, MODE_LABELS
    from jcm.minutes.models import MINUTES_STATUS_LABELS, PROGRESS_STATUS_LABELS
    from jcm.models import SIDES
    from jcm.mou.models import AGREEMENT_STATUS_LABELS
    from jcm.permissions import can
    from jcm.text import render_markdown
    from jcm.web import actor

    once = labels.ReadOnce
    app.jinja_env.globals.update(SIDES=SIDES, SIDE_LABELS=once(labels.SIDE_LABELS), ROLE_LABELS=once(labels.ROLE_LABELS),
                                 AGREEMENT_STATUS_LABELS=once(AGREEMENT_STATUS_LABELS),
                                 LOCALE_LABELS=labels.LOCALE_LABELS, DEPTH_LABELS=once(labels.DEPTH_LABELS),
                                 MEETING_STATUS_LABELS=once(MEETING_STATUS_LABELS), MODE_LABELS=once(MODE_LABELS),
                                 AGENDA_ITEM_KIND_LABELS=once(AGENDA_ITEM_KIND_LABELS),
                                 ACTION_STATUS_LABELS=once(ACTION_STATUS_LABELS),
                                 REVIEW_OUTCOME_LABELS=once(REVIEW_OUTCOME_LABELS),
                                 MINUTES_STATUS_LABELS=once(MINUTES_STATUS_LABELS),
                                 PROGRESS_STATUS_LABELS=once(PROGRESS_STATUS_LABELS),
                                 progress_labels=once(PROGRESS_STATUS_LABELS),
                                 TEXT_LANGUAGE_LABELS=once(labels.TEXT_LANGUAGE_LABELS),
                                 TEXT_STATUS_LABELS=once(labels.TEXT_STATUS_LABELS))
    app.jinja_env.globals.update(locale_code=locale_code, localized=localized, localized_text=localized_text,
                                 script_words=script_words, text_summary=summary)
    app.jinja_env.filters["markdown"] = render_markdown
    # A text localized() gave, with its language and a marker when it is the other language's: {{ t|marked }}.
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.filters["fallback_note"] = fallback_note
    # Every timestamp in the reader's zone, with the zone said; a meeting's times where the reader is, beside them.
    app.jinja_env.filters["datetimeformat"] = zones.datetime_in_zone
    app.jinja_env.filters["timestamp"] = zones.timestamp
    app.jinja_env.globals.update(elsewhere=zones.elsewhere, zone_city=zones.city)

    @app.context_processor
    def header_globals():
        def agreement_title() -> str:
            """The MOU's short title in the header of every page: read once per version of the content."""
            from jcm.mou.services import first_agreement

            def read() -> str:
                agreement = first_agreement()
                return localized(agreement, "short_title") if agreement else ""

            if "agreement_title" not in g:
                g.agreement_title = content.once_per_version(("agreement title", i18n.locale_code()), read)
            return g.agreement_title

        return {"agreement_title": agreement_title, "can": can, "actor": actor}


def register_request_hooks(app: Flask) -> None:
    """What every request passes through: the input's guard (jcm.guard), the first run's set-up, security headers;
    and /healthz."""

    @app.before_request
    def first_run_setup():
        """While no account exists, every page leads to the set-up of the first administrator."""
        if request.endpoint in (None, "static", "healthz", "accounts.setup", "i18n.set_locale",
                                "verification.verify") or request.path.startswith("/api/"):
            return None
        if not current_user.is_authenticated and app.extensions.get("jcm_setup_needed", True):
            from jcm.accounts.services import account_count

            if account_count() == 0:
                return redirect(url_for("accounts.setup"))
            app.extensions["jcm_setup_needed"] = False
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'")
        return response

    init_unit_of_work(app)  # after the headers' hook, so it runs first and a 409 it makes gets the headers too
    init_guard(app)  # first of all before a request, and after it before the unit of work decides to commit

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}


def warn_without_hangul_font(app: Flask) -> None:
    if not app.testing and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        from jcm.fonts import hangul_font_report

        found, message = hangul_font_report()
        if not found:
            app.logger.warning(message)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: foreign keys enforced, WAL so readers and a writer do not block each other, and the folds by which
    texts in both scripts are found and sorted as PostgreSQL finds and sorts them (jcm.collation). A change waits
    for another writer up to the busy timeout (the driver's `timeout`, JCM_SQLITE_BUSY_TIMEOUT_SECONDS, set before
    these pragmas run), then the request is answered 503 with Retry-After (jcm.errors.busy_response).

    Transactions are left as the driver makes them, on purpose: it sends BEGIN just before the first statement that
    changes something, so the write lock is taken by that statement, waiting out the busy timeout, on the database
    as it stands then. A transaction begun at the first read (SQLAlchemy's recipe of an explicit BEGIN) would have
    to upgrade that read to a write, which SQLite refuses at once ("database is locked", no waiting) when another
    writer committed in between; BEGIN IMMEDIATE at the start of every writing request would hold the lock through
    all its reads and block the bookkeeping that writes on a connection of its own (a sign-in's or token's last
    use). Reads before the first change see each committed state, as PostgreSQL's READ COMMITTED does, and lose
    nothing: a version is compared and moved on in the database itself (jcm.versions.next_version)."""
    import sqlite3

    from jcm.collation import register_sqlite_functions

    if isinstance(dbapi_connection, sqlite3.Connection):
        register_sqlite_functions(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
