"""Search: a delegate new to the committee asks what was decided about the cubesat rideshare and who owes what, in
English or in Korean, and finds it across meetings — only what they may read, each result linked to its place, its
words marked in context and never run as markup."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from jcm.extensions import db
from tests.test_attachments_follow_the_record import PDF


# --- the record searched -----------------------------------------------------------------------------------------

def _secretariat(committee, side="US"):
    from jcm.accounts.services import get_user

    return get_user(committee.get(side, "secretariat").id)


def build_record(app, committee, make_meeting, make_action_item) -> dict:
    """The 12th meeting, held: an agenda item on the KASA cooperation with a paper, its minutes' record and
    progress, an action item raised there with an update; and the 11th meeting's item on hydrogen."""
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, post_update
    from jcm.meetings.attachments import add_attachment
    from jcm.meetings.services import add_agenda_item, get_agenda_item, get_meeting
    from jcm.minutes.services import open_minutes, save_progress, save_section
    from jcm.mou.models import FocusArea

    eleventh = make_meeting(ordinal=11, start_date="2025-03-10")
    twelfth = make_meeting(ordinal=12, start_date="2026-03-10")
    with app.app_context():
        us = _secretariat(committee)
        meeting = get_meeting(twelfth)
        item = add_agenda_item(us, meeting, {
            "title": "Cooperation with the Korea AeroSpace Administration",
            "title_ko": "우주항공청과의 협력",
            "description": "A Café-style briefing on the lunar CubeSat rideshare <script>alert('x')</script>",
            "description_ko": "달 탐사 큐브위성 공동 발사에 관한 브리핑"})
        db.session.flush()
        paper = add_attachment(us, get_agenda_item(item.id), "우주항공청_협력안.pdf", io.BytesIO(PDF))
        earlier = get_meeting(eleventh)
        older = add_agenda_item(us, earlier, {"title": "Hydrogen research roadmap", "title_ko": "수소 연구 로드맵"})
        meeting.status = earlier.status = "held"  # a shortcut: both meetings have been held
        minutes = open_minutes(us, meeting)
        section = next(s for s in minutes.sections if s.agenda_item_id == item.id)
        save_section(us, section, "The sides reviewed the CubeSat rideshare manifest.",
                     ["Both sides will exchange rideshare slots by June."],
                     discussion_ko="양측은 큐브위성 공동 발사 목록을 검토하였다.",
                     decisions_ko=["양측은 6월까지 공동 발사 슬롯을 교환한다."])
        area = db.session.scalar(sa.select(FocusArea.id).where(FocusArea.code == "B.4"))
        progress = save_progress(us, minutes, area, "on_track", "Quantum testbeds opened to researchers of both sides.",
                                 narrative_ko="양자 테스트베드를 양측 연구자에게 개방하였다.")
        ids = {"eleventh": eleventh, "twelfth": twelfth, "item": item.id, "older": older.id, "paper": paper.id,
               "section": section.id, "progress": progress.id, "area": area}
        db.session.commit()
    ids["action"] = make_action_item(title="Share the cubesat rideshare manifests", meeting_id=twelfth,
                                     title_ko="큐브위성 공동 발사 목록 공유",
                                     description="NASA and KASA exchange the manifests for the 2027 flights.")
    with app.app_context():
        update = post_update(get_user(committee.us_delegate.id), get_action_item(ids["action"], with_updates=True),
                             "NASA sent the draft manifest to 우주항공청.")
        db.session.commit()
        ids["update"] = update.id
    return ids


@pytest.fixture
def record(app, committee, make_meeting, make_action_item) -> dict:
    return build_record(app, committee, make_meeting, make_action_item)


def found(api, person, q: str, **params) -> dict:
    response = api.get("/api/v1/search", person, query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def kinds_and_ids(answer: dict) -> set[tuple[str, int]]:
    return {(hit["kind"], hit["id"]) for hit in answer["results"]}


# --- Hangul, English, case and accents -------------------------------------------------------------------------

def test_hangul_finds_hangul_without_the_spaces_between_words(api, committee, record):
    answer = found(api, committee.kr_delegate, "우주항공")
    assert kinds_and_ids(answer) == {("agenda_item", record["item"]), ("attachment", record["paper"]),
                                     ("action_update", record["update"])}
    assert answer["counts"]["agenda_item"] == 1 and answer["counts"]["attachment"] == 1

    # The text has a space where the query has none, and the other way round.
    assert ("action_item", record["action"]) in kinds_and_ids(found(api, committee.kr_delegate, "공동발사목록"))
    assert ("agenda_item", record["item"]) in kinds_and_ids(found(api, committee.kr_delegate, "우주 항공청"))

    # Two-syllable words, which the trigram index cannot serve alone, are found all the same.
    quantum = found(api, committee.kr_delegate, "양자")  # in the narrative, and in the quantum area's agenda item
    progress = next(hit for hit in quantum["results"] if hit["kind"] == "progress")
    assert progress["id"] == record["progress"] and quantum["counts"]["progress"] == 1
    assert progress["context_html"] == "<mark>양자</mark> 테스트베드를 양측 연구자에게 개방하였다."

    # Every word must be found, in one text.
    both = found(api, committee.kr_delegate, "큐브위성 목록")
    assert kinds_and_ids(both) == {("minutes_record", record["section"]), ("action_item", record["action"])}


def test_words_of_one_and_two_characters_find_what_holds_them(api, committee, record, make_action_item):
    """A two-syllable Korean word or a two-letter abbreviation, which the trigram index cannot serve, is found
    through the pairs of characters each text keeps — as a piece of the text, whatever the spaces, case and
    accents — and a one-syllable word beside it narrows what it found."""
    datasets = make_action_item()  # "Exchange AI-ready dataset inventories"
    reader = committee.kr_delegate

    assert kinds_and_ids(found(api, reader, "우주")) == {
        ("agenda_item", record["item"]), ("attachment", record["paper"]), ("action_update", record["update"])}
    # Across the space between two words of the text, as a longer word is.
    assert kinds_and_ids(found(api, reader, "측연")) == {("progress", record["progress"])}  # 양측 연구자
    assert found(api, reader, "연측")["total"] == 0

    ai = found(api, reader, "AI")
    assert ("action_item", datasets) in kinds_and_ids(ai)
    hit = next(hit for hit in ai["results"] if hit["id"] == datasets)
    assert hit["context_html"] == "Exchange <mark>AI</mark>-ready dataset inventories"
    assert ("agenda_item", record["item"]) in kinds_and_ids(found(api, reader, "FÉ"))  # Café-style
    assert found(api, reader, "ai")["counts"] == ai["counts"]

    # Two words of two characters must both be in one text; a word of one syllable too.
    assert kinds_and_ids(found(api, reader, "양자 테스")) == {("progress", record["progress"])}
    assert kinds_and_ids(found(api, reader, "달 탐사")) == {("agenda_item", record["item"])}
    assert kinds_and_ids(found(api, reader, "달 큐브위성")) == {("agenda_item", record["item"])}
    assert found(api, reader, "달 양자")["total"] == 0
    assert kinds_and_ids(found(api, reader, "AI x")) == {("action_item", datasets)}  # Exchange AI-…


def test_words_of_two_characters_find_only_what_the_person_may_read(api, committee, record, monkeypatch):
    from jcm import permissions

    assert found(api, committee.us_delegate, "양측")["counts"] == {
        "agenda_item": 0, "minutes_record": 1, "progress": 1, "action_item": 0, "action_update": 0, "attachment": 0,
        "side_note": 0}
    by = found(api, committee.us_delegate, "BY")  # "… rideshare slots by June", a decision
    assert by["counts"]["minutes_record"] == 1
    reads_minutes = permissions.RULES["minutes.view"]
    monkeypatch.setitem(permissions.RULES, "minutes.view",
                        lambda user, obj: user.role != "observer" and reads_minutes(user, obj))
    kept = found(api, committee.kr_observer, "양측")
    assert kept["total"] == 0 and kept["results"] == [] and "minutes_record" not in kept["counts"]
    assert found(api, committee.kr_observer, "양측", kind="progress")["results"] == []
    kept_by = found(api, committee.kr_observer, "BY")
    assert "minutes_record" not in kept_by["counts"]
    assert "minutes_record" not in {hit["kind"] for hit in kept_by["results"]}
    assert kept_by["total"] == by["total"] - by["counts"]["minutes_record"] - by["counts"]["progress"]
    assert found(api, committee.kr_observer, "우주")["total"] == 3  # what they may read, they find


def test_case_and_accents_do_not_matter(api, committee, record):
    for query in ("CAFE-STYLE", "café", "Cafe", "cubesat RIDESHARE"):
        assert ("agenda_item", record["item"]) in kinds_and_ids(found(api, committee.us_delegate, query)), query
    cafe = next(hit for hit in found(api, committee.us_delegate, "CAFE")["results"] if hit["kind"] == "agenda_item")
    start, end = cafe["highlights"][0]
    assert cafe["context"][start:end] == "Café"  # the text as written is marked, not its folded form


def test_results_are_ranked_grouped_by_kind_and_linked_to_their_place(api, committee, record, make_action_item):
    in_description = make_action_item(title="Exchange researchers", description="for the rideshare review")
    answer = found(api, committee.us_delegate, "rideshare")
    assert answer["counts"] == {"agenda_item": 1, "minutes_record": 1, "progress": 0, "action_item": 2,
                                "action_update": 0, "attachment": 0, "side_note": 0}
    assert answer["total"] == 4
    order = [(hit["kind"], hit["id"]) for hit in answer["results"]]
    # A match in a title comes before one in a decision, which comes before one in a description.
    assert order.index(("action_item", record["action"])) < order.index(("minutes_record", record["section"]))
    assert order.index(("minutes_record", record["section"])) < order.index(("action_item", in_description))
    places = {(hit["kind"], hit["id"]): hit for hit in answer["results"]}
    assert places[("agenda_item", record["item"])]["url"] == f"/meetings/{record['twelfth']}#item-{record['item']}"
    assert places[("minutes_record", record["section"])]["url"] == (
        f"/meetings/{record['twelfth']}/minutes#section-{record['section']}")
    assert places[("minutes_record", record["section"])]["field"] == "decisions"
    assert places[("action_item", record["action"])]["url"] == f"/action-items/{record['action']}"
    assert places[("action_item", record["action"])]["title"].startswith("JCM12-A01 ")
    assert places[("action_item", record["action"])]["meeting_id"] == record["twelfth"]

    only_actions = found(api, committee.us_delegate, "rideshare", kind="action_item", per_page=1)
    assert only_actions["total"] == 2 and [hit["id"] for hit in only_actions["results"]] == [record["action"]]
    second = found(api, committee.us_delegate, "rideshare", kind="action_item", per_page=1, page=2)
    assert [hit["id"] for hit in second["results"]] == [in_description]

    update = found(api, committee.us_delegate, "draft manifest")["results"]
    assert [(hit["kind"], hit["url"]) for hit in update] == [
        ("action_update", f"/action-items/{record['action']}#update-{record['update']}")]
    assert found(api, committee.us_delegate, "JCM12-A01")["results"][0]["id"] == record["action"]


def test_a_reader_of_korean_is_shown_the_korean_match_when_both_match(api, app, committee, record):
    from jcm.accounts.models import User

    with app.app_context():
        db.session.get(User, committee.kr_delegate.id).locale = "ko"
        db.session.commit()
    hit = next(hit for hit in found(api, committee.kr_delegate, "JCM12-A01")["results"])
    assert hit["title"] == "JCM12-A01 큐브위성 공동 발사 목록 공유"
    paper = found(api, committee.kr_delegate, "협력안")["results"][0]
    assert paper["kind"] == "attachment" and paper["language"] == "ko" and paper["meeting"] == "제12차 공동위원회"


# --- the page ------------------------------------------------------------------------------------------------

def test_the_search_page_groups_results_with_counts_and_never_runs_stored_markup(client, auth, committee, record):
    auth.login(committee.us_delegate)
    home = client.get("/meetings").get_data(as_text=True)
    assert 'href="/search"' in home  # linked from the navigation
    assert client.get("/search").status_code == 200
    page = client.get("/search?q=briefing")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Agenda items (1)" in html and f'href="/meetings/{record["twelfth"]}#item-{record["item"]}"' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "<mark>briefing</mark>" in html
    script = client.get("/search?q=script+alert").get_data(as_text=True)
    assert "<mark>script</mark>&gt;<mark>alert</mark>" in script


def test_the_page_shows_the_first_of_each_kind_and_pages_through_one_kind(app, client, auth, committee,
                                                                           make_action_item):
    app.config["PAGE_SIZE"] = 2
    for n in range(7):
        make_action_item(title=f"Hydrogen safety study {n}")
    auth.login(committee.kr_observer)
    overview = client.get("/search?q=hydrogen").get_data(as_text=True)
    assert overview.count('class="search-hit"') == 5 and "All 7: Action items" in overview
    first = client.get("/search?q=hydrogen&kind=action_item").get_data(as_text=True)
    assert first.count('class="search-hit"') == 2 and "Page 1 of 4" in first
    last = client.get("/search?q=hydrogen&kind=action_item&page=4").get_data(as_text=True)
    assert last.count('class="search-hit"') == 1


def test_the_page_speaks_korean(app, client, auth, committee, record):
    from jcm.accounts.models import User

    with app.app_context():
        db.session.get(User, committee.kr_secretariat.id).locale = "ko"
        db.session.commit()
    auth.login(committee.kr_secretariat)
    html = client.get("/search?q=우주항공").get_data(as_text=True)
    assert "검색 결과" in html and "의제 항목 (1)" in html and "자료 (1)" in html
    assert "우주항공청과의 협력" in html and "<mark>우주항공</mark>청과의 협력" in html
    empty = client.get("/search?q=").get_data(as_text=True)
    assert "<h1>검색</h1>" in empty


# --- permissions ---------------------------------------------------------------------------------------------------

def test_an_observer_finds_what_they_may_read_and_nothing_they_may_not(app, api, client, auth, committee, record,
                                                                       monkeypatch):
    """Observers read every agenda, minutes, action item and paper of the committee (jcm.permissions): they find
    them all, on both sides. What the rules keep from a person is neither listed nor counted — shown here by the
    rules keeping the minutes from observers — and a deactivated account finds nothing."""
    from jcm import permissions

    everything = found(api, committee.us_observer, "rideshare")
    assert everything["counts"]["minutes_record"] == 1 and everything["counts"]["action_item"] == 1

    reads_minutes = permissions.RULES["minutes.view"]
    monkeypatch.setitem(permissions.RULES, "minutes.view",
                        lambda user, obj: user.role != "observer" and reads_minutes(user, obj))
    kept = found(api, committee.us_observer, "rideshare")
    assert "minutes_record" not in kept["counts"] and "progress" not in kept["counts"]
    assert kept["total"] == 2 and {hit["kind"] for hit in kept["results"]} == {"agenda_item", "action_item"}
    assert found(api, committee.us_observer, "테스트베드를")["total"] == 0
    assert found(api, committee.us_observer, "rideshare", kind="minutes_record")["results"] == []
    auth.login(committee.us_observer)
    page = client.get("/search?q=rideshare").get_data(as_text=True)
    assert "reviewed the CubeSat" not in page and "Minutes: discussions and decisions" not in page
    assert found(api, committee.us_delegate, "rideshare")["counts"]["minutes_record"] == 1  # others still do

    from jcm.accounts.models import User

    with app.app_context():
        db.session.get(User, committee.kr_observer.id).active = False
        db.session.commit()
    assert api.get("/api/v1/search?q=rideshare", committee.kr_observer).status_code == 401


def test_a_visitor_who_is_not_signed_in_is_asked_to(client, api, record):
    assert client.get("/search?q=rideshare").status_code in (302, 303)
    assert api.get("/api/v1/search?q=rideshare").status_code == 401


# --- kept current ------------------------------------------------------------------------------------------------

def test_the_index_follows_every_change(app, api, committee, record, make_meeting):
    from jcm.actions.services import get_action_item, update_action_item
    from jcm.meetings.attachments import delete_attachment, get_attachment
    from jcm.meetings.services import (add_agenda_item, delete_agenda_item, delete_meeting, get_agenda_item,
                                       get_meeting)

    reader = committee.kr_delegate
    with app.app_context():
        item = get_action_item(record["action"])
        update_action_item(_secretariat(committee), item, {"title": "Share the lunar lander manifests"})
        db.session.commit()
    assert found(api, reader, "lunar lander")["counts"]["action_item"] == 1
    assert ("action_item", record["action"]) not in kinds_and_ids(found(api, reader, "cubesat rideshare manifests"))

    with app.app_context():
        delete_attachment(_secretariat(committee), get_attachment(record["paper"]))
        db.session.commit()
    assert found(api, reader, "협력안")["total"] == 0

    planned = make_meeting(ordinal=13, start_date="2027-03-10")
    with app.app_context():
        added = add_agenda_item(_secretariat(committee), get_meeting(planned), {"title": "Geothermal pilots"})
        db.session.commit()
        added_id = added.id
    assert found(api, reader, "geothermal")["total"] == 1
    with app.app_context():
        delete_agenda_item(_secretariat(committee), get_agenda_item(added_id))
        db.session.commit()
    assert found(api, reader, "geothermal")["total"] == 0

    with app.app_context():
        add_agenda_item(_secretariat(committee), get_meeting(planned), {"title": "Tidal energy pilots"})
        db.session.commit()
    assert found(api, reader, "tidal")["total"] == 1
    with app.app_context():  # deleting a meeting deletes everything under it in the database itself
        meeting = get_meeting(planned)
        meeting.host_side = "US"
        delete_meeting(_secretariat(committee), meeting)
        db.session.commit()
    assert found(api, reader, "tidal")["total"] == 0


def test_jcm_search_reindex_rebuilds_the_index(app, api, runner, committee, record):
    from jcm.search.models import SearchEntry

    with app.app_context():  # as after a bulk load, written past the services
        before = db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))
        db.session.execute(sa.delete(SearchEntry))
        db.session.commit()
    assert found(api, committee.us_delegate, "rideshare")["total"] == 0
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Indexed ") and "1 action item, 1 action update, 1 attachment, 0 side note." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry)) == before
    assert found(api, committee.us_delegate, "rideshare")["total"] == 3


# --- bad input -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, message", [
    ("", "Type a word or two to search for."),
    ("   ", "Type a word or two to search for."),
    ("x" * 10_000, "The search text may be at most 200 characters."),
    ('"', "quotes, brackets and other signs alone find nothing"),
    ("*", "quotes, brackets and other signs alone find nothing"),
    ("-", "quotes, brackets and other signs alone find nothing"),
    ("( ) \" ' *", "quotes, brackets and other signs alone find nothing"),
    ("a", "Type at least two letters or syllables"),
    ("a b c", "Type at least two letters or syllables"),
    ("우", "Type at least two letters or syllables"),
    (" ".join(f"w{n}" for n in range(13)), "Search for at most 12 words at a time."),
])
def test_a_query_that_cannot_be_searched_is_refused_clearly(api, client, auth, committee, record, query, message):
    response = api.get("/api/v1/search", committee.us_delegate, query_string={"q": query})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert message in error["message"] and error.get("field") == "q"
    auth.login(committee.us_delegate)
    page = client.get("/search", query_string={"q": query})
    if query.strip():
        assert page.status_code == 422 and message.replace("'", "&#39;") in page.get_data(as_text=True)
    else:
        assert page.status_code == 200  # the empty form


@pytest.mark.parametrize("query", [
    'quantum NEAR testbeds', 'NEAR(quantum testbeds)', '"quantum testbeds', 'quantum" OR "x', '(quantum',
    'quantum)', '-quantum', 'quantum*', 'narrative:quantum', '^quantum', 'quantum AND NOT testbeds',
    "quantum'; DROP TABLE search_entry; --", "quantum%", "quantum_", "quantum\\",
])
def test_query_syntax_is_taken_as_words_never_as_syntax(app, api, committee, record, query):
    response = api.get("/api/v1/search", committee.us_delegate, query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM search_entry")) > 0
    answer = response.get_json()
    for hit in answer["results"]:  # each found for the word itself, marked where it stands
        assert [hit["context"][start:end].lower() for start, end in hit["highlights"]][:1] == ["quantum"], hit


def test_the_words_of_a_query_are_found_as_written(api, committee, record, make_action_item):
    make_action_item(title="Model the 100% renewable grid_2030 scenario (draft)")
    assert found(api, committee.us_delegate, '"quantum testbeds')["counts"]["progress"] == 1  # quotes are not words
    assert found(api, committee.us_delegate, "100% renewable")["counts"]["action_item"] == 1
    assert found(api, committee.us_delegate, "100%renewable")["counts"]["action_item"] == 1
    assert found(api, committee.us_delegate, "100%grid")["counts"]["action_item"] == 0  # % is no wildcard
    assert found(api, committee.us_delegate, "grid_2030")["counts"]["action_item"] == 1
    assert found(api, committee.us_delegate, "grid-2030")["counts"]["action_item"] == 0  # _ is not a wildcard
    assert found(api, committee.us_delegate, "NEAR")["total"] == 0


@pytest.mark.parametrize("params", [{"kind": "meeting"}, {"page": 0}, {"per_page": 1000}, {"sort": "x"}, {}])
def test_bad_arguments_are_refused_naming_them(api, committee, record, params):
    query = {"q": "rideshare", **params} if params else {}
    response = api.get("/api/v1/search", committee.us_delegate, query_string=query)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["message"]


def test_a_bad_page_or_kind_on_the_page_is_a_clear_422(client, auth, committee, record):
    auth.login(committee.us_delegate)
    response = client.get("/search?q=rideshare&kind=meeting")
    assert response.status_code == 422 and "Search in one of" in response.get_data(as_text=True)
    response = client.get("/search?q=rideshare&page=99999999999")
    assert response.status_code == 422 and "There is no such page of results." in response.get_data(as_text=True)


# --- a database upgraded or restored ----------------------------------------------------------------------------

def test_jcm_init_builds_the_index_of_a_database_upgraded_with_its_records(app, api, runner, committee, record):
    from jcm.search.models import SearchEntry

    with app.app_context():  # as a database upgraded past the search's migration holds its records, no entries
        db.session.execute(sa.delete(SearchEntry))
        db.session.commit()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Built the search index of" in first.output
    assert found(api, committee.kr_delegate, "우주항공")["total"] == 3
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "Built the search index" not in again.output


def test_the_entries_of_a_database_upgraded_past_the_pairs_migration_get_their_pairs(empty_database, tmp_path):
    """An index built before the pairs of characters were kept (migration 0018) gets them from its folded texts
    when it is upgraded, and its two-character words are then found through their index."""
    from flask_migrate import upgrade

    from jcm import create_app
    from tests.conftest import app_config, close_database

    app = create_app(app_config(empty_database(), tmp_path))
    try:
        with app.app_context():
            upgrade(revision="0015")
            db.session.execute(sa.text(
                "INSERT INTO search_entry (kind, object_id, field, language, weight, text, folded) "
                "VALUES ('attachment', 7, 'filename', 'ko', 3, '우주항공청 협력안.pdf', "
                "'우주항공청협력안.pdf')"))
            db.session.commit()
            upgrade()
            assert db.session.scalar(sa.text("SELECT grams FROM search_entry")).split() == [
                "우주", "주항", "항공", "공청", "청협", "협력", "력안", "pd", "df"]  # none with the dot
            if db.engine.dialect.name == "sqlite":
                look_up = "SELECT rowid FROM search_grams WHERE search_grams MATCH '\"항공\"'"
            else:
                look_up = "SELECT id FROM search_entry WHERE string_to_array(grams, ' ') @> ARRAY['항공']"
            assert db.session.scalars(sa.text(look_up)).all() == [1]
    finally:
        close_database(app)


def test_a_restored_instance_finds_what_the_old_one_found(app, api, committee, record, tmp_path):
    """Restored into the embedded database, whatever the database the archive came from."""
    from jcm import create_app
    from tests.conftest import app_config, close_database
    from tests.test_backup import back_up, restore_into

    token = api.token(committee.kr_delegate)
    path = tmp_path / "jcm.zip"
    back_up(app, path)
    restored = create_app(app_config(f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored"))
    try:
        result = restore_into(restored, path)
        assert result.exit_code == 0, result.output
        answer = restored.test_client().get("/api/v1/search?q=우주항공",
                                            headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.get_json()["total"] == 3
    finally:
        close_database(restored)


# --- what a search costs ---------------------------------------------------------------------------------------------

def _search_statement(app, api, person, q: str) -> tuple[str, object]:
    """The statement a search by `person` runs over the index, and its parameters, as the database received them."""
    seen = []

    def keep(_connection, _cursor, statement, parameters, _context, _many):
        if "search_entry" in statement:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        found(api, person, q)
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    assert len(seen) == 1, seen
    return seen[0]


def test_a_word_of_two_characters_is_looked_up_in_an_index_not_read_from_every_text(app, api, committee, record):
    """As the database plans the search's statement: a two-syllable word (and a two-letter one) is looked up in the
    index of the texts' pairs of characters — on SQLite the FTS5 table search_grams, on PostgreSQL the GIN index on
    their array (chosen here over a table this small once it may not read the whole table) — and no text is read
    but those it finds."""
    from tests.conftest import postgres_server_url

    for q in ("우주", "AI", "달 탐사"):
        statement, parameters = _search_statement(app, api, committee.us_delegate, q)
        with app.app_context():
            connection = db.engine.raw_connection()
            try:
                cursor = connection.cursor()
                if postgres_server_url():  # planned from the statistics of the index's arrays, as at scale
                    cursor.execute("ANALYZE search_entry")
                    cursor.execute("SET enable_seqscan = off")
                    cursor.execute("EXPLAIN " + statement, parameters)
                    plan = [row[0] for row in cursor.fetchall()]
                    assert any("Bitmap Index Scan on ix_search_entry_grams" in line for line in plan), plan
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                    plan = [row[-1] for row in cursor.fetchall()]
                    assert any(line.startswith("SCAN search_grams VIRTUAL TABLE") for line in plan), plan
                    assert "SCAN search_entry" not in plan, plan
            finally:
                connection.rollback()
                connection.close()


def test_a_search_costs_the_same_statements_whatever_it_finds(app, client, auth, api, committee, make_meeting,
                                                              make_action_item):
    """The page and the API, over all kinds and one kind's third page, cost as many statements when they find one
    record of one kind (and an empty third page) as when they find every kind and a full third page."""
    from tests.test_query_counts import counting

    app.config["PAGE_SIZE"] = 2
    paths = ["/search?q=우주", "/search?q=rideshare", "/search?q=우주&kind=action_item&page=3",
             "/search?q=rideshare&kind=action_item&page=3"]
    api_paths = ["/api/v1/search?q=우주", "/api/v1/search?q=rideshare&kind=action_item&page=3&per_page=2"]
    make_action_item(title="Rideshare survey of 우주 launches")
    auth.login(committee.us_delegate)
    api.get(api_paths[0], committee.us_delegate)  # the token made and first used

    def statements() -> list[int]:
        counts = []
        for path in paths:
            with counting(app) as seen:
                assert client.get(path).status_code == 200
            counts.append(len(seen))
        for path in api_paths:
            with counting(app) as seen:
                assert api.get(path, committee.us_delegate).status_code == 200
            counts.append(len(seen))
        return counts

    few = statements()
    build_record(app, committee, make_meeting, make_action_item)
    for n in range(6):
        make_action_item(title=f"Rideshare survey of 우주 launches {n}")
    assert found(api, committee.us_delegate, "우주")["counts"] == {
        "agenda_item": 1, "minutes_record": 0, "progress": 0, "action_item": 7, "action_update": 1, "attachment": 1,
        "side_note": 0}
    assert len(found(api, committee.us_delegate, "rideshare", kind="action_item", page=3, per_page=2)["results"]) == 2
    assert statements() == few
