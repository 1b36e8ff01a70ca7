"""Each side's delegation is saved as a whole list with a version of its own: a save based on a list someone else
has since saved is refused with both lists shown, and two saves at the same moment never leave a list that mixes
them — one is saved whole, the other told (409)."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime
from html import unescape

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from jcm import create_app
from jcm.extensions import db
from jcm.minutes.models import Attendee, Minutes
from tests.conftest import app_config, close_database, post_form

OFFICIALS = ["Lee Joon-ho, Director General, MSIT | 이준호, 국장, 과학기술정보통신부",
             "Park Ji-hoon, Program Officer, NRF | 박지훈, 사무관, 한국연구재단"]
OTHERS = ["Choi Yu-na, Deputy Director, IITP | 최유나, 부국장, 정보통신기획평가원",
          "Han Seo-jin, Researcher, KISTI | 한서진, 연구원, 한국과학기술정보연구원",
          "Oh Min-jae, Counsellor, Embassy in Washington | 오민재, 참사관, 주미대사관"]


def minutes_url(meeting_id: int) -> str:
    return f"/api/v1/meetings/{meeting_id}/minutes"


def put(client, token: str, meeting_id: int, body: dict):
    return client.put(minutes_url(meeting_id), headers={"Authorization": f"Bearer {token}"}, json=body)


def read(api, person, meeting_id: int) -> dict:
    response = api.get(minutes_url(meeting_id), person)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def people(lines: list[str]) -> list[dict]:
    """The attendance as the API takes it, from "Name, Title, Organization | 성명, 직위, 소속" lines."""
    listed = []
    for line in lines:
        english, korean = (part.strip() for part in line.split("|"))
        name, title, organization = (part.strip() for part in english.split(",", 2))
        name_ko, title_ko, organization_ko = (part.strip() for part in korean.split(",", 2))
        listed.append({"name": name, "title": title, "organization": organization, "name_ko": name_ko,
                       "title_ko": title_ko, "organization_ko": organization_ko})
    return listed


def as_stored(lines: list[str]) -> list[dict]:
    """The same people as a conflict shows a list: typed in, with no account."""
    return [{"user_id": None, **person} for person in people(lines)]


def names(lines: list[str]) -> list[str]:
    return [person["name"] for person in people(lines)]


@pytest.fixture
def started(api, committee, held_meeting) -> int:
    """The held meeting's minutes, started by the Korean secretariat: no delegation listed yet."""
    response = put(api.client, api.token(committee.kr_secretariat), held_meeting, {})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["attendance_version"] == {"US": 1, "KR": 1}
    return held_meeting


# --- on the page ----------------------------------------------------------------------------------------

def test_a_stale_page_save_is_refused_showing_both_lists_and_keeping_what_was_typed(api, client, auth, committee,
                                                                                    started):
    auth.login(committee.kr_secretariat)
    page = client.get(f"/meetings/{started}/minutes").get_data(as_text=True)
    form = re.search(r'action="/meetings/\d+/minutes/attendance/KR">(.*?)</form>', page, re.S).group(1)
    assert '<input type="hidden" name="version" value="1">' in form  # the list the page was opened on

    # Meanwhile the Korean secretariat's program saves the delegation.
    saved = put(api.client, api.token(committee.kr_secretariat), started, {
        "attendance": {"KR": people(OFFICIALS)}, "attendance_version": {"KR": 1}})
    assert saved.status_code == 200 and saved.get_json()["attendance_version"] == {"US": 1, "KR": 2}

    typed = "\n".join(OTHERS)
    response = post_form(client, f"/meetings/{started}/minutes/attendance/KR", {"people": typed, "version": "1"},
                         page=f"/meetings/{started}/minutes")
    assert response.status_code == 409
    page = unescape(response.get_data(as_text=True))
    assert "Someone else saved this delegation meanwhile." in page
    stored_box = re.search(r'<pre class="minutes-conflict__stored">(.*?)</pre>', page, re.S).group(1)
    yours_box = re.search(r'<pre class="minutes-conflict__yours">(.*?)</pre>', page, re.S).group(1)
    assert stored_box == "\n".join(OFFICIALS) and yours_box == typed
    form = re.search(r'action="/meetings/\d+/minutes/attendance/KR">(.*?)</form>', page, re.S).group(1)
    assert 'name="people" rows="6"' in form and f">{typed}</textarea>" in form  # what was typed is kept
    assert '<input type="hidden" name="version" value="2">' in form  # now based on the stored list
    assert read(api, committee.kr_secretariat, started)["attendance"]["KR"] == names(OFFICIALS)

    # Merged knowingly and saved again, on the version the page now carries.
    merged = "\n".join(OFFICIALS + OTHERS[:1])
    response = post_form(client, f"/meetings/{started}/minutes/attendance/KR", {"people": merged, "version": "2"},
                         page=f"/meetings/{started}/minutes")
    assert response.status_code == 302
    minutes = read(api, committee.kr_secretariat, started)
    assert minutes["attendance"]["KR"] == names(OFFICIALS + OTHERS[:1])
    assert minutes["attendance_version"] == {"US": 1, "KR": 3}


def test_the_korean_page_tells_of_the_conflict_in_korean(api, client, auth, app, committee, started):
    with app.app_context():
        from jcm.accounts.services import get_user

        get_user(committee.kr_secretariat.id).locale = "ko"
        db.session.commit()
    auth.login(committee.kr_secretariat)
    assert put(api.client, api.token(committee.kr_secretariat), started, {
        "attendance": {"KR": people(OFFICIALS)}}).status_code == 200
    response = post_form(client, f"/meetings/{started}/minutes/attendance/KR",
                         {"people": "\n".join(OTHERS), "version": "1"}, page=f"/meetings/{started}/minutes")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "그사이 다른 사용자가 이 대표단 명단을 저장했습니다." in page
    assert "저장된 명단과 입력하신 명단이 나란히 표시됩니다." in page


# --- in the API -----------------------------------------------------------------------------------------

def test_a_stale_api_save_is_a_409_with_both_lists(api, committee, started):
    token = api.token(committee.kr_secretariat)
    assert put(api.client, token, started, {"attendance": {"KR": people(OFFICIALS)},
                                            "attendance_version": {"KR": 1}}).status_code == 200
    before = read(api, committee.kr_secretariat, started)

    stale = put(api.client, token, started, {"attendance": {"KR": people(OTHERS)}, "attendance_version": {"KR": 1}})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "conflict" and error["field"] == "attendance.KR"
    assert error["current"] == {"side": "KR", "version": 2, "attendees": as_stored(OFFICIALS),
                                "yours": as_stored(OTHERS)}
    assert read(api, committee.kr_secretariat, started) == before  # nothing of the stale list is kept


def test_saves_in_a_row_on_the_right_versions_succeed_and_keep_each_persons_row(api, committee, started):
    token = api.token(committee.kr_secretariat)
    first = put(api.client, token, started, {"attendance": {"KR": people(OFFICIALS + OTHERS[:1])},
                                             "attendance_version": {"KR": 1}})
    assert first.status_code == 200, first.get_json()
    ids = {a["name"]: a["id"] for a in first.get_json()["attendees"]["KR"]}
    # Reordered, one gone, one new: every place is taken by one person at every step.
    order = [OTHERS[0], OFFICIALS[0], OTHERS[1]]
    second = put(api.client, token, started, {"attendance": {"KR": people(order)}, "attendance_version": {"KR": 2}})
    assert second.status_code == 200, second.get_json()
    minutes = second.get_json()
    assert minutes["attendance"]["KR"] == names(order) and minutes["attendance_version"] == {"US": 1, "KR": 3}
    kept = {a["name"]: a["id"] for a in minutes["attendees"]["KR"]}
    assert kept["Choi Yu-na"] == ids["Choi Yu-na"] and kept["Lee Joon-ho"] == ids["Lee Joon-ho"]
    # The list sent again as it stands changes nothing, the version included.
    same = put(api.client, token, started, {"attendance": {"KR": people(order)}, "attendance_version": {"KR": 3}})
    assert same.status_code == 200 and same.get_json()["attendance_version"] == {"US": 1, "KR": 3}
    # The other side's list has its own version.
    us = put(api.client, api.token(committee.us_secretariat), started, {
        "attendance": {"US": [{"user_id": committee.us_co_chair.id}]}, "attendance_version": {"US": 1}})
    assert us.status_code == 200 and us.get_json()["attendance_version"] == {"US": 2, "KR": 3}


def test_a_version_of_the_wrong_shape_is_refused_naming_it(api, committee, started):
    token = api.token(committee.kr_secretariat)
    for versions in ({"KR": "1"}, {"KR": -1}, {"JP": 1}, [1]):
        response = put(api.client, token, started, {"attendance": {"KR": ["홍길동"]}, "attendance_version": versions})
        assert response.status_code == 422, versions
        assert "attendance_version" in str(response.get_json()["error"]), versions
    assert read(api, committee.kr_secretariat, started)["attendance"]["KR"] == []


# --- at the same moment ---------------------------------------------------------------------------------

class AtTheVersion:
    """Holds each save at the moment it moves its side's version on, until both are there: both have read the list
    and passed every check, and now race for the database."""

    def __init__(self, app, column: str):
        self.app, self.column = app, column
        self.barrier = threading.Barrier(2, timeout=10)
        self.met: list[int] = []  # the saves that reached the database together

    def _wait(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE MINUTES SET") and self.column in statement:
            try:
                self.barrier.wait()
                self.met.append(threading.get_ident())
            except threading.BrokenBarrierError:
                pass  # the other save never came this far: the test says so

    def __enter__(self):
        with self.app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._wait)
        return self

    def __exit__(self, *exc):
        with self.app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", self._wait)


@pytest.mark.parametrize("with_versions", [True, False], ids=["based-on-a-version", "without-a-version"])
def test_two_saves_of_one_list_at_the_same_moment_end_with_one_list_whole_and_one_409(app, api, committee, started,
                                                                                     with_versions):
    token = api.token(committee.kr_secretariat)
    lists = {"officials": OFFICIALS, "others": OTHERS}
    for round_ in range(3):
        version = read(api, committee.kr_secretariat, started)["attendance_version"]["KR"]
        answers: dict[str, object] = {}

        def save(which: str) -> None:
            body = {"attendance": {"KR": people(lists[which])}}
            if with_versions:
                body["attendance_version"] = {"KR": version}
            answers[which] = put(app.test_client(), token, started, body)

        # Two programs of the Korean secretariat, each with its own list, both read at the same version.
        with AtTheVersion(app, "attendance_version_kr") as moment:
            threads = [threading.Thread(target=save, args=(which,)) for which in lists]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        assert len(moment.met) == 2  # both had read the list and passed every check: a real race for the database
        statuses = {which: answer.status_code for which, answer in answers.items()}
        assert sorted(statuses.values()) == [200, 409], statuses
        winner = next(which for which, status in statuses.items() if status == 200)
        loser = next(which for which, status in statuses.items() if status == 409)
        error = answers[loser].get_json()["error"]
        assert error["field"] == "attendance.KR"
        assert error["current"]["attendees"] == as_stored(lists[winner])  # what the other saved, read afresh
        assert error["current"]["yours"] == as_stored(lists[loser])
        assert error["current"]["version"] == version + 1
        minutes = read(api, committee.kr_secretariat, started)
        assert minutes["attendance"]["KR"] == names(lists[winner]), f"round {round_}: a list interleaved"
        assert minutes["attendance_version"]["KR"] == version + 1
        lists = {"officials": list(reversed(lists["officials"])), "others": list(reversed(lists["others"]))}


# --- the schema ----------------------------------------------------------------------------------------

def test_two_people_can_never_hold_one_place_in_a_list(app, api, committee, started):
    with app.app_context():
        minutes_id = db.session.scalar(sa.select(Minutes.id).where(Minutes.meeting_id == started))
        db.session.add_all([Attendee(minutes_id=minutes_id, side="KR", position=0, name="Lee Joon-ho"),
                            Attendee(minutes_id=minutes_id, side="KR", position=0, name="Choi Yu-na")])
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        # The same place in the other side's list is another place.
        db.session.add_all([Attendee(minutes_id=minutes_id, side="KR", position=0, name="Lee Joon-ho"),
                            Attendee(minutes_id=minutes_id, side="US", position=0, name="Margaret Chen")])
        db.session.commit()


def test_lists_interleaved_before_the_upgrade_are_kept_whole_in_their_order(empty_database, tmp_path):
    app = create_app(app_config(empty_database(), tmp_path))
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection, only=["agreement", "meeting", "minutes", "attendee"])
            agreement, meeting, minutes, attendee = (tables.tables[name] for name in (
                "agreement", "meeting", "minutes", "attendee"))
            connection.execute(agreement.insert().values(
                id=1, code="us-rok-st", title="MOU", title_ko="양해각서", short_title="MOU", short_title_ko="양해각서",
                purpose="", purpose_ko="", language_note="", language_note_ko="", notice_period_days=180,
                discontinuation_notice_reference="", created_at=datetime(2026, 1, 5), version=1,
                english_side="US", korean_side="KR"))
            connection.execute(meeting.insert().values(
                id=12, agreement_id=1, ordinal=12, title="JCM 12", title_ko="", start_date=date(2026, 3, 10),
                end_date=date(2026, 3, 10), venue="", venue_ko="", city="", city_ko="", host_side="KR",
                mode="in_person", status="held", agenda_version=1, created_at=datetime(2026, 1, 5), version=1,
                time_zone="Asia/Seoul", language_state={}))
            connection.execute(minutes.insert().values(
                id=1, meeting_id=12, status="draft", next_meeting="", next_meeting_ko="", next_meeting_version=1,
                version=1, language_state={}, created_at=datetime(2026, 3, 11), updated_at=datetime(2026, 3, 11)))
            # Two saves of the Korean list made at the same moment, as they could be before: both lists, mixed.
            for row_id, (side, position, name) in enumerate([
                    ("KR", 0, "Lee Joon-ho"), ("KR", 1, "Park Ji-hoon"), ("KR", 0, "Choi Yu-na"),
                    ("KR", 1, "Han Seo-jin"), ("US", 0, "Margaret Chen")], start=1):
                connection.execute(attendee.insert().values(
                    id=row_id, minutes_id=1, side=side, position=position, name=name, name_ko="", title="",
                    title_ko="", organization="", organization_ko="", language_state={}))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT side, position, name FROM attendee ORDER BY side, position")).all()
            versions = connection.execute(sa.text(
                "SELECT attendance_version_us, attendance_version_kr FROM minutes")).one()
        assert [tuple(row) for row in rows] == [
            ("KR", 0, "Lee Joon-ho"), ("KR", 1, "Choi Yu-na"), ("KR", 2, "Park Ji-hoon"), ("KR", 3, "Han Seo-jin"),
            ("US", 0, "Margaret Chen")]
        assert tuple(versions) == (1, 1)
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE attendee SET position = 0 WHERE name = 'Park Ji-hoon'"))
        downgrade(revision="0010")
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM attendee")).scalar() == 5
            assert "attendance_version_kr" not in {c["name"] for c in sa.inspect(connection).get_columns("minutes")}
    close_database(app)
