"""The parity gate in Chromium: a secretariat sees what keeps the agenda and the minutes from both texts, is refused
with each gap named when they act anyway, and acts once both texts are complete and checked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import complete_both_texts

pytestmark = pytest.mark.browser


def test_the_korean_secretariat_agrees_the_agenda_once_both_texts_are_checked(app, new_context, committee,
                                                                              make_meeting):
    meeting_id = make_meeting()
    page = new_context(locale="ko-KR").new_page()
    sign_in(page, committee.kr_secretariat)
    page.goto(f"/meetings/{meeting_id}")
    gaps = page.locator(".agreement-panel .text-gaps")
    expect(gaps).to_contain_text("의제에 동의하려면 먼저 국문·영문 문안을 모두 작성하고")
    expect(gaps.locator("li", has_text="의제 1 “공동위원장 개회사”: “미국 측 발표자”의 국문 문안 없음")).to_have_count(1)

    page.locator(".agreement-panel button[type=submit]").click()  # the box is not ticked: the browser asks for it
    expect(page.locator("#confirm-agree:invalid")).to_have_count(1)
    expect(page.locator("label[for=confirm-agree]")).to_contain_text("양측이 이 판에 합의하면")
    page.locator("#confirm-agree").check()
    with page.expect_navigation():
        page.locator(".agreement-panel button[type=submit]").click()
    alert = page.locator(".flash--error")
    expect(alert).to_contain_text("의제에 동의할 수 없습니다")
    expect(alert).to_contain_text("“한국 측 발표자”의 국문 문안 없음")
    expect(page.locator(".approvals")).not_to_contain_text("김서연")

    complete_both_texts(app, committee, meeting_id)
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator(".text-gaps")).to_have_count(0)
    page.locator("#confirm-agree").check()
    with page.expect_navigation():
        page.locator(".agreement-panel button[type=submit]").click()
    expect(page.locator(".approvals")).to_contain_text("김서연")


def test_the_draft_is_circulated_once_its_texts_are_complete(app, page, committee, held_meeting):
    from jcm.accounts.services import get_user
    from jcm.extensions import db
    from jcm.meetings.services import get_meeting
    from jcm.minutes import services

    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        minutes = services.open_minutes(us, get_meeting(held_meeting))
        services.set_next_meeting(us, minutes, "Washington, D.C., in the spring of 2027.")
        db.session.commit()
    sign_in(page, committee.us_secretariat)
    page.goto(f"/meetings/{held_meeting}/minutes")
    review = page.locator("#review")
    expect(review.locator(".text-gaps li")).to_have_text([
        "The minutes: the English text of “Next meeting” is not yet checked by the U.S. secretariat",
        "The minutes: the Korean text of “Next meeting” is missing"])
    with page.expect_navigation():
        review.get_by_role("button", name="Circulate the draft for review").click()
    expect(page.locator(".flash--error")).to_contain_text(re.compile(
        r"The minutes cannot be circulated until .*the Korean text of “Next meeting” is missing"))
    expect(page.locator(".page-head .status")).to_have_text("Draft")

    complete_both_texts(app, committee, held_meeting)
    page.goto(f"/meetings/{held_meeting}/minutes")
    expect(review.locator(".text-gaps")).to_have_count(0)
    with page.expect_navigation():
        review.get_by_role("button", name="Circulate the draft for review").click()
    expect(page.locator(".page-head .status")).to_have_text("Circulated for review")
