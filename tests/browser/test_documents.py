"""The documents on screen, in a real browser: a draft shows its mark, which a reader cannot select or copy, and
Korean is set word by word."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jcm.extensions import db
from jcm.meetings.services import get_meeting
from tests.browser.conftest import sign_in
from tests.test_minutes_document import write_minutes

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_draft_shows_its_mark_but_a_copy_of_the_page_leaves_it_out(app, page, committee, make_meeting, lang):
    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10")
    with app.app_context():
        get_meeting(meeting_id).status = "held"
        db.session.commit()
    write_minutes(app, committee, meeting_id)
    sign_in(page, committee.kr_delegate)
    page.goto(f"/meetings/{meeting_id}/minutes.html?lang={lang}")

    mark = page.locator(".watermark")
    expect(mark).to_be_visible()
    expect(mark).to_have_attribute("aria-hidden", "true")
    box = page.locator(".watermark__word").bounding_box()
    assert box and box["width"] > 150 and box["height"] > 100  # large, across the sheet
    assert mark.evaluate("element => getComputedStyle(element).userSelect") == "none"
    assert mark.evaluate("element => getComputedStyle(element).pointerEvents") == "none"

    page.keyboard.press("Control+A")
    copied = page.evaluate("getSelection().toString()")
    assert ("Draft minutes" if lang == "en" else "합의의사록 초안") in copied  # the draft says so in its title block
    assert "DRAFT" not in copied

    name = page.locator(".delegation__org", has_text="과학기술정보통신부")
    assert name.evaluate("element => getComputedStyle(element).wordBreak") == "keep-all"
    assert name.evaluate("element => getComputedStyle(element).overflowWrap") == "anywhere"
