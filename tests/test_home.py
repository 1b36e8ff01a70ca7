"""Each person lands on what waits for them, by role and side: the agenda their side has not agreed, minutes to
adopt or comment on, corrections and proposals their side has not answered, comments on the drafts they write,
their overdue and soon-due action items, the next meeting. A fresh instance's first administrator gets the next
steps."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from jcm.accounts.services import create_user, get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from tests.conftest import PASSWORD, Auth, complete_both_texts, post_form
from tests.test_minutes import _area, _ready_to_adopt, person
from tests.test_minutes_pages import circulate, record_progress


def home_of(app, who) -> str:
    client = app.test_client()
    Auth(client).login(who)
    return client.get("/").get_data(as_text=True)


def test_the_agenda_waits_for_the_side_that_has_not_agreed_it(app, api, committee, make_meeting):
    meeting_id = make_meeting(ordinal=30, start_date="2027-05-10")
    complete_both_texts(app, committee, meeting_id)
    assert api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", committee.us_secretariat).status_code == 201
    korean = home_of(app, committee.kr_secretariat)
    assert "Agenda to agree" in korean and f"/meetings/{meeting_id}#agreement-heading" in korean
    assert "Agenda to agree" in home_of(app, committee.kr_co_chair)
    for done_or_not_theirs in (committee.us_secretariat, committee.us_co_chair, committee.kr_delegate,
                               committee.kr_observer):
        assert "Agenda to agree" not in home_of(app, done_or_not_theirs)
    assert api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", committee.kr_secretariat).status_code == 201
    assert "Agenda to agree" not in home_of(app, committee.kr_secretariat)


def test_circulated_minutes_wait_for_each_co_chair_and_the_delegates_comments(app, committee, held_meeting):
    record_progress(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    for co_chair in (committee.us_co_chair, committee.kr_co_chair):
        page = home_of(app, co_chair)
        assert "Minutes to adopt" in page and f"/meetings/{held_meeting}/minutes" in page
    for reader in (committee.kr_delegate, committee.us_secretariat):
        assert "Minutes for your comments" in home_of(app, reader)
    observer = home_of(app, committee.us_observer)
    assert "Minutes for your comments" not in observer and "Minutes to adopt" not in observer
    with app.app_context():
        services.adopt(person(committee, "us_co_chair"), services.minutes_for(get_meeting(held_meeting)))
        db.session.commit()
    assert "Minutes to adopt" not in home_of(app, committee.us_co_chair)  # the U.S. side has adopted
    assert "Minutes to adopt" in home_of(app, committee.kr_co_chair)


def test_comments_on_a_draft_wait_for_the_secretariats_until_resolved(app, committee, held_meeting):
    record_progress(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        first = services.add_comment(get_user(committee.kr_delegate.id), minutes, "날짜를 확인해 주십시오.")
        services.add_comment(get_user(committee.us_delegate.id), minutes, "The NSF title is outdated.")
        db.session.commit()
        first_id = first.id
    for secretariat in (committee.us_secretariat, committee.kr_secretariat):
        assert "2 comments to resolve" in home_of(app, secretariat)
    assert "comments to resolve" not in home_of(app, committee.us_delegate)
    with app.app_context():
        from jcm.minutes.models import MinutesComment

        services.resolve_comment(person(committee, "us_secretariat"), db.session.get(MinutesComment, first_id))
        db.session.commit()
    assert "1 comment to resolve" in home_of(app, committee.kr_secretariat)


def test_a_two_sided_proposal_waits_for_the_other_sides_secretariat(app, api, committee, make_meeting):
    meeting_id = make_meeting(ordinal=40, start_date="2028-05-01")
    assert api.post(f"/api/v1/meetings/{meeting_id}/proposals", committee.us_secretariat,
                    json={"kind": "delete", "reason": "Entered twice."}).status_code == 201
    korean = home_of(app, committee.kr_secretariat)
    assert "Proposal to confirm" in korean and f"/meetings/{meeting_id}#proposal-1" in korean
    assert "Delete the meeting" in korean
    assert "Proposal to confirm" not in home_of(app, committee.us_secretariat)


def test_a_correction_waits_for_each_co_chair_until_their_side_adopts_it(app, committee, held_meeting):
    with app.app_context():
        minutes = _ready_to_adopt(app, committee, held_meeting)
        services.save_progress(person(committee, "us_secretariat"), minutes, _area(app, "B.4"), "on_track", "",
                               narrative_ko="")
        services.adopt(person(committee, "us_co_chair"), minutes)
        services.adopt(person(committee, "kr_co_chair"), minutes)
        correction = services.propose_correction(person(committee, "us_secretariat"), minutes, {
            "next_meeting": "Washington, D.C., in the spring of 2027.", "next_meeting_ko": "2027년 봄, 워싱턴 D.C."},
            "차기 회의 장소 기재")
        db.session.commit()
        number = correction.number
    assert "Correction to adopt" in home_of(app, committee.kr_co_chair)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        services.adopt_correction(person(committee, "kr_co_chair"), services.get_correction(minutes, number))
        db.session.commit()
    assert "Correction to adopt" not in home_of(app, committee.kr_co_chair)
    assert "Correction to adopt" in home_of(app, committee.us_co_chair)


def test_a_delegate_sees_their_overdue_and_soon_due_items_and_the_next_meeting(app, committee, make_meeting,
                                                                              make_action_item):
    today = date.today()
    late = make_action_item(title="Send the testbed list", due_date=(today - timedelta(days=3)).isoformat())
    soon = make_action_item(title="Draft the workshop programme", due_date=(today + timedelta(days=5)).isoformat())
    make_action_item(title="Plan the 2029 exchange", due_date=(today + timedelta(days=300)).isoformat())
    meeting_id = make_meeting(ordinal=31, start_date=(today + timedelta(days=10)).isoformat())
    page = home_of(app, committee.us_delegate)
    assert "Your action items" in page
    assert page.index("Send the testbed list") < page.index("Draft the workshop programme")
    assert "Plan the 2029 exchange" not in page  # not yet needing attention: a link away
    assert f"/action-items/{late}" in page and f"/action-items/{soon}" in page
    assert "opens in 10 days" in page and f"/meetings/{meeting_id}" in page


def test_nothing_waiting_says_so(app, committee):
    page = home_of(app, committee.us_observer)
    assert "Nothing waits for you now." in page and "/mou" in page


def test_the_start_page_speaks_korean(app, committee, held_meeting):
    record_progress(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    client = app.test_client()
    Auth(client).login(committee.kr_co_chair)
    page = client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "처리할 일" in page and "채택할 회의록" in page


def test_the_start_page_takes_as_many_statements_with_many_meetings_as_with_one(app, api, committee, make_meeting):
    def statements() -> int:
        client = app.test_client()
        Auth(client).login(committee.kr_secretariat)
        seen = []
        with app.app_context():
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get("/").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    def agenda_for_korea(ordinal):
        meeting_id = make_meeting(ordinal=ordinal, start_date=f"20{27 + ordinal % 10}-05-10")
        complete_both_texts(app, committee, meeting_id)
        api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", committee.us_secretariat)
        api.post(f"/api/v1/meetings/{meeting_id}/proposals", committee.us_secretariat,
                 json={"kind": "cancel", "reason": "Typhoon."})

    agenda_for_korea(1)
    one = statements()
    for ordinal in (2, 3, 4):
        agenda_for_korea(ordinal)
    assert statements() == one


# --- a fresh instance -------------------------------------------------------------------------------------------

def test_a_first_administrator_is_shown_the_next_steps(app, client, mou):
    with app.app_context():
        create_user(None, {"email": "first.admin@state.example.gov", "name": "First Admin", "side": "US",
                           "role": "admin"}, PASSWORD)
        db.session.commit()
    Auth(client).login("first.admin@state.example.gov")
    page = client.get("/").get_data(as_text=True)
    assert "Next steps for this new JCM" in page
    assert "/admin/users/new?role=secretariat&amp;side=US" in page and "side=KR" in page
    assert "Record a notice of discontinuation" not in page
    form = client.get("/admin/users/new?role=secretariat&side=KR").get_data(as_text=True)
    assert '<option selected value="secretariat">' in form or 'value="secretariat" selected' in form
    blank = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="admin" selected' not in blank and '<option selected value="admin">' not in blank
    refused = post_form(client, "/admin/users/new", {"name": "No Role", "email": "norole@state.example.gov",
                                                     "side": "US", "role": "", "password": "a long password 123"},
                        page="/admin/users/new")
    assert refused.status_code == 422
