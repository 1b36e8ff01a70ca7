"""Writing the minutes live: the editor's script sends a section's form and the same views answer in JSON — saved
with its new version, a stale save refused with both texts, bad input refused with the message — through the same
services, the same permissions and the same security token as the form."""

from __future__ import annotations

from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.mou.models import FocusArea
from tests.conftest import csrf_token
from tests.test_minutes_pages import minutes_page, stored

LIVE = {"Accept": "application/json", "X-Requested-With": "fetch"}


def live_save(client, meeting_id, section_id, discussion, version=1, token=None, **texts):
    token = token if token is not None else csrf_token(client, minutes_page(meeting_id))
    data = {"discussion": discussion, "decisions": "", "version": str(version), **texts}
    if token:
        data["csrf_token"] = token
    return client.post(f"/minutes/sections/{section_id}", data=data, headers={**LIVE, "X-CSRFToken": token or ""})


def test_a_section_saved_live_answers_its_new_version_and_the_time(app, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    response = live_save(auth.client, held_meeting, sections[0],
                         "The sides reviewed the year.", decisions="Meet again in Seoul")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["version"] == 2
    assert "has been saved" in body["message"] and body["saved_at"]
    assert stored(app, sections[0]) == ("The sides reviewed the year.", ["Meet again in Seoul"], 2)
    # Nothing is flashed for a next page: the script said it on the page already.
    assert "has been saved" not in auth.client.get(minutes_page(held_meeting)).get_data(as_text=True)


def test_a_stale_live_save_is_refused_with_both_texts(app, auth, committee, held_meeting, sections):
    with app.app_context():
        services.save_section(get_user(committee.kr_secretariat.id), services.get_section(sections[1]),
                              "The Korean secretariat's text.", [], 1, discussion_ko="한국 측 문안.")
        db.session.commit()
    auth.login(committee.us_secretariat)
    response = live_save(auth.client, held_meeting, sections[1], "My text, typed meanwhile.", version=1)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict" and "meanwhile" in error["message"]
    current = error["current"]
    assert (current["discussion"], current["discussion_ko"], current["version"]) == (
        "The Korean secretariat's text.", "한국 측 문안.", 2)
    assert current["yours"]["discussion"] == "My text, typed meanwhile."
    assert current["author"] == committee.kr_secretariat.name and current["at"]
    assert stored(app, sections[1])[0] == "The Korean secretariat's text."  # nothing overwritten

    again = live_save(auth.client, held_meeting, sections[1], "My text, typed meanwhile.", version=2)
    assert again.status_code == 200 and again.get_json()["version"] == 3


def test_bad_input_saved_live_is_refused_with_the_message(app, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    response = live_save(auth.client, held_meeting, sections[0], "x" * 100_001)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert "discussion" in error["fields"]["json"]
    assert stored(app, sections[0]) == ("", [], 1)


def test_a_live_save_needs_the_pages_security_token(app, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    response = live_save(auth.client, held_meeting, sections[0], "Sent from another site.", token="")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf"
    forged = live_save(auth.client, held_meeting, sections[0], "Sent from another site.", token="forged")
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "csrf"
    assert stored(app, sections[0]) == ("", [], 1)


def test_a_live_save_is_allowed_to_whom_the_form_is(app, auth, committee, held_meeting, sections):
    for person in (committee.us_delegate, committee.kr_observer, committee.us_co_chair):
        auth.login(person)
        token = csrf_token(auth.client, minutes_page(held_meeting))
        response = live_save(auth.client, held_meeting, sections[0], "Not theirs to write.", token=token)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden", person.role
        auth.logout()
    assert stored(app, sections[0]) == ("", [], 1)
    auth.login(committee.kr_secretariat)  # either side's secretariat writes the record
    assert live_save(auth.client, held_meeting, sections[0], "양측은 회의하였다.").status_code == 200


def test_a_signed_out_live_save_answers_401_and_the_form_is_sent_itself(app, client, held_meeting, sections):
    response = client.post(f"/minutes/sections/{sections[0]}", data={"discussion": "x", "version": "1"},
                           headers=LIVE)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert stored(app, sections[0]) == ("", [], 1)


def test_progress_and_the_next_meeting_save_live(app, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    token = csrf_token(auth.client, minutes_page(held_meeting))
    with app.app_context():
        area_id = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
    url = f"/meetings/{held_meeting}/minutes/progress/{area_id}"
    saved = auth.client.post(url, data={"csrf_token": token, "status": "on_track", "narrative": "On track.",
                                        "version": ""}, headers={**LIVE, "X-CSRFToken": token})
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    stale = auth.client.post(url, data={"status": "at_risk", "narrative": "Late.", "version": "7"},
                             headers={**LIVE, "X-CSRFToken": token})
    assert stale.status_code == 409 and stale.get_json()["error"]["current"]["narrative"] == "On track."
    bad = auth.client.post(url, data={"status": "nonsense", "narrative": "?", "version": "1"},
                           headers={**LIVE, "X-CSRFToken": token})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["json"]

    url = f"/meetings/{held_meeting}/minutes/next-meeting"
    with app.app_context():
        version = services.minutes_for(get_meeting(held_meeting)).next_meeting_version
    answer = auth.client.post(url, data={"next_meeting": "Seoul, spring 2027", "next_meeting_ko": "2027년 봄, 서울",
                                         "version": str(version)}, headers={**LIVE, "X-CSRFToken": token})
    assert answer.status_code == 200 and answer.get_json()["version"] == version + 1
    refused = auth.client.post(url, data={"next_meeting": "Elsewhere", "version": str(version)},
                               headers={**LIVE, "X-CSRFToken": token})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["current"]["next_meeting"] == "Seoul, spring 2027"
    no_token = auth.client.post(url, data={"next_meeting": "Elsewhere", "version": str(version + 1)}, headers=LIVE)
    assert no_token.status_code == 400 and no_token.get_json()["error"]["code"] == "csrf"
