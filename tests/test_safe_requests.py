"""Opening a page, a document, a feed or an API resource changes nothing: every GET route of the application,
walked as every member of the committee (and as a visitor who has not signed in) with a committee at work, leaves
the database exactly as it was — but for the audit trail's record of each read the rules refused (a 403 for who is
asking, a 409 for a form the record's state no longer allows: an assessor wants to see those tried), written apart
from the request, one for each refused GET; and the request boundary refuses a GET that tries to write."""

from __future__ import annotations

import io
import itertools

import pytest
import sqlalchemy as sa
from flask import Flask


from jcm.extensions import db
from jcm.web import WriteWhileReading
from tests.conftest import postgres_server_url

# Token use is bookkeeping kept outside the request's unit of work (jcm.accounts.services.note_token_use): the one
# value a GET may move, so an administrator can tell a token in use from a forgotten one.
BOOKKEEPING = {("api_token", "last_used_at")}
# Every role, on both sides between them; both secretariats, who are the ones who write.
WALKERS = (("US", "admin"), ("KR", "secretariat"), ("US", "secretariat"), ("KR", "co_chair"), ("US", "delegate"),
           ("KR", "observer"))


@pytest.fixture
def committee_at_work(app, committee, make_meeting, make_action_item, held_meeting):
    """The 12th meeting held, its minutes adopted and a correction proposed; the 13th planned with its agenda
    agreed and no minutes yet; action items with updates and a review; a paper; a calendar address."""
    from jcm.accounts.services import get_user
    from jcm.actions.calendar import create_or_renew_feed
    from jcm.actions.services import get_action_item, post_update, record_review
    from jcm.meetings.attachments import add_attachment
    from jcm.meetings.services import agree_agenda, get_agenda_item, get_meeting
    from jcm.minutes import services as minutes
    from tests.conftest import complete_both_texts
    from tests.test_minutes_document import adopt, write_minutes

    raised = make_action_item(meeting_id=held_meeting, due_date="2026-09-30")
    write_minutes(app, committee, held_meeting)
    sha256 = adopt(app, committee, held_meeting)
    upcoming = make_meeting(ordinal=13, start_date="2027-03-10")
    complete_both_texts(app, committee, upcoming)
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        meeting = get_meeting(upcoming, with_agenda=True)
        agenda_item = get_agenda_item(next(item.id for item in meeting.items if item.focus_areas))
        attachment = add_attachment(us, agenda_item, "paper.pdf", io.BytesIO(b"%PDF-1.4\n% a paper\n%%EOF\n"))
        item = get_action_item(raised)
        post_update(get_user(committee.us_delegate.id), item, "Inventories drafted.", "in_progress")
        agree_agenda(us, meeting)
        agree_agenda(get_user(committee.kr_secretariat.id), get_meeting(upcoming))
        meeting = get_meeting(upcoming)
        meeting.status = "held"  # a shortcut: the meeting is being held, and reviews the item
        record_review(us, item, meeting, "continued", "2027-06-30", "Still under way.")
        feed = create_or_renew_feed(us, us)
        held = minutes.minutes_for(get_meeting(held_meeting))
        section = minutes.ordered_sections(held)[3]
        minutes.propose_correction(us, held, {"records": [{"agenda_item_id": section.agenda_item_id, "decisions": [
            "The two sides agreed to exchange testbed inventories by July."], "decisions_ko": [
            "양측은 7월까지 테스트베드 목록을 교환하기로 합의하였다."]}]},
            "The date of the exchange was recorded wrongly.", sha256)
        with app.test_request_context():  # a side's note on the held meeting (its address names its page)
            from jcm.notes.services import save_note, target

            note = save_note(us, target("meeting", held_meeting), "Our line on the held meeting.", 0)
        ids = {"agenda_item": agenda_item.id, "attachment": attachment.id, "section": section.id,
               "focus_area": agenda_item.focus_areas[0].id, "note": note.id}
        db.session.commit()
    return {"meetings": [held_meeting, upcoming], "action_item": raised, "sha256": sha256, "feed": feed,
            "filename": "paper.pdf", **ids}


def _values(app: Flask, committee, work: dict) -> dict[str, list]:
    return {"meeting_id": work["meetings"], "agreement_id": [committee.agreement_id],
            "focus_area_id": [work["focus_area"]], "user_id": [committee.kr_delegate.id],
            "section_id": [work["section"]], "attachment_id": [work["attachment"]], "filename": [work["filename"]],
            "number": [1], "sha256": [work["sha256"]], "token": [work["feed"]], "note_id": [work["note"]]}


def addresses(app: Flask, committee, work: dict) -> list[tuple[str, str]]:
    """(endpoint, address) for every GET route, with ids that exist; a route with a part this does not know how to
    fill fails the test, so a new route is walked the day it is added."""
    values = _values(app, committee, work)
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        if rule.endpoint == "static":
            found += [(rule.endpoint, f"/static/{name}") for name in ("css/jcm.css", "js/jcm.js")]
            continue
        names = sorted(rule.arguments)
        options = []
        for name in names:
            if name == "kind":  # a record's texts in both languages: an action item's
                options.append(["action_item"])
            elif name == "record_id":
                options.append([work["action_item"]])
            elif name == "item_id":  # an agenda item or an action item, as the address says
                options.append([work["agenda_item"] if "/agenda-items/" in rule.rule else work["action_item"]])
            elif name == "word":  # a side's note on a record: on a meeting
                options.append(["meeting"])
            elif name == "target_id":  # the record a side's note is on, as the address says
                options.append({"/agenda-items/": [work["agenda_item"]], "/minutes-sections/": [work["section"]],
                                "/action-items/": [work["action_item"]]}.get(
                    next((part for part in ("/agenda-items/", "/minutes-sections/", "/action-items/")
                          if part in rule.rule), ""), work["meetings"]))
            else:
                assert name in values, f"{rule.rule}: no value for <{name}> in the walk"
                options.append(values[name])
        for combination in itertools.product(*options):
            found.append((rule.endpoint, rule.build(dict(zip(names, combination)), append_unknown=False)[1]))
    meeting = work["meetings"][0]
    found += [("documents.minutes_html", f"/meetings/{meeting}/minutes.html?corr=0&lang=ko"),
              ("documents.minutes_pdf", f"/meetings/{meeting}/minutes.pdf?corr=0"),
              ("actions.register", "/action-items?overdue=true&sort=-due"),
              ("verification.verify", f"/verify?sha256={work['sha256']}")]
    return found


def table_dump(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, but for the bookkeeping columns and the audit trail's records
    of refusals (refused_reads counts those)."""
    dump = {}
    with app.app_context():
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                columns = [column for column in table.columns if (table.name, column.name) not in BOOKKEEPING]
                query = sa.select(*columns).order_by(*table.primary_key.columns)
                if table.name == "audit_event":
                    query = query.where(table.c.outcome != "refused")
                dump[table.name] = [tuple(row) for row in connection.execute(query).all()]
    return dump


def refused_reads(app: Flask) -> list[tuple]:
    """The refusals the audit trail holds: who, what, and why."""
    table = db.metadata.tables["audit_event"]
    with app.app_context():
        with db.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(
                sa.select(table.c.actor_id, table.c.action, table.c.reason).where(table.c.outcome == "refused")
                .order_by(table.c.id)).all()]


def walk(client, api, person, everywhere: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """GET every address as this person (the API with their token); every write refused is reported at once."""
    seen, refused = [], []
    for _endpoint, address in everywhere:
        headers = api.headers(person) if person is not None and address.startswith("/api/") else {}
        try:
            response = client.get(address, headers=headers)
        except WriteWhileReading as error:
            refused.append(str(error))
            continue
        response.close()  # a file is sent as it is read
        assert response.status_code < 500, (address, response.status_code)
        seen.append((address, response.status_code))
    assert not refused, f"as {getattr(person, 'email', 'a visitor')}: " + "; ".join(refused)
    return seen


def test_no_get_of_any_route_changes_the_database_whoever_asks(app, client, auth, api, committee,
                                                               committee_at_work):
    work = committee_at_work
    everywhere = addresses(app, committee, work)
    assert len({endpoint for endpoint, _address in everywhere}) > 55  # the whole application
    walkers = [committee.get(side, role) for side, role in WALKERS]
    for person in walkers:
        api.token(person)  # made before the walk: making one is a change, using one is not
    before = table_dump(app)
    walked = walk(client, api, None, everywhere)
    assert table_dump(app) == before, "a GET by a visitor who has not signed in changed the database"
    assert refused_reads(app) == []  # a visitor is sent to sign in: no rule was asked
    for person in walkers:
        auth.login(person)
        before, recorded = table_dump(app), len(refused_reads(app))  # signing in records the sign-in: a POST
        seen = walk(client, api, person, everywhere)
        assert table_dump(app) == before, f"a GET as {person.email} changed the database"
        new = refused_reads(app)[recorded:]
        assert len(new) == sum(status in (403, 409) for _address, status in seen), person.email
        assert {actor_id for actor_id, _action, _reason in new} <= {person.id}
        walked += seen
        auth.logout()
    assert sum(status == 200 for _address, status in walked) > 300
    assert sum(status == 403 for _address, status in walked) > 20  # refused reads were walked, and recorded


@pytest.mark.skipif(postgres_server_url() is None, reason="needs a PostgreSQL server (JCM_DATABASE_URL)")
def test_on_postgresql_a_read_begins_no_transaction_and_a_change_is_one(app, client, auth, committee, make_meeting):
    """A BEGIN and a ROLLBACK around a read are two round trips for nothing: it writes nothing, and each of its
    statements sees what is committed when it runs, as in a transaction at READ COMMITTED."""
    from flask import request

    meeting_id = make_meeting()
    in_transaction = {}

    @app.after_request
    def note(response):
        connection = db.session.connection().connection.dbapi_connection
        in_transaction[request.method] = not connection.autocommit
        return response

    auth.login(committee.kr_secretariat)  # a change: the sign-in
    assert in_transaction.pop("POST") is True
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    assert in_transaction.pop("GET") is False
    with app.app_context():
        assert db.session.connection().connection.dbapi_connection.autocommit is False  # as the pool lends it
