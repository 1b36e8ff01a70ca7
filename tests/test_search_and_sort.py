"""Search and sort in both scripts: a secretariat finds an action item or a meeting by any word of it, typed in
English or in Korean — Latin letters in either case, Hangul with or without the spaces between its words — on every
list and in the API; and the register sorted by title reads in the reader's language, Hangul in 가나다 order, the
same on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from jcm.accounts.models import User
from jcm.extensions import db


def speak(app, person, locale: str) -> None:
    with app.app_context():
        db.session.get(User, person.id).locale = locale
        db.session.commit()


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def refs_on(page: str) -> list[str]:
    """The references of the register's rows, or of the cards of "My action items", in their order."""
    return re.findall(r'<a href="/action-items/\d+">(JCM[\w-]+)</a>', page)


def refs_in_csv(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [row[0] for row in csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")))][1:]


# --- finding --------------------------------------------------------------------------------------------

@pytest.fixture
def findable(app, committee, make_meeting, make_action_item):
    """Three action items of the 12th meeting, owned by the two delegates, due one after the other: the dataset
    inventories (both languages, title and description), the quantum workshop's experts (both titles, an English
    description), the list of joint projects (English title, a Korean description only)."""
    twelfth = make_meeting(ordinal=12, start_date=day(20))
    make_action_item("Exchange AI-ready dataset inventories", meeting_id=twelfth, due_date=day(30),
                     title_ko="AI 활용 가능 데이터셋 목록 교환", description="Each side lists its AI-ready datasets.",
                     description_ko="양측은 각자의 데이터셋 목록을 공유한다.")
    make_action_item("Nominate experts for the quantum workshop", focus_area="B.4", meeting_id=twelfth,
                     due_date=day(40), title_ko="양자 워크숍 전문가 추천", description="Names by the end of May.")
    make_action_item("Share the list of joint projects", meeting_id=twelfth, due_date=day(50),
                     description_ko="공동연구 과제 목록을 공유한다.")
    return twelfth


DATASETS, EXPERTS, PROJECTS = "JCM12-A01", "JCM12-A02", "JCM12-A03"


@pytest.mark.parametrize("q, found", [
    ("데이터셋목록", [DATASETS]),  # typed without the space the title has
    ("데이터셋 목록", [DATASETS]),
    ("목록교환", [DATASETS]),
    ("DATASET", [DATASETS]),  # Latin in any case
    ("Quantum WORKSHOP", [EXPERTS]),
    ("워크숍", [EXPERTS]),  # the Korean title
    ("may", [EXPERTS]),  # the English description
    ("공동연구", [PROJECTS]),  # a Korean description, where the title is English only
    ("목록", [DATASETS, PROJECTS]),
    ("joint 목록", [PROJECTS]),  # every word, in either language
    ("dataset 워크숍", []),
    ("100%", []), ("_", []),  # what a database reads as a wildcard is only a character here
    ("   ", [DATASETS, EXPERTS, PROJECTS]),  # no words: no filter
])
def test_the_register_finds_an_item_by_any_word_in_either_language(client, auth, committee, findable, q, found):
    auth.login(committee.us_secretariat)
    response = client.get("/action-items", query_string={"q": q})
    assert response.status_code == 200
    assert refs_on(response.get_data(as_text=True)) == found


def test_the_register_keeps_the_words_in_its_search_box_and_its_downloads(client, auth, committee, findable):
    auth.login(committee.kr_secretariat)
    page = client.get("/action-items", query_string={"q": "데이터셋목록"}).get_data(as_text=True)
    assert 'name="q" value="데이터셋목록"' in page
    assert "/action-items.csv?q=%EB%8D%B0%EC%9D%B4%ED%84%B0%EC%85%8B%EB%AA%A9%EB%A1%9D" in page
    assert refs_in_csv(client.get("/action-items.csv", query_string={"q": "데이터셋목록"})) == [DATASETS]


def test_a_delegate_finds_among_their_own_action_items(app, client, auth, committee, findable, make_action_item):
    make_action_item("Someone else's workshop", due_date=day(60),
                     owners={"US": [{"user_id": committee.us_observer.id}],
                             "KR": [{"user_id": committee.kr_observer.id}]})
    auth.login(committee.kr_delegate)
    assert refs_on(client.get("/my-action-items?q=워크숍").get_data(as_text=True)) == [EXPERTS]
    assert refs_on(client.get("/my-action-items?q=WORKSHOP").get_data(as_text=True)) == [EXPERTS]
    nothing = client.get("/my-action-items?q=hydrogen").get_data(as_text=True)
    assert refs_on(nothing) == [] and "None of your open action items has these words." in nothing


def test_a_program_finds_action_items_through_the_api(api, committee, findable):
    response = api.get("/api/v1/action-items?q=데이터셋목록", committee.us_observer)
    assert response.status_code == 200 and [item["ref"] for item in response.json] == [DATASETS]
    response = api.get("/api/v1/action-items?q=Quantum%20WORKSHOP&status=open", committee.kr_observer)
    assert [item["ref"] for item in response.json] == [EXPERTS]


def test_the_meetings_are_found_by_title_venue_or_city_in_either_language(app, client, auth, api, committee,
                                                                        make_meeting):
    make_meeting(ordinal=11, start_date=day(-200), venue="National Science Foundation", city="Alexandria",
                 venue_ko="미국 국립과학재단", city_ko="알렉산드리아", host_side="US")
    make_meeting(ordinal=12, start_date=day(30))
    auth.login(committee.kr_delegate)

    def titles(q: str) -> list[str]:
        response = client.get("/meetings", query_string={"q": q})
        assert response.status_code == 200
        return re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', response.get_data(as_text=True))

    assert titles("세종") == ["The 12th Joint Committee Meeting"]
    assert titles("SEJONG") == ["The 12th Joint Committee Meeting"]
    assert titles("제11차공동위원회") == ["The 11th Joint Committee Meeting"]
    assert titles("국립 과학 재단") == ["The 11th Joint Committee Meeting"]
    assert titles("joint committee") == ["The 12th Joint Committee Meeting", "The 11th Joint Committee Meeting"]
    nothing = client.get("/meetings?q=Busan").get_data(as_text=True)
    assert "No upcoming meeting has these words." in nothing and "No past meeting has these words." in nothing

    response = api.get("/api/v1/meetings?q=alexandria", committee.us_observer)
    assert response.status_code == 200 and [meeting["ordinal"] for meeting in response.json] == [11]
    response = api.get("/api/v1/meetings?q=공동위원회", committee.us_observer)
    assert [meeting["ordinal"] for meeting in response.json] == [12, 11]


@pytest.mark.parametrize("path", ["/action-items", "/my-action-items", "/meetings", "/action-items.csv"])
def test_too_long_a_search_is_refused_with_a_clear_message(client, auth, committee, findable, path):
    auth.login(committee.us_delegate)
    response = client.get(path, query_string={"q": "데이터" * 67})
    assert response.status_code == 422
    assert "The search text may be at most 200 characters." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/action-items", "/api/v1/meetings"])
def test_a_program_is_told_which_argument_is_too_long(api, committee, findable, path):
    response = api.get(path, committee.us_observer, query_string={"q": "x" * 201})
    assert response.status_code == 422 and response.json["error"]["code"] == "unprocessable_entity"
    assert response.json["error"]["fields"]["query"]["q"] == ["The search text may be at most 200 characters."]


@pytest.mark.parametrize("q", ["\x00", "data\x00set", "\ufeff", "😀 데이터셋", "'; DROP TABLE action_item; --"])
def test_strange_input_in_the_search_box_is_only_text(client, auth, api, committee, findable, q):
    auth.login(committee.us_delegate)
    for path in ("/action-items", "/my-action-items", "/meetings"):
        assert client.get(path, query_string={"q": q}).status_code == 200
    assert api.get("/api/v1/action-items", committee.us_observer, query_string={"q": q}).status_code == 200
    assert api.get("/api/v1/meetings", committee.us_observer, query_string={"q": q}).status_code == 200


# --- sorting --------------------------------------------------------------------------------------------

# (English title, Korean title): the English ones in an order of their own, one with no Korean title yet, and the
# Korean ones beginning with ㄱ ㄲ ㄴ ㄷ ㅂ ㅎ.
TITLES = [
    ("Multilateral cooperation review", "다자간 협력 현황 점검"),
    ("accelerator data sharing plan", "가속기 데이터 공유 방안"),  # lower case: a case-blind order still puts it first
    ("Zebrafish model exchange", ""),
    ("Nano materials joint research", "나노 소재 공동연구"),
    ("Coordinate the hybrid meeting", "하이브리드 회의 준비"),
    ("Bio standards consultation", "바이오 표준 협의"),
    ("Quantum workshop follow-up", "꼼꼼한 양자 워크숍 후속 점검"),
]
ENGLISH_ORDER = ["accelerator data sharing plan", "Bio standards consultation", "Coordinate the hybrid meeting",
                 "Multilateral cooperation review", "Nano materials joint research", "Quantum workshop follow-up",
                 "Zebrafish model exchange"]
# 가나다 order; the item with no Korean title yet sorts by the English one the reader sees, Latin before Hangul.
KOREAN_ORDER = ["Zebrafish model exchange", "가속기 데이터 공유 방안", "꼼꼼한 양자 워크숍 후속 점검", "나노 소재 공동연구",
                "다자간 협력 현황 점검", "바이오 표준 협의", "하이브리드 회의 준비"]


@pytest.fixture
def titled(committee, make_action_item) -> dict[str, str]:
    """The items, raised between meetings in the order of TITLES; the reference of each, by its English title."""
    refs = {}
    for number, (english, korean) in enumerate(TITLES, start=1):
        make_action_item(english, title_ko=korean, due_date=day(number))
        refs[english] = f"JCM-X{number:03d}"
    return refs


def refs_of(titles: list[str], refs: dict[str, str]) -> list[str]:
    english = {korean or english: english for english, korean in TITLES}
    return [refs[english.get(title, title)] for title in titles]


def test_the_sort_orders_are_what_a_reader_of_each_language_expects():
    """The expected orders themselves: the English case-blind, the Korean by 가나다 (ㄱ ㄲ ㄴ ㄷ ㅂ ㅎ)."""
    assert ENGLISH_ORDER == sorted((english for english, _korean in TITLES), key=str.lower)
    assert [title[0] for title in KOREAN_ORDER[1:]] == ["가", "꼼", "나", "다", "바", "하"]


@pytest.mark.parametrize("locale, order", [("en", ENGLISH_ORDER), ("ko", KOREAN_ORDER)])
def test_the_register_sorted_by_title_reads_in_the_readers_language(app, client, auth, committee, titled, locale,
                                                                    order):
    speak(app, committee.kr_secretariat, locale)
    auth.login(committee.kr_secretariat)
    assert refs_on(client.get("/action-items?sort=title").get_data(as_text=True)) == refs_of(order, titled)
    assert refs_on(client.get("/action-items?sort=-title").get_data(as_text=True)) == refs_of(order, titled)[::-1]
    assert refs_in_csv(client.get("/action-items.csv?sort=title")) == refs_of(order, titled)


@pytest.mark.parametrize("locale, order", [("en", ENGLISH_ORDER), ("ko", KOREAN_ORDER)])
def test_the_api_sorts_by_title_in_the_callers_language(app, api, committee, titled, locale, order):
    speak(app, committee.us_observer, locale)
    response = api.get("/api/v1/action-items?sort=title", committee.us_observer)
    assert response.status_code == 200
    assert [item["ref"] for item in response.json] == refs_of(order, titled)


def test_the_korean_reader_finds_the_title_sort_in_the_sort_menu(app, client, auth, committee, titled):
    speak(app, committee.kr_delegate, "ko")
    auth.login(committee.kr_delegate)
    page = client.get("/action-items?sort=title").get_data(as_text=True)
    assert '<option value="title" selected>제목(가나다순)</option>' in page


def test_the_api_documents_its_search_and_its_title_sort(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    def parameters(path: str) -> dict:
        return {parameter["name"]: parameter for parameter in spec["paths"][path]["get"]["parameters"]}

    for path in ("/api/v1/action-items", "/api/v1/meetings"):
        q = parameters(path)["q"]
        assert q["in"] == "query" and q["schema"]["maxLength"] == 200 and "Korean" in q["description"]
    assert {"title", "-title"} <= set(parameters("/api/v1/action-items")["sort"]["schema"]["enum"])


# --- every list of titled things sorts by title in the reader's language ----------------------------------

@pytest.fixture
def titled_meetings(app, committee, make_meeting) -> dict[int, str]:
    """Seven past meetings titled as TITLES, the 11th and on, held a month apart; the English title of each, by
    its id. The one with no Korean title has none (a new meeting is given the customary one, 제N차 …)."""
    from jcm.meetings.models import Meeting

    titles = {}
    for number, (english, korean) in enumerate(TITLES):
        meeting_id = make_meeting(ordinal=11 + number, start_date=day(-400 + 30 * number), title=english,
                                  title_ko=korean, status="held")
        if not korean:
            with app.app_context():
                db.session.get(Meeting, meeting_id).title_ko = ""
                db.session.commit()
        titles[meeting_id] = english
    return titles


def in_reading_order(order: list[str]) -> list[str]:
    """The English titles of the items of TITLES, in the order a reader sees their titles in."""
    english = {korean or english: english for english, korean in TITLES}
    return [english.get(title, title) for title in order]


def meetings_on(page: str, titles: dict[int, str]) -> list[str]:
    return [titles[int(found)] for found in re.findall(r'<a href="/meetings/(\d+)">', page) if int(found) in titles]


@pytest.mark.parametrize("locale, order", [("en", ENGLISH_ORDER), ("ko", KOREAN_ORDER)])
def test_the_meetings_sorted_by_title_read_in_the_readers_language(app, client, auth, committee, titled_meetings,
                                                                   locale, order):
    speak(app, committee.kr_delegate, locale)
    auth.login(committee.kr_delegate)
    response = client.get("/meetings?sort=title")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert meetings_on(page, titled_meetings) == in_reading_order(order)
    assert '<option value="title" selected>' in page
    assert meetings_on(client.get("/meetings?sort=-title").get_data(as_text=True),
                       titled_meetings) == in_reading_order(order)[::-1]


def test_the_meetings_are_still_latest_first_unless_sorted_by_title(client, auth, committee, titled_meetings):
    auth.login(committee.kr_delegate)
    latest_first = [english for english, _korean in TITLES][::-1]
    assert meetings_on(client.get("/meetings").get_data(as_text=True), titled_meetings) == latest_first
    assert meetings_on(client.get("/meetings?sort=date").get_data(as_text=True), titled_meetings) == latest_first


def test_the_meetings_sorted_by_title_keep_upcoming_and_past_apart(client, auth, committee, make_meeting):
    make_meeting(ordinal=11, start_date=day(-100), title="Zebrafish meeting", status="held")
    make_meeting(ordinal=12, start_date=day(-50), title="Accelerator meeting", status="held")
    make_meeting(ordinal=13, start_date=day(50), title="Yeast meeting")
    make_meeting(ordinal=14, start_date=day(20), title="Bio meeting")
    auth.login(committee.us_delegate)
    page = client.get("/meetings?sort=title").get_data(as_text=True)
    upcoming, past = page.split('id="past-heading"')
    assert re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', upcoming) == ["Bio meeting", "Yeast meeting"]
    assert re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', past) == ["Accelerator meeting", "Zebrafish meeting"]


@pytest.mark.parametrize("locale, order", [("en", ENGLISH_ORDER), ("ko", KOREAN_ORDER)])
def test_the_api_sorts_meetings_by_title_in_the_callers_language(app, api, committee, titled_meetings, locale,
                                                                 order):
    speak(app, committee.us_observer, locale)
    response = api.get("/api/v1/meetings?sort=title", committee.us_observer)
    assert response.status_code == 200
    assert [titled_meetings[meeting["id"]] for meeting in response.json] == in_reading_order(order)
    response = api.get("/api/v1/meetings?sort=-title", committee.us_observer)
    assert [titled_meetings[meeting["id"]] for meeting in response.json] == in_reading_order(order)[::-1]
    default = api.get("/api/v1/meetings", committee.us_observer)
    assert [meeting["ordinal"] for meeting in default.json] == list(range(17, 10, -1))


@pytest.mark.parametrize("locale, order", [("en", ENGLISH_ORDER), ("ko", KOREAN_ORDER)])
def test_my_action_items_sorted_by_title_read_in_my_language(app, client, auth, committee, titled, locale, order):
    speak(app, committee.kr_delegate, locale)
    auth.login(committee.kr_delegate)
    page = client.get("/my-action-items?sort=title").get_data(as_text=True)
    assert refs_on(page) == refs_of(order, titled)
    assert '<option value="title" selected>' in page
    assert refs_on(client.get("/my-action-items?sort=-title").get_data(as_text=True)) == refs_of(order, titled)[::-1]
    # by default, as before: overdue first, then by due date (they fall due one day after the other)
    assert refs_on(client.get("/my-action-items").get_data(as_text=True)) == list(titled.values())


def test_my_action_items_sorted_by_title_and_searched_at_once(app, client, auth, committee, titled):
    speak(app, committee.kr_delegate, "ko")
    auth.login(committee.kr_delegate)
    page = client.get("/my-action-items", query_string={"sort": "title", "q": "점검"}).get_data(as_text=True)
    assert refs_on(page) == refs_of(["꼼꼼한 양자 워크숍 후속 점검", "다자간 협력 현황 점검"], titled)


@pytest.mark.parametrize("path", ["/meetings", "/my-action-items"])
def test_a_sort_that_does_not_exist_is_refused_with_a_clear_message(client, auth, committee, titled, path):
    auth.login(committee.kr_delegate)
    response = client.get(path, query_string={"sort": "colour"})
    assert response.status_code == 422
    assert "Sort by one of:" in response.get_data(as_text=True)


def test_a_program_is_told_which_meeting_sorts_there_are(api, committee):
    response = api.get("/api/v1/meetings?sort=colour", committee.us_observer)
    assert response.status_code == 422
    assert response.json["error"]["fields"]["query"]["sort"] == ["Sort by one of: date, title, -title."]


def test_the_api_documents_the_meetings_title_sort(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {parameter["name"]: parameter for parameter in spec["paths"]["/api/v1/meetings"]["get"]["parameters"]}
    assert parameters["sort"]["schema"]["enum"] == ["date", "title", "-title"]
