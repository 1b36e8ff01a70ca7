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


def test_the_focus_area_picker_narrows_as_one_types(app, page, committee, scene):
    sign_in(page, committee.us_secretariat)
    page.goto(f"/meetings/{scene.upcoming}/items/new")
    picker = page.locator("select#focus_area_ids")
    every = picker.locator("option").count()
    assert every >= 20  # the MOU's focus areas and sub-topics
    page.get_by_label("Find a focus area").fill("quantum")
    shown = picker.locator("option:not([hidden])")
    assert 0 < shown.count() < every
    assert all("quantum" in text.lower() for text in shown.all_inner_texts())
    expect(page.locator(".picker-filter__count")).to_have_text(f"{shown.count()} of {every} shown")

    picker.select_option(label=shown.first.inner_text())  # a chosen area stays in sight whatever is typed after
    chosen = shown.first.inner_text()
    page.get_by_label("Find a focus area").fill("semiconductor")
    expect(picker.locator("option:not([hidden])", has_text=chosen)).to_have_count(1)
    page.get_by_label("Find a focus area").press("Enter")  # narrows; does not send the form
    assert page.url.endswith("/items/new")

    page.fill("#title", "Quantum networks")
    page.fill("#title_ko", "양자 네트워크")
    with page.expect_navigation():
        page.click("main form button.button--primary")
    assert f"/meetings/{scene.upcoming}" in page.url
    expect(page.locator(".agenda-table", has_text="Quantum networks")).to_have_count(1)


def test_without_the_script_the_picker_is_the_plain_list(new_context, committee, scene):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, committee.us_secretariat)
    page.goto(f"/meetings/{scene.upcoming}/items/new")
    expect(page.locator(".picker-filter")).to_have_count(0)
    expect(page.locator("select#focus_area_ids option[hidden]")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_after_a_failed_sign_in_the_focus_is_on_the_message(new_context, committee, language):
    page = new_context(locale=LOCALES[language]).new_page()
    page.goto("/login")
    page.fill("input[name=email]", committee.us_delegate.email)
    page.fill("input[name=password]", "not the password")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    message = page.locator("#sign-in-failed")
    expect(message).to_be_focused()
    expect(message).to_have_attribute("role", "alert")
    assert message.inner_text().strip()


# Each form field's accessible name as a screen reader gives it (axe-core's own reckoning), with the legend of its
# group for a radio button or a box in a fieldset: two fields named alike on one page cannot be told apart.
FIELD_NAMES = """axe.setup(document) && [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => e.checkVisibility() && !e.closest('[hidden]'))
  .map(e => {
    const name = axe.commons.text.accessibleText(e);
    const group = e.closest('fieldset');
    const legend = group && group.querySelector('legend');
    return (['radio', 'checkbox'].includes(e.type) && legend ? axe.commons.text.accessibleText(legend) + ' › ' : '')
           + name;
  })"""


@pytest.mark.parametrize("language", ["en", "ko"])
def test_repeated_forms_name_each_field_apart(new_context, committee, scene, language):
    axe = Axe()
    alike = {}
    for name, page in visit_each(new_context, committee, scene, language):
        page.evaluate(axe.axe_script)
        names = page.evaluate(FIELD_NAMES)
        if twice := sorted({field for field in names if names.count(field) > 1}):
            alike[name] = twice
    assert not alike, f"fields named alike: {alike}"
