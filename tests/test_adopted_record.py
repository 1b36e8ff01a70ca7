"""The adopted record: once both co-chairs adopt, what the minutes print is frozen, and every copy is the same."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from jcm.accounts.models import Organization
from jcm.accounts.services import get_user, update_user
from jcm.actions.services import create_action_item, get_action_item, update_action_item
from jcm.errors import Conflict
from jcm.extensions import db
from jcm.meetings.attachments import add_attachment
from jcm.meetings.services import agree_agenda, get_meeting
from jcm.minutes import services
from jcm.mou.models import Agreement, FocusArea
from jcm.records import canonical_json, digest
from tests.conftest import complete_both_texts
from tests.test_minutes_document import adopt, minutes_url, write_minutes

LANGS = ("en", "ko")


def documents(client, meeting_id: int) -> dict[str, bytes]:
    """Every form of the minutes: HTML and PDF in both languages."""
    got = {}
    for lang in LANGS:
        for kind in ("html", "pdf"):
            response = client.get(f"{minutes_url(meeting_id, kind)}?lang={lang}")
            assert response.status_code == 200, (lang, kind, response.status_code)
            got[f"{kind}-{lang}"] = response.data
    return got


def change_everything_the_minutes_print(app, committee, meeting_id: int, raised_id: int) -> None:
    """What a committee might do in JCM after adoption: none of it may reach the adopted record."""
    from jcm.mou.loader import bundled_mou_path, parse_mou_text
    from jcm.mou.services import load_mou

    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        item = get_action_item(raised_id)
        nasa = db.session.scalar(select(Organization).where(Organization.acronym == "NASA"))
        update_action_item(us, item, {"title": "Renamed after adoption", "due_date": "2031-01-31",
                                      "owners": {"US": [{"organization_id": nasa.id}],
                                                 "KR": [{"user_id": committee.kr_delegate.id}]}})
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
        create_action_item(us, db.session.get(Agreement, committee.agreement_id),
                           {"title": "Added after adoption", "focus_area_id": area, "due_date": "2030-06-30",
                            "meeting_id": meeting_id,
                            "owners": {"US": [{"user_id": committee.us_delegate.id}],
                                       "KR": [{"user_id": committee.kr_delegate.id}]}})
        update_user(get_user(committee.us_admin.id), get_user(committee.kr_co_chair.id), {"name": "개명된 위원장"})
        update_user(get_user(committee.us_admin.id), get_user(committee.us_co_chair.id), {"title": "Renamed Title"})
        nsf = db.session.scalar(select(Organization).where(Organization.acronym == "NSF"))
        nsf.name = "Renamed Foundation"
        text = bundled_mou_path("us-rok-st-mou.yaml").read_text(encoding="utf-8")
        assert "title: AI for Science and Use-Inspired Research" in text
        load_mou("test", parse_mou_text(text.replace("title: AI for Science and Use-Inspired Research",
                                                     "title: A Title Changed After Adoption"), "changed.yaml"))
        from jcm.meetings.services import get_agenda_item

        agenda_item = get_agenda_item(get_meeting(meeting_id, with_agenda=True).items[3].id)
        with pytest.raises(Conflict):  # a paper is part of the record once the minutes are adopted
            add_attachment(us, agenda_item, "late-paper.pdf", io.BytesIO(b"%PDF-1.4\n% a late paper\n%%EOF\n"))
        db.session.commit()


def test_nothing_changed_after_adoption_moves_the_adopted_html_pdfs_or_digest(
        app, client, auth, committee, held_meeting, make_action_item):
    raised = make_action_item(title="Organise a joint quantum workshop", focus_area="B.4", due_date="2026-09-30",
                              meeting_id=held_meeting)
    write_minutes(app, committee, held_meeting)
    sha256 = adopt(app, committee, held_meeting)
    auth.login(committee.kr_delegate)
    before = documents(client, held_meeting)
    assert b"Organise a joint quantum workshop" in before["html-en"] and "이준호".encode() in before["html-ko"]

    change_everything_the_minutes_print(app, committee, held_meeting, raised)

    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        assert minutes.sha256 == sha256 == digest(minutes.adopted_content)
    after = documents(client, held_meeting)
    for key in before:
        assert after[key] == before[key], key
    for word in ("Renamed after adoption", "Added after adoption", "개명된 위원장", "Renamed Title",
                 "Renamed Foundation", "A Title Changed After Adoption", "late-paper.pdf"):
        assert word.encode() not in after["html-en"] + after["html-ko"], word

    # The kept files lost: the same bytes come back, rendered from the record alone.
    shutil.rmtree(Path(app.instance_path) / "documents")
    again = documents(client, held_meeting)
    for lang in LANGS:
        assert again[f"pdf-{lang}"] == before[f"pdf-{lang}"], lang

    # The register and the item's page show the live item, with a way to the adopted record.
    page = client.get(f"/action-items/{raised}").get_data(as_text=True)
    assert "Renamed after adoption" in page and f"/meetings/{held_meeting}/minutes.html" in page


def test_the_english_and_korean_pdfs_are_two_files_of_one_record(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    sha256 = adopt(app, committee, held_meeting)
    auth.login(committee.us_observer)
    english = client.get(minutes_url(held_meeting, "pdf") + "?lang=en")
    korean = client.get(minutes_url(held_meeting, "pdf") + "?lang=ko")
    assert english.headers["Content-Disposition"] == "inline; filename=JCM12-minutes-en.pdf"
    assert korean.headers["Content-Disposition"] == "inline; filename=JCM12-minutes-ko.pdf"
    assert english.headers["Content-Language"] == "en" and korean.headers["Content-Language"] == "ko"
    embedded = []
    for response in (english, korean):
        reader = PdfReader(io.BytesIO(response.data))
        (record,) = reader.attachments["record.json"]
        embedded.append(record)
        assert digest(__import__("json").loads(record)) == sha256
    assert embedded[0] == embedded[1]
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        assert embedded[0].decode() == canonical_json(minutes.adopted_content)


def test_the_document_language_is_chosen_by_lang_and_a_wrong_one_is_refused(app, client, auth, committee,
                                                                            held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    assert '<html lang="ko">' in client.get(minutes_url(held_meeting) + "?lang=ko").get_data(as_text=True)
    assert '<html lang="en">' in client.get(minutes_url(held_meeting)).get_data(as_text=True)
    for bad in ("fr", "../../etc", "ko%00", "x" * 500):
        response = client.get(minutes_url(held_meeting) + f"?lang={bad}")
        assert response.status_code in (400, 422), bad


def test_adoption_prepares_the_pdfs_of_both_languages_and_the_parallel_text(app, client, auth, committee, held_meeting):
    app.config["PREPARE_DOCUMENTS"] = True
    write_minutes(app, committee, held_meeting)
    sha256 = adopt(app, committee, held_meeting)
    for thread in app.extensions.get("jcm_document_threads", []):
        thread.join(timeout=120)
    kept = sorted(p.name for p in (Path(app.instance_path) / "documents").glob("minutes-*.pdf"))
    # The English text, the Korean text and the two side by side, each kept under its language.
    assert kept == [f"minutes-{held_meeting}-{sha256}-{lang}.pdf" for lang in ("both", "en", "ko")]
    auth.login(committee.us_delegate)
    served = client.get(minutes_url(held_meeting, "pdf") + "?lang=ko").data
    assert served == (Path(app.instance_path) / "documents" / kept[2]).read_bytes()
    parallel = client.get(minutes_url(held_meeting, "pdf") + "?lang=both")
    assert parallel.headers["Content-Disposition"] == "inline; filename=JCM12-minutes-both.pdf"
    assert parallel.data == (Path(app.instance_path) / "documents" / kept[0]).read_bytes()


def test_an_agreed_agenda_is_printed_from_its_frozen_version(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10")
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        agree_agenda(get_user(committee.us_co_chair.id), get_meeting(meeting_id))
        agree_agenda(get_user(committee.kr_co_chair.id), get_meeting(meeting_id))
        db.session.commit()
    auth.login(committee.us_delegate)
    before = client.get(f"/meetings/{meeting_id}/agenda.html").data
    pdf = client.get(f"/meetings/{meeting_id}/agenda.pdf").data
    assert b"SHA-256" in before
    with app.app_context():
        update_user(get_user(committee.us_admin.id), get_user(committee.kr_co_chair.id), {"name": "개명된 위원장"})
        db.session.commit()
    assert client.get(f"/meetings/{meeting_id}/agenda.html").data == before
    assert client.get(f"/meetings/{meeting_id}/agenda.pdf").data == pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert "record.json" in reader.attachments


# --- the frame ----------------------------------------------------------------------------------------------

def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end)]


def test_each_language_names_its_own_government_first_and_signs_first(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    english = client.get(minutes_url(held_meeting) + "?lang=en").get_data(as_text=True)
    korean = client.get(minutes_url(held_meeting) + "?lang=ko").get_data(as_text=True)
    title = _between(english, 'class="title-block"', "</header>")
    assert title.index("United States of America") < title.index("Republic of Korea")
    signatures = _between(english, 'id="signatures"', 'class="digest"')
    assert signatures.index("Margaret Chen") < signatures.index("이준호")
    title = _between(korean, 'class="title-block"', "</header>")
    assert title.index("대한민국") < title.index("미합중국") and "합의의사록" in title
    signatures = _between(korean, 'id="signatures"', 'class="digest"')
    assert signatures.index("이준호") < signatures.index("Margaret Chen")
    delegations = _between(korean, 'id="delegations"', 'id="adoption"')
    assert delegations.index("홍길동") < delegations.index("제인 도 박사")  # the Korean text names her in Hangul


def test_the_title_spells_the_ordinal_and_the_legal_basis_names_the_signed_agreement(app, client, auth, committee,
                                                                                     held_meeting):
    from datetime import date

    with app.app_context():
        db.session.get(Agreement, committee.agreement_id).signed_date = date(2025, 11, 14)
        db.session.commit()
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    english = client.get(minutes_url(held_meeting) + "?lang=en").get_data(as_text=True)
    assert "Agreed Minutes of the Twelfth Meeting of the Joint Committee" in english
    assert "on Science and Technology Cooperation, signed on November 14, 2025" in english
    korean = client.get(minutes_url(held_meeting) + "?lang=ko").get_data(as_text=True)
    assert "제12차 공동위원회 합의의사록" in korean and "2025년 11월 14일 서명" in korean
    for page in (english, korean):
        assert "을(를)" not in page and "시간(분)" not in page


def test_the_closing_line_says_truthfully_in_which_languages_the_text_exists(app, client, auth, committee,
                                                                            held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    english = client.get(minutes_url(held_meeting)).get_data(as_text=True)
    # The records are written in one language only: the document does not claim a Korean text it lacks.
    assert "in duplicate, in the English language." in english
    assert "both texts being equally authentic" not in english
    korean = client.get(minutes_url(held_meeting) + "?lang=ko").get_data(as_text=True)
    assert "영어로 2부 작성되었다" in korean


def test_adoption_dates_are_those_of_the_place_of_the_meeting(app):
    from jcm.documents.frame import Frame

    record = {"meeting": {"time_zone": "Asia/Seoul"}}
    with app.test_request_context("/"):
        # 20:30 UTC on 12 March is already 13 March in Seoul, and still 12 March in Washington.
        assert Frame(record, "en").local_date("2026-03-12T20:30:00Z") == "March 13, 2026"
        assert Frame({"meeting": {"time_zone": "America/New_York"}}, "en").local_date(
            "2026-03-12T20:30:00Z") == "March 12, 2026"


def test_the_record_keeps_the_meetings_time_zone_and_annexes_the_agreed_agenda(app, client, auth, committee,
                                                                              held_meeting):
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    with app.app_context():
        record = services.minutes_for(get_meeting(held_meeting)).adopted_content
        assert record["meeting"]["time_zone"] == "Asia/Seoul"  # the meeting is hosted in Korea
        annexed = [slot["item"]["title"]["en"] for day in record["agenda"]["days"] for slot in day["slots"]]
        assert annexed and annexed == [entry["title"]["en"] for entry in record["records"]]
    auth.login(committee.us_delegate)
    page = client.get(minutes_url(held_meeting)).get_data(as_text=True)
    annex = page[page.index('id="annex"'):]
    assert "Annex" in annex and annexed[0] in annex
