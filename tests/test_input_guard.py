"""Bad input, as an attacker or a careless program sends it, gets a clear 4xx naming the field and changes nothing:
JSON nested without end, a lone surrogate, NUL and other control characters in a text (on a page the form comes
back with the error beside the field and what was typed), a NUL in the query, a huge id in the address, a method
the address does not take. The same on SQLite and PostgreSQL (jcm.guard)."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urlencode

import pytest

from tests.conftest import csrf_token
from tests.test_api_meetings import call, new_meeting
from tests.test_api_minutes import start

CONTROL = {"NUL": ("\x00", "U+0000"), "BEL": ("\x07", "U+0007"), "ESC": ("\x1b", "U+001B")}


@pytest.fixture
def records(api, committee, held_meeting, make_meeting, make_action_item):
    """A held meeting with its minutes started, one being planned, an agenda item and an action item: what the
    writes below aim at."""
    secretariat = committee.us_secretariat
    planning = make_meeting(ordinal=13, start_date="2027-03-10")
    start(api, secretariat, held_meeting)
    item = api.get(f"/api/v1/meetings/{held_meeting}/agenda-items", secretariat).get_json()[3]
    return {"meeting": held_meeting, "planning": planning, "agenda_item": item["id"], "action_item": make_action_item(),
            "record": api.get(f"/api/v1/meetings/{held_meeting}/minutes", secretariat).get_json()["records"][0]}


def api_writes(committee, records) -> list[tuple[str, str, dict, str]]:
    """(method, path, body, the text field's JSON path) of the API's writes of meetings, agenda items, action items
    and minutes; each body is good but for the value put at the place named."""
    record = records["record"]
    return [
        ("POST", "/api/v1/meetings", new_meeting(committee, ordinal=14), "venue"),
        ("PATCH", f"/api/v1/meetings/{records['meeting']}", {"venue": "", "version": 1}, "venue"),
        ("POST", f"/api/v1/meetings/{records['meeting']}/agenda-items", {"kind": "other_business", "title": ""},
         "title"),
        ("PATCH", f"/api/v1/agenda-items/{records['agenda_item']}", {"description": ""}, "description"),
        ("PATCH", f"/api/v1/action-items/{records['action_item']}", {"title": ""}, "title"),
        ("POST", f"/api/v1/action-items/{records['action_item']}/updates", {"text": ""}, "text"),
        ("PUT", f"/api/v1/meetings/{records['meeting']}/minutes", {"records": [
            {"agenda_item_id": record["agenda_item_id"], "version": record["version"], "discussion": "Agreed.",
             "decisions": ["Hold a joint workshop", ""]}]}, "records[0].decisions[1]"),
    ]


def put_at(body: dict, place: str, value) -> dict:
    """The body with `value` at a JSON path such as records[0].decisions[1]."""
    body = json.loads(json.dumps(body))
    steps = [int(step) if step.isdigit() else step for step in re.findall(r"[^.\[\]]+", place)]
    target = body
    for step in steps[:-1]:
        target = target[step]
    target[steps[-1]] = value
    return body


def stored(api, committee, records) -> list:
    """All that the writes could change, as the API shows it."""
    person = committee.us_secretariat
    return [api.get(path, person).get_json() for path in (
        "/api/v1/meetings", f"/api/v1/meetings/{records['meeting']}/agenda-items",
        f"/api/v1/action-items/{records['action_item']}", f"/api/v1/action-items/{records['action_item']}/updates",
        f"/api/v1/meetings/{records['meeting']}/minutes")]


# --- the API --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CONTROL)
def test_a_control_character_in_any_text_of_the_api_is_refused_naming_its_place(api, committee, records, name):
    char, code = CONTROL[name]
    before = stored(api, committee, records)
    for method, path, body, place in api_writes(committee, records):
        response = call(api, method, path, committee.us_secretariat, json=put_at(body, place, f"Joint{char}work"))
        assert response.status_code == 422, (method, path, response.get_json())
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == ("invalid", place)
        assert error["message"] == (f"{place} holds a control character ({code}), which cannot be stored. "
                                    "Remove it and send it again.")
    assert stored(api, committee, records) == before


def test_a_lone_surrogate_anywhere_in_a_body_is_refused_naming_its_place(api, committee, records):
    before = stored(api, committee, records)
    headers = {**api.headers(committee.us_secretariat), "Content-Type": "application/json"}
    for method, path, body, place in api_writes(committee, records):
        sent = json.dumps(put_at(body, place, "Workshop \ud800"))  # json.dumps writes it as the escape \ud800
        assert "\\ud800" in sent
        response = api.client.open(path, method=method, headers=headers, data=sent)
        assert response.status_code == 422, (method, path)
        error = response.get_json()["error"]
        assert error["field"] == place
        assert "invalid character (not UTF-8, or half of a UTF-16 pair)" in error["message"]
    raw = api.client.post("/api/v1/meetings", headers=headers, data=b'{"venue": "\xed\xa0\x80"}')  # as UTF-8 bytes
    assert raw.status_code == 422 and raw.get_json()["error"]["field"] == "venue"
    named = api.client.post("/api/v1/meetings", headers=headers, data='{"\\udc00venue": "Seoul"}')
    assert named.status_code == 422 and named.get_json()["error"]["message"].startswith("The name of the field venue")
    assert stored(api, committee, records) == before


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_json_nested_deeper_than_32_levels_is_refused(api, committee, records, depth):
    before = stored(api, committee, records)
    headers = {**api.headers(committee.us_secretariat), "Content-Type": "application/json"}
    for method, path, _body, _place in api_writes(committee, records):
        response = api.client.open(path, method=method, headers=headers,
                                   data='{"title": ' + "[" * depth + "]" * depth + "}")
        assert response.status_code == 422, (method, path)
        assert response.get_json()["error"]["message"] == (
            "The body nests deeper than 32 levels, which JCM does not accept.")
    assert stored(api, committee, records) == before


def test_json_nested_32_levels_is_read_and_judged_as_usual(api, committee, records):
    response = api.post("/api/v1/meetings", committee.us_secretariat, json={"venue": json.loads("[" * 31 + "]" * 31)})
    assert response.status_code == 422 and response.get_json()["error"]["fields"]["json"]["venue"]


@pytest.mark.parametrize("body", ['{"venue": "Seoul"', b'{"venue": "\xff"}', '{"ordinal": ' + "9" * 5000 + "}"])
def test_a_body_that_is_not_json_is_a_400(api, committee, records, body):
    headers = {**api.headers(committee.us_secretariat), "Content-Type": "application/json"}
    response = api.client.post("/api/v1/meetings", headers=headers, data=body)
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "bad_request", "field": "body",
                                            "message": "The body is not valid JSON."}


def test_tabs_and_line_ends_are_text_and_a_carriage_return_is_a_line_end(api, committee, records):
    path = f"/api/v1/action-items/{records['action_item']}"
    response = call(api, "PATCH", path, committee.us_secretariat,
                    json={"description": "Two points:\r\n\t- data\r- people"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["description"] == "Two points:\n\t- data\n- people"


# --- the query and the address --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["%00", "data%00set", "%ED%A0%80", "%FF", "%1B%5B2J"])
def test_a_control_character_or_bytes_not_utf8_in_the_query_are_cleaned_away(client, auth, api, committee, records,
                                                                               value):
    person = committee.us_secretariat
    for path in ("/api/v1/meetings", "/api/v1/action-items"):
        assert api.get(f"{path}?q={value}", person).status_code == 200
    status = api.get(f"/api/v1/action-items?status={value}", person)  # what is left is judged as any status
    assert status.status_code == 200 or list(status.get_json()["error"]["fields"]["query"]) == ["status"]
    auth.login(person)
    for path in ("/meetings", "/action-items", "/my-action-items"):
        assert client.get(f"{path}?q={value}").status_code == 200
    assert client.get(f"/action-items?status={value}&owner={value}&page={value}").status_code in (200, 422)


@pytest.mark.parametrize("path", ["/meetings/99999999999999999999", "/meetings/2147483648/edit",
                                  "/action-items/99999999999999999999", "/agenda-items/99999999999999999999/edit",
                                  "/api/v1/meetings/99999999999999999999", "/api/v1/action-items/2147483648",
                                  "/api/v1/agenda-items/99999999999999999999",
                                  "/api/v1/meetings/99999999999999999999/minutes",
                                  "/api/v1/texts/meeting%00/1", "/api/v1/texts/%ED%A0%80/1"])
def test_an_address_that_names_nothing_is_a_404(client, auth, api, committee, records, path):
    auth.login(committee.us_secretariat)
    response = api.get(path, committee.us_secretariat)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "not_found"
        patched = call(api, "PATCH", path, committee.us_secretariat, json={"title": "x"})
        assert patched.status_code in (404, 405)


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/api/v1/meetings", {"GET", "POST"}), ("POST", "/api/v1/me", {"GET"}),
    ("DELETE", "/api/v1/action-items/{action_item}", {"GET", "PATCH"}),
    ("PUT", "/meetings/new", {"GET", "POST"}), ("DELETE", "/meetings/{meeting}", {"GET"}),
    ("GET", "/logout", {"POST"})])
def test_a_method_the_address_does_not_take_is_a_405_saying_which_it_takes(client, auth, api, committee, records,
                                                                          method, path, allowed):
    auth.login(committee.us_secretariat)
    response = api.client.open(path.format(**records), method=method, headers=api.headers(committee.us_secretariat))
    assert response.status_code == 405
    assert {name.strip() for name in response.headers["Allow"].split(",")} - {"HEAD", "OPTIONS"} == allowed


# --- pages ----------------------------------------------------------------------------------------------

def send_form(client, path: str, fields: dict, raw: dict[str, str]):
    """A form sent with some values percent-encoded by hand (bytes a browser would not send)."""
    body = urlencode({"csrf_token": csrf_token(client, path), **fields}, doseq=True)
    body += "".join(f"&{name}={value}" for name, value in raw.items())
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def page_forms(app, committee, records) -> list[tuple[str, dict, str, str]]:
    """(page, the form's other fields, the field given a bad value, its label) of the pages that write meetings,
    agenda items and action items."""
    from tests.test_meetings import _edit_fields, _item_fields, _meeting

    meeting = _meeting(app, records["planning"])
    edit = _edit_fields(meeting)
    item = _item_fields(meeting)
    return [
        (f"/meetings/{meeting.id}/edit", {k: v for k, v in edit.items() if k != "venue"}, "venue", "Venue"),
        (f"/meetings/{meeting.id}/items/new", {k: v for k, v in item.items() if k != "title"}, "title", "Title"),
        ("/action-items/new", {"title_ko": "", "due_date": "2027-06-30", "status": "open",
                               "owners_us": f"user:{committee.us_delegate.id}",
                               "owners_kr": f"user:{committee.kr_delegate.id}"}, "title", "Action"),
    ]


@pytest.mark.parametrize("sent, why, kept", [
    ("Sejong%00Hall", "a control character (U+0000)", "SejongHall"),
    ("Sejong%07Hall", "a control character (U+0007)", "SejongHall"),
    ("Sejong%ED%A0%80Hall", "an invalid character (not UTF-8, or half of a UTF-16 pair)", "SejongHall"),
    ("Sejong%FFHall", "an invalid character (not UTF-8, or half of a UTF-16 pair)", "SejongHall")])
def test_a_page_shows_the_form_again_with_the_error_beside_the_field_and_what_was_typed(app, client, auth, api,
                                                                                      committee, records, sent, why,
                                                                                      kept):
    before = stored(api, committee, records)
    auth.login(committee.us_secretariat)
    for page, fields, name, label in page_forms(app, committee, records):
        response = send_form(client, page, fields, {name: sent})
        assert response.status_code == 422, page
        html = unescape(response.get_data(as_text=True))
        assert re.search(rf'id="{name}-error">{label}[^<]* holds {re.escape(why)}, which cannot be stored\. '
                         r"Remove it and send it again\.", html), page
        assert re.search(rf'name="{name}"[^>]*value="{kept}"|name="{name}"[^>]*>{kept}<', html), page
    assert stored(api, committee, records) == before


def test_a_refused_value_in_a_field_no_form_shows_refuses_the_whole_request(app, client, auth, api, committee,
                                                                           records):
    before = stored(api, committee, records)
    auth.login(committee.us_secretariat)
    page, fields, name, _label = page_forms(app, committee, records)[0]
    response = send_form(client, page, {**fields, name: "Sejong"}, {"remark": "a%00b"})
    assert response.status_code == 422
    assert "remark holds a control character (U+0000), which cannot be stored." in unescape(
        response.get_data(as_text=True))
    assert stored(api, committee, records) == before
