"""The OpenAPI document states the limits the services enforce — every text's length, every list's size, every
number's range, every vocabulary — so a program (and a fuzzer) knows what will be accepted before it asks; and each
limit stated is the one enforced: just past it is refused with a 422 naming the field, at it is accepted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jcm.extensions import db

TEXT_FORMATS = {"date", "date-time"}  # a day or a moment has its own length

# The few values that rightly state no limit, each with its reason.
ALLOWED = {
    # A paper sent as multipart/form-data: its size is the instance's upload limit (JCM_MAX_CONTENT_LENGTH, 413
    # beyond it), which the document names in words, as it is configured per instance.
    "POST /api/v1/agenda-items/{item_id}/attachments body.file",
    # A digest to check, typed or pasted: white space around it and capitals are forgiven; what is not 64
    # hexadecimal digits then is refused with 422 (that operation's documented 422).
    "GET /api/v1/verify/{sha256} path:sha256",
}


def _problems(document: dict) -> dict[str, str]:
    """Every request body value and every parameter that does not state its limit: {where: what is missing}."""
    schemas = document["components"]["schemas"]
    problems: dict[str, str] = {}

    def walk(schema: dict, where: str, seen: frozenset = frozenset()) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                walk(schemas[name], where, seen | {name})
            return
        for alternative in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
            walk(alternative, where, seen)
        kind = schema.get("type")
        if kind == "string" and not ({"maxLength", "enum"} & set(schema) or schema.get("format") in TEXT_FORMATS):
            problems[where] = "a text without maxLength or enum"
        if kind == "array":
            if "maxItems" not in schema:
                problems[where] = "a list without maxItems"
            walk(schema.get("items", {}), f"{where}[]", seen)
        if kind == "integer" and "minimum" not in schema:
            problems[where] = "a number without minimum"
        for name, value in schema.get("properties", {}).items():
            walk(value, f"{where}.{name}", seen)
        if isinstance(schema.get("additionalProperties"), dict):
            walk(schema["additionalProperties"], f"{where}.*", seen)

    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for parameter in shared + operation.get("parameters", []):
                walk(parameter.get("schema", {}), f"{method.upper()} {path} {parameter['in']}:{parameter['name']}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method.upper()} {path} body")
    return problems


def test_every_value_a_program_sends_has_its_limit_in_the_openapi_document(client):
    problems = _problems(client.get("/api/v1/openapi.json").get_json())
    unexplained = [f"{where}: {what}" for where, what in problems.items() if where not in ALLOWED]
    assert not unexplained, "\n".join(unexplained)
    assert set(problems) == ALLOWED  # an exception that is gone goes from the list too


def test_the_walk_finds_a_value_without_a_limit():
    """The walk itself: a text, a list and a number stated without limits are each found, in a body and a query."""
    document = {"components": {"schemas": {"Thing": {"type": "object", "properties": {
        "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string", "maxLength": 9}},
        "count": {"type": "integer"}, "day": {"type": "string", "format": "date"},
        "side": {"type": "string", "enum": ["US", "KR"]}, "id": {"type": "integer", "minimum": 1},
        "labels": {"type": "array", "maxItems": 3, "items": {"type": "string"}}}}}},
        "paths": {"/things": {"post": {
            "parameters": [{"in": "query", "name": "q", "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}}
    assert _problems(document) == {
        "POST /things query:q": "a text without maxLength or enum",
        "POST /things body.name": "a text without maxLength or enum",
        "POST /things body.tags": "a list without maxItems",
        "POST /things body.count": "a number without minimum",
        "POST /things body.labels[]": "a text without maxLength or enum"}


def _stated(document: dict, schema: str, *path: str) -> dict:
    value = document["components"]["schemas"][schema]
    for name in path:
        value = value["properties"][name] if name != "[]" else value["items"]
        if "$ref" in value:
            value = document["components"]["schemas"][value["$ref"].rsplit("/", 1)[1]]
    return value


def _query(document: dict, path: str, name: str) -> dict:
    return next(p["schema"] for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)


def test_the_limits_stated_are_the_ones_the_services_keep(client):
    from jcm.actions.services import MAX_OWNERS_PER_SIDE, MAX_UPDATE_LENGTH
    from jcm.meetings.services import MAX_AGENDA_ITEMS, MAX_FOCUS_AREAS
    from jcm.minutes.services import MAX_DELEGATION

    document = client.get("/api/v1/openapi.json").get_json()
    assert _stated(document, "ActionUpdateCreate", "text")["maxLength"] == MAX_UPDATE_LENGTH == 10_000
    assert _stated(document, "OwnersIn", "US")["maxItems"] == MAX_OWNERS_PER_SIDE
    assert _stated(document, "PresentersIn", "KR")["maxLength"] == 300
    assert _stated(document, "AgendaItemCreate", "focus_area_ids")["maxItems"] == MAX_FOCUS_AREAS
    assert _stated(document, "AgendaOrder", "ids")["maxItems"] == MAX_AGENDA_ITEMS
    assert _stated(document, "AttendanceIn", "KR")["maxItems"] == MAX_DELEGATION
    assert _stated(document, "CorrectionCreate", "supersedes")["maxLength"] == 64
    assert _stated(document, "CorrectionProgressIn", "focus_area")["maxLength"] == 32
    assert "narrative" in _stated(document, "TextCheck", "field")["enum"]
    assert _query(document, "/api/v1/action-items", "status")["maxLength"] == 64
    assert _query(document, "/api/v1/action-items", "meeting")["minimum"] == 1


def test_the_kinds_and_texts_a_check_names_are_the_records_that_hold_two_texts(app):
    from jcm.bilingual import pairs
    from jcm.texts.schemas import TEXT_FIELDS, TEXT_KINDS
    from jcm.texts.services import kinds

    with app.app_context():
        # The press summary (jcm.public, above jcm.texts) has its texts checked through its own resource,
        # /meetings/<id>/summary/checks, which names them (headline, body) itself.
        held = {kind: model for kind, model in kinds().items() if kind != "public_summary"}
        assert TEXT_KINDS == sorted(held)
        assert TEXT_FIELDS == sorted({pair.english for model in held.values() for pair in pairs(model)})


# --- each limit, at it and just past it -------------------------------------------------------------------

def _field(response) -> str:
    error = response.get_json()["error"]
    return error.get("field") or ",".join(sorted(error.get("fields", {}).get("json", {})))


def test_an_update_of_ten_thousand_characters_is_posted_and_one_more_is_refused(api, committee, make_action_item):
    item_id = make_action_item()
    path = f"/api/v1/action-items/{item_id}/updates"
    too_long = api.post(path, committee.us_delegate, json={"text": "x" * 10_001})
    assert too_long.status_code == 422 and _field(too_long) == "text"
    assert api.get(path, committee.us_delegate).get_json() == []
    assert api.post(path, committee.us_delegate, json={"text": "x" * 10_000}).status_code == 201


def test_an_action_item_has_at_most_fifty_owners_a_side(api, committee, make_action_item):
    item_id = make_action_item()
    item = api.get(f"/api/v1/action-items/{item_id}", committee.us_secretariat).get_json()

    def owners(count: int) -> dict:
        return {"US": [{"user_id": committee.us_delegate.id}] * count, "KR": [{"user_id": committee.kr_delegate.id}]}

    path = f"/api/v1/action-items/{item_id}"
    headers = api.headers(committee.us_secretariat)
    refused = api.client.patch(path, headers=headers, json={"owners": owners(51), "version": item["version"]})
    assert refused.status_code == 422 and _field(refused) == "owners"
    accepted = api.client.patch(path, headers=headers, json={"owners": owners(50), "version": item["version"]})
    assert accepted.status_code == 200, accepted.get_json()


def test_the_services_keep_the_lists_limits_whoever_calls_them(app, committee, make_action_item, make_meeting,
                                                               held_meeting):
    """A page's form reaches the services without the API's schema: they refuse the same, naming the field."""
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, update_action_item
    from jcm.errors import Invalid
    from jcm.meetings.services import add_agenda_item, get_meeting
    from jcm.minutes.services import open_minutes, set_attendance
    from jcm.mou.models import FocusArea

    item_id, planned = make_action_item(), make_meeting(ordinal=13, start_date="2027-03-10")
    with app.app_context():
        secretariat = get_user(committee.us_secretariat.id)
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
        for call, field in (
                (lambda: update_action_item(secretariat, get_action_item(item_id), {"owners": {
                    "US": [{"user_id": committee.us_delegate.id}] * 51,
                    "KR": [{"user_id": committee.kr_delegate.id}]}}), "owners.US"),
                (lambda: add_agenda_item(secretariat, get_meeting(planned), {"title": "Talk", "kind": "focus_area",
                                                                "focus_area_ids": [area] * 201}), "focus_area_ids"),
                (lambda: set_attendance(secretariat, open_minutes(secretariat, get_meeting(held_meeting)), "US",
                                        ["Jane Doe"] * 201), "attendance")):
            with pytest.raises(Invalid) as refused:
                call()
            assert refused.value.field == field
            db.session.rollback()


def test_presenters_names_are_as_long_as_an_agenda_item_keeps_them(api, committee, make_meeting):
    meeting_id = make_meeting()
    path = f"/api/v1/meetings/{meeting_id}/agenda-items"
    refused = api.post(path, committee.us_secretariat, json={"title": "Talk", "presenters_ko": {"KR": "김" * 301}})
    assert refused.status_code == 422 and _field(refused) == "presenters_ko"
    made = api.post(path, committee.us_secretariat, json={"title": "Talk", "presenters_ko": {"KR": "김" * 300}})
    assert made.status_code == 201 and made.get_json()["presenters_ko"]["KR"] == "김" * 300


def test_an_agenda_names_at_most_two_hundred_focus_areas_for_an_item(api, committee, make_meeting):
    meeting_id = make_meeting()
    area = next(a["id"] for a in api.get("/api/v1/focus-areas", committee.us_secretariat).get_json()
                if a["code"] == "A.1")
    path = f"/api/v1/meetings/{meeting_id}/agenda-items"
    body = {"title": "Datasets", "kind": "focus_area"}
    refused = api.post(path, committee.us_secretariat, json={**body, "focus_area_ids": [area] * 201})
    assert refused.status_code == 422 and _field(refused) == "focus_area_ids"
    made = api.post(path, committee.us_secretariat, json={**body, "focus_area_ids": [area] * 200})
    assert made.status_code == 201 and made.get_json()["focus_area_ids"] == [area]


def test_an_agenda_holds_at_most_five_hundred_items(app, api, committee, make_meeting):
    from jcm.meetings.models import AgendaItem
    from jcm.meetings.services import MAX_AGENDA_ITEMS, get_meeting

    meeting_id = make_meeting()
    with app.app_context():  # a long agenda, as many requests would have made it
        meeting = get_meeting(meeting_id)
        count = db.session.scalar(select(func.count()).where(AgendaItem.meeting_id == meeting_id))
        db.session.add_all(AgendaItem(meeting_id=meeting_id, kind="other_business", title=f"Item {n}", title_ko="",
                                      duration_minutes=5, day=meeting.start_date, position=n)
                           for n in range(count, MAX_AGENDA_ITEMS - 1))
        db.session.commit()
    path = f"/api/v1/meetings/{meeting_id}/agenda-items"
    assert api.post(path, committee.us_secretariat, json={"title": "The last one"}).status_code == 201
    full = api.post(path, committee.us_secretariat, json={"title": "One too many"})
    assert full.status_code == 409 and "at most 500 items" in full.get_json()["error"]["message"]
    items = api.get(path, committee.us_secretariat).get_json()
    assert len(items) == MAX_AGENDA_ITEMS
    order = api.client.put(f"/api/v1/meetings/{meeting_id}/agenda/order", headers=api.headers(
        committee.us_secretariat), json={"ids": [item["id"] for item in reversed(items)]})
    assert order.status_code == 200, order.get_json()


def test_a_delegation_lists_at_most_two_hundred_people(api, committee, held_meeting):
    path = f"/api/v1/meetings/{held_meeting}/minutes"
    headers = api.headers(committee.us_secretariat)
    names = [f"Delegate {n}" for n in range(201)]
    refused = api.client.put(path, headers=headers, json={"attendance": {"US": names}})
    assert refused.status_code == 422 and _field(refused) == "attendance"
    accepted = api.client.put(path, headers=headers, json={"attendance": {"US": names[:200]}})
    assert accepted.status_code == 200 and len(accepted.get_json()["attendance"]["US"]) == 200


@pytest.mark.parametrize("query, field", [
    ("status=" + ",".join(["open"] * 14), "status"),  # 69 characters, each status a known one
    ("owner=organization:00000000001", "owner"),  # 24 characters for organization 1
])
def test_the_register_filters_refuse_what_is_longer_than_stated(api, committee, query, field):
    refused = api.get(f"/api/v1/action-items?{query}", committee.kr_observer)
    assert refused.status_code == 422
    assert field in str(refused.get_json()["error"])


def test_the_register_filters_take_what_is_as_long_as_stated(api, committee):
    for query in ("status=" + ",".join(["open"] * 13), "owner=organization:2147483647", "owner=user:1"):
        response = api.get(f"/api/v1/action-items?{query}", committee.kr_observer)
        assert response.status_code == 200, (query, response.get_json())


def test_a_check_names_a_text_and_a_kind_of_record_there_is(api, committee, make_action_item):
    item_id = make_action_item()
    path = f"/api/v1/texts/action_item/{item_id}/checks"
    unknown = api.post(path, committee.kr_secretariat, json={"field": "nonsense", "language": "ko"})
    assert unknown.status_code == 422 and _field(unknown) == "field"
    other_kind = api.post(f"/api/v1/texts/account/{item_id}/checks", committee.kr_secretariat,
                          json={"field": "title", "language": "ko"})
    assert other_kind.status_code == 404 and other_kind.get_json()["error"]["code"] == "not_found"


def test_a_correction_supersedes_a_digest_written_as_jcm_writes_it(api, committee, held_meeting):
    path = f"/api/v1/meetings/{held_meeting}/minutes/corrections"
    for supersedes in ("A" * 64, "0" * 65, "not a digest"):
        refused = api.post(path, committee.us_secretariat, json={"changes": {}, "reason": "A typo",
                                                                 "supersedes": supersedes})
        assert refused.status_code == 422 and _field(refused) == "supersedes", supersedes
