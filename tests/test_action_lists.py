"""The lists of action items — the register page, my action items, the CSV and the workbook — as a committee
sees them for one realistic register, pinned byte for byte, so a change to how the lists are built shows here."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select, update

from jcm.accounts.models import Organization, User
from jcm.actions.columns import COLUMNS, EXPORT, MINE, REGISTER, REVIEW, Column, card_lines, columns_of
from jcm.actions.exports import build_csv, build_xlsx
from jcm.actions.models import ActionItem
from jcm.actions.services import RegisterFilter, register_query
from jcm.extensions import db

def _organization(app, acronym):
    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.acronym == acronym))


@pytest.fixture
def lists(app, committee, make_meeting, make_action_item):
    """The 12th meeting's items, one between meetings that is long overdue, one done and one dropped; one with its
    Korean title written, the others in English only so far (and one whose English field holds Hangul); every item
    last touched at the same moment, so nothing in the lists depends on when the test runs."""
    twelfth = make_meeting(ordinal=12, start_date="2027-03-10")
    nsf, iitp, nrf = (_organization(app, acronym) for acronym in ("NSF", "IITP", "NRF"))
    make_action_item("Exchange AI-ready dataset inventories", meeting_id=twelfth, due_date="2030-06-30",
                     title_ko="AI 활용 가능 데이터셋 목록 교환")
    make_action_item('Draft the joint quantum testbed call, "phase 2"', focus_area="B.4", meeting_id=twelfth,
                     due_date="2030-09-30", status="in_progress",
                     owners={"US": [{"user_id": committee.us_observer.id}, {"organization_id": nsf}],
                             "KR": [{"organization_id": iitp}, {"organization_id": nrf}]})
    make_action_item("@risk: nominate experts for the AI safety workshop", due_date="2024-01-15")
    make_action_item("Share the list of joint projects", focus_area="B.6.2", status="done", due_date="2024-02-01")
    make_action_item("공동 워크숍 개최 검토", focus_area="B.1", status="dropped", due_date="2031-01-31",
                     owners={"US": [{"organization_id": nsf}], "KR": [{"user_id": committee.kr_delegate.id}]})
    with app.app_context():
        db.session.execute(update(ActionItem).values(updated_at=datetime(2027, 1, 5, 9, 30, 41, 123456)))
        db.session.commit()


def _speak(app, person, locale):
    with app.app_context():
        db.session.get(User, person.id).locale = locale
        db.session.commit()


def _same_everywhere(html: str) -> str:
    """Ids and CSRF tokens differ from one database to the next; nothing else may."""
    html = re.sub(r"/action-items/\d+", "/action-items/N", html)
    html = re.sub(r'id="action-\d+"', 'id="action-N"', html)
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', 'name="csrf_token" type="hidden" value="T"', html)


def _between(html: str, start: str, end: str) -> str:
    first = html.index(start)
    return html[first:html.index(end, first) + len(end)]


def _workbook(data: bytes) -> dict:
    """What a reader of the workbook sees: its cells with their types, formats and fonts, and the sheet's layout."""
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    return {
        "title": sheet.title,
        "freeze": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "widths": " ".join(f"{letter}={dimension.width:g}"
                           for letter, dimension in sorted(sheet.column_dimensions.items())),
        "values": [[cell.value for cell in row] for row in sheet.iter_rows()],
        "types": ["".join(cell.data_type[0] for cell in row) for row in sheet.iter_rows()],
        "formats": sorted({(cell.column_letter, cell.number_format)
                           for cell in cells if cell.number_format != "General"}),
        "bold": [cell.coordinate for cell in cells if cell.font.bold],
        "quoted": [cell.coordinate for cell in cells if cell.quotePrefix],
    }


BOM = "\ufeff"

CSV = {
    "en": [
        "Reference,Title (English),Title (Korean),Focus area,Focus area title,Origin meeting,U.S. owners,"
        "Korean owners,Due date,Status,Overdue,Last update (UTC)",
        "JCM-X001,'@risk: nominate experts for the AI safety workshop,,A.1,AI for Science and Use-Inspired Research,,"
        "David Okafor,박지훈,2024-01-15,Open,yes,2027-01-05 09:30",
        "JCM-X002,Share the list of joint projects,,B.6.2,Korean Cubesat Rideshare on Artemis II,,David Okafor,박지훈,"
        "2024-02-01,Done,no,2027-01-05 09:30",
        "JCM12-A01,Exchange AI-ready dataset inventories,AI 활용 가능 데이터셋 목록 교환,A.1,"
        "AI for Science and Use-Inspired Research,The 12th Joint Committee Meeting,David Okafor,박지훈,2030-06-30,Open,"
        "no,2027-01-05 09:30",
        'JCM12-A02,"Draft the joint quantum testbed call, ""phase 2""",,B.4,Leading Quantum Innovation,'
        "The 12th Joint Committee Meeting,Olivia Park; U.S. National Science Foundation,"
        "Institute of Information and Communication Technology Planning and Evaluation; "
        "National Research Foundation of Korea,2030-09-30,In progress,no,2027-01-05 09:30",
        "JCM-X003,공동 워크숍 개최 검토,,B.1,Research Security,,U.S. National Science Foundation,박지훈,2031-01-31,"
        "Dropped,no,2027-01-05 09:30",
    ],
    "ko": [
        "참조 번호,제목(영문),제목(국문),중점 분야,중점 분야명,제기 회의,미국 측 담당,한국 측 담당,기한,상태,기한 경과,"
        "최종 수정(UTC)",
        "JCM-X001,'@risk: nominate experts for the AI safety workshop,,A.1,과학을 위한 AI 및 활용 지향 연구,,"
        "David Okafor,박지훈,2024-01-15,미결,예,2027-01-05 09:30",
        "JCM-X002,Share the list of joint projects,,B.6.2,아르테미스 II 한국 큐브위성 부탑재,,David Okafor,박지훈,"
        "2024-02-01,완료,아니요,2027-01-05 09:30",
        "JCM12-A01,Exchange AI-ready dataset inventories,AI 활용 가능 데이터셋 목록 교환,A.1,과학을 위한 AI 및 활용 지향 연구,"
        "제12차 공동위원회,David Okafor,박지훈,2030-06-30,미결,아니요,2027-01-05 09:30",
        'JCM12-A02,"Draft the joint quantum testbed call, ""phase 2""",,B.4,양자 혁신 선도,제12차 공동위원회,'
        "Olivia Park; 미국 국립과학재단,정보통신기획평가원; 한국연구재단,2030-09-30,진행 중,아니요,2027-01-05 09:30",
        "JCM-X003,공동 워크숍 개최 검토,,B.1,연구보안,,미국 국립과학재단,박지훈,2031-01-31,중단,아니요,2027-01-05 09:30",
    ],
}

TOUCHED = datetime(2027, 1, 5, 9, 30, 41)  # the workbook keeps the seconds; the CSV shows minutes
WORKBOOK_VALUES = {
    "en": [
        ["Reference", "Title (English)", "Title (Korean)", "Focus area", "Focus area title", "Origin meeting",
         "U.S. owners", "Korean owners", "Due date", "Status", "Overdue", "Last update (UTC)"],
        ["JCM-X001", "@risk: nominate experts for the AI safety workshop", None, "A.1",
         "AI for Science and Use-Inspired Research", None, "David Okafor", "박지훈", datetime(2024, 1, 15), "Open",
         "yes", TOUCHED],
        ["JCM-X002", "Share the list of joint projects", None, "B.6.2", "Korean Cubesat Rideshare on Artemis II", None,
         "David Okafor", "박지훈", datetime(2024, 2, 1), "Done", "no", TOUCHED],
        ["JCM12-A01", "Exchange AI-ready dataset inventories", "AI 활용 가능 데이터셋 목록 교환", "A.1",
         "AI for Science and Use-Inspired Research", "The 12th Joint Committee Meeting", "David Okafor", "박지훈",
         datetime(2030, 6, 30), "Open", "no", TOUCHED],
        ["JCM12-A02", 'Draft the joint quantum testbed call, "phase 2"', None, "B.4", "Leading Quantum Innovation",
         "The 12th Joint Committee Meeting", "Olivia Park; U.S. National Science Foundation",
         "Institute of Information and Communication Technology Planning and Evaluation; "
         "National Research Foundation of Korea", datetime(2030, 9, 30), "In progress", "no", TOUCHED],
        ["JCM-X003", "공동 워크숍 개최 검토", None, "B.1", "Research Security", None, "U.S. National Science Foundation",
         "박지훈", datetime(2031, 1, 31), "Dropped", "no", TOUCHED],
    ],
    "ko": [
        ["참조 번호", "제목(영문)", "제목(국문)", "중점 분야", "중점 분야명", "제기 회의", "미국 측 담당", "한국 측 담당", "기한",
         "상태", "기한 경과", "최종 수정(UTC)"],
        ["JCM-X001", "@risk: nominate experts for the AI safety workshop", None, "A.1", "과학을 위한 AI 및 활용 지향 연구",
         None, "David Okafor", "박지훈", datetime(2024, 1, 15), "미결", "예", TOUCHED],
        ["JCM-X002", "Share the list of joint projects", None, "B.6.2", "아르테미스 II 한국 큐브위성 부탑재", None,
         "David Okafor", "박지훈", datetime(2024, 2, 1), "완료", "아니요", TOUCHED],
        ["JCM12-A01", "Exchange AI-ready dataset inventories", "AI 활용 가능 데이터셋 목록 교환", "A.1",
         "과학을 위한 AI 및 활용 지향 연구", "제12차 공동위원회", "David Okafor", "박지훈", datetime(2030, 6, 30), "미결",
         "아니요", TOUCHED],
        ["JCM12-A02", 'Draft the joint quantum testbed call, "phase 2"', None, "B.4", "양자 혁신 선도", "제12차 공동위원회",
         "Olivia Park; 미국 국립과학재단", "정보통신기획평가원; 한국연구재단", datetime(2030, 9, 30), "진행 중", "아니요",
         TOUCHED],
        ["JCM-X003", "공동 워크숍 개최 검토", None, "B.1", "연구보안", None, "미국 국립과학재단", "박지훈",
         datetime(2031, 1, 31), "중단", "아니요", TOUCHED],
    ],
}
WORKBOOK_WIDTHS = {
    "en": "A=11 B=52 C=33 D=12 E=42 F=34 G=47 H=60 I=12 J=13 K=10 L=17",
    "ko": "A=11 B=52 C=33 D=11 E=36 F=19 G=32 H=34 I=12 J=10 K=11 L=17",
}

REGISTER_HEAD = {
    "en": '<thead><tr><th scope="col">Reference</th><th scope="col">Action</th><th scope="col">Focus area</th>'
          '<th scope="col"><span class="side-badge side-badge--us" title="United States">US</span> Owners</th>'
          '<th scope="col"><span class="side-badge side-badge--kr" title="Republic of Korea">KR</span> Owners</th>'
          '<th scope="col">Due</th><th scope="col">Status</th></tr></thead>',
    "ko": '<thead><tr><th scope="col">참조 번호</th><th scope="col">조치 내용</th><th scope="col">중점 분야</th>'
          '<th scope="col"><span class="side-badge side-badge--us" title="미국">US</span> 담당</th>'
          '<th scope="col"><span class="side-badge side-badge--kr" title="대한민국">KR</span> 담당</th>'
          '<th scope="col">기한</th><th scope="col">상태</th></tr></thead>',
}

REGISTER_BODY_EN = """<tbody>
  
    <tr class="is-overdue">
      <td><a href="/action-items/N">JCM-X001</a></td>
      <td>@risk: nominate experts for the AI safety workshop</td>
      <td><span class="fa__code" title="AI for Science and Use-Inspired Research">A.1</span></td>
      <td>David Okafor</td>
      <td>박지훈</td>
      <td><time datetime="2024-01-15">Jan 15, 2024</time></td>
      <td><span class="status status--open">Open</span> <span class="status status--overdue">Overdue</span></td>
    </tr>
  
    <tr>
      <td><a href="/action-items/N">JCM-X002</a></td>
      <td>Share the list of joint projects</td>
      <td><span class="fa__code" title="Korean Cubesat Rideshare on Artemis II">B.6.2</span></td>
      <td>David Okafor</td>
      <td>박지훈</td>
      <td><time datetime="2024-02-01">Feb 1, 2024</time></td>
      <td><span class="status status--done">Done</span></td>
    </tr>
  
    <tr>
      <td><a href="/action-items/N">JCM12-A01</a></td>
      <td>Exchange AI-ready dataset inventories</td>
      <td><span class="fa__code" title="AI for Science and Use-Inspired Research">A.1</span></td>
      <td>David Okafor</td>
      <td>박지훈</td>
      <td><time datetime="2030-06-30">Jun 30, 2030</time></td>
      <td><span class="status status--open">Open</span></td>
    </tr>
  
    <tr>
      <td><a href="/action-items/N">JCM12-A02</a></td>
      <td>Draft the joint quantum testbed call, &#34;phase 2&#34;</td>
      <td><span class="fa__code" title="Leading Quantum Innovation">B.4</span></td>
      <td>Olivia Park, U.S. National Science Foundation <span class="muted">(NSF)</span></td>
      <td>Institute of Information and Communication Technology Planning and Evaluation \
<span class="muted">(IITP)</span>, National Research Foundation of Korea <span class="muted">(NRF)</span></td>
      <td><time datetime="2030-09-30">Sep 30, 2030</time></td>
      <td><span class="status status--in_progress">In progress</span></td>
    </tr>
  
    <tr>
      <td><a href="/action-items/N">JCM-X003</a></td>
      <td>공동 워크숍 개최 검토</td>
      <td><span class="fa__code" title="Research Security">B.1</span></td>
      <td>U.S. National Science Foundation <span class="muted">(NSF)</span></td>
      <td>박지훈</td>
      <td><time datetime="2031-01-31">Jan 31, 2031</time></td>
      <td><span class="status status--dropped">Dropped</span></td>
    </tr>
  
  </tbody>"""

MINE_HEADS = {
    "en": [
        """<header class="action-card__head">
      <h2><a href="/action-items/N">JCM-X001</a> @risk: nominate experts for the AI safety workshop</h2>
      <p><span class="status status--open">Open</span> <span class="status status--overdue">Overdue</span> · \
due <time datetime="2024-01-15">Jan 15, 2024</time> · \
<span class="fa__code" title="AI for Science and Use-Inspired Research">A.1</span></p>
      <p class="muted">U.S.: David Okafor · Korea: 박지훈</p>
    </header>""",
        """<header class="action-card__head">
      <h2><a href="/action-items/N">JCM12-A01</a> Exchange AI-ready dataset inventories</h2>
      <p><span class="status status--open">Open</span> · due <time datetime="2030-06-30">Jun 30, 2030</time> · \
<span class="fa__code" title="AI for Science and Use-Inspired Research">A.1</span></p>
      <p class="muted">U.S.: David Okafor · Korea: 박지훈</p>
    </header>""",
        """<header class="action-card__head">
      <h2><a href="/action-items/N">JCM12-A02</a> Draft the joint quantum testbed call, &#34;phase 2&#34;</h2>
      <p><span class="status status--in_progress">In progress</span> · due <time datetime="2030-09-30">Sep 30, 2030</time> · \
<span class="fa__code" title="Leading Quantum Innovation">B.4</span></p>
      <p class="muted">U.S.: Olivia Park, U.S. National Science Foundation <span class="muted">(NSF)</span> · \
Korea: Institute of Information and Communication Technology Planning and Evaluation \
<span class="muted">(IITP)</span>, National Research Foundation of Korea <span class="muted">(NRF)</span></p>
    </header>""",
    ],
    "ko": [
        """<header class="action-card__head">
      <h2><a href="/action-items/N">JCM-X001</a> <span lang="en">@risk: nominate experts for the AI safety workshop</span> \
<small class="lang-marker" title="국문이 아직 작성되지 않아 영문을 표시합니다.">(영문)</small></h2>
      <p><span class="status status--open">미결</span> <span class="status status--overdue">기한 경과</span> · \
기한 <time datetime="2024-01-15">2024. 1. 15.</time> · \
<span class="fa__code" title="과학을 위한 AI 및 활용 지향 연구">A.1</span></p>
      <p class="muted">미국: David Okafor · 한국: 박지훈</p>
    </header>""",
        """<header class="action-card__head">
      <h2><a href="/action-items/N">JCM12-A01</a> AI 활용 가능 데이터셋 목록 교환</h2>
      <p><span class="status status--open">미결</span> · 기한 <time datetime="2030-06-30">2030. 6. 30.</time> · \
<span class="fa__code" title="과학을 위한 AI 및 활용 지향 연구">A.1</span></p>
      <p class="muted">미국: David Okafor · 한국: 박지훈</p>
    </header>""",
        """<header class="action-card__head">
      <h2><a href="/action-items/N">JCM12-A02</a> <span lang="en">Draft the joint quantum testbed call, &#34;phase 2&#34;</span> \
<small class="lang-marker" title="국문이 아직 작성되지 않아 영문을 표시합니다.">(영문)</small></h2>
      <p><span class="status status--in_progress">진행 중</span> · 기한 <time datetime="2030-09-30">2030. 9. 30.</time> · \
<span class="fa__code" title="양자 혁신 선도">B.4</span></p>
      <p class="muted">미국: Olivia Park, 미국 국립과학재단 <span class="muted">(NSF)</span> · \
한국: 정보통신기획평가원 <span class="muted">(IITP)</span>, 한국연구재단 <span class="muted">(NRF)</span></p>
    </header>""",
    ],
}


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_the_csv_is_what_the_secretariats_have_always_sent_round(app, client, auth, committee, lists, locale):
    _speak(app, committee.us_secretariat, locale)
    auth.login(committee.us_secretariat)
    data = client.get("/action-items.csv").get_data()
    assert data == (BOM + "\r\n".join(CSV[locale]) + "\r\n").encode("utf-8")


@pytest.mark.parametrize("locale, title", [("en", "Action items"), ("ko", "후속조치")])
def test_the_workbook_is_what_the_secretariats_have_always_sent_round(app, client, auth, committee, lists, locale,
                                                                      title):
    _speak(app, committee.kr_secretariat, locale)
    auth.login(committee.kr_secretariat)
    workbook = _workbook(client.get("/action-items.xlsx").get_data())
    assert workbook == {
        "title": title, "freeze": "A2", "filter": "A1:L6", "widths": WORKBOOK_WIDTHS[locale],
        "values": WORKBOOK_VALUES[locale],
        # text everywhere but the two dates; an empty Korean title or origin meeting is an empty cell
        "types": ["ssssssssssss", "ssississdssd", "ssississdssd", "ssssssssdssd", "ssisssssdssd", "ssississdssd"],
        "formats": [("I", "yyyy-mm-dd"), ("L", "yyyy-mm-dd hh:mm")],
        "bold": [f"{letter}1" for letter in "ABCDEFGHIJKL"],
        "quoted": ["B2"],  # the title that starts with "@" stays text when edited
    }


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_the_register_page_shows_the_same_table(app, client, auth, committee, lists, locale):
    _speak(app, committee.us_observer, locale)
    auth.login(committee.us_observer)
    page = _same_everywhere(client.get("/action-items").get_data(as_text=True))
    table = _between(page, '<table class="table">', "</table>")
    assert _between(table, "<thead>", "</thead>") == REGISTER_HEAD[locale]
    if locale == "en":
        assert _between(table, "<tbody>", "</tbody>") == REGISTER_BODY_EN
    else:
        assert ('<td><time datetime="2024-01-15">2024. 1. 15.</time></td>\n      <td><span class="status status--open">'
                '미결</span> <span class="status status--overdue">기한 경과</span></td>') in table
        assert ('<td>미국 국립과학재단 <span class="muted">(NSF)</span></td>\n      <td>박지훈</td>') in table
        # the Korean title where one is written, else the English, marked as such
        assert '<td><a href="/action-items/N">JCM12-A01</a></td>\n      <td>AI 활용 가능 데이터셋 목록 교환</td>' in table
        assert ('<td><span lang="en">Share the list of joint projects</span> <small class="lang-marker" '
                'title="국문이 아직 작성되지 않아 영문을 표시합니다.">(영문)</small></td>') in table


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_my_action_items_show_the_same_cards(app, client, auth, committee, lists, locale):
    _speak(app, committee.kr_delegate, locale)
    auth.login(committee.kr_delegate)
    page = _same_everywhere(client.get("/my-action-items").get_data(as_text=True))
    heads = re.findall(r'<header class="action-card__head">.*?</header>', page, flags=re.S)
    assert heads == MINE_HEADS[locale]


def test_the_meetings_review_of_action_items_names_the_owners_as_before(app, client, auth, committee, lists,
                                                                        make_action_item):
    """The review on a meeting's page names the owners without the agencies' acronyms, and nothing for none."""
    with app.app_context():
        from jcm.meetings.models import Meeting

        twelfth = db.session.scalar(select(Meeting.id).where(Meeting.ordinal == 12))
    make_action_item("Map the quantum testbeds", focus_area="B.4", due_date="2030-01-31",
                     owners={"US": [{"user_id": committee.us_observer.id},
                                    {"organization_id": _organization(app, "NSF")}],
                             "KR": [{"organization_id": _organization(app, "IITP")}]})
    auth.login(committee.us_secretariat)
    page = _same_everywhere(client.get(f"/meetings/{twelfth}").get_data(as_text=True))
    review = _between(page, '<section class="panel" id="action-review"', "</section>")
    assert ("<td>@risk: nominate experts for the AI safety workshop</td>\n          <td>David Okafor</td>\n"
            "          <td>박지훈</td>\n          <td><time datetime=\"2024-01-15\">Jan 15, 2024</time></td>") in review
    assert ("<td>Map the quantum testbeds</td>\n          <td>Olivia Park, U.S. National Science Foundation</td>\n"
            "          <td>Institute of Information and Communication Technology Planning and Evaluation</td>\n"
            "          <td><time datetime=\"2030-01-31\">Jan 31, 2030</time></td>") in review


# --- one description per list ---------------------------------------------------------------------------

def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_column_added_to_the_registry_is_in_the_export_header_and_every_row(app, committee, lists):
    """Headers and cells come from the same column, so a new column cannot shift the others out of place."""
    lead = Column("lead", _l("Lead"), lambda item, locale, today: f"{item.ref} lead", frozenset({EXPORT}))
    page_only = Column("page_only", _l("Page only"), lambda item, locale, today: "never exported",
                       frozenset({REGISTER}))
    registry = (*COLUMNS[:2], lead, *COLUMNS[2:], page_only)  # in the middle, where a drift would show
    today = date.today()
    with app.test_request_context():
        items = db.session.scalars(register_query(RegisterFilter(), today)).unique().all()
        before = _csv_rows(build_csv(items, "en", today))
        after = _csv_rows(build_csv(items, "en", today, registry))
        workbook = load_workbook(io.BytesIO(build_xlsx(items, "en", today, registry))).active
    assert after[0] == before[0][:2] + ["Lead"] + before[0][2:]
    assert len(after) == len(before) == 6
    for old, new in zip(before[1:], after[1:]):
        assert new == old[:2] + [f"{old[0]} lead"] + old[2:]
    assert "never exported" not in {value for row in after for value in row}
    assert [cell.value for cell in workbook[1]][:4] == ["Reference", "Title (English)", "Lead", "Title (Korean)"]
    assert workbook["C2"].value == "JCM-X001 lead" and workbook.auto_filter.ref == "A1:M6"
    assert workbook.column_dimensions["J"].width == 12  # the due date keeps its width, one column further on


def test_the_register_page_and_the_export_share_their_columns(app):
    register = [column.key for column in COLUMNS if REGISTER in column.lists]
    export = [column.key for column in COLUMNS if EXPORT in column.lists]
    assert register == ["ref", "title", "focus_area", "owners_us", "owners_kr", "due_date", "status"]
    assert set(register) <= set(export) and len(export) == len(set(export)) == 12
    assert export[1:3] == ["title", "title_ko"]  # the spreadsheets carry both texts, side by side


def test_the_meetings_review_and_my_action_items_take_their_columns_from_the_registry_too(app):
    assert [column.key for column in columns_of(REVIEW)] == ["ref", "title", "owners_us", "owners_kr", "due_date"]
    card = {line: [column.key for column in columns] for line, columns in card_lines().items()}
    assert card == {"heading": ["ref", "title"], "facts": ["status", "due_date", "focus_area"],
                    "owners": ["owners_us", "owners_kr"]}
    assert all(column.card is not None for column in columns_of(MINE))  # each column of a card has its place
    assert set(columns_of(REVIEW)) | set(columns_of(MINE)) <= set(columns_of(REGISTER))  # the same cells everywhere
