"""Facts that belong to both sides take both sides: each side names its own co-chair and lists its own delegation;
cancelling or deleting a meeting, and moving its dates or host once its agenda is agreed, is proposed by one side's
secretariat and done when the other side's secretariat confirms it; and observers read, never write."""

from __future__ import annotations

from sqlalchemy import select

from jcm.extensions import db
from tests.conftest import Auth, csrf_token

TYPHOON = "A typhoon is forecast for Sejong that week."


def meeting_of(app, meeting_id):
    from jcm.meetings.services import get_meeting

    with app.app_context():
        meeting = get_meeting(meeting_id)
        db.session.expunge_all()
        return meeting


def audit_of(app, meeting_id) -> list[tuple[str, int | None]]:
    from jcm.audit.models import AuditEvent

    with app.app_context():
        return [(e.action, e.actor_id) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "Meeting", AuditEvent.object_id == meeting_id)
            .order_by(AuditEvent.id))]


def browser(app, person):
    client = app.test_client()
    Auth(client).login(person)
    return client, csrf_token(client, "/account")


# --- each side names its own co-chair ---------------------------------------------------------------------

def test_a_us_secretariat_cannot_clear_the_korean_co_chair_on_the_page_or_through_the_api(app, api, committee,
                                                                                          make_meeting):
    meeting_id = make_meeting()
    path = f"/api/v1/meetings/{meeting_id}"
    refused = api.client.patch(path, headers=api.headers(committee.us_secretariat), json={"co_chairs": {"KR": None}})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == ("Each side names its own co-chair: the Korean co-chair is named "
                                                      "by the Korean secretariat.")
    assert meeting_of(app, meeting_id).co_chair_kr_id == committee.kr_co_chair.id
    # The page: the U.S. secretariat's form has no Korean co-chair to change, so what is sent for it is not taken.
    client, token = browser(app, committee.us_secretariat)
    form = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
    assert 'name="co_chair_us_id"' in form and 'name="co_chair_kr_id"' not in form
    assert "secretariat names this one" in form and "이준호" in form
    meeting = meeting_of(app, meeting_id)
    response = client.post(f"/meetings/{meeting_id}/edit", data={
        "csrf_token": token, "ordinal": "12", "start_date": "2027-03-10", "end_date": "2027-03-10", "title": "",
        "title_ko": "", "venue": meeting.venue, "venue_ko": meeting.venue_ko, "city": meeting.city,
        "city_ko": meeting.city_ko, "host_side": "KR", "mode": "hybrid", "time_zone": meeting.time_zone,
        "co_chair_us_id": str(committee.us_co_chair.id), "co_chair_kr_id": "", "version": str(meeting.version)})
    assert response.status_code == 302
    assert meeting_of(app, meeting_id).co_chair_kr_id == committee.kr_co_chair.id
    # The Korean secretariat clears and names their own.
    cleared = api.client.patch(path, headers=api.headers(committee.kr_secretariat), json={"co_chairs": {"KR": None}})
    assert cleared.status_code == 200 and cleared.get_json()["co_chairs"]["KR"] is None
    named = api.client.patch(path, headers=api.headers(committee.kr_secretariat),
                             json={"co_chairs": {"KR": committee.kr_co_chair.id}})
    assert named.status_code == 200 and named.get_json()["co_chairs"]["KR"] == committee.kr_co_chair.id
    assert ("meeting.update", committee.kr_secretariat.id) in audit_of(app, meeting_id)


def test_a_secretariat_creating_a_meeting_names_only_its_own_sides_co_chair(api, committee):
    body = {"agreement_id": committee.agreement_id, "ordinal": 30, "start_date": "2028-03-10", "host_side": "US",
            "co_chairs": {"US": committee.us_co_chair.id, "KR": committee.kr_co_chair.id}}
    refused = api.post("/api/v1/meetings", committee.us_secretariat, json=body)
    assert refused.status_code == 403 and "names its own co-chair" in refused.get_json()["error"]["message"]
    assert api.get("/api/v1/meetings", committee.us_secretariat).get_json() == []


# --- each side lists its own delegation -------------------------------------------------------------------

def test_a_secretariat_lists_its_own_delegation_in_the_minutes_never_the_other_sides(app, api, committee,
                                                                                     held_meeting):
    minutes = f"/api/v1/meetings/{held_meeting}/minutes"
    assert api.client.put(minutes, headers=api.headers(committee.us_secretariat), json={"attendance": {
        "US": [{"user_id": committee.us_co_chair.id}]}}).status_code == 200
    refused = api.client.put(minutes, headers=api.headers(committee.us_secretariat),
                             json={"attendance": {"KR": [{"name": "Kim Seo-yeon"}]}})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == ("Each side lists its own delegation: the Korean delegation is "
                                                      "listed by the Korean secretariat.")
    client, token = browser(app, committee.us_secretariat)
    page = client.get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)
    assert f'action="/meetings/{held_meeting}/minutes/attendance/US"' in page
    assert f'action="/meetings/{held_meeting}/minutes/attendance/KR"' not in page
    posted = client.post(f"/meetings/{held_meeting}/minutes/attendance/KR",
                         data={"csrf_token": token, "people": "Kim Seo-yeon"})
    assert posted.status_code == 403
    assert api.get(minutes, committee.kr_observer).get_json()["attendance"] == {"US": ["Margaret Chen"], "KR": []}
    listed = api.client.put(minutes, headers=api.headers(committee.kr_secretariat), json={"attendance": {
        "KR": [{"user_id": committee.kr_co_chair.id}]}})
    assert listed.status_code == 200 and listed.get_json()["attendance"]["KR"] == ["이준호"]


# --- what takes both sides is proposed by one and confirmed by the other -----------------------------------

def test_korea_proposes_cancelling_an_agreed_meeting_and_it_is_cancelled_when_the_us_confirms(app, committee,
                                                                                             agreed_meeting):
    korea, korean_token = browser(app, committee.kr_secretariat)
    page = korea.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)
    assert 'name="status" value="cancelled"' not in page  # no cancelling alone; proposing it, and new dates
    assert f'href="/meetings/{agreed_meeting}/proposals/cancel"' in page
    assert f'href="/meetings/{agreed_meeting}/proposals/change"' in page
    change = korea.get(f"/meetings/{agreed_meeting}/proposals/change").get_data(as_text=True)
    assert 'name="start_date"' in change and 'name="host_side"' in change and 'name="reason"' in change
    cancel = korea.get(f"/meetings/{agreed_meeting}/proposals/cancel").get_data(as_text=True)
    assert 'name="start_date"' not in cancel and 'name="reason"' in cancel
    alone = korea.post(f"/meetings/{agreed_meeting}/status", data={"csrf_token": korean_token, "status": "cancelled"})
    assert alone.status_code == 302 and meeting_of(app, agreed_meeting).status == "agenda_agreed"  # refused, said why
    assert "cancelling it takes both sides" in korea.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)

    proposed = korea.post(f"/meetings/{agreed_meeting}/proposals/cancel",
                          data={"csrf_token": korean_token, "reason": TYPHOON})
    assert proposed.status_code == 302 and proposed.headers["Location"].endswith("#proposal-1")
    assert meeting_of(app, agreed_meeting).status == "agenda_agreed"  # unchanged until the other side confirms
    mine = korea.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)
    assert TYPHOON in mine and "/proposals/1/withdraw" in mine and "/proposals/1/confirm" not in mine

    us, us_token = browser(app, committee.us_secretariat)
    theirs = us.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)
    assert TYPHOON in theirs and "/proposals/1/confirm" in theirs and "/proposals/1/decline" in theirs
    assert "/proposals/1/withdraw" not in theirs
    confirmed = us.post(f"/meetings/{agreed_meeting}/proposals/1/confirm",
                        data={"csrf_token": us_token, "confirmed": "y"})
    assert confirmed.status_code == 302
    assert meeting_of(app, agreed_meeting).status == "cancelled"
    trail = audit_of(app, agreed_meeting)
    assert ("meeting.propose", committee.kr_secretariat.id) in trail
    assert ("meeting.proposal_confirm", committee.us_secretariat.id) in trail
    assert ("meeting.status", committee.us_secretariat.id) in trail
    assert "Confirmed by Samuel Reyes" in us.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)


def test_a_withdrawn_proposal_cannot_be_confirmed(app, api, committee, agreed_meeting):
    proposals = f"/api/v1/meetings/{agreed_meeting}/proposals"
    made = api.post(proposals, committee.kr_secretariat, json={"kind": "cancel", "reason": TYPHOON})
    assert made.status_code == 201 and made.get_json()["status"] == "proposed"
    assert api.post(f"{proposals}/1/withdrawal", committee.us_secretariat).status_code == 403  # not theirs
    withdrawn = api.post(f"{proposals}/1/withdrawal", committee.kr_secretariat)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert withdrawn.get_json()["decided_by_id"] == committee.kr_secretariat.id
    refused = api.post(f"{proposals}/1/confirmation", committee.us_secretariat)
    assert refused.status_code == 409 and "has been withdrawn" in refused.get_json()["error"]["message"]
    assert meeting_of(app, agreed_meeting).status == "agenda_agreed"
    assert ("meeting.proposal_withdraw", committee.kr_secretariat.id) in audit_of(app, agreed_meeting)


def test_the_proposing_side_cannot_confirm_its_own_proposal(app, api, committee, agreed_meeting):
    proposals = f"/api/v1/meetings/{agreed_meeting}/proposals"
    assert api.post(proposals, committee.kr_secretariat, json={"kind": "cancel", "reason": TYPHOON}).status_code == 201
    own = api.post(f"{proposals}/1/confirmation", committee.kr_secretariat)
    assert own.status_code == 403
    assert own.get_json()["error"]["message"] == "Your side made this proposal: the other side's secretariat confirms it."
    korea, token = browser(app, committee.kr_secretariat)
    assert korea.post(f"/meetings/{agreed_meeting}/proposals/1/confirm", data={"csrf_token": token}).status_code == 403
    for person in (committee.us_co_chair, committee.us_delegate, committee.us_observer, committee.us_admin):
        assert api.post(f"{proposals}/1/confirmation", person).status_code == 403
    assert meeting_of(app, agreed_meeting).status == "agenda_agreed"
    listed = api.get(proposals, committee.us_observer).get_json()
    assert [(p["number"], p["kind"], p["side"], p["status"], p["stale"]) for p in listed] == [
        (1, "cancel", "KR", "proposed", False)]


def test_one_open_proposal_of_a_kind_and_a_declined_one_leaves_the_meeting_as_it_is(app, api, committee,
                                                                                    agreed_meeting):
    proposals = f"/api/v1/meetings/{agreed_meeting}/proposals"
    assert api.post(proposals, committee.kr_secretariat, json={"kind": "cancel", "reason": TYPHOON}).status_code == 201
    again = api.post(proposals, committee.us_secretariat, json={"kind": "cancel", "reason": "Budget."})
    assert again.status_code == 409 and "already open" in again.get_json()["error"]["message"]
    declined = api.post(f"{proposals}/1/decline", committee.us_secretariat)
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    assert meeting_of(app, agreed_meeting).status == "agenda_agreed"
    assert api.post(proposals, committee.us_secretariat, json={"kind": "cancel", "reason": "Budget."}).status_code == 201


def test_new_dates_once_agreed_are_proposed_and_a_proposal_on_a_meeting_changed_since_is_refused(
        app, api, committee, agreed_meeting):
    path = f"/api/v1/meetings/{agreed_meeting}"
    direct = api.client.patch(path, headers=api.headers(committee.kr_secretariat),
                              json={"start_date": "2027-11-08", "end_date": "2027-11-09"})
    assert direct.status_code == 409 and "takes both sides" in direct.get_json()["error"]["message"]
    host = api.client.patch(path, headers=api.headers(committee.kr_secretariat), json={"host_side": "US"})
    assert host.status_code == 409
    nothing = api.post(f"{path}/proposals", committee.kr_secretariat,
                       json={"kind": "change", "host_side": "KR", "reason": "Same."})
    assert nothing.status_code == 422
    moved = api.post(f"{path}/proposals", committee.kr_secretariat,
                     json={"kind": "change", "start_date": "2027-11-08", "reason": "The minister travels."})
    assert moved.status_code == 201, moved.get_json()
    assert (moved.get_json()["start_date"], moved.get_json()["end_date"]) == ("2027-11-08", "2027-11-09")
    assert moved.get_json()["was"] == {"start_date": "2027-11-01", "end_date": "2027-11-02", "host_side": "KR"}
    # Meanwhile the meeting changes: the proposal no longer says what it would do, and is not confirmed.
    assert api.client.patch(path, headers=api.headers(committee.us_secretariat),
                            json={"mode": "virtual"}).status_code == 200
    assert api.get(f"{path}/proposals/1", committee.us_secretariat).get_json()["stale"] is True
    stale = api.post(f"{path}/proposals/1/confirmation", committee.us_secretariat)
    assert stale.status_code == 409 and "changed since" in stale.get_json()["error"]["message"]
    assert meeting_of(app, agreed_meeting).start_date.isoformat() == "2027-11-01"
    # Proposed again, and confirmed: the meeting moves as a whole, and both sides agree its agenda again.
    assert api.post(f"{path}/proposals/1/withdrawal", committee.kr_secretariat).status_code == 200
    assert api.post(f"{path}/proposals", committee.kr_secretariat, json={
        "kind": "change", "start_date": "2027-11-08", "reason": "The minister travels."}).status_code == 201
    assert api.post(f"{path}/proposals/2/confirmation", committee.us_secretariat).status_code == 200
    meeting = api.get(path, committee.us_observer).get_json()
    assert (meeting["start_date"], meeting["end_date"], meeting["status"]) == ("2027-11-08", "2027-11-09", "planning")
    days = {item["title"]: item["day"] for item in api.get(f"{path}/agenda-items", committee.us_observer).get_json()}
    assert days["Site visit"] == "2027-11-09" and days["Closing remarks"] == "2027-11-08"  # each kept its day


def test_deleting_a_meeting_the_other_side_hosts_takes_both_sides(app, api, committee, make_meeting):
    meeting_id = make_meeting(ordinal=40, start_date="2028-05-01")  # hosted by Korea, in planning
    path = f"/api/v1/meetings/{meeting_id}"
    alone = api.client.delete(path, headers=api.headers(committee.us_secretariat))
    assert alone.status_code == 403 and "deleting it takes both sides" in alone.get_json()["error"]["message"]
    assert api.post(f"{path}/proposals", committee.us_secretariat,
                    json={"kind": "delete", "reason": "Entered twice."}).status_code == 201
    assert api.get(path, committee.us_secretariat).status_code == 200  # still there
    confirmed = api.post(f"{path}/proposals/1/confirmation", committee.kr_secretariat)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    assert api.get(path, committee.us_secretariat).status_code == 404
    trail = audit_of(app, meeting_id)
    assert ("meeting.propose", committee.us_secretariat.id) in trail
    assert ("meeting.proposal_confirm", committee.kr_secretariat.id) in trail
    assert ("meeting.delete", committee.kr_secretariat.id) in trail


def test_a_restored_meeting_is_agreed_again_by_both_sides(app, api, committee, agreed_meeting):
    path = f"/api/v1/meetings/{agreed_meeting}"
    assert api.post(f"{path}/proposals", committee.us_secretariat,
                    json={"kind": "cancel", "reason": TYPHOON}).status_code == 201
    assert api.post(f"{path}/proposals/1/confirmation", committee.kr_secretariat).status_code == 200
    restored = api.client.patch(path, headers=api.headers(committee.us_secretariat), json={"status": "planning"})
    assert restored.status_code == 200 and restored.get_json()["status"] == "planning"
    assert restored.get_json()["agenda_version"] == 2  # one side alone does not bring back what both agreed


# --- observers read and never write ------------------------------------------------------------------------

def test_an_observer_whose_agency_owns_an_action_item_cannot_change_its_status(app, api, committee,
                                                                              make_action_item):
    from jcm.accounts.models import Organization

    with app.app_context():
        nasa = db.session.scalar(select(Organization.id).where(Organization.acronym == "NASA"))
    item_id = make_action_item(owners={"US": [{"organization_id": nasa}], "KR": [{"user_id": committee.kr_delegate.id}]})
    message = "Observers read and never write, whatever their agency owns."
    refused = api.post(f"/api/v1/action-items/{item_id}/updates", committee.us_observer,
                       json={"text": "Done on our side.", "status": "done"})
    assert refused.status_code == 403 and refused.get_json()["error"]["message"] == message
    client, token = browser(app, committee.us_observer)
    assert f'id="action-{item_id}"' in client.get("/my-action-items").get_data(as_text=True)  # theirs to read
    posted = client.post(f"/action-items/{item_id}/updates",
                         data={"csrf_token": token, "text": "Done on our side.", "status": "done"})
    assert posted.status_code == 403 and message in posted.get_data(as_text=True)
    item = api.get(f"/api/v1/action-items/{item_id}", committee.us_observer).get_json()
    assert item["status"] == "open"
    assert api.get(f"/api/v1/action-items/{item_id}/updates", committee.us_observer).get_json() == []
