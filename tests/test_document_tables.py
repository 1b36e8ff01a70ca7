"""The tables of action items in the agenda and the minutes: their columns come from the one registry of columns
(jcm/actions/columns.py), and an agreed or adopted record keeps the columns it was made with, so a column added
later shows only in documents made after it."""

from __future__ import annotations

import copy
import re

from flask_babel import lazy_gettext as _l

from jcm.accounts.services import get_user
from jcm.actions import columns
from jcm.actions.columns import MINUTES_NEW, MINUTES_REVIEW, Column
from jcm.actions.services import get_action_item, record_review
from jcm.extensions import db
from jcm.documents.records import agreed_agenda
from jcm.meetings.services import agree_agenda, get_meeting
from jcm.minutes import services
from jcm.records import digest
from tests.test_minutes_document import adopt, minutes_url, write_minutes


def table_in(page: str, start: str) -> dict[str, list]:
    """The first table after `start`: its columns' classes, its headings and its rows' cells as text."""
    table = page[page.index("<table", page.index(start)):]
    table = table[:table.index("</table>")]
    body = table[table.index("<tbody>"):]
    return {"cols": re.findall(r'<col class="([^"]*)">', table),
            "headings": re.findall(r'<th scope="col">(.*?)</th>', table),
            "rows": [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                     for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)],
            "cells": re.findall(r"<td[^>]*>", body)}


def carried_and_raised(app, committee, meeting_id, make_action_item) -> dict[str, str]:
    """Two items carried over to the meeting — one continued there with a new due date, one not reviewed — and
    one raised at it; returns their references."""
    continued = make_action_item(title="Exchange AI-ready dataset inventories", due_date="2026-02-28")
    open_item = make_action_item(title="Map the quantum testbeds", focus_area="B.4", due_date="2026-02-20")
    raised = make_action_item(title="Organise a joint quantum workshop", focus_area="B.4", due_date="2026-09-30",
                              meeting_id=meeting_id)
    with app.app_context():
        record_review(get_user(committee.us_secretariat.id), get_action_item(continued), get_meeting(meeting_id),
                      "continued", "2026-08-31")
        db.session.commit()
        return {"continued": get_action_item(continued).ref, "open": get_action_item(open_item).ref,
                "raised": get_action_item(raised).ref}


def test_minutes_adopted_before_records_named_their_columns_print_the_columns_they_always_had(
        app, client, auth, committee, held_meeting, make_action_item):
    refs = carried_and_raised(app, committee, held_meeting, make_action_item)
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    auth.login(committee.kr_delegate)
    named = {lang: client.get(f"{minutes_url(held_meeting)}?lang={lang}").get_data(as_text=True)
             for lang in ("en", "ko")}
    with app.app_context():  # the record as minutes adopted before this change froze it: the same, without tables
        minutes = services.minutes_for(get_meeting(held_meeting))
        record = copy.deepcopy(minutes.adopted_content)
        assert record.pop("tables") == {"review": ["ref", "title", "owners", "outcome"],
                                        "new": ["ref", "title", "focus_area", "owners", "due_date"]}
        assert record["agenda"].pop("tables") == {"carried": ["ref", "title", "owners", "due_date", "outcome"]}
        named_digest, minutes.adopted_content, minutes.sha256 = minutes.sha256, record, digest(record)
        earlier_digest = minutes.sha256
        db.session.commit()

    english = client.get(minutes_url(held_meeting)).get_data(as_text=True)
    assert english == named["en"].replace(named_digest, earlier_digest)
    korean = client.get(f"{minutes_url(held_meeting)}?lang=ko").get_data(as_text=True)
    assert korean == named["ko"].replace(named_digest, earlier_digest)

    review = table_in(english, 'id="review"')
    assert review["cols"] == ["col-ref", "col-action", "col-owner", "col-owner", "col-outcome"]
    assert review["headings"] == ["Reference", "Action", "United States", "Republic of Korea", "Outcome"]
    assert review["rows"] == [
        [refs["open"], "Map the quantum testbeds", "David Okafor", "박지훈", "Open"],
        [refs["continued"], "Exchange AI-ready dataset inventories", "David Okafor", "박지훈",
         "Continued (new due date Aug 31, 2026)"]]
    assert review["cells"][0] == '<td class="review__ref">'
    new = table_in(english, 'id="new-actions"')
    assert new["cols"] == ["col-ref", "col-action", "col-area", "col-owner", "col-owner", "col-date"]
    assert new["headings"] == ["Reference", "Action", "Focus area", "United States", "Republic of Korea", "Due"]
    assert new["rows"] == [[refs["raised"], "Organise a joint quantum workshop", "B.4", "David Okafor", "박지훈",
                            "Sep 30, 2026"]]
    assert new["cells"][-1] == '<td class="review__due">'
    # The Korean text: Korea's owners first, as everything in it.
    korean_new = table_in(korean, 'id="new-actions"')
    assert korean_new["headings"][3:5] == ["대한민국", "미국"] and korean_new["rows"][0][3:5] == ["박지훈", "David Okafor"]


def test_an_agenda_agreed_before_records_named_their_columns_prints_the_outcome_only_when_reviews_were_recorded(
        app, client, auth, committee, make_meeting, make_action_item):
    reviewed = make_meeting(ordinal=12, start_date="2026-03-10")
    refs = carried_and_raised(app, committee, reviewed, make_action_item)
    quiet = make_meeting(ordinal=13, start_date="2026-10-01")  # nothing reviewed there yet
    auth.login(committee.us_delegate)
    for meeting_id, outcome in ((reviewed, True), (quiet, False)):
        with app.app_context():
            for co_chair in (committee.us_co_chair, committee.kr_co_chair):
                agree_agenda(get_user(co_chair.id), get_meeting(meeting_id))
            db.session.commit()
        named = client.get(f"/meetings/{meeting_id}/agenda.html").get_data(as_text=True)
        with app.app_context():
            snapshot = agreed_agenda(get_meeting(meeting_id))
            record = copy.deepcopy(snapshot.record)
            assert record.pop("tables") == {"carried": ["ref", "title", "owners", "due_date"] + ["outcome"] * outcome}
            named_digest, snapshot.record, snapshot.sha256 = snapshot.sha256, record, digest(record)
            earlier_digest = snapshot.sha256
            db.session.commit()
        page = client.get(f"/meetings/{meeting_id}/agenda.html").get_data(as_text=True)
        assert page == named.replace(named_digest, earlier_digest)
        table = table_in(page, "<h2>Review of action items</h2>")
        assert table["cols"] == ["col-ref", "col-action", "col-owner", "col-owner", "col-date",
                                 *["col-outcome"] * outcome]
        assert table["headings"] == ["Reference", "Action", "United States", "Republic of Korea", "Due",
                                     *["Outcome"] * outcome]
        if outcome:
            assert table["rows"] == [[refs["continued"], "Exchange AI-ready dataset inventories", "David Okafor",
                                      "박지훈", "Aug 31, 2026", "Continued (Aug 31, 2026)"]]
        else:  # still carried, nothing recorded yet
            assert table["rows"] and all(len(row) == 5 for row in table["rows"])


def test_a_column_added_to_a_document_table_shows_in_documents_made_after_but_never_in_adopted_ones(
        app, client, auth, committee, held_meeting, make_meeting, make_action_item, monkeypatch):
    carried_and_raised(app, committee, held_meeting, make_action_item)
    write_minutes(app, committee, held_meeting)
    adopted_digest = adopt(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    adopted_before = client.get(minutes_url(held_meeting)).data

    lead = Column("lead", _l("Lead agency"), lambda item, locale, today: f"{item.ref} lead", frozenset({MINUTES_NEW}),
                  freeze=lambda item, review: {"lead": f"{item.ref} lead"}, document_col="col-lead")
    registry = columns.COLUMNS
    monkeypatch.setattr(columns, "COLUMNS", (*registry[:2], lead, *registry[2:]))

    # The adopted minutes print what they printed, from the record as it was frozen.
    assert client.get(minutes_url(held_meeting)).data == adopted_before
    assert b"Lead agency" not in adopted_before and b" lead</td>" not in adopted_before
    # Minutes made after the column was added print it, from their own record.
    thirteenth = make_meeting(ordinal=13, start_date="2026-10-01", status="held")
    raised = make_action_item(title="Report on the workshop", focus_area="B.4", due_date="2026-12-15",
                              meeting_id=thirteenth)
    write_minutes(app, committee, thirteenth)
    page = client.get(minutes_url(thirteenth)).get_data(as_text=True)
    new = table_in(page, 'id="new-actions"')
    with app.app_context():
        ref = get_action_item(raised).ref
    assert new["headings"][:4] == ["Reference", "Action", "Lead agency", "Focus area"]
    assert new["cols"][:4] == ["col-ref", "col-action", "col-lead", "col-area"]
    assert new["rows"][0][:4] == [ref, "Report on the workshop", f"{ref} lead", "B.4"]
    review = table_in(page, 'id="review"')  # a table that does not list the column does not show it
    assert "Lead agency" not in review["headings"] and len(review["headings"]) == 5
    # Adopted, the new minutes keep the column in their record; the earlier ones still do not have it.
    adopt(app, committee, thirteenth)
    with app.app_context():
        record = services.minutes_for(get_meeting(thirteenth)).adopted_content
        assert record["tables"]["new"] == ["ref", "title", "lead", "focus_area", "owners", "due_date"]
        assert record["tables"]["review"] == ["ref", "title", "owners", "outcome"]
        assert record["new_action_items"][0]["lead"] == f"{ref} lead"
        earlier = services.minutes_for(get_meeting(held_meeting))
        assert earlier.sha256 == adopted_digest == digest(earlier.adopted_content)
        assert "lead" not in earlier.adopted_content["tables"]["new"]
    assert f"<td>{ref} lead</td>" in client.get(minutes_url(thirteenth)).get_data(as_text=True)
    assert client.get(minutes_url(held_meeting)).data == adopted_before


def test_an_action_item_is_frozen_with_the_keys_records_have_always_had(app, committee, held_meeting,
                                                                      make_action_item):
    from jcm.actions.columns import frozen

    carried_and_raised(app, committee, held_meeting, make_action_item)
    with app.app_context():
        from jcm.actions.services import carried_over, raised_at, reviews_at

        meeting = get_meeting(held_meeting)
        reviews = reviews_at(meeting)
        entries = [frozen(item, reviews.get(item.id)) for item in carried_over(meeting)]
        new = frozen(raised_at(meeting)[0])
    keys = {"ref", "title", "focus_area", "owners", "due_date", "status"}
    assert [set(entry) for entry in entries] == [keys, keys | {"outcome", "new_due_date"}]
    assert entries[1]["outcome"] == "continued" and entries[1]["new_due_date"] == "2026-08-31"
    assert entries[1]["due_date"] == "2026-08-31" and entries[1]["status"] == "open"
    assert entries[0]["owners"] == {"US": [{"en": "David Okafor", "ko": "David Okafor"}],
                                    "KR": [{"en": "박지훈", "ko": "박지훈"}]}
    assert set(new) == keys and new["focus_area"] == "B.4" and new["due_date"] == "2026-09-30"


def test_every_column_a_document_table_shows_or_showed_is_in_the_registry(app):
    from jcm.documents.records import EARLIER_TABLES, TABLES

    for name, list_name in TABLES.items():
        assert set(EARLIER_TABLES[name]) <= {column.key for column in columns.COLUMNS}
        for column in columns.columns_of(list_name):
            assert column.freeze is not None and column.document_col, column.key  # what it keeps, how wide
    assert [c.key for c in columns.columns_of(MINUTES_REVIEW)] == list(EARLIER_TABLES["review"])
