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


def _grow_the_agenda(app, committee, meeting_id: int, focus_areas: tuple[str, ...], others: int) -> None:
    """The U.S. secretariat adds a discussion of each focus area and `others` other items to the agenda, and, the
    meeting held, opens the minutes again, which gives each new item its record; a comment on one record."""
    from sqlalchemy import select

    from jcm.accounts.services import get_user
    from jcm.meetings.services import add_agenda_item, get_meeting
    from jcm.minutes.services import add_comment, open_minutes
    from jcm.mou.models import FocusArea

    with app.app_context():
        secretariat = get_user(committee.us_secretariat.id)
        meeting = get_meeting(meeting_id)
        meeting.status = "planning"  # a shortcut: an agenda changes before the meeting is held
        for code in focus_areas:
            area = db.session.scalar(select(FocusArea).where(FocusArea.code == code))
            add_agenda_item(secretariat, meeting, {"kind": "focus_area", "title": area.title,
                                                   "title_ko": area.title_ko, "focus_area_ids": [area.id]})
        for n in range(others):
            add_agenda_item(secretariat, meeting, {"title": f"Researcher exchange {n}",
                                                   "title_ko": f"연구자 교류 {n}"})
        meeting.status = "held"
        db.session.flush()
        minutes = open_minutes(secretariat, get_meeting(meeting_id))
        minutes.status = "circulated"  # a shortcut: comments are made on the draft as circulated, and stay
        add_comment(get_user(committee.kr_secretariat.id), minutes, "국문 표현을 확인해 주십시오.",
                    minutes.sections[-1].id)
        minutes.status = "draft"
        db.session.commit()


def test_a_meeting_and_its_minutes_cost_the_same_number_of_queries_for_a_short_agenda_or_a_long_one(
        app, client, auth, committee, make_meeting, make_action_item):
    """A meeting's page (with the review of the action items carried over to it, and its forms for a secretariat),
    its minutes and the secretariats' editor of them load what they show in as many statements for a long agenda
    with many items carried over, reviewed and commented on as for a short one: none is read once an item."""
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, record_review
    from jcm.meetings.services import get_meeting

    eleventh = make_meeting(ordinal=11, start_date="2026-03-10")
    twelfth = make_meeting(ordinal=12, start_date="2027-03-10")
    for n in range(3):
        make_action_item(title=f"Item {n}", meeting_id=eleventh, due_date="2026-10-01")
    _grow_the_agenda(app, committee, twelfth, (), 1)
    pages = {("us_delegate", f"/meetings/{twelfth}"), ("us_secretariat", f"/meetings/{twelfth}"),
             ("us_delegate", f"/meetings/{twelfth}/minutes"), ("us_secretariat", f"/meetings/{twelfth}/minutes")}

    def counts() -> dict:
        found = {}
        for who, path in sorted(pages):
            auth.login(getattr(committee, who))
            found[who, path] = queries_for(app, client, path)
            auth.logout()
        return found

    few = counts()
    _grow_the_agenda(app, committee, twelfth, ("B.4", "B.6.2"), 6)
    for n in range(9):
        make_action_item(title=f"More {n}", meeting_id=eleventh, due_date="2026-10-01", focus_area="B.4",
                         owners={"US": [{"user_id": committee.us_observer.id}],
                                 "KR": [{"user_id": committee.kr_delegate.id}]})
    with app.app_context():
        record_review(get_user(committee.us_secretariat.id), get_action_item(make_action_item(
            title="Reviewed", meeting_id=eleventh, due_date="2026-10-01")), get_meeting(twelfth), "continued",
            "2027-09-30", "Extended by both sides")
        db.session.commit()
    many = counts()
    assert many == few, f"fewer items: {few}; more: {many}"
