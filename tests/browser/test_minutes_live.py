"""Writing the minutes live in Chromium: the secretary writes ten sections, each saved in place with its state
shown beside it, with one page load in all; Ctrl+S and Ctrl+Enter save the section being written in; a stale save
shows both texts and keeps the typed one; and without JavaScript the form still posts and the page reloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.mou.models import FocusArea
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved \d{1,2}:\d{2}")


@pytest.fixture
def ten_sections(app, committee, make_meeting) -> tuple[int, list[int]]:
    """A held meeting of ten agenda items (four focus areas) whose minutes the U.S. secretariat has opened."""
    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "A.2", "A.3", "A.4"),
                              status="held")
    with app.app_context():
        minutes = services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(meeting_id))
        ids = [section.id for section in services.ordered_sections(minutes)]
        db.session.commit()
    assert len(ids) == 10
    return meeting_id, ids


def stored(app, section_id: int) -> tuple[str, int]:
    with app.app_context():
        section = services.get_section(section_id)
        return section.discussion, section.version


def open_counting_loads(page, meeting_id: int) -> list[str]:
    """Opens the minutes page; the list grows by one at each full page load from then on."""
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(f"/meetings/{meeting_id}/minutes")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    return loads


def state_of(page, section_id: int):
    return page.locator(f"#section-{section_id} .minutes-section-form [data-save-state]")


def save_button(section_id: int) -> str:
    return f"#section-{section_id} .minutes-section-form button[type=submit]:not([form])"


def test_ten_sections_are_written_and_saved_with_one_page_load(app, page, committee, ten_sections):
    meeting_id, sections = ten_sections
    sign_in(page, committee.us_secretariat)
    loads = open_counting_loads(page, meeting_id)
    expect(page.locator("#save-shortcuts")).to_contain_text("Ctrl+S or Ctrl+Enter")

    for number, section_id in enumerate(sections, start=1):
        box = page.locator(f"#discussion-{section_id}")
        box.fill(f"Record of item {number}: the sides agreed. 양측은 합의하였다.")
        expect(state_of(page, section_id)).to_have_text("Unsaved changes")
        if number % 3 == 1:
            page.click(save_button(section_id))  # the button
        elif number % 3 == 2:
            box.press("Control+s")  # the shortcut
        else:
            box.press("Control+Enter")
        expect(state_of(page, section_id)).to_have_text(SAVED)
        expect(page.locator(f"#section-{section_id} [data-live-version]")).to_have_text("Version 2")
        expect(page.locator(f"#section-{section_id} .minutes-section-form input[name=version]")).to_have_value("2")

    assert len(loads) == 1, loads
    for number, section_id in enumerate(sections, start=1):
        assert stored(app, section_id) == (f"Record of item {number}: the sides agreed. 양측은 합의하였다.", 2)

    # Written on and saved again, still in place: the form is based on the version it saved.
    page.fill(f"#discussion-{sections[0]}", "Record of item 1, completed.")
    page.press(f"#discussion-{sections[0]}", "Control+s")
    expect(state_of(page, sections[0])).to_have_text(SAVED)
    assert stored(app, sections[0]) == ("Record of item 1, completed.", 3)
    page.reload()  # the kept drafts went with the save: nothing is "restored"
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator(".minutes-restored")).to_have_count(0)
    expect(page.locator(f"#discussion-{sections[0]}")).to_have_value("Record of item 1, completed.")


def test_a_stale_save_shows_both_texts_and_keeps_what_was_typed(app, page, committee, ten_sections):
    meeting_id, sections = ten_sections
    section_id = sections[3]
    sign_in(page, committee.us_secretariat)
    loads = open_counting_loads(page, meeting_id)
    page.fill(f"#discussion-{section_id}", "My text, typed in the meeting room.")
    with app.app_context():  # meanwhile the Korean secretariat saves the same section
        services.save_section(get_user(committee.kr_secretariat.id), services.get_section(section_id),
                              "The Korean secretariat's text.", [], 1, discussion_ko="한국 측 문안.")
        db.session.commit()

    page.press(f"#discussion-{section_id}", "Control+s")
    article = page.locator(f"#section-{section_id}")
    expect(state_of(page, section_id)).to_have_text(re.compile("someone else saved it meanwhile"))
    conflict = article.locator(".minutes-conflict[role=alert]")
    expect(conflict).to_contain_text("Someone else saved this section meanwhile")
    expect(conflict.locator(".minutes-conflict__stored")).to_have_text("The Korean secretariat's text.")
    expect(conflict.locator(".minutes-conflict__stored-ko")).to_have_text("한국 측 문안.")
    expect(conflict.locator(".minutes-conflict__yours")).to_have_text("My text, typed in the meeting room.")
    expect(conflict).to_contain_text(f"Stored now (version 2) · {committee.kr_secretariat.name}")
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("My text, typed in the meeting room.")
    # The Korean box, untouched here, now holds the stored Korean: saving again does not blank it.
    expect(page.locator(f"#discussion-ko-{section_id}")).to_have_value("한국 측 문안.")
    assert stored(app, section_id) == ("The Korean secretariat's text.", 2)

    page.click(save_button(section_id))  # saving again, knowingly: based on the stored version now
    expect(state_of(page, section_id)).to_have_text(SAVED)
    expect(article.locator(".minutes-conflict")).to_have_count(0)
    assert stored(app, section_id) == ("My text, typed in the meeting room.", 3)
    with app.app_context():
        assert services.get_section(section_id).discussion_ko == "한국 측 문안."  # the Korean stayed as stored
    assert len(loads) == 1, loads


def test_a_refused_save_says_why_and_keeps_the_text(app, page, committee, ten_sections):
    meeting_id, sections = ten_sections
    section_id = sections[1]
    sign_in(page, committee.us_secretariat)
    open_counting_loads(page, meeting_id)
    page.fill(f"#discussion-{section_id}", "Text of a section whose security token expired.")
    page.evaluate(f"document.querySelector('#section-{section_id} .minutes-section-form input[name=csrf_token]').value = 'stale'")
    page.press(f"#discussion-{section_id}", "Control+Enter")
    expect(state_of(page, section_id)).to_have_text(re.compile(r"^Not saved: .*security token"))
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("Text of a section whose security token expired.")
    assert stored(app, section_id) == ("", 1)


def test_progress_and_the_next_meeting_save_in_place(app, page, committee, ten_sections):
    meeting_id, _sections = ten_sections
    with app.app_context():
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.2"))
    sign_in(page, committee.us_secretariat)
    loads = open_counting_loads(page, meeting_id)
    page.select_option(f"#progress-status-{area}", "at_risk")
    page.fill(f"#progress-narrative-{area}", "Access to the testbeds is delayed.")
    page.press(f"#progress-narrative-{area}", "Control+s")
    expect(page.locator(f"#progress-{area} [data-save-state]")).to_have_text(SAVED)
    page.fill(f"#progress-narrative-{area}", "Access to the testbeds is delayed until June.")
    page.press(f"#progress-narrative-{area}", "Control+s")  # the entry's version, taken from the first save
    expect(page.locator(f"#progress-{area} [data-save-state]")).to_have_text(SAVED)

    page.fill("#next-meeting-text", "Washington, D.C., in the spring of 2027.")
    page.press("#next-meeting-text", "Control+Enter")
    expect(page.locator("#next-meeting [data-save-state]")).to_have_text(SAVED)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        entry = next(e for e in minutes.progress if e.focus_area_id == area)
        assert (entry.status, entry.narrative) == ("at_risk", "Access to the testbeds is delayed until June.")
        assert minutes.next_meeting == "Washington, D.C., in the spring of 2027."
    assert len(loads) == 1, loads


def test_without_javascript_the_section_form_posts_and_the_page_reloads(app, new_context, committee, ten_sections):
    meeting_id, sections = ten_sections
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, committee.us_secretariat)
    page.goto(f"/meetings/{meeting_id}/minutes")
    expect(page.locator(f"#section-{sections[0]} .minutes-section-form [data-save-state]")).to_be_hidden()
    expect(page.locator("#save-shortcuts")).to_be_hidden()
    page.fill(f"#discussion-{sections[0]}", "Written without the script.")
    with page.expect_navigation():
        page.click(save_button(sections[0]))
    assert page.url.endswith(f"/meetings/{meeting_id}/minutes#section-{sections[0]}")
    expect(page.locator(".flash")).to_contain_text("has been saved")
    assert stored(app, sections[0]) == ("Written without the script.", 2)


# --- an action item raised from a section, and the texts' states after a save, in place ----------------------

def section_of_area(app, sections: list[int], code: str) -> int:
    from jcm.meetings.models import AgendaItem
    from jcm.minutes.models import MinutesSection

    with app.app_context():
        return db.session.scalar(select(MinutesSection.id).join(
            AgendaItem, AgendaItem.id == MinutesSection.agenda_item_id).join(AgendaItem.focus_areas)
            .where(MinutesSection.id.in_(sections), FocusArea.code == code))


def raised_items(app) -> list[tuple]:
    from jcm.actions.models import ActionItem
    from jcm.actions.services import item_query

    with app.app_context():
        return [(item.ref, item.title, item.title_ko, item.focus_area.code, item.due_date.isoformat(),
                 sorted((o.side, o.user_id) for o in item.owners))
                for item in db.session.scalars(item_query().order_by(ActionItem.id)).unique()]


def test_an_action_item_is_raised_from_a_section_in_place(app, page, committee, ten_sections):
    meeting_id, sections = ten_sections
    section_id = section_of_area(app, sections, "A.2")
    sign_in(page, committee.us_secretariat)
    loads = open_counting_loads(page, meeting_id)
    article = page.locator(f"#section-{section_id}")
    page.fill(f"#discussion-{section_id}", "The sides agreed to exchange their dataset inventories.")
    article.locator("summary", has_text="Raise an action item").click()
    expect(page.locator(f"#action-focus-area-{section_id} option:checked")).to_contain_text("A.2")  # its first area
    page.fill(f"#action-title-{section_id}", "Exchange AI-ready dataset inventories")
    page.fill(f"#action-title-ko-{section_id}", "AI 활용 가능 데이터셋 목록 교환")
    page.select_option(f"#action-owners-us-{section_id}", label=committee.us_delegate.name)
    page.fill(f"#action-due-{section_id}", "2026-06-30")
    form = article.locator("form.raise-action-form")
    form.locator("button[type=submit]").click()

    # No owner on the Korean side: refused in place, said beside the list, and what was typed stays.
    expect(form.locator("[data-save-state]")).to_have_text(re.compile("An owner on the Korean side is required"))
    expect(form.locator(".live-error")).to_have_text(re.compile("An owner on the Korean side is required"))
    expect(page.locator(f"#action-owners-kr-{section_id}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#action-title-{section_id}")).to_have_value("Exchange AI-ready dataset inventories")
    assert raised_items(app) == []

    page.select_option(f"#action-owners-kr-{section_id}", label=committee.kr_delegate.name)
    page.press(f"#action-due-{section_id}", "Control+Enter")  # the shortcut raises it as well
    row = article.locator("[data-section-actions] li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("JCM12-A01")
    expect(row).to_contain_text("Exchange AI-ready dataset inventories")
    expect(row).to_contain_text(committee.us_delegate.name)
    expect(row).to_contain_text(committee.kr_delegate.name)
    expect(form.locator("[data-save-state]")).to_have_text("Action item JCM12-A01 has been created.")
    expect(page.locator(f"#action-title-{section_id}")).to_have_value("")  # empty for the next one
    expect(form.locator(".live-error")).to_have_count(0)
    # The discussion typed before raising it is still there, unsaved: raising an item saved nothing else.
    expect(page.locator(f"#discussion-{section_id}")).to_have_value(
        "The sides agreed to exchange their dataset inventories.")
    # The review panel now names the new item's texts among those to check, as a reload would.
    expect(page.locator("#review .text-gaps")).to_contain_text("Action item JCM12-A01")
    assert raised_items(app) == [("JCM12-A01", "Exchange AI-ready dataset inventories", "AI 활용 가능 데이터셋 목록 교환",
                                  "A.2", "2026-06-30", [("KR", committee.kr_delegate.id),
                                                        ("US", committee.us_delegate.id)])]
    assert len(loads) == 1, loads

    page.reload()
    expect(page.locator(f"#section-{section_id} [data-section-actions] li")).to_contain_text("JCM12-A01")


def texts_shown(page, section_id: int) -> dict:
    """What the page says of a section's texts: each box's state, its check button, its description, and the review
    panel's gap for it."""
    shown = {}
    for box in (f"discussion-{section_id}", f"discussion-ko-{section_id}"):
        column = page.locator(f".text-pair__text:has(#{box})")
        shown[box] = (page.locator(f"#{box}-state").inner_text(),
                      column.locator(".text-pair__check").count(),
                      column.locator(".text-diff").count(),
                      page.locator(f"#{box}").get_attribute("aria-describedby"))
    shown["gaps"] = page.locator(f"#review .text-gap[data-id='{section_id}']").evaluate_all(
        "nodes => nodes.map(n => n.className + ' ' + n.dataset.field + ' ' + n.dataset.language).sort()")
    return shown


def test_after_a_live_save_the_texts_states_are_those_a_reload_shows(app, page, committee, ten_sections):
    meeting_id, sections = ten_sections
    section_id = sections[2]
    with app.app_context():  # both texts written: neither is checked yet
        services.save_section(get_user(committee.us_secretariat.id), services.get_section(section_id),
                              "NSF presented its AI testbeds.", [], 1, discussion_ko="미국 국립과학재단은 AI 테스트베드를 발표하였다.")
        db.session.commit()
    sign_in(page, committee.us_secretariat)
    loads = open_counting_loads(page, meeting_id)
    expect(page.locator(f"#discussion-ko-{section_id}-state")).to_have_text("Not yet checked")
    expect(page.locator(f"#section-{section_id} .text-diff")).to_have_count(0)

    page.fill(f"#discussion-{section_id}", "NSF presented its AI testbeds and their access rules.")
    page.press(f"#discussion-{section_id}", "Control+s")
    expect(state_of(page, section_id)).to_have_text(SAVED)
    # The Korean text is now out of date, with what changed in the English, as a reload shows it.
    expect(page.locator(f"#discussion-ko-{section_id}-state")).to_have_text("Out of date")
    expect(page.locator(f"#section-{section_id} .text-pair__text:has(#discussion-ko-{section_id}) .text-diff"))\
        .to_contain_text("and their access rules")
    expect(page.locator(f"#review .text-gap--stale[data-id='{section_id}'][data-language='ko']")).to_have_count(1)
    assert len(loads) == 1, loads
    live = texts_shown(page, section_id)

    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    assert texts_shown(page, section_id) == live

    # The English checked from the button the save put there: its form holds the revision just saved.
    page.locator(f".text-pair__text:has(#discussion-{section_id}) .text-pair__check").click()
    expect(page.locator(f"#discussion-{section_id}-state")).to_have_text("Checked")


def test_without_javascript_an_action_item_is_raised_by_posting_the_form(app, new_context, committee, ten_sections):
    meeting_id, sections = ten_sections
    section_id = section_of_area(app, sections, "A.1")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, committee.us_secretariat)
    page.goto(f"/meetings/{meeting_id}/minutes")
    article = page.locator(f"#section-{section_id}")
    article.locator("summary", has_text="Raise an action item").click()
    page.fill(f"#action-title-{section_id}", "Share the testbed access rules")
    page.select_option(f"#action-owners-us-{section_id}", label=committee.us_delegate.name)
    page.fill(f"#action-due-{section_id}", "2026-06-30")
    with page.expect_navigation():
        article.locator("form.raise-action-form button[type=submit]").click()
    # Refused: the page again, the form open with what was typed and what is missing.
    form = page.locator(f"#section-{section_id} form.raise-action-form")
    expect(form).to_be_visible()
    expect(form).to_contain_text("An owner on the Korean side is required")
    expect(page.locator(f"#action-title-{section_id}")).to_have_value("Share the testbed access rules")
    page.select_option(f"#action-owners-kr-{section_id}", label=committee.kr_delegate.name)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith(f"/meetings/{meeting_id}/minutes#section-{section_id}")
    expect(page.locator(".flash")).to_contain_text("Action item JCM12-A01 has been created.")
    expect(page.locator(f"#section-{section_id} [data-section-actions] li")).to_contain_text("JCM12-A01")
    assert [ref for ref, *_rest in raised_items(app)] == ["JCM12-A01"]
