"""A meeting to which many action items are carried over: its review shows them a page at a time, in the order of
the MOU's areas, says how many have been reviewed, and brings the secretariat back to the page they were on."""

import re

import pytest
from sqlalchemy import event

from jcm.extensions import db
from tests.conftest import post_form

AREAS = ["A.1", "B.4", "A.1", "B.6.2", "A.3", "B.4", "A.1"]  # raised out of the MOU's order


@pytest.fixture
def carried(app, make_meeting, make_action_item):
    """Seven items of the eleventh meeting carried over to the twelfth, being held; pages hold three."""
    app.config["PAGE_SIZE"] = 3
    eleventh = make_meeting(ordinal=11, start_date="2026-03-10")
    twelfth = make_meeting(ordinal=12, start_date="2027-03-10", status="held")
    items = [make_action_item(meeting_id=eleventh, title=f"Carried item {n}", focus_area=code, due_date="2026-09-30")
             for n, code in enumerate(AREAS, start=1)]
    return twelfth, items


def review_of(page: str) -> str:
    return page[page.index('id="action-review"'):page.index('id="new-actions"')]


def titles_in(review: str) -> list[str]:
    return re.findall(r"<td>(Carried item \d)</td>", review)


def test_the_review_shows_the_carried_items_a_page_at_a_time_in_the_mous_order(client, auth, committee, carried):
    twelfth, _items = carried
    auth.login(committee.kr_delegate)
    pages = [review_of(client.get(f"/meetings/{twelfth}?page={n}").get_data(as_text=True)) for n in (1, 2, 3)]
    shown = [titles_in(review) for review in pages]
    assert [len(titles) for titles in shown] == [3, 3, 1]
    assert shown[0] == ["Carried item 1", "Carried item 3", "Carried item 7"]  # A.1 first, in the order raised
    assert sorted(sum(shown, [])) == sorted(f"Carried item {n}" for n in range(1, 8))  # each once
    assert "Page 1 of 3" in pages[0] and f'href="/meetings/{twelfth}?page=2#action-review"' in pages[0]
    assert "0 of 7 reviewed at this meeting." in pages[0]


def test_a_page_that_is_not_there_shows_the_nearest(client, auth, committee, carried):
    twelfth, _items = carried
    auth.login(committee.us_observer)
    for asked, expected in (("99", "Page 3 of 3"), ("0", "Page 1 of 3"), ("two", "Page 1 of 3")):
        response = client.get(f"/meetings/{twelfth}?page={asked}")
        assert response.status_code == 200 and expected in review_of(response.get_data(as_text=True))


def test_recording_an_outcome_on_the_second_page_comes_back_to_it(app, client, auth, committee, carried):
    twelfth, items = carried
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{twelfth}?page=2").get_data(as_text=True)
    second = titles_in(review_of(page))[0]
    item_id = items[int(second.rsplit(" ", 1)[1]) - 1]
    assert '<input type="hidden" name="page" value="2">' in review_of(page)
    response = post_form(client, f"/meetings/{twelfth}/reviews",
                         {"action_item_id": str(item_id), "outcome": "dropped", "new_due_date": "", "note": "",
                          "page": "2"}, page=f"/meetings/{twelfth}?page=2")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{twelfth}?page=2#action-review")
    after = client.get(f"/meetings/{twelfth}?page=2").get_data(as_text=True)
    assert "1 of 7 reviewed at this meeting." in after
    assert second in titles_in(review_of(after))  # a reviewed item stays in the review, with its outcome


def test_a_meeting_page_takes_the_same_statements_whatever_is_carried_over(app, client, auth, committee, carried,
                                                                             make_action_item, make_meeting):
    twelfth, _items = carried
    auth.login(committee.us_secretariat)

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/meetings/{twelfth}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    before = statements()
    for n in range(8):
        make_action_item(title=f"More carried {n}", focus_area="A.3", due_date="2026-10-30")
    assert statements() == before
