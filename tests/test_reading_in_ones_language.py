"""Reading in one's language: a delegate whose interface is Korean sees the Korean text wherever one is written, and
the English, marked as such, where none is yet; a delegate who reads English sees the reverse — on the meetings
list and a meeting's page, in the action-item register, "My action items" and an item's page, in the reminders
and in the calendar."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from jcm.accounts.models import User
from jcm.actions.models import ActionItem
from jcm.extensions import db
from jcm.i18n import Localized, localized, marked
from jcm.meetings.models import AgendaItem, Meeting
from tests.conftest import post_form
from tests import test_reminders
from tests.test_reminders import html_of, text_of

# What a Korean reader is shown beside an English text that has no Korean yet, and the reverse.
ENGLISH_ONLY = '<small class="lang-marker" title="국문이 아직 작성되지 않아 영문을 표시합니다.">(영문)</small>'
KOREAN_ONLY = ('<small class="lang-marker" title="There is no English text yet: this is the Korean.">'
               '(Korean only)</small>')


inbox = test_reminders.inbox  # a real SMTP server the reminders go through


def english(text: str) -> str:
    """An English text on a Korean reader's page: in an element that says its language, and marked."""
    return f'<span lang="en">{text}</span> {ENGLISH_ONLY}'


def korean(text: str) -> str:
    return f'<span lang="ko">{text}</span> {KOREAN_ONLY}'


def speak(app, person, locale: str) -> None:
    with app.app_context():
        db.session.get(User, person.id).locale = locale
        db.session.commit()


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


@pytest.fixture
def committee_texts(app, committee, make_meeting, make_action_item):
    """The 11th meeting, held in Washington, whose venue is written in English only; the 12th, coming in Sejong,
    with both texts. Its agenda: the A.1 discussion has its description in English only and presenters in both
    languages, the B.4 discussion a description and a Korean presenter written only in Korean, and a statement
    added in English only. The 11th raised two action items, one written in both languages, one in English only;
    both are carried over to the 12th. The U.S. delegate, who owns them, and the U.S. co-chair have
    their names in Hangul as well."""
    eleventh = make_meeting(ordinal=11, start_date=day(-200), venue="National Science Foundation",
                            city="Alexandria", venue_ko="", city_ko="", host_side="US", status="held")
    twelfth = make_meeting(ordinal=12, start_date=day(30))
    with app.app_context():
        db.session.get(User, committee.us_delegate.id).name_ko = "데이비드 오카포"  # names in Hangul
        db.session.get(User, committee.us_co_chair.id).name_ko = "마거릿 첸"
        items = {item.title: item for item in db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == twelfth))}
        data_item = items["AI for Science and Use-Inspired Research"]
        data_item.description = "Progress on the AI-ready data inventories."
        data_item.presenter_us, data_item.presenter_us_ko = "David Okafor", "데이비드 오카포"
        data_item.presenter_kr, data_item.presenter_kr_ko = "Park Jihoon", "박지훈"
        quantum_item = items["Leading Quantum Innovation"]
        quantum_item.description_ko = "양자 테스트베드 공동 활용 방안 논의"
        quantum_item.presenter_kr_ko = "김서연"
        db.session.add(AgendaItem(meeting_id=twelfth, position=99, day=date.fromisoformat(day(30)),
                                  kind="other_business", title="Joint statement on research security",
                                  duration_minutes=10))
        db.session.commit()
    both = make_action_item("Exchange AI-ready dataset inventories", meeting_id=eleventh, due_date=day(-3),
                            title_ko="AI 활용 가능 데이터셋 목록 교환",
                            description="Each side lists its **AI-ready** datasets.",
                            description_ko="양측은 각자의 **AI 활용 가능** 데이터셋 목록을 작성한다.")
    english_only = make_action_item("Draft the joint quantum testbed call", focus_area="B.4", meeting_id=eleventh,
                                    due_date=day(10))
    return {"eleventh": eleventh, "twelfth": twelfth, "both": both, "english_only": english_only}


# --- a Korean reader ------------------------------------------------------------------------------------

def test_a_korean_delegate_sees_the_meetings_in_korean_and_an_english_only_venue_marked(app, client, auth, committee,
                                                                                      committee_texts):
    speak(app, committee.kr_delegate, "ko")
    auth.login(committee.kr_delegate)
    page = client.get("/meetings").get_data(as_text=True)
    assert "제12차 공동위원회</a>" in page and "과학기술정보통신부 정부세종청사, 세종" in page
    assert f"{english('National Science Foundation')}, {english('Alexandria')}" in page
    assert "The 12th Joint Committee Meeting" not in page and "Government Complex Sejong" not in page


def test_a_korean_delegate_reads_the_meetings_page_in_korean_with_english_fallbacks_marked(app, client, auth,
                                                                                           committee,
                                                                                           committee_texts):
    speak(app, committee.kr_delegate, "ko")
    auth.login(committee.kr_delegate)
    page = client.get(f"/meetings/{committee_texts['twelfth']}").get_data(as_text=True)
    assert "<h1>제12차 공동위원회</h1>" in page
    assert '<p class="subtitle" lang="en">The 12th Joint Committee Meeting</p>' in page  # the other text, beside
    assert "<dd>과학기술정보통신부 정부세종청사, 세종 (" in page
    assert "<strong>과학을 위한 AI 및 활용 지향 연구</strong>" in page
    assert "<strong>양자 혁신 선도</strong>" in page
    assert f"<strong>{english('Joint statement on research security')}</strong>" in page
    assert (f'<div class="item-description" lang="en"><p>Progress on the AI-ready data inventories.</p>\n</div> '
            f"{ENGLISH_ONLY}") in page
    assert '<div class="item-description"><p>양자 테스트베드 공동 활용 방안 논의</p>\n</div>' in page
    assert "<td>데이비드 오카포</td>\n            <td>박지훈</td>" in page
    assert "<td>—</td>\n            <td>김서연</td>" in page  # no U.S. presenter in either language
    assert "Park Jihoon" not in page and "Progress on the AI-ready data inventories" in page
    assert "</span> 마거릿 첸 ·" in page  # the co-chair, by the name in Hangul


def test_a_korean_delegate_sees_the_action_items_in_korean_wherever_one_is_written(app, client, auth, committee,
                                                                                   committee_texts):
    speak(app, committee.kr_delegate, "ko")
    auth.login(committee.kr_delegate)
    quantum = "Draft the joint quantum testbed call"

    register = client.get("/action-items").get_data(as_text=True)
    assert "<td>AI 활용 가능 데이터셋 목록 교환</td>" in register and f"<td>{english(quantum)}</td>" in register
    assert "Exchange AI-ready dataset inventories" not in register
    assert "<td>데이비드 오카포</td>" in register and "David Okafor" not in register  # a name, in Hangul where given

    mine = client.get("/my-action-items").get_data(as_text=True)
    assert "JCM11-A01</a> AI 활용 가능 데이터셋 목록 교환</h2>" in mine
    assert f"JCM11-A02</a> {english(quantum)}</h2>" in mine

    item = client.get(f"/action-items/{committee_texts['both']}").get_data(as_text=True)
    assert '<h1><span class="ref">JCM11-A01</span> AI 활용 가능 데이터셋 목록 교환</h1>' in item
    assert '<div class="item-description"><p>양측은 각자의 <strong>AI 활용 가능</strong> 데이터셋 목록을 작성한다.</p>' in item
    assert "Each side lists" not in item
    assert "제11차 공동위원회</a>" in item

    other = client.get(f"/action-items/{committee_texts['english_only']}").get_data(as_text=True)
    assert f'<h1><span class="ref">JCM11-A02</span> {english(quantum)}</h1>' in other

    review = client.get(f"/meetings/{committee_texts['twelfth']}").get_data(as_text=True)
    review = review[review.index('id="action-review"'):review.index('id="new-actions"')]
    assert "<td>AI 활용 가능 데이터셋 목록 교환</td>" in review and f"<td>{english(quantum)}</td>" in review


# --- an English reader ----------------------------------------------------------------------------------

def test_an_english_reader_sees_the_english_and_a_korean_only_text_marked_the_other_way(app, client, auth, committee,
                                                                                        committee_texts):
    speak(app, committee.us_delegate, "en")
    auth.login(committee.us_delegate)
    page = client.get(f"/meetings/{committee_texts['twelfth']}").get_data(as_text=True)
    assert "<h1>The 12th Joint Committee Meeting</h1>" in page
    assert '<p class="subtitle" lang="ko">제12차 공동위원회</p>' in page
    assert "<strong>Joint statement on research security</strong>" in page  # English: nothing to mark
    assert (f'<div class="item-description" lang="ko"><p>양자 테스트베드 공동 활용 방안 논의</p>\n</div> '
            f"{KOREAN_ONLY}") in page
    assert f"<td>—</td>\n            <td>{korean('김서연')}</td>" in page
    assert "<td>David Okafor</td>\n            <td>Park Jihoon</td>" in page
    assert "</span> Margaret Chen ·" in page
    assert "(영문)" not in page

    with app.app_context():  # a venue written only in Korean
        meeting = db.session.get(Meeting, committee_texts["eleventh"])
        meeting.venue, meeting.venue_ko = "", "미국 국립과학재단"
        db.session.commit()
    meetings = client.get("/meetings").get_data(as_text=True)
    assert f"{korean('미국 국립과학재단')}, Alexandria" in meetings

    register = client.get("/action-items").get_data(as_text=True)
    assert "<td>Exchange AI-ready dataset inventories</td>" in register and "<td>David Okafor</td>" in register
    assert "AI 활용 가능 데이터셋 목록 교환" not in register and "lang-marker" not in register


# --- the one helper -------------------------------------------------------------------------------------

def test_localized_gives_the_text_its_language_and_whether_it_fell_back(app, committee_texts):
    with app.test_request_context(), app.app_context():
        item = db.session.get(ActionItem, committee_texts["english_only"])
        korean_reader = localized(item, "title", "ko")
        assert korean_reader == "Draft the joint quantum testbed call"
        assert (korean_reader.lang, korean_reader.fell_back) == ("en", True)
        english_reader = localized(item, "title", "en")
        assert (english_reader.lang, english_reader.fell_back) == ("en", False)
        nothing = localized(item, "description", "ko")  # neither language has a description
        assert nothing == "" and not nothing.fell_back
        assert localized(None, "title", "ko") == ""
        with force_locale("ko"):
            assert marked(localized(item, "title")) == english("Draft the joint quantum testbed call")
            both = db.session.get(ActionItem, committee_texts["both"])
            assert marked(localized(both, "title")) == "AI 활용 가능 데이터셋 목록 교환"  # nothing to mark
            assert marked(Localized("<b>Bold</b> & co", "en", fell_back=True)) == english(
                "&lt;b&gt;Bold&lt;/b&gt; &amp; co")  # text, never markup


# --- the reminders and the calendar, in the owner's language --------------------------------------------

def test_the_reminders_speak_each_owners_language_and_mark_an_english_only_title(app, runner, committee,
                                                                                 committee_texts, inbox):
    speak(app, committee.kr_delegate, "ko")
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output

    [kr] = inbox.to(committee.kr_delegate.email)
    text, html = text_of(kr), html_of(kr)
    assert "JCM11-A01  AI 활용 가능 데이터셋 목록 교환\n" in text
    assert "JCM11-A02  Draft the joint quantum testbed call (영문)\n" in text
    assert "Exchange AI-ready" not in text
    assert ">AI 활용 가능 데이터셋 목록 교환</a>" in html
    assert f">{english('Draft the joint quantum testbed call')}</a>" in html

    [us] = inbox.to(committee.us_delegate.email)
    text, html = text_of(us), html_of(us)
    assert "JCM11-A01  Exchange AI-ready dataset inventories\n" in text
    assert "JCM11-A02  Draft the joint quantum testbed call\n" in text
    assert "AI 활용 가능" not in text and "lang-marker" not in html


FEED_URL = re.compile(r'<code class="token">(http://[^<]+\.ics)</code>')


def test_the_calendar_speaks_the_subscribers_language_and_marks_an_english_only_text(app, client, auth, committee,
                                                                                      committee_texts):
    speak(app, committee.kr_delegate, "ko")
    auth.login(committee.kr_delegate)
    address = FEED_URL.search(post_form(client, "/account/calendar", {"action": "renew"}).get_data(as_text=True))
    auth.logout()
    calendar = Calendar.from_ical(app.test_client().get(address.group(1)).get_data())
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert str(events[f"action-{committee_texts['both']}@jcm"]["SUMMARY"]) == (
        "JCM11-A01 AI 활용 가능 데이터셋 목록 교환 (기한)")
    assert str(events[f"action-{committee_texts['english_only']}@jcm"]["SUMMARY"]) == (
        "JCM11-A02 Draft the joint quantum testbed call (영문) (기한)")
    eleventh = events[f"meeting-{committee_texts['eleventh']}-day1@jcm"]
    assert str(eleventh["SUMMARY"]) == "제11차 공동위원회"
    assert str(eleventh["LOCATION"]) == "National Science Foundation (영문), Alexandria (영문)"
    assert str(events[f"meeting-{committee_texts['twelfth']}-day1@jcm"]["LOCATION"]) == "과학기술정보통신부 정부세종청사, 세종"
