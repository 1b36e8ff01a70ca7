"""Configuration: defaults here, then instance/config.py, then JCM_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


class Defaults:
    # The database defaults to an SQLite file in the instance folder (set in load_config).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # SQLite: how long a change waits for another writer to finish before the request is answered 503 with
    # Retry-After (the database's own retry: SQLite tries again and again meanwhile). PostgreSQL does not need it.
    SQLITE_BUSY_TIMEOUT_SECONDS = 5.0
    # The session and "keep me signed in" cookies: never read by scripts, not sent by other sites' forms, and
    # Secure when JCM_BASE_URL is https (load_config). Each names a sign-in kept on the server (SignInSession).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A sign-in ends after this long without a request, and this long after it began, whatever happens.
    SESSION_IDLE_MINUTES = 30
    SESSION_LIFETIME_HOURS = 12
    WTF_CSRF_TIME_LIMIT = None  # a form open all afternoon during a meeting must still submit
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "ko")
    # werkzeug's scrypt: a slow, memory-hard KDF.
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10
    # Failed sign-ins slow down whoever makes them, never lock an account: past the free failures counted per
    # client address (any account) and per account (from clients its owner has not signed in from), the next
    # attempt waits 2, 4, 8 ... seconds, at most LOGIN_MAX_DELAY_SECONDS. A count is forgotten after
    # LOGIN_FORGET_FAILURES_MINUTES without a failure. A browser its owner signed in from before (a "known device"
    # cookie, kept LOGIN_KNOWN_DEVICE_DAYS) is slowed only by its own failures.
    LOGIN_FREE_FAILURES_PER_ADDRESS = 10
    LOGIN_FREE_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_DELAY_SECONDS = 900
    LOGIN_FORGET_FAILURES_MINUTES = 60
    LOGIN_KNOWN_DEVICE_DAYS = 365
    # Behind reverse proxies, how many of them set X-Forwarded-For: the client's address is read from there.
    TRUSTED_PROXIES = 0
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    BUNDLED_MOU = "us-rok-st-mou.yaml"
    PAGE_SIZE = 50
    # flask-smorest: the OpenAPI document is generated from the API code.
    API_TITLE = "JCM API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # Links in e-mails are absolute: set JCM_BASE_URL to the address people open JCM at.
    BASE_URL = "http://127.0.0.1:5000"
    # Render the PDFs of adopted minutes in the background as soon as both co-chairs have adopted them.
    PREPARE_DOCUMENTS = True
    # PDFs are rendered by a pool of this many threads per process, never by the request: a request for a PDF not yet
    # rendered waits for it at most PDF_WAIT_SECONDS, then answers "Preparing the PDF…" (202) and asks again.
    PDF_RENDER_THREADS = 2
    PDF_WAIT_SECONDS = 1.0
    # The pages each process keeps for the readers who open them again while nothing changed (jcm.content.kept_page):
    # at most this many MiB of HTML, the least recently read let go first.
    KEPT_PAGES_MIB = 64
    # Draft PDFs, kept by their content in instance/draft-pdfs/: the most recently served, within both bounds.
    DRAFT_PDF_CACHE_FILES = 200
    DRAFT_PDF_CACHE_MB = 256
    # `jcm remind`: what falls due within this many days is reminded of (besides what is overdue).
    REMINDER_DAYS = 14
    # Notifications are e-mailed after the commit by a thread of each process (false: only by `jcm notify --flush`,
    # from cron, say); each person gets at most one e-mail an hour either way.
    NOTIFY_IN_BACKGROUND = True
    # SMTP for `jcm remind` and notifications (JCM_MAIL_*). MAIL_USE_TLS is STARTTLS; MAIL_USE_SSL is SMTP over TLS (port 465).
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_DEFAULT_SENDER = "jcm@localhost"
    MAIL_TIMEOUT = 10


def instance_path_from_env() -> str:
    return os.path.abspath(os.environ.get("JCM_INSTANCE_PATH", "instance"))


def load_config(app: Flask, test_config: dict | None = None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("JCM")
    if test_config:
        app.config.update(test_config)

    url = app.config.get("DATABASE_URL") or "sqlite:///" + os.path.join(app.instance_path, "jcm.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"timeout": float(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]),
                                   **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    secure = str(app.config.get("BASE_URL", "")).lower().startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = secure or bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.config["REMEMBER_COOKIE_SECURE"] = secure or bool(app.config.get("REMEMBER_COOKIE_SECURE"))
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(hours=int(app.config["SESSION_LIFETIME_HOURS"])))


def normalise_database_url(url: str) -> str:
    """PostgreSQL URLs are served by psycopg 3, whatever driver the URL names."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance: Path) -> str:
    """Generated once and kept in the instance folder, readable by its owner only."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
