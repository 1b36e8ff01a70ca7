"""A meeting's documents are gathered and printed once per version of the content: every committed change moves the
version on, a page read or a refused change does not, and a document made before a change is never served after it
— whoever made the change, in whichever process."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from jcm import create_app
from jcm.accounts.services import create_token, get_user, update_user
from jcm.content import ContentVersion, content_version
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services as minutes_services
from jcm.web import TOKEN_PLACE
from tests.conftest import PASSWORD, app_config, close_database, complete_both_texts, post_form, share_engine
from tests.test_document_cache import counting_renders, printing
from tests.test_minutes_document import write_minutes
from tests.test_query_counts import counting

# The tables a document is gathered from: a document served again reads none of them.
GATHERED_FROM = ("minutes_section", "agenda_item", "action_item", "action_owner", "attendee", "progress_entry")


def without_tokens(page: str) -> str:
    """A page without its forms' tokens, which are signed anew each second."""
    return re.sub(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+', r"\1", page)


def version(app) -> int:
    with app.app_context():
        return db.session.scalar(select(ContentVersion.number).where(ContentVersion.id == 1))


def signed_in(app, *people) -> dict:
    """A client for each person (or e-mail), signed in before any page is read: a sign-in is itself a change."""
    clients = {}
    for who in people:
        clients[who] = app.test_client()
        post_form(clients[who], "/login", {"email": who if isinstance(who, str) else who.email, "password": PASSWORD})
    return clients


def test_reading_changes_nothing_and_every_committed_change_moves_the_content_on(app, client, auth, committee,
                                                                                  held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_secretariat)
    before = version(app)
    for path in (f"/meetings/{held_meeting}", f"/meetings/{held_meeting}/minutes",
                 f"/meetings/{held_meeting}/minutes.html?lang=en", "/action-items"):
        assert client.get(path).status_code == 200
    assert version(app) == before

    with app.app_context():  # a change refused at the commit: nothing stored, nothing moved
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        minutes.next_meeting = "Seoul"
        db.session.flush()
        assert content_version() is None  # what this transaction reads is no version yet
        db.session.rollback()
    assert version(app) == before

    with app.app_context():  # a token is no part of the content
        create_token(None, get_user(committee.us_delegate.id), "a program")
        db.session.commit()
    assert version(app) == before

    with app.app_context():
        delegate = get_user(committee.us_delegate.id)
        update_user(delegate, delegate, {"name": "Dana Whitfield"})
        db.session.commit()
    assert version(app) == before + 1


def test_an_unchanged_draft_is_served_again_without_gathering_or_printing_it(app, client, auth, committee,
                                                                            held_meeting, make_action_item):
    write_minutes(app, committee, held_meeting)
    make_action_item(title="Map the quantum testbeds")  # carried over to the meeting
    auth.login(committee.kr_delegate)
    html, pdf = f"/meetings/{held_meeting}/minutes.html?lang=ko", f"/meetings/{held_meeting}/minutes.pdf?lang=ko"
    with printing(app) as printed, counting_renders(app) as renders:
        first_html, first_pdf = client.get(html), client.get(pdf)
        assert printed == ["documents/minutes.html"] * 2 and renders == [False]
        with counting(app) as statements:
            again_html, again_pdf = client.get(html), client.get(pdf)
    assert again_html.status_code == again_pdf.status_code == 200
    assert again_html.data == first_html.data and again_pdf.data == first_pdf.data
    assert printed == ["documents/minutes.html"] * 2 and renders == [False]  # neither printed nor rendered again
    read = [statement for statement in statements if any(f" {table}" in statement for table in GATHERED_FROM)]
    assert read == [], read


def test_a_change_made_anywhere_shows_in_the_next_draft(app, client, auth, committee, held_meeting,
                                                         make_action_item):
    """Not only the minutes' own rows: the name of a person owning an action item carried over to the meeting."""
    write_minutes(app, committee, held_meeting)
    make_action_item(title="Map the quantum testbeds")
    auth.login(committee.us_delegate)
    html = f"/meetings/{held_meeting}/minutes.html?lang=en"
    before = client.get(html).get_data(as_text=True)
    assert "Dana Whitfield" not in before
    with app.app_context():
        delegate = get_user(committee.us_delegate.id)
        update_user(delegate, delegate, {"name": "Dana Whitfield"})
        db.session.commit()
    assert "Dana Whitfield" in client.get(html).get_data(as_text=True)
    assert "Dana Whitfield" in client.get(f"/meetings/{held_meeting}/agenda.html?lang=en").get_data(as_text=True)


def test_a_change_committed_by_another_process_shows_at_once(app, client, auth, committee, held_meeting,
                                                              database_url, tmp_path):
    """Each process remembers its own documents; the version they are remembered by is in the database."""
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    html = f"/meetings/{held_meeting}/minutes.html?lang=en"
    assert "Washington, D.C., in the spring of 2027." in client.get(html).get_data(as_text=True)

    other = create_app(app_config(database_url, tmp_path / "other-instance"))
    share_engine(other, database_url)
    with other.app_context():
        us = get_user(committee.us_secretariat.id)
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        minutes_services.set_next_meeting(us, minutes, "Daejeon, in the autumn of 2027.")
        db.session.commit()
    close_database(other)

    now = client.get(html).get_data(as_text=True)
    assert "Daejeon, in the autumn of 2027." in now and "Washington, D.C." not in now


@pytest.mark.parametrize("document", ["minutes.html", "minutes.pdf", "agenda.html", "agenda.pdf"])
def test_a_document_made_already_is_still_refused_to_whom_may_not_read_it(app, client, auth, committee,
                                                                           held_meeting, document):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    url = f"/meetings/{held_meeting}/{document}?lang=en"
    assert client.get(url).status_code == 200
    auth.logout()
    refused = client.get(url)
    assert refused.status_code in (302, 401) and b"%PDF" not in refused.data
    auth.login(committee.us_delegate)
    assert client.get(f"/meetings/{held_meeting + 100}/{document}?lang=en").status_code == 404


def open_count(page: str) -> int:
    return int(re.search(r"<dt>Open</dt><dd>(\d+)</dd>", page).group(1))


def test_the_registers_counts_and_choices_follow_every_change_at_once(app, client, auth, committee, make_meeting,
                                                                       make_action_item):
    make_meeting()
    make_action_item(title="Exchange AI-ready dataset inventories")
    auth.login(committee.us_delegate)
    first = client.get("/action-items").get_data(as_text=True)
    assert without_tokens(client.get("/action-items").get_data(as_text=True)) == without_tokens(first)  # made once
    assert open_count(first) == 1 and "The 14th Joint Committee Meeting" not in first

    make_action_item(title="Map the quantum testbeds")
    make_meeting(ordinal=14, start_date="2028-03-10")
    now = client.get("/action-items").get_data(as_text=True)
    assert open_count(now) == 2 and "The 14th Joint Committee Meeting" in now


def test_the_meeting_pages_review_and_the_minutes_gaps_follow_every_change_at_once(app, client, auth, committee,
                                                                                    held_meeting, make_action_item):
    write_minutes(app, committee, held_meeting)
    item = make_action_item(title="Map the quantum testbeds")  # carried over to the meeting
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{held_meeting}").get_data(as_text=True)
    assert "Map the quantum testbeds" in page and "Testbeds mapped" not in page
    editor = client.get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)
    assert "“Washington, D.C., in the spring of 2027.”" not in editor
    gaps = editor.count("text of “")

    with app.app_context():
        from jcm.actions.services import get_action_item, record_review

        record_review(get_user(committee.us_secretariat.id), get_action_item(item), get_meeting(held_meeting),
                      "done", note="Testbeds mapped")
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        minutes_services.set_next_meeting(get_user(committee.us_secretariat.id), minutes, "")  # one gap fewer
        db.session.commit()
    assert "Testbeds mapped" in client.get(f"/meetings/{held_meeting}").get_data(as_text=True)
    assert client.get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True).count("text of “") < gaps


def test_the_meeting_pages_review_follows_every_change_at_once_for_those_who_only_read_it(app, committee, held_meeting,
                                                                                          make_action_item):
    item = make_action_item(title="Map the quantum testbeds")  # carried over to the meeting
    readers = signed_in(app, committee.us_delegate, committee.kr_observer, committee.us_secretariat)

    def review(who) -> str:
        page = readers[who].get(f"/meetings/{held_meeting}").get_data(as_text=True)
        return without_tokens(page[page.index('id="action-review"'):page.index('id="new-actions"')])

    delegate = review(committee.us_delegate)
    assert "Map the quantum testbeds" in delegate and "Testbeds mapped" not in delegate
    assert 'name="outcome"' not in delegate and review(committee.us_delegate) == delegate
    assert 'name="outcome"' in review(committee.us_secretariat)  # who records outcomes has the form, made for them
    with app.app_context():
        from jcm.actions.services import get_action_item, record_review

        record_review(get_user(committee.us_secretariat.id), get_action_item(item), get_meeting(held_meeting),
                      "done", note="Testbeds mapped")
        db.session.commit()
    for who in (committee.us_delegate, committee.kr_observer, committee.us_secretariat):
        assert "Testbeds mapped" in review(who)


def test_the_owners_a_raise_form_offers_follow_every_change_at_once(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_secretariat)
    editor = f"/meetings/{held_meeting}/minutes"
    assert f'value="user:{committee.us_delegate.id}"' in client.get(editor).get_data(as_text=True)
    assert "Dana Whitfield" not in client.get(editor).get_data(as_text=True)
    with app.app_context():
        delegate = get_user(committee.us_delegate.id)
        update_user(delegate, delegate, {"name": "Dana Whitfield"})
        db.session.commit()
    assert f'value="user:{committee.us_delegate.id}">Dana Whitfield</option>' in client.get(editor).get_data(
        as_text=True)


def test_my_action_items_follow_every_change_at_once(app, client, auth, committee, make_action_item):
    make_action_item(title="Exchange AI-ready dataset inventories")
    auth.login(committee.us_delegate)
    first = client.get("/my-action-items").get_data(as_text=True)
    assert "Exchange AI-ready dataset inventories" in first and "Map the quantum testbeds" not in first
    assert without_tokens(client.get("/my-action-items").get_data(as_text=True)) == without_tokens(first)
    make_action_item(title="Map the quantum testbeds")
    assert "Map the quantum testbeds" in client.get("/my-action-items").get_data(as_text=True)
    make_action_item(title="Brief the U.S. delegation", owners={"US": [{"user_id": committee.us_delegate.id}],
                                                                 "KR": [{"user_id": committee.kr_secretariat.id}]})
    assert "Brief the U.S. delegation" in client.get("/my-action-items?sort=title").get_data(as_text=True)
    auth.logout()
    auth.login(committee.kr_delegate)  # another reader's items are their own, never the first one's page
    theirs = client.get("/my-action-items?sort=title").get_data(as_text=True)
    assert "Map the quantum testbeds" in theirs and "Brief the U.S. delegation" not in theirs


def test_the_first_action_items_on_a_home_page_follow_every_change_at_once(app, client, auth, committee,
                                                                           make_action_item):
    from datetime import date, timedelta

    from jcm.actions.models import ActionItem

    item = make_action_item(title="Map the quantum testbeds", due_date=(date.today() + timedelta(days=3)).isoformat())
    auth.login(committee.us_delegate)
    assert "Map the quantum testbeds" in client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.get(ActionItem, item).title = "Map the national quantum testbeds"
        db.session.commit()
    assert "Map the national quantum testbeds" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(committee.us_co_chair)  # whose first items are their own: none
    assert "quantum testbeds" not in client.get("/").get_data(as_text=True)


def test_the_apis_register_follows_every_change_at_once(app, api, committee, make_action_item):
    make_action_item(title="Exchange AI-ready dataset inventories")
    first = api.get("/api/v1/action-items", committee.kr_delegate)
    assert json.loads(first.headers["X-Pagination"])["total"] == 1
    make_action_item(title="Map the quantum testbeds")
    now = api.get("/api/v1/action-items", committee.kr_delegate)
    assert json.loads(now.headers["X-Pagination"])["total"] == 2
    assert {item["title"] for item in now.get_json()} == {"Exchange AI-ready dataset inventories",
                                                          "Map the quantum testbeds"}


def test_the_apis_meetings_follow_every_change_at_once(app, api, committee, make_meeting):
    make_meeting()
    first = api.get("/api/v1/meetings", committee.us_observer)
    assert [meeting["ordinal"] for meeting in first.get_json()] == [12]
    assert api.get("/api/v1/meetings", committee.us_observer).get_json() == first.get_json()
    make_meeting(ordinal=14, start_date="2028-03-10")
    now = api.get("/api/v1/meetings", committee.us_observer)
    assert [meeting["ordinal"] for meeting in now.get_json()] == [14, 12]
    assert json.loads(now.headers["X-Pagination"])["total"] == 2


def test_the_agenda_on_a_meetings_page_follows_every_change_at_once_where_each_reader_is(app, committee, make_meeting):
    from jcm.meetings.models import AgendaItem

    meeting = make_meeting()  # in Sejong: a reader in Washington is told the times there too
    with app.app_context():
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting)
                                 .order_by(AgendaItem.position).limit(1))
        item_id, title = item.id, item.title

    readers = signed_in(app, committee.kr_delegate, committee.us_delegate,
                             committee.us_secretariat, committee.kr_observer)

    def agenda(who) -> str:
        page = readers[who].get(f"/meetings/{meeting}").get_data(as_text=True)
        return page[page.index('id="schedule"'):page.index("</section>", page.index('id="schedule"'))]

    korean, american = agenda(committee.kr_delegate), agenda(committee.us_delegate)
    assert title in korean and title in american
    assert "js-elsewhere" in american and "js-elsewhere" not in korean
    assert agenda(committee.us_delegate) == american  # the same again
    editing = agenda(committee.us_secretariat)
    assert "Move up" in editing and 'name="csrf_token"' in editing
    assert "Move up" not in american and "csrf_token" not in american
    with app.app_context():
        db.session.get(AgendaItem, item_id).title = "Quantum information science: a joint roadmap"
        db.session.commit()
    for who in (committee.kr_delegate, committee.us_delegate, committee.us_secretariat):
        assert "Quantum information science: a joint roadmap" in agenda(who)
    assert title not in agenda(committee.kr_observer)


def test_a_sections_record_is_printed_once_for_those_who_only_read_the_minutes_and_follows_every_change(
        app, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    with app.app_context():
        section = minutes_services.ordered_sections(minutes_services.minutes_for(get_meeting(held_meeting)))[3]
        section_id, version_now = section.id, section.version
    readers = signed_in(app, committee.us_delegate, committee.us_observer,
                             committee.kr_delegate, committee.us_secretariat)

    def record(who, **headers) -> str:
        page = readers[who].get(f"/meetings/{held_meeting}/minutes", headers=headers).get_data(as_text=True)
        article = page[page.index(f'id="section-{section_id}"'):]
        return without_tokens(article[:article.index("</article>")])

    delegate = record(committee.us_delegate)
    assert "The two sides agreed to exchange testbed inventories by June." in delegate
    assert 'name="discussion"' not in delegate and "Mark as checked" not in delegate
    assert "The two sides agreed" in record(committee.us_observer)
    korean = record(committee.kr_delegate, **{"Accept-Language": "ko-KR,ko;q=0.9"})
    assert "The two sides agreed" in korean and "논의 내용(국문)" in korean  # in the Korean reader's words
    assert "논의 내용(국문)" not in delegate
    editor = record(committee.us_secretariat)
    assert 'name="discussion"' in editor and "The two sides agreed" in editor  # the editor's forms, made for each

    with app.app_context():
        minutes_services.save_section(get_user(committee.us_secretariat.id),
                                      minutes_services.get_section(section_id),
                                      "The two sides reviewed the testbed inventories.", None, version_now)
        db.session.commit()
    for who in (committee.us_delegate, committee.us_observer, committee.us_secretariat):
        now = record(who)
        assert "The two sides reviewed the testbed inventories." in now
        assert "The two sides agreed to exchange testbed inventories by June." in now  # its decision stays


def test_the_editors_sections_are_printed_once_for_each_side_each_with_the_readers_own_token(app, committee,
                                                                                              held_meeting):
    write_minutes(app, committee, held_meeting)
    with app.app_context():
        section = minutes_services.ordered_sections(minutes_services.minutes_for(get_meeting(held_meeting)))[3]
        section_id, version_now = section.id, section.version
        from jcm.accounts.services import create_user

        colleague = create_user(None, {"email": "r.okafor@state.example.gov", "name": "Ruth Okafor", "side": "US",
                                       "role": "secretariat"}, PASSWORD).email  # the U.S. secretariat's second
        db.session.commit()
    editor = f"/meetings/{held_meeting}/minutes"
    writers = signed_in(app, committee.us_secretariat.email, committee.kr_secretariat.email, colleague)

    def record(who) -> str:
        page = writers[who].get(editor).get_data(as_text=True)
        assert TOKEN_PLACE not in page
        article = page[page.index(f'id="section-{section_id}"'):]
        return article[:article.index("</article>")]

    american, korean = record(committee.us_secretariat.email), record(committee.kr_secretariat.email)
    check = f"/texts/minutes_section/{section_id}/discussion/{{language}}/check"
    assert check.format(language="en") in american and check.format(language="en") not in korean  # each side's
    assert record(committee.us_secretariat.email).count('name="discussion"') == 1

    # The token in a kept section's form is the reader's own: the save it sends is accepted.
    form = record(committee.us_secretariat.email)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form).group(1)
    saved = writers[committee.us_secretariat.email].post(
        f"/minutes/sections/{section_id}", data={"csrf_token": token, "version": str(version_now),
                                                 "discussion": "The two sides reviewed the testbed inventories.",
                                                 "decisions": "The two sides agreed to exchange testbed inventories "
                                                              "by June.", "discussion_ko": "", "decisions_ko": ""})
    assert saved.status_code in (200, 302), saved.get_data(as_text=True)[:300]
    for who in writers:
        assert "The two sides reviewed the testbed inventories." in record(who)
    # The same section kept for the second U.S. secretariat carries their own token, not the first's.
    shared = record(colleague)
    assert shared.count("The two sides reviewed the testbed inventories.") == record(committee.us_secretariat.email) \
        .count("The two sides reviewed the testbed inventories.")
    theirs = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', shared).group(1)
    mine = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                     record(committee.us_secretariat.email)).group(1)
    assert theirs != mine
    assert writers[colleague].post(f"/minutes/sections/{section_id}", data={
        "csrf_token": theirs, "version": str(version_now + 1), "discussion": "Reviewed, and to be shared.",
        "decisions": "", "discussion_ko": "", "decisions_ko": ""}).status_code in (200, 302)


def test_the_minutes_attendance_progress_and_next_meeting_follow_every_change_at_once_for_every_reader(
        app, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    readers = signed_in(app, committee.us_secretariat, committee.kr_secretariat,
                             committee.us_delegate, committee.kr_observer)

    def page(who) -> str:
        return readers[who].get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)

    for who in readers:
        assert "Dr. Jane Doe" in page(who) and "Testbeds shared on schedule." in page(who)
    with app.app_context():
        from jcm.mou.models import FocusArea

        us = get_user(committee.us_secretariat.id)
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        minutes_services.set_attendance(us, minutes, "US", [
            {"user_id": committee.us_co_chair.id},
            {"name": "Dr. John Roe", "title": "Deputy Director", "organization": "National Science Foundation"}])
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
        minutes_services.save_progress(us, minutes, area, "at_risk", "Two testbeds are late.")
        minutes_services.set_next_meeting(us, minutes, "Seoul, in the autumn of 2027.")
        db.session.commit()
    for who in readers:
        now = page(who)
        assert "Dr. John Roe" in now and "Dr. Jane Doe" not in now
        assert "Two testbeds are late." in now and "Testbeds shared on schedule." not in now
        assert "Seoul, in the autumn of 2027." in now


def test_a_meetings_page_is_kept_in_parts_for_each_kind_of_reader_each_with_their_own_token_and_sides_notes(
        app, committee, make_meeting):
    from jcm.accounts.services import create_user
    from jcm.meetings.models import AgendaItem

    meeting = make_meeting()
    with app.app_context():
        colleague = create_user(None, {"email": "r.okafor@state.example.gov", "name": "Ruth Okafor", "side": "US",
                                       "role": "secretariat"}, PASSWORD).email  # the U.S. secretariat's second
        get_user(committee.kr_secretariat.id).time_zone = "America/New_York"  # reading where the U.S. side reads
        db.session.commit()
        first = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting)
                                  .order_by(AgendaItem.position).limit(1))
        item_id, title = first.id, first.title
    readers = signed_in(app, committee.us_secretariat.email, colleague, committee.kr_secretariat.email)
    token = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def page(email) -> str:
        shown = readers[email].get(f"/meetings/{meeting}").get_data(as_text=True)
        assert TOKEN_PLACE not in shown
        return shown

    def move_form(shown: str) -> str:
        form = shown[shown.index(f'/agenda-items/{item_id}/move"'):]
        return token.search(form).group(1)

    mine = page(committee.us_secretariat.email)
    with printing(app) as printed:
        theirs = page(colleague)
    # Printed once for the first of them: the agenda, the review and the notes are not printed again.
    assert not {"meetings/_schedule.html", "actions/_meeting.html", "notes/_meeting.html"} & set(printed)
    assert move_form(mine) != move_form(theirs)  # the same row, each with their own token
    # A U.S. note on the meeting is its side's alone, however its page is kept.
    assert readers[colleague].post(f"/notes/meeting/{meeting}", data={
        "csrf_token": token.search(theirs[theirs.index('id="note-meeting-'):]).group(1), "version": "0",
        "text": "Hold the line on the data annex.", "next": f"/meetings/{meeting}"}).status_code in (200, 302)
    assert "Hold the line on the data annex." in page(committee.us_secretariat.email)
    assert "Hold the line on the data annex." not in page(committee.kr_secretariat.email)
    # The kept row's token moves the item for its reader.
    moved = readers[committee.us_secretariat.email].post(
        f"/agenda-items/{item_id}/move", data={"csrf_token": move_form(page(committee.us_secretariat.email)),
                                               "direction": "down"})
    assert moved.status_code == 302
    after = page(colleague)
    assert after.index(f'id="item-{item_id}"') > after.index('id="item-') and title in after


@pytest.mark.parametrize("who", ["us_secretariat", "us_delegate", "kr_co_chair"])
def test_once_a_minutes_page_is_kept_the_next_reads_none_of_the_records(app, committee, held_meeting, who):
    write_minutes(app, committee, held_meeting)
    reader = app.test_client()
    post_form(reader, "/login", {"email": getattr(committee, who).email, "password": PASSWORD})
    first = reader.get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)
    with counting(app) as statements:
        again = reader.get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)
    assert not [statement for statement in statements
                if re.search(r"\bFROM (minutes_section|attendee|agenda_item)\b", statement)]
    assert without_tokens(again) == without_tokens(first)


def test_a_meetings_page_read_again_reads_none_of_its_agenda_and_says_at_once_what_changed_since_agreed(
        app, client, auth, committee, agreed_meeting):
    from jcm.meetings.models import AgendaItem
    from jcm.meetings.services import get_agenda_item, update_agenda_item

    auth.login(committee.us_delegate)
    first = client.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)
    assert "Changed since version" not in first
    with counting(app) as statements:
        assert without_tokens(client.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)) == \
            without_tokens(first)
    assert not [statement for statement in statements if re.search(r"\bFROM agenda_item\b", statement)]
    with app.app_context():
        first_item = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == agreed_meeting)
                                       .order_by(AgendaItem.position).limit(1))
        update_agenda_item(get_user(committee.us_secretariat.id), get_agenda_item(first_item),
                           {"title": "Opening and adoption of the agenda"})
        db.session.commit()
    now = client.get(f"/meetings/{agreed_meeting}").get_data(as_text=True)
    assert "Changed since version" in now and "Opening and adoption of the agenda" in now


def test_a_sections_comments_follow_every_change_at_once_each_reader_in_their_own_zone(app, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    complete_both_texts(app, committee, held_meeting)
    with app.app_context():  # circulated for the delegations' comments
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        minutes_services.set_status(get_user(committee.us_secretariat.id), minutes, "circulated")
        section_id = minutes_services.ordered_sections(minutes)[3].id
        db.session.commit()
    readers = signed_in(app, committee.us_delegate, committee.kr_delegate, committee.us_observer)
    token = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def section(who) -> str:
        page = readers[who].get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)
        article = page[page.index(f'id="section-{section_id}"'):]
        return article[:article.index("</article>")]

    american = section(committee.us_delegate)
    assert 'id="comment-text-' in american and 'id="comment-text-' not in section(committee.us_observer)
    box = section(committee.kr_delegate)
    box = box[box.index('id="comment-text-') - 700:]
    assert readers[committee.kr_delegate].post(f"/meetings/{held_meeting}/minutes/comments", data={
        "csrf_token": token.search(box).group(1), "section_id": str(section_id),
        "text": "The Korean text of the decision should name the date of the workshop."}).status_code == 302
    american, korean = section(committee.us_delegate), section(committee.kr_delegate)
    assert "should name the date of the workshop" in american and "should name the date of the workshop" in korean
    assert "KST" in korean and "KST" not in american  # each reader's times where they are
    assert "should name the date of the workshop" not in section(committee.us_observer)


def test_a_kept_minutes_record_shows_each_side_its_own_notes_alone(app, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    with app.app_context():
        section_id = minutes_services.ordered_sections(minutes_services.minutes_for(get_meeting(held_meeting)))[3].id
        for who in (committee.kr_delegate, committee.kr_secretariat):  # reading where the U.S. side reads
            get_user(who.id).time_zone = "America/New_York"
        db.session.commit()
    readers = signed_in(app, committee.us_delegate, committee.kr_delegate,
                             committee.us_secretariat, committee.kr_secretariat)
    token = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def page(who) -> str:
        return readers[who].get(f"/meetings/{held_meeting}/minutes").get_data(as_text=True)

    for who in readers:
        page(who)  # every kind's record kept
    note_form = page(committee.us_delegate)
    note_form = note_form[note_form.index(f'id="note-minutes-section-{section_id}"'):]
    assert readers[committee.us_delegate].post(f"/notes/minutes-section/{section_id}", data={
        "csrf_token": token.search(note_form).group(1), "version": "0", "next": "/",
        "text": "Ask NSF for the testbed list before the session."}).status_code in (200, 302)
    for who in readers:
        seen = "Ask NSF for the testbed list before the session." in page(who)
        assert seen == (who.side == "US"), who


def test_the_list_of_meetings_follows_every_change_at_once(app, client, auth, committee, make_meeting):
    from jcm.meetings.models import Meeting

    held = make_meeting(ordinal=11, start_date="2025-03-10")
    make_meeting(ordinal=12, start_date="2027-03-10")
    auth.login(committee.kr_delegate)
    first = client.get("/meetings").get_data(as_text=True)
    assert first.index("The 12th") < first.index("Past") < first.index("The 11th")
    assert without_tokens(client.get("/meetings").get_data(as_text=True)) == without_tokens(first)
    with app.app_context():
        db.session.get(Meeting, held).venue = "Blair House"
        db.session.commit()
    now = client.get("/meetings").get_data(as_text=True)
    assert "Blair House" in now and "Blair House" not in first
    make_meeting(ordinal=13, start_date="2028-03-10")
    assert "The 13th" in client.get("/meetings").get_data(as_text=True)
    # The same list in the other language, sorted otherwise, or searched, is not the one made before.
    korean = client.get("/meetings", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(as_text=True)
    assert "제13차 공동위원회" in korean
    found = client.get("/meetings?q=Blair").get_data(as_text=True)
    assert "The 11th" in found and "The 12th" not in found
    assert client.get("/meetings?page=2").status_code == 200
    assert "The 13th" not in client.get("/meetings?page=2").get_data(as_text=True)


def test_the_headers_mou_title_follows_a_change_at_once(app, client, auth, committee):
    from jcm.mou.models import Agreement

    auth.login(committee.us_delegate)
    first = client.get("/action-items").get_data(as_text=True)
    with app.app_context():
        agreement = db.session.get(Agreement, committee.agreement_id)
        assert agreement.short_title in first
        agreement.short_title = "U.S.–ROK S&T Agreement (renewed)"
        db.session.commit()
    assert "U.S.–ROK S&amp;T Agreement (renewed)" in client.get("/action-items").get_data(as_text=True)


def test_the_apis_minutes_follow_every_change_at_once(app, api, committee, held_meeting):
    url = f"/api/v1/meetings/{held_meeting}/minutes"
    assert api.get(url, committee.kr_observer).status_code == 404  # not started yet
    write_minutes(app, committee, held_meeting)
    first = api.get(url, committee.kr_observer).get_json()
    assert first["next_meeting"] == "Washington, D.C., in the spring of 2027."
    with app.app_context():
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        minutes_services.set_next_meeting(get_user(committee.us_secretariat.id), minutes, "Daejeon, in 2027.")
        db.session.commit()
    assert api.get(url, committee.kr_observer).get_json()["next_meeting"] == "Daejeon, in 2027."
    assert api.get(f"/api/v1/meetings/{held_meeting + 100}/minutes", committee.kr_observer).status_code == 404
    assert api.get(url).status_code == 401


def test_a_page_reads_the_contents_version_once_however_much_it_makes_once(app, client, auth, committee,
                                                                           held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_secretariat)
    editor = f"/meetings/{held_meeting}/minutes"  # the raised items, the gaps, the owners, the header's title
    client.get(editor)
    with counting(app) as statements:
        assert client.get(editor).status_code == 200
    assert len([statement for statement in statements if "content_version" in statement]) == 1


@pytest.mark.parametrize("page", ["/meetings/{meeting}", "/meetings/{meeting}/minutes", "/meetings",
                                  "/action-items", "/api/v1/meetings"])
def test_a_reading_request_reads_the_version_before_any_of_the_content(app, client, auth, api, committee,
                                                                       held_meeting, page):
    """What it reads after is of that version or newer: nothing made from an older content is kept for a newer
    version when another process commits a change meanwhile."""
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    path = page.format(meeting=held_meeting)
    api.get(path, committee.us_delegate)  # its token made
    with counting(app) as statements:
        if path.startswith("/api/"):
            assert api.get(path, committee.us_delegate).status_code == 200
        else:
            assert client.get(path).status_code == 200
    first = next(number for number, statement in enumerate(statements) if "content_version" in statement)
    signing_in = ("sign_in_session", "api_token", '"user"', "user.", "organization")
    assert [s for s in statements[:first] if not any(name in s for name in signing_in)] == []


def test_no_part_is_ever_kept_with_a_readers_own_token_in_it(app):
    from flask_wtf.csrf import generate_csrf

    from jcm.content import kept_parts
    from jcm.web import TOKEN_PLACE, own_token_written_in

    with app.test_request_context("/meetings/1/minutes"):
        token = generate_csrf()
        parts = kept_parts(("a page", 1))
        parts.keep("made before the token's place", f'<input name="csrf_token" value="{token}">')
        assert parts.get("made before the token's place") is None
        with own_token_written_in() as written_in:
            printed = f'<input name="csrf_token" value="{generate_csrf()}">'
            assert parts.keep("made with the token's place", printed) == printed
            parts.keep("a form made earlier", f'<input name="csrf_token" value="{token}">')
            assert written_in(printed) == f'<input name="csrf_token" value="{token}">'
        assert parts.get("made with the token's place") == f'<input name="csrf_token" value="{TOKEN_PLACE}">'
        assert parts.get("a form made earlier") is None
        assert generate_csrf() == token  # the request's own again
