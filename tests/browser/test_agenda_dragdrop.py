"""Reordering the agenda in a real browser: drag and drop, the keyboard, and the no-JavaScript buttons.

Set JCM_BROWSER_SCREENSHOT=/tmp/agenda-dnd.png to keep a picture of the agenda in the middle of a drag.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings import services
from tests.browser.conftest import sign_in
from tests.conftest import complete_both_texts

pytestmark = pytest.mark.browser

OPENING = "Opening remarks by the co-chairs"
ADOPTION = "Adoption of the agenda"
CLOSING = "Closing remarks"


def stored_titles(app, meeting_id: int) -> list[str]:
    with app.app_context():
        return [item.title for item in services.get_meeting(meeting_id, with_agenda=True).items]


def item_ids(app, meeting_id: int) -> dict[str, int]:
    with app.app_context():
        return {item.title: item.id for item in services.get_meeting(meeting_id, with_agenda=True).items}


def shown_ids(page) -> list[int]:
    return [int(i) for i in page.locator("tbody.agenda-sortable tr[data-item-id]").evaluate_all(
        "rows => rows.map(row => row.dataset.itemId)")]


def open_meeting(page, meeting_id: int) -> None:
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the script has run


def drag(page, source, target, *, above: bool) -> None:
    """Real mouse input: press on the handle, move in steps, release over the target row's upper or lower part."""
    target.evaluate("row => row.scrollIntoView({block: 'start'})")  # both rows in view (the viewport is tall)
    start = source.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    box = target.bounding_box()
    y = box["y"] + (box["height"] * 0.25 if above else box["height"] * 0.75)
    page.mouse.move(box["x"] + 40, y, steps=8)
    # Chromium reports a drag position with the next mouse event: linger a little, as a hand does.
    page.mouse.move(box["x"] + 42, y)
    page.mouse.move(box["x"] + 44, y)
    expect(target).to_have_class(re.compile(r"\bdrop-before\b" if above else r"\bdrop-after\b"))
    expect(source.locator("xpath=ancestor::tr")).to_have_class(re.compile(r"\bis-dragging\b"))
    if os.environ.get("JCM_BROWSER_SCREENSHOT"):
        page.screenshot(path=os.environ["JCM_BROWSER_SCREENSHOT"])  # the viewport: no scrolling mid-drag
    page.mouse.up()


def test_dragging_a_row_saves_the_new_order_and_shows_the_new_times(app, page, committee, make_meeting):
    meeting_id = make_meeting()
    ids = item_ids(app, meeting_id)
    sign_in(page, committee.us_secretariat)
    open_meeting(page, meeting_id)
    closing, opening = page.locator(f"#item-{ids[CLOSING]}"), page.locator(f"#item-{ids[OPENING]}")
    expect(closing.locator(".js-start")).not_to_have_text("09:00")
    page.evaluate("window.stillTheSamePage = true")

    drag(page, closing.locator(".drag-handle"), opening, above=True)

    expect(page.locator("[aria-live=polite]")).to_have_text("Saved")
    titles = stored_titles(app, meeting_id)
    assert titles[:2] == [CLOSING, OPENING] and len(titles) == len(ids)
    assert shown_ids(page) == [ids[title] for title in titles]
    expect(closing.locator(".js-start")).to_have_text("09:00")
    expect(closing.locator(".js-end")).to_have_text("09:10")
    expect(closing.locator(".js-number")).to_have_text("1")
    expect(opening.locator(".js-start")).to_have_text("09:10")
    expect(opening.locator(".js-number")).to_have_text("2")
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"
    expect(page.locator(".drop-before, .drop-after, .is-dragging")).to_have_count(0)

    page.reload()
    assert shown_ids(page) == [ids[title] for title in titles]
    expect(closing.locator(".js-start")).to_have_text("09:00")
    expect(opening.locator(".js-start")).to_have_text("09:10")


def test_alt_arrow_down_on_a_handle_moves_the_item_and_saves(app, page, committee, make_meeting):
    meeting_id = make_meeting()
    ids = item_ids(app, meeting_id)
    sign_in(page, committee.us_secretariat)
    open_meeting(page, meeting_id)
    handle = page.get_by_role("button", name=f"Move {OPENING}")
    expect(handle).to_have_attribute("tabindex", "0")

    handle.focus()
    page.keyboard.press("Alt+ArrowDown")

    expect(page.locator("[aria-live=polite]")).to_have_text("Saved")
    assert stored_titles(app, meeting_id)[:3] == [ADOPTION, OPENING, "Review of action items from previous meetings"]
    expect(handle).to_be_focused()  # the keyboard user stays where they were
    expect(page.locator(f"#item-{ids[ADOPTION]} .js-start")).to_have_text("09:00")
    expect(page.locator(f"#item-{ids[OPENING]} .js-start")).to_have_text("09:05")
    expect(page.locator(f"#item-{ids[OPENING]} .js-number")).to_have_text("2")

    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator(f"#item-{ids[OPENING]} .js-start")).to_have_text("09:00")
    assert stored_titles(app, meeting_id)[:2] == [OPENING, ADOPTION]


def test_without_javascript_the_up_button_moves_an_item(app, new_context, committee, make_meeting):
    meeting_id = make_meeting()
    ids = item_ids(app, meeting_id)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, committee.us_secretariat)
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("#drag-help")).to_be_hidden()  # it speaks of dragging: only shown with the script

    with page.expect_navigation():
        page.get_by_role("button", name=f"Move up: {ADOPTION}").click()

    assert stored_titles(app, meeting_id)[:2] == [ADOPTION, OPENING]
    assert shown_ids(page)[:2] == [ids[ADOPTION], ids[OPENING]]
    expect(page.locator(f"#item-{ids[ADOPTION]} .js-start")).to_have_text("09:00")


def test_a_refused_order_puts_the_rows_back_and_says_why_in_korean(app, new_context, committee, make_meeting):
    meeting_id = make_meeting()
    ids = item_ids(app, meeting_id)
    page = new_context(locale="ko-KR").new_page()
    sign_in(page, committee.kr_secretariat)
    open_meeting(page, meeting_id)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    before = shown_ids(page)
    with app.app_context():  # meanwhile, the other secretariat removes an item: the page's list is out of date
        services.delete_agenda_item(get_user(committee.us_secretariat.id), services.get_agenda_item(ids[ADOPTION]))
        db.session.commit()

    page.locator(f"#item-{ids[OPENING]} .drag-handle").focus()
    page.keyboard.press("Alt+ArrowDown")

    message = page.locator("[aria-live=polite]")
    expect(message).to_contain_text("새 순서를 저장하지 못했습니다")
    expect(message).to_be_visible()
    assert shown_ids(page) == before
    assert stored_titles(app, meeting_id)[0] == OPENING


def test_the_header_navigation_is_open_on_wide_screens_only(page, committee):
    sign_in(page, committee.us_secretariat)
    menu = page.locator("details.nav-toggle")
    expect(menu).to_have_attribute("open", "")
    expect(page.locator(".site-nav a").first).to_be_visible()
    page.set_viewport_size({"width": 480, "height": 800})
    expect(menu).not_to_have_attribute("open", "")
    expect(page.locator(".site-nav a").first).to_be_hidden()
    page.set_viewport_size({"width": 1024, "height": 800})
    expect(menu).to_have_attribute("open", "")


def test_moving_an_item_of_an_agreed_agenda_says_both_sides_must_agree_again(app, page, committee, make_meeting):
    from jcm.accounts.services import get_user
    from jcm.extensions import db
    from jcm.meetings import services

    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        meeting = services.get_meeting(meeting_id)
        services.agree_agenda(get_user(committee.us_secretariat.id), meeting)
        services.agree_agenda(get_user(committee.kr_secretariat.id), meeting)
        db.session.commit()
    sign_in(page, committee.us_secretariat)
    open_meeting(page, meeting_id)
    expect(page.locator(".agreed-banner")).to_be_visible()
    page.get_by_role("button", name=f"Move {OPENING}").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(".js-version-note")).to_contain_text("version 2 of the agenda")
    expect(page.locator(".agreed-banner")).to_be_hidden()
    with app.app_context():
        assert services.get_meeting(meeting_id).agenda_version == 2


def test_a_move_made_while_the_last_one_is_being_saved_is_saved_after_it(app, page, committee, make_meeting):
    meeting_id = make_meeting()
    ids = item_ids(app, meeting_id)
    sign_in(page, committee.us_secretariat)
    open_meeting(page, meeting_id)
    order_url = page.locator("tbody.agenda-sortable").first.get_attribute("data-order-url")
    sent = []  # every save sent; the first is held on its way, as on a slow connection

    def hold_the_first(route):
        sent.append(route)
        if len(sent) > 1:
            route.continue_()

    page.route(f"**{order_url}", hold_the_first)

    page.get_by_role("button", name=f"Move {OPENING}").focus()
    page.keyboard.press("Alt+ArrowDown")
    page.wait_for_function("document.querySelector('tbody.agenda-sortable').getAttribute('aria-busy') === 'true'")
    page.keyboard.press("Alt+ArrowDown")  # while the first is still on its way
    page.wait_for_timeout(300)  # (the route's handler runs while the page is waited on)
    assert len(sent) == 1  # the second move waits for the first's answer
    sent[0].continue_()

    expect(page.locator("[aria-live=polite]")).to_have_text("Saved")
    expect(page.locator("tbody.agenda-sortable").first).to_have_attribute("aria-busy", "false")
    titles = stored_titles(app, meeting_id)
    assert titles[:3] == [ADOPTION, "Review of action items from previous meetings", OPENING]
    assert shown_ids(page) == [ids[title] for title in titles]
