"""Meetings and the agenda builder, as the two secretariats and the co-chairs use them."""

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from jcm.accounts.services import get_user
from jcm.audit.models import AuditEvent
from jcm.extensions import db
from jcm.meetings import services
from jcm.meetings.models import Meeting
from jcm.mou.models import Agreement, FocusArea
from tests.conftest import complete_both_texts, post_form


def _meeting(app, meeting_id):
    with app.app_context():
        meeting = services.get_meeting(meeting_id, with_agenda=True)
        db.session.expunge_all()
        return meeting


def _area_id(app, code):
    with app.app_context():
        return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


# --- creating a meeting -----------------------------------------------------------------------------------

def test_a_secretariat_creates_the_12th_meeting_with_the_customary_first_draft(app, client, auth, committee):
    auth.login(committee.kr_secretariat)
    response = post_form(client, "/meetings/new", {
        "ordinal": "12", "start_date": "2027-03-10", "end_date": "2027-03-11", "venue": "Government Complex Sejong",
        "venue_ko": "정부세종청사", "city": "Sejong", "host_side": "KR", "mode": "hybrid",
        "co_chair_us_id": str(committee.us_co_chair.id), "co_chair_kr_id": str(committee.kr_co_chair.id),
        "focus_area_ids": [str(_area_id(app, "A.1")), str(_area_id(app, "B.4"))]})
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    meeting = _meeting(app, meeting_id)
    assert meeting.title == "The 12th Joint Committee Meeting" and meeting.title_ko == "제12차 공동위원회"
    assert [i.kind for i in meeting.items] == ["opening", "procedural", "action_review", "focus_area", "focus_area",
                                              "other_business", "procedural", "closing"]
    assert [a.code for a in meeting.items[3].focus_areas] == ["A.1"]
    # Each side names its own co-chair: the Korean secretariat's form has no U.S. co-chair, so what was sent for it
    # is not taken, and the U.S. secretariat names theirs.
    assert meeting.co_chair_us_id is None and meeting.co_chair_kr_id == committee.kr_co_chair.id
    assert meeting.items[0].presenter_us == "" and meeting.items[0].presenter_kr == "이준호"
    assert [d.day for d in meeting.days] == [date(2027, 3, 10), date(2027, 3, 11)]
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Review of action items from previous meetings" in page
    assert "09:00" in page and "09:15" in page and "09:20" in page  # opening 15 min, adoption 5 min


@pytest.mark.parametrize("ordinal, expected", [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"),
                                               (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st")])
def test_english_ordinals(ordinal, expected):
    assert services.english_ordinal(ordinal) == expected


def _new_meeting(client, **fields):
    data = {"ordinal": "12", "start_date": "2027-03-10", "end_date": "", "venue": "", "venue_ko": "", "city": "",
            "city_ko": "", "host_side": "US", "mode": "in_person", "co_chair_us_id": "", "co_chair_kr_id": ""}
    data.update(fields)
    return post_form(client, "/meetings/new", data)


def test_bad_meeting_input_gets_a_clear_message_and_keeps_the_form(app, client, auth, committee, make_meeting):
    make_meeting(ordinal=11)
    auth.login(committee.us_secretariat)
    cases = [
        ({"end_date": "2027-03-09", "venue": "Washington 워싱턴"}, "cannot end (2027-03-09) before it starts"),
        ({"ordinal": "11"}, "The 11th meeting already exists."),
        ({"co_chair_us_id": str(committee.kr_co_chair.id)}, "Not a valid choice"),
        ({"start_date": "2027-02-30"}, "Not a valid date value"),
        ({"ordinal": "-3"}, "Ordinal must be between 1 and 999."),
        ({"end_date": "2027-04-30"}, "A meeting lasts at most 14 days."),
    ]
    for fields, message in cases:
        response = _new_meeting(client, **fields)
        assert response.status_code == 422, fields
        page = response.get_data(as_text=True)
        assert message in page, (fields, message)
    assert 'value="Washington 워싱턴"' in _new_meeting(client, end_date="2027-03-09",
                                                       venue="Washington 워싱턴").get_data(as_text=True)


def test_a_co_chair_must_be_a_co_chair_of_that_side(app, committee, make_meeting):
    with app.app_context():
        secretariat = get_user(committee.us_secretariat.id)
        meeting = services.get_meeting(make_meeting())
        with pytest.raises(services.Invalid, match="belongs to the other side"):
            services.update_meeting(secretariat, meeting, {"co_chair_us_id": committee.kr_co_chair.id})
        with pytest.raises(services.Invalid, match="does not have the co-chair role"):
            services.update_meeting(get_user(committee.kr_secretariat.id), meeting,
                                    {"co_chair_kr_id": committee.kr_delegate.id})


def test_delegates_and_observers_read_meetings_but_cannot_create_or_edit(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.us_delegate)
    assert client.get("/meetings").status_code == 200
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Opening remarks by the co-chairs" in page and "Add an item" not in page
    assert client.get("/meetings/new").status_code == 403
    assert _new_meeting(client).status_code == 403
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 403


def test_the_meetings_list_shows_upcoming_and_past(client, auth, committee, make_meeting):
    make_meeting(ordinal=10, start_date="2024-05-02")
    make_meeting(ordinal=12, start_date=(date.today() + timedelta(days=40)).isoformat())
    auth.login(committee.kr_observer)
    page = client.get("/meetings").get_data(as_text=True)
    upcoming, past = page.split('id="past-heading"')
    assert "The 12th Joint Committee Meeting" in upcoming and "The 10th Joint Committee Meeting" in past


def test_a_long_list_of_meetings_comes_in_pages_the_upcoming_first(app, client, auth, committee, make_meeting):
    app.config["PAGE_SIZE"] = 2
    make_meeting(ordinal=12, start_date=(date.today() + timedelta(days=40)).isoformat())
    for ordinal, start in ((9, "2023-05-02"), (10, "2024-05-02"), (11, "2025-05-02")):
        make_meeting(ordinal=ordinal, start_date=start)
    auth.login(committee.kr_observer)
    first = client.get("/meetings").get_data(as_text=True)
    upcoming, past = first.split('id="past-heading"')
    assert "The 12th Joint Committee Meeting" in upcoming and "The 11th Joint Committee Meeting" in past
    assert "The 10th" not in first and "Page 1 of 2" in first and "/meetings?page=2" in first
    second = client.get("/meetings?page=2").get_data(as_text=True)
    assert 'id="upcoming-heading"' not in second and "No meeting is planned" not in second  # they were on page 1
    assert second.index("The 10th Joint Committee Meeting") < second.index("The 9th Joint Committee Meeting")
    assert "The 11th" not in second and "Page 2 of 2" in second
    by_title = client.get("/meetings?q=joint&sort=title").get_data(as_text=True)
    assert "/meetings?page=2&amp;q=joint&amp;sort=title" in by_title  # the next page keeps the search and the order


# --- the meeting's time zone ---------------------------------------------------------------------------

BAD_TIME_ZONES = ["", "../../etc/passwd", "Asia/Seoul\x00", "Asia/Seoul" * 500, "asia/seoul", "Seoul", "KST"]


def _edit_fields(meeting, **fields):
    """The edit form as a browser sends it back, unchanged but for `fields`."""
    data = {"ordinal": str(meeting.ordinal), "title": meeting.title, "title_ko": meeting.title_ko,
            "start_date": meeting.start_date.isoformat(), "end_date": meeting.end_date.isoformat(),
            "time_zone": meeting.time_zone, "venue": meeting.venue, "venue_ko": meeting.venue_ko, "city": meeting.city,
            "city_ko": meeting.city_ko, "host_side": meeting.host_side, "mode": meeting.mode,
            "co_chair_us_id": str(meeting.co_chair_us_id or ""), "co_chair_kr_id": str(meeting.co_chair_kr_id or ""),
            "version": str(meeting.version)}
    data.update(fields)
    return data


def _zone_options(page: str) -> list[str]:
    """The values the time-zone select offers, in order."""
    select_ = page.split('name="time_zone"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option (?:selected )?value="([^"]*)"', select_)


def _meeting_events(app, meeting_id, action="meeting.update"):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                           AuditEvent.object_id == meeting_id)).all()


def test_a_new_meeting_takes_the_host_sides_capital_unless_a_zone_is_chosen(app, client, auth, committee):
    auth.login(committee.us_secretariat)
    form = client.get("/meetings/new").get_data(as_text=True)
    offered = _zone_options(form)
    assert offered[:8] == ["", "Asia/Seoul", "America/New_York", "America/Chicago", "America/Denver",
                           "America/Los_Angeles", "Pacific/Honolulu", "UTC"]
    assert "Europe/Paris" in offered and len(offered) == len(set(offered))
    in_washington = _new_meeting(client, ordinal="12", host_side="US", time_zone="")
    in_seoul = _new_meeting(client, ordinal="13", start_date="2028-03-10", host_side="KR")
    in_honolulu = _new_meeting(client, ordinal="14", start_date="2029-03-10", host_side="US",
                               time_zone="Pacific/Honolulu")
    zones = [_meeting(app, int(r.headers["Location"].rsplit("/", 1)[1])).time_zone
             for r in (in_washington, in_seoul, in_honolulu)]
    assert zones == ["America/New_York", "Asia/Seoul", "Pacific/Honolulu"]
    page = client.get(in_honolulu.headers["Location"]).get_data(as_text=True)
    assert "<dt>Time zone</dt>" in page and "<dd>Pacific/Honolulu</dd>" in page


def test_a_meeting_made_without_a_zone_takes_its_host_sides_capital(app, committee, make_meeting):
    assert _meeting(app, make_meeting(ordinal=12)).time_zone == "Asia/Seoul"
    assert _meeting(app, make_meeting(ordinal=13, host_side="US")).time_zone == "America/New_York"
    assert _meeting(app, make_meeting(ordinal=14, time_zone="UTC")).time_zone == "UTC"


def test_a_secretariat_moves_the_meeting_to_another_zone_and_the_change_is_audited(app, client, auth, committee,
                                                                                   make_meeting):
    meeting = _meeting(app, make_meeting())
    auth.login(committee.kr_secretariat)
    form = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert '<option selected value="Asia/Seoul">Asia/Seoul</option>' in form
    assert "" not in _zone_options(form)  # a meeting always has its zone
    response = post_form(client, f"/meetings/{meeting.id}/edit", _edit_fields(meeting, time_zone="America/Chicago"))
    assert response.status_code == 302
    moved = _meeting(app, meeting.id)
    assert (moved.time_zone, moved.version, moved.venue) == ("America/Chicago", meeting.version + 1, meeting.venue)
    (event,) = _meeting_events(app, meeting.id)
    assert event.actor_id == committee.kr_secretariat.id
    assert event.changes() == [("time_zone", "Asia/Seoul", "America/Chicago")]
    assert "<dd>America/Chicago</dd>" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


@pytest.mark.parametrize("zone", BAD_TIME_ZONES)
def test_a_zone_that_is_not_a_time_zone_is_refused_beside_the_field_and_nothing_is_saved(app, client, auth, committee,
                                                                                          make_meeting, zone):
    meeting = _meeting(app, make_meeting(ordinal=11))
    auth.login(committee.us_secretariat)
    message = "The time zone must be an IANA time zone name such as Asia/Seoul or America/New_York."
    if "\x00" in zone:  # refused by the input's guard before the time zone's own rule (jcm.guard)
        message = "Time zone holds a control character (U+0000), which cannot be stored."
    edit = post_form(client, f"/meetings/{meeting.id}/edit", _edit_fields(meeting, time_zone=zone, venue="Elsewhere"))
    assert edit.status_code == 422
    assert re.search(r'id="time_zone-error">' + re.escape(message), edit.get_data(as_text=True))
    unchanged = _meeting(app, meeting.id)
    assert (unchanged.time_zone, unchanged.venue, unchanged.version) == ("Asia/Seoul", meeting.venue, 1)
    assert _meeting_events(app, meeting.id) == []
    if zone:  # on a new meeting, an empty choice is the host side's capital
        created = _new_meeting(client, time_zone=zone)
        assert created.status_code == 422 and message in created.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


@pytest.mark.parametrize("zone", [*BAD_TIME_ZONES, None, 9, ["Asia/Seoul"], {"name": "Asia/Seoul"}])
def test_the_rules_refuse_anything_but_a_known_zone_naming_the_field(app, committee, make_meeting, zone):
    with app.app_context():
        secretariat = get_user(committee.us_secretariat.id)
        meeting = services.get_meeting(make_meeting())
        with pytest.raises(services.Invalid) as refused:
            services.update_meeting(secretariat, meeting, {"time_zone": zone})
        assert refused.value.field == "time_zone" and refused.value.status == 422
        with pytest.raises(services.Invalid) as refused:
            services.create_meeting(secretariat, db.session.get(Agreement, committee.agreement_id),
                                    {"ordinal": 13, "start_date": "2028-03-10", "host_side": "US", "time_zone": zone})
        assert refused.value.field == "time_zone"
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
        assert db.session.get(Meeting, meeting.id).time_zone == "Asia/Seoul"


def test_the_korean_page_names_the_time_zone(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.kr_observer)
    page = client.get(f"/meetings/{meeting_id}", headers={"Accept-Language": "ko-KR,ko"}).get_data(as_text=True)
    assert "<dt>시간대</dt>" in page and "<dd>Asia/Seoul</dd>" in page


# --- agenda items ---------------------------------------------------------------------------------------

def _item_fields(meeting, **fields):
    data = {"kind": "other_business", "title": "Cooperation on fusion energy", "title_ko": "핵융합 협력",
            "description": "", "presenter_us": "DOE", "presenter_kr": "", "duration_minutes": "20",
            "day": meeting.start_date.isoformat()}
    data.update(fields)
    return data


def test_a_secretariat_adds_an_item_and_the_schedule_follows(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    auth.login(committee.us_secretariat)
    response = post_form(client, f"/meetings/{meeting.id}/items/new", _item_fields(meeting, duration_minutes="45"))
    assert response.status_code == 302
    meeting = _meeting(app, meeting.id)
    # The new item lands before the closing, which still ends the day.
    assert [(i.title, i.position) for i in meeting.items[-2:]] == [("Cooperation on fusion energy", 7),
                                                                    ("Closing remarks", 8)]
    with app.app_context():
        (day,) = services.schedule(services.get_meeting(meeting.id, with_agenda=True))
    total = sum(slot.item.duration_minutes for slot in day.slots)
    assert day.minutes == total and day.slots[-1].ends.strftime("%H:%M") == "12:05"


@pytest.mark.parametrize("fields, message", [
    ({"duration_minutes": "-5"}, "Duration (minutes) must be between 1 and 480."),
    ({"duration_minutes": "100000"}, "Duration (minutes) must be between 1 and 480."),
    ({"title": ""}, "This field is required."),
    ({"kind": "focus_area"}, "A focus-area discussion serves at least one focus area."),
    ({"day": "2031-01-01"}, "Not a valid choice"),
])
def test_bad_item_input_is_refused_and_kept(app, client, auth, committee, make_meeting, fields, message):
    meeting = _meeting(app, make_meeting())
    auth.login(committee.us_secretariat)
    response = post_form(client, f"/meetings/{meeting.id}/items/new", _item_fields(meeting, **fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "핵융합 협력" in page
    assert len(_meeting(app, meeting.id).items) == 8


def test_a_focus_area_of_another_agreement_is_refused(app, committee, make_meeting):
    from jcm.mou.loader import parse_mou_text
    from jcm.mou.services import load_mou
    from tests.test_mou_loader import MINIMAL

    meeting_id = make_meeting()
    with app.app_context():
        other = load_mou("test", parse_mou_text(MINIMAL))
        foreign = db.session.scalar(select(FocusArea.id).where(FocusArea.agreement_id == other.agreement.id))
        meeting = services.get_meeting(meeting_id)
        with pytest.raises(services.Invalid, match="belongs to another agreement"):
            services.add_agenda_item(get_user(committee.kr_secretariat.id), meeting,
                                     {"kind": "focus_area", "title": "x", "focus_area_ids": [foreign]})


def test_markup_in_a_title_shows_as_text_and_markdown_is_sanitised(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    auth.login(committee.us_secretariat)
    post_form(client, f"/meetings/{meeting.id}/items/new", _item_fields(
        meeting, title='<img src=x onerror=alert(1)> 양자 😀',
        description="**Key point**\n\n<script>alert('x')</script>\n\n[bad](javascript:alert(1))"))
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt; 양자 😀" in page
    assert "<strong>Key point</strong>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page


def test_items_move_up_and_down_without_javascript(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    first, second = meeting.items[0], meeting.items[1]
    auth.login(committee.kr_secretariat)
    post_form(client, f"/agenda-items/{second.id}/move", {"direction": "up"}, page=f"/meetings/{meeting.id}")
    assert [i.id for i in _meeting(app, meeting.id).items][:2] == [second.id, first.id]
    post_form(client, f"/agenda-items/{second.id}/move", {"direction": "down"}, page=f"/meetings/{meeting.id}")
    assert [i.id for i in _meeting(app, meeting.id).items][:2] == [first.id, second.id]


def test_the_page_reorders_by_json_with_its_csrf_token(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    ids = [i.id for i in meeting.items]
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    without = client.post(f"/meetings/{meeting.id}/agenda/order", json={"ids": ids[::-1]})
    assert without.status_code == 400
    response = client.post(f"/meetings/{meeting.id}/agenda/order", json={"ids": ids[::-1]},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["items"][str(ids[-1])]["starts"] == "09:00"
    # The U.S. secretariat reads a meeting in Sejong in Washington time too: the moved rows say it again.
    assert response.get_json()["items"][str(ids[-1])]["elsewhere"] == "19:00–19:10"
    assert [i.id for i in _meeting(app, meeting.id).items] == ids[::-1]
    bad = client.post(f"/meetings/{meeting.id}/agenda/order", json={"ids": ids[:3]}, headers={"X-CSRFToken": token})
    assert bad.status_code == 422 and "exactly once" in bad.get_json()["error"]["message"]


def test_a_day_that_runs_past_its_planned_end_is_flagged(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    auth.login(committee.us_secretariat)
    post_form(client, f"/meetings/{meeting.id}/days", {"day": meeting.start_date.isoformat(), "starts_at": "09:00",
                                                      "ends_at": "10:30"}, page=f"/meetings/{meeting.id}")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "This day runs 50 minutes past its planned end (10:30)." in page


def test_a_stale_item_edit_is_a_conflict_that_loses_nothing(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    item = meeting.items[5]
    url = f"/agenda-items/{item.id}/edit"
    base = _item_fields(meeting, kind="other_business", version=str(item.version))
    auth.login(committee.us_secretariat)
    assert post_form(client, url, {**base, "title": "Other business (U.S. edit)"}).status_code == 302
    other = app.test_client()
    post_form(other, "/login", {"email": committee.kr_secretariat.email, "password": "correct horse battery"})
    response = post_form(other, url, {**base, "title": "기타 안건 (Korean edit)"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Other business (U.S. edit)" in text and 'value="기타 안건 (Korean edit)"' in text
    assert _meeting(app, meeting.id).items[5].title == "Other business (U.S. edit)"


# --- agreement by both sides ----------------------------------------------------------------------------

def _agree(client, meeting_id, version=None):
    page = f"/meetings/{meeting_id}"
    if version is None:
        version = re.search(r'name="agenda_version" type="hidden" value="(\d+)"',
                            client.get(page).get_data(as_text=True)).group(1)
    return post_form(client, f"{page}/agree", {"agenda_version": str(version), "confirmed": "y"}, page=page)


def test_the_agenda_is_agreed_when_both_sides_have_agreed_it(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    auth.login(committee.us_secretariat)
    _agree(client, meeting_id)
    assert _meeting(app, meeting_id).status == "planning"
    auth.logout()
    auth.login(committee.kr_co_chair)
    _agree(client, meeting_id)
    meeting = _meeting(app, meeting_id)
    assert meeting.status == "agenda_agreed"
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Agenda agreed" in page and "Agreed by Samuel Reyes" in page and "Agreed by 이준호" in page
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("agenda.%"))).all()
        assert actions.count("agenda.agree") == 2 and "agenda.agreed" in actions


def test_a_change_after_agreement_makes_a_new_version_and_shows_what_changed(app, client, auth, committee,
                                                                             make_meeting):
    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        meeting = services.get_meeting(meeting_id, with_agenda=True)
        services.agree_agenda(get_user(committee.us_secretariat.id), meeting)
        services.agree_agenda(get_user(committee.kr_secretariat.id), meeting)
        db.session.commit()
    meeting = _meeting(app, meeting_id)
    auth.login(committee.us_secretariat)
    item = meeting.items[3]
    post_form(client, f"/agenda-items/{item.id}/edit", {
        "kind": "focus_area", "title": item.title, "title_ko": item.title_ko, "description": "",
        "focus_area_ids": [str(_area_id(app, "A.1")), str(_area_id(app, "A.2"))], "presenter_us": "NSF",
        "presenter_kr": "", "duration_minutes": "45", "day": meeting.start_date.isoformat(),
        "version": str(item.version)})
    meeting = _meeting(app, meeting_id)
    assert meeting.agenda_version == 2 and meeting.status == "planning"
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Changed since version 1" in page
    assert "duration_minutes" in page and "focus_areas" in page and "presenter_us" in page
    assert page.count("Not yet agreed") == 2


def test_a_delegate_cannot_agree_and_a_stale_version_is_refused(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.kr_delegate)
    assert _agree(client, meeting_id, version=1).status_code == 403
    with app.app_context():
        meeting = services.get_meeting(meeting_id)
        with pytest.raises(services.Conflict, match="now version 1"):
            services.agree_agenda(get_user(committee.kr_co_chair.id), meeting, expected_agenda_version=7)


def test_each_side_agrees_only_for_itself(app, committee, make_meeting):
    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        meeting = services.get_meeting(meeting_id)
        approval = services.agree_agenda(get_user(committee.kr_co_chair.id), meeting)
        assert approval.side == "KR"
        again = services.agree_agenda(get_user(committee.kr_secretariat.id), meeting)
        assert again.id == approval.id  # the Korean side has already agreed this version
        assert services.approvals_by_side(meeting)["US"] is None


def test_a_held_meetings_agenda_is_frozen(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting(start_date=date.today().isoformat())
    auth.login(committee.us_secretariat)
    post_form(client, f"/meetings/{meeting_id}/status", {"status": "held"}, page=f"/meetings/{meeting_id}")
    meeting = _meeting(app, meeting_id)
    assert meeting.status == "held"
    response = post_form(client, f"/meetings/{meeting_id}/items/new", _item_fields(meeting))
    assert response.status_code == 409 and "can no longer be changed" in response.get_data(as_text=True)


def test_a_future_meeting_cannot_be_marked_as_held(app, committee, make_meeting):
    meeting_id = make_meeting(start_date=(date.today() + timedelta(days=3)).isoformat())
    with app.app_context():
        with pytest.raises(services.Conflict, match="once it has begun"):
            services.set_status(get_user(committee.us_secretariat.id), services.get_meeting(meeting_id), "held")


# --- attachments ----------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _upload(client, item_id, name, content):
    return post_form(client, f"/agenda-items/{item_id}/attachments",
                     {"file": (io.BytesIO(content), name)}, page=f"/agenda-items/{item_id}/edit",
                     content_type="multipart/form-data", follow_redirects=True)


def test_a_paper_is_attached_stored_by_hash_and_downloaded_with_its_name(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    item = meeting.items[3]
    auth.login(committee.kr_secretariat)
    response = _upload(client, item.id, "양자 협력 보고서.pdf", PDF)
    assert "has been attached" in response.get_data(as_text=True)
    with app.app_context():
        attachment = services.get_agenda_item(item.id).attachments[0]
        assert attachment.content_type == "application/pdf"
        import hashlib

        from jcm.meetings.attachments import stored_path
        assert attachment.sha256 == hashlib.sha256(PDF).hexdigest() and stored_path(attachment.sha256).exists()
    auth.logout()
    auth.login(committee.us_observer)
    download = client.get(f"/attachments/{attachment.id}")
    assert download.data == PDF and "filename*=UTF-8''" in download.headers["Content-Disposition"]
    download.close()


def test_a_file_that_claims_to_be_a_pdf_and_is_not_is_refused(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    auth.login(committee.us_secretariat)
    page = _upload(client, meeting.items[3].id, "report.pdf", b"MZ\x90\x00 this is a program").get_data(as_text=True)
    assert "“report.pdf” claims to be a PDF file but its content is not." in page
    page = _upload(client, meeting.items[3].id, "run.exe", b"MZ\x90\x00").get_data(as_text=True)
    assert "can be attached" in page
    with app.app_context():
        assert services.get_agenda_item(meeting.items[3].id).attachments == []


def test_a_file_over_the_limit_gets_a_clear_413(app, client, auth, committee, make_meeting):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    meeting = _meeting(app, make_meeting())
    auth.login(committee.us_secretariat)
    token_page = client.get(f"/agenda-items/{meeting.items[3].id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    response = client.post(f"/agenda-items/{meeting.items[3].id}/attachments",
                           data={"csrf_token": token, "file": (io.BytesIO(PDF + b"0" * 70000), "big.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than JCM accepts" in response.get_data(as_text=True)


def test_text_files_and_images_are_recognised(app, client, auth, committee, make_meeting):
    meeting = _meeting(app, make_meeting())
    auth.login(committee.us_secretariat)
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
    assert "has been attached" in _upload(client, meeting.items[3].id, "chart.png", png).get_data(as_text=True)
    assert "has been attached" in _upload(client, meeting.items[3].id, "notes.txt",
                                          "회의 메모\nnotes".encode()).get_data(as_text=True)
    assert "claims to be a text file" in _upload(client, meeting.items[3].id, "fake.txt",
                                                  b"\x00\x01\x02binary").get_data(as_text=True)


def test_a_meeting_is_offered_as_held_only_once_it_has_begun(client, auth, committee, make_meeting):
    future = make_meeting(ordinal=12, start_date=(date.today() + timedelta(days=10)).isoformat())
    begun = make_meeting(ordinal=13, start_date=date.today().isoformat())
    auth.login(committee.us_secretariat)
    assert "Mark as held" not in client.get(f"/meetings/{future}").get_data(as_text=True)
    assert "Mark as held" in client.get(f"/meetings/{begun}").get_data(as_text=True)
