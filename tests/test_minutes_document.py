"""The minutes as a document: the agreed minutes both co-chairs sign, the same on screen and in the PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.mou.models import FocusArea
from tests.conftest import complete_both_texts
from tests.test_agenda_document import PDF, _embedded_fonts, assert_reads_as_a_korean_document, pdf_text


def minutes_url(meeting_id: int, kind: str = "html") -> str:
    return f"/meetings/{meeting_id}/minutes.{kind}"


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _area(code: str) -> int:
    return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


DISCUSSION = ("The U.S. side presented **NSF's AI testbeds**. 한국 측은 데이터셋 현황을 설명하였다.\n\n"
              "<script>alert('minutes')</script>")


def write_minutes(app, committee, meeting_id: int, discussion: str = DISCUSSION) -> None:
    with app.app_context():
        us, kr = get_user(committee.us_secretariat.id), get_user(committee.kr_secretariat.id)
        minutes = services.open_minutes(us, get_meeting(meeting_id))
        services.set_attendance(us, minutes, "US", [
            {"user_id": committee.us_co_chair.id},
            {"name": "Dr. Jane Doe", "title": "Director", "organization": "National Science Foundation"}])
        services.set_attendance(kr, minutes, "KR", [
            {"user_id": committee.kr_co_chair.id},
            {"name": "홍길동", "title": "과장", "organization": "과학기술정보통신부"}])
        sections = services.ordered_sections(minutes)
        services.save_section(us, sections[3], discussion,
                              ["The two sides agreed to exchange testbed inventories by June."], None)
        services.save_section(kr, sections[4], "양자 혁신 협력을 논의하였다.", ["양측은 공동 워크숍을 개최하기로 합의하였다."], None)
        services.save_progress(us, minutes, _area("A.1"), "on_track", "Testbeds shared on schedule.")
        services.save_progress(kr, minutes, _area("B.4"), "at_risk", "양자 테스트베드 접근 지연")
        services.set_next_meeting(us, minutes, "Washington, D.C., in the spring of 2027.")
        db.session.commit()


def adopt(app, committee, meeting_id: int) -> str:
    """Both texts completed and checked, the minutes circulated and adopted by both co-chairs; their digest."""
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        services.set_status(get_user(committee.us_secretariat.id), minutes, "circulated")
        services.adopt(get_user(committee.us_co_chair.id), minutes)
        services.adopt(get_user(committee.kr_co_chair.id), minutes)
        db.session.commit()
        return minutes.sha256


KEY_TEXTS = ("Agreed Minutes of the Twelfth Meeting of the Joint Committee",
             "THE GOVERNMENT OF THE UNITED STATES OF AMERICA", "THE GOVERNMENT OF THE REPUBLIC OF KOREA",
             "Dr. Jane Doe", "National Science Foundation", "홍길동", "과학기술정보통신부", "이준호",
             "The two sides agreed to exchange testbed inventories by June.",
             "양측은 공동 워크숍을 개최하기로 합의하였다.", "On track", "At risk", "Testbeds shared on schedule.",
             "양자 테스트베드 접근 지연", "Washington, D.C., in the spring of 2027.",
             "in duplicate, in the English")  # and, once both texts are complete, "and Korean languages"


# --- the draft ------------------------------------------------------------------------------------------

def test_the_draft_shows_everything_in_html_and_pdf_and_is_marked_as_a_draft(
        app, client, auth, committee, held_meeting, make_action_item):
    earlier = make_action_item(title="Exchange AI-ready dataset inventories", due_date="2026-02-28")
    raised = make_action_item(title="Organise a joint quantum workshop", focus_area="B.4", due_date="2026-09-30",
                              meeting_id=held_meeting)
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)

    response = client.get(minutes_url(held_meeting))
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page and 'href="/static/css/print.css"' in page
    # the draft mark is drawn, not written: its word is in no text of the page
    assert '<div class="watermark" aria-hidden="true"><svg' in page and "DRAFT" not in page
    for text in KEY_TEXTS:  # the governments are capitalised by the stylesheet, not in the text
        assert (text.title().replace(" Of The ", " of the ").replace(" Of ", " of ") if text.isupper() else text) in page, text
    assert "<strong>NSF&#39;s AI testbeds</strong>" in page or "<strong>NSF's AI testbeds</strong>" in page
    assert "<script" not in page  # the discussion's markup never runs
    assert "Director" in page and "Margaret Chen" in page  # titles and the U.S. co-chair
    assert '<span class="code">A.1</span>' in page and '<span class="code">B.4</span>' in page
    assert "Done at Sejong, on" in page
    with app.app_context():
        from jcm.actions.services import get_action_item

        earlier_ref, raised_ref = get_action_item(earlier).ref, get_action_item(raised).ref
    review = page[page.index('id="review"'):page.index('id="new-actions"')]
    assert earlier_ref in review and "Exchange AI-ready dataset inventories" in review
    assert "Kevin" in review or "박지훈" in review  # an owner on each side
    new = page[page.index('id="new-actions"'):]
    assert raised_ref in new and "Organise a joint quantum workshop" in new

    pdf = client.get(minutes_url(held_meeting, "pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    pages = page_texts(pdf.data)
    assert not any("DRAFT" in text for text in pages), [i for i, t in enumerate(pages) if "DRAFT" in t]
    text = " ".join(pages)
    assert text.count("Draft minutes") == 1  # the title block says it is a draft, once
    for key in KEY_TEXTS:  # the HTML and the PDF say the same things
        assert key in text, key
    assert earlier_ref in text and raised_ref in text and "Organise a joint quantum workshop" in text
    assert "&lt;script&gt;" in page and "<script>alert('minutes')</script>" in text  # shown as text, never run
    assert re.search(r"Page 1 of \d", text)


def test_a_script_in_the_discussion_is_text_or_removed_never_a_tag(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting, discussion='Before <script>alert("x")</script> after **bold**')
    auth.login(committee.kr_delegate)
    page = client.get(minutes_url(held_meeting)).get_data(as_text=True)
    assert "<script" not in page
    assert "<strong>bold</strong>" in page
    text = pdf_text(client.get(minutes_url(held_meeting, "pdf")).data)
    assert "Before" in text and "after bold" in text.replace("  ", " ")


def test_korean_text_is_extracted_from_the_pdf_in_a_font_with_hangul(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.kr_delegate)
    data = client.get(minutes_url(held_meeting, "pdf")).data
    text = pdf_text(data)
    assert "홍길동" in text and "양자 혁신 협력을 논의하였다." in text
    fonts = _embedded_fonts(data)
    hangul = {name: font for name, font in fonts.items()
              if any(0xAC00 <= code <= 0xD7A3 for code in (font.getBestCmap() or {}))}
    assert hangul, f"no embedded font covers Hangul: {sorted(fonts)}"
    covered = set().union(*(font.getBestCmap() for font in hangul.values()))
    for name in ("이준호", "홍길동", "양자 테스트베드 접근 지연"):
        assert {ord(ch) for ch in name if not ch.isspace()} <= covered, name


def test_hangul_and_emoji_together_do_not_break_the_document(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting, discussion="한국 측은 데이터셋 현황을 설명하였다. 🙂🇰🇷🇺🇸 👍🏽")
    auth.login(committee.us_delegate)
    page = client.get(minutes_url(held_meeting))
    assert page.status_code == 200 and "🙂" in page.get_data(as_text=True)
    pdf = client.get(minutes_url(held_meeting, "pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)  # fonts without emoji print a blank glyph for them: the rest still reads
    assert "홍길동" in text and "양자 테스트베드 접근 지연" in text


# --- once adopted ---------------------------------------------------------------------------------------

def test_adopted_minutes_carry_their_digest_and_every_pdf_is_the_same(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    sha256 = adopt(app, committee, held_meeting)
    assert re.fullmatch(r"[0-9a-f]{64}", sha256)
    auth.login(committee.kr_observer)

    page = client.get(minutes_url(held_meeting)).get_data(as_text=True)
    assert "DRAFT" not in page and 'class="watermark"' not in page
    assert f'<code class="digest__value">{sha256}</code>' in page
    assert "Adopted on" in page and "by both co-chairs" in page

    first = client.get(minutes_url(held_meeting, "pdf"))
    second = client.get(minutes_url(held_meeting, "pdf"))
    assert first.status_code == second.status_code == 200
    assert first.data == second.data  # byte for byte
    assert first.headers["Content-Disposition"] == "inline; filename=JCM12-minutes-en.pdf"
    text = pdf_text(first.data)
    assert "DRAFT" not in text and sha256 in text
    for key in KEY_TEXTS:
        assert key in text, key
    kept = list((__import__("pathlib").Path(app.instance_path) / "documents").glob(
        f"minutes-{held_meeting}-{sha256}-*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == first.data


def test_the_next_meetings_minutes_link_to_the_adopted_previous_ones(app, client, auth, committee, held_meeting,
                                                                    make_meeting):
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    next_id = make_meeting(ordinal=13, start_date="2027-03-10", focus_areas=("A.1",))
    with app.app_context():
        services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(next_id))
        db.session.commit()
    auth.login(committee.us_delegate)
    page = client.get(minutes_url(next_id)).get_data(as_text=True)
    assert "Agreed Minutes of the Thirteenth Meeting of the Joint Committee" in page
    assert f'href="/meetings/{held_meeting}/minutes.html"' in page
    assert ("The Committee took note of the adopted minutes of the previous meeting "
            f'(<a href="/meetings/{held_meeting}/minutes.html">The 12th Joint Committee Meeting</a>).') in page
    korean = client.get(minutes_url(next_id) + "?lang=ko").get_data(as_text=True)
    assert (f'공동위원회는 직전 회의(<a href="/meetings/{held_meeting}/minutes.html">제12차 공동위원회</a>)의 '
            "채택된 회의록에 유의하였다.") in korean


def test_minutes_before_the_previous_ones_are_adopted_say_so(app, client, auth, committee, held_meeting,
                                                              make_meeting):
    write_minutes(app, committee, held_meeting)
    next_id = make_meeting(ordinal=13, start_date="2027-03-10", focus_areas=("A.1",))
    with app.app_context():
        services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(next_id))
        db.session.commit()
    auth.login(committee.us_delegate)
    page = client.get(minutes_url(next_id) + "?lang=en").get_data(as_text=True)
    assert "The minutes of the previous meeting (The 12th Joint Committee Meeting) had not yet been adopted." in page
    korean = client.get(minutes_url(next_id) + "?lang=ko").get_data(as_text=True)
    assert "직전 회의(제12차 공동위원회)의 회의록은 아직 채택되지 않았다." in korean


def test_a_long_record_has_a_table_of_contents_with_page_numbers(app, client, auth, committee, make_meeting):
    from jcm.meetings.services import add_agenda_item

    held_meeting = make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "B.4"))
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        for n in range(8):
            add_agenda_item(us, get_meeting(held_meeting), {"title": f"Extra discussion {n + 1}",
                                                            "duration_minutes": 10})
        get_meeting(held_meeting).status = "held"
        db.session.commit()
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    page = client.get(minutes_url(held_meeting)).get_data(as_text=True)
    assert 'class="toc"' in page and 'href="#item-16"' in page
    text = pdf_text(client.get(minutes_url(held_meeting, "pdf")).data)
    assert re.search(r"Contents .*Extra discussion 8 ?\.* ?\d", text)


# --- who may read it, and in which language ------------------------------------------------------------------

def test_a_program_with_a_token_gets_the_pdf(app, api, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    response = api.client.get(minutes_url(held_meeting, "pdf"), headers={**api.headers(committee.kr_delegate), **PDF})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert api.client.get(minutes_url(held_meeting, "pdf"), headers=PDF).status_code == 401


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_an_unknown_meeting_or_one_without_minutes_is_not_found(client, auth, committee, held_meeting, kind):
    auth.login(committee.us_delegate)
    assert client.get(minutes_url(424242, kind)).status_code == 404
    assert client.get(minutes_url(held_meeting, kind)).status_code == 404  # no minutes yet


def test_in_korean_the_document_is_korean(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.kr_delegate)
    html = client.get(minutes_url(held_meeting), headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ko">' in html and "제12차 공동위원회" in html
    pdf = client.get(minutes_url(held_meeting, "pdf"), headers={"Accept-Language": "ko"})
    assert "제12차 공동위원회" in pdf_text(pdf.data)


def plain(page: str) -> str:
    """The text a reader sees, in one line."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_korean_minutes_read_as_agreed_minutes_from_draft_to_adoption(app, client, auth, committee,
                                                                          held_meeting):
    write_minutes(app, committee, held_meeting)  # no action item before or from this meeting
    auth.login(committee.kr_delegate)
    for stage in ("draft", "adopted"):
        if stage == "adopted":
            adopt(app, committee, held_meeting)
        page = client.get(minutes_url(held_meeting) + "?lang=ko").get_data(as_text=True)
        assert_reads_as_a_korean_document(page)
        text = plain(page)
        assert "제12차 공동위원회 합의의사록" in text
        assert ("합의의사록 초안" if stage == "draft" else "양측 공동위원장 채택") in text
        assert text.index("대한민국 대표단") < text.index("미국 대표단")  # the alternat
        # The headings of the Korean government's records form: 참석자, 안건, 발언요지, 결정사항.
        assert "참석자" in text and "공동위원장: 이준호" in text
        assert "의제 및 직전 회의록 채택" in text and "공동위원회에 제출된 직전 회의의 회의록은 없었다." in text
        assert "이 합의의사록에 부속서로 첨부된 의제 제1판은 양측 간에 합의되지 않았다." in text
        assert "점검할 이전 회의 후속조치 없음." in text and "이번 회의에서 새로 제기된 후속조치 없음." in text
        assert "결정사항" in text and "발언요지" in text and "일시·장소" in text and "회의명" in text
        # In English alone while a text has no Korean yet; in both once the two texts are complete, as adopted.
        assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 세종에서 (영어로 2부|동등하게 정본인 한국어 및 영어로 각 2부씩) "
                         r"작성되었다\.", text)
        assert text.index("대한민국 정부 대표") < text.index("미합중국 정부 대표")
        for english in ("Co-chair", "Delegation", "Done at", "Reference", "Outcome", "Annex", "Adopted on",
                        "Not yet adopted", "Draft minutes", "Version"):
            assert english not in text, english


def test_the_english_minutes_read_as_an_american_official_writes_them(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    page = client.get(minutes_url(held_meeting) + "?lang=en").get_data(as_text=True)
    text = plain(page)
    assert not re.search(r"JCM(?!\d)", page)  # the references (JCM12-A01) name the meeting, nothing names software
    assert "United States Delegation" in text and "Republic of Korea Delegation" in text
    assert text.index("United States Delegation") < text.index("Republic of Korea Delegation")
    assert "For the Government of the United States of America" in text and "For The" not in text
    assert "No minutes of a previous meeting were before the Committee." in text
    assert "There were no action items from earlier meetings to review." in text
    assert "No new action items were raised at the meeting." in text
    assert "on record" not in text


def test_minutes_in_both_languages_close_as_equally_authentic_texts(app, client, auth, committee, make_meeting):
    first = make_meeting(ordinal=1, start_date="2026-03-10", end_date="2026-03-11", focus_areas=("A.1",))
    with app.app_context():
        get_meeting(first).status = "held"
        services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(first))
        db.session.commit()
    auth.login(committee.kr_delegate)
    korean = client.get(minutes_url(first) + "?lang=ko").get_data(as_text=True)
    assert_reads_as_a_korean_document(korean)
    text = plain(korean)
    assert ("대한민국 정부와 미합중국 정부 간 과학기술 협력에 관한 양해각서에 따라 설치된 공동위원회의 제1차 회의가 "
            "2026년 3월 10일부터 2026년 3월 11일까지 과학기술정보통신부 정부세종청사에서 개최되었다.") in text
    assert "이번 회의는 공동위원회의 첫 회의였다." in text
    assert "기록된 참석자 없음." in text and "이날 편성된 의제 없음." in text
    assert "양측은 차기 회의 일시 및 장소를 외교 경로를 통하여 정하기로 합의하였다." in text
    assert "2026년 3월 11일 세종에서 동등하게 정본인 한국어 및 영어로 각 2부씩 작성되었다." in text

    english = plain(client.get(minutes_url(first) + "?lang=en").get_data(as_text=True))
    assert "was held at Ministry of Science and ICT, Government Complex Sejong from March 10, 2026 to March 11, 2026." \
        in english
    assert "This was the first meeting of the Joint Committee." in english
    assert "The two sides agreed to set the date and venue of the next meeting through diplomatic channels." in english
    assert ("Done at Sejong, on March 11, 2026, in duplicate, in the English and Korean languages, both texts being "
            "equally authentic.") in english


def test_the_document_costs_the_same_number_of_queries_however_long(app, client, auth, committee, held_meeting,
                                                                    make_meeting, make_action_item):
    from tests.test_query_counts import queries_for

    previous = make_meeting(ordinal=11, start_date="2025-03-10", focus_areas=("A.1",))
    make_action_item(title="Raised 0", meeting_id=held_meeting, due_date="2026-09-30")
    make_action_item(title="Carried 0", meeting_id=previous, due_date="2025-09-30")
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    few = queries_for(app, client, minutes_url(held_meeting))
    for n in range(6):
        make_action_item(title=f"Carried {n + 1}", meeting_id=previous, due_date="2025-09-30", focus_area="B.4")
        make_action_item(title=f"Raised {n + 1}", meeting_id=held_meeting, due_date="2026-09-30")
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        us = get_user(committee.us_secretariat.id)
        for section in services.ordered_sections(minutes):
            services.save_section(us, section, "More **text**.", ["A decision."], None)
        db.session.commit()
    many = queries_for(app, client, minutes_url(held_meeting))
    assert many == few, f"{few} queries for a short record, {many} for a longer one"
