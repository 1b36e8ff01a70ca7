"""Checking texts from the pages: each side's secretariat checks the texts of its language wherever it reads them —
the page of a meeting's texts, which lists everything the parity gate waits on (one text at a time, or every text
written in its language at once), the action item's page — without an edit form and without the API. The other
side and the observers see the states, never the buttons, and are refused the checks."""

from __future__ import annotations

import html
import re

from werkzeug.datastructures import MultiDict

from jcm.extensions import db
from tests.conftest import Auth, complete_both_texts, post_form
from tests.test_minutes_document import write_minutes


def _states(app, meeting_id: int) -> dict[tuple[str, int, str, str], str]:
    """Every text of the meeting's agenda and minutes: (kind, id, field, language) → status."""
    from jcm.bilingual import LANGUAGES, pairs, text_state
    from jcm.meetings.services import get_meeting
    from jcm.texts.services import meeting_texts

    with app.app_context():
        return {(type(w.obj).__tablename__, w.obj.id, pair.english, language):
                text_state(w.obj, pair.english, language).status
                for group in meeting_texts(get_meeting(meeting_id)) for w in group.records
                for pair in pairs(type(w.obj)) for language in LANGUAGES}


def _korean_written_english_checked(app, committee, meeting_id: int) -> None:
    """The Korean secretariat has written the Korean of every text of the agenda and the minutes (it has not
    checked them yet); the U.S. secretariat has checked the English."""
    from jcm.accounts.services import get_user
    from jcm.bilingual import pairs, text_state
    from jcm.meetings.services import get_meeting
    from jcm.texts.services import check_text, meeting_texts
    from tests.korean import in_korean, untranslated

    with app.app_context():
        records = [w.obj for group in meeting_texts(get_meeting(meeting_id)) for w in group.records]
        with untranslated():
            for obj in records:
                for pair in pairs(type(obj)):
                    english = getattr(obj, pair.english)
                    if english and not getattr(obj, pair.korean):
                        setattr(obj, pair.korean, in_korean(english))
        db.session.flush()
        us = get_user(committee.us_secretariat.id)
        for obj in records:
            for pair in pairs(type(obj)):
                if text_state(obj, pair.english, "en").status in ("written", "stale"):
                    check_text(us, obj, pair.english, "en")
        db.session.commit()


FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input [^>]*type="hidden"[^>]*>')
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def forms_on(page: str) -> dict[str, MultiDict]:
    """Every form of a page that posts, by its address: its hidden fields, as a browser would send them (the last
    of two forms to one address wins), with the box a final act asks to tick (jcm.forms.ConfirmForm) ticked."""
    def fields(body: str) -> MultiDict:
        found = MultiDict()
        for tag in HIDDEN.findall(body):
            attributes = dict(ATTRIBUTE.findall(tag))
            found.add(attributes["name"], html.unescape(attributes.get("value", "")))
        if 'name="confirmed"' in body:
            found.add("confirmed", "y")
        return found

    return {html.unescape(action): fields(body) for action, body in FORM.findall(page)}


def check_buttons(page: str) -> list[str]:
    """The addresses of the page's single "Mark as checked" forms."""
    return [action for action in forms_on(page) if action.startswith("/texts/")]


def sign_in(auth, person) -> None:
    """Sign in as someone else in the same browser."""
    auth.logout()
    auth.login(person)


def send(client, page_address: str, action: str):
    """Press the button of the form posting to `action` on the page at `page_address`, as a browser does."""
    page = client.get(page_address).get_data(as_text=True)
    forms = forms_on(page)
    assert action in forms, f"no form to {action} on {page_address}"
    return client.post(action, data=forms[action])


# --- the Korean secretariat checks the agenda's Korean texts from the pages only ------------------------------

def test_the_korean_secretariat_checks_every_korean_text_of_the_agenda_from_the_pages_and_the_agenda_is_agreed(
        app, client, auth, committee, make_meeting):
    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    _korean_written_english_checked(app, committee, meeting)
    waiting = sorted(key for key, status in _states(app, meeting).items() if status == "written")
    assert waiting and {language for _kind, _id, _field, language in waiting} == {"ko"}

    auth.login(committee.kr_secretariat)
    refused = send(client, f"/meetings/{meeting}", f"/meetings/{meeting}/agree")
    assert refused.status_code == 409 and "is not yet checked by the Korean secretariat" in refused.get_data(
        as_text=True)
    # The meeting's page leads to the texts, from the agreement's list of what it waits on too.
    meeting_page = client.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert f'<a href="/meetings/{meeting}/texts">Check the texts of your side\'s language</a>' in meeting_page

    page = client.get(f"/meetings/{meeting}/texts").get_data(as_text=True)
    assert "Your side's language: Korean" in page
    assert f'<dd data-count="written">{len(waiting)}</dd>' in page
    buttons = check_buttons(page)
    assert len(buttons) == len(waiting) and all(button.endswith("/ko/check") for button in buttons)
    assert "Agenda item 1 “Opening remarks by the co-chairs”" in page and "The meeting" in page

    # One text, on its own: the meeting's title; the page comes back with it checked.
    title = f"/texts/meeting/{meeting}/title/ko/check"
    response = send(client, f"/meetings/{meeting}/texts", title)
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{meeting}/texts"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marked as checked." in page and title not in check_buttons(page)
    assert f'<dd data-count="written">{len(waiting) - 1}</dd>' in page

    # The rest at once.
    everything = f"/meetings/{meeting}/texts/ko/check"
    response = send(client, f"/meetings/{meeting}/texts", everything)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{len(waiting) - 1} texts have been marked as checked." in page
    assert check_buttons(page) == [] and everything not in forms_on(page)
    assert "Every text in your side's language is checked." in page
    assert "Nothing is waiting: every text is complete in both languages and checked." in page
    assert {status for status in _states(app, meeting).values()} <= {"checked", "empty"}

    # The gate lets the agenda be agreed, through the page, by both sides.
    response = send(client, f"/meetings/{meeting}", f"/meetings/{meeting}/agree")
    assert response.status_code == 302
    sign_in(auth, committee.us_secretariat)
    assert send(client, f"/meetings/{meeting}", f"/meetings/{meeting}/agree").status_code == 302
    from jcm.meetings.models import Meeting

    with app.app_context():
        assert db.session.get(Meeting, meeting).status == "agenda_agreed"


def test_the_page_of_every_text_shows_the_checked_ones_too_and_a_get_changes_nothing(
        app, client, auth, committee, make_meeting):
    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    _korean_written_english_checked(app, committee, meeting)
    before = _states(app, meeting)
    auth.login(committee.kr_secretariat)
    waiting = client.get(f"/meetings/{meeting}/texts").get_data(as_text=True)
    every = client.get(f"/meetings/{meeting}/texts?all=1").get_data(as_text=True)
    assert waiting.count('class="text-checks__row"') == sum(1 for key in before if key[3] == "ko" and
                                                            before[key] == "written")
    assert every.count('class="text-checks__row"') == len(before) // 2  # each text once, both languages in a row
    assert "Show only the texts still waiting" in every
    assert _states(app, meeting) == before


# --- who sees the buttons, and who is refused -----------------------------------------------------------------

def test_the_us_secretariat_and_the_observers_see_the_states_but_never_the_korean_buttons(
        app, client, auth, committee, make_meeting):
    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    _korean_written_english_checked(app, committee, meeting)

    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{meeting}/texts").get_data(as_text=True)
    assert "text-state--written" in page and check_buttons(page) == []  # its English is checked; Korean is not its
    assert f"/meetings/{meeting}/texts/ko/check" not in page
    assert "Your side's language: English" in page and '<dd data-count="written">0</dd>' in page

    for observer in (committee.kr_observer, committee.kr_delegate, committee.kr_co_chair):
        sign_in(auth, observer)
        page = client.get(f"/meetings/{meeting}/texts").get_data(as_text=True)
        assert "text-state--written" in page and check_buttons(page) == [], observer.role
        assert "Your side's language" not in page and "/texts/ko/check" not in page


def test_a_check_from_the_wrong_side_or_role_is_refused_and_changes_nothing(
        app, client, auth, committee, make_meeting):
    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    _korean_written_english_checked(app, committee, meeting)
    before = _states(app, meeting)
    title = next(key for key in before if key[0] == "meeting" and key[2] == "title")
    written = f"meeting:{title[1]}:title@1"
    for person, language in ((committee.us_secretariat, "ko"), (committee.kr_observer, "ko"),
                             (committee.kr_co_chair, "ko"), (committee.kr_secretariat, "en")):
        browser = app.test_client()
        Auth(browser).login(person)
        response = post_form(browser, f"/meetings/{meeting}/texts/{language}/check", {"text": written},
                             page=f"/meetings/{meeting}/texts")
        assert response.status_code == 403, (person.role, person.side, language)
        response = post_form(browser, f"/texts/meeting/{meeting}/title/{language}/check", {"revision": "1"},
                             page=f"/meetings/{meeting}/texts")
        assert response.status_code == 403, (person.role, person.side, language)
    assert _states(app, meeting) == before


def test_a_language_that_does_not_exist_and_garbled_texts_are_clear_refusals(
        app, client, auth, committee, make_meeting):
    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    _korean_written_english_checked(app, committee, meeting)
    before = _states(app, meeting)
    auth.login(committee.kr_secretariat)
    response = post_form(client, f"/meetings/{meeting}/texts/fr/check", {"text": "meeting:1:title@1"},
                         page=f"/meetings/{meeting}/texts")
    assert response.status_code == 404 and "There is no such language: use en or ko." in response.get_data(
        as_text=True)
    assert post_form(client, "/meetings/9999/texts/ko/check", {}, page=f"/meetings/{meeting}/texts").status_code == 404
    response = post_form(client, f"/meetings/{meeting}/texts/ko/check",
                         {"text": ["garbage", "meeting:x:title@y", "@", "agenda_item:99999:title@1", "😀@1"]},
                         page=f"/meetings/{meeting}/texts", follow_redirects=True)
    assert response.status_code == 200
    assert "0 texts have been marked as checked." in response.get_data(as_text=True)
    assert _states(app, meeting) == before
    assert client.post(f"/meetings/{meeting}/texts/ko/check", data={"text": "meeting:1:title@1"}).status_code in (
        302, 400)  # without the form's token: nothing is checked
    assert _states(app, meeting) == before


def test_a_text_changed_after_the_page_was_read_is_left_for_a_look_of_its_own(
        app, client, auth, committee, make_meeting):
    from jcm.accounts.services import get_user
    from jcm.meetings.models import Meeting

    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    _korean_written_english_checked(app, committee, meeting)
    auth.login(committee.kr_secretariat)
    page = client.get(f"/meetings/{meeting}/texts").get_data(as_text=True)
    everything = forms_on(page)[f"/meetings/{meeting}/texts/ko/check"]
    with app.app_context():  # meanwhile the Korean city is rewritten (by the other secretariat)
        from jcm.meetings.services import get_meeting, update_meeting

        update_meeting(get_user(committee.us_secretariat.id), get_meeting(meeting), {"city_ko": "세종특별자치시"})
        db.session.commit()
        assert db.session.get(Meeting, meeting).city_ko == "세종특별자치시"
    response = client.post(f"/meetings/{meeting}/texts/ko/check", data=everything, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "1 text changed since you read it and was left unchecked: look at it again." in text
    states = _states(app, meeting)
    city = next(key for key in states if key[0] == "meeting" and key[2] == "city" and key[3] == "ko")
    assert states[city] == "written"  # rewritten, so still to be checked, on its own
    assert [key for key, status in states.items() if status == "written"] == [city]


# --- the minutes: a text changed after circulation, checked from the page ---------------------------------------

def test_a_stale_korean_record_of_circulated_minutes_is_checked_from_the_page_and_the_minutes_adopted(
        app, client, auth, committee, held_meeting):
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting
    from jcm.minutes import services
    from jcm.texts.services import check_text

    write_minutes(app, committee, held_meeting)
    complete_both_texts(app, committee, held_meeting)
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        minutes = services.minutes_for(get_meeting(held_meeting))
        services.set_status(us, minutes, "circulated")
        section = services.ordered_sections(minutes)[3]
        services.save_section(us, section, section.discussion + "\n\nBoth sides thanked the hosts.",
                              section.decisions, section.version)
        check_text(us, section, "discussion", "en")  # the U.S. checks its own English (anywhere: it is not the story)
        db.session.commit()
        section_id = section.id

    auth.login(committee.kr_secretariat)
    minutes_page = client.get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)
    assert f'<a href="/meetings/{held_meeting}/texts">Texts to check</a>' in minutes_page
    page = client.get(f"/meetings/{held_meeting}/texts").get_data(as_text=True)
    assert '<dd data-count="stale">1</dd>' in page and '<dd data-count="written">0</dd>' in page
    assert f"/meetings/{held_meeting}/texts/ko/check" not in page  # a stale text is checked on its own
    assert "Both sides thanked the hosts." in page and "text-diff__in" in page  # what changed in the English
    action = f"/texts/minutes_section/{section_id}/discussion/ko/check"
    assert check_buttons(page) == [action]
    response = send(client, f"/meetings/{held_meeting}/texts", action)
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{held_meeting}/texts"

    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        services.adopt(get_user(committee.us_co_chair.id), minutes)
        services.adopt(get_user(committee.kr_co_chair.id), minutes)
        db.session.commit()
        assert minutes.status == "adopted"


# --- an action item's page ------------------------------------------------------------------------------------

def test_an_action_items_page_shows_its_texts_and_the_check_of_the_readers_side(
        app, client, auth, committee, make_action_item):
    item = make_action_item(title="Exchange AI-ready dataset inventories", title_ko="AI 활용 가능 데이터셋 목록 교환")
    auth.login(committee.us_observer)  # reads the item in English, and where its texts stand in a word
    page = client.get(f"/action-items/{item}").get_data(as_text=True)
    assert "text-state--written" in page and 'id="texts"' not in page and check_buttons(page) == []

    sign_in(auth, committee.kr_secretariat)
    page = client.get(f"/action-items/{item}").get_data(as_text=True)
    assert 'id="texts"' in page and "AI 활용 가능 데이터셋 목록 교환" in page and "Exchange AI-ready" in page
    assert check_buttons(page) == [f"/texts/action_item/{item}/title/ko/check"]
    response = send(client, f"/action-items/{item}", f"/texts/action_item/{item}/title/ko/check")
    assert response.status_code == 302 and response.headers["Location"] == f"/action-items/{item}"
    page = client.get(f"/action-items/{item}").get_data(as_text=True)
    assert "Marked as checked." in page and check_buttons(page) == []

    sign_in(auth, committee.us_secretariat)
    page = client.get(f"/action-items/{item}").get_data(as_text=True)
    assert check_buttons(page) == [f"/texts/action_item/{item}/title/en/check"]


def test_the_page_of_a_meetings_texts_reads_in_korean(app, client, auth, committee, make_meeting):
    from jcm.accounts.models import User

    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    _korean_written_english_checked(app, committee, meeting)
    with app.app_context():
        db.session.get(User, committee.kr_secretariat.id).locale = "ko"
        db.session.commit()
    auth.login(committee.kr_secretariat)
    page = client.get(f"/meetings/{meeting}/texts").get_data(as_text=True)
    assert "확인할 문안" in page and "국문 문안 일괄 확인" in page
