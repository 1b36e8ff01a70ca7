"""Each delegate's private calendar: the committee's meetings and their own due dates, in Outlook or on a phone."""

import hashlib
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from jcm.accounts.models import Organization, User
from jcm.actions.calendar import build_calendar, create_or_renew_feed, user_for_feed_token
from jcm.actions.models import CalendarFeed
from jcm.audit.models import AuditEvent
from jcm.extensions import db
from tests.conftest import post_form

FEED_URL = re.compile(r'<code class="token">(http://[^<]+\.ics)</code>')


def subscribe(client, auth, person) -> str:
    """Signs in, creates (or renews) the calendar address on the page, signs out; returns the address."""
    auth.login(person)
    page = post_form(client, "/account/calendar", {"action": "renew"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    match = FEED_URL.search(page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)
    auth.logout()
    return match.group(1)


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _organization_id(app, acronym):
    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.acronym == acronym))


@pytest.fixture
def agenda(app, committee, make_meeting, make_action_item):
    """The 12th meeting in Sejong, and action items owned by various people."""
    today = date.today()
    start = today + timedelta(days=30)
    meeting_id = make_meeting(ordinal=12, start_date=start.isoformat(), end_date=(start + timedelta(days=1)).isoformat())
    due = (today + timedelta(days=90)).isoformat()
    return {
        "meeting": meeting_id,
        "start": start,
        "mine": make_action_item("Exchange AI-ready dataset inventories", meeting_id=meeting_id, due_date=due),
        "agency": make_action_item(
            "Nominate NRF reviewers for the joint call", meeting_id=meeting_id, due_date=due,
            owners={"US": [{"user_id": committee.us_delegate.id}],
                    "KR": [{"organization_id": _organization_id(app, "NRF")}]}),
        "others": make_action_item(
            "Draft the joint quantum testbed call", focus_area="B.4", meeting_id=meeting_id, due_date=due,
            owners={"US": [{"user_id": committee.us_observer.id}], "KR": [{"user_id": committee.kr_observer.id}]}),
        "finished": make_action_item("Share the list of joint projects", meeting_id=meeting_id, due_date=due,
                                     status="done"),
    }


# --- what the feed holds --------------------------------------------------------------------------------

def test_a_delegate_subscribes_and_sees_the_meeting_and_their_own_due_dates(app, client, auth, committee, agenda):
    url = subscribe(client, auth, committee.kr_delegate)
    assert url.startswith("http://localhost/calendar/")
    calendar = fetch(app.test_client(), url)  # a calendar program: no session, no cookies
    assert str(calendar["X-WR-CALNAME"]) and str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    found = events(calendar)
    meeting, second_day = found[f"meeting-{agenda['meeting']}-day1@jcm"], found[f"meeting-{agenda['meeting']}-day2@jcm"]
    assert str(meeting["SUMMARY"]) == "The 12th Joint Committee Meeting (day 1 of 2)"
    # Each day at its hours in the host city's zone, which the feed carries for the calendar program to convert.
    seoul = ZoneInfo("Asia/Seoul")
    assert meeting.decoded("DTSTART") == datetime.combine(agenda["start"], time(9, 0), tzinfo=seoul)
    assert meeting["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert second_day.decoded("DTEND") == datetime.combine(agenda["start"] + timedelta(days=1), time(17, 30),
                                                           tzinfo=seoul)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert str(meeting["LOCATION"]) == "Ministry of Science and ICT, Government Complex Sejong, Sejong"
    assert meeting["DTSTAMP"]
    mine = found[f"action-{agenda['mine']}@jcm"]
    assert str(mine["SUMMARY"]) == "JCM12-A01 Exchange AI-ready dataset inventories (due)"
    assert mine.decoded("DTSTART") == date.today() + timedelta(days=90)
    assert "박지훈" in str(mine["DESCRIPTION"])
    assert f"action-{agenda['agency']}@jcm" in found  # owned by the delegate's agency, NRF
    assert f"action-{agenda['others']}@jcm" not in found  # other people's work
    assert f"action-{agenda['finished']}@jcm" not in found  # done: nothing is due any more
    assert not [uid for uid in found if uid.startswith("action-") and uid not in (
        f"action-{agenda['mine']}@jcm", f"action-{agenda['agency']}@jcm")]


def test_the_uids_are_stable_so_calendars_update_rather_than_duplicate(app, client, auth, committee, agenda):
    url = subscribe(client, auth, committee.us_delegate)
    first, second = fetch(client, url), fetch(client, url)
    assert sorted(events(first)) == sorted(events(second))
    assert set(events(first)) == {f"meeting-{agenda['meeting']}-day1@jcm", f"meeting-{agenda['meeting']}-day2@jcm",
                                  f"action-{agenda['mine']}@jcm",
                                  f"action-{agenda['agency']}@jcm"}


def test_the_feed_speaks_the_users_language(app, client, auth, committee, agenda):
    with app.app_context():
        db.session.get(User, committee.kr_delegate.id).locale = "ko"
        db.session.commit()
    url = subscribe(client, auth, committee.kr_delegate)
    meeting = events(fetch(app.test_client(), url))[f"meeting-{agenda['meeting']}-day1@jcm"]
    assert str(meeting["SUMMARY"]) == "제12차 공동위원회 (2일 중 1일차)"
    assert str(meeting["LOCATION"]) == "과학기술정보통신부 정부세종청사, 세종"


def test_an_observer_without_action_items_still_sees_the_meetings(app, committee, agenda):
    with app.app_context():
        user = db.session.get(User, committee.us_admin.id)
        calendar = Calendar.from_ical(build_calendar(user, date.today()))
        assert set(events(calendar)) == {f"meeting-{agenda['meeting']}-day1@jcm", f"meeting-{agenda['meeting']}-day2@jcm"}


# --- the address is the credential ----------------------------------------------------------------------

def test_only_the_tokens_hash_is_stored(app, client, auth, committee, agenda):
    url = subscribe(client, auth, committee.us_delegate)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context():
        feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == committee.us_delegate.id))
        assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in feed.token_hash


def test_renewing_the_address_stops_the_old_one(app, client, auth, committee, agenda):
    old = subscribe(client, auth, committee.us_delegate)
    new = subscribe(client, auth, committee.us_delegate)
    assert old != new
    assert client.get(old).status_code == 404
    fetch(client, new)
    with app.app_context():
        assert db.session.scalar(select(CalendarFeed).where(
            CalendarFeed.user_id == committee.us_delegate.id)) is not None
        assert len(db.session.scalars(select(CalendarFeed)).all()) == 1


def test_revoking_the_address_stops_it(app, client, auth, committee, agenda):
    url = subscribe(client, auth, committee.us_delegate)
    auth.login(committee.us_delegate)
    assert "You have a calendar address" in client.get("/account/calendar").get_data(as_text=True)
    response = post_form(client, "/account/calendar", {"action": "revoke"}, follow_redirects=True)
    assert response.status_code == 200 and "You have no calendar address." in response.get_data(as_text=True)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["unknown-token", "x" * 300, "jcm_" + "a" * 40])
def test_an_unknown_address_is_not_found(client, committee, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_accounts_feed_stops(app, client, auth, committee, agenda):
    url = subscribe(client, auth, committee.kr_delegate)
    with app.app_context():
        db.session.get(User, committee.kr_delegate.id).active = False
        db.session.commit()
    assert client.get(url).status_code == 404


def test_every_change_of_the_address_is_in_the_audit_trail(app, client, auth, committee):
    subscribe(client, auth, committee.kr_observer)
    subscribe(client, auth, committee.kr_observer)
    auth.login(committee.kr_observer)
    post_form(client, "/account/calendar", {"action": "revoke"})
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("calendar_feed.%")).order_by(AuditEvent.id)).all()
    assert actions == ["calendar_feed.create", "calendar_feed.renew", "calendar_feed.revoke"]


def test_one_person_cannot_make_anothers_feed(app, committee):
    from jcm.errors import PermissionDenied

    with app.app_context():
        delegate = db.session.get(User, committee.us_delegate.id)
        other = db.session.get(User, committee.kr_delegate.id)
        with pytest.raises(PermissionDenied):
            create_or_renew_feed(delegate, other)
        token = create_or_renew_feed(db.session.get(User, committee.us_admin.id), other)
        assert user_for_feed_token(token).id == other.id


# --- the page -------------------------------------------------------------------------------------------

def test_the_calendar_page_needs_sign_in_and_is_linked_from_the_account(client, auth, committee):
    response = client.get("/account/calendar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(committee.us_delegate)
    assert 'href="/account/calendar"' in client.get("/account").get_data(as_text=True)
    page = client.get("/account/calendar").get_data(as_text=True)
    assert "You have no calendar address." in page and "Create a calendar address" in page


def test_the_pages_forms_need_their_csrf_token(app, client, auth, committee):
    auth.login(committee.us_delegate)
    refused = client.post("/account/calendar", data={"action": "renew"})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(CalendarFeed)).all() == []
    assert post_form(client, "/account/calendar", {"action": "renew"}).status_code == 200
    assert client.post("/account/calendar", data={"action": "revoke"}).status_code == 400
    with app.app_context():
        assert len(db.session.scalars(select(CalendarFeed)).all()) == 1
    assert post_form(client, "/account/calendar", {"action": "explode"}).status_code == 422
