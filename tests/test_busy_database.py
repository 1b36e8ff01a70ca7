"""Stories of the embedded database busy with another writer: a change waits for it up to the busy timeout
(JCM_SQLITE_BUSY_TIMEOUT_SECONDS, short here), and is saved once the other writer is done; if it stays busy longer,
the page or the program is told clearly, with a 503 and Retry-After, and nothing of the change is stored.

These stories are SQLite's: they run on an SQLite file of their own even when the suite runs on PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from jcm import create_app
from jcm.extensions import db
from tests.conftest import _clear, app_config, csrf_token

BUSY_TIMEOUT = 1.0  # seconds: the test's, so that waiting it out takes a moment


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('busy') / 'jcm.sqlite3'}"
    app = create_app(app_config(url, tmp_path_factory.mktemp("instance-migrate")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(app_config(database_url, tmp_path / "instance", SQLITE_BUSY_TIMEOUT_SECONDS=BUSY_TIMEOUT))
    yield app
    _clear(app)


class OtherWriter:
    """Another program writing to the same database file: it takes the write lock and holds it until released."""

    def __init__(self, app):
        self.path = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
        self.connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.released_at: float | None = None

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def release_after(self, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, self.release)
        timer.start()
        return timer

    def release(self) -> None:
        if self.released_at is None:
            self.connection.execute("COMMIT")
            self.released_at = time.monotonic()

    def __exit__(self, *exc):
        self.release()
        self.connection.close()


def everything(app) -> dict[str, list[tuple]]:
    """Every row of every table."""
    with app.app_context():
        rows = {table.name: sorted(map(repr, db.session.execute(table.select()).all()))
                for table in db.metadata.sorted_tables}
        db.session.rollback()
    return rows


def test_the_busy_timeout_is_the_configured_one(app):
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT * 1000
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            connection.close()


def test_a_page_write_on_a_database_busy_too_long_is_a_clear_503_and_nothing_is_stored(
        app, client, auth, committee, make_action_item):
    item = make_action_item()
    auth.login(committee.us_secretariat)
    token = csrf_token(client, f"/action-items/{item}")
    before = everything(app)

    with OtherWriter(app):
        started = time.monotonic()
        answer = client.post(f"/action-items/{item}/updates",
                             data={"csrf_token": token, "text": "Inventories exchanged.", "status": "in_progress"})
        waited = time.monotonic() - started

    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    page = answer.get_data(as_text=True)
    assert "Not saved: JCM is busy" in page
    assert "nothing of yours was saved. Please send it again in 5 seconds." in page
    assert waited >= BUSY_TIMEOUT * 0.9  # it waited for the other writer before giving up
    assert everything(app) == before  # no update, no status change, no audit record

    # Sent again once the other writer is done, it is saved.
    again = client.post(f"/action-items/{item}/updates",
                        data={"csrf_token": token, "text": "Inventories exchanged.", "status": "in_progress"})
    assert again.status_code == 302
    page = client.get(f"/action-items/{item}").get_data(as_text=True)
    assert "Inventories exchanged." in page


def test_an_api_write_on_a_database_busy_too_long_is_a_clear_503_and_nothing_is_stored(
        app, api, committee, make_meeting):
    meeting = make_meeting()
    item = api.get(f"/api/v1/meetings/{meeting}/agenda-items", committee.us_secretariat).get_json()[0]
    before = everything(app)

    with OtherWriter(app):
        answer = api.client.patch(f"/api/v1/agenda-items/{item['id']}", headers=api.headers(committee.us_secretariat),
                                  json={"description": "Joint testbeds: the plan for 2027.", "version": item["version"]})

    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    error = answer.get_json()["error"]
    assert error["code"] == "busy"
    assert error["message"] == ("JCM is busy saving other changes, and nothing of yours was saved. "
                                "Please send it again in 5 seconds.")
    assert everything(app) == before

    stored = api.get(f"/api/v1/agenda-items/{item['id']}", committee.us_secretariat).get_json()
    assert stored["version"] == item["version"] and stored["description"] == item["description"]


def test_the_busy_message_is_in_the_readers_language(app, api, committee, make_meeting):
    meeting = make_meeting()
    item = api.get(f"/api/v1/meetings/{meeting}/agenda-items", committee.kr_secretariat).get_json()[0]
    with OtherWriter(app):
        answer = api.client.patch(f"/api/v1/agenda-items/{item['id']}",
                                  headers={**api.headers(committee.kr_secretariat), "Accept-Language": "ko"},
                                  json={"description": "공동 테스트베드 계획", "version": item["version"]})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.get_json()["error"]["message"] == ("JCM이 다른 변경 사항을 저장하는 중이어서 보내신 내용은 저장되지 "
                                                     "않았습니다. 5초 후에 다시 보내 주십시오.")


def test_a_write_waits_for_a_short_busy_spell_and_is_saved(app, client, auth, api, committee, make_action_item,
                                                            make_meeting):
    item = make_action_item()
    auth.login(committee.us_secretariat)
    token = csrf_token(client, f"/action-items/{item}")

    with OtherWriter(app) as other:
        other.release_after(BUSY_TIMEOUT / 3)
        answer = client.post(f"/action-items/{item}/updates", data={"csrf_token": token,
                                                                    "text": "Inventories exchanged."})
        answered_at = time.monotonic()
    assert answer.status_code == 302
    assert other.released_at is not None and answered_at > other.released_at  # it was saved after the wait
    assert "Inventories exchanged." in client.get(f"/action-items/{item}").get_data(as_text=True)

    meeting = make_meeting()
    agenda_item = api.get(f"/api/v1/meetings/{meeting}/agenda-items", committee.us_secretariat).get_json()[0]
    with OtherWriter(app) as other:
        other.release_after(BUSY_TIMEOUT / 3)
        answer = api.client.patch(f"/api/v1/agenda-items/{agenda_item['id']}",
                                  headers=api.headers(committee.us_secretariat),
                                  json={"description": "Joint testbeds: the plan for 2027.",
                                        "version": agenda_item["version"]})
        answered_at = time.monotonic()
    assert answer.status_code == 200, answer.get_json()
    assert answered_at > other.released_at
    assert answer.get_json()["description"] == "Joint testbeds: the plan for 2027."
    assert answer.get_json()["version"] == agenda_item["version"] + 1
