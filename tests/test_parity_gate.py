"""The parity gate: the agenda is agreed, and the minutes circulated and adopted, only once both texts are complete
and each side has checked the language it answers for. Until then each act is refused (409) with every text that is
missing, stale or not yet checked named, in the reader's language — on the pages and in the API alike."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.actions.services import raised_at
from jcm.errors import Conflict
from jcm.extensions import db
from jcm.meetings import services as meetings
from jcm.minutes import services as minutes_services
from jcm.mou.models import FocusArea
from tests.conftest import complete_both_texts, post_form

OPENING_US_PRESENTER = ("Agenda item 1 “Opening remarks by the co-chairs”: the Korean text of “U.S. presenter” is "
                        "missing")
MEETING_TITLE_UNCHECKED = "The meeting: the English text of “Title” is not yet checked by the U.S. secretariat"


def meeting_page(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}"


def minutes_page(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/minutes"


def agenda_gaps(app, meeting_id: int) -> list:
    with app.app_context():
        return meetings.agenda_text_gaps(meetings.get_meeting(meeting_id))


def agree(app, person, meeting_id: int):
    with app.app_context():
        approval = meetings.agree_agenda(get_user(person.id), meetings.get_meeting(meeting_id))
        db.session.commit()
        return approval.side


def write_minutes(app, committee, meeting_id: int) -> None:
    """The U.S. secretariat writes the minutes in English only: a delegation, a record, progress, the next meeting."""
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        minutes = minutes_services.open_minutes(us, meetings.get_meeting(meeting_id))
        minutes_services.set_attendance(us, minutes, "US", [
            {"name": "Dr. Jane Doe", "title": "Director", "organization": "National Science Foundation"}])
        section = minutes_services.ordered_sections(minutes)[3]
        minutes_services.save_section(us, section, "AI for science.",
                                      ["The two sides agreed to exchange testbed inventories by June."], None)
        for code in ("A.1", "B.4"):
            area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))
            minutes_services.save_progress(us, minutes, area, "on_track", f"{code} is on track.")
        minutes_services.set_next_meeting(us, minutes, "Washington, D.C., in the spring of 2027.")
        db.session.commit()


def circulate(app, committee, meeting_id: int) -> None:
    with app.app_context():
        minutes = minutes_services.minutes_for(meetings.get_meeting(meeting_id))
        minutes_services.set_status(get_user(committee.us_secretariat.id), minutes, "circulated")
        db.session.commit()


def minutes_status(app, meeting_id: int) -> str:
    with app.app_context():
        return minutes_services.minutes_for(meetings.get_meeting(meeting_id)).status


# --- the agenda -----------------------------------------------------------------------------------------

def test_the_agenda_is_not_agreed_while_a_text_is_missing_or_unchecked_and_is_once_both_are_complete(
        app, committee, make_meeting):
    meeting_id = make_meeting()
    found = agenda_gaps(app, meeting_id)
    labels = [gap.label for gap in found]
    assert OPENING_US_PRESENTER in labels and MEETING_TITLE_UNCHECKED in labels
    assert "The meeting: the Korean text of “Venue” is not yet checked by the Korean secretariat" in labels
    assert not [gap for gap in found if gap.field == "description"]  # empty in both languages: no gap
    with pytest.raises(Conflict) as refused:
        agree(app, committee.kr_secretariat, meeting_id)
    message = str(refused.value)
    assert message.startswith("The agenda cannot be agreed until both texts are complete and each side has checked "
                              "its own language: ")
    assert all(label in message for label in labels)  # each text named
    with app.app_context():
        assert meetings.approvals_by_side(meetings.get_meeting(meeting_id)) == {"US": None, "KR": None}

    complete_both_texts(app, committee, meeting_id)
    assert agenda_gaps(app, meeting_id) == []
    assert agree(app, committee.kr_secretariat, meeting_id) == "KR"
    assert agree(app, committee.us_co_chair, meeting_id) == "US"
    with app.app_context():
        assert meetings.get_meeting(meeting_id).status == "agenda_agreed"


def test_a_change_in_one_language_after_checking_closes_the_gate_again(app, committee, make_meeting):
    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        item_id = meetings.get_meeting(meeting_id, with_agenda=True).items[1].id
        meetings.update_agenda_item(get_user(committee.us_secretariat.id), meetings.get_agenda_item(item_id),
                                    {"title": "Adoption of the agenda and of the minutes of the 11th meeting"})
        db.session.commit()
    found = {(gap.kind, gap.field, gap.language, gap.status) for gap in agenda_gaps(app, meeting_id)}
    assert found == {("agenda_item", "title", "ko", "stale"), ("agenda_item", "title", "en", "written")}
    with pytest.raises(Conflict, match=re.escape(
            "Agenda item 2 “Adoption of the agenda and of the minutes of the 11th meeting”: the English text of "
            "“Title” is not yet checked by the U.S. secretariat; Agenda item 2 “Adoption of the agenda and of the "
            "minutes of the 11th meeting”: the Korean text of “Title” is stale (the English text changed since).")):
        agree(app, committee.us_secretariat, meeting_id)
    with app.app_context():  # the Korean secretariat brings its text up to date, and each side checks its own
        meetings.update_agenda_item(get_user(committee.kr_secretariat.id), meetings.get_agenda_item(item_id),
                                    {"title_ko": "의제 채택 및 제11차 회의 회의록 채택"})
        db.session.commit()
    complete_both_texts(app, committee, meeting_id)
    assert agree(app, committee.us_secretariat, meeting_id) == "US"


def test_the_agenda_page_lists_what_is_missing_and_refuses_agreement_with_409(app, client, auth, committee,
                                                                            make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.kr_secretariat)
    page = client.get(meeting_page(meeting_id)).get_data(as_text=True)
    assert "Before the agenda can be agreed, both texts must be complete" in page
    assert "Agenda item 1 “Opening remarks by the co-chairs”: the Korean text of “U.S. presenter” is missing" in page
    response = post_form(client, f"{meeting_page(meeting_id)}/agree", {"agenda_version": "1", "confirmed": "y"},
                         page=meeting_page(meeting_id))
    assert response.status_code == 409
    refused = response.get_data(as_text=True)
    assert "The agenda cannot be agreed until both texts are complete" in refused and OPENING_US_PRESENTER in refused
    assert "Not yet agreed" in refused

    complete_both_texts(app, committee, meeting_id)
    page = client.get(meeting_page(meeting_id)).get_data(as_text=True)
    assert "Before the agenda can be agreed" not in page
    response = post_form(client, f"{meeting_page(meeting_id)}/agree", {"agenda_version": "1", "confirmed": "y"},
                         page=meeting_page(meeting_id))
    assert response.status_code == 302
    assert "Agreed by 김서연" in client.get(meeting_page(meeting_id)).get_data(as_text=True)


def test_the_api_refuses_agreement_with_each_gap_in_current_and_in_the_readers_language(app, api, committee,
                                                                                     make_meeting):
    meeting_id = make_meeting()
    path = f"/api/v1/meetings/{meeting_id}/agenda/approvals"
    response = api.post(path, committee.us_co_chair, json={})
    assert response.status_code == 409
    error = response.get_json()["error"]
    with app.app_context():
        opening = meetings.get_meeting(meeting_id, with_agenda=True).items[0].id
    assert {"kind": "agenda_item", "id": opening, "field": "presenter_us", "language": "ko", "status": "missing",
            "label": OPENING_US_PRESENTER} in error["current"]["gaps"]
    assert {"kind": "meeting", "id": meeting_id, "field": "title", "language": "en", "status": "written",
            "label": MEETING_TITLE_UNCHECKED} in error["current"]["gaps"]
    assert all(gap["label"] in error["message"] for gap in error["current"]["gaps"])

    korean = api.client.post(path, headers={**api.headers(committee.kr_co_chair), "Accept-Language": "ko"}, json={})
    assert korean.status_code == 409
    message = korean.get_json()["error"]["message"]
    assert message.startswith("국문·영문 문안이 모두 작성되고 각 측이 담당 언어의 문안을 확인하기 전에는 의제에 동의할 수 없습니다.")
    assert "의제 1 “공동위원장 개회사”: “미국 측 발표자”의 국문 문안 없음" in message
    assert "회의 정보: “제목”의 영문 문안을 미국 측 사무국이 아직 확인하지 않음" in message

    complete_both_texts(app, committee, meeting_id)
    agreed = api.post(path, committee.us_co_chair, json={"agenda_version": 1})
    assert agreed.status_code == 201 and agreed.get_json()["approvals"]["US"]["user_id"] == committee.us_co_chair.id


# --- the minutes ----------------------------------------------------------------------------------------

def test_the_minutes_are_circulated_only_once_every_text_is_in_both_languages_and_checked(
        app, committee, held_meeting, make_action_item):
    make_action_item(title="Organise a joint quantum workshop", focus_area="B.4", due_date="2026-09-30",
                     meeting_id=held_meeting)
    write_minutes(app, committee, held_meeting)
    with app.app_context():
        meeting = meetings.get_meeting(held_meeting)
        minutes = minutes_services.minutes_for(meeting)
        found = minutes_services.minutes_text_gaps(minutes, meeting)
        ref = raised_at(meeting)[0].ref
    named = {(gap.kind, gap.field, gap.language, gap.status) for gap in found}
    assert {("minutes", "next_meeting", "ko", "missing"), ("minutes_section", "discussion", "ko", "missing"),
            ("minutes_section", "decisions", "ko", "missing"), ("progress_entry", "narrative", "ko", "missing"),
            ("attendee", "name", "ko", "missing"), ("attendee", "organization", "ko", "missing"),
            ("action_item", "title", "ko", "missing"), ("minutes_section", "discussion", "en", "written")} <= named
    labels = [gap.label for gap in found]
    assert "The minutes: the Korean text of “Next meeting” is missing" in labels
    assert ("The record of agenda item 4 “AI for Science and Use-Inspired Research”: the Korean text of “Discussion” "
            "is missing") in labels
    assert "Progress on B.4 Leading Quantum Innovation: the Korean text of “Narrative” is missing" in labels
    assert "Dr. Jane Doe of the U.S. delegation: the Korean text of “Title or position” is missing" in labels
    assert f"Action item {ref} “Organise a joint quantum workshop”: the Korean text of “Action” is missing" in labels
    assert len({gap.id for gap in found if gap.kind == "minutes_section"}) == 1  # the records left empty: no gap
    with pytest.raises(Conflict) as refused:
        circulate(app, committee, held_meeting)
    assert str(refused.value).startswith("The minutes cannot be circulated until both texts are complete")
    assert all(label in str(refused.value) for label in labels)
    assert minutes_status(app, held_meeting) == "draft"

    complete_both_texts(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    assert minutes_status(app, held_meeting) == "circulated"


def test_adoption_waits_for_a_language_changed_after_checking(app, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    complete_both_texts(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    with app.app_context():  # the U.S. side rewrites its English record after both sides checked it
        minutes = minutes_services.minutes_for(meetings.get_meeting(held_meeting))
        section = minutes_services.ordered_sections(minutes)[3]
        minutes_services.save_section(get_user(committee.us_secretariat.id), section, "AI for science and testbeds.",
                                      list(section.decisions), None)
        section_id = section.id
        db.session.commit()
    with app.app_context():
        minutes = minutes_services.minutes_for(meetings.get_meeting(held_meeting))
        with pytest.raises(Conflict, match=re.escape(
                "The minutes cannot be adopted until both texts are complete and each side has checked its own "
                "language: The record of agenda item 4 “AI for Science and Use-Inspired Research”: the English text "
                "of “Discussion” is not yet checked by the U.S. secretariat; The record of agenda item 4 “AI for "
                "Science and Use-Inspired Research”: the Korean text of “Discussion” is stale (the English text "
                "changed since).")):
            minutes_services.adopt(get_user(committee.kr_co_chair.id), minutes)
        assert minutes_services.approvals_by_side(minutes) == {"US": None, "KR": None}
    with app.app_context():  # the Korean secretariat translates the new English, and each side checks its own
        section = minutes_services.get_section(section_id)
        section.discussion_ko = "과학 및 테스트베드를 위한 AI."
        db.session.commit()
    complete_both_texts(app, committee, held_meeting)
    with app.app_context():
        minutes = minutes_services.minutes_for(meetings.get_meeting(held_meeting))
        minutes_services.adopt(get_user(committee.kr_co_chair.id), minutes)
        minutes_services.adopt(get_user(committee.us_co_chair.id), minutes)
        db.session.commit()
    assert minutes_status(app, held_meeting) == "adopted"


def test_the_minutes_page_lists_the_gaps_and_refuses_circulation_and_adoption_with_409(app, client, auth, committee,
                                                                                      held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_secretariat)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Before the draft can be circulated, both texts must be complete" in page
    assert "The minutes: the Korean text of “Next meeting” is missing" in page
    response = post_form(client, f"{minutes_page(held_meeting)}/status", {"status": "circulated", "version": "1"},
                         page=minutes_page(held_meeting))
    assert response.status_code == 409
    refused = response.get_data(as_text=True)
    assert "The minutes cannot be circulated until both texts are complete" in refused
    assert "Dr. Jane Doe of the U.S. delegation: the Korean text of “Name” is missing" in refused
    assert minutes_status(app, held_meeting) == "draft"

    complete_both_texts(app, committee, held_meeting)
    assert "Before the draft can be circulated" not in client.get(minutes_page(held_meeting)).get_data(as_text=True)
    response = post_form(client, f"{minutes_page(held_meeting)}/status", {"status": "circulated", "version": "1"},
                         page=minutes_page(held_meeting))
    assert response.status_code == 302 and minutes_status(app, held_meeting) == "circulated"

    with app.app_context():  # after circulation, the next meeting changes in English only
        minutes = minutes_services.minutes_for(meetings.get_meeting(held_meeting))
        minutes_services.set_next_meeting(get_user(committee.us_secretariat.id), minutes,
                                          "Washington, D.C., in May 2027.", minutes.next_meeting_version)
        db.session.commit()
    auth.logout()
    auth.login(committee.us_co_chair)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Before the minutes can be adopted, both texts must be complete" in page
    stale = "The minutes: the Korean text of “Next meeting” is stale (the English text changed since)"
    assert stale in page
    response = post_form(client, f"{minutes_page(held_meeting)}/adopt", {"confirmed": "y"},
                         page=minutes_page(held_meeting))
    assert response.status_code == 409
    assert "The minutes cannot be adopted until both texts are complete" in response.get_data(as_text=True)
    assert stale in response.get_data(as_text=True)
    with app.app_context():
        assert minutes_services.minutes_for(meetings.get_meeting(held_meeting)).approvals == []


def test_the_api_refuses_circulation_and_adoption_with_the_gaps_in_current(app, api, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    path = f"/api/v1/meetings/{held_meeting}/minutes"
    response = api.client.put(path, headers=api.headers(committee.kr_secretariat),
                              json={"status": "circulated", "version": 1})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["message"].startswith("The minutes cannot be circulated until both texts are complete")
    with app.app_context():
        minutes = minutes_services.minutes_for(meetings.get_meeting(held_meeting))
        minutes_id = minutes.id
    assert {"kind": "minutes", "id": minutes_id, "field": "next_meeting", "language": "ko", "status": "missing",
            "label": "The minutes: the Korean text of “Next meeting” is missing"} in error["current"]["gaps"]
    assert api.get(path, committee.kr_secretariat).get_json()["status"] == "draft"

    complete_both_texts(app, committee, held_meeting)
    assert api.client.put(path, headers=api.headers(committee.kr_secretariat),
                          json={"status": "circulated", "version": 1}).status_code == 200
    with app.app_context():  # the Korean secretariat rewrites a Korean text after both sides checked it
        minutes = minutes_services.minutes_for(meetings.get_meeting(held_meeting))
        minutes.next_meeting_ko = "2027년 5월, 미국 워싱턴 D.C."
        db.session.commit()
    refused = api.post(f"{path}/approvals", committee.us_co_chair)
    assert refused.status_code == 409
    gaps = refused.get_json()["error"]["current"]["gaps"]
    assert [(gap["kind"], gap["field"], gap["language"], gap["status"]) for gap in gaps] == [
        ("minutes", "next_meeting", "en", "stale"), ("minutes", "next_meeting", "ko", "written")]
    assert gaps[1]["label"] == ("The minutes: the Korean text of “Next meeting” is not yet checked by the Korean "
                                "secretariat")
    complete_both_texts(app, committee, held_meeting)
    assert api.post(f"{path}/approvals", committee.us_co_chair).status_code == 201


def test_the_side_answering_for_a_language_is_the_one_named(app, committee, make_meeting):
    from jcm.mou.models import Agreement

    meeting_id = make_meeting()
    with app.app_context():
        db.session.get(Agreement, committee.agreement_id).korean_side = "US"  # one side answers for both
        db.session.commit()
    labels = [gap.label for gap in agenda_gaps(app, meeting_id)]
    assert "The meeting: the Korean text of “Venue” is not yet checked by the U.S. secretariat" in labels
