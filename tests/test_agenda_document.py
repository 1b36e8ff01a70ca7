"""The agenda as a document: the same pages on screen and in the PDF the delegations hand to their ministers."""

from __future__ import annotations

import io
import re
from datetime import time

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings import services
from tests.conftest import complete_both_texts

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PDF = {"Accept": "application/pdf"}


def agenda(meeting_id: int, kind: str = "html") -> str:
    return f"/meetings/{meeting_id}/agenda.{kind}"


# A Korean particle left for the reader to choose, as 을(를), 이(가), 은(는), 과(와) or (으)로.
UNRESOLVED_PARTICLE = re.compile(r"\((?:을|를|이|가|은|는|과|와|으)\)")


def assert_reads_as_a_korean_document(page: str) -> None:
    """A signed document speaks in one written style (…하였다, …없음), never the interface's polite …습니다; every
    particle is resolved; and it names no software: "JCM" is only ever the start of a reference such as JCM12-A01."""
    assert "습니다" not in page and "십시오" not in page, re.findall(r"[^>.]*(?:습니다|십시오)[^<]*", page)
    assert not UNRESOLVED_PARTICLE.search(page), re.findall(r"[^>]*\([을를이가은는과와으]\)[^<]*", page)
    assert not re.search(r"JCM(?!\d)", page), re.findall(r"[^>]*JCM(?!\d)[^<]*", page)


def pdf_text(data: bytes) -> str:
    """The PDF's text with its line breaks and runs of spaces made single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def edit_item(app, committee, meeting_id: int, position: int, **data) -> None:
    """The U.S. secretariat edits the item at `position`, as the agenda page would."""
    with app.app_context():
        meeting = services.get_meeting(meeting_id, with_agenda=True)
        item = services.get_agenda_item(meeting.items[position].id)
        services.update_agenda_item(get_user(committee.us_secretariat.id), item, data)
        db.session.commit()


def agree(app, committee, meeting_id: int) -> None:
    """Both texts completed and checked, and the agenda agreed by both secretariats."""
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        for person in (committee.us_secretariat, committee.kr_secretariat):
            services.agree_agenda(get_user(person.id), services.get_meeting(meeting_id))
        db.session.commit()


# --- reading the agenda ---------------------------------------------------------------------------------

def test_a_delegate_reads_the_schedule_with_times_codes_and_both_presenters(client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.us_delegate)
    response = client.get(agenda(meeting_id))
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)

    assert '<html lang="en">' in page
    assert 'href="/static/css/print.css"' in page
    assert "The Government of the United States of America" in page
    assert "The Government of the Republic of Korea" in page
    assert "Science and Technology Cooperation" in page  # the agreement's title
    assert "The 12th Joint Committee Meeting" in page and "제12차 공동위원회" in page
    assert "Ministry of Science and ICT, Government Complex Sejong, Sejong" in page
    assert "Hybrid" in page and "Margaret Chen" in page and "이준호" in page

    # The skeleton: opening 15, adoption 5, review 30, A.1 30, B.4 30, other business 15, next meeting 5,
    # closing 10 minutes, from the day's start at 09:00.
    for start, end in (("09:00", "09:15"), ("09:15", "09:20"), ("09:20", "09:50"), ("09:50", "10:20"),
                       ("10:20", "10:50"), ("10:50", "11:05"), ("11:05", "11:10"), ("11:10", "11:20")):
        assert f'{start}</span>–<span class="agenda__to">{end}' in page
    assert "Opening remarks by the co-chairs" in page and "공동위원장 개회사" in page
    assert '<td class="agenda__duration">15 min</td>' in page
    assert '<td class="agenda__duration">30 min</td>' in page
    assert '<span class="code">A.1</span>' in page and '<span class="code">B.4</span>' in page
    opening = page[page.index("Opening remarks by the co-chairs"):page.index("Adoption of the agenda")]
    assert "Margaret Chen" in opening and "이준호" in opening  # the presenter for each side
    assert "Planned hours: 09:00–17:30" in page
    assert "Total length of the agenda" in page and "2 h 20 min" in page
    assert "Draft — version 1" in page and '<div class="watermark" aria-hidden="true"><svg' in page
    assert "DRAFT" not in page  # the draft mark is drawn, not written
    assert "Runs past the planned end" not in page


def test_a_day_that_runs_past_its_planned_end_says_so(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    with app.app_context():
        services.set_day_hours(get_user(committee.kr_secretariat.id), services.get_meeting(meeting_id),
                               services.get_meeting(meeting_id).start_date, time(9, 0), time(11, 0))
        db.session.commit()
    auth.login(committee.kr_delegate)
    page = client.get(agenda(meeting_id)).get_data(as_text=True)
    assert "Planned hours: 09:00–11:00" in page
    assert "Runs past the planned end" in page
    assert "this day is scheduled to end at 11:20, 20 min after the planned 11:00." in page


def test_descriptions_are_markdown_and_attachments_are_listed(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    edit_item(app, committee, meeting_id, 3,
              description="Progress of the **joint testbeds**.\n\n- calls\n- exchanges\n\n<img src=x onerror=alert(1)>")
    with app.app_context():
        from jcm.meetings.models import Attachment

        item = services.get_meeting(meeting_id, with_agenda=True).items[3]
        db.session.add(Attachment(agenda_item_id=item.id, filename="Testbeds progress 2026.pdf",
                                  content_type="application/pdf", size=1_345_678, sha256="a" * 64))
        db.session.commit()
    auth.login(committee.us_observer)
    page = client.get(agenda(meeting_id)).get_data(as_text=True)
    assert "<strong>joint testbeds</strong>" in page and "<li>calls</li>" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page  # raw HTML stays text
    assert "Testbeds progress 2026.pdf" in page and "PDF, 1.3 MB" in page


def test_markup_in_a_title_is_shown_as_text_and_never_runs(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    edit_item(app, committee, meeting_id, 0, title='<script>alert("JCM")</script> Opening',
              title_ko="<b>개회</b>", presenter_us="<i>Margaret Chen</i>")
    auth.login(committee.us_delegate)
    page = client.get(agenda(meeting_id)).get_data(as_text=True)
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&#34;JCM&#34;)&lt;/script&gt; Opening" in page
    assert "&lt;b&gt;개회&lt;/b&gt;" in page and "&lt;i&gt;Margaret Chen&lt;/i&gt;" in page
    text = pdf_text(client.get(agenda(meeting_id, "pdf")).data)
    assert '<script>alert("JCM")</script> Opening' in text  # printed as the characters it is


# --- the PDF --------------------------------------------------------------------------------------------

def test_the_pdf_is_a_real_pdf_with_the_meeting_the_agreement_and_korean_text(app, client, auth, committee,
                                                                             make_meeting):
    meeting_id = make_meeting()
    edit_item(app, committee, meeting_id, 3, presenter_kr="김서연 과장", title_ko="양자 정보과학 공동연구")
    auth.login(committee.kr_delegate)
    response = client.get(agenda(meeting_id, "pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == "inline; filename=JCM12-agenda-v1-draft-en.pdf"
    assert "private" in response.headers["Cache-Control"]

    text = pdf_text(response.data)
    assert "The 12th Joint Committee Meeting" in text
    assert "Memorandum of Understanding between the Government of the United States of America" in text
    assert "THE GOVERNMENT OF THE UNITED STATES OF AMERICA and THE GOVERNMENT OF THE REPUBLIC OF KOREA" in text
    assert "이준호" in text  # the KR co-chair
    assert "김서연 과장" in text and "양자 정보과학 공동연구" in text
    assert "DRAFT" not in text  # the draft mark is on every page, but not in the text a reader copies
    assert " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split()).count(
        "Draft — version 1") == 1  # the title block says it is a draft
    assert "09:00–09:15" in text
    assert re.search(r"Page 1 of \d", text)


def test_the_pdf_filename_carries_the_meeting_and_the_agenda_version(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():  # a change after one side agreed starts version 2
        services.agree_agenda(get_user(committee.kr_secretariat.id), services.get_meeting(meeting_id))
        db.session.commit()
    edit_item(app, committee, meeting_id, 1, duration_minutes=10)
    auth.login(committee.us_delegate)
    response = client.get(agenda(meeting_id, "pdf"))
    assert response.headers["Content-Disposition"] == "inline; filename=JCM12-agenda-v2-draft-en.pdf"
    assert "Draft — version 2" in pdf_text(response.data)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_each_language_downloads_under_its_own_file_name(app, client, auth, committee, make_meeting, lang):
    meeting_id = make_meeting()
    auth.login(committee.us_delegate)
    draft = client.get(f"{agenda(meeting_id, 'pdf')}?lang={lang}")
    assert draft.headers["Content-Disposition"] == f"inline; filename=JCM12-agenda-v1-draft-{lang}.pdf"
    assert draft.headers["Content-Language"] == lang
    agree(app, committee, meeting_id)
    agreed = client.get(f"{agenda(meeting_id, 'pdf')}?lang={lang}")
    assert agreed.headers["Content-Disposition"] == f"inline; filename=JCM12-agenda-v1-{lang}.pdf"
    assert agreed.headers["Content-Language"] == lang


def _embedded_fonts(data: bytes):
    """(base name, fontTools font) of every font embedded on the PDF's pages."""
    reader = PdfReader(io.BytesIO(data))
    seen = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                if stream is not None and font["/BaseFont"] not in seen:
                    seen[font["/BaseFont"]] = TTFont(io.BytesIO(stream.get_object().get_data()))
    return seen


def test_korean_is_printed_in_a_font_that_has_hangul(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    edit_item(app, committee, meeting_id, 3, presenter_kr="김서연 과장")
    auth.login(committee.us_delegate)
    fonts = _embedded_fonts(client.get(agenda(meeting_id, "pdf")).data)
    # WeasyPrint subsets each font but keeps the cmap of the characters it printed: a font whose cmap has
    # these syllables drew them, where a font without Hangul would have left empty boxes.
    hangul_fonts = {name: font for name, font in fonts.items()
                    if any(0xAC00 <= code <= 0xD7A3 for code in (font.getBestCmap() or {}))}
    assert hangul_fonts, f"no embedded font covers Hangul: {sorted(fonts)}"
    covered = set().union(*(font.getBestCmap() for font in hangul_fonts.values()))
    for name in ("이준호", "김서연 과장"):
        assert {ord(ch) for ch in name if not ch.isspace()} <= covered, name


# --- once both sides agreed -----------------------------------------------------------------------------

def test_after_both_sides_agree_the_documents_say_so_and_are_no_longer_drafts(app, client, auth, committee,
                                                                            make_meeting):
    meeting_id = make_meeting()
    agree(app, committee, meeting_id)
    auth.login(committee.kr_observer)
    page = client.get(agenda(meeting_id)).get_data(as_text=True)
    assert "Agreed on" in page and "by both sides" in page
    assert "DRAFT" not in page and "Draft" not in page and 'class="watermark"' not in page
    assert "Samuel Reyes" in page and "김서연" in page  # who agreed for each side

    text = pdf_text(client.get(agenda(meeting_id, "pdf")).data)
    assert "Agreed on" in text and "by both sides" in text
    assert "DRAFT" not in text and "Draft" not in text
    assert "Samuel Reyes" in text and "김서연" in text


# --- who may read it ------------------------------------------------------------------------------------

def test_a_program_with_a_token_gets_the_pdf(api, committee, make_meeting):
    meeting_id = make_meeting()
    response = api.client.get(agenda(meeting_id, "pdf"), headers={**api.headers(committee.kr_delegate), **PDF})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    html = api.get(agenda(meeting_id), committee.us_observer)
    assert html.status_code == 200 and "The 12th Joint Committee Meeting" in html.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_a_wrong_token_is_refused_even_from_a_browser(client, committee, make_meeting, kind):
    meeting_id = make_meeting()
    response = client.get(agenda(meeting_id, kind), headers={**BROWSER, "Authorization": "Bearer jcm_not-a-token"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_nobody_signed_in_is_sent_to_sign_in_from_a_browser_and_refused_otherwise(client, committee, make_meeting):
    meeting_id = make_meeting()
    page = client.get(agenda(meeting_id), headers=BROWSER)
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=") and "agenda.html" in page.headers["Location"]
    link = client.get(agenda(meeting_id, "pdf"), headers=BROWSER)  # a link followed in a browser
    assert link.status_code == 302 and "agenda.pdf" in link.headers["Location"]

    program = client.get(agenda(meeting_id, "pdf"), headers=PDF)
    assert program.status_code == 401 and program.headers["WWW-Authenticate"].startswith("Bearer")
    assert program.get_json()["error"]["code"] == "unauthorized"
    assert client.get(agenda(meeting_id)).status_code == 401  # no Accept: a program, not a browser


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_an_unknown_meeting_is_not_found(client, auth, committee, kind):
    auth.login(committee.us_delegate)
    assert client.get(agenda(424242, kind)).status_code == 404


def test_a_deactivated_account_cannot_read_it(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.kr_observer)
    with app.app_context():
        get_user(committee.kr_observer.id).active = False
        db.session.commit()
    assert client.get(agenda(meeting_id, "pdf"), headers=PDF).status_code in (401, 403)


# --- in Korean ------------------------------------------------------------------------------------------

def test_in_korean_the_document_is_korean(client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.kr_delegate)
    page = client.get(agenda(meeting_id), headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    html = page.get_data(as_text=True)
    assert '<html lang="ko">' in html and "제12차 공동위원회" in html
    assert "과학기술정보통신부 정부세종청사, 세종" in html
    pdf = client.get(agenda(meeting_id, "pdf"), headers={"Accept-Language": "ko"})
    assert "제12차 공동위원회" in pdf_text(pdf.data)


def test_the_korean_agenda_reads_as_a_government_document(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting(end_date="2027-03-11")  # a second day with nothing on it yet
    with app.app_context():
        services.set_day_hours(get_user(committee.kr_secretariat.id), services.get_meeting(meeting_id),
                               services.get_meeting(meeting_id).start_date, time(9, 0), time(11, 0))
        db.session.commit()
    auth.login(committee.kr_delegate)
    page = client.get(agenda(meeting_id) + "?lang=ko").get_data(as_text=True)
    assert_reads_as_a_korean_document(page)
    # The columns: the item is an agenda item (의제), and the duration keeps its own word beside the time.
    assert '<th scope="col" rowspan="2">시간</th>' in page
    assert "<th scope=\"col\" rowspan=\"2\">안건</th>" in page
    assert '<th scope="col" rowspan="2" class="agenda__duration">소요 시간</th>' in page
    assert "이날 일정은 예정 종료 시각(11:00)보다 20분 늦은 11:20에 종료될 예정이다." in page
    assert "이날 편성된 의제 없음." in page
    assert "이번 회의로 이월된 후속조치 없음." in page
    assert "<h2>의제 합의</h2>" in page and "아직 합의하지 않음" in page and "양측이 아직 합의하지 않음" in page
    assert page.index("대한민국 정부 대표") < page.index("미합중국 정부 대표")  # the alternat

    english = client.get(agenda(meeting_id) + "?lang=en").get_data(as_text=True)
    assert "For the Government of the United States of America" in english and "For The" not in english
    assert "No action items are carried over to this meeting." in english

    # The meeting's page keeps the interface's own words for the same things.
    screen = client.get(f"/meetings/{meeting_id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<html lang="ko">' in screen
    assert "의제 동의" in screen and "아직 동의하지 않음" in screen
    assert "이번 회의로 이월된 후속조치가 없습니다." in screen
    assert '<th scope="col">소요 시간(분)</th>' in screen  # the agenda's minutes of duration, never 회의록


def test_the_agreed_korean_agenda_says_both_sides_agreed_it(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    agree(app, committee, meeting_id)
    auth.login(committee.kr_observer)
    page = client.get(agenda(meeting_id) + "?lang=ko").get_data(as_text=True)
    assert_reads_as_a_korean_document(page)
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 양측 합의", page)
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 제1판 합의", page)
    assert "동의" not in page  # the document's word is 합의 throughout


# --- the renderer ---------------------------------------------------------------------------------------

def test_the_renderer_reads_only_the_apps_static_files(app):
    from jcm.documents.render import StaticFileFetcher

    fetcher = StaticFileFetcher("http://jcm.example/", app.static_folder, app.static_url_path)
    stylesheet = fetcher.fetch("http://jcm.example/static/css/print.css")
    assert b"@page" in stylesheet.read() and stylesheet.content_type == "text/css"
    stylesheet.close()
    for url in ("http://elsewhere.example/static/css/print.css", "file:///etc/passwd",
                "http://jcm.example/static/../__init__.py", "http://jcm.example/static/%2e%2e/__init__.py",
                "http://jcm.example/meetings/1/agenda.html", "http://jcm.example/static/css/missing.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
