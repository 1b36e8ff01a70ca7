"""In a real browser: an agenda item's description typed while the sign-in runs out on the server comes back after
signing in again, filled into the form and not yet saved (tests/test_kept_forms.py tells the same of every form)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jcm.accounts.models import SignInSession
from jcm.extensions import db
from jcm.meetings.models import AgendaItem
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

TYPED = "양측은 인공지능 시험대 현황을 공유한다.\nBoth sides share the state of their AI testbeds."


def description(app, item_id: int) -> str:
    with app.app_context():
        return db.session.get(AgendaItem, item_id).description or ""


def test_an_agenda_item_description_typed_while_the_sign_in_ran_out_comes_back_after_signing_in(
        app, page, committee, make_meeting):
    meeting_id = make_meeting()
    with app.app_context():
        item_id = db.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)
                                     .order_by(AgendaItem.position)).first()
    sign_in(page, committee.us_secretariat)
    page.goto(f"/agenda-items/{item_id}/edit")
    page.fill("#description", TYPED)
    with app.app_context():  # the server ends the sign-in: an hour without use
        for record in db.session.scalars(select(SignInSession)):
            record.last_seen_at -= timedelta(hours=1)
        db.session.commit()

    with page.expect_navigation():
        page.click("main form button.button--primary[type=submit]")
    assert "/login" in page.url and "next=" in page.url
    expect(page.locator(".flash--info").first).to_contain_text("what you typed has been kept")
    assert description(app, item_id) == ""

    page.fill("input[name=email]", committee.us_secretariat.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert f"/agenda-items/{item_id}/edit" in page.url
    expect(page.locator("#description")).to_have_value(TYPED)
    expect(page.locator(".kept-form")).to_contain_text("It has not been saved yet")
    assert description(app, item_id) == ""  # put back, never sent by itself

    with page.expect_navigation():
        page.click("main form button.button--primary[type=submit]")
    assert description(app, item_id).replace("\r\n", "\n") == TYPED
