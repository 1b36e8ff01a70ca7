"""A delegate with many action items: "My action items" shows what needs attention first — the overdue, then what
falls due within the reminder window — with the counts, and the rest a page at a time; each item keeps its update
form."""

import re
from datetime import date, timedelta

import pytest

from jcm.actions import services
from jcm.extensions import db
from tests.conftest import post_form


def refs_on(page: str) -> list[str]:
    return re.findall(r'<a href="/action-items/\d+">(JCM[\w-]+)</a>', page)


def counts_on(page: str) -> dict[str, str]:
    counts = page[page.index('<dl class="counts">'):page.index("</dl>")]
    return dict(re.findall(r"<dt>(.*?)</dt><dd[^>]*>(\d+)</dd>", counts))


def groups_on(page: str) -> list[tuple[str, list[str]]]:
    """The headed groups of cards on a page, in order, each with its references."""
    parts = re.split(r'<h2 class="list-group">(.*?)</h2>', page)
    return [(heading, refs_on(cards)) for heading, cards in zip(parts[1::2], parts[2::2])]


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


@pytest.fixture
def many(app, committee, make_action_item):
    """The Korean delegate owns ten open action items (one through their agency, NRF) and one finished: three
    overdue, two due within the next two weeks, five later. Pages hold four."""
    app.config["PAGE_SIZE"] = 4
    dues = {"overdue long ago": -400, "overdue last month": -30, "overdue yesterday": -1, "due today": 0,
            "due in ten days": 10, "due in three weeks": 21, "due in two months": 60, "due next year": 365,
            "due in two years": 730, "due in three years": 1095}
    refs = {}
    with app.app_context():
        from sqlalchemy import select

        from jcm.accounts.models import Organization

        nrf = db.session.scalar(select(Organization.id).where(Organization.acronym == "NRF"))
    for title, offset in dues.items():
        owners = {"US": [{"user_id": committee.us_delegate.id}],
                  "KR": [{"organization_id": nrf} if title == "due in two months" else {"user_id": committee.kr_delegate.id}]}
        item_id = make_action_item(title=f"Action {title}", due_date=days(offset), owners=owners)
        with app.app_context():
            refs[title] = services.get_action_item(item_id).ref
    make_action_item(title="Finished long ago", due_date=days(-500), status="done")
    return refs


def test_a_delegate_with_many_items_sees_the_overdue_first_with_the_counts_and_the_rest_page_by_page(
        client, auth, committee, many):
    auth.login(committee.kr_delegate)
    first = client.get("/my-action-items")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert counts_on(page) == {"Overdue": "3", "Due within 14 days": "2", "Open": "10"}
    # the most overdue first, then what falls due soon, under headings that say so
    assert groups_on(page) == [("Overdue", [many["overdue long ago"], many["overdue last month"],
                                            many["overdue yesterday"]]),
                               ("Due within 14 days", [many["due today"]])]
    assert "Finished long ago" not in page
    assert "Page 1 of 3" in page and 'href="/my-action-items?page=2"' in page

    second = client.get("/my-action-items?page=2").get_data(as_text=True)
    assert counts_on(second) == counts_on(page)  # the counts are of all of them, on every page
    assert groups_on(second) == [("Due within 14 days", [many["due in ten days"]]),
                                 ("Due later", [many["due in three weeks"], many["due in two months"],
                                                many["due next year"]])]
    third = client.get("/my-action-items?page=3").get_data(as_text=True)
    assert refs_on(third) == [many["due in two years"], many["due in three years"]]
    assert "Page 3 of 3" in third and 'href="/my-action-items?page=2"' in third
    # every item once, in the order of the default sort
    assert refs_on(page) + refs_on(second) + refs_on(third) == list(many.values())


def test_each_item_shown_keeps_its_own_update_form(client, auth, committee, many):
    auth.login(committee.kr_delegate)
    page = client.get("/my-action-items").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/action-items/(\d+)/updates".*?</form>', page, flags=re.S)
    assert len(forms) == 4
    for form in re.findall(r'<form method="post" action="/action-items/\d+/updates".*?</form>', page, flags=re.S):
        item_id = re.search(r"/action-items/(\d+)/", form).group(1)
        assert 'name="csrf_token" type="hidden" value="' in form and '<input type="hidden" name="next" value="mine">' in form
        # a label for each field, tied to that item's field alone, and naming the item (read, not shown)
        ref = re.search(r'<span class="visually-hidden"> · (JCM-[A-Z0-9]+)</span></label>', form).group(1)
        assert f'<label for="text-{item_id}">What has happened<span class="visually-hidden"> · {ref}</span></label>' in form
        assert f'<label for="status-{item_id}">Status<span class="visually-hidden"> · {ref}</span></label>' in form
        assert f'<select id="status-{item_id}" name="status"><option value="">— unchanged —</option>' in form


def test_search_and_sort_are_kept_from_page_to_page(client, auth, committee, many):
    auth.login(committee.kr_delegate)
    page = client.get("/my-action-items", query_string={"q": "due in", "sort": "title"}).get_data(as_text=True)
    assert counts_on(page) == {"Overdue": "0", "Due within 14 days": "1", "Open": "5"}  # of those found
    assert "Page 1 of 2" in page and 'href="/my-action-items?page=2&amp;q=due+in&amp;sort=title"' in page
    assert '<h2 class="list-group">' not in page  # by title: no groups by due date
    second = client.get("/my-action-items", query_string={"q": "due in", "sort": "title", "page": "2"})
    titles = sorted(title for title in many if title.startswith("due in"))
    assert refs_on(page) + refs_on(second.get_data(as_text=True)) == [many[title] for title in titles]


@pytest.mark.parametrize("page, status, message", [
    ("9", 404, "There is no page 9: these action items fill 3 pages."),
    ("0", 404, "There is no page 0: these action items fill 3 pages."),
    ("-2", 404, "There is no page -2: these action items fill 3 pages."),
    ("two", 422, "page must be a whole number."),
    ("99999999999999999999", 422, "page is out of range."),
])
def test_a_page_that_is_not_there_is_answered_clearly_with_the_first(client, auth, committee, many, page, status,
                                                                     message):
    auth.login(committee.kr_delegate)
    response = client.get(f"/my-action-items?page={page}")
    assert response.status_code == status
    shown = response.get_data(as_text=True)
    assert f'<p class="flash flash--error" role="alert">{message}</p>' in shown
    assert refs_on(shown)[0] == many["overdue long ago"] and "Page 1 of 3" in shown


def test_a_delegate_with_nothing_open_is_told_so_on_the_one_page(client, auth, committee, many):
    auth.login(committee.us_observer)  # owns nothing
    page = client.get("/my-action-items").get_data(as_text=True)
    assert counts_on(page) == {"Overdue": "0", "Due within 14 days": "0", "Open": "0"}
    assert "You have no open action items." in page and 'class="pager"' not in page


def test_an_update_posted_from_a_later_page_comes_back_to_that_page(app, client, auth, committee, many):
    auth.login(committee.kr_delegate)
    later = client.get("/my-action-items?page=2&sort=title").get_data(as_text=True)
    assert '<input type="hidden" name="page" value="2"><input type="hidden" name="sort" value="title">' in later
    item_id = re.search(r'action="/action-items/(\d+)/updates"', later).group(1)
    back = {"next": "mine", "page": "2", "sort": "title"}
    # refused: the page is shown again with the reason beside that item, the text kept
    refused = post_form(client, f"/action-items/{item_id}/updates", {**back, "text": "", "status": "done"},
                        page="/my-action-items?page=2&sort=title")
    assert refused.status_code == 422
    shown = refused.get_data(as_text=True)
    assert "Page 2 of 3" in shown and "This field is required." in shown
    assert shown.index(f'id="action-{item_id}"') < shown.index("This field is required.")
    # saved: back on the same page, with the same sort
    saved = post_form(client, f"/action-items/{item_id}/updates", {**back, "text": "Sent to NSF.", "status": ""},
                      page="/my-action-items?page=2&sort=title")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/my-action-items?page=2&sort=title")
    with app.app_context():
        assert services.get_action_item(int(item_id), with_updates=True).updates[-1].text == "Sent to NSF."


def test_finishing_the_only_item_of_the_last_page_comes_back_to_the_page_before(app, client, auth, committee, many):
    auth.login(committee.kr_delegate)
    app.config["PAGE_SIZE"] = 3  # ten items: the tenth alone on page 4
    last = client.get("/my-action-items?page=4").get_data(as_text=True)
    assert refs_on(last) == [many["due in three years"]]
    item_id = re.search(r'action="/action-items/(\d+)/updates"', last).group(1)
    saved = post_form(client, f"/action-items/{item_id}/updates",
                      {"next": "mine", "page": "4", "text": "Done.", "status": "done"}, page="/my-action-items?page=4")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/my-action-items?page=3")


def test_the_update_form_still_needs_its_security_token(app, client, auth, committee, many):
    auth.login(committee.kr_delegate)
    page = client.get("/my-action-items").get_data(as_text=True)
    item_id = int(re.search(r'action="/action-items/(\d+)/updates"', page).group(1))
    response = client.post(f"/action-items/{item_id}/updates", data={"next": "mine", "text": "No token."})
    assert response.status_code in (302, 400)
    with app.app_context():
        assert services.get_action_item(item_id, with_updates=True).updates == []
