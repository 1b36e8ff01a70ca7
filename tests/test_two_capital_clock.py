"""The two capitals are 13–14 hours apart: every time says its zone. A meeting's agenda is in its host city's time
and, beside it, in the reader's own, the date change marked; each account reads timestamps in its zone (its side's
capital unless it chose another)."""

from __future__ import annotations

import re

from jcm.accounts.models import User
from jcm.extensions import db
from tests.conftest import Auth, post_form


def page_for(app, who, path) -> str:
    client = app.test_client()
    Auth(client).login(who)
    return client.get(path).get_data(as_text=True)


def test_the_agenda_of_a_meeting_in_sejong_reads_in_washington_time_beside_seoul_time(app, committee, make_meeting):
    meeting_id = make_meeting(ordinal=12, start_date="2027-03-10")  # hosted by Korea: Asia/Seoul, 09:00–17:30
    american = page_for(app, committee.us_secretariat, f"/meetings/{meeting_id}")
    # 09:00 in Seoul is 19:00 the evening before in Washington (EST, 14 hours behind).
    assert "09:00–17:30 Seoul · 19:00–03:30 Washington, the day before" in american
    first_slot = re.search(r'<td class="col-time">(.*?)</td>', american, re.S).group(1)
    assert '<span class="js-start">09:00</span>' in first_slot
    assert '<span class="muted">(<span class="js-elsewhere">19:00–19:15</span>)</span>' in first_slot
    korean = page_for(app, committee.kr_secretariat, f"/meetings/{meeting_id}")
    assert "js-elsewhere" not in korean and "Washington" not in korean  # a reader in the meeting's own zone


def test_a_korean_reader_of_a_washington_meeting_is_told_the_next_day(app, committee, make_meeting):
    meeting_id = make_meeting(ordinal=13, start_date="2027-06-14", host_side="US",
                              venue="Department of State", city="Washington, D.C.")
    client = app.test_client()
    Auth(client).login(committee.kr_secretariat)
    page = client.get(f"/meetings/{meeting_id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    # 09:00 EDT in June is 22:00 the same day in Seoul (13 hours ahead).
    assert "09:00–17:30 워싱턴 · 서울 22:00–06:30" in page


def test_an_account_reads_timestamps_in_its_own_zone_with_the_zone_said(app, api, committee, make_meeting):
    from tests.conftest import complete_both_texts

    meeting_id = make_meeting(ordinal=14, start_date="2027-05-10")
    complete_both_texts(app, committee, meeting_id)
    assert api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", committee.us_secretariat).status_code == 201
    korean = page_for(app, committee.kr_secretariat, f"/meetings/{meeting_id}")
    american = page_for(app, committee.us_secretariat, f"/meetings/{meeting_id}")
    assert re.search(r"Agreed by Samuel Reyes on [^<]+ KST", korean)
    assert re.search(r"Agreed by Samuel Reyes on [^<]+ E[SD]T", american)


def test_the_audit_log_says_the_zone_of_each_entry(app, committee, make_meeting):
    make_meeting(ordinal=15, start_date="2027-05-10")
    page = page_for(app, committee.kr_admin, "/admin/audit")
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST</time>", page)


def test_a_person_chooses_their_zone_and_an_unknown_one_is_refused(app, api, committee):
    client = app.test_client()
    Auth(client).login(committee.us_delegate)
    assert api.get("/api/v1/me", committee.us_delegate).get_json()["time_zone"] == "America/New_York"
    page = client.get("/account").get_data(as_text=True)
    version = re.search(r'name="profile-version" type="hidden" value="(\d+)"', page).group(1)
    profile = {"profile-name": "David Okafor", "profile-title": "", "profile-locale": "", "profile-version": version}
    refused = post_form(client, "/account", {**profile, "profile-time_zone": "Mars/Olympus_Mons"}, page="/account")
    assert refused.status_code == 422
    assert "The time zone must be an IANA time zone name" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, committee.us_delegate.id).time_zone == ""
    saved = post_form(client, "/account", {**profile, "profile-time_zone": "America/Los_Angeles"}, page="/account")
    assert saved.status_code == 302
    assert api.get("/api/v1/me", committee.us_delegate).get_json()["time_zone"] == "America/Los_Angeles"
    assert re.search(r"P[SD]T</td>", client.get("/account").get_data(as_text=True))  # this sign-in, in Pacific time
