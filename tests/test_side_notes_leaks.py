"""Nothing of a side's internal notes reaches the other side. The U.S. side writes notes holding a word found
nowhere else on every kind of record (a meeting, an agenda item, a minutes section, an action item), through the
pages and the API, with a stale save and an observer's refused one on the way; then the Korean administrator,
secretariat, co-chair and delegate each walk every path JCM has to show a record — its pages, the API, the agenda
and minutes documents (HTML and the PDF's text), the action items' exports filtered by the word too, search, the
calendar feeds, their notifications and the e-mails a real SMTP server received, and the audit log's page, API and
CSV — and find the word nowhere, nor a trace of the notes' events. The mirror: Korea's notes, on a few paths, as
the U.S. side."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from jcm.extensions import db
from jcm.notes.models import SideNote
from tests.conftest import Auth, complete_both_texts, post_form
from tests.test_agenda_document import pdf_text
from tests.test_calendar import subscribe
from tests import test_notifications
from tests.test_notifications import flush

US_WORD = "Quillfeather"  # found in no MOU, meeting, item or name
KR_WORD = "솔바람밀담"
UNWRITTEN = "Quillfeathex"  # a word no one wrote: what a search or filter for it shows is only the query echoed


# A real SMTP server on a local port that the notifications are sent through: the notifications' tests' own.
mail = test_notifications.mail


@pytest.fixture
def noted(app, api, client, auth, committee, held_meeting, sections, make_action_item, runner, mail):
    """The held meeting, its minutes opened, an action item raised at it; the U.S. side's notes on each, saved and
    saved again through the API and the pages; every e-mail sent."""
    from jcm.minutes.services import get_section

    with app.app_context():
        agenda_item_id = get_section(sections[2]).agenda_item_id
    item_id = make_action_item(meeting_id=held_meeting, title="Share quantum testbed schedules")
    records = {"meetings": held_meeting, "agenda-items": agenda_item_id, "minutes-sections": sections[2],
               "action-items": item_id}
    note_ids = []
    for address, record_id in records.items():
        path = f"/api/v1/{address}/{record_id}/notes"
        made = api.post(path, committee.us_delegate, json={"text": f"{US_WORD} first draft on {address}",
                                                           "version": 0})
        assert made.status_code == 201
        note_ids.append(made.get_json()["id"])
        assert api.post(path, committee.us_secretariat, json={"text": f"{US_WORD} position on {address}",
                                                              "version": 1}).status_code == 200
        stale = api.post(path, committee.us_co_chair, json={"text": f"{US_WORD} stale", "version": 1})
        assert stale.status_code == 409  # a refusal the trail keeps, with the request's path
        assert api.post(path, committee.us_observer, json={"text": US_WORD, "version": 2}).status_code == 403
    auth.login(committee.us_co_chair)  # and through the page
    page = f"/meetings/{held_meeting}"
    assert post_form(client, f"/notes/meeting/{held_meeting}", {"text": f"{US_WORD} from the co-chair",
                                                                 "version": "2", "next": page},
                     page=page).status_code == 302
    auth.logout()
    # The work of the meeting goes on, and tells people of it: the delegate updates the item they own.
    assert api.post(f"/api/v1/action-items/{item_id}/updates", committee.kr_delegate,
                    json={"text": "Schedules exchanged."}).status_code == 201
    assert flush(runner).exit_code == 0
    return {"meeting": held_meeting, "records": records, "item": item_id, "section": sections[2],
            "notes": note_ids}


def assert_absent(word: str, where: str, text: str) -> None:
    assert word not in text, f"{word!r} leaked in {where}"


def assert_only_echoed(get, path: str, word: str, unwritten: str, where: str) -> None:
    """A search or filter for the word shows it no more often than one for a word no one wrote shows that: only
    the query, said back."""
    found = get(path.format(word=word))
    shown = body(found)  # read whole before the next request: an export is streamed
    control = get(path.format(word=unwritten))
    assert found.status_code == control.status_code == 200, (where, path)
    assert shown.count(word) == body(control).count(unwritten), f"{word!r} leaked in {path} as {where}"


def body(response) -> str:
    """What a response says, as text: a PDF's text, a workbook's cells, JSON with its Hangul unescaped."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    if response.mimetype == "application/pdf":
        return pdf_text(response.data)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        sheet = load_workbook(io.BytesIO(response.data)).active
        return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    return response.get_data(as_text=True)


PAGES = ("/meetings/{meeting}", "/meetings/{meeting}/minutes", "/action-items/{item}", "/action-items",
         "/my-action-items", "/", "/dashboard", "/meetings", "/notes/meeting/{meeting}",
         "/notes/minutes-section/{section}", "/notes/action-item/{item}")
DOCUMENTS = ("/meetings/{meeting}/agenda.html", "/meetings/{meeting}/agenda.pdf", "/meetings/{meeting}/minutes.html",
             "/meetings/{meeting}/minutes.pdf", "/meetings/{meeting}.ics", "/meetings/{meeting}/briefing.html",
             "/meetings/{meeting}/briefing.pdf", "/reports/implementation.html", "/public/", "/public/feed.atom")
EXPORTS = ("/action-items.csv", "/action-items.xlsx", "/action-items.csv?q={word}", "/action-items.xlsx?q={word}",
           "/dashboard.csv", "/search?q={word}", "/search?q=position", "/notifications")
API = ("/api/v1/meetings/{meeting}", "/api/v1/meetings/{meeting}/minutes", "/api/v1/action-items/{item}",
       "/api/v1/action-items?q={word}", "/api/v1/search?q={word}", "/api/v1/search?q={word}&kind=side_note",
       "/api/v1/search?q=position",
       "/api/v1/notifications", "/api/v1/progress", "/api/v1/meetings/{meeting}/briefing")


def test_nothing_of_the_us_notes_reaches_any_korean_account(app, api, client, committee, noted, mail):
    fill = {"meeting": noted["meeting"], "item": noted["item"], "section": noted["section"], "word": US_WORD}
    # The word is there, for the U.S. side: the walk would find it if it leaked.
    us = Auth(client)
    us.login(committee.us_observer)
    assert f"{US_WORD} from the co-chair" in client.get(f"/meetings/{noted['meeting']}").get_data(as_text=True)
    us.logout()
    assert US_WORD in body(api.get(f"/api/v1/notes/{noted['notes'][3]}", committee.us_observer))
    assert api.get(f"/api/v1/search?q={US_WORD}", committee.us_delegate).get_json()["counts"]["side_note"] == 4

    for person in (committee.kr_admin, committee.kr_secretariat, committee.kr_co_chair, committee.kr_delegate):
        browser = app.test_client()
        auth = Auth(browser)
        feed = subscribe(browser, auth, person)
        auth.login(person)
        for path in (*PAGES, *DOCUMENTS, *EXPORTS):
            if "{word}" in path:
                assert_only_echoed(browser.get, path, US_WORD, UNWRITTEN, f"the Korean {person.role}")
                continue
            address = path.format(**fill)
            response = browser.get(address)
            assert response.status_code == 200, (person.role, address, response.status_code)
            assert_absent(US_WORD, f"{address} as the Korean {person.role}", body(response))
        response = browser.get(feed)
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        assert_absent(US_WORD, "the calendar feed", response.get_data(as_text=True))

        for path in API:
            if "{word}" in path:
                assert_only_echoed(lambda address: api.get(address, person), path, US_WORD, UNWRITTEN,
                                   f"the Korean {person.role}")
                continue
            address = path.format(**fill)
            response = api.get(address, person)
            assert response.status_code == 200, (person.role, address, response.status_code)
            assert_absent(US_WORD, f"{address} as the Korean {person.role}", body(response))
        for address, record_id in noted["records"].items():  # the Korean side's own notes: none yet
            assert api.get(f"/api/v1/{address}/{record_id}/notes", person).get_json() == []
        for note_id in noted["notes"]:  # a U.S. note's id, guessed: no such note
            for response in (api.get(f"/api/v1/notes/{note_id}", person),
                             api.get(f"/api/v1/notes/{note_id}/revisions", person),
                             api.client.put(f"/api/v1/notes/{note_id}", headers=api.headers(person),
                                            json={"text": "덮어쓰기", "version": 2})):
                assert response.status_code == 404
                assert response.get_json()["error"]["message"] == f"There is no note with id {note_id}."
            restore = post_form(browser, f"/notes/{note_id}/revisions/1/restore", {},
                                page=f"/meetings/{noted['meeting']}")
            assert restore.status_code == 404
            assert_absent(US_WORD, "a refused restore", restore.get_data(as_text=True))

        # The audit log: an administrator reads it, and none of the U.S. notes' events is in it.
        audit = [lambda: browser.get("/admin/audit"), lambda: browser.get("/admin/audit.csv"),
                 lambda: api.get("/api/v1/audit", person), lambda: api.get("/api/v1/audit?per_page=200", person)]
        for ask in audit:
            response = ask()
            text = body(response)  # read whole before the next request: the CSV is streamed
            assert response.status_code == (200 if person.role == "admin" else 403)
            assert_absent(US_WORD, f"the audit log as the Korean {person.role}", text)
            for trace in ("note.save", "SideNote", "api_notes.", "notes.save", "/notes"):
                assert_absent(trace, f"the audit log as the Korean {person.role}", text)
        if person.role == "admin":
            events = api.get("/api/v1/audit?per_page=200", person).get_json()
            assert events and not [e for e in events if e["action"].startswith(("note", "api_notes"))]
            for filtered in ("/api/v1/audit?action=note.save", "/api/v1/audit?object_type=SideNote",
                             f"/api/v1/audit?object_id={noted['notes'][0]}&object_type=SideNote"):
                assert api.get(filtered, person).get_json() == []
            for filtered in ("/admin/audit?action={word}", "/admin/audit.csv?action={word}",
                             "/admin/audit?object_type={word}"):
                assert_only_echoed(browser.get, filtered, "note.save" if "action" in filtered else "SideNote",
                                   "note.sav" if "action" in filtered else "SideNot", "the Korean admin")
        auth.logout()

    # Nothing written on the Korean side's behalf, and no Korean ever told of a note.
    with app.app_context():
        assert {note.side for note in db.session.scalars(select(SideNote))} == {"US"}
    for person in (committee.kr_admin, committee.kr_secretariat, committee.kr_co_chair, committee.kr_delegate):
        assert mail.inbox.to(person.email) or person.role == "admin", f"the {person.role} was e-mailed"
    assert mail.inbox.to(committee.kr_delegate.email), "the delegate was told of the update on their item"
    for message in mail.inbox.messages:  # to anyone at all: no e-mail carries a note
        parts = [message["Subject"], *(part.get_content() for part in message.walk()
                                       if part.get_content_maintype() == "text")]
        assert_absent(US_WORD, f"the e-mail “{message['Subject']}”", " ".join(parts))

    # The U.S. administrator reads their own side's events in the trail (never the text).
    us_events = api.get("/api/v1/audit?action=note.save&per_page=200", committee.us_admin).get_json()
    assert len(us_events) == 9 and {e["object_type"] for e in us_events} == {"SideNote"}
    assert_absent(US_WORD, "the U.S. administrator's trail", str(us_events))


def test_nothing_of_the_korean_notes_reaches_the_us_side(app, api, client, committee, held_meeting, sections):
    complete_both_texts(app, committee, held_meeting)
    path = f"/api/v1/minutes-sections/{sections[0]}/notes"
    assert api.post(path, committee.kr_secretariat, json={"text": f"{KR_WORD}: 결정문 문구 재협의 필요",
                                                          "version": 0}).status_code == 201
    assert api.post(f"/api/v1/meetings/{held_meeting}/notes", committee.kr_co_chair,
                    json={"text": f"{KR_WORD} 기조발언 요지", "version": 0}).status_code == 201
    assert KR_WORD in body(api.get(path, committee.kr_observer))
    for person in (committee.us_admin, committee.us_secretariat, committee.us_co_chair, committee.us_delegate):
        browser = app.test_client()
        Auth(browser).login(person)
        for address in (f"/meetings/{held_meeting}", f"/meetings/{held_meeting}/minutes",
                        f"/meetings/{held_meeting}/minutes.html"):
            response = browser.get(address)
            assert response.status_code == 200
            assert_absent(KR_WORD, f"{address} as the U.S. {person.role}", response.get_data(as_text=True))
        assert_only_echoed(browser.get, "/search?q={word}", KR_WORD, "솔바람밀어", f"the U.S. {person.role}")
        assert_only_echoed(lambda address: api.get(address, person), "/api/v1/search?q={word}", KR_WORD,
                           "솔바람밀어", f"the U.S. {person.role}")
        for address in (path, f"/api/v1/meetings/{held_meeting}/notes"):
            response = api.get(address, person)
            assert response.status_code == 200
            assert_absent(KR_WORD, f"{address} as the U.S. {person.role}", body(response))
        audit = api.get("/api/v1/audit?per_page=200", person)
        assert audit.status_code == (200 if person.role == "admin" else 403)
        assert not re.search(r"note\.save|SideNote", audit.get_data(as_text=True))
