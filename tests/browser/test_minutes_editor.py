"""Writing the minutes live in a real browser: text typed into a section, in English and in Korean, survives a
dropped connection, a reload and an expired sign-in, and is saved once the secretary saves it; each side marks its
own language checked beside the text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

RESTORED = re.compile(r"Unsaved text from .+ was restored — save to keep it")


@pytest.fixture
def section(app, committee, make_meeting) -> tuple[int, int]:
    """A held meeting whose minutes the U.S. secretariat has opened: (meeting id, id of its fourth section)."""
    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10")
    with app.app_context():
        meeting = get_meeting(meeting_id)
        meeting.status = "held"
        minutes = services.open_minutes(get_user(committee.us_secretariat.id), meeting)
        section_id = services.ordered_sections(minutes)[3].id
        db.session.commit()
    return meeting_id, section_id


def stored(app, section_id: int) -> tuple[str, int]:
    with app.app_context():
        stored_section = services.get_section(section_id)
        return stored_section.discussion, stored_section.version


def save_button(section_id: int) -> str:
    """The section's own save button: a "Mark as checked" button beside a text submits a form of its own."""
    return f"#section-{section_id} .minutes-section-form button[type=submit]:not([form])"


def save_in_place(page, section_id: int) -> None:
    """Saves the section as the script does, without a page load, and waits for it to say so."""
    page.click(save_button(section_id))
    expect(page.locator(f"#section-{section_id} .minutes-section-form [data-save-state]")).to_have_text(
        re.compile(r"^Saved "))


def open_minutes(page, meeting_id: int) -> None:
    page.goto(f"/meetings/{meeting_id}/minutes")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the script has run


def test_text_typed_before_a_dropped_connection_is_restored_and_then_saved(app, page, committee, section):
    meeting_id, section_id = section
    text = "The U.S. side presented NSF's AI testbeds. 한국 측은 데이터셋 현황을 설명하였다. 🤝"
    sign_in(page, committee.us_secretariat)
    open_minutes(page, meeting_id)
    page.fill(f"#discussion-{section_id}", text)
    page.fill(f"#decisions-{section_id}", "Share the testbed list")

    page.context.set_offline(True)
    page.click(save_button(section_id))
    page.wait_for_load_state()
    page.context.set_offline(False)
    assert stored(app, section_id) == ("", 1)  # nothing reached the server

    open_minutes(page, meeting_id)
    form = page.locator(f"#section-{section_id}")
    expect(form.locator(".minutes-restored")).to_have_text(RESTORED)
    expect(page.locator(f"#discussion-{section_id}")).to_have_value(text)
    expect(page.locator(f"#decisions-{section_id}")).to_have_value("Share the testbed list")
    expect(page.locator(".minutes-restored")).to_have_count(1)  # only the section that had unsaved text

    save_in_place(page, section_id)
    assert stored(app, section_id) == (text, 2)
    expect(page.locator(f"#discussion-{section_id}")).to_have_value(text)
    expect(page.locator(".minutes-restored")).to_have_count(0)  # saved: the kept draft is gone

    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator(".minutes-restored")).to_have_count(0)


def test_text_survives_a_reload_without_saving(app, page, committee, section):
    meeting_id, section_id = section
    sign_in(page, committee.kr_secretariat)
    open_minutes(page, meeting_id)
    page.fill(f"#discussion-{section_id}", "양자 기술 협력을 논의하였다.")
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("양자 기술 협력을 논의하였다.")
    expect(page.locator(f"#section-{section_id} .minutes-restored")).to_be_visible()


def test_after_an_expired_sign_in_the_text_comes_back(app, page, committee, section):
    meeting_id, section_id = section
    sign_in(page, committee.us_secretariat)
    open_minutes(page, meeting_id)
    page.fill(f"#discussion-{section_id}", "Typed while the session ran out.")
    page.context.clear_cookies()  # the sign-in has expired

    with page.expect_navigation():
        page.click(save_button(section_id))
    assert "/login" in page.url and "next=" in page.url
    page.fill("input[name=email]", committee.us_secretariat.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert f"/meetings/{meeting_id}/minutes" in page.url
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("Typed while the session ran out.")
    # The server kept the form it was sent and puts it back (jcm/accounts/kept.py): the browser's draft is the same.
    expect(page.locator(f"#section-{section_id} .kept-form")).to_contain_text("It has not been saved yet")

    save_in_place(page, section_id)
    assert stored(app, section_id) == ("Typed while the session ran out.", 2)


def test_after_the_server_ends_an_idle_sign_in_the_text_comes_back(app, page, committee, section):
    """The cookies are still in the browser, but the server has ended the sign-in (30 minutes without use)."""
    from datetime import timedelta

    from sqlalchemy import select

    from jcm.accounts.models import SignInSession

    meeting_id, section_id = section
    sign_in(page, committee.us_secretariat)
    open_minutes(page, meeting_id)
    page.fill(f"#discussion-{section_id}", "Typed through a long coffee break.")
    with app.app_context():
        for record in db.session.scalars(select(SignInSession)):
            record.last_seen_at -= timedelta(hours=1)
        db.session.commit()

    with page.expect_navigation():
        page.click(save_button(section_id))
    assert "/login" in page.url and "next=" in page.url
    page.fill("input[name=email]", committee.us_secretariat.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert f"/meetings/{meeting_id}/minutes" in page.url
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("Typed through a long coffee break.")
    save_in_place(page, section_id)
    assert stored(app, section_id) == ("Typed through a long coffee break.", 2)


def test_a_kept_draft_older_than_the_stored_text_saves_as_a_conflict_with_both_texts(app, page, committee, section):
    meeting_id, section_id = section
    sign_in(page, committee.us_secretariat)
    open_minutes(page, meeting_id)
    page.fill(f"#discussion-{section_id}", "My unsaved version.")
    with app.app_context():  # meanwhile the other secretariat saves the same section
        services.save_section(get_user(committee.kr_secretariat.id), services.get_section(section_id),
                              "The Korean secretariat's version.", [], 1)
        db.session.commit()

    open_minutes(page, meeting_id)
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("My unsaved version.")
    page.click(save_button(section_id))  # saved in place: the conflict is shown without a page load
    expect(page.locator(".minutes-conflict__stored")).to_have_text("The Korean secretariat's version.")
    expect(page.locator(".minutes-conflict__yours")).to_have_text("My unsaved version.")
    assert stored(app, section_id) == ("The Korean secretariat's version.", 2)
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("My unsaved version.")  # the draft stays
    save_in_place(page, section_id)  # saving again, knowingly
    assert stored(app, section_id) == ("My unsaved version.", 3)


def test_both_languages_typed_survive_a_reload_and_are_saved_together(app, page, committee, section):
    meeting_id, section_id = section
    sign_in(page, committee.kr_secretariat)
    open_minutes(page, meeting_id)
    page.fill(f"#discussion-{section_id}", "The sides discussed quantum cooperation.")
    page.fill(f"#discussion-ko-{section_id}", "양측은 양자 기술 협력을 논의하였다. 🤝")
    page.fill(f"#decisions-{section_id}", "Hold a joint workshop")
    page.fill(f"#decisions-ko-{section_id}", "공동 워크숍을 개최한다")
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator(f"#section-{section_id} .minutes-restored")).to_have_text(RESTORED)
    expect(page.locator(f"#discussion-ko-{section_id}")).to_have_value("양측은 양자 기술 협력을 논의하였다. 🤝")
    expect(page.locator(f"#decisions-ko-{section_id}")).to_have_value("공동 워크숍을 개최한다")
    expect(page.locator(f"#discussion-{section_id}")).to_have_value("The sides discussed quantum cooperation.")

    save_in_place(page, section_id)
    with app.app_context():
        saved = services.get_section(section_id)
        assert (saved.discussion_ko, saved.decisions_ko, saved.decisions) == (
            "양측은 양자 기술 협력을 논의하였다. 🤝", ["공동 워크숍을 개최한다"], ["Hold a joint workshop"])
    expect(page.locator(".minutes-restored")).to_have_count(0)


def test_the_korean_secretariat_marks_the_korean_text_checked_beside_it(app, page, committee, section):
    meeting_id, section_id = section
    with app.app_context():
        services.save_section(get_user(committee.us_secretariat.id), services.get_section(section_id),
                              "The sides met.", [], 1, discussion_ko="양측은 회의하였다.")
        db.session.commit()
    sign_in(page, committee.kr_secretariat)
    open_minutes(page, meeting_id)
    page.fill(f"#decisions-ko-{section_id}", "아직 저장하지 않은 문안")  # typed, not saved: kept through the check
    korean = page.locator(f"#section-{section_id} .text-pair__text--ko").first
    expect(korean.locator(".text-state")).to_have_text("Not yet checked")
    with page.expect_navigation():
        korean.get_by_role("button", name=re.compile("Mark as checked")).click()
    assert page.url.endswith(f"/meetings/{meeting_id}/minutes#section-{section_id}")
    korean = page.locator(f"#section-{section_id} .text-pair__text--ko").first
    expect(korean.locator(".text-state")).to_have_text("Checked")
    expect(page.locator(f"#decisions-ko-{section_id}")).to_have_value("아직 저장하지 않은 문안")
    with app.app_context():
        assert services.get_section(section_id).version == 2  # checking saved no text
