"""List pages load what they show with a constant number of queries, not one per row."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from jcm.extensions import db
from tests.conftest import postgres_server_url


@contextmanager
def counting(app):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_for(app, client, path: str) -> int:
    with counting(app) as statements:
        response = client.get(path)
        assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["/action-items", "/my-action-items", "/meetings", "/meetings/{meeting}",
                                  "/admin/users", "/mou", "/action-items?q=e&sort=title", "/my-action-items?q=E",
                                  "/meetings?q=joint%20위원회"])
def test_a_page_costs_the_same_number_of_queries_for_3_or_12_rows(app, client, auth, committee, make_meeting,
                                                                  make_action_item, path):
    meeting = make_meeting(ordinal=11, start_date="2026-03-10")
    make_meeting(ordinal=12, start_date="2027-03-10")
    for n in range(3):
        make_action_item(title=f"Item {n}", meeting_id=meeting, due_date="2026-10-01")
    auth.login(committee.us_admin if "admin" in path else committee.us_delegate)
    target = path.format(meeting=meeting + 1)
    few = queries_for(app, client, target)
    make_meeting(ordinal=13, start_date="2028-03-10")
    for n in range(9):
        make_action_item(title=f"More {n}", meeting_id=meeting, due_date="2026-10-01", focus_area="B.4")
    many = queries_for(app, client, target)
    assert many == few, f"{target}: {few} queries for fewer rows, {many} for more"


@pytest.mark.skipif(postgres_server_url() is not None, reason="SQLite's plan; PostgreSQL plans from its statistics")
def test_the_owner_filter_finds_each_item_of_an_owner_with_one_look_in_an_index(app, committee):
    """On SQLite the register's owner filter checks each open item against the owner: with the owner and the item
    indexed together that is one look in the index (with the owner alone, all of an owner's rows for each item)."""
    from datetime import date

    from jcm.actions.services import RegisterFilter, register_query
    from tests.perf.bench_scale import Explain  # the benchmark prints the same plan at scale

    with app.app_context():
        query = register_query(RegisterFilter(owner_user=committee.us_delegate.id, status=["open", "in_progress"]),
                               date(2027, 1, 1))
        plan = " ".join(str(row[-1]) for row in db.session.execute(Explain(query)))
    assert "INDEX ix_action_owner_user_item (user_id=? AND action_item_id=?)" in plan, plan
    assert "INDEX ix_action_owner_organization_item (organization_id=? AND action_item_id=?)" in plan, plan
