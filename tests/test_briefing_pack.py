"""Each side's briefing pack for a meeting: one document, HTML and PDF, in that side's language — the agenda, the
side's notes on the meeting and on each item, the open action items its agencies own, and the progress recorded so
far for each focus area on the agenda — marked as that side's alone. The other side never gets it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services as minutes
from jcm.mou.models import FocusArea
from tests.conftest import Auth
from tests.test_agenda_document import pdf_text


@pytest.fixture
def briefed(app, api, committee, make_meeting, held_meeting, sections, make_action_item):
    """The 12th meeting held, its minutes recording A.1 on track; the 13th, coming, with A.1 and B.4 on its agenda,
    each side's notes on it and its items, and action items owned by each side's agencies."""
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        record = minutes.open_minutes(us, get_meeting(held_meeting))
        a1 = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
        minutes.save_progress(us, record, a1, "on_track", "Testbeds shared on schedule.",
                              narrative_ko="테스트베드를 일정대로 공유함.")
        db.session.commit()
    coming = make_meeting(ordinal=13, start_date="2027-05-12", focus_areas=("A.1", "B.4"))
    with app.app_context():
        items = [item.id for item in get_meeting(coming, with_agenda=True).items]
    make_action_item(title="Share quantum testbed schedules", focus_area="B.4", due_date="2026-01-31",
                     title_ko="양자 테스트베드 일정 공유")
    make_action_item(title="Publish the joint AI call", focus_area="A.1", due_date="2027-09-30",
                     title_ko="공동 AI 공모 공고")
    notes = {
        (committee.us_co_chair, f"/api/v1/meetings/{coming}/notes"): "Open with the quantum centre announcement.",
        (committee.us_delegate, f"/api/v1/agenda-items/{items[3]}/notes"): "NSF can fund two fellows in 2027.",
        (committee.kr_co_chair, f"/api/v1/meetings/{coming}/notes"): "기조연설에서 인공지능 공동연구 성과를 강조할 것.",
        (committee.kr_delegate, f"/api/v1/agenda-items/{items[3]}/notes"): "NRF 예산 증액 가능성을 언급할 것.",
    }
    for (person, path), text in notes.items():
        assert api.post(path, person, json={"text": text, "version": 0}).status_code == 201
    return coming


def pdf(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return pdf_text(response.data)


def test_the_us_pack_is_in_english_with_its_notes_items_action_items_and_progress(app, client, committee, briefed):
    Auth(client).login(committee.us_delegate)
    response = client.get(f"/meetings/{briefed}/briefing.pdf")
    text = pdf(response)
    assert response.headers["Cache-Control"] == "private, no-store"
    for expected in ("Briefing pack", "U.S. only", "The 13th Joint Committee Meeting",
                     "Open with the quantum centre announcement.", "NSF can fund two fellows in 2027.",
                     "Share quantum testbed schedules", "Overdue", "Publish the joint AI call", "David Okafor",
                     "Testbeds shared on schedule.", "On track", "Progress so far by focus area",
                     "No progress recorded yet."):
        assert expected in text, expected
    # Every action item has an owner on each side: the pack names this side's.
    for absent in ("기조연설", "NRF 예산", "박지훈", "한국 측 내부용"):
        assert absent not in text, absent
    assert text.count("U.S. only") >= 2 * len(PdfReader(io.BytesIO(response.data)).pages)  # each page's header, footer
    metadata = PdfReader(io.BytesIO(response.data)).metadata
    assert metadata.title.startswith("U.S. only — Briefing pack") and "U.S. only" in metadata.subject

    html = client.get(f"/meetings/{briefed}/briefing.html").get_data(as_text=True)
    assert 'data-header="U.S. only · ' in html and "NSF can fund two fellows in 2027." in html


def test_the_korean_pack_is_in_korean_and_an_observer_reads_it(app, client, committee, briefed):
    Auth(client).login(committee.kr_observer)  # observers of the side read it
    response = client.get(f"/meetings/{briefed}/briefing.pdf")
    text = pdf(response)
    for expected in ("브리핑 자료", "한국 측 내부용", "제13차", "기조연설에서 인공지능 공동연구 성과를 강조할 것.",
                     "NRF 예산 증액 가능성을 언급할 것.", "공동 AI 공모 공고", "양자 테스트베드 일정 공유", "박지훈",
                     "테스트베드를 일정대로 공유함.",
                     "중점 분야별 추진 현황", "의제별 우리 측 메모"):
        assert expected in text, expected
    for absent in ("quantum centre", "NSF can fund", "David Okafor", "U.S. only"):
        assert absent not in text, absent
    assert PdfReader(io.BytesIO(response.data)).metadata.title.startswith("한국 측 내부용")


def test_the_other_side_gets_not_found(app, client, api, committee, briefed):
    for person in (committee.kr_admin, committee.kr_secretariat, committee.kr_co_chair, committee.kr_delegate):
        browser = app.test_client()
        Auth(browser).login(person)
        for address in (f"/meetings/{briefed}/briefing.html?side=US", f"/meetings/{briefed}/briefing.pdf?side=US",
                        f"/api/v1/meetings/{briefed}/briefing?side=US"):
            response = browser.get(address) if not address.startswith("/api/") else api.get(address, person)
            assert response.status_code == 404, (person.role, address)
            assert "quantum centre" not in response.get_data(as_text=True)
        own = browser.get(f"/meetings/{briefed}/briefing.html?side=KR").get_data(as_text=True)
        assert "한국 측 내부용" in own and "quantum centre" not in own
    assert client.get("/meetings/999999/briefing.html").status_code in (302, 401)  # signed out: sign in first
    Auth(client).login(committee.us_delegate)
    assert client.get("/meetings/999999/briefing.html").status_code == 404
    assert client.get(f"/meetings/{briefed}/briefing.html?side=XX").status_code == 404


def test_the_api_gives_the_same_pack_as_json(app, api, committee, briefed):
    pack = api.get(f"/api/v1/meetings/{briefed}/briefing", committee.us_observer)
    assert pack.status_code == 200
    body = pack.get_json()
    assert body["side"] == "US" and body["language"] == "en" and body["marking"] == "U.S. only"
    assert body["meeting_note"]["text"] == "Open with the quantum centre announcement."
    assert body["meeting_note"]["updated_at"].endswith("Z")
    assert api.get(f"/api/v1/meetings/{briefed}/briefing?side=XX", committee.us_observer).status_code == 422
    assert [item["note"]["text"] for item in body["items"] if item["note"]] == ["NSF can fund two fellows in 2027."]
    assert [item["ref"] for item in body["action_items"]] and body["action_items"][0]["overdue"] is True
    assert {area["code"]: area["status"] for area in body["progress"]} == {"A.1": "on_track", "B.4": None}
