"""An audit an assessor accepts (NIST SP 800-53 AU-2, AU-3): every refused act, sign-in, failed sign-in, sign-out,
refusal after too many failures, token made and revoked is an event that says who (or which account name was
tried), what, when, from which address and how it ended; the log names records by name, is filtered by person,
record, kind, outcome and date, exported as CSV and read through the API by administrators; and nothing in JCM
changes or deletes it (on PostgreSQL, the database refuses to)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from jcm.audit.models import AuditEvent
from jcm.extensions import db
from tests.conftest import PASSWORD, post_form, postgres_server_url

FROM_SEOUL = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address (RFC 5737)


def events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        found = db.session.scalars(query).all()
        db.session.expunge_all()
        return found


@pytest.fixture
def co_chairs_item(committee, make_action_item) -> int:
    """An action item the two co-chairs own: no delegate's."""
    return make_action_item(title="Draft the joint statement on research security",
                            owners={"US": [{"user_id": committee.us_co_chair.id}],
                                    "KR": [{"user_id": committee.kr_co_chair.id}]})


def _item_state(app, item_id):
    from jcm.actions.services import get_action_item

    with app.app_context():
        item = get_action_item(item_id, with_updates=True)
        return item.version, item.status, item.title, len(item.updates)


# --- refusals ----------------------------------------------------------------------------------------------

def test_a_delegates_refused_update_and_edit_are_recorded_with_their_name_the_act_the_item_the_address_and_why(
        app, client, auth, committee, co_chairs_item):
    before = _item_state(app, co_chairs_item)
    auth.login(committee.kr_delegate)
    page = f"/action-items/{co_chairs_item}"
    response = post_form(client, f"{page}/updates", {"text": "끝났습니다.", "status": "done"}, page=page,
                         environ_base=FROM_SEOUL)
    assert response.status_code == 403
    response = post_form(client, f"{page}/edit", {"title": "Something else", "version": "1"}, page=page,
                         environ_base=FROM_SEOUL)
    assert response.status_code == 403
    assert _item_state(app, co_chairs_item) == before  # refused: the item is as it was

    update, edit = events(app, outcome="refused")
    assert update.action == "action.update" and edit.action == "action.edit"
    for event in (update, edit):
        assert event.actor_id == committee.kr_delegate.id and "박지훈" in event.actor_label
        assert (event.object_type, event.object_id) == ("ActionItem", co_chairs_item)
        assert re.fullmatch(r"JCM-X\d+", event.object_label)
        assert event.address == "203.0.113.7"
        assert event.reason == "You do not have permission to do this." and event.at is not None

    auth.logout()
    auth.login(committee.us_admin)
    log = client.get("/admin/audit?outcome=refused").get_data(as_text=True)
    assert "박지훈" in log and "action.update" in log and "203.0.113.7" in log
    assert "You do not have permission to do this." in log and "Refused" in log


def test_a_refusal_on_the_state_of_a_record_is_recorded_with_its_reason(app, client, auth, committee, held_meeting):
    from jcm.meetings.services import get_meeting

    with app.app_context():
        item_id = get_meeting(held_meeting, with_agenda=True).items[0].id
    auth.login(committee.kr_secretariat)
    response = post_form(client, f"/agenda-items/{item_id}/delete", {}, page=f"/meetings/{held_meeting}",
                         environ_base=FROM_SEOUL)
    assert response.status_code == 409
    with app.app_context():
        assert item_id in [item.id for item in get_meeting(held_meeting, with_agenda=True).items]  # still there
    (event,) = events(app, outcome="refused")
    assert event.actor_id == committee.kr_secretariat.id and event.action == "agenda.edit"
    assert (event.object_type, event.object_id) == ("Meeting", held_meeting)
    assert event.reason == "The agenda of a meeting that is held can no longer be changed."
    assert event.address == "203.0.113.7"


def test_refusals_no_rule_names_are_recorded_too_a_stale_edit_and_an_agenda_not_yet_checked(
        app, api, committee, make_meeting):
    """A stale version and a gate a service keeps itself (both texts complete and checked) refuse with 409 without a
    rule of jcm.permissions: they are refused acts all the same, recorded with what was asked and why."""
    from jcm.meetings.services import get_meeting

    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    with app.app_context():
        version = get_meeting(meeting).version
    assert api.client.patch(f"/api/v1/meetings/{meeting}", headers=api.headers(committee.us_secretariat),
                            json={"venue": "Seoul", "version": version}).status_code == 200
    stale = api.client.patch(f"/api/v1/meetings/{meeting}", headers=api.headers(committee.kr_secretariat),
                             json={"venue": "Sejong", "version": version})
    assert stale.status_code == 409
    gated = api.post(f"/api/v1/meetings/{meeting}/agenda/approvals", committee.kr_secretariat, json={})
    assert gated.status_code == 409
    first, second = events(app, outcome="refused")
    assert (first.actor_id, first.action, first.object_label) == (
        committee.kr_secretariat.id, "api_meetings.update_meeting", f"PATCH /api/v1/meetings/{meeting}")
    assert first.reason == stale.get_json()["error"]["message"]
    assert (second.actor_id, second.object_label) == (
        committee.kr_secretariat.id, f"POST /api/v1/meetings/{meeting}/agenda/approvals")
    assert second.reason == gated.get_json()["error"]["message"][:1000]  # a long list of gaps, as far as it is kept
    with app.app_context():
        assert get_meeting(meeting).venue == "Seoul"  # the stale edit changed nothing


def test_a_repeat_answered_with_what_stands_is_no_refusal(app, api, committee, make_meeting):
    """Agreeing an agenda version again is answered with the agreement that stands (the rules call it AlreadyDone):
    the request succeeds, so nothing is recorded as refused."""
    from tests.conftest import complete_both_texts

    meeting = make_meeting(ordinal=13, start_date="2027-03-10")
    complete_both_texts(app, committee, meeting)
    for _time in range(2):
        response = api.post(f"/api/v1/meetings/{meeting}/agenda/approvals", committee.us_secretariat, json={})
        assert response.status_code in (200, 201), response.get_json()
    assert events(app, outcome="refused") == []


# --- signing in and out, tokens ----------------------------------------------------------------------------

def test_sign_in_and_sign_out_are_recorded_with_the_address(app, client, auth, committee):
    post_form(client, "/login", {"email": committee.us_co_chair.email, "password": PASSWORD},
              environ_base=FROM_SEOUL)
    auth.logout()
    sign_in, sign_out = events(app, actor_id=committee.us_co_chair.id)
    assert (sign_in.action, sign_in.outcome, sign_in.address) == ("user.sign_in", "succeeded", "203.0.113.7")
    assert (sign_out.action, sign_out.outcome) == ("user.sign_out", "succeeded")
    assert sign_in.object_id == sign_out.object_id == committee.us_co_chair.id
    assert sign_out.address == "127.0.0.1"


def test_a_failed_sign_in_names_the_account_tried_whether_or_not_it_exists(app, client, committee):
    response = post_form(client, "/login", {"email": "Nobody@Example.org", "password": "guess"},
                         environ_base=FROM_SEOUL)
    assert response.status_code == 401
    response = post_form(client, "/login", {"email": committee.kr_co_chair.email, "password": "not the password"},
                         environ_base=FROM_SEOUL)
    assert response.status_code == 401
    nobody, co_chair = events(app, action="user.sign_in")
    assert nobody.actor_label == "Nobody@Example.org" and nobody.actor_id is None
    assert (nobody.object_type, nobody.object_id) == ("", None)  # there is no such account
    assert co_chair.actor_label == committee.kr_co_chair.email and co_chair.actor_id is None
    assert (co_chair.object_type, co_chair.object_id) == ("User", committee.kr_co_chair.id)
    for event in (nobody, co_chair):
        assert event.outcome == "failed" and event.address == "203.0.113.7"
        assert event.reason == "The e-mail address or password is not correct."


def test_a_sign_in_refused_after_too_many_failures_is_recorded_as_refused(app, client, committee):
    statuses = []
    for _attempt in range(30):  # whatever the policy, a client guessing long enough is refused
        response = post_form(client, "/login", {"email": committee.us_co_chair.email, "password": "guess again"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
    recorded = events(app, action="user.sign_in")
    assert [event.outcome for event in recorded] == ["failed"] * (len(statuses) - 1) + ["refused"]
    assert recorded[-1].reason.startswith("Too many failed sign-in attempts")
    assert recorded[-1].object_id == committee.us_co_chair.id


def test_tokens_made_and_revoked_are_recorded_with_the_address(app, client, auth, committee):
    from jcm.accounts.models import ApiToken

    auth.login(committee.kr_delegate)
    post_form(client, "/account", {"token-label": "reporting script"}, environ_base=FROM_SEOUL)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == committee.kr_delegate.id))
    post_form(client, f"/account/tokens/{token_id}/revoke", {"confirmed": "y"}, page="/account",
              environ_base=FROM_SEOUL)
    (made,) = events(app, action="token.create")
    (revoked,) = events(app, action="token.revoke")
    for event in (made, revoked):
        assert event.actor_id == committee.kr_delegate.id and event.outcome == "succeeded"
        assert event.address == "203.0.113.7"


# --- names, not ids ----------------------------------------------------------------------------------------

def test_an_owners_change_reads_with_names_on_the_page_in_the_csv_and_in_the_api(
        app, client, auth, api, committee, make_action_item):
    from jcm.accounts.models import Organization
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, update_action_item
    from jcm.mou.models import FocusArea

    item_id = make_action_item()
    with app.app_context():
        nasa = db.session.scalar(select(Organization).where(Organization.acronym == "NASA"))
        nasa_id, nasa_name = nasa.id, nasa.name
        b4 = db.session.scalar(select(FocusArea).where(FocusArea.code == "B.4"))
        b4_id, b4_title = b4.id, b4.title
        update_action_item(get_user(committee.us_secretariat.id), get_action_item(item_id),
                           {"owners": {"US": [{"organization_id": nasa_id}],
                                       "KR": [{"user_id": committee.kr_delegate.id}]}, "focus_area_id": b4_id})
        db.session.commit()
    auth.login(committee.us_admin)
    page = client.get("/admin/audit?action=action_item.update").get_data(as_text=True)
    assert "David Okafor" in page and nasa_name in page and "박지훈" in page and f"B.4 {b4_title}" in page
    assert f"user:{committee.us_delegate.id}" not in page and f"organization:{nasa_id}" not in page

    exported = client.get("/admin/audit.csv?action=action_item.update").get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert "David Okafor" in row["changes"] and nasa_name in row["changes"] and "B.4" in row["changes"]
    assert "user:" not in row["changes"]

    (event,) = api.get("/api/v1/audit?action=action_item.update", committee.us_admin).get_json()
    changes = {change["field"]: change for change in event["changes"]}
    assert changes["owners"]["before"] == "United States: David Okafor; Republic of Korea: 박지훈"
    assert changes["owners"]["after"] == f"United States: {nasa_name}; Republic of Korea: 박지훈"
    assert changes["focus_area_id"]["after"] == f"B.4 {b4_title}" and changes["focus_area_id"]["label"]
    assert event["after"]["focus_area_id"] == b4_id  # as stored, beside the names


def test_names_are_looked_up_for_a_whole_page_at_once(app, committee, make_action_item):
    """One query per kind of record named, however many events: no query per event."""
    from jcm.audit.services import events_query, readable

    for number in range(12):
        make_action_item(title=f"Action number {number}")
    with app.app_context():
        few = db.session.scalars(events_query({"action": "action_item.create"}).limit(2)).all()
        many = db.session.scalars(events_query({"action": "action_item.create"})).all()
        counted = []
        for found in (few, many):
            statements = []
            listener = lambda *args, **kwargs: statements.append(args[2])  # noqa: E731
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            try:
                entries = readable(found)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
            assert all("David Okafor" in str([c.after for c in e.changes]) for e in entries)
            counted.append(len(statements))
    assert len(many) == 12 and counted[0] == counted[1] <= 4


def test_a_record_since_deleted_says_so(app, client, auth, committee, make_meeting):
    from jcm.accounts.services import get_user
    from jcm.audit.services import readable
    from jcm.meetings.services import delete_meeting, get_meeting

    meeting_id = make_meeting(ordinal=14, start_date="2027-09-01")
    with app.app_context():
        delete_meeting(get_user(committee.kr_secretariat.id), get_meeting(meeting_id))  # the host side's, in planning
        db.session.commit()
    with app.test_request_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.delete"))
        assert event.object_id == meeting_id
        fake = AuditEvent(object_type="ActionItem", before={"meeting_id": meeting_id}, after={"meeting_id": None})
        (entry,) = readable([fake])
        assert entry.changes[0].before == f"#{meeting_id} (deleted)"


# --- reading the log: filters, CSV, API -------------------------------------------------------------------

@pytest.fixture
def busy_day(app, client, auth, committee, co_chairs_item):
    """A refused update, two failed sign-ins, sign-ins and sign-outs."""
    post_form(client, "/login", {"email": "intruder@example.org", "password": "guess"}, environ_base=FROM_SEOUL)
    auth.login(committee.kr_delegate)
    page = f"/action-items/{co_chairs_item}"
    post_form(client, f"{page}/updates", {"text": "Done.", "status": "done"}, page=page, environ_base=FROM_SEOUL)
    auth.logout()
    post_form(client, "/login", {"email": committee.us_co_chair.email, "password": "wrong"})
    return co_chairs_item


def test_the_api_filters_the_trail_by_person_record_kind_outcome_and_dates(app, api, committee, busy_day):
    def read(query: str):
        response = api.get(f"/api/v1/audit?{query}", committee.us_admin)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    refused = read("outcome=refused")
    assert [(e["action"], e["actor_id"], e["address"]) for e in refused] == [
        ("action.update", committee.kr_delegate.id, "203.0.113.7")]
    assert refused[0]["reason"] == "You do not have permission to do this."
    assert {e["action"] for e in read(f"actor_id={committee.kr_delegate.id}")} == {
        "user.sign_in", "action.update", "user.sign_out"}
    on_item = read(f"object_type=ActionItem&object_id={busy_day}")
    assert [e["action"] for e in on_item] == ["action.update", "action_item.create"]  # newest first
    failed = read("action=user.sign_in&outcome=failed")
    assert [e["actor"] for e in failed] == [committee.us_co_chair.email, "intruder@example.org"]
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    assert read(f"since={tomorrow}") == [] and read(f"until={today - timedelta(days=1)}") == []
    everything = read(f"since={today}&until={today}&per_page=200")
    assert len(everything) > 10

    response = api.get("/api/v1/audit?per_page=2&page=2", committee.us_admin)
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["page"] == 2 and pagination["total"] >= len(everything) and len(response.get_json()) == 2
    for bad in ("outcome=maybe", "since=yesterday", "object_id=0", "per_page=1000", "colour=red"):
        response = api.get(f"/api/v1/audit?{bad}", committee.us_admin)
        assert response.status_code == 422, bad


def test_only_administrators_read_the_trail_through_the_api_and_a_refusal_is_itself_recorded(app, api, committee):
    response = api.get("/api/v1/audit", committee.kr_secretariat)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    (event,) = events(app, outcome="refused")
    assert (event.actor_id, event.action) == (committee.kr_secretariat.id, "audit.view")
    assert api.get("/api/v1/audit", committee.kr_admin).status_code == 200
    assert api.get("/api/v1/audit").status_code == 401


def test_the_page_filters_and_the_csv_exports_the_same_selection(app, client, auth, committee, busy_day):
    auth.login(committee.us_admin)
    page = client.get(f"/admin/audit?actor_id={committee.kr_delegate.id}&outcome=refused")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<code>action.update</code>" in text and "<code>user.sign_in</code>" not in text
    assert f'href="/admin/audit.csv?actor_id={committee.kr_delegate.id}&amp;outcome=refused"' in text
    assert client.get("/admin/audit?since=not-a-date").status_code == 422

    response = client.get("/admin/audit.csv?outcome=failed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="jcm-audit-')
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row["actor"] for row in rows] == [committee.us_co_chair.email, "intruder@example.org"]
    assert {row["outcome"] for row in rows} == {"failed"} and {row["action"] for row in rows} == {"user.sign_in"}
    assert rows[1]["address"] == "203.0.113.7" and rows[1]["object_id"] == ""
    assert rows[0]["object_type"] == "User" and rows[0]["object_id"] == str(committee.us_co_chair.id)
    assert rows[0]["reason"] == "The e-mail address or password is not correct."
    everything = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data().decode("utf-8-sig"))))
    with app.app_context():
        assert len(everything) == db.session.scalar(select(sa.func.count()).select_from(AuditEvent))
    auth.logout()
    auth.login(committee.us_secretariat)
    assert client.get("/admin/audit.csv").status_code == 403


def test_a_csv_cell_a_spreadsheet_would_run_is_quoted(app, client, auth, committee):
    post_form(client, "/login", {"email": "=HYPERLINK(\"http://evil.example\")", "password": "x"})
    auth.login(committee.us_admin)
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv?outcome=failed").get_data().decode("utf-8-sig"))))
    assert rows[1][3].startswith("'=HYPERLINK")


# --- nothing in JCM changes the trail ------------------------------------------------------------------------

def test_no_route_changes_or_deletes_the_trail(app):
    """The trail is read by three routes, all GET; no route that writes belongs to it or names it."""
    readers = set()
    for rule in app.url_map.iter_rules():
        touches = rule.endpoint.split(".")[0] in ("audit", "api_audit") or "audit" in rule.rule
        if touches:
            readers.add(rule.endpoint)
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
    assert readers == {"audit.log", "audit.export", "api_audit.list_events"}


@pytest.mark.skipif(postgres_server_url() is None, reason="the trigger is PostgreSQL's")
def test_on_postgresql_the_database_refuses_to_change_or_delete_an_event_but_lets_an_account_go(app, committee):
    from jcm.accounts.services import create_user

    with app.app_context():
        leaving = create_user(None, {"email": "temp@state.example.gov", "name": "Tom Temp", "side": "US",
                                     "role": "delegate"}, PASSWORD)
        db.session.flush()
        from jcm.audit.services import record

        record(leaving, "user.sign_in", leaving)
        db.session.commit()
        event_id, user_id = db.session.scalar(select(AuditEvent.id).where(AuditEvent.actor_id == leaving.id)), \
            leaving.id
    for statement in (f"UPDATE audit_event SET action = 'user.nothing' WHERE id = {event_id}",
                      f"UPDATE audit_event SET actor_id = {committee.us_admin.id} WHERE id = {event_id}",
                      f"UPDATE audit_event SET actor_id = NULL, actor_label = 'someone' WHERE id = {event_id}",
                      f"DELETE FROM audit_event WHERE id = {event_id}"):
        with app.app_context(), pytest.raises(sa.exc.DBAPIError, match="cannot be changed or deleted"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(statement))
    with app.app_context():
        with db.engine.begin() as connection:  # the account goes; its events stay, naming it by its label
            connection.execute(sa.text('DELETE FROM "user" WHERE id = :id'), {"id": user_id})
        event = db.session.get(AuditEvent, event_id)
        assert event.actor_id is None and event.actor_label == "Tom Temp <temp@state.example.gov>"
        assert event.action == "user.sign_in"
