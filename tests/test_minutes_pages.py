"""The minutes pages: secretariats write the record section by section, both sides review, both co-chairs adopt."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.minutes.models import MinutesComment
from jcm.mou.models import FocusArea
from tests.conftest import complete_both_texts, csrf_token, post_form


def minutes_page(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/minutes"


def stored(app, section_id: int):
    with app.app_context():
        section = services.get_section(section_id)
        return section.discussion, list(section.decisions), section.version


def save(client, meeting_id, section_id, discussion, decisions="", version=1):
    return post_form(client, f"/minutes/sections/{section_id}",
                     {"discussion": discussion, "decisions": decisions, "version": str(version)},
                     page=minutes_page(meeting_id))


def record_progress(app, committee, meeting_id):
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        minutes = services.open_minutes(us, get_meeting(meeting_id))
        for code in ("A.1", "B.4"):
            area_id = db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))
            services.save_progress(us, minutes, area_id, "on_track", f"{code} is on track.")
        db.session.commit()


def circulate(app, committee, meeting_id):
    """Both texts completed and checked, and the draft circulated for review."""
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        services.set_status(us, services.open_minutes(us, get_meeting(meeting_id)), "circulated")
        db.session.commit()


def test_the_meeting_page_links_to_its_minutes(client, auth, committee, held_meeting):
    auth.login(committee.kr_observer)
    page = client.get(f"/meetings/{held_meeting}").get_data(as_text=True)
    assert f'href="/meetings/{held_meeting}/minutes"' in page


def test_a_secretariat_writes_a_section_and_it_saves_on_its_own(app, client, auth, committee, held_meeting,
                                                                  sections):
    auth.login(committee.us_secretariat)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert page.count('class="minutes-section-form"') == len(sections)
    assert f'action="/minutes/sections/{sections[3]}"' in page
    assert f'href="/meetings/{held_meeting}/minutes.html"' in page and f'/meetings/{held_meeting}/minutes.pdf' in page

    response = save(client, held_meeting, sections[3], "The U.S. side presented NSF's **AI testbeds**.",
                    "Share the testbed list\n\nMeet again in June\n")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{held_meeting}/minutes#section-{sections[3]}")
    assert stored(app, sections[3]) == ("The U.S. side presented NSF's **AI testbeds**.",
                                        ["Share the testbed list", "Meet again in June"], 2)
    assert stored(app, sections[4]) == ("", [], 1)  # the others are untouched


def test_two_secretaries_write_different_sections(app, client, auth, committee, held_meeting, sections):
    other = app.test_client()
    auth.login(committee.us_secretariat)
    post_form(other, "/login", {"email": committee.kr_secretariat.email, "password": "correct horse battery"})
    us_token, kr_token = csrf_token(client, minutes_page(held_meeting)), csrf_token(other, minutes_page(held_meeting))
    assert client.post(f"/minutes/sections/{sections[3]}", data={
        "csrf_token": us_token, "discussion": "AI for science.", "version": "1"}).status_code == 302
    assert other.post(f"/minutes/sections/{sections[4]}", data={
        "csrf_token": kr_token, "discussion": "양자 혁신에 관하여 논의하였다.", "version": "1"}).status_code == 302
    assert stored(app, sections[3])[0] == "AI for science."
    assert stored(app, sections[4])[0] == "양자 혁신에 관하여 논의하였다."


def test_a_stale_save_shows_both_texts_and_keeps_the_stored_one(app, client, auth, committee, held_meeting,
                                                                 sections):
    with app.app_context():
        kr = get_user(committee.kr_secretariat.id)
        services.save_section(kr, services.get_section(sections[3]), "한국 측은 데이터셋 현황을 설명하였다.", [], 1)
        db.session.commit()
    auth.login(committee.us_secretariat)
    response = save(client, held_meeting, sections[3], "The U.S. side presented NSF's AI testbeds.", version=1)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this section meanwhile." in page
    assert '<pre class="minutes-conflict__stored">한국 측은 데이터셋 현황을 설명하였다.</pre>' in page
    assert '<pre class="minutes-conflict__yours">The U.S. side presented NSF&#39;s AI testbeds.</pre>' in page
    # The user's text stays in the form, now based on the stored version.
    form = re.search(rf'<form[^>]*action="/minutes/sections/{sections[3]}".*?</form>', page, re.S).group(0)
    assert 'name="version" value="2"' in form
    assert "The U.S. side presented NSF&#39;s AI testbeds.</textarea>" in form
    assert stored(app, sections[3]) == ("한국 측은 데이터셋 현황을 설명하였다.", [], 2)

    merged = "한국 측은 데이터셋 현황을 설명하였다.\n\nThe U.S. side presented NSF's AI testbeds."
    assert save(client, held_meeting, sections[3], merged, version=2).status_code == 302
    assert stored(app, sections[3]) == (merged, [], 3)


def test_the_history_shows_every_version_and_restores_one(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    save(client, held_meeting, sections[0], "First text", version=1)
    save(client, held_meeting, sections[0], "Second text", version=2)
    history = client.get(f"/minutes/sections/{sections[0]}/revisions")
    assert history.status_code == 200
    page = history.get_data(as_text=True)
    assert "Version 3" in page and "Version 2" in page and page.count("Samuel Reyes") >= 2
    assert f'action="/minutes/sections/{sections[0]}/revisions/2/restore"' in page
    response = post_form(client, f"/minutes/sections/{sections[0]}/revisions/2/restore", {},
                         page=f"/minutes/sections/{sections[0]}/revisions")
    assert response.status_code == 302
    assert stored(app, sections[0]) == ("First text", [], 4)

    auth.logout()
    auth.login(committee.kr_delegate)
    page = client.get(f"/minutes/sections/{sections[0]}/revisions").get_data(as_text=True)
    assert "Version 4" in page and "/restore" not in page


def test_a_delegate_cannot_edit_but_comments_while_circulated(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.kr_delegate)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "minutes-section-form" not in page and "minutes-comment-form" not in page
    assert save(client, held_meeting, sections[3], "My own record", version=1).status_code == 403
    assert stored(app, sections[3]) == ("", [], 1)

    circulate(app, committee, held_meeting)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert page.count('class="minutes-comment-form"') == len(sections) + 1
    response = post_form(client, f"/meetings/{held_meeting}/minutes/comments",
                         {"text": "데이터셋 목록을 추가해 주십시오.", "section_id": str(sections[3])},
                         page=minutes_page(held_meeting))
    assert response.status_code == 302
    post_form(client, f"/meetings/{held_meeting}/minutes/comments", {"text": "Good record overall."},
              page=minutes_page(held_meeting))

    auth.logout()
    auth.login(committee.us_secretariat)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "데이터셋 목록을 추가해 주십시오." in page and "Good record overall." in page and "박지훈" in page
    with app.app_context():
        comment_id = db.session.scalar(select(MinutesComment.id).where(MinutesComment.section_id == sections[3]))
    assert post_form(client, f"/minutes/comments/{comment_id}/resolve", {},
                     page=minutes_page(held_meeting)).status_code == 302
    with app.app_context():
        assert db.session.get(MinutesComment, comment_id).resolved_at is not None


def test_the_secretariat_circulates_and_takes_back_the_draft(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.kr_secretariat)
    post_form(client, f"/meetings/{held_meeting}/minutes/status", {"status": "circulated", "version": "1"},
              page=minutes_page(held_meeting))
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Circulated for review" in page and "Take it back to draft" in page
    post_form(client, f"/meetings/{held_meeting}/minutes/status", {"status": "draft", "version": "2"},
              page=minutes_page(held_meeting))
    assert "Circulate the draft for review" in client.get(minutes_page(held_meeting)).get_data(as_text=True)


def test_attendance_progress_and_next_meeting_are_recorded(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.kr_secretariat)  # each side lists its own delegation
    response = post_form(client, f"/meetings/{held_meeting}/minutes/attendance/KR",
                         {"people": "이준호, 국장, 과학기술정보통신부\n박지훈, Program Officer, NRF, Daejeon\n"},
                         page=minutes_page(held_meeting))
    assert response.status_code == 302
    auth.logout()
    auth.login(committee.us_secretariat)
    with app.app_context():
        area_id = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert 'value="at_risk">At risk</option>' in page
    response = post_form(client, f"/meetings/{held_meeting}/minutes/progress/{area_id}",
                         {"status": "at_risk", "narrative": "Data access is slower than planned."},
                         page=minutes_page(held_meeting))
    assert response.status_code == 302
    post_form(client, f"/meetings/{held_meeting}/minutes/next-meeting",
              {"next_meeting": "13th JCM in Washington, D.C., spring 2027", "version": "1"},
              page=minutes_page(held_meeting))
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        assert [(a.name, a.title, a.organization) for a in minutes.attendees if a.side == "KR"] == [
            ("이준호", "국장", "과학기술정보통신부"), ("박지훈", "Program Officer", "NRF, Daejeon")]
        assert [(e.status, e.narrative) for e in minutes.progress] == [("at_risk", "Data access is slower than planned.")]
        assert minutes.next_meeting == "13th JCM in Washington, D.C., spring 2027"

    auth.logout()
    auth.login(committee.us_observer)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "At risk" in page and "NRF, Daejeon" in page and "13th JCM in Washington" in page


def test_an_adoption_is_refused_while_a_focus_area_lacks_progress(app, client, auth, committee, held_meeting,
                                                                  sections):
    circulate(app, committee, held_meeting)
    auth.login(committee.us_co_chair)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Adopt for United States" in page
    response = post_form(client, f"/meetings/{held_meeting}/minutes/adopt", {"confirmed": "y"},
                             page=minutes_page(held_meeting))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The minutes cannot be adopted yet: no progress is recorded for A.1" in page
    assert "B.4" in page
    with app.app_context():
        assert services.minutes_for(get_meeting(held_meeting)).approvals == []


def test_both_co_chairs_adopt_and_the_minutes_are_locked(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    save(client, held_meeting, sections[3], "AI for science.", version=1)
    record_progress(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    auth.logout()
    for co_chair in (committee.us_co_chair, committee.kr_co_chair):
        auth.login(co_chair)
        response = post_form(client, f"/meetings/{held_meeting}/minutes/adopt", {"confirmed": "y"},
                             page=minutes_page(held_meeting))
        assert response.status_code == 302
        auth.logout()

    auth.login(committee.us_secretariat)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        digest = minutes.sha256
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert "Adopted" in page and digest in page
    assert "Adopted by Margaret Chen" in page and "Adopted by 이준호" in page
    assert 'name="discussion"' not in page and "minutes-section-form" not in page and "Restore" not in page
    assert "Propose a correction" in page  # after adoption, text changes only by a correction

    response = save(client, held_meeting, sections[3], "A late change", version=2)
    assert response.status_code == 409
    assert "have been adopted by both co-chairs and can no longer be changed" in response.get_data(as_text=True)
    assert stored(app, sections[3])[0] == "AI for science."


def test_a_script_in_a_discussion_is_shown_as_text(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    save(client, held_meeting, sections[3], 'Agreed <script>alert("x")</script> and <img src=x onerror=alert(1)>',
         version=1)
    auth.logout()
    auth.login(committee.kr_delegate)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


def test_hangul_and_emoji_together_save_and_show(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.kr_secretariat)
    text = "양측은 AI 테스트베드 협력을 환영하였다 🎉🤝"
    assert save(client, held_meeting, sections[3], text, "공동 워크숍 개최 🗓️", version=1).status_code == 302
    assert stored(app, sections[3])[:2] == (text, ["공동 워크숍 개최 🗓️"])
    auth.logout()
    auth.login(committee.us_delegate)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert text in page and "공동 워크숍 개최 🗓️" in page


@pytest.mark.parametrize("path", ["/minutes/sections/{section}", "/meetings/{meeting}/minutes/comments",
                                  "/meetings/{meeting}/minutes/adopt", "/meetings/{meeting}/minutes/status",
                                  "/minutes/sections/{section}/revisions/1/restore"])
def test_forms_without_their_security_token_are_refused(app, client, auth, committee, held_meeting, sections, path):
    auth.login(committee.us_secretariat)
    response = client.post(path.format(section=sections[3], meeting=held_meeting),
                           data={"discussion": "No token", "version": "1", "status": "circulated", "text": "x"})
    assert response.status_code == 400
    assert stored(app, sections[3]) == ("", [], 1)


def test_a_save_after_the_session_expired_leads_back_through_sign_in(app, client, committee, held_meeting, sections):
    response = client.post(f"/minutes/sections/{sections[3]}", data={"discussion": "Typed before expiry",
                                                                   "version": "1"})
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    assert f"next=/meetings/{held_meeting}/minutes" in response.headers["Location"]
    assert stored(app, sections[3]) == ("", [], 1)


def test_readers_see_the_record_before_the_secretariat_opens_it(client, auth, committee, held_meeting):
    auth.login(committee.us_observer)
    response = client.get(minutes_page(held_meeting))
    assert response.status_code == 200
    assert "No minutes have been started for this meeting yet." in response.get_data(as_text=True)
    assert "Start the minutes" not in response.get_data(as_text=True)


def test_a_secretariat_starts_the_minutes_with_a_button_and_opening_the_page_starts_nothing(
        app, client, auth, committee, held_meeting):
    auth.login(committee.kr_secretariat)
    for _visit in range(2):
        page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
        assert "No minutes have been started for this meeting yet." in page and "Start the minutes" in page
    with app.app_context():
        assert services.minutes_for(get_meeting(held_meeting)) is None

    response = post_form(client, f"/meetings/{held_meeting}/minutes/start", {}, page=minutes_page(held_meeting),
                         follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The minutes have been started, with a record for each agenda item." in page
    assert "Start the minutes" not in page and "Opening remarks by the co-chairs" in page
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        assert minutes.status == "draft" and len(minutes.sections) == len(get_meeting(held_meeting,
                                                                                      with_agenda=True).items)

    auth.logout()
    auth.login(committee.us_delegate)  # a delegate reads them, and cannot start another meeting's
    assert "Opening remarks by the co-chairs" in client.get(minutes_page(held_meeting)).get_data(as_text=True)


def test_the_pages_speak_korean(client, auth, committee, held_meeting, sections):
    auth.login(committee.kr_secretariat)
    client.post("/language", data={"locale": "ko", "csrf_token": csrf_token(client, minutes_page(held_meeting))})
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert '<html lang="ko">' in client.get(f"/minutes/sections/{sections[0]}/revisions").get_data(as_text=True)


def test_an_empty_comment_is_refused_beside_its_box(client, auth, committee, app, held_meeting, sections):
    circulate(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    response = post_form(client, f"/meetings/{held_meeting}/minutes/comments",
                         {"text": "  ", "section_id": str(sections[2])}, page=minutes_page(held_meeting))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="comment-text-%d" name="text" rows="2" maxlength="10000" required aria-invalid="true"' % sections[2] in page


def test_a_cancelled_meeting_has_no_minutes_and_its_page_says_so_to_a_secretariat_too(app, client, auth, committee,
                                                                                      make_meeting):
    meeting_id = make_meeting(ordinal=15, start_date="2026-06-10", status="cancelled")
    auth.login(committee.kr_secretariat)
    response = client.get(minutes_page(meeting_id))
    assert response.status_code == 200
    assert "No minutes have been started for this meeting yet." in response.get_data(as_text=True)
    with app.app_context():
        assert services.minutes_for(get_meeting(meeting_id)) is None


# --- two authentic texts, side by side ------------------------------------------------------------------

DISCUSSION_KO = "미국 측은 국립과학재단(NSF)의 인공지능 테스트베드를 소개하였다."


def texts_of(app, section_id: int):
    with app.app_context():
        section = services.get_section(section_id)
        return section.discussion_ko, list(section.decisions_ko), section.version


def save_both(client, meeting_id, section_id, discussion, decisions, discussion_ko, decisions_ko, version):
    return post_form(client, f"/minutes/sections/{section_id}",
                     {"discussion": discussion, "decisions": decisions, "discussion_ko": discussion_ko,
                      "decisions_ko": decisions_ko, "version": str(version)}, page=minutes_page(meeting_id))


def section_html(page: str, section_id: int) -> str:
    return re.search(rf'<article[^>]*id="section-{section_id}".*?</article>', page, re.S).group(0)


def forms_nest(page: str) -> bool:
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        depth, nested = 0, False

        def handle_starttag(self, tag, attrs):
            if tag == "form":
                self.nested = self.nested or self.depth > 0
                self.depth += 1

        def handle_endtag(self, tag):
            if tag == "form":
                self.depth -= 1

    parser = Forms()
    parser.feed(page)
    return parser.nested


def test_a_section_is_written_side_by_side_in_english_and_korean_and_read_so(app, client, auth, committee,
                                                                              held_meeting, sections):
    auth.login(committee.us_secretariat)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    form = section_html(page, sections[3])
    for box in ("discussion", "discussion_ko", "decisions", "decisions_ko"):
        assert f'name="{box}"' in form
    assert f'id="discussion-ko-{sections[3]}" name="discussion_ko" rows="6" lang="ko"' in form

    response = save_both(client, held_meeting, sections[3], "The U.S. side presented NSF's AI testbeds.",
                         "Share the testbed list\nMeet again in June", DISCUSSION_KO,
                         "테스트베드 목록을 공유한다.\n\n6월에 다시 만난다.\n", version=1)
    assert response.status_code == 302
    assert texts_of(app, sections[3]) == (DISCUSSION_KO, ["테스트베드 목록을 공유한다.", "6월에 다시 만난다."], 2)

    auth.logout()
    auth.login(committee.kr_delegate)
    shown = section_html(client.get(minutes_page(held_meeting)).get_data(as_text=True), sections[3])
    assert "AI testbeds" in shown and DISCUSSION_KO in shown and "6월에 다시 만난다." in shown
    assert shown.count('class="text-state text-state--written"') == 4
    assert "Mark as checked" not in shown  # a delegate reads; only a secretariat checks


def test_a_page_that_sends_only_the_english_leaves_the_korean_as_it_is(app, client, auth, committee, held_meeting,
                                                                        sections):
    auth.login(committee.kr_secretariat)
    save_both(client, held_meeting, sections[3], "", "", DISCUSSION_KO, "", version=1)
    auth.logout()
    auth.login(committee.us_secretariat)
    assert save(client, held_meeting, sections[3], "AI for science.", version=2).status_code == 302
    assert stored(app, sections[3])[0] == "AI for science."
    assert texts_of(app, sections[3]) == (DISCUSSION_KO, [], 3)


def test_a_korean_decision_list_of_another_length_is_refused_beside_its_box(app, client, auth, committee,
                                                                           held_meeting, sections):
    auth.login(committee.kr_secretariat)
    response = save_both(client, held_meeting, sections[3], "AI for science.", "Share the list\nMeet in June",
                         DISCUSSION_KO, "목록을 공유한다.", version=1)
    assert response.status_code == 422
    form = section_html(response.get_data(as_text=True), sections[3])
    assert "The Korean decisions follow the English ones one for one: 2 expected, 1 given." in form
    assert re.search(r'name="decisions_ko" rows="3" lang="ko"[^>]* aria-invalid="true">목록을 공유한다.</textarea>', form)
    assert DISCUSSION_KO + "</textarea>" in form  # nothing typed is lost
    assert stored(app, sections[3]) == ("", [], 1)


def test_a_stale_korean_save_shows_the_stored_texts_and_the_writers_own_in_each_language(
        app, client, auth, committee, held_meeting, sections):
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        services.save_section(us, services.get_section(sections[3]), "The U.S. text.", [], 1,
                              discussion_ko="미국 측 국문 문안")
        db.session.commit()
    auth.login(committee.kr_secretariat)  # the Korean secretariat's page was read before that save
    response = save_both(client, held_meeting, sections[3], "", "", DISCUSSION_KO, "", version=1)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert '<pre class="minutes-conflict__stored">The U.S. text.</pre>' in page
    assert '<pre class="minutes-conflict__stored-ko" lang="ko">미국 측 국문 문안</pre>' in page
    assert f'<pre class="minutes-conflict__yours-ko" lang="ko">{DISCUSSION_KO}</pre>' in page
    form = re.search(rf'<form[^>]*action="/minutes/sections/{sections[3]}".*?</form>', page, re.S).group(0)
    assert 'name="version" value="2"' in form and DISCUSSION_KO + "</textarea>" in form
    assert texts_of(app, sections[3]) == ("미국 측 국문 문안", [], 2)
    # A check from this page, shown in answer to the save, comes back to the minutes, not to the save's address.
    checking = re.search(rf'<form id="check-minutes_section-{sections[3]}-discussion-ko".*?</form>', page, re.S)
    assert f'name="next" value="/meetings/{held_meeting}/minutes#section-{sections[3]}"' in checking.group(0)


def test_each_side_marks_its_own_language_checked_and_a_change_of_the_other_shows_what_changed(
        app, client, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    save_both(client, held_meeting, sections[3], "The sides met.", "", DISCUSSION_KO, "", version=1)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert not forms_nest(page)
    mine = section_html(page, sections[3])
    check_en = f"check-minutes_section-{sections[3]}-discussion-en"
    assert f'form="{check_en}"' in mine and f"check-minutes_section-{sections[3]}-discussion-ko" not in mine
    auth.logout()

    auth.login(committee.kr_secretariat)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert not forms_nest(page)
    check_ko = f"check-minutes_section-{sections[3]}-discussion-ko"
    theirs = section_html(page, sections[3])
    # The button sits beside the Korean box, inside the section's form; the form it submits is outside it.
    button = f'<button type="submit" form="{check_ko}" class="button button--small text-pair__check">'
    assert button in theirs and f'form="{check_en}"' not in theirs
    editing = re.search(rf'<form[^>]*action="/minutes/sections/{sections[3]}".*?</form>', theirs, re.S).group(0)
    assert button in editing and f'id="{check_ko}"' not in editing
    checking = re.search(rf'<form id="{check_ko}" method="post".*?</form>', theirs, re.S).group(0)
    assert f'action="/texts/minutes_section/{sections[3]}/discussion/ko/check"' in checking
    assert f'name="next" value="/meetings/{held_meeting}/minutes#section-{sections[3]}"' in checking

    response = post_form(client, f"/texts/minutes_section/{sections[3]}/discussion/ko/check",
                         {"next": f"/meetings/{held_meeting}/minutes#section-{sections[3]}", "revision": "1"},
                         page=minutes_page(held_meeting))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{held_meeting}/minutes#section-{sections[3]}")
    shown = section_html(client.get(minutes_page(held_meeting)).get_data(as_text=True), sections[3])
    assert f'<span class="text-state text-state--checked" id="discussion-ko-{sections[3]}-state">Checked</span>' in shown
    auth.logout()

    auth.login(committee.us_secretariat)
    save_both(client, held_meeting, sections[3], "The sides met in Sejong.", "", DISCUSSION_KO, "", version=2)
    auth.logout()
    auth.login(committee.kr_secretariat)
    shown = section_html(client.get(minutes_page(held_meeting)).get_data(as_text=True), sections[3])
    assert f'<span class="text-state text-state--stale" id="discussion-ko-{sections[3]}-state">Out of date</span>' in shown
    assert f'aria-describedby="discussion-ko-{sections[3]}-state discussion-ko-{sections[3]}-difference"' in shown
    assert "The English text has changed since this one was last written or checked:" in shown
    assert '<del><span class="visually-hidden">Removed: </span>The sides met.</del>' in shown
    assert '<ins><span class="visually-hidden">Added: </span>The sides met in Sejong.</ins>' in shown
    assert button in shown  # the Korean side may find its text still right, and say so


def test_progress_the_next_meeting_and_the_delegation_are_written_in_both_languages(
        app, client, auth, committee, held_meeting, sections):
    auth.login(committee.kr_secretariat)
    with app.app_context():
        area_id = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
    response = post_form(client, f"/meetings/{held_meeting}/minutes/progress/{area_id}",
                         {"status": "on_track", "narrative": "Testbeds shared.", "narrative_ko": "테스트베드를 공유하였다."},
                         page=minutes_page(held_meeting))
    assert response.status_code == 302
    post_form(client, f"/meetings/{held_meeting}/minutes/next-meeting",
              {"next_meeting": "Washington, D.C., spring 2027", "next_meeting_ko": "2027년 봄, 워싱턴 D.C.",
               "version": "1"}, page=minutes_page(held_meeting))
    response = post_form(client, f"/meetings/{held_meeting}/minutes/attendance/KR", {
        "people": "Lee Joon-ho, Director General, MSIT | 이준호, 국장, 과학기술정보통신부\nPark Ji-hoon\n"},
        page=minutes_page(held_meeting))
    assert response.status_code == 302
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        assert [(e.narrative, e.narrative_ko) for e in minutes.progress] == [
            ("Testbeds shared.", "테스트베드를 공유하였다.")]
        assert minutes.next_meeting_ko == "2027년 봄, 워싱턴 D.C."
        assert [(a.name, a.title, a.organization, a.name_ko, a.title_ko, a.organization_ko)
                for a in sorted(minutes.attendees, key=lambda a: a.position)] == [
            ("Lee Joon-ho", "Director General", "MSIT", "이준호", "국장", "과학기술정보통신부"),
            ("Park Ji-hoon", "", "", "", "", "")]

    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Lee Joon-ho, Director General, MSIT | 이준호, 국장, 과학기술정보통신부\nPark Ji-hoon</textarea>" in page
    assert re.search(rf'id="progress-narrative-ko-{area_id}" name="narrative_ko" rows="3" lang="ko"[^>]*>테스트베드를 공유하였다.',
                     page)
    assert re.search(r'name="next_meeting_ko" rows="2" maxlength="2000" lang="ko"[^>]*>2027년 봄, 워싱턴 D.C.</textarea>',
                     page)
    assert not forms_nest(page)

    auth.logout()
    auth.login(committee.us_observer)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "테스트베드를 공유하였다." in page and "2027년 봄, 워싱턴 D.C." in page
    assert '<span class="attendance-list__ko" lang="ko">· 이준호, 국장, 과학기술정보통신부</span>' in page


def test_the_history_shows_and_restores_both_languages(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    save_both(client, held_meeting, sections[0], "First text", "", "첫 번째 문안", "", version=1)
    save_both(client, held_meeting, sections[0], "Second text", "", "두 번째 문안", "", version=2)
    page = client.get(f"/minutes/sections/{sections[0]}/revisions").get_data(as_text=True)
    assert "첫 번째 문안" in page and "두 번째 문안" in page
    post_form(client, f"/minutes/sections/{sections[0]}/revisions/2/restore", {},
              page=f"/minutes/sections/{sections[0]}/revisions")
    assert stored(app, sections[0])[0] == "First text" and texts_of(app, sections[0]) == ("첫 번째 문안", [], 4)


def test_the_side_by_side_editor_speaks_korean(app, client, auth, committee, held_meeting, sections):
    auth.login(committee.kr_secretariat)
    save_both(client, held_meeting, sections[3], "The sides met.", "", DISCUSSION_KO, "", version=1)
    client.post("/language", data={"locale": "ko", "csrf_token": csrf_token(client, minutes_page(held_meeting))})
    shown = section_html(client.get(minutes_page(held_meeting)).get_data(as_text=True), sections[3])
    assert "논의 내용(국문)" in shown and "합의 사항 국문(한 줄에 하나씩, 영문과 같은 순서로)" in shown
    assert f'<span class="text-state text-state--written" id="discussion-ko-{sections[3]}-state">확인 필요</span>' in shown
    assert f'<span class="text-state text-state--empty" id="decisions-ko-{sections[3]}-state">공란</span>' in shown
    assert "확인 완료로 표시" in shown
