"""No typed text is lost: a form sent after its sign-in ended, or with a security token that no longer holds, is kept
on the server and comes back filled in after signing in again, with a message, never a bare 400; nothing is stored
until the user saves it again, and another account signing in on the same browser never sees it."""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import select, text

from jcm.accounts import kept
from jcm.extensions import db
from tests.conftest import PASSWORD, Person, csrf_token, post_form

HOST = "http://localhost"
KEPT = "Your sign-in expired; what you typed has been kept. Sign in again, then check it and save it again."
KEPT_SIGNED_IN = "This form had expired; what you typed has been kept. Check it and save it again."
PUT_BACK = "What you typed before has been put back in this form. It has not been saved yet: check it and save it again."


@dataclass
class Story:
    """A form as a user fills it: the page it is on, where it is sent, what it holds (the typed text, with Hangul,
    in `field`), who types it, and another account who could open the same page."""
    page: str
    action: str
    data: dict
    field: str
    author: str
    other: str

    @property
    def typed(self) -> str:
        return self.data[self.field]


def _first_agenda_item(app, meeting_id: int):
    from jcm.meetings.models import AgendaItem

    with app.app_context():
        item = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                                  .order_by(AgendaItem.position)).first()
        return item.id, item.title, item.kind, item.duration_minutes, item.version


def _area(app, code: str) -> int:
    from jcm.mou.models import FocusArea

    with app.app_context():
        return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


def _open_minutes(app, committee, meeting_id: int, status: str | None = None):
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting
    from jcm.minutes import services

    with app.app_context():
        minutes = services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(meeting_id))
        if status is not None:  # a shortcut to the minutes circulated for review
            minutes.status = status
        db.session.commit()


def agenda_item_description(app, committee, make_meeting, make_action_item) -> Story:
    meeting_id = make_meeting()
    item_id, title, kind, duration, version = _first_agenda_item(app, meeting_id)
    page = f"/agenda-items/{item_id}/edit"
    return Story(page, page, {"kind": kind, "title": title, "day": "2027-03-10", "duration_minutes": str(duration),
                              "version": str(version),
                              "description": "양측은 인공지능 테스트베드 현황을 공유한다. Both sides share testbeds."},
                 "description", "us_secretariat", "kr_secretariat")


def action_item_update(app, committee, make_meeting, make_action_item) -> Story:
    item_id = make_action_item()
    return Story(f"/action-items/{item_id}", f"/action-items/{item_id}/updates",
                 {"status": "in_progress", "text": "데이터셋 목록 초안을 교환하였음. Draft inventories exchanged."},
                 "text", "us_delegate", "kr_secretariat")


def review_comment(app, committee, make_meeting, make_action_item) -> Story:
    item_id = make_action_item(due_date="2027-01-31")  # raised between meetings: reviewed at the next one
    meeting_id = make_meeting(ordinal=12, start_date="2027-03-10", status="held")  # being held: it reviews it
    return Story(f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/reviews",
                 {"action_item_id": str(item_id), "outcome": "continued", "new_due_date": "2027-09-30",
                  "note": "한국 측 자료 보완 후 계속 검토. Continued until the Korean data is complete."},
                 "note", "us_secretariat", "kr_secretariat")


def progress_narrative(app, committee, make_meeting, make_action_item) -> Story:
    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10", status="held")
    _open_minutes(app, committee, meeting_id)
    return Story(f"/meetings/{meeting_id}/minutes", f"/meetings/{meeting_id}/minutes/progress/{_area(app, 'A.1')}",
                 {"status": "at_risk", "version": "",
                  "narrative": "시험대 공유가 한 분기 지연되었음. Testbed sharing slipped a quarter."},
                 "narrative", "us_secretariat", "kr_secretariat")


def comment_on_minutes(app, committee, make_meeting, make_action_item) -> Story:
    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10", status="held")
    _open_minutes(app, committee, meeting_id, status="circulated")
    return Story(f"/meetings/{meeting_id}/minutes", f"/meetings/{meeting_id}/minutes/comments",
                 {"section_id": "", "text": "제3항의 표현을 다듬어 주십시오. Please tighten item 3."},
                 "text", "us_co_chair", "kr_co_chair")


def correction_proposal(app, committee, make_meeting, make_action_item) -> Story:
    from tests.test_corrections import item_of_fourth_record
    from tests.test_minutes_document import adopt, write_minutes

    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10", status="held")
    write_minutes(app, committee, meeting_id)
    digest = adopt(app, committee, meeting_id)
    item = item_of_fourth_record(app, meeting_id)
    return Story(f"/meetings/{meeting_id}/minutes", f"/meetings/{meeting_id}/minutes/corrections",
                 {"supersedes": digest, "reason": "교환 일자가 잘못 기록됨. The date was recorded wrongly.",
                  f"decisions-{item}": "The two sides agreed to exchange testbed inventories by July.",
                  f"decisions_ko-{item}": "양측은 7월까지 테스트베드 목록을 교환하기로 합의하였다."},
                 "reason", "kr_secretariat", "us_secretariat")


def meeting_form(app, committee, make_meeting, make_action_item) -> Story:
    return Story("/meetings/new", "/meetings/new",
                 {"ordinal": "13", "title": "", "start_date": "2027-11-04", "end_date": "2027-11-05",
                  "time_zone": "", "venue": "Department of State, Harry S Truman Building",
                  "venue_ko": "미 국무부 해리 S. 트루먼 빌딩", "city": "Washington, D.C.", "city_ko": "워싱턴 D.C.",
                  "host_side": "US", "mode": "in_person", "co_chair_us_id": str(committee.us_co_chair.id),
                  "co_chair_kr_id": str(committee.kr_co_chair.id), "focus_area_ids": str(_area(app, "A.1"))},
                 "venue_ko", "us_secretariat", "kr_secretariat")


def action_item_form(app, committee, make_meeting, make_action_item) -> Story:
    return Story("/action-items/new", "/action-items/new",
                 {"title": "Share quantum testbed schedules", "title_ko": "양자 시험대 일정 공유",
                  "description": "양측 시험대의 2027년 일정을 공유한다. Share both sides' 2027 testbed schedules.",
                  "focus_area_id": str(_area(app, "A.1")), "meeting_id": "", "due_date": "2027-10-31",
                  "status": "open", "owners_us": f"user:{committee.us_delegate.id}",
                  "owners_kr": f"user:{committee.kr_delegate.id}"},
                 "description", "us_secretariat", "kr_secretariat")


def side_note(app, committee, make_meeting, make_action_item) -> Story:
    item_id = make_action_item()
    return Story(f"/action-items/{item_id}", f"/notes/action-item/{item_id}",
                 {"version": "0", "next": f"/action-items/{item_id}",
                  "text": "NRF 담당자와 일정 재확인 필요. Our internal line: hold the date."},
                 "text", "us_delegate", "kr_secretariat")


FORMS: dict[str, Callable[..., Story]] = {
    "agenda item description": agenda_item_description, "action item update": action_item_update,
    "review comment": review_comment, "progress narrative": progress_narrative,
    "comment on minutes": comment_on_minutes, "correction proposal": correction_proposal,
    "meeting form": meeting_form, "action item form": action_item_form, "a side's internal note": side_note}


@pytest.fixture(params=list(FORMS))
def story(request, app, committee, make_meeting, make_action_item) -> Story:
    return FORMS[request.param](app, committee, make_meeting, make_action_item)


# --- what the stories use ---------------------------------------------------------------------------------

def browser_of(app, person: Person):
    """A browser of its own, signed in through the sign-in form."""
    browser = app.test_client()
    sign_in(browser, person)
    return browser


def sign_in(browser, person: Person, next_page: str | None = None):
    url = "/login" + (f"?next={next_page}" if next_page else "")
    response = post_form(browser, url, {"email": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def send(browser, story: Story, token: str | None):
    """The form sent as a browser sends it from its page: with the page's token, and saying where it comes from."""
    data = {**story.data, **({"csrf_token": token} if token is not None else {})}
    return browser.post(story.action, data=data, headers={"Origin": HOST, "Referer": HOST + story.page})


def stored_anywhere(app, typed: str) -> bool:
    """Whether the text is anywhere in the database, in any table (the audit trail included)."""
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                if any(isinstance(value, (str, dict, list)) and typed in json.dumps(value, ensure_ascii=False)
                       for value in row):
                    return True
        return False


def shown_in_form(page_html: str, typed: str) -> bool:
    return html.escape(typed, quote=False) in page_html or html.escape(typed, quote=True) in page_html


def end_sign_in(app, person: Person) -> None:
    """The server ends the person's sign-ins (as signing out elsewhere, or an idle time, does)."""
    from jcm.accounts import sessions
    from jcm.accounts.services import get_user

    with app.app_context():
        sessions.end_sessions(get_user(person.id))
        db.session.commit()


def flashes(page_html: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'class="flash flash--\w+[^"]*"[^>]*>(.*?)</p>', page_html, re.S)]


# --- the stories --------------------------------------------------------------------------------------------

def test_a_form_sent_after_the_sign_in_ended_comes_back_after_signing_in_and_is_saved_only_when_sent_again(
        app, committee, story):
    author = getattr(committee, story.author)
    browser = browser_of(app, author)
    token = csrf_token(browser, story.page)
    end_sign_in(app, author)

    response = send(browser, story, token)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    login_page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert KEPT in flashes(login_page)
    assert not stored_anywhere(app, story.typed)

    back = sign_in(browser, author, next_page=response.headers["Location"].split("next=", 1)[1])
    page = browser.get(back.headers["Location"])
    assert page.status_code == 200
    assert page.request.path == story.page.split("?")[0]
    text = page.get_data(as_text=True)
    assert shown_in_form(text, story.typed) and PUT_BACK in flashes(text)
    assert not stored_anywhere(app, story.typed)  # put back, not sent

    again = browser.get(story.page).get_data(as_text=True)  # once only: then the page is as stored
    assert PUT_BACK not in flashes(again)
    saved = post_form(browser, story.action, story.data, page=story.page)
    assert saved.status_code == 302, flashes(saved.get_data(as_text=True))
    assert stored_anywhere(app, story.typed)


def test_a_form_whose_token_no_longer_holds_comes_straight_back_to_the_one_still_signed_in(app, committee, story):
    author = getattr(committee, story.author)
    browser = browser_of(app, author)
    browser.get(story.page)

    response = send(browser, story, "a-token-that-expired")
    assert response.status_code == 302 and response.headers["Location"] == story.page
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert KEPT_SIGNED_IN in flashes(page) and PUT_BACK in flashes(page)
    assert shown_in_form(page, story.typed)
    assert not stored_anywhere(app, story.typed)


def test_what_one_account_typed_is_never_shown_to_another_signing_in_on_the_same_browser(app, committee, story):
    author, other = getattr(committee, story.author), getattr(committee, story.other)
    browser = browser_of(app, author)
    token = csrf_token(browser, story.page)
    end_sign_in(app, author)
    assert send(browser, story, token).status_code == 302

    back = sign_in(browser, other, next_page=story.page)
    page = browser.get(back.headers["Location"])
    assert page.status_code == 200
    assert not shown_in_form(page.get_data(as_text=True), story.typed)
    assert PUT_BACK not in flashes(page.get_data(as_text=True))
    assert list((Path(app.instance_path) / "kept-forms").glob("*.json")) == []  # dropped, not only hidden

    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    sign_in(browser, author)
    assert not shown_in_form(browser.get(story.page).get_data(as_text=True), story.typed)
    assert not stored_anywhere(app, story.typed)


@pytest.mark.parametrize("kind", ["agenda item description", "action item update"])
def test_a_browser_whose_cookies_were_cleared_gets_the_text_back_for_the_account_that_signs_in(
        app, committee, make_meeting, make_action_item, kind):
    story = FORMS[kind](app, committee, make_meeting, make_action_item)
    author = getattr(committee, story.author)
    browser = browser_of(app, author)
    token = csrf_token(browser, story.page)
    browser._cookies.clear()  # the browser lost its cookies: no sign-in, and no token to check the form's against

    response = send(browser, story, token)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert KEPT in flashes(browser.get(response.headers["Location"]).get_data(as_text=True))
    back = sign_in(browser, author, next_page=story.page)
    page = browser.get(back.headers["Location"]).get_data(as_text=True)
    assert shown_in_form(page, story.typed) and PUT_BACK in flashes(page)
    assert not stored_anywhere(app, story.typed)


def test_a_form_sent_from_another_site_is_refused_and_nothing_of_it_is_kept(app, committee, make_meeting,
                                                                            make_action_item):
    story = action_item_update(app, committee, make_meeting, make_action_item)
    browser = browser_of(app, committee.us_delegate)
    browser.get(story.page)
    forged = browser.post(story.action, data=story.data, headers={"Origin": "https://attacker.example"})
    assert forged.status_code == 400
    assert "security token" in forged.get_data(as_text=True)
    assert not shown_in_form(browser.get(story.page).get_data(as_text=True), story.typed)
    assert not (Path(app.instance_path) / "kept-forms").exists() or \
        list((Path(app.instance_path) / "kept-forms").glob("*.json")) == []


def test_signing_out_drops_what_was_kept_and_what_is_kept_too_long_is_gone(app, committee, make_meeting,
                                                                            make_action_item):
    story = action_item_update(app, committee, make_meeting, make_action_item)
    browser = browser_of(app, committee.us_delegate)
    browser.get(story.page)
    assert send(browser, story, "stale").status_code == 302
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    sign_in(browser, committee.us_delegate)
    assert not shown_in_form(browser.get(story.page).get_data(as_text=True), story.typed)

    assert send(browser, story, "stale").status_code == 302
    [path] = (Path(app.instance_path) / "kept-forms").glob("*.json")
    entry = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**entry, "kept_at": time.time() - kept.KEEP_FOR.total_seconds() - 60}), "utf-8")
    assert not shown_in_form(browser.get(story.page).get_data(as_text=True), story.typed)
    assert not path.exists()


def test_a_button_without_typed_text_is_answered_with_a_message_not_a_bare_400(app, committee, make_meeting):
    meeting_id = make_meeting()
    browser = browser_of(app, committee.us_secretariat)
    page = f"/meetings/{meeting_id}"
    browser.get(page)
    response = browser.post(f"/meetings/{meeting_id}/agree", data={"csrf_token": "stale", "agenda_version": "1"},
                            headers={"Origin": HOST, "Referer": HOST + page})
    assert response.status_code == 302 and response.headers["Location"] == page
    shown = flashes(browser.get(page).get_data(as_text=True))
    assert "This form had expired. Please send it again." in shown and PUT_BACK not in shown
    assert list((Path(app.instance_path) / "kept-forms").glob("*.json")) == []  # nothing typed, nothing left

    end_sign_in(app, committee.us_secretariat)
    token = csrf_token(app.test_client(), "/login")
    response = browser.post(f"/meetings/{meeting_id}/agree", data={"csrf_token": token, "agenda_version": "1"},
                            headers={"Origin": HOST, "Referer": HOST + page})
    assert response.status_code == 302 and response.headers["Location"] == f"/login?next={page}"


def test_passwords_and_security_tokens_are_never_kept(app, committee):
    browser = browser_of(app, committee.us_secretariat)
    browser.get("/account")
    response = browser.post("/account", data={
        "csrf_token": "stale", "profile-csrf_token": "stale", "profile-name": "Samuel Reyes Jr.",
        "profile-title": "직함", "password-current_password": PASSWORD, "password-password": "a new secret 123"},
        headers={"Origin": HOST, "Referer": HOST + "/account"})
    assert response.status_code == 302
    [path] = (Path(app.instance_path) / "kept-forms").glob("*.json")
    kept_text = path.read_text("utf-8")
    assert "직함" in kept_text and PASSWORD not in kept_text and "a new secret" not in kept_text
    assert "stale" not in kept_text
    page = browser.get("/account").get_data(as_text=True)
    assert 'value="직함"' in page and PASSWORD not in page


def test_putting_a_form_back_writes_nothing_to_the_database(app, committee, make_meeting, make_action_item):
    """The page that puts the form back is a GET: it changes nothing stored (the request boundary refuses any
    write while reading, so a 200 here means none was tried), and the session's sign-in mark aside, no row moves."""
    story = agenda_item_description(app, committee, make_meeting, make_action_item)
    browser = browser_of(app, committee.us_secretariat)
    browser.get(story.page)
    assert send(browser, story, "stale").status_code == 302
    with app.app_context():
        before = db.session.execute(text("SELECT count(*) FROM audit_event")).scalar()
    page = browser.get(story.page)
    assert page.status_code == 200 and shown_in_form(page.get_data(as_text=True), story.typed)
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM audit_event")).scalar() == before
