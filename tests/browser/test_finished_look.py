"""A finished look, in a real browser: every key page passes axe-core's WCAG 2.1 AA rules in English and in Korean,
none scrolls sideways on a 390 px phone, the focus-area picker filters as one types, and a failed sign-in puts the
focus on its message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import add_agenda_item, get_meeting
from jcm.minutes.services import open_minutes
from tests.browser.conftest import sign_in
from tests.conftest import Person

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COUNTED = ("moderate", "serious", "critical")
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
# What reaches past the window's right edge, outside a region that scrolls on its own: named on a failure.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !(e.parentElement && e.parentElement.closest('.table-wrap')))
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/ +/).join('.') : '')
            + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)').slice(0, 8)"""


@dataclass(frozen=True)
class Scene:
    upcoming: int  # a two-day meeting being planned, an item on each day
    held: int  # a held meeting whose draft minutes the U.S. secretariat writes
    item: int  # an action item of the held meeting, owned by the two delegates, overdue


@pytest.fixture
def scene(app, committee, make_meeting, make_action_item) -> Scene:
    """The 11th meeting held long ago, an item of it still open; the 12th held, its draft minutes open, two items
    raised at it; the 13th in planning, over two days, an item on the second."""
    earlier = make_meeting(ordinal=11, start_date="2025-09-10", focus_areas=("A.1",), status="held")
    make_action_item(title="Share the testbed list", due_date="2026-01-31", meeting_id=earlier)
    upcoming = make_meeting(ordinal=13, start_date="2027-03-10", end_date="2027-03-11", focus_areas=("A.1", "B.4"))
    held = make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "B.4"), status="held")
    with app.app_context():
        add_agenda_item(get_user(committee.us_secretariat.id), get_meeting(upcoming),
                        {"title": "Site visit", "title_ko": "현장 방문", "day": date(2027, 3, 11)})
        open_minutes(get_user(committee.us_secretariat.id), get_meeting(held))
        db.session.commit()
    item = make_action_item(title="Exchange AI-ready dataset inventories", due_date="2026-06-30", meeting_id=held)
    make_action_item(title="Joint quantum workshop", focus_area="B.4", due_date="2027-09-30", meeting_id=held)
    return Scene(upcoming, held, item)


def key_pages(committee, scene: Scene) -> list[tuple[str, Person | None, str]]:
    """(name, who reads it, address): every key page, as the person who works on it sees it."""
    secretariat = committee.us_secretariat
    return [
        ("start page", secretariat, "/"),
        ("MOU", secretariat, "/mou"),
        ("meetings", secretariat, "/meetings"),
        ("meeting and agenda builder", secretariat, f"/meetings/{scene.upcoming}"),
        ("agenda item form", secretariat, f"/meetings/{scene.upcoming}/items/new"),
        ("minutes editor", secretariat, f"/meetings/{scene.held}/minutes"),
        ("minutes page", committee.kr_delegate, f"/meetings/{scene.held}/minutes"),
        ("register", secretariat, "/action-items"),
        ("my action items", committee.us_delegate, "/my-action-items"),
        ("action item", committee.us_delegate, f"/action-items/{scene.item}"),
        ("search", secretariat, "/search?q=dataset"),
        ("account", secretariat, "/account"),
        ("accounts", committee.us_admin, "/admin/users"),
        ("sign-in", None, "/login"),
    ]


def visit_each(new_context, committee, scene, language: str, viewport: dict | None = None):
    """Yields (name, page) for each key page, in `language`, signed in as its reader."""
    contexts: dict = {}
    for name, person, address in key_pages(committee, scene):
        key = person.email if person else None
        if key not in contexts:
            options = {"locale": LOCALES[language]}
            if viewport:
                options["viewport"] = viewport
            page = new_context(**options).new_page()
            if person:
                sign_in(page, person)
            contexts[key] = page
        page = contexts[key]
        response = page.goto(address)
        assert response.status == 200, f"{name}: {address} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
        yield name, page


def described(name: str, violation: dict) -> str:
    nodes = "; ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                      for node in violation["nodes"][:4])
    return f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} — {nodes}"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_key_page_passes_wcag_21_aa(new_context, committee, scene, language):
    axe = Axe()
    found = []
    for name, page in visit_each(new_context, committee, scene, language):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                         "resultTypes": ["violations"]})
        found += [described(name, v) for v in results.response["violations"] if v["impact"] in COUNTED]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_key_page_scrolls_sideways_on_a_phone(new_context, committee, scene, language):
    wide = {}
    for name, page in visit_each(new_context, committee, scene, language, viewport=PHONE):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[name] = (width, page.evaluate(WIDEST))
    assert not wide, f"wider than {PHONE['width']} px: {wide}"
