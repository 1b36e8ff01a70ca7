"""Each side's internal notes: a delegation writes its own notes on a meeting, an agenda item, a minutes section and
an action item; everyone of that side reads them (observers too), each save is kept as a version, and a save based
on an older version loses nothing. The other side never sees them (tests/test_side_notes_leaks.py drives every
path)."""

from __future__ import annotations

import re

from sqlalchemy import select

from jcm.extensions import db
from jcm.notes.models import NoteRevision, SideNote
from tests.conftest import post_form


def note_form(page: str, word: str, target_id: int) -> str:
    match = re.search(rf'<form[^>]*action="/notes/{word}/{target_id}".*?</form>', page, re.S)
    return match.group(0) if match else ""


def save(client, word: str, target_id: int, text: str, version: int, page: str):
    return post_form(client, f"/notes/{word}/{target_id}", {"text": text, "version": str(version), "next": page},
                     page=page)


def stored(app, side: str, kind: str, target_id: int):
    with app.app_context():
        note = db.session.scalar(select(SideNote).where(SideNote.side == side, SideNote.kind == kind,
                                                        SideNote.target_id == target_id))
        return (note.text, note.version) if note else None


def test_a_delegate_writes_the_us_note_on_a_meeting_and_the_us_side_reads_it(app, client, auth, committee,
                                                                          held_meeting):
    page = f"/meetings/{held_meeting}"
    auth.login(committee.us_delegate)
    shown = client.get(page).get_data(as_text=True)
    assert "U.S. internal notes" in shown and "U.S. only: seen by the U.S. side" in shown
    assert note_form(shown, "meeting", held_meeting)
    response = save(client, "meeting", held_meeting, "Press for a joint AI testbed call; KR may ask for MOU text.",
                    0, page)
    assert response.status_code == 302 and response.headers["Location"] == page
    assert stored(app, "US", "meeting", held_meeting) == (
        "Press for a joint AI testbed call; KR may ask for MOU text.", 1)

    auth.logout()
    auth.login(committee.us_observer)  # observers of the side read, and are offered no form
    shown = client.get(page).get_data(as_text=True)
    assert "Press for a joint AI testbed call; KR may ask for MOU text." in shown
    assert "David Okafor" in shown and not note_form(shown, "meeting", held_meeting)
    refused = client.post(f"/notes/meeting/{held_meeting}", data={"text": "x", "version": "1"})
    assert refused.status_code in (400, 403)
    assert stored(app, "US", "meeting", held_meeting)[1] == 1

    auth.logout()
    auth.login(committee.kr_secretariat)  # the other side has its own space, empty, in its own words
    shown = client.get(page).get_data(as_text=True)
    assert "Korean internal notes" in shown and "Korean side only" in shown
    assert "joint AI testbed call" not in shown and "U.S. internal notes" not in shown


def test_an_observer_is_refused_writing_with_a_valid_form(app, client, auth, committee, held_meeting):
    auth.login(committee.kr_observer)
    # The observer's page offers no form; a form posted anyway, with the page's token, is refused.
    response = post_form(client, f"/notes/meeting/{held_meeting}", {"text": "관찰 메모", "version": "0"},
                         page=f"/meetings/{held_meeting}")
    assert response.status_code == 403
    assert stored(app, "KR", "meeting", held_meeting) is None


def test_notes_on_an_agenda_item_a_minutes_section_and_an_action_item(app, client, auth, committee, held_meeting,
                                                                      sections, make_action_item):
    from jcm.minutes.services import get_section

    with app.app_context():
        agenda_item_id = get_section(sections[1]).agenda_item_id
    item_id = make_action_item(meeting_id=held_meeting)
    auth.login(committee.kr_co_chair)

    meeting_page = f"/meetings/{held_meeting}"
    assert note_form(client.get(meeting_page).get_data(as_text=True), "agenda-item", agenda_item_id)
    assert save(client, "agenda-item", agenda_item_id, "이 안건에서 공동연구 예산을 먼저 언급할 것.", 0,
                meeting_page).status_code == 302
    assert "이 안건에서 공동연구 예산을 먼저 언급할 것." in client.get(meeting_page).get_data(as_text=True)

    minutes_page = f"/meetings/{held_meeting}/minutes"
    shown = client.get(minutes_page).get_data(as_text=True)
    assert note_form(shown, "minutes-section", sections[1]) and "한국 측 내부 메모" not in shown  # English reader
    assert save(client, "minutes-section", sections[1], "결정문 2항의 표현은 수정 요청 예정.", 0,
                minutes_page).status_code == 302
    assert "결정문 2항의 표현은 수정 요청 예정." in client.get(minutes_page).get_data(as_text=True)

    item_page = f"/action-items/{item_id}"
    assert save(client, "action-item", item_id, "NRF 담당자와 일정 재확인.", 0, item_page).status_code == 302
    shown = client.get(item_page).get_data(as_text=True)
    assert "NRF 담당자와 일정 재확인." in shown and "Korean internal notes" in shown

    assert stored(app, "KR", "agenda_item", agenda_item_id)[1] == 1
    assert stored(app, "KR", "minutes_section", sections[1])[1] == 1
    assert stored(app, "KR", "action_item", item_id)[1] == 1
    # In Korean, the panel says whose space it is as a Korean official would.
    with app.app_context():
        from jcm.accounts.services import get_user

        get_user(committee.kr_co_chair.id).locale = "ko"
        db.session.commit()
    shown = client.get(item_page).get_data(as_text=True)
    assert "한국 측 내부 메모" in shown and "한국 측만 열람할 수 있으며" in shown


def test_every_save_is_a_version_the_history_shows_and_one_is_restored(app, client, auth, committee, held_meeting):
    page = f"/meetings/{held_meeting}"
    auth.login(committee.us_secretariat)
    save(client, "meeting", held_meeting, "First thoughts", 0, page)
    save(client, "meeting", held_meeting, "Second thoughts", 1, page)
    assert save(client, "meeting", held_meeting, "Second thoughts", 2, page).status_code == 302  # no change
    assert stored(app, "US", "meeting", held_meeting) == ("Second thoughts", 2)

    history = client.get(f"/notes/meeting/{held_meeting}").get_data(as_text=True)
    assert "Version 2" in history and "Version 1" in history and "First thoughts" in history
    with app.app_context():
        note_id = db.session.scalar(select(SideNote.id).where(SideNote.kind == "meeting"))
    response = post_form(client, f"/notes/{note_id}/revisions/1/restore", {}, page=f"/notes/meeting/{held_meeting}")
    assert response.status_code == 302
    assert stored(app, "US", "meeting", held_meeting) == ("First thoughts", 3)
    with app.app_context():
        assert [r.text for r in db.session.scalars(select(NoteRevision).order_by(NoteRevision.version))] == [
            "First thoughts", "Second thoughts", "First thoughts"]


def test_a_stale_save_keeps_what_was_typed_and_shows_the_stored_note(app, client, auth, committee, held_meeting):
    page = f"/meetings/{held_meeting}"
    auth.login(committee.us_co_chair)
    save(client, "meeting", held_meeting, "Co-chair: open with the quantum centre.", 0, page)
    auth.logout()

    auth.login(committee.us_delegate)  # read version 1 …
    auth.logout()
    auth.login(committee.us_secretariat)
    save(client, "meeting", held_meeting, "Secretariat: the quantum centre opens in May.", 1, page)  # → 2
    auth.logout()
    auth.login(committee.us_delegate)  # … and saves on version 1
    response = save(client, "meeting", held_meeting, "Delegate: NSF will fund two fellows.", 1, page)
    assert response.status_code == 409
    shown = response.get_data(as_text=True)
    assert "Someone on your side saved this note meanwhile." in shown
    assert '<pre class="side-note__text side-note__text--stored">Secretariat: the quantum centre opens in May.</pre>' \
        in shown and "Samuel Reyes" in shown
    form = note_form(shown, "meeting", held_meeting)
    assert "Delegate: NSF will fund two fellows.</textarea>" in form and 'name="version" type="hidden" value="2"' in form
    assert stored(app, "US", "meeting", held_meeting) == ("Secretariat: the quantum centre opens in May.", 2)

    merged = "Secretariat: the quantum centre opens in May.\nDelegate: NSF will fund two fellows."
    assert save(client, "meeting", held_meeting, merged, 2, page).status_code == 302
    assert stored(app, "US", "meeting", held_meeting) == (merged, 3)


# --- the API ----------------------------------------------------------------------------------------------

def test_the_api_writes_and_reads_a_sides_notes_with_versions(app, api, committee, held_meeting, sections,
                                                              make_action_item):
    us, kr = committee.us_delegate, committee.kr_delegate
    path = f"/api/v1/meetings/{held_meeting}/notes"
    assert api.get(path, us).get_json() == []
    made = api.post(path, us, json={"text": "Ask about the 2027 call.", "version": 0})
    assert made.status_code == 201
    note = made.get_json()
    assert {k: note[k] for k in ("side", "kind", "target_id", "text", "version", "author")} == {
        "side": "US", "kind": "meeting", "target_id": held_meeting, "text": "Ask about the 2027 call.",
        "version": 1, "author": "David Okafor"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", note["updated_at"])

    changed = api.post(path, committee.us_co_chair, json={"text": "Ask about the 2027 and 2028 calls.", "version": 1})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    stale = api.post(path, us, json={"text": "Mine", "version": 1})
    assert stale.status_code == 409
    current = stale.get_json()["error"]["current"]
    assert current["text"] == "Ask about the 2027 and 2028 calls." and current["version"] == 2
    assert current["yours"] == "Mine" and current["author"] == "Margaret Chen"
    put = api.client.put(f"/api/v1/notes/{note['id']}", headers=api.headers(us),
                         json={"text": "Ask about both calls.", "version": 2})
    assert put.status_code == 200 and put.get_json()["version"] == 3
    assert api.get(f"/api/v1/notes/{note['id']}", committee.us_observer).get_json()["text"] == "Ask about both calls."
    revisions = api.get(f"/api/v1/notes/{note['id']}/revisions", us).get_json()
    assert [r["version"] for r in revisions] == [3, 2, 1] and revisions[1]["author"] == "Margaret Chen"

    # Korea's note on the same meeting is its own; neither lists the other's.
    assert api.post(path, kr, json={"text": "2027년 공모 일정 문의", "version": 0}).status_code == 201
    assert [n["text"] for n in api.get(path, kr).get_json()] == ["2027년 공모 일정 문의"]
    assert [n["text"] for n in api.get(path, us).get_json()] == ["Ask about both calls."]

    # The other kinds of record, each at its address.
    item_id = make_action_item()
    with app.app_context():
        from jcm.minutes.services import get_section

        agenda_item_id = get_section(sections[0]).agenda_item_id
    for address in (f"/api/v1/agenda-items/{agenda_item_id}/notes", f"/api/v1/minutes-sections/{sections[0]}/notes",
                    f"/api/v1/action-items/{item_id}/notes"):
        assert api.post(address, kr, json={"text": f"메모 {address}", "version": 0}).status_code == 201
        assert [n["text"] for n in api.get(address, committee.kr_observer).get_json()] == [f"메모 {address}"]
        assert api.get(address, us).get_json() == []


def test_the_api_refuses_what_it_should_with_the_right_status(app, api, committee, held_meeting):
    path = f"/api/v1/meetings/{held_meeting}/notes"
    assert api.post(path, committee.us_observer, json={"text": "x", "version": 0}).status_code == 403
    assert api.post(path, committee.us_delegate, json={"text": "x"}).status_code == 422
    assert api.post(path, committee.us_delegate, json={"text": 5, "version": 0}).status_code == 422
    assert api.post(path, committee.us_delegate, json={"text": "x", "version": 0, "side": "KR"}).status_code == 422
    assert api.post(path, committee.us_delegate, json={"text": "x" * 20001, "version": 0}).status_code == 422
    assert api.post(path, committee.us_delegate, json={"text": "x", "version": 4}).status_code == 422
    assert api.get("/api/v1/meetings/999999/notes", committee.us_delegate).status_code == 404
    assert api.post("/api/v1/action-items/999999/notes", committee.us_delegate,
                    json={"text": "x", "version": 0}).status_code == 404
    assert api.get("/api/v1/notes/999999", committee.us_delegate).status_code == 404
    made = api.post(path, committee.us_delegate, json={"text": "Ours", "version": 0}).get_json()
    for person in (committee.kr_admin, committee.kr_secretariat, committee.kr_co_chair, committee.kr_delegate):
        for answer in (api.get(f"/api/v1/notes/{made['id']}", person),
                       api.get(f"/api/v1/notes/{made['id']}/revisions", person),
                       api.client.put(f"/api/v1/notes/{made['id']}", headers=api.headers(person),
                                      json={"text": "탈취", "version": 1})):
            assert answer.status_code == 404
            assert answer.get_json()["error"]["message"] == f"There is no note with id {made['id']}."
    assert api.get(f"/api/v1/notes/{made['id']}", committee.us_delegate).get_json()["text"] == "Ours"


def test_a_side_finds_its_own_notes_by_their_words_and_never_the_others(app, client, auth, api, committee,
                                                                        held_meeting):
    """The search finds a note for its own side only: the other side's search for the same word finds nothing,
    not even a count."""
    path = f"/api/v1/meetings/{held_meeting}/notes"
    assert api.post(path, committee.us_delegate, json={"text": "Ask for the cryoprobe loan terms.",
                                                       "version": 0}).status_code == 201
    assert api.post(path, committee.kr_delegate, json={"text": "극저온 프로브 대여 조건 확인 cryoprobe",
                                                       "version": 0}).status_code == 201
    us = api.get("/api/v1/search?q=cryoprobe", committee.us_observer).get_json()
    assert us["counts"]["side_note"] == 1 and us["total"] == 1
    [hit] = us["results"]
    assert hit["kind"] == "side_note" and hit["context"] == "Ask for the cryoprobe loan terms."
    meeting = api.get(f"/api/v1/meetings/{held_meeting}", committee.us_observer).get_json()
    assert hit["title"] == f"Internal note: {meeting['title']}"
    assert hit["url"] == f"/notes/{hit['id']}"
    auth.login(committee.us_observer)
    assert client.get(hit["url"]).headers["Location"].endswith(f"/notes/meeting/{held_meeting}")
    auth.logout()
    auth.login(committee.kr_admin)
    assert client.get(hit["url"]).status_code == 404  # the other side's: as a note that is not
    auth.logout()
    kr = api.get("/api/v1/search?q=loan terms", committee.kr_admin).get_json()
    assert kr["counts"]["side_note"] == 0 and kr["results"] == []
    kr = api.get("/api/v1/search?q=cryoprobe&kind=side_note", committee.kr_secretariat).get_json()
    assert [hit["context"] for hit in kr["results"]] == ["극저온 프로브 대여 조건 확인 cryoprobe"]

    auth.login(committee.us_delegate)
    page = client.get("/search?q=cryoprobe").get_data(as_text=True)
    assert "Your side's internal notes (1)" in page and "loan terms" in page and "극저온" not in page
    # A change of the note is found at once; the old words no longer are.
    assert api.post(path, committee.us_delegate, json={"text": "Ask for the magnet loan terms.",
                                                       "version": 1}).status_code == 200
    assert api.get("/api/v1/search?q=cryoprobe", committee.us_delegate).get_json()["total"] == 0
