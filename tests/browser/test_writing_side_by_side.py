"""Writing an action item in English and Korean in a real browser: the U.S. secretariat writes it in English and
sees the Korean missing, the Korean secretariat writes the Korean and marks it checked, and when the U.S. changes
the English the Korean shows as out of date, with how the English changed.

Set JCM_BROWSER_SCREENSHOT=/tmp/side-by-side.png to keep a picture of the form with the out-of-date Korean text
(and, beside it, one of the same form on a phone's screen).
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jcm.actions.models import ActionItem
from jcm.bilingual import states
from jcm.extensions import db
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

TITLE = "Exchange AI-ready dataset inventories"
TITLE_KO = "AI 활용 가능 데이터셋 목록 교환"
TITLE_CHANGED = "Exchange AI-ready dataset inventories twice a year"


def stored(app) -> tuple[int, str, str, dict[str, str]]:
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(ActionItem.title.startswith("Exchange")))
        return item.id, item.title, item.title_ko, {lang: s.status for lang, s in states(item)["title"].items()}


def state_of(page, field_id: str):
    return page.locator(f"#{field_id}-state")


def sign_out(page) -> None:
    page.locator("details.user-menu summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_an_action_item_written_in_english_then_in_korean_checked_by_korea_and_out_of_date_when_the_english_moves(
        app, page, committee):
    sign_in(page, committee.us_secretariat)
    page.goto("/action-items/new")
    expect(page.locator(".text-state")).to_have_count(0)  # a new record: the two fields, no state yet
    page.fill("#title", TITLE)
    area = page.locator("#focus_area_id option", has_text=re.compile(r"^A\.1 ")).get_attribute("value")
    page.select_option("#focus_area_id", value=area)
    page.fill("#due_date", "2027-06-30")
    page.select_option("#owners_us", value=f"user:{committee.us_delegate.id}")
    page.select_option("#owners_kr", value=f"user:{committee.kr_delegate.id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    item_id, title, title_ko, status = stored(app)
    assert (title, title_ko, status) == (TITLE, "", {"en": "written", "ko": "missing"})
    marks = page.locator(".text-marks")
    expect(marks).to_contain_text("Korean")
    expect(marks.locator(".text-state--missing")).to_have_text("Missing")

    page.goto(f"/action-items/{item_id}/edit")
    expect(state_of(page, "title_ko")).to_have_text("Missing")
    expect(state_of(page, "title")).to_have_text("Not yet checked")
    # Side by side on a wide screen: the Korean column to the right of the English one, on the same line.
    english, korean = page.locator("#title").bounding_box(), page.locator("#title_ko").bounding_box()
    assert korean["x"] > english["x"] + english["width"] and abs(korean["y"] - english["y"]) < 2
    sign_out(page)

    sign_in(page, committee.kr_secretariat)
    page.goto(f"/action-items/{item_id}/edit")
    expect(page.get_by_role("button", name=re.compile("^Mark as checked"))).to_have_count(0)  # nothing of Korea's yet
    page.fill("#title_ko", TITLE_KO)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert stored(app)[3] == {"en": "written", "ko": "written"}

    page.goto(f"/action-items/{item_id}/edit")
    expect(state_of(page, "title_ko")).to_have_text("Not yet checked")
    check = page.locator(".text-pair__text--ko").first.get_by_role("button", name=re.compile("^Mark as checked"))
    expect(check).to_have_count(1)
    expect(page.locator(".text-pair__text--en").get_by_role("button")).to_have_count(0)  # the U.S. checks English
    with page.expect_navigation():
        check.click()  # a button inside the edit form that submits its own form, by its form attribute
    assert page.url.endswith(f"/action-items/{item_id}/edit")
    expect(page.locator(".flash", has_text="Marked as checked.")).to_be_visible()
    expect(state_of(page, "title_ko")).to_have_text("Checked")
    assert stored(app)[3] == {"en": "written", "ko": "checked"}
    sign_out(page)

    sign_in(page, committee.us_secretariat)
    page.goto(f"/action-items/{item_id}/edit")
    expect(state_of(page, "title_ko")).to_have_text("Checked")
    page.fill("#title", TITLE_CHANGED)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert stored(app)[1:] == (TITLE_CHANGED, TITLE_KO, {"en": "written", "ko": "stale"})

    page.goto(f"/action-items/{item_id}/edit")
    expect(state_of(page, "title_ko")).to_have_text("Out of date")
    difference = page.locator("#title_ko-difference")
    expect(difference).to_contain_text("The English text has changed since this one was last written or checked:")
    expect(difference.locator("del")).to_have_text(f"Removed: {TITLE}")
    expect(difference.locator("ins")).to_have_text(f"Added: {TITLE_CHANGED}")
    expect(page.locator("#title_ko")).to_have_value(TITLE_KO)  # the Korean text stands until Korea changes it
    if os.environ.get("JCM_BROWSER_SCREENSHOT"):
        page.screenshot(path=os.environ["JCM_BROWSER_SCREENSHOT"], full_page=True)

    page.set_viewport_size({"width": 390, "height": 1400})  # a phone: the Korean below the English
    english, korean = page.locator("#title").bounding_box(), page.locator("#title_ko").bounding_box()
    assert korean["y"] > english["y"] + english["height"] and abs(korean["x"] - english["x"]) < 2
    if os.environ.get("JCM_BROWSER_SCREENSHOT"):
        page.screenshot(path=os.environ["JCM_BROWSER_SCREENSHOT"].replace(".png", "-phone.png"), full_page=True)
