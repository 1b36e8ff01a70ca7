"""The tables of action items in the agenda and the minutes: their columns come from the one registry of columns
(jcm/actions/columns.py), and an agreed or adopted record keeps the columns it was made with, so a column added
later shows only in documents made after it."""

from __future__ import annotations

import copy
import re

from flask_babel import lazy_gettext as _l

from jcm.accounts.services import get_user
from jcm.actions import columns
from jcm.actions.columns import AGENDA_CARRIED, MINUTES_NEW, MINUTES_REVIEW, Column, document_table
from jcm.actions.services import get_action_item, record_review
from jcm.documents.records import EARLIER_TABLES, agreed_agenda
from jcm.extensions import db
from jcm.meetings.services import agree_agenda, get_meeting
from tests.conftest import complete_both_texts
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

    def pages() -> dict[str, str]:
        return {lang: client.get(f"{minutes_url(held_meeting)}?lang={lang}").get_data(as_text=True)
                for lang in ("en", "ko")}

    def freeze_again(change) -> str:
        """The adopted record changed as `change` says, and its digest with it; returns the new digest."""
        with app.app_context():
            minutes = services.minutes_for(get_meeting(held_meeting))
            record = copy.deepcopy(minutes.adopted_content)
            change(record)
            minutes.adopted_content, minutes.sha256 = record, digest(record)
            db.session.commit()
            return minutes.sha256

    # A record made now names the columns of its tables. One that names the columns every table had until then
    # prints, word for word, what a record frozen before records named them prints.
    with app.app_context():
        tables = services.minutes_for(get_meeting(held_meeting)).adopted_content["tables"]
    assert tables == {"review": document_table(MINUTES_REVIEW), "new": document_table(MINUTES_NEW)}
    named = freeze_again(lambda record: record.update(tables={name: list(EARLIER_TABLES[name])
                                                              for name in ("review", "new")}))
    earlier_tables = pages()
    unnamed = freeze_again(lambda record: record.pop("tables"))
    without_tables = pages()
    for lang in ("en", "ko"):
        assert without_tables[lang] == earlier_tables[lang].replace(named, unnamed)

    english, korean = without_tables["en"], without_tables["ko"]
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

    def freeze_again(meeting_id: int, change) -> str:
        """The agreed record changed as `change` says, and its digest with it; returns the new digest."""
        with app.app_context():
            snapshot = agreed_agenda(get_meeting(meeting_id))
            record = copy.deepcopy(snapshot.record)
            change(record)
            snapshot.record, snapshot.sha256 = record, digest(record)
            db.session.commit()
            return snapshot.sha256

    for meeting_id, outcome in ((reviewed, True), (quiet, False)):
        complete_both_texts(app, committee, meeting_id)
        with app.app_context():
            for co_chair in (committee.us_co_chair, committee.kr_co_chair):
                agree_agenda(get_user(co_chair.id), get_meeting(meeting_id))
            db.session.commit()
        with app.app_context():
            tables = agreed_agenda(get_meeting(meeting_id)).record["tables"]
        assert tables == {"carried": document_table(AGENDA_CARRIED, reviews_recorded=outcome)}
        earlier_columns = [key for key in EARLIER_TABLES["carried"] if key != "outcome" or outcome]
        named = freeze_again(meeting_id, lambda record: record.update(tables={"carried": earlier_columns}))
        named_page = client.get(f"/meetings/{meeting_id}/agenda.html").get_data(as_text=True)
        unnamed = freeze_again(meeting_id, lambda record: record.pop("tables"))
        page = client.get(f"/meetings/{meeting_id}/agenda.html").get_data(as_text=True)
        assert page == named_page.replace(named, unnamed)
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
    at = new["headings"].index("Lead agency")
    assert new["headings"][:at] == ["Reference", "Action"]  # where the registry put it: after the title
    assert new["cols"][at] == "col-lead" and new["rows"][0][:at + 1] == [ref, "Report on the workshop", f"{ref} lead"]
    review = table_in(page, 'id="review"')  # a table that does not list the column does not show it
    assert "Lead agency" not in review["headings"] and review["headings"][-1] == "Outcome"
    # Adopted, the new minutes keep the column in their record; the earlier ones still do not have it.
    adopt(app, committee, thirteenth)
    with app.app_context():
        record = services.minutes_for(get_meeting(thirteenth)).adopted_content
        assert record["tables"] == {"review": document_table(MINUTES_REVIEW), "new": document_table(MINUTES_NEW)}
        assert "lead" in record["tables"]["new"] and "lead" not in record["tables"]["review"]
        assert record["new_action_items"][0]["lead"] == f"{ref} lead"
        earlier = services.minutes_for(get_meeting(held_meeting))
        assert earlier.sha256 == adopted_digest == digest(earlier.adopted_content)
        assert "lead" not in earlier.adopted_content["tables"]["new"]
        assert "lead" not in earlier.adopted_content["new_action_items"][0]
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
    keys = {"ref", "title", "focus_area", "owners", "due_date", "status"}  # and any a later column freezes
    assert keys <= set(entries[0]) and "outcome" not in entries[0]
    assert keys | {"outcome", "new_due_date"} <= set(entries[1])
    assert entries[1]["outcome"] == "continued" and entries[1]["new_due_date"] == "2026-08-31"
    assert entries[1]["due_date"] == "2026-08-31" and entries[1]["status"] == "open"
    assert entries[0]["owners"] == {"US": [{"en": "David Okafor", "ko": "David Okafor"}],
                                    "KR": [{"en": "박지훈", "ko": "박지훈"}]}
    assert keys <= set(new) and "outcome" not in new and new["focus_area"] == "B.4" and new["due_date"] == "2026-09-30"
    assert set(new) == set(entries[0])  # every item of a record has the same keys, whichever table it is in


def test_every_column_a_document_table_shows_or_showed_is_in_the_registry_and_says_what_it_keeps(app):
    from jcm.documents.records import TABLES

    for name, list_name in TABLES.items():
        assert set(EARLIER_TABLES[name]) <= {column.key for column in columns.COLUMNS}  # old records still print
        for column in columns.columns_of(list_name):
            assert column.freeze is not None, column.key
