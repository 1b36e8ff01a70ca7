"""The implementation dashboard: the MOU's areas against the meetings, each cell the progress the meeting's minutes
record (in a word, not by colour alone), each area's open and overdue action items per side, and the balance
between the two sides over a period — on a page, in the API (`GET /api/v1/progress`) and as a CSV, alike."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from sqlalchemy import event, select

from jcm.actions.services import get_action_item, post_update
from jcm.dashboard.schemas import DashboardSchema
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, agenda_item_focus_area
from jcm.meetings.services import get_agenda_item, get_meeting, update_agenda_item
from jcm.minutes import services as minutes_services
from jcm.minutes.models import ProgressEntry
from jcm.mou.models import FocusArea
from tests.conftest import post_form
from tests.test_dashboard_records import _decided
from tests.test_minutes import person

WORDS = {"not_started": "Not started", "on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
         "completed": "Completed"}
WORDS_KO = {"not_started": "미착수", "on_track": "정상 진행", "at_risk": "지연 우려", "off_track": "지연",
            "completed": "완료"}

# What the three meetings' minutes record (the 13th was cancelled and records nothing).
RECORDED = {
    10: {"A.1": "on_track", "B.4": "not_started"},
    11: {"A.1": "on_track", "A.2": "at_risk", "B.4": "on_track"},
    12: {"A.1": "completed", "A.2": "off_track"},
}


def _area_id(code: str) -> int:
    return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


@pytest.fixture
def committee_years(app, committee, make_meeting, make_action_item):
    """Three years of the committee: the 10th meeting (Washington hosts, March 2024), the 11th and 12th (Korea
    hosts, 2025 and 2026), each held with its minutes in draft recording RECORDED; a 13th, cancelled. The 12th's
    discussion of A.1 was presented for the U.S. by the NSF delegate. Five action items: on A.1 one raised at the 10th
    and overdue, one raised at the 11th in progress; on A.2 one raised at the 11th and done; on the sub-topic B.6.2
    one raised at the 12th and overdue; on B.4 one raised between meetings, due in 2099."""
    meetings = {10: make_meeting(ordinal=10, start_date="2024-03-10", host_side="US", status="held"),
                11: make_meeting(ordinal=11, start_date="2025-03-10", focus_areas=("A.1", "A.2", "B.4"),
                                 status="held"),
                12: make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "A.2")),
                13: make_meeting(ordinal=13, start_date="2026-09-10", status="cancelled")}
    with app.app_context():
        us = person(committee, "us_secretariat")
        discussion = db.session.scalar(select(AgendaItem).join(agenda_item_focus_area).where(
            AgendaItem.meeting_id == meetings[12], agenda_item_focus_area.c.focus_area_id == _area_id("A.1")))
        update_agenda_item(us, get_agenda_item(discussion.id), {"presenter_us": "David Okafor"})
        get_meeting(meetings[12]).status = "held"  # a shortcut: the meeting took place
        for ordinal, statuses in RECORDED.items():
            minutes = minutes_services.open_minutes(us, get_meeting(meetings[ordinal]))
            for code, status in statuses.items():
                minutes_services.save_progress(us, minutes, _area_id(code), status, f"{code} at the {ordinal}th.")
        db.session.commit()
    items = {
        "overdue A.1": make_action_item(title="Exchange dataset inventories", focus_area="A.1",
                                        meeting_id=meetings[10], due_date="2024-09-30"),
        "open A.1": make_action_item(title="Draft the testbed call", focus_area="A.1", meeting_id=meetings[11],
                                     due_date="2099-06-30"),
        "done A.2": make_action_item(title="Nominate workshop experts", focus_area="A.2", meeting_id=meetings[11],
                                     due_date="2025-06-30"),
        "overdue B.6.2": make_action_item(title="Share the cubesat manifest", focus_area="B.6.2",
                                          meeting_id=meetings[12], due_date="2026-06-30"),
        "open B.4": make_action_item(title="Map quantum testbeds", focus_area="B.4", due_date="2099-01-01"),
    }
    with app.app_context():
        us = person(committee, "us_secretariat")
        post_update(us, get_action_item(items["open A.1"]), "The call is being drafted.", "in_progress")
        post_update(us, get_action_item(items["done A.2"]), "Experts nominated.", "done")
        db.session.commit()
    return meetings


def _areas(body: dict) -> dict[str, dict]:
    return {area["code"]: area for area in body["areas"]}


def _cells(body: dict, code: str) -> list[str | None]:
    """The row of an area as statuses, a column per meeting, None where the meeting did not discuss it."""
    by_meeting = {cell["meeting_id"]: cell["status"] for cell in _areas(body)[code]["progress"]}
    return [by_meeting.get(meeting["id"]) for meeting in body["meetings"]]


def _page_rows(html: str) -> dict[str, list[str | None]]:
    """Each area's row of the page as the words it shows, a column per meeting (None: not discussed)."""
    rows = {}
    for match in re.finditer(r'<tr class="progress-board__row[^"]*" id="area-\d+">(.*?)</tr>', html, re.S):
        row = match.group(1)
        code = re.search(r'<th scope="row"><a href="/focus-areas/\d+">(\S+) ', row).group(1)
        rows[code] = [None if empty else word for empty, word in re.findall(
            r'<td class="progress-board__(empty)"|<span class="progress-cell status status--\w+">([^<]+)</span>',
            row)]
    return rows


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- the grid -----------------------------------------------------------------------------------------------------

def test_the_grid_shows_each_areas_status_at_each_meeting_as_a_word_oldest_meeting_first(
        client, auth, api, committee, committee_years):
    auth.login(committee.us_delegate)
    html = client.get("/dashboard").get_data(as_text=True)
    # the columns: the three meetings held, oldest first, each linked to its page; the cancelled 13th left out
    headings = re.findall(r'<th scope="col" class="progress-board__meeting"><a href="/meetings/(\d+)"[^>]*>([^<]+)</a>',
                          html)
    assert headings == [(str(committee_years[n]), f"{n}th ({year}-03-10)") for n, year in ((10, 2024), (11, 2025),
                                                                                            (12, 2026))]
    rows = _page_rows(html)
    assert rows["A.1"] == ["On track", "On track", "Completed"]
    assert rows["A.2"] == [None, "At risk", "Off track"]
    assert rows["B.4"] == ["Not started", "On track", None]
    assert rows["A.3"] == [None, None, None]
    # colour and word: the status's class colours it, its word says it; a legend names every colour
    assert '<span class="progress-cell status status--at_risk">At risk</span>' in html
    legend = html.split('id="legend-heading"')[1].split("</section>")[0]
    assert all(f'status--{status}">{word}<' in legend for status, word in WORDS.items())
    # every area of the MOU is a row, each area of cooperation followed by the areas beneath it, linked to its page
    assert list(rows)[:3] == ["A", "A.1", "A.2"] and list(rows)[-7:] == ["B.5", "B.6", "B.6.1", "B.6.2", "B.6.3",
                                                                         "B.6.4", "B.6.5"]
    with client.application.app_context():
        assert f'<a href="/focus-areas/{_area_id("B.6.2")}">B.6.2 ' in html
    body = api.get("/api/v1/progress", committee.us_delegate).get_json()
    assert [m["ordinal"] for m in body["meetings"]] == [10, 11, 12]
    assert _cells(body, "A.2") == [None, "at_risk", "off_track"]


def test_an_area_of_cooperation_shows_the_worst_status_recorded_beneath_it(client, auth, api, committee,
                                                                          committee_years):
    body = api.get("/api/v1/progress", committee.kr_delegate).get_json()
    assert _cells(body, "A") == ["on_track", "at_risk", "off_track"]  # A.1 on track and A.2 at risk → at risk
    assert _cells(body, "B") == ["not_started", "on_track", None]
    assert _cells(body, "B.6") == [None, None, None]  # nothing recorded for it or its sub-topics
    cell = _areas(body)["A"]["progress"][1]
    assert cell == {"meeting_id": committee_years[11], "status": "at_risk", "rolled_up": True,
                    "statuses": {"at_risk": 1, "on_track": 1}}
    assert _areas(body)["A.1"]["progress"][0]["rolled_up"] is False
    auth.login(committee.kr_delegate)
    html = client.get("/dashboard").get_data(as_text=True)
    assert _page_rows(html)["A"] == ["On track", "At risk", "Off track"]
    assert "worst of 2 entries" in html.split('id="area-')[1].split("</tr>")[0]  # the A row says it was rolled up


# --- action items and the balance ---------------------------------------------------------------------------------

def test_each_area_counts_its_open_and_overdue_action_items_for_each_side(api, committee, committee_years):
    body = api.get("/api/v1/progress", committee.us_delegate).get_json()
    areas = _areas(body)
    for side in ("US", "KR"):  # every item has an owner on each side: it counts for both
        assert areas["A.1"]["action_items"][side] == {"open": 2, "overdue": 1}
        assert areas["A.2"]["action_items"][side] == {"open": 0, "overdue": 0}  # done: neither open nor overdue
        assert areas["A"]["action_items"][side] == {"open": 2, "overdue": 1}
        assert areas["B.6.2"]["action_items"][side] == {"open": 1, "overdue": 1}
        assert areas["B.6"]["action_items"][side] == {"open": 1, "overdue": 1}  # its sub-topic's
        assert areas["B"]["action_items"][side] == {"open": 2, "overdue": 1}


def test_the_balance_shows_what_each_side_owns_presented_and_hosted(client, auth, api, committee,
                                                                   committee_years):
    body = api.get("/api/v1/progress", committee.us_co_chair).get_json()
    # each meeting's opening and closing are presented by both co-chairs; the NSF delegate presented A.1 at the 12th
    assert body["balance"] == {
        "US": {"action_items": 5, "open": 4, "overdue": 2, "presented": 7, "hosted": 1},
        "KR": {"action_items": 5, "open": 4, "overdue": 2, "presented": 6, "hosted": 2}}
    auth.login(committee.us_co_chair)
    html = client.get("/dashboard").get_data(as_text=True)
    balance = html.split('id="balance-heading"')[1]
    assert re.search(r"Agenda items presented</th><td class=\"num\">7</td><td class=\"num\">6</td>", balance)
    assert re.search(r"Meetings hosted</th><td class=\"num\">1</td><td class=\"num\">2</td>", balance)


# --- the filters --------------------------------------------------------------------------------------------------

def test_filtering_on_an_area_shows_it_and_the_areas_beneath_it(client, auth, api, committee, committee_years):
    body = api.get("/api/v1/progress?area=B.6", committee.us_delegate).get_json()
    assert [area["code"] for area in body["areas"]] == ["B.6", "B.6.1", "B.6.2", "B.6.3", "B.6.4", "B.6.5"]
    assert body["filters"]["area"] == "B.6"
    assert body["balance"]["US"]["action_items"] == 1 and body["balance"]["US"]["overdue"] == 1
    with client.application.app_context():
        by_id = api.get(f"/api/v1/progress?area={_area_id('A')}", committee.us_delegate).get_json()
    assert [area["code"] for area in by_id["areas"]][:3] == ["A", "A.1", "A.2"] and len(by_id["areas"]) == 10
    # on an area, the presenters are those of the agenda items on it or beneath it; the hosts stay the meetings'
    assert by_id["balance"]["US"]["presented"] == 1 and by_id["balance"]["KR"]["presented"] == 0
    assert by_id["balance"]["KR"]["hosted"] == 2
    auth.login(committee.us_delegate)
    html = client.get("/dashboard?area=a.2").get_data(as_text=True)  # a code in either case
    assert list(_page_rows(html)) == ["A.2"]
    assert '<option value="A.2" selected>' in html


def test_filtering_on_a_side_counts_that_sides_owners_alone(client, auth, api, committee, committee_years):
    body = api.get("/api/v1/progress?side=KR", committee.us_delegate).get_json()
    assert body["sides"] == ["KR"] and list(body["balance"]) == ["KR"]
    assert _areas(body)["A.1"]["action_items"] == {"KR": {"open": 2, "overdue": 1}}
    assert body["balance"]["KR"]["hosted"] == 2
    assert _cells(body, "A.1") == ["on_track", "on_track", "completed"]  # the minutes are both sides'
    auth.login(committee.us_delegate)
    html = client.get("/dashboard?side=KR").get_data(as_text=True)
    assert 'side-badge--us' not in html.split('class="table progress-board"')[1]


def test_filtering_on_a_period_shows_its_meetings_and_the_action_items_raised_in_it(client, auth, api, committee,
                                                                                   committee_years):
    body = api.get("/api/v1/progress?from=2025-01-01&to=2025-12-31", committee.us_delegate).get_json()
    assert [m["ordinal"] for m in body["meetings"]] == [11]
    assert _cells(body, "A") == ["at_risk"]
    assert body["balance"]["US"] == {"action_items": 2, "open": 1, "overdue": 0, "presented": 2, "hosted": 0}
    assert _areas(body)["A.1"]["action_items"]["US"] == {"open": 1, "overdue": 0}
    assert body["filters"] == {"area": None, "side": None, "from": "2025-01-01", "to": "2025-12-31"}
    open_ended = api.get("/api/v1/progress?from=2025-03-10", committee.us_delegate).get_json()
    assert [m["ordinal"] for m in open_ended["meetings"]] == [11, 12]
    widest = api.get("/api/v1/progress?from=0001-01-01&to=9999-12-31", committee.us_delegate).get_json()
    assert len(widest["meetings"]) == 3 and widest["balance"]["US"]["action_items"] == 5
    auth.login(committee.us_delegate)
    html = client.get("/dashboard?from=2026-01-01").get_data(as_text=True)
    assert _page_rows(html)["A.2"] == ["Off track"]
    assert 'name="from" value="2026-01-01"' in html
    empty = client.get("/dashboard?from=2030-01-01").get_data(as_text=True)
    assert "No meeting falls in this period." in empty


BAD_FILTERS = [
    ("area=Z.9", "area", "There is no area “Z.9” in the MOU"),
    ("area=999999", "area", "There is no area “999999” in the MOU"),
    ("from=2026-13-01", "from", "“2026-13-01” is not a date (YYYY-MM-DD)."),
    ("to=yesterday", "to", "“yesterday” is not a date (YYYY-MM-DD)."),
    ("from=2026-01-01&to=2025-01-01", "to", "The period ends (2025-01-01) before it starts (2026-01-01)"),
    ("side=JP", "side", "The side filter is US or KR."),
    ("area=" + "A" * 200, "area", "The area filter is a focus area's code (A.1) or id."),
]


@pytest.mark.parametrize("query, name, message", BAD_FILTERS)
def test_a_bad_filter_is_refused_with_a_message_on_the_page_the_api_and_the_csv(client, auth, api, committee,
                                                                               committee_years, query, name, message):
    answer = api.get(f"/api/v1/progress?{query}", committee.us_delegate)
    assert answer.status_code == 422
    assert message in str(answer.get_json()["error"])
    csv_answer = api.get(f"/dashboard.csv?{query}", committee.us_delegate)
    assert csv_answer.status_code == 422 and message in csv_answer.get_json()["error"]["message"]
    assert csv_answer.get_json()["error"]["field"] == name
    auth.login(committee.us_delegate)
    page = client.get(f"/dashboard?{query}")
    assert page.status_code == 422 and message in unescape(page.get_data(as_text=True))
    assert 'name="area"' in page.get_data(as_text=True)  # the form, to try again
    download = client.get(f"/dashboard.csv?{query}")
    assert download.status_code == 422 and message in unescape(download.get_data(as_text=True))


def test_an_unknown_argument_of_the_api_is_refused(api, committee, committee_years):
    answer = api.get("/api/v1/progress?meeting=1", committee.us_delegate)
    assert answer.status_code == 422 and "meeting" in answer.get_json()["error"]["message"]


# --- one dashboard, three ways ------------------------------------------------------------------------------------

def test_the_api_the_page_and_the_csv_say_the_same(app, client, auth, api, committee, committee_years):
    query = "?area=A&from=2024-01-01"
    body = api.get(f"/api/v1/progress{query}", committee.us_delegate).get_json()
    assert DashboardSchema().validate(body) == {}  # the JSON built from rows is the shape the document describes
    auth.login(committee.us_delegate)
    page = _page_rows(client.get(f"/dashboard{query}").get_data(as_text=True))
    assert page == {area["code"]: [WORDS[s] if s else None for s in _cells(body, area["code"])]
                    for area in body["areas"]}
    rows = _csv(client.get(f"/dashboard.csv{query}"))
    assert rows[0] == ["Code", "Area", "Level", "10th (2024-03-10)", "11th (2025-03-10)", "12th (2026-03-10)",
                       "Open (US)", "Overdue (US)", "Open (KR)", "Overdue (KR)"]
    grid = rows[1:1 + len(body["areas"])]
    assert grid == [[area["code"], area["title"], "Area of cooperation" if area["depth"] == 0 else "Focus area",
                     *(WORDS[s] if s else "" for s in _cells(body, area["code"])),
                     *(str(area["action_items"][side][n]) for side in ("US", "KR") for n in ("open", "overdue"))]
                    for area in body["areas"]]
    balance = rows[1 + len(body["areas"]):]
    assert balance[0] == []
    assert balance[1] == ["Side", "Action items owned", "Open", "Overdue", "Agenda items presented",
                          "Meetings hosted"]
    assert balance[2:] == [[label, *(str(body["balance"][side][key]) for key in ("action_items", "open", "overdue",
                                                                                  "presented", "hosted"))]
                           for side, label in (("US", "United States"), ("KR", "Republic of Korea"))]
    download = client.get(f"/dashboard.csv{query}")
    assert download.headers["Content-Disposition"].startswith("attachment; filename=jcm-progress-")
    assert download.get_data().startswith("\ufeff".encode("utf-8"))  # so that Excel reads Hangul as Hangul


def test_an_observer_reads_the_dashboard(client, auth, api, committee, committee_years):
    auth.login(committee.us_observer)
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert _page_rows(page.get_data(as_text=True))["A.1"] == ["On track", "On track", "Completed"]
    body = api.get("/api/v1/progress", committee.kr_observer).get_json()
    assert _areas(body)["A.1"]["action_items"]["KR"] == {"open": 2, "overdue": 1}
    assert _csv(api.get("/dashboard.csv", committee.kr_observer))[0][0] == "Code"


def test_a_visitor_who_is_not_signed_in_is_asked_to(client, api, committee):
    assert client.get("/dashboard").status_code == 302
    assert api.get("/api/v1/progress").status_code == 401
    assert client.get("/dashboard.csv", headers={"Accept": "text/csv"}).status_code == 401


def test_the_dashboard_speaks_korean(app, client, auth, api, committee, committee_years):
    auth.login(committee.kr_delegate)
    post_form(client, "/language", {"locale": "ko"}, page="/dashboard")
    html = client.get("/dashboard").get_data(as_text=True)
    rows = _page_rows(html)
    assert rows["A.2"] == [None, "지연 우려", "지연"]
    assert rows["B.4"] == ["미착수", "정상 진행", None]
    assert "제10차 (2024-03-10)" in html and ">이행 현황판<" in html
    legend = html.split('id="legend-heading"')[1].split("</section>")[0]
    assert all(f">{word}<" in legend for word in WORDS_KO.values())
    for english in ("Balance between the sides", "Meetings hosted", "not discussed", "entries"):
        assert english not in html
    rows_csv = _csv(client.get("/dashboard.csv"))  # in the account's language
    assert rows_csv[0][:4] == ["코드", "분야", "계층", "제10차 (2024-03-10)"]
    a2 = next(row for row in rows_csv if row and row[0] == "A.2")
    assert a2[3:6] == ["", "지연 우려", "지연"]
    body = api.get("/api/v1/progress", committee.kr_delegate).get_json()  # in the account's language too
    with app.app_context():
        korean = db.session.scalar(select(FocusArea.title_ko).where(FocusArea.code == "A.1"))
    assert _areas(body)["A.1"]["title"] == korean and korean


# --- adopted minutes: the frozen record -------------------------------------------------------------------------

def test_an_adopted_meeting_shows_what_its_adopted_text_and_latest_correction_say(app, api, committee,
                                                                                  held_meeting):
    with app.app_context():
        minutes, _section = _decided(app, committee, held_meeting)  # A.1 on track, B.4 at risk
        us = person(committee, "us_secretariat")
        minutes_services.set_status(us, minutes, "circulated")
        minutes_services.adopt(person(committee, "us_co_chair"), minutes)
        minutes_services.adopt(person(committee, "kr_co_chair"), minutes)
        db.session.commit()
    body = api.get("/api/v1/progress", committee.us_delegate).get_json()
    assert body["meetings"][0]["minutes_status"] == "adopted"
    assert (_cells(body, "A.1"), _cells(body, "B.4")) == (["on_track"], ["at_risk"])

    with app.app_context():  # the row behind the adopted text changed past the services: the record stands
        entry = db.session.scalar(select(ProgressEntry).where(ProgressEntry.focus_area_id == _area_id("A.1")))
        entry.status = "completed"
        db.session.commit()
    assert _cells(api.get("/api/v1/progress", committee.us_delegate).get_json(), "A.1") == ["on_track"]

    with app.app_context():  # a correction both co-chairs adopt: A.1 was at risk
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        correction = minutes_services.propose_correction(
            person(committee, "us_secretariat"), minutes,
            {"progress": [{"focus_area": "A.1", "status": "off_track"}]}, "상태 오기 수정")
        minutes_services.adopt_correction(person(committee, "us_co_chair"), correction)
        minutes_services.adopt_correction(person(committee, "kr_co_chair"), correction)
        db.session.commit()
    body = api.get("/api/v1/progress", committee.us_delegate).get_json()
    assert (_cells(body, "A.1"), _cells(body, "A")) == (["off_track"], ["off_track"])


# --- speed --------------------------------------------------------------------------------------------------------

def _statements(app, call) -> int:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = call()
        response.get_data()  # a streamed answer's statements run as it is read
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return len(seen)


def test_the_dashboard_costs_the_same_statements_for_three_meetings_or_six(app, client, auth, api, committee,
                                                                           committee_years, make_meeting,
                                                                           make_action_item):
    auth.login(committee.us_delegate)
    api.get("/api/v1/me", committee.us_delegate)  # the token's first use is recorded once
    calls = {"page": lambda: client.get("/dashboard"),
             "page on an area and a period": lambda: client.get("/dashboard?area=A&from=2020-01-01&to=2030-12-31"),
             "api": lambda: api.get("/api/v1/progress?side=US", committee.us_delegate),
             "csv": lambda: client.get("/dashboard.csv?area=B")}
    few = {name: _statements(app, call) for name, call in calls.items()}
    with app.app_context():
        us = person(committee, "us_secretariat")
        for ordinal, year in ((14, 2027), (15, 2028), (16, 2029)):
            meeting_id = make_meeting(ordinal=ordinal, start_date=f"{year}-03-10", focus_areas=("A.3", "B.6.1"),
                                      status="held")
            minutes = minutes_services.open_minutes(us, get_meeting(meeting_id))
            for code in ("A.3", "B.6.1", "A.1"):
                minutes_services.save_progress(us, minutes, _area_id(code), "on_track", "Going well.")
            db.session.commit()
            for n in range(4):
                make_action_item(title=f"Follow-up {n}", focus_area="B.6.1", meeting_id=meeting_id,
                                 due_date=f"{year}-12-31")
    many = {name: _statements(app, call) for name, call in calls.items()}
    assert many == few


def test_the_csv_keeps_a_title_that_looks_like_a_formula_as_text(app, api, committee, committee_years):
    from jcm.mou.services import get_focus_area, update_focus_area

    with app.app_context():
        update_focus_area(person(committee, "us_admin"), get_focus_area(_area_id("A.2")),
                          {"title": '=HYPERLINK("https://evil.example","Policy")'})
        db.session.commit()
    rows = _csv(api.get("/dashboard.csv?area=A.2", committee.us_delegate))
    assert rows[1][:2] == ["A.2", '\'=HYPERLINK("https://evil.example","Policy")']
