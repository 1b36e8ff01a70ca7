"""A page its reader opens again while nothing has changed is the page they were shown: sent without being made again,
with a token of their own written in each time. It is kept for that reader alone, in their language, zone and day,
with the notices they have not read; a message to show, a refusal or an error is never kept, and the next change,
whoever makes it, is shown at once."""

from __future__ import annotations

import re

import pytest

from jcm.content import KeptPage, Remembered, kept_pages
from jcm.web import TOKEN_PLACE
from tests.conftest import post_form
from tests.test_content_version import signed_in, without_tokens
from tests.test_minutes_document import write_minutes
from tests.test_query_counts import counting

# What a page read again reads: the reader's sign-in, and with it, in the same statement, the content's version and
# how many of their notices are unread.
READ_AGAIN = 1

PAGES = ["/", "/my-action-items", "/action-items", "/action-items?status=open,in_progress", "/action-items/{item}",
         "/meetings", "/meetings/{meeting}", "/meetings/{meeting}/minutes"]


def tokens_in(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page))


def kept_texts(app) -> list[str]:
    pages: Remembered = app.extensions["jcm.content.pages"]
    return [TOKEN_PLACE.encode().join(page.pieces).decode() for page in pages.values.values()]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["us_delegate", "kr_secretariat"])
def test_a_page_read_again_is_sent_without_being_made_again_and_its_forms_still_work(
        app, committee, held_meeting, make_action_item, page, who):
    write_minutes(app, committee, held_meeting)
    item = make_action_item()
    person = getattr(committee, who)
    reader = signed_in(app, person)[person]
    path = page.format(meeting=held_meeting, item=item)
    first = reader.get(path)
    assert first.status_code == 200

    with counting(app) as statements:
        again = reader.get(path)
    assert again.status_code == 200 and again.mimetype == "text/html"
    assert len(statements) == READ_AGAIN, statements
    assert all(name in statements[0] for name in ("sign_in_session", "content_version", "notice"))
    kept = app.extensions["jcm.content.pages"].values
    assert [key for key in kept if key[2].rstrip("?") == path and key[3] == person.id], "kept for its reader"
    assert without_tokens(again.get_data(as_text=True)) == without_tokens(first.get_data(as_text=True))
    assert TOKEN_PLACE not in again.get_data(as_text=True)
    (token,) = tokens_in(again.get_data(as_text=True))
    marked = reader.post("/notifications/read", data={"csrf_token": token})  # the token written in holds
    assert marked.status_code == 302


@pytest.mark.parametrize("path", ["/api/v1/meetings", "/api/v1/action-items"])
def test_a_programs_list_read_again_runs_one_statement_its_token_and_with_it_the_version(app, api, committee,
                                                                                        held_meeting, path):
    assert api.get(path, committee.kr_delegate).status_code == 200
    with counting(app) as statements:
        again = api.get(path, committee.kr_delegate)
    assert again.status_code == 200
    assert len(statements) == 1 and all(name in statements[0] for name in ("api_token", "content_version")), statements


def test_each_reader_is_shown_their_own_page_in_their_own_language(app, committee, held_meeting):
    readers = signed_in(app, committee.us_delegate, committee.kr_delegate)
    path = f"/meetings/{held_meeting}"
    for person, reader in readers.items():
        reader.get(path)
    for person, reader in readers.items():
        page = reader.get(path).get_data(as_text=True)
        others = [other for other in readers if other is not person]
        assert person.name in page and not any(other.name in page for other in others)

    american = readers[committee.us_delegate]
    assert '<html lang="en">' in american.get(path).get_data(as_text=True)
    switched = post_form(american, "/language", {"locale": "ko", "next": path}, page=path)
    assert switched.status_code == 302
    assert '<html lang="ko">' in american.get(path).get_data(as_text=True)


def test_a_message_waiting_for_the_next_page_is_shown_once_on_a_page_read_before(app, committee, held_meeting):
    reader = signed_in(app, committee.us_delegate)[committee.us_delegate]
    path = f"/meetings/{held_meeting}"
    before = reader.get(path).get_data(as_text=True)
    with reader.session_transaction() as session:
        session["_flashes"] = [("success", "Your update on AI-2027-001 has been saved.")]

    shown = reader.get(path).get_data(as_text=True)
    assert "Your update on AI-2027-001 has been saved." in shown
    after = reader.get(path).get_data(as_text=True)
    assert "Your update on AI-2027-001 has been saved." not in after
    assert without_tokens(after) == without_tokens(before)


def test_a_change_anyone_makes_is_shown_at_once_on_a_page_read_before(app, committee, held_meeting):
    from jcm.extensions import db
    from jcm.meetings.models import Meeting

    readers = signed_in(app, committee.us_delegate, committee.kr_delegate)
    path = f"/meetings/{held_meeting}"
    for reader in readers.values():
        assert "Ulsan" not in reader.get(path).get_data(as_text=True)
    with app.app_context():  # the Korean secretariat's change, or another process's: the same commit
        db.session.get(Meeting, held_meeting).venue = "Ulsan Exhibition and Convention Center"
        db.session.commit()
    for reader in readers.values():
        assert "Ulsan Exhibition" in reader.get(path).get_data(as_text=True)


def test_a_refusal_is_never_kept_and_no_kept_page_holds_a_readers_own_token(app, committee, held_meeting):
    readers = signed_in(app, committee.us_delegate, committee.kr_observer)
    served = []
    for reader in readers.values():
        assert reader.get("/action-items/987654").status_code == 404
        assert reader.get("/action-items/987654").status_code == 404
        for path in ("/", "/meetings", f"/meetings/{held_meeting}"):
            served += [reader.get(path).get_data(as_text=True) for _ in range(2)]
    kept = kept_texts(app)
    assert kept and not any("987654" in page and "404" in page for page in kept)
    tokens = set().union(*(tokens_in(page) for page in served))
    assert tokens and not any(token in page for token in tokens for page in kept)
    assert all(TOKEN_PLACE in page for page in kept)


def test_the_pages_kept_stay_within_their_budget_the_oldest_let_go_first():
    pages = kept_pages(budget=100)
    for key in ("first", "second", "third"):
        pages.put(key, KeptPage(f"<p>{key}</p>" + "x" * 30))
    assert pages.get("first") is None and pages.get("third") is not None
    assert pages.used <= 100
    pages.clear()
    assert pages.used == 0 and pages.get("third") is None
    for key in ("first", "second"):  # forgotten, the whole budget is there again
        pages.put(key, KeptPage(f"<p>{key}</p>" + "x" * 30))
    assert pages.get("first") is not None and pages.get("second") is not None
    pages.put("too big", KeptPage("y" * 101))
    assert pages.get("too big") is None
    assert pages.get("second").written_for("mine") == ("<p>second</p>" + "x" * 30).encode()
    token_page = KeptPage(f'<input value="{TOKEN_PLACE}"> and <input value="{TOKEN_PLACE}">')
    assert token_page.written_for("abc") == b'<input value="abc"> and <input value="abc">'
