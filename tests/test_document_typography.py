"""The typography of the agenda and the minutes, so they look like what a foreign ministry signs: every column
holds its own text, Hangul is set word by word, the contents run into the record, tables size their columns and
carry their header from page to page, each co-chair has room to sign, a draft is marked on every page without
the mark entering its text, and emoji print from a face that has them.

The pages are checked as WeasyPrint lays them out (the boxes of each page, with their positions) and as a reader
extracts their text from the PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from jcm.accounts.services import get_user
from jcm.documents.render import WORD_JOINER, lay_out, render_pdf
from jcm.extensions import db
from jcm.meetings.services import add_agenda_item, get_meeting
from jcm.minutes import services
from tests.test_agenda_document import _embedded_fonts, pdf_text
from tests.test_minutes_document import _area, adopt, write_minutes
from tests.test_minutes_document import page_texts as _page_texts

MM = 96 / 25.4  # CSS pixels in a millimetre: WeasyPrint lays pages out in CSS pixels
LONG_ORG = ("InternationalConsortiumForAdvancedQuantumInformationScienceAndArtificialIntelligence"
            "ResearchAndDevelopmentCooperationOffice")[:120]
LONG_KO_NAME = "과학기술정보통신부국제협력관실미주협력담당관실양자정보과학기술협력전담팀장직무대리"
KO_DISCUSSION = ("양측은 인공지능 연구 기반시설의 공동 활용 방안과 데이터셋 교류 현황을 점검하고, 양자 정보과학 분야의 "
                 "공동연구 과제를 확대하기로 하였다. 한국 측은 국가 연구 데이터 플랫폼의 개방 일정과 국제 공동연구 "
                 "참여 절차를 설명하였으며, 미국 측은 국립과학재단의 인공지능 연구 테스트베드 운영 경험을 공유하였다. "
                 "양측은 차기 회의 전까지 실무 협의를 두 차례 개최하고 그 결과를 공동위원장에게 보고하기로 하였다. 🚀")


# --- the documents ----------------------------------------------------------------------------------------

@pytest.fixture
def long_minutes(app, committee, make_meeting, make_action_item) -> int:
    """Held minutes as a long meeting leaves them: more items than TOC_AFTER (so a contents page), a delegate of
    an agency whose name is one 120-character string, a Korean title of one very long word, a Korean discussion
    with an emoji, and more new action items than one page holds."""
    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "B.4"))
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        for n in range(5):
            add_agenda_item(us, get_meeting(meeting_id), {"title": f"Cooperation in research infrastructure {n + 1}",
                                                          "title_ko": f"연구 기반시설 협력 {n + 1}",
                                                          "duration_minutes": 10})
        get_meeting(meeting_id).status = "held"
        db.session.commit()
    for n in range(22):
        make_action_item(title=f"Item {n + 1}: organise a joint workshop on quantum testbeds with both ministries"
                               + (f" and {LONG_ORG}" if n == 3 else ""),
                         meeting_id=meeting_id, due_date="2026-09-30", focus_area="B.4")
    write_minutes(app, committee, meeting_id)
    with app.app_context():
        us, kr = get_user(committee.us_secretariat.id), get_user(committee.kr_secretariat.id)
        minutes = services.minutes_for(get_meeting(meeting_id))
        services.set_attendance(us, minutes, "US", [
            {"user_id": committee.us_co_chair.id},
            {"name": "Dr. Jane Doe", "title": "Director", "organization": "National Science Foundation"},
            {"name": "Dr. Lee Park", "title": "Program Officer", "organization": LONG_ORG}])
        services.set_attendance(kr, minutes, "KR", [
            {"user_id": committee.kr_co_chair.id},
            {"name": "홍길동", "title": "과장", "organization": "과학기술정보통신부"},
            {"name": "김민지", "title": LONG_KO_NAME, "organization": "한국연구재단"}])
        services.save_section(kr, services.ordered_sections(minutes)[4], KO_DISCUSSION,
                              ["양측은 공동 워크숍을 개최하기로 합의하였다."], None)
        services.save_progress(kr, minutes, _area("B.4"), "at_risk", "양자 테스트베드 접근 지연")
        db.session.commit()
    return meeting_id


def laid_out(app, html: str):
    """The document as WeasyPrint lays it out for the PDF: its pages, with every box in place."""
    with app.test_request_context("/"):
        return lay_out(html, "http://localhost/")


def minutes_layout(app, client, meeting_id: int, lang: str):
    html = client.get(f"/meetings/{meeting_id}/minutes.html?lang={lang}").get_data(as_text=True)
    return html, laid_out(app, html)


# --- finding boxes ----------------------------------------------------------------------------------------

def classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None and hasattr(element, "get") else []


def page_content(page):
    """The boxes of the page's body, without its margin boxes (running head, footer)."""
    return [child for child in page._page_box.children if not isinstance(child, boxes.MarginBox)]


def find(roots, match):
    """The outermost boxes under roots for which match(box) holds, in document order."""
    for box in roots:
        if isinstance(box, AbsolutePlaceholder):  # a fixed or absolute box, where the flow left it
            box = box._box
        if match(box):
            yield box
        elif isinstance(box, boxes.ParentBox):
            yield from find(box.children, match)


def with_class(name):
    return lambda box: name in classes(box)


def with_id(name):
    return lambda box: getattr(box, "element", None) is not None and hasattr(box.element, "get") \
        and box.element.get("id") == name


def on_pages(document, match):
    """(page number, box) of every box matching on every page; a box split over pages is found on each."""
    return [(number, box) for number, page in enumerate(document.pages)
            for box in find(page_content(page), match)]


def texts(box):
    return [b for b in box.descendants() if isinstance(b, boxes.TextBox)]


def right(box) -> float:
    return box.position_x + box.margin_width()


def bottom(box) -> float:
    return box.position_y + box.margin_height()


def lines_of(box) -> list[str]:
    """The text of each line of a block, as printed (without the joiners that keep Hangul words whole)."""
    return ["".join(t.text for t in texts(line)).replace(WORD_JOINER, "").strip()
            for line in box.descendants() if isinstance(line, boxes.LineBox)]


def overprinting(document) -> list[str]:
    """Text that runs out of its table cell, its column or the page, where it would print over its neighbour."""
    found = []

    def walk(box, edge, page_number):
        if isinstance(box, boxes.TableCellBox) or {"delegation", "agreement__side"} & set(classes(box)):
            edge = box.position_x + box.margin_width() - box.margin_right
        if isinstance(box, boxes.TextBox) and box.text.strip() and box.position_x + box.width > edge + 0.5:
            found.append(f"page {page_number + 1}: {box.text!r} ends {(box.position_x + box.width - edge) / MM:.1f} mm "
                         "past its column")
        if isinstance(box, boxes.ParentBox):
            for child in box.children:
                walk(child, edge, page_number)

    for number, page in enumerate(document.pages):
        page_box = page._page_box
        for root in page_content(page):
            walk(root, page_box.content_box_x() + page_box.width, number)
    return found


# --- 1. every column holds its own text ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_long_name_wraps_in_its_own_column_and_never_prints_over_the_other_delegation(
        app, client, auth, committee, long_minutes, lang):
    auth.login(committee.us_delegate)
    _html, document = minutes_layout(app, client, long_minutes, lang)

    delegations = on_pages(document, with_class("delegation"))
    assert len(delegations) == 2 and delegations[0][0] == delegations[1][0], "the two delegations, side by side"
    (_page, first), (_page, second) = delegations
    page_box = document.pages[delegations[0][0]]._page_box
    assert first.position_x >= page_box.content_box_x() - 0.5
    assert right(first) <= second.position_x + 0.5, "the first column ends where the second begins"
    assert right(second) <= page_box.content_box_x() + page_box.width + 0.5, "both columns within the page"
    for column in (first, second):
        assert all(t.position_x + t.width <= right(column) + 0.5 for t in texts(column)), \
            [t.text for t in texts(column) if t.position_x + t.width > right(column) + 0.5]
    assert overprinting(document) == []  # nor in any table cell: the action naming the agency wraps too

    text = pdf_text(document.write_pdf())
    squeezed = re.sub(r"\s", "", text)
    assert LONG_ORG not in text and LONG_ORG in squeezed  # printed whole, over several lines of its column
    assert LONG_KO_NAME in squeezed
    for neighbour in ("Dr. Jane Doe", "National Science Foundation", "홍길동", "과학기술정보통신부", "한국연구재단"):
        assert neighbour in text, neighbour  # the other column reads as it was written


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_hangul_words_are_kept_whole_at_the_end_of_a_line(app, client, auth, committee, long_minutes, lang):
    auth.login(committee.kr_delegate)
    html, document = minutes_layout(app, client, long_minutes, lang)
    assert WORD_JOINER not in html  # the HTML is as written: browsers read `word-break: keep-all` themselves

    discussion = next(box for _page, box in on_pages(document, with_class("record__discussion"))
                      if "양측은" in "".join(lines_of(box)))
    lines = lines_of(discussion)
    assert len(lines) >= 3, lines
    # Read line by line, the words are the words written: no line ends inside a word (WeasyPrint by itself
    # breaks Korean between any two syllables: "합의" / "하였다").
    assert " ".join(lines).split() == KO_DISCUSSION.split(), lines

    data = document.write_pdf()
    text = pdf_text(data)
    assert WORD_JOINER not in text  # what keeps the words whole is not in the text a reader copies
    assert "양측은 인공지능 연구 기반시설의" in text and "홍길동" in text
    outline = _titles(PdfReader(io.BytesIO(data)).outline)  # nor in the PDF's bookmarks, made from the headings
    assert outline and not [title for title in outline if WORD_JOINER in title]
    assert ("참석자" if lang == "ko" else "Co-chairs and delegations") in outline


def _titles(outline) -> list[str]:
    return [title for entry in outline
            for title in (_titles(entry) if isinstance(entry, list) else [entry.title])]


# --- 2. the contents run into the record ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_contents_are_followed_by_the_record_not_by_a_blank_page(app, client, auth, committee, long_minutes,
                                                                    lang):
    auth.login(committee.us_delegate)
    html, document = minutes_layout(app, client, long_minutes, lang)
    assert 'class="toc"' in html

    contents = on_pages(document, with_class("toc"))
    first_part = on_pages(document, with_id("delegations"))
    assert contents and first_part
    last_contents_page, last_contents = contents[-1]
    page_box = document.pages[last_contents_page]._page_box
    # No page of its own: the record begins right under the contents, or on the next page only when it has no room
    # under them; the page the contents end on is well filled.
    (record_page, record_start), *_rest = first_part
    if record_page == last_contents_page:
        assert record_start.position_y >= bottom(last_contents) - 0.5
    else:
        assert record_page == last_contents_page + 1
        room = page_box.content_box_y() + page_box.height - bottom(last_contents)
        assert room < record_start.margin_height(), f"{room / MM:.0f} mm left blank under the contents"
    lowest = max(bottom(box) for box in find(page_content(document.pages[last_contents_page]),
                                             lambda b: isinstance(b, boxes.LineBox)))
    assert lowest - page_box.content_box_y() > 0.6 * page_box.height


# --- 3. tables: columns sized to their content, header on every page, rows whole -------------------------------

def _action_tables(document, section_id: str):
    """Each page's part of the action table in a section of the minutes: (page number, table box)."""
    found = []
    for number, page in enumerate(document.pages):
        for section in find(page_content(page), with_id(section_id)):
            for table in find([section], lambda b: isinstance(b, boxes.TableBox)):
                found.append((number, table))
    return found


def _rows(table, header: bool):
    return [row for group in table.children if group.is_header == header for row in group.children]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_action_tables_size_their_columns_repeat_their_header_and_keep_each_row_whole(
        app, client, auth, committee, long_minutes, lang):
    auth.login(committee.us_delegate)
    _html, document = minutes_layout(app, client, long_minutes, lang)

    parts = _action_tables(document, "new-actions")
    assert len(parts) >= 2, "22 new action items run onto a second page"
    seen_rows = {}
    for number, table in parts:
        assert _rows(table, header=True), f"page {number + 1}: the table's part has its header"
        assert _rows(table, header=False), f"page {number + 1}: a header with no row under it"
        for row in _rows(table, header=False):
            assert row.element not in seen_rows, f"a row broken over pages {seen_rows[row.element]} and {number + 1}"
            seen_rows[row.element] = number + 1
    assert len(seen_rows) == 22

    # reference, action, focus area, the two owners, due date: the action takes the room the others leave
    widths = [cell.width for cell in _rows(parts[0][1], header=False)[0].children]
    reference, action, area, owner, other_owner, due = widths
    assert action == max(widths) and action > 2.5 * reference
    assert reference < 25 * MM and area < 20 * MM and due < 26 * MM
    assert owner == pytest.approx(other_owner)
    assert overprinting(document) == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_table_that_would_start_at_the_foot_of_a_page_moves_over_with_its_heading(
        app, client, auth, committee, long_minutes, lang):
    """Pushed down so that its heading and header row would just fit at the foot of a page, but no row under
    them, the part moves to the next page whole: nothing is left alone at the bottom of a page."""
    auth.login(committee.us_delegate)
    html, document = minutes_layout(app, client, long_minutes, lang)
    (page, table), *_rest = _action_tables(document, "new-actions")
    section_page, section = on_pages(document, with_id("new-actions"))[0]
    assert section_page == page
    header_bottom = bottom(_rows(table, header=True)[-1]) - section.position_y
    first_row_bottom = bottom(_rows(table, header=False)[0]) - section.position_y
    page_box = document.pages[page]._page_box
    foot = page_box.content_box_y() + page_box.height
    start = foot - (header_bottom + first_row_bottom) / 2  # the header fits there, the first row does not
    spacer = (f'<div class="spacer" style="break-before: page; height: {(start - page_box.content_box_y()) / MM:.2f}mm">'
              '</div>')
    marker = '<section class="minutes__part" id="new-actions">'
    assert marker in html
    pushed = laid_out(app, html.replace(marker, spacer + marker))

    parts = _action_tables(pushed, "new-actions")
    heading = on_pages(pushed, with_id("new-actions"))[0][0]
    first_page, first_part = parts[0]
    assert heading == first_page, "the heading stays with its table"
    assert _rows(first_part, header=False), "the first part of the table has rows under its header"
    spacer_page = next(number for number, _box in on_pages(pushed, with_class("spacer")))
    assert first_page == spacer_page + 1, "the table moved to the next page rather than leaving its header behind"


# --- 4. room to sign -------------------------------------------------------------------------------------------

def _signing_space(document) -> list[float]:
    """For each side's signature block: the room between "For the Government of …" and the line to sign on."""
    rooms = []
    for _page, side in on_pages(document, with_class("agreement__side")):
        heading = next(find([side], with_class("agreement__for")))
        line = next(find([side], lambda b: {"agreement__name", "agreement__pending"} & set(classes(b))))
        rooms.append((line.position_y + line.margin_top - bottom(heading), line.position_y))
    return rooms


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_each_co_chair_has_25_mm_to_sign_above_their_name(app, client, auth, committee, held_meeting, lang):
    meeting_id = held_meeting
    write_minutes(app, committee, meeting_id)
    auth.login(committee.us_delegate)
    for url in (f"/meetings/{meeting_id}/minutes.html?lang={lang}", f"/meetings/{meeting_id}/agenda.html?lang={lang}"):
        rooms = _signing_space(laid_out(app, client.get(url).get_data(as_text=True)))
        assert len(rooms) == 2, url
        for room, _line in rooms:
            assert room >= 25 * MM - 0.5, f"{url}: {room / MM:.1f} mm to sign"
        assert rooms[0][1] == pytest.approx(rooms[1][1]), "both lines to sign at the same height"


# --- 6. emoji ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_emoji_prints_from_a_face_that_has_it_and_only_the_emoji_does(app, client, auth, committee,
                                                                        held_meeting, lang):
    write_minutes(app, committee, held_meeting,
                  discussion="The testbeds are ready 🚀 — 테스트베드 준비 완료 🚀 (12 sites, 2026).")
    auth.login(committee.us_delegate)
    data = client.get(f"/meetings/{held_meeting}/minutes.pdf?lang={lang}").data
    fonts = _embedded_fonts(data)
    emoji = {name: font for name, font in fonts.items() if 0x1F680 in (font.getBestCmap() or {})}
    assert emoji, f"no embedded face has 🚀: {sorted(fonts)}"
    for name, font in emoji.items():  # digits, letters and spaces print from the text faces, not the emoji face
        printed = set(font.getBestCmap())
        assert not printed & {ord(ch) for ch in "0123456789 The"}, (name, sorted(chr(c) for c in printed))
    assert "12 sites, 2026" in pdf_text(data)


# --- 5. the draft mark: seen on every page, not part of the text ----------------------------------------------------

WATERMARK = re.compile(r'<div class="watermark" aria-hidden="true">(.*?)</div>', re.S)
DRAFT_STATUS = {("minutes", "en"): "Draft minutes", ("minutes", "ko"): "합의의사록 초안",
                ("agenda", "en"): "Draft — version 1", ("agenda", "ko"): "초안 — 제1판"}


@pytest.mark.parametrize("document", ["minutes", "agenda"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_draft_mark_is_on_every_page_but_not_in_the_text_a_reader_copies(app, client, auth, committee,
                                                                             held_meeting, document, lang):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.kr_delegate)
    html = client.get(f"/meetings/{held_meeting}/{document}.html?lang={lang}").get_data(as_text=True)
    mark = WATERMARK.search(html)
    assert mark, "the draft carries its mark"
    drawn = mark.group(1)
    assert drawn.startswith("<svg") and "<path" in drawn and "<text" not in drawn
    assert re.sub(r"<[^>]*>", "", drawn).strip() == "", "outlines only: nothing to select, copy or read out"

    laid = laid_out(app, html)
    assert len(laid.pages) >= 2
    for number, page in enumerate(laid.pages):  # in the document's language, large, on every page
        words = list(find(page_content(page), with_class("watermark__word")))
        assert len(words) == 1 and words[0].width > 40 * MM and words[0].height > 25 * MM, f"page {number + 1}"

    pdf = client.get(f"/meetings/{held_meeting}/{document}.pdf?lang={lang}").data
    pages = [" ".join(page.split()) for page in _page_texts(pdf)]
    with app.test_request_context("/"):
        unmarked = [" ".join(page.split()) for page in _page_texts(render_pdf(WATERMARK.sub("", html),
                                                                              "http://localhost/"))]
    assert pages == unmarked, "the mark adds nothing to the text of any page"
    assert "DRAFT" not in " ".join(pages)
    assert pages[0].count(DRAFT_STATUS[document, lang]) == 1, "the title block says once that it is a draft"


def test_an_adopted_document_carries_no_mark(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    for lang in ("en", "ko"):
        html = client.get(f"/meetings/{held_meeting}/minutes.html?lang={lang}").get_data(as_text=True)
        assert 'class="watermark"' not in html and "<svg" not in html
