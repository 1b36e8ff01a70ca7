"""The JSON API for minutes: the two secretariats write them, reviewers comment, both co-chairs adopt them."""

import json
import re

import pytest
from openapi_spec_validator import validate

from jcm.extensions import db
from tests.conftest import complete_both_texts

FAR = 10**9  # an id no test database reaches


def call(api, method: str, path: str, person, **kwargs):
    return api.client.open(path, method=method, headers=api.headers(person), **kwargs)


def put(api, meeting_id: int, person, body: dict):
    return call(api, "PUT", f"/api/v1/meetings/{meeting_id}/minutes", person, json=body)


def minutes_of(api, person, meeting_id: int) -> dict:
    response = api.get(f"/api/v1/meetings/{meeting_id}/minutes", person)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def start(api, person, meeting_id: int) -> dict:
    """A secretariat starts the minutes: their first PUT, here with nothing in it."""
    response = put(api, meeting_id, person, {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def adopt(api, person, meeting_id: int):
    return api.post(f"/api/v1/meetings/{meeting_id}/minutes/approvals", person)


def area_ids(api, person) -> dict[str, int]:
    return {a["code"]: a["id"] for a in api.get("/api/v1/focus-areas", person).get_json()}


def record_for(minutes: dict, title_start: str) -> dict:
    return next(r for r in minutes["records"] if r["title"].startswith(title_start))


@pytest.fixture
def circulated(app, api, committee, held_meeting):
    """Minutes with both delegations, progress for both discussed focus areas, both texts complete and checked,
    circulated for review."""
    areas = area_ids(api, committee.us_secretariat)
    start(api, committee.us_secretariat, held_meeting)
    # Each side lists its own delegation.
    assert put(api, held_meeting, committee.kr_secretariat, {
        "attendance": {"KR": [{"user_id": committee.kr_co_chair.id}, "홍길동"]}}).status_code == 200
    response = put(api, held_meeting, committee.us_secretariat, {
        "attendance": {"US": [{"user_id": committee.us_co_chair.id},
                              {"name": "Dr. Jane Doe", "title": "Director", "organization": "NSF"}]},
        "progress": [{"focus_area_id": areas["A.1"], "status": "on_track", "narrative": "Testbeds shared."},
                     {"focus_area_id": areas["B.4"], "status": "at_risk", "narrative": "양자 테스트베드 접근 지연"}],
        "next_meeting": "Washington, D.C., spring 2027"})
    assert response.status_code == 200, response.get_json()
    complete_both_texts(app, committee, held_meeting)
    response = put(api, held_meeting, committee.us_secretariat, {
        "status": "circulated", "version": response.get_json()["version"]})
    assert response.status_code == 200, response.get_json()
    return held_meeting


# --- writing --------------------------------------------------------------------------------------------

def test_a_secretariat_starts_the_minutes_and_others_then_read_them(api, committee, held_meeting):
    for person in (committee.kr_delegate, committee.us_secretariat):  # reading them never starts them
        before = api.get(f"/api/v1/meetings/{held_meeting}/minutes", person)
        assert before.status_code == 404 and "not been started" in before.get_json()["error"]["message"]
    assert put(api, held_meeting, committee.kr_delegate, {}).status_code == 403
    minutes = start(api, committee.us_secretariat, held_meeting)
    assert (minutes["meeting_id"], minutes["status"], minutes["sha256"]) == (held_meeting, "draft", None)
    assert minutes["approvals"] == {"US": None, "KR": None}
    assert minutes["attendance"] == {"US": [], "KR": []}
    assert [r["title"] for r in minutes["records"]][:3] == [
        "Opening remarks by the co-chairs", "Adoption of the agenda", "Review of action items from previous meetings"]
    assert all(r["version"] == 1 and r["discussion"] == "" and r["decisions"] == [] for r in minutes["records"])
    assert minutes_of(api, committee.kr_delegate, held_meeting) == minutes


def test_the_two_secretariats_write_different_records_at_once(api, committee, held_meeting):
    us_view = start(api, committee.us_secretariat, held_meeting)
    kr_view = minutes_of(api, committee.kr_secretariat, held_meeting)
    ai, quantum = us_view["records"][3], kr_view["records"][4]
    first = put(api, held_meeting, committee.us_secretariat, {"records": [{
        "agenda_item_id": ai["agenda_item_id"], "discussion": "The U.S. side presented NSF's AI testbeds.",
        "decisions": ["Share the testbed list by June."], "version": ai["version"]}]})
    assert first.status_code == 200, first.get_json()
    second = put(api, held_meeting, committee.kr_secretariat, {"records": [{
        "agenda_item_id": quantum["agenda_item_id"], "discussion": "양측은 양자 협력을 논의하였다.",
        "decisions": [], "version": quantum["version"]}]})
    assert second.status_code == 200, second.get_json()
    records = {r["agenda_item_id"]: r for r in second.get_json()["records"]}
    assert records[ai["agenda_item_id"]]["discussion"] == "The U.S. side presented NSF's AI testbeds."
    assert records[ai["agenda_item_id"]]["decisions"] == ["Share the testbed list by June."]
    assert records[ai["agenda_item_id"]]["version"] == 2
    assert records[quantum["agenda_item_id"]]["discussion"] == "양측은 양자 협력을 논의하였다."


def test_a_stale_record_is_a_conflict_showing_both_texts_and_nothing_changes(api, committee, held_meeting):
    minutes = start(api, committee.us_secretariat, held_meeting)
    record = minutes["records"][3]
    assert put(api, held_meeting, committee.us_secretariat, {"records": [{
        "agenda_item_id": record["agenda_item_id"], "discussion": "The U.S. text.", "version": 1}]}).status_code == 200
    before = minutes_of(api, committee.kr_secretariat, held_meeting)
    stale = put(api, held_meeting, committee.kr_secretariat, {
        "attendance": {"KR": ["홍길동"]}, "next_meeting": "Seoul",
        "records": [{"agenda_item_id": record["agenda_item_id"], "discussion": "한국 측 문안 🙂",
                     "decisions": ["공동 워크숍 개최"], "version": 1}]})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "conflict" and error["field"] == "records[0]"
    assert error["current"]["agenda_item_id"] == record["agenda_item_id"]
    assert (error["current"]["discussion"], error["current"]["version"]) == ("The U.S. text.", 2)
    assert error["current"]["yours"] == {"discussion": "한국 측 문안 🙂", "decisions": ["공동 워크숍 개최"]}
    assert minutes_of(api, committee.kr_secretariat, held_meeting) == before  # the attendance too: all or nothing


def test_bad_input_is_refused_naming_the_field(api, committee, held_meeting, make_meeting):
    minutes = start(api, committee.us_secretariat, held_meeting)
    record = minutes["records"][0]
    areas = area_ids(api, committee.us_secretariat)
    long = put(api, held_meeting, committee.us_secretariat, {"records": [{
        "agenda_item_id": record["agenda_item_id"], "discussion": "x" * 100_001, "version": 1}]})
    assert long.status_code == 422 and long.get_json()["error"]["field"] == "records[0].discussion"
    status = put(api, held_meeting, committee.us_secretariat, {"progress": [
        {"focus_area_id": areas["A.1"], "status": "splendid"}]})
    assert status.status_code == 422 and status.get_json()["error"]["field"] == "progress[0].status"
    assert "splendid" in status.get_json()["error"]["message"]
    other_meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    foreign_item = start(api, committee.us_secretariat, other_meeting)["records"][0]["agenda_item_id"]
    foreign = put(api, held_meeting, committee.us_secretariat, {"records": [{
        "agenda_item_id": foreign_item, "discussion": "Not ours", "version": 1}]})
    assert foreign.status_code == 422 and foreign.get_json()["error"]["field"] == "records[0].agenda_item_id"
    for body in ({"colour": "blue"}, {"records": [{"agenda_item_id": record["agenda_item_id"]}]},
                 {"attendance": {"JP": ["Someone"]}}, {"attendance": {"US": [42]}}, {"status": "published"}):
        response = put(api, held_meeting, committee.us_secretariat, body)
        assert response.status_code == 422, body
    assert minutes_of(api, committee.us_secretariat, held_meeting) == minutes
    assert put(api, held_meeting, committee.us_delegate, {"next_meeting": "Mine"}).status_code == 403


def test_hangul_emoji_and_markup_come_back_as_written_in_plain_json(api, committee, held_meeting):
    record = start(api, committee.kr_secretariat, held_meeting)["records"][3]
    text = "<script>alert('JCM')</script> 한미 양측은 인공지능 협력을 논의하였다 🚀 & “quotes”"
    response = put(api, held_meeting, committee.kr_secretariat, {"records": [{
        "agenda_item_id": record["agenda_item_id"], "discussion": text, "decisions": ["<b>합의</b> ✅"],
        "version": record["version"]}]})
    assert response.status_code == 200 and response.mimetype == "application/json"
    read = record_for(minutes_of(api, committee.us_observer, held_meeting), record["title"])
    assert (read["discussion"], read["decisions"]) == (text, ["<b>합의</b> ✅"])


# --- review and adoption --------------------------------------------------------------------------------

def test_circulate_comment_and_take_back_to_draft(api, committee, circulated):
    minutes = minutes_of(api, committee.kr_delegate, circulated)
    assert minutes["status"] == "circulated" and minutes["next_meeting"] == "Washington, D.C., spring 2027"
    assert minutes["attendance"] == {"US": ["Margaret Chen", "Dr. Jane Doe"], "KR": ["이준호", "홍길동"]}
    jane = minutes["attendees"]["US"][1]
    assert {key: jane[key] for key in ("name", "title", "organization", "user_id")} == {
        "name": "Dr. Jane Doe", "title": "Director", "organization": "NSF", "user_id": None}
    assert jane["name_ko"] and jane["title_ko"] and jane["organization_ko"]  # the Korean secretariat wrote them
    assert jane["languages"] == {text: {"en": "checked", "ko": "checked"} for text in ("name", "title", "organization")}
    assert [p["focus_area_code"] for p in minutes["progress"]] == ["A.1", "B.4"]
    item = minutes["records"][3]["agenda_item_id"]
    path = f"/api/v1/meetings/{circulated}/minutes/comments"
    comment = api.post(path, committee.kr_delegate, json={"text": "데이터셋 수를 수정해 주세요.", "agenda_item_id": item})
    assert comment.status_code == 201, comment.get_json()
    assert (comment.get_json()["side"], comment.get_json()["agenda_item_id"]) == ("KR", item)
    assert api.post(path, committee.us_observer, json={"text": "I only read"}).status_code == 403
    assert api.post(path, committee.us_delegate, json={"text": "x", "agenda_item_id": FAR}).status_code == 422
    listed = api.get(path, committee.us_observer).get_json()
    assert [(c["text"], c["author_name"]) for c in listed] == [("데이터셋 수를 수정해 주세요.", "박지훈")]
    stale = put(api, circulated, committee.us_secretariat, {"status": "draft", "version": minutes["version"] - 1})
    assert stale.status_code == 409
    back = put(api, circulated, committee.us_secretariat, {"status": "draft", "version": minutes["version"]})
    assert back.status_code == 200 and back.get_json()["status"] == "draft"
    late = api.post(path, committee.kr_delegate, json={"text": "Too late"})
    assert late.status_code == 409


def test_adoption_is_refused_while_a_discussed_focus_area_has_no_progress(api, committee, held_meeting):
    areas = area_ids(api, committee.us_secretariat)
    minutes = start(api, committee.us_secretariat, held_meeting)
    assert put(api, held_meeting, committee.us_secretariat, {
        "progress": [{"focus_area_id": areas["A.1"], "status": "on_track"}],
        "status": "circulated", "version": minutes["version"]}).status_code == 200
    response = adopt(api, committee.us_co_chair, held_meeting)
    assert response.status_code == 409
    assert "B.4 Leading Quantum Innovation" in response.get_json()["error"]["message"]
    assert minutes_of(api, committee.us_co_chair, held_meeting)["approvals"] == {"US": None, "KR": None}


def test_only_the_named_co_chairs_adopt_each_for_their_own_side(app, api, committee, circulated):
    from jcm.accounts.services import create_user

    assert adopt(api, committee.us_delegate, circulated).status_code == 403
    assert adopt(api, committee.kr_secretariat, circulated).status_code == 403
    with app.app_context():
        other = create_user(None, {"email": "other.cochair@msit.example.go.kr", "name": "다른 위원장", "side": "KR",
                                   "role": "co_chair"}, "correct horse battery")
        db.session.commit()
        other_id = other.id
    other_person = type(committee.kr_co_chair)(other_id, "other.cochair@msit.example.go.kr", "다른 위원장", "KR",
                                               "co_chair", None)
    refused = adopt(api, other_person, circulated)
    assert refused.status_code == 403 and "Only the meeting's co-chair" in refused.get_json()["error"]["message"]

    first = adopt(api, committee.kr_co_chair, circulated)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["approvals"]["US"] is None and body["approvals"]["KR"]["user_id"] == committee.kr_co_chair.id
    assert (body["status"], body["sha256"], body["meeting_status"]) == ("circulated", None, "held")
    again = adopt(api, committee.kr_co_chair, circulated)  # no second approval, nor one for the other side
    assert again.status_code == 201 and again.get_json()["approvals"]["US"] is None


def test_both_co_chairs_adopt_and_the_minutes_are_locked(api, committee, circulated):
    assert adopt(api, committee.us_co_chair, circulated).status_code == 201
    response = adopt(api, committee.kr_co_chair, circulated)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "adopted" and len(body["sha256"]) == 64 and body["meeting_status"] == "minutes_adopted"
    assert body["approvals"]["US"]["user_id"] == committee.us_co_chair.id
    assert body["approvals"]["KR"]["user_id"] == committee.kr_co_chair.id
    minutes = minutes_of(api, committee.us_observer, circulated)
    assert minutes["sha256"] == body["sha256"] and minutes["status"] == "adopted"
    meeting = api.get(f"/api/v1/meetings/{circulated}", committee.us_observer).get_json()
    assert meeting["status"] == "minutes_adopted"

    record = minutes["records"][0]
    for change in ({"records": [{"agenda_item_id": record["agenda_item_id"], "discussion": "A late change",
                                 "version": record["version"]}]},
                   {"status": "draft", "version": minutes["version"]}, {"next_meeting": "Later"}, {}):
        late = put(api, circulated, committee.us_secretariat, change)
        assert late.status_code == 409, change
        assert "can no longer be changed" in late.get_json()["error"]["message"]
    assert adopt(api, committee.us_co_chair, circulated).status_code == 409
    assert minutes_of(api, committee.us_secretariat, circulated) == minutes


def test_the_minutes_read_as_their_schema_dumps_them_before_and_after_each_adoption(app, api, committee, circulated):
    """The minutes are read built directly, not dumped field by field (jcm.minutes.schemas.minutes_dumped): with
    both delegations, records, progress and the next meeting, before either co-chair adopts them, after one and
    after both, they say exactly what MinutesSchema makes of them."""
    from jcm.minutes.api import minutes_out
    from jcm.minutes.schemas import MinutesSchema
    from jcm.minutes.services import minutes_of as stored_minutes

    def as_the_schema_dumps_them() -> dict:
        with app.app_context():
            minutes = stored_minutes(circulated)
            return json.loads(json.dumps(MinutesSchema().dump(minutes_out(minutes, minutes.meeting))))

    for adopting in (None, committee.kr_co_chair, committee.us_co_chair):
        if adopting is not None:
            assert adopt(api, adopting, circulated).status_code == 201
        read = minutes_of(api, committee.us_delegate, circulated)
        assert read == as_the_schema_dumps_them()
        assert read["attendees"]["US"] and read["records"] and read["progress"]
    assert read["adopted_at"].endswith("+00:00") and read["approvals"]["US"]["at"].endswith("+00:00")
    assert read["records"][0]["updated_at"].endswith("+00:00") and len(read["sha256"]) == 64


# --- errors and the document ----------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("GET", f"/api/v1/meetings/{FAR}/minutes"),
    ("PUT", f"/api/v1/meetings/{FAR}/minutes"),
    ("POST", f"/api/v1/meetings/{FAR}/minutes/approvals"),
    ("GET", f"/api/v1/meetings/{FAR}/minutes/comments"),
    ("POST", f"/api/v1/meetings/{FAR}/minutes/comments"),
    ("GET", f"/api/v1/meetings/{10**20}/minutes"),
])
def test_an_unknown_meeting_is_a_json_404(api, committee, method, path):
    body = {"text": "Hello"} if path.endswith("/comments") else {}
    response = call(api, method, path, committee.us_secretariat, json=body if method != "GET" else None)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]["code"] == "not_found"


def test_without_a_token_nothing_is_shown(client, held_meeting):
    response = client.get(f"/api/v1/meetings/{held_meeting}/minutes")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_the_openapi_document_lists_the_minutes(client, committee):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    paths = spec["paths"]
    assert set(paths["/api/v1/meetings/{meeting_id}/minutes"]) >= {"get", "put"}
    assert "post" in paths["/api/v1/meetings/{meeting_id}/minutes/approvals"]
    assert set(paths["/api/v1/meetings/{meeting_id}/minutes/comments"]) >= {"get", "post"}
    assert "409" in paths["/api/v1/meetings/{meeting_id}/minutes"]["put"]["responses"]


# --- two authentic texts --------------------------------------------------------------------------------

DISCUSSION = "The U.S. side presented NSF's AI testbeds."
DISCUSSION_KO = "미국 측은 국립과학재단(NSF)의 인공지능 테스트베드를 소개하였다."


def test_every_text_round_trips_in_english_and_korean_with_its_state(app, api, committee, held_meeting):
    from jcm.accounts.models import User

    with app.app_context():
        db.session.get(User, committee.kr_co_chair.id).title_ko = "공동위원장"
        db.session.commit()
    areas = area_ids(api, committee.us_secretariat)
    record = start(api, committee.us_secretariat, held_meeting)["records"][3]
    assert record["discussion_ko"] == "" and record["decisions_ko"] == []
    assert record["languages"] == {"discussion": {"en": "empty", "ko": "empty"},
                                   "decisions": {"en": "empty", "ko": "empty"}}
    response = put(api, held_meeting, committee.kr_secretariat, {
        "records": [{"agenda_item_id": record["agenda_item_id"], "version": record["version"],
                     "discussion": "The U.S. side presented NSF's AI testbeds.", "discussion_ko": DISCUSSION_KO,
                     "decisions": ["Share the testbed list by June."], "decisions_ko": ["6월까지 테스트베드 목록을 공유한다."]}],
        "progress": [{"focus_area_id": areas["A.1"], "status": "on_track", "narrative": "Testbeds shared.",
                      "narrative_ko": "테스트베드를 공유하였다."}],
        "next_meeting": "Washington, D.C., spring 2027", "next_meeting_ko": "2027년 봄, 워싱턴 D.C.",
        "attendance": {"KR": [{"user_id": committee.kr_co_chair.id, "name_ko": "이준호"},
                              {"name": "Hong Gil-dong", "name_ko": "홍길동", "title": "Deputy Director",
                               "title_ko": "과장", "organization": "MSIT", "organization_ko": "과학기술정보통신부"}]}})
    assert response.status_code == 200, response.get_json()
    minutes = minutes_of(api, committee.us_observer, held_meeting)
    read = record_for(minutes, record["title"])
    assert (read["discussion_ko"], read["decisions_ko"]) == (DISCUSSION_KO, ["6월까지 테스트베드 목록을 공유한다."])
    assert read["languages"] == {"discussion": {"en": "written", "ko": "written"},
                                 "decisions": {"en": "written", "ko": "written"}}
    (progress,) = minutes["progress"]
    assert progress["narrative_ko"] == "테스트베드를 공유하였다."
    assert progress["languages"] == {"narrative": {"en": "written", "ko": "written"}}
    assert (minutes["next_meeting_ko"], minutes["languages"]) == (
        "2027년 봄, 워싱턴 D.C.", {"next_meeting": {"en": "written", "ko": "written"}})
    lee, hong = minutes["attendees"]["KR"]
    assert (lee["name"], lee["name_ko"], lee["title_ko"]) == ("이준호", "이준호", "공동위원장")  # the account's title
    assert (hong["name_ko"], hong["title_ko"], hong["organization_ko"]) == ("홍길동", "과장", "과학기술정보통신부")

    # The states the editor shows are those of the texts' own resource, which takes each side's check.
    texts = api.get(f"/api/v1/texts/minutes_section/{read['id']}", committee.kr_delegate).get_json()
    assert texts["texts"]["discussion"]["ko"]["status"] == "written"
    for kind, record_id in (("progress_entry", progress["id"]), ("minutes", minutes["id"]), ("attendee", hong["id"])):
        assert api.get(f"/api/v1/texts/{kind}/{record_id}", committee.kr_delegate).status_code == 200


def test_a_korean_text_alone_leaves_the_english_be_and_the_english_moving_on_makes_it_stale(
        api, committee, held_meeting):
    record = start(api, committee.us_secretariat, held_meeting)["records"][3]
    item = record["agenda_item_id"]
    assert put(api, held_meeting, committee.us_secretariat, {"records": [{
        "agenda_item_id": item, "discussion": "The sides met.", "decisions": ["Share the list."],
        "version": 1}]}).status_code == 200
    korean = put(api, held_meeting, committee.kr_secretariat, {"records": [{
        "agenda_item_id": item, "discussion_ko": "양측은 회의하였다.", "decisions_ko": ["목록을 공유한다."], "version": 2}]})
    assert korean.status_code == 200, korean.get_json()
    read = record_for(korean.get_json(), record["title"])
    assert (read["discussion"], read["decisions"], read["discussion_ko"]) == ("The sides met.", ["Share the list."],
                                                                             "양측은 회의하였다.")
    english = put(api, held_meeting, committee.us_secretariat, {"records": [{
        "agenda_item_id": item, "discussion": "The sides met in Sejong.", "version": 3}]})
    read = record_for(english.get_json(), record["title"])
    assert read["languages"]["discussion"] == {"en": "written", "ko": "stale"}
    assert read["languages"]["decisions"] == {"en": "written", "ko": "written"}
    texts = api.get(f"/api/v1/texts/minutes_section/{read['id']}", committee.kr_secretariat).get_json()
    assert texts["texts"]["discussion"]["ko"]["difference"] == ["-The sides met.", "+The sides met in Sejong."]
    checked = api.post(f"/api/v1/texts/minutes_section/{read['id']}/checks", committee.kr_secretariat,
                       json={"field": "discussion", "language": "ko"})
    assert checked.status_code == 201, checked.get_json()
    # When it was checked is said in UTC, as every timestamp the API gives ("…Z", an RFC 3339 date-time).
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z",
                        checked.get_json()["texts"]["discussion"]["ko"]["checked_at"])
    read = record_for(minutes_of(api, committee.us_observer, held_meeting), record["title"])
    assert read["languages"]["discussion"] == {"en": "written", "ko": "checked"}


def test_a_korean_decision_list_of_another_length_is_refused_naming_the_field(api, committee, held_meeting):
    record = start(api, committee.us_secretariat, held_meeting)["records"][3]
    refused = put(api, held_meeting, committee.kr_secretariat, {"records": [{
        "agenda_item_id": record["agenda_item_id"], "decisions": ["Share the list.", "Meet in June."],
        "decisions_ko": ["목록을 공유한다."], "version": 1}]})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["field"] == "records[0].decisions_ko" and "2 expected, 1 given" in error["message"]
    assert record_for(minutes_of(api, committee.us_observer, held_meeting), record["title"])["version"] == 1
    too_long = put(api, held_meeting, committee.kr_secretariat, {"next_meeting_ko": "서울" * 1001})
    assert too_long.status_code == 422 and "next_meeting_ko" in too_long.get_json()["error"]["fields"]["json"]
    wrong = put(api, held_meeting, committee.kr_secretariat, {"attendance": {"KR": [{"name": "Hong", "name_ko": 5}]}})
    assert wrong.status_code == 422


def test_a_stale_korean_save_is_a_conflict_with_both_texts_in_each_language(api, committee, held_meeting):
    record = start(api, committee.us_secretariat, held_meeting)["records"][3]
    item = record["agenda_item_id"]
    assert put(api, held_meeting, committee.us_secretariat, {"records": [{
        "agenda_item_id": item, "discussion": "The U.S. text.", "version": 1}]}).status_code == 200
    stale = put(api, held_meeting, committee.kr_secretariat, {"records": [{
        "agenda_item_id": item, "discussion_ko": DISCUSSION_KO, "version": 1}]})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["field"] == "records[0]"
    assert (error["current"]["discussion"], error["current"]["discussion_ko"]) == ("The U.S. text.", "")
    assert error["current"]["yours"] == {"discussion_ko": DISCUSSION_KO}
    next_stale = put(api, held_meeting, committee.kr_secretariat, {"next_meeting_ko": "서울", "next_meeting_version": 0})
    assert next_stale.status_code == 409
    assert next_stale.get_json()["error"]["current"]["yours_ko"] == "서울"


def test_a_correction_changes_a_korean_text_through_the_api(app, api, committee, circulated):
    from jcm.meetings.services import get_meeting
    from jcm.minutes import services

    assert adopt(api, committee.us_co_chair, circulated).status_code == 201
    assert adopt(api, committee.kr_co_chair, circulated).status_code == 201
    with app.app_context():
        item = services.ordered_sections(services.minutes_for(get_meeting(circulated)))[3].agenda_item_id
    made = api.post(f"/api/v1/meetings/{circulated}/minutes/corrections", committee.kr_secretariat, json={
        "reason": "양국어 문안 누락 보완",
        "changes": {"records": [{"agenda_item_id": item, "discussion_ko": DISCUSSION_KO, "discussion": DISCUSSION}],
                    "progress": [{"focus_area": "B.4", "narrative_ko": "양자 테스트베드 접근이 지연되고 있다.",
                                  "narrative": "Access to the quantum testbeds is delayed."}],
                    "next_meeting": "Washington, D.C., in the spring of 2027.",
                    "next_meeting_ko": "2027년 봄, 워싱턴 D.C."}})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["changes"]["records"] == [{"agenda_item_id": item, "discussion": DISCUSSION,
                                                      "discussion_ko": DISCUSSION_KO}]
    for co_chair in (committee.us_co_chair, committee.kr_co_chair):
        assert api.post(f"/api/v1/meetings/{circulated}/minutes/corrections/1/approvals", co_chair,
                        json={"version": 1}).status_code == 201
    record = api.get(f"/api/v1/meetings/{circulated}/minutes/record", committee.us_observer).get_json()["record"]
    entry = next(r for r in record["records"] if r["agenda_item_id"] == item)
    assert entry["discussion_ko"] == DISCUSSION_KO and record["next_meeting_ko"] == "2027년 봄, 워싱턴 D.C."
    assert record["correction"]["number"] == 1
    unknown = api.post(f"/api/v1/meetings/{circulated}/minutes/corrections", committee.kr_secretariat, json={
        "reason": "r", "changes": {"records": [{"agenda_item_id": item, "discussion_kr": "x"}]}})
    assert unknown.status_code == 422
