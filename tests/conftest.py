"""Fixtures: a JCM app on a clean database (SQLite, or PostgreSQL when JCM_DATABASE_URL names one),
and a realistic committee — both sides, every role, the real bundled MOU."""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from jcm import create_app
from jcm.config import normalise_database_url
from jcm.extensions import db

PASSWORD = "correct horse battery"
FAST_HASH = "pbkdf2:sha256:1000"  # the production KDF is slow on purpose; tests make many accounts


class _Rule(Rule):
    """Werkzeug compiles a Python function to build each URL rule's addresses, the same function for the same rule
    each time; a test makes an application, and so compiles every rule again — most of the cost of making one. The
    stories make them once a process: a rule's builder depends only on the rule, its defaults and whether unknown
    values are appended."""

    _builders: dict = {}

    def _compile_builder(self, append_unknown: bool = True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in self._builders:
            self._builders[key] = super()._compile_builder(append_unknown)
        return self._builders[key]


Flask.url_rule_class = _Rule


# --- translations --------------------------------------------------------------------------------------

def pytest_configure(config):
    """Compile a catalog whose .mo is missing or older than its .po, so a plain `pip install -e '.[test]'`
    followed by `pytest` tests the translations as they are written (make does the same)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "jcm" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


# --- databases -----------------------------------------------------------------------------------------

def postgres_server_url() -> str | None:
    url = os.environ.get("JCM_DATABASE_URL", "")
    return normalise_database_url(url) if url.startswith("postgres") else None


def create_empty_database(tmp_dir: Path) -> str:
    """A new, empty database on the server under test: a PostgreSQL database or an SQLite file."""
    server = postgres_server_url()
    if server is None:
        return f"sqlite:///{tmp_dir / ('jcm-' + secrets.token_hex(4) + '.sqlite3')}"
    name = f"jcm_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    server = postgres_server_url()
    if server is None:
        return
    name = make_url(url).database
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory) -> Iterator[Callable[[], str]]:
    """A factory of new empty databases, dropped at the end of the session."""
    made: list[str] = []
    directory = tmp_path_factory.mktemp("databases")

    def make() -> str:
        url = create_empty_database(directory)
        made.append(url)
        return url

    yield make
    for url in made:
        drop_database(url)


def app_config(database_url: str, instance: Path, **extra) -> dict:
    return {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret", "PASSWORD_HASH_METHOD": FAST_HASH, "SERVER_NAME": None,
            "PREPARE_DOCUMENTS": False, "PDF_WAIT_SECONDS": 600,
            "NOTIFY_IN_BACKGROUND": False, **extra}  # the stories of notifications start the sender themselves


@pytest.fixture(scope="session")
def database_url(empty_database, tmp_path_factory) -> str:
    """The session's database, brought to the newest schema by the migrations themselves."""
    url = empty_database()
    app = create_app(app_config(url, tmp_path_factory.mktemp("instance-migrate")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def close_database(app) -> None:
    """Give back every connection: the session's, then the pool's."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _clear(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # its trigger refuses to delete an audit row; not to empty
                connection.execute(sa.text("TRUNCATE audit_event"))
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "content_version":  # its one row, which the migration made, stays
                    connection.execute(table.delete())
    close_database(app)


def _without_waiting_for_the_disk(dbapi_connection, connection_record):
    """The stories' databases are thrown away: SQLite need not wait for each commit to reach the disk (the
    PostgreSQL server of the CI runs with fsync=off for the same reason). What a transaction sees and when a writer
    waits for another is the same. The benchmarks' databases keep the settings JCM runs with."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


_ENGINES: dict[str, sa.engine.Engine] = {}


def share_engine(app: Flask, url: str) -> None:
    """Every story's app on the session's database uses one engine: SQLAlchemy keeps the statements it has compiled
    with the engine, and compiling them all again for each story's new app was a third of the suite's time. The
    apps are made with the same settings, so their engines would be alike."""
    with app.app_context():
        own = db.engine
    shared = _ENGINES.setdefault(url, own)
    if shared is own:
        sa.event.listen(own, "connect", _without_waiting_for_the_disk)
        own.dispose()  # a connection opened before would wait
    else:
        own.dispose()
        db._app_engines[app][None] = shared


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(app_config(database_url, tmp_path / "instance"))
    share_engine(app, database_url)
    yield app
    _clear(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- forms ---------------------------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, page: str) -> str:
    response = client.get(page)
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page} ({response.status_code})"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """Submit a form the way a browser does: with the CSRF token of the page that shows it."""
    token = csrf_token(client, page or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


# --- the committee -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    id: int
    email: str
    name: str
    side: str
    role: str
    organization: str | None


PEOPLE = [
    # side, role, name, e-mail, agency
    ("US", "admin", "Alice Admin", "alice.admin@state.example.gov", None),
    ("US", "secretariat", "Samuel Reyes", "s.reyes@state.example.gov", None),
    ("US", "co_chair", "Margaret Chen", "m.chen@ostp.example.gov", None),
    ("US", "delegate", "David Okafor", "dokafor@nsf.example.gov", "NSF"),
    ("US", "observer", "Olivia Park", "opark@nasa.example.gov", "NASA"),
    ("KR", "admin", "정민수", "ms.jung@msit.example.go.kr", None),
    ("KR", "secretariat", "김서연", "sy.kim@msit.example.go.kr", None),
    ("KR", "co_chair", "이준호", "jh.lee@msit.example.go.kr", None),
    ("KR", "delegate", "박지훈", "jh.park@nrf.example.re.kr", "NRF"),
    ("KR", "observer", "최유나", "yn.choi@iitp.example.kr", "IITP"),
]


class Committee:
    def __init__(self, people: list[Person], agreement_id: int):
        self.people = people
        self.agreement_id = agreement_id

    def get(self, side: str, role: str) -> Person:
        return next(p for p in self.people if p.side == side and p.role == role)

    def __getattr__(self, name: str) -> Person:
        side, _sep, role = name.partition("_")
        if side in ("us", "kr") and role:
            return self.get(side.upper(), role)
        raise AttributeError(name)


_SPEC_CACHE: dict = {}


def load_bundled_mou():
    from jcm.mou.loader import bundled_mou_path, parse_mou_file
    from jcm.mou.services import load_mou

    if "spec" not in _SPEC_CACHE:
        _SPEC_CACHE["spec"] = parse_mou_file(bundled_mou_path("us-rok-st-mou.yaml"))
    return load_mou("test setup", _SPEC_CACHE["spec"])


_MOU_ROWS: dict = {}


@pytest.fixture
def mou(app):
    """The real U.S.–ROK MOU, loaded as `jcm init` loads it — once a session; each later test gets the rows that load
    wrote, copied into its database as they were (ids included), which is the same MOU at a fraction of the cost."""
    with app.app_context():
        if not _MOU_ROWS:
            report = load_bundled_mou()
            db.session.commit()
            _MOU_ROWS["agreement_id"] = report.agreement.id
            _MOU_ROWS["tables"] = [
                (table, [dict(row) for row in db.session.execute(
                    sa.select(table).order_by(*table.primary_key.columns)).mappings()])
                for table in db.metadata.sorted_tables if table.name != "content_version"]
        else:
            with db.engine.begin() as connection:
                for table, rows in _MOU_ROWS["tables"]:
                    if rows:
                        connection.execute(table.insert(), rows)
        return _MOU_ROWS["agreement_id"]


@pytest.fixture
def committee(app, mou) -> Committee:
    from sqlalchemy import select

    from jcm.accounts.models import Organization
    from jcm.accounts.services import create_user

    people = []
    with app.app_context():
        organizations = {o.acronym: o.id for o in db.session.scalars(select(Organization))}
        for side, role, name, email, agency in PEOPLE:
            user = create_user(None, {"email": email, "name": name, "side": side, "role": role,
                                      "organization_id": organizations.get(agency)}, PASSWORD)
            people.append(Person(user.id, user.email, name, side, role, agency))
        db.session.commit()
    return Committee(people, mou)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, who: Person | str, password: str = PASSWORD):
        email = who if isinstance(who, str) else who.email
        return post_form(self.client, "/login", {"email": email, "password": password})

    def logout(self):
        return post_form(self.client, "/logout", {}, page="/account")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


class Api:
    """Calls the JSON API as a given person, with a real token."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        self.tokens: dict[int, str] = {}

    def token(self, person: Person) -> str:
        if person.id not in self.tokens:
            from jcm.accounts.services import create_token, get_user

            with self.app.app_context():
                _token, plain = create_token(None, get_user(person.id), "tests")
                db.session.commit()
            self.tokens[person.id] = plain
        return self.tokens[person.id]

    def headers(self, person: Person | None) -> dict:
        return {"Authorization": f"Bearer {self.token(person)}"} if person else {}

    def get(self, path: str, person: Person | None = None, **kwargs):
        return self.client.get(path, headers=self.headers(person), **kwargs)

    def post(self, path: str, person: Person | None = None, **kwargs):
        return self.client.post(path, headers=self.headers(person), **kwargs)


@pytest.fixture
def api(app, client) -> Api:
    return Api(app, client)


# --- meetings ------------------------------------------------------------------------------------------

@pytest.fixture
def make_meeting(app, committee):
    """Creates a meeting as the U.S. secretariat would, with its first draft agenda and the U.S. co-chair, and the
    Korean co-chair as the Korean secretariat names them (each side names its own); returns its id."""

    def make(ordinal: int = 12, start_date: str = "2027-03-10", end_date: str | None = None,
             focus_areas: tuple[str, ...] = ("A.1", "B.4"), status: str | None = None, **fields) -> int:
        from sqlalchemy import select

        from jcm.accounts.services import get_user
        from jcm.meetings.services import create_meeting, present_co_chair
        from jcm.mou.models import Agreement, FocusArea

        with app.app_context():
            agreement = db.session.get(Agreement, committee.agreement_id)
            area_ids = [db.session.scalar(select(FocusArea.id).where(FocusArea.code == code)) for code in focus_areas]
            data = {"ordinal": ordinal, "start_date": start_date, "end_date": end_date or start_date,
                    "venue": "Ministry of Science and ICT, Government Complex Sejong", "city": "Sejong",
                    "venue_ko": "과학기술정보통신부 정부세종청사", "city_ko": "세종", "host_side": "KR", "mode": "hybrid",
                    "co_chair_us_id": committee.us_co_chair.id, "co_chair_kr_id": committee.kr_co_chair.id, **fields}
            korean_co_chair = data.pop("co_chair_kr_id", None)
            meeting = create_meeting(get_user(committee.us_secretariat.id), agreement, data, area_ids)
            if korean_co_chair is not None:  # a shortcut for the Korean secretariat naming theirs, as it presents
                meeting.co_chair_kr_id = korean_co_chair  # the opening and closing (test_two_sided_facts names one)
                present_co_chair(meeting, "KR")
            if status is not None:  # a shortcut for a story that starts later in the meeting's life
                meeting.status = status
            db.session.commit()
            return meeting.id

    return make


@pytest.fixture
def held_meeting(make_meeting) -> int:
    """The 12th meeting, held in Sejong on 10 March 2026, with A.1 and B.4 on its agenda: ready for minutes."""
    return make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "B.4"), status="held")


@pytest.fixture
def agreed_meeting(app, api, committee, make_meeting) -> int:
    """The 22nd meeting, hosted by Korea in Sejong on 1–2 November 2027, its agenda (with an item on the second day)
    agreed by both sides."""
    from jcm.meetings.services import get_meeting

    meeting_id = make_meeting(ordinal=22, start_date="2027-11-01", end_date="2027-11-02")
    assert api.post(f"/api/v1/meetings/{meeting_id}/agenda-items", committee.us_secretariat,
                    json={"title": "Site visit", "day": "2027-11-02"}).status_code == 201
    complete_both_texts(app, committee, meeting_id)
    for person in (committee.us_secretariat, committee.kr_secretariat):
        assert api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", person).status_code == 201
    with app.app_context():
        assert get_meeting(meeting_id).status == "agenda_agreed"
    return meeting_id


@pytest.fixture
def sections(app, committee, held_meeting) -> list[int]:
    """The held meeting's minutes opened by the U.S. secretariat: the ids of the sections, in agenda order."""
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting
    from jcm.minutes import services

    with app.app_context():
        minutes = services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(held_meeting))
        ids = [s.id for s in services.ordered_sections(minutes)]
        db.session.commit()
        return ids


# --- both texts ----------------------------------------------------------------------------------------

def complete_both_texts(app, committee, meeting_id: int) -> None:
    """Both texts of everything the meeting's agenda and minutes hold, complete and checked, as the two
    secretariats make them before an agenda is agreed or minutes are circulated and adopted: the Korean secretariat
    writes the Korean text of each text written in English only (tests/korean.py holds them; a text already in
    Hangul is its own Korean text), and the English of each written in Korean only; then each side's secretariat
    checks the language it answers for. What was written and checked before stays as it is.

    Inside the app's context (a story that holds its records open) it works in that context's session and leaves
    the commit to the story; otherwise it commits."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app._get_current_object() is app:
        _complete_both_texts(committee, meeting_id)
        return
    with app.app_context():
        _complete_both_texts(committee, meeting_id)
        db.session.commit()


def _complete_both_texts(committee, meeting_id: int) -> None:
    from jcm.accounts.services import get_user
    from jcm.bilingual import LANGUAGES, pairs, text_state
    from jcm.meetings.services import agenda_texts, get_meeting
    from jcm.minutes.services import minutes_for, minutes_texts
    from jcm.mou.models import Agreement
    from jcm.texts.services import check_text
    from tests.korean import in_english, in_korean, untranslated

    meeting = get_meeting(meeting_id)
    minutes = minutes_for(meeting)
    records = [entry.obj for entry in agenda_texts(meeting)]
    records += [entry.obj for entry in minutes_texts(minutes, meeting)] if minutes is not None else []
    with untranslated():
        for obj in records:
            for pair in pairs(type(obj)):
                english, korean = getattr(obj, pair.english), getattr(obj, pair.korean)
                if _blank(korean) and not _blank(english) or text_state(obj, pair.english, "ko").status == "stale":
                    setattr(obj, pair.korean, in_korean(english))
                elif _blank(english) and not _blank(korean) or text_state(obj, pair.english, "en").status == "stale":
                    setattr(obj, pair.english, in_english(korean))
    db.session.flush()
    answering = db.session.get(Agreement, meeting.agreement_id).answers_for
    secretariats = {language: get_user(committee.get(answering(language), "secretariat").id)
                    for language in LANGUAGES}
    for obj in records:
        for pair in pairs(type(obj)):
            for language in LANGUAGES:
                if text_state(obj, pair.english, language).status in ("written", "stale"):
                    check_text(secretariats[language], obj, pair.english, language)
    db.session.flush()


def _blank(value) -> bool:
    return not any(str(entry).strip() for entry in value) if isinstance(value, list) else not str(value or "").strip()


# --- action items --------------------------------------------------------------------------------------

@pytest.fixture
def make_action_item(app, committee):
    """Creates an action item as the U.S. secretariat would; owners default to the two delegates."""

    def make(title: str = "Exchange AI-ready dataset inventories", focus_area: str = "A.1",
             due_date: str = "2027-06-30", meeting_id: int | None = None, owners: dict | None = None,
             **fields) -> int:
        from sqlalchemy import select

        from jcm.accounts.services import get_user
        from jcm.actions.services import create_action_item
        from jcm.mou.models import Agreement, FocusArea

        with app.app_context():
            agreement = db.session.get(Agreement, committee.agreement_id)
            area_id = db.session.scalar(select(FocusArea.id).where(FocusArea.code == focus_area))
            data = {"title": title, "focus_area_id": area_id, "due_date": due_date, "meeting_id": meeting_id,
                    "owners": owners or {"US": [{"user_id": committee.us_delegate.id}],
                                         "KR": [{"user_id": committee.kr_delegate.id}]}, **fields}
            item = create_action_item(get_user(committee.us_secretariat.id), agreement, data)
            db.session.commit()
            return item.id

    return make


OTHER_MOU = """\
agreement:
  code: other-mou
  title: Another Bilateral MOU
  short_title: Other MOU
participants:
  - side: US
    name: The Government of the United States of America
    short_name: United States
  - side: KR
    name: The Government of the Republic of Korea
    short_name: Republic of Korea
focus_areas:
  - code: Z
    title: Another area
    children:
      - code: Z.1
        title: A focus area of another agreement
"""


@pytest.fixture
def other_agreements_area(app, committee) -> int:
    """A focus area that belongs to a second agreement, not to the U.S.–ROK MOU."""
    from sqlalchemy import select

    from jcm.mou.loader import parse_mou_text
    from jcm.mou.models import FocusArea
    from jcm.mou.services import load_mou

    with app.app_context():
        report = load_mou("test setup", parse_mou_text(OTHER_MOU, "other-mou.yaml"))
        db.session.commit()
        return db.session.scalar(select(FocusArea.id).where(FocusArea.agreement_id == report.agreement.id,
                                                            FocusArea.code == "Z.1"))
