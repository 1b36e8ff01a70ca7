"""The JSON API for minutes: the two secretariats write them, reviewers comment, both co-chairs adopt them."""

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
    response = put(api, held_meeting, committee.us_secretariat, {
        "attendance": {"US": [{"user_id": committee.us_co_chair.id},
                              {"name": "Dr. Jane Doe", "title": "Director", "organization": "NSF"}],
                       "KR": [{"user_id": committee.kr_co_chair.id}, "홍길동"]},
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
    assert minutes["attendees"]["US"][1] == {"name": "Dr. Jane Doe", "title": "Director", "organization": "NSF",
                                             "user_id": None}
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
