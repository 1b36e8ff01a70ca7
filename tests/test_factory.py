"""The application factory, its configuration layers, the instance folder and the databases."""

import os
import stat

import pytest
import sqlalchemy as sa

from jcm import create_app
from jcm.config import normalise_database_url
from jcm.extensions import db
from tests.conftest import postgres_server_url


def test_configuration_comes_from_defaults_then_instance_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text("PAGE_SIZE = 20\nLOGIN_FREE_FAILURES_PER_ACCOUNT = 3\n")
    monkeypatch.setenv("JCM_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("JCM_LOGIN_FREE_FAILURES_PER_ACCOUNT", "7")
    monkeypatch.delenv("JCM_DATABASE_URL", raising=False)
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["PASSWORD_MIN_LENGTH"] == 10  # default
    assert app.config["PAGE_SIZE"] == 20  # instance/config.py
    assert app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"] == 7  # JCM_* beats the instance file
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance}/jcm.sqlite3"


def test_the_secret_key_is_generated_once_and_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("JCM_SECRET_KEY", raising=False)
    monkeypatch.setenv("JCM_INSTANCE_PATH", str(tmp_path / "fresh"))
    first = create_app()
    key_file = tmp_path / "fresh" / "secret_key"
    assert len(first.config["SECRET_KEY"]) >= 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_a_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("JCM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("JCM_SECRET_KEY", "from-the-environment")
    assert create_app().config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("url", ["postgres://u@h/d", "postgresql://u@h/d", "postgresql+psycopg2://u@h/d"])
def test_postgresql_urls_are_served_by_psycopg_3(url):
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/d"


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    if postgres_server_url():
        pytest.skip("SQLite only")
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_the_database_under_test_is_the_one_asked_for(app):
    with app.app_context():
        expected = "postgresql" if postgres_server_url() else "sqlite"
        assert db.engine.dialect.name == expected


def test_pages_carry_security_headers_and_no_outside_assets(client, auth, committee):
    auth.login(committee.us_delegate)
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_static_assets_are_served_locally(client):
    response = client.get("/static/css/jcm.css")
    assert response.status_code == 200 and b"font-family" in response.data
    response.close()


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_a_hangul_font_is_installed_and_found():
    from jcm.fonts import hangul_font_report, hangul_fonts

    assert hangul_fonts(), "the set-up installs a Hangul font (fonts-nanum)"
    found, message = hangul_font_report()
    assert found and message.startswith("Hangul font:")


def test_jcm_init_says_which_hangul_font_it_found(app, runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Hangul font:" in result.output


def test_a_race_for_a_unique_value_is_a_clear_409_and_a_busy_database_a_503(app, client, api, committee):
    import sqlite3

    from sqlalchemy.exc import IntegrityError, OperationalError

    @app.get("/_race")
    def race():
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    @app.get("/api/v1/_busy")
    def busy():
        raise OperationalError("UPDATE ...", {}, sqlite3.OperationalError("database is locked"))

    page = client.get("/_race")
    assert page.status_code == 409 and "saved at the same moment" in page.get_data(as_text=True)
    busy_answer = api.get("/api/v1/_busy", committee.us_admin)
    assert busy_answer.status_code == 503 and busy_answer.get_json()["error"]["code"] == "busy"
