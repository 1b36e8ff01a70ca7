"""Notifications: the people an act concerns are told of it — in the app always, by e-mail through a real SMTP
server, in their own language and time zone, at most one e-mail an hour — after the act's commit, never before."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import func, select

from jcm.accounts.models import User
from jcm.extensions import db
from jcm.notifications.models import MailState, Notice
from jcm.notifications.sending import sender_of
from tests.conftest import complete_both_texts, post_form
from tests.test_reminders import BASE_URL, Inbox, free_port, html_of, text_of


class MailServer:
    """A real SMTP server on a local port, which can go down and come back on the same port."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail(app):
    server = MailServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5,
                      MAIL_DEFAULT_SENDER="JCM <jcm@state.example.gov>", BASE_URL=BASE_URL + "/")
    try:
        yield server
    finally:
        sender_of(app).stop()
        server.stop()


@pytest.fixture
def korean_side_reads_korean(app, committee):
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.side == "KR")):
            user.locale = "ko"
        db.session.commit()


def flush(runner):
    result = runner.invoke(args=["notify", "--flush"])
    return result


def an_hour_passes(app) -> None:
    """The last e-mails were sent an hour ago (the clock is the database's record of them)."""
    with app.app_context():
        for notice in db.session.scalars(select(Notice).where(Notice.mailed_at.is_not(None))):
            notice.mailed_at -= timedelta(minutes=61)
        db.session.commit()


def notices_of(app, person) -> list[Notice]:
    with app.app_context():
        found = list(db.session.scalars(select(Notice).where(Notice.user_id == person.id).order_by(Notice.id)))
        db.session.expunge_all()
        return found


def notice_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Notice))


def calendar_part(message):
    parts = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0].get_content()


# --- an invitation --------------------------------------------------------------------------------------------

def test_a_meeting_set_up_invites_both_sides_in_their_languages_with_its_calendar_entry(
        app, committee, korean_side_reads_korean, mail, make_meeting):
    app.config["NOTIFY_IN_BACKGROUND"] = True  # as in production: sent after the commit, by the sender's thread

    make_meeting(ordinal=12, start_date="2027-03-10", end_date="2027-03-11")  # hosted in Sejong, Seoul's time
    sender_of(app).wait()

    told = {rcpt for _sender, rcpts in mail.inbox.envelopes for rcpt in rcpts}
    everyone_but_the_admins_and_the_actor = {p.email for p in committee.people
                                             if p.role != "admin" and p != committee.us_secretariat}
    assert told == everyone_but_the_admins_and_the_actor  # observers too: an invitation asks nothing of them

    [us] = mail.inbox.to(committee.us_delegate.email)
    assert us["Subject"] == "[JCM] Invitation: The 12th Joint Committee Meeting"
    body = text_of(us)
    assert "Dear David Okafor," in body
    assert "When: March 10, 2027 to March 11, 2027" in body
    assert "Opens at 09:00 Seoul time (Asia/Seoul)" in body
    assert "Your time: 2027-03-09 19:00 EST (Washington)" in body  # the evening before, in Washington
    assert f"{BASE_URL}/meetings/" in body and "/notifications/unsubscribe/" in body

    [kr] = mail.inbox.to(committee.kr_delegate.email)
    assert kr["Subject"] == "[JCM] 제12차 공동위원회 초청"
    korean = text_of(kr)
    assert "개회: 서울 시각 09:00 (Asia/Seoul)" in korean and "귀하의 시각" not in korean  # Seoul is his zone
    assert "장소: 과학기술정보통신부 정부세종청사, 세종" in korean
    assert "초청" in html_of(kr)

    for message in (us, kr):
        entry = Calendar.from_ical(calendar_part(message))
        assert [c.name for c in entry.subcomponents].count("VTIMEZONE") == 1
        days = [c for c in entry.walk("VEVENT")]
        assert len(days) == 2
        assert days[0]["DTSTART"].dt.tzinfo.key == "Asia/Seoul" and days[0]["DTSTART"].dt.hour == 9
    assert "DTSTART;TZID=Asia/Seoul:20270310T090000" in calendar_part(us).replace("\r\n", "\n")
    assert "제12차 공동위원회" in Calendar.from_ical(calendar_part(kr)).walk("VEVENT")[0]["SUMMARY"]


def test_the_meetings_calendar_entry_is_served_at_its_address(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting(ordinal=13, start_date="2027-09-01")
    auth.login(committee.kr_observer)
    response = client.get(f"/meetings/{meeting_id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    entry = Calendar.from_ical(response.data)
    assert entry.walk("VEVENT")[0]["DTSTART"].dt.tzinfo.key == "Asia/Seoul"
    assert client.get("/meetings/999999.ics").status_code == 404
    auth.logout()
    assert client.get(f"/meetings/{meeting_id}.ics", headers={"Accept": "application/json"}).status_code == 401


# --- minutes ---------------------------------------------------------------------------------------------------

def circulate(app, api, committee, meeting_id: int) -> None:
    def put(person, body):
        response = api.client.put(f"/api/v1/meetings/{meeting_id}/minutes", headers=api.headers(person), json=body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    put(committee.us_secretariat, {})
    areas = {a["code"]: a["id"] for a in api.get("/api/v1/focus-areas", committee.us_secretariat).get_json()}
    put(committee.kr_secretariat, {"attendance": {"KR": [{"user_id": committee.kr_co_chair.id}]}})
    minutes = put(committee.us_secretariat, {
        "attendance": {"US": [{"user_id": committee.us_co_chair.id}]},
        "progress": [{"focus_area_id": areas["A.1"], "status": "on_track", "narrative": "Testbeds shared."},
                     {"focus_area_id": areas["B.4"], "status": "at_risk", "narrative": "양자 테스트베드 접근 지연"}]})
    complete_both_texts(app, committee, meeting_id)
    put(committee.us_secretariat, {"status": "circulated", "version": minutes["version"]})


def test_the_korean_co_chair_is_told_the_minutes_await_adoption_and_observers_only_read(
        app, api, runner, committee, korean_side_reads_korean, mail, held_meeting):
    assert flush(runner).exit_code == 0  # the invitation to the meeting, long ago
    an_hour_passes(app)
    circulate(app, api, committee, held_meeting)
    result = flush(runner)
    assert result.exit_code == 0, result.output

    [chair] = [m for m in mail.inbox.to(committee.kr_co_chair.email) if "회의록" in m["Subject"]]
    assert chair["Subject"] == "[JCM] 제12차 공동위원회 회의록 채택 요청"
    assert "회의록을 검토하신 후 귀측을 대표하여 채택하여 주시기 바랍니다." in text_of(chair)
    assert f"{BASE_URL}/meetings/{held_meeting}/minutes" in text_of(chair)

    awaiting = [n for n in notices_of(app, committee.kr_co_chair) if n.event == "minutes.awaits_adoption"]
    assert len(awaiting) == 1 and awaiting[0].to_act
    [delegate] = [n for n in notices_of(app, committee.us_delegate) if n.event == "minutes.circulated"]
    assert delegate.to_act  # delegates comment on the draft
    for observer in (committee.us_observer, committee.kr_observer):
        [read_only] = [n for n in notices_of(app, observer) if n.event == "minutes.circulated"]
        assert not read_only.to_act
    [observers_mail] = [m for m in mail.inbox.to(committee.us_observer.email) if "Minutes" in m["Subject"]]
    assert "comments" not in text_of(observers_mail) and "adopt them" not in text_of(observers_mail)

    # One co-chair adopts: the other is asked; both adopt: everyone is told.
    assert api.post(f"/api/v1/meetings/{held_meeting}/minutes/approvals", committee.us_co_chair).status_code == 201
    [asked] = [n for n in notices_of(app, committee.kr_co_chair) if n.event == "minutes.adopted_by_side"]
    assert asked.to_act
    assert api.post(f"/api/v1/meetings/{held_meeting}/minutes/approvals", committee.kr_co_chair).status_code == 201
    assert [n.event for n in notices_of(app, committee.kr_observer)][-1] == "minutes.adopted"
    assert not [n for n in notices_of(app, committee.kr_co_chair) if n.event == "minutes.adopted"]  # his own act


def test_an_observer_is_never_asked_to_act(app, api, runner, committee, mail, held_meeting, make_action_item):
    circulate(app, api, committee, held_meeting)
    path = f"/api/v1/meetings/{held_meeting}/minutes/comments"
    assert api.post(path, committee.kr_delegate, json={"text": "데이터셋 수를 확인해 주세요."}).status_code == 201
    make_action_item(owners={"US": [{"organization_id": organization(app, "NASA")}],
                             "KR": [{"organization_id": organization(app, "IITP")}]})
    with app.app_context():
        observers = [p.id for p in (committee.us_observer, committee.kr_observer)]
        assert db.session.scalar(select(func.count()).select_from(Notice).where(
            Notice.user_id.in_(observers), Notice.to_act.is_(True))) == 0
        # …while their agencies' items are told to the agencies' other members alone, and comments to the
        # secretariats, who resolve them.
        assert not db.session.scalar(select(func.count()).select_from(Notice).where(
            Notice.user_id.in_(observers), Notice.event.like("action_item.%")))
        commented = set(db.session.scalars(select(Notice.user_id).where(Notice.event == "minutes.commented")))
    assert commented == {committee.us_secretariat.id, committee.kr_secretariat.id}


def organization(app, acronym: str) -> int:
    from jcm.accounts.models import Organization

    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.acronym == acronym))


# --- action items and the hourly digest -----------------------------------------------------------------------

def test_a_delegate_is_told_of_an_item_they_own_and_of_updates_on_it(app, api, runner, committee, mail,
                                                                     korean_side_reads_korean, make_action_item):
    item_id = make_action_item("Exchange AI-ready dataset inventories")
    assert flush(runner).exit_code == 0
    [us] = mail.inbox.to(committee.us_delegate.email)
    assert re.fullmatch(r"\[JCM\] Action item JCM-\S+ is yours: Exchange AI-ready dataset inventories",
                        us["Subject"]), us["Subject"]
    assert "Please report progress on it by posting an update." in text_of(us)
    assert f"{BASE_URL}/action-items/{item_id}" in text_of(us)
    [kr] = mail.inbox.to(committee.kr_delegate.email)
    assert "후속조치" in kr["Subject"] and "담당 지정" in kr["Subject"]
    assert not mail.inbox.to(committee.us_observer.email)  # not theirs

    # The Korean delegate posts an update: the U.S. delegate is told (with the next e-mail the hour allows); the
    # Korean delegate, who wrote it, is not.
    assert api.post(f"/api/v1/action-items/{item_id}/updates", committee.kr_delegate,
                    json={"text": "NRF has compiled its inventory.", "status": "in_progress"}).status_code == 201
    assert [n.event for n in notices_of(app, committee.us_delegate)] == ["action_item.created", "action_item.updated"]
    assert [n.event for n in notices_of(app, committee.kr_delegate)] == ["action_item.created"]
    assert flush(runner).exit_code == 0
    assert len(mail.inbox.to(committee.us_delegate.email)) == 1  # within the hour: it waits
    an_hour_passes(app)
    assert flush(runner).exit_code == 0
    update_mail = mail.inbox.to(committee.us_delegate.email)[1]
    assert update_mail["Subject"].startswith("[JCM] An update on action item JCM-")
    assert "By 박지훈" in text_of(update_mail)


def test_a_busy_hour_makes_one_digest(app, api, runner, committee, mail, make_action_item):
    first = make_action_item("Exchange AI-ready dataset inventories")
    assert flush(runner).exit_code == 0
    assert len(mail.inbox.to(committee.us_delegate.email)) == 1
    more = [make_action_item(title, focus_area="B.4") for title in
            ("Nominate experts for the quantum workshop", "Draft a joint call for proposals",
             "Share the list of contact points")]
    for item_id in (first, *more):
        assert api.post(f"/api/v1/action-items/{item_id}/updates", committee.kr_delegate,
                        json={"text": "진행 중입니다."}).status_code == 201
    result = flush(runner)
    assert result.exit_code == 0 and "1 people's digests wait for the hour" not in result.output
    assert len(mail.inbox.to(committee.us_delegate.email)) == 1  # nothing more within the hour

    an_hour_passes(app)
    assert flush(runner).exit_code == 0
    assert flush(runner).exit_code == 0  # a second run sends nothing twice
    us = mail.inbox.to(committee.us_delegate.email)
    assert len(us) == 2
    digest = us[1]
    assert digest["Subject"] == "[JCM] 7 notifications"  # three items assigned, four updates
    body = text_of(digest)
    assert body.count("is yours:") == 3 and body.count("An update on action item") == 4
    assert "Here is what happened in JCM that concerns you since your last e-mail." in body
    assert all(n.mail_state == "sent" for n in notices_of(app, committee.us_delegate))


# --- settings and the unsubscribe link --------------------------------------------------------------------------

def test_settings_switch_a_kind_off_and_the_list_still_has_it(app, client, auth, runner, committee, mail,
                                                              make_action_item):
    auth.login(committee.us_delegate)
    account = client.get("/account").get_data(as_text=True)
    assert 'value="action_item"' in account and "Notifications by e-mail" in account
    response = post_form(client, "/notifications/settings", {"by_email": ["meeting", "agenda", "minutes",
                                                                          "proposal"]}, page="/account")
    assert response.status_code == 302
    make_action_item()
    assert flush(runner).exit_code == 0
    assert not mail.inbox.to(committee.us_delegate.email)
    assert mail.inbox.to(committee.kr_delegate.email)  # the other owner takes them
    [notice] = notices_of(app, committee.us_delegate)
    assert notice.mail_state == MailState.not_mailed
    assert "is yours" in client.get("/notifications").get_data(as_text=True)

    unknown = post_form(client, "/notifications/settings", {"by_email": ["meeting", "gossip"]}, page="/account")
    assert unknown.status_code == 422
    assert "There is no such kind of notification." in unknown.get_data(as_text=True)


def unsubscribe_link(message) -> str:
    match = re.search(r"https://jcm\.example\.gov(/notifications/unsubscribe/\S+)", text_of(message))
    assert match
    return match.group(1)


def test_the_unsubscribe_link_works_signed_out_and_a_tampered_or_expired_one_is_refused(
        app, client, runner, committee, mail, make_action_item, monkeypatch):
    make_action_item()
    assert flush(runner).exit_code == 0
    [message] = mail.inbox.to(committee.us_delegate.email)
    link = unsubscribe_link(message)

    page = client.get(link)  # nobody signed in
    assert page.status_code == 200
    assert "Stop e-mails about “Action items I own: created, changed or updated”" in page.get_data(as_text=True)
    assert post_form(client, link, {}).status_code == 200
    from jcm.notifications import services

    with app.app_context():
        assert services.by_email(db.session.get(User, committee.us_delegate.id))["action_item"] is False

    token = link.rsplit("/", 1)[1]
    tampered = client.get(link[:-len(token)] + token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    assert tampered.status_code == 400 and "not valid" in tampered.get_data(as_text=True)
    assert client.get("/notifications/unsubscribe/nonsense").status_code == 400

    with app.app_context():
        with monkeypatch.context() as past:
            past.setattr("itsdangerous.timed.time.time", lambda: time.time_ns() / 1e9 - 61 * 86400)
            old = services.unsubscribe_token(db.session.get(User, committee.kr_delegate.id), "minutes")
    expired = client.get(f"/notifications/unsubscribe/{old}")
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)


# --- after the commit, and through an outage -------------------------------------------------------------------

def test_with_the_mail_server_down_the_act_succeeds_and_the_notice_waits_for_the_flush(
        app, api, runner, committee, mail, make_action_item):
    app.config["NOTIFY_IN_BACKGROUND"] = True
    mail.stop()
    item_id = make_action_item()  # as the U.S. secretariat, committed
    sender_of(app).wait()
    [notice] = notices_of(app, committee.us_delegate)
    assert (notice.mail_state, notice.mail_attempts) == ("pending", 1) and "Cannot reach" in notice.mail_error
    response = api.post(f"/api/v1/action-items/{item_id}/updates", committee.kr_delegate,
                        json={"text": "NRF has compiled its inventory."})
    assert response.status_code == 201  # the act does not wait for, nor fail with, the mail server
    sender_of(app).wait()
    down = flush(runner)
    assert down.exit_code == 1 and "Cannot reach the mail server" in down.output

    mail.start()
    back = flush(runner)
    assert back.exit_code == 0, back.output
    [us] = mail.inbox.to(committee.us_delegate.email)
    assert us["Subject"] == "[JCM] 2 notifications"  # what waited, together
    assert {n.mail_state for n in notices_of(app, committee.us_delegate)} == {"sent"}


def test_no_notice_before_the_commit_and_none_for_a_refused_act(app, api, committee, held_meeting):
    from jcm.accounts.services import get_user
    from jcm.actions.services import create_action_item
    from jcm.mou.models import Agreement, FocusArea

    before = notice_count(app)
    with app.app_context():
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
        data = {"title": "Exchange inventories", "focus_area_id": area, "due_date": "2027-06-30",
                "owners": {"US": [{"user_id": committee.us_delegate.id}],
                           "KR": [{"user_id": committee.kr_delegate.id}]}}
        create_action_item(get_user(committee.us_secretariat.id), db.session.get(Agreement, committee.agreement_id),
                           data)
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(Notice)) == before  # not before the commit
        db.session.rollback()
    assert notice_count(app) == before  # rolled back: no one told

    refused = api.post("/api/v1/action-items", committee.us_observer, json={**data, "due_date": "2027-06-30"})
    assert refused.status_code == 403
    refused = api.post(f"/api/v1/meetings/{held_meeting}/agenda/approvals", committee.kr_delegate)
    assert refused.status_code == 403
    assert notice_count(app) == before

    with app.app_context():
        create_action_item(get_user(committee.us_secretariat.id), db.session.get(Agreement, committee.agreement_id),
                           data)
        db.session.commit()
    assert notice_count(app) == before + 2  # the two owners


# --- the list, the count, the API -----------------------------------------------------------------------------

def test_the_list_and_the_unread_count_in_the_app_and_the_api(app, client, auth, api, committee, make_meeting,
                                                              make_action_item):
    make_meeting(ordinal=14, start_date="2027-05-04")
    item_id = make_action_item()
    auth.login(committee.us_delegate)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'Notifications <span class="count-badge">2<span class="visually-hidden"> unread', home)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("is yours: Exchange AI-ready dataset inventories") < page.index(
        "Invitation: The 14th Joint Committee Meeting")  # newest first
    assert "2 unread" in page

    listed = api.get("/api/v1/notifications", committee.us_delegate)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["unread"] == 2 and [n["event"] for n in body["notifications"]] == [
        "action_item.created", "meeting.invitation"]
    assert body["notifications"][0]["url"] == f"/action-items/{item_id}" and body["notifications"][0]["to_act"]
    assert "X-Pagination" in listed.headers
    assert api.get("/api/v1/notifications?per_page=0", committee.us_delegate).status_code == 422

    newest = body["notifications"][0]["id"]
    opened = post_form(client, f"/notifications/{newest}/open", {}, page="/notifications")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/action-items/{item_id}")
    assert api.get("/api/v1/notifications?unread=true", committee.us_delegate).get_json()["unread"] == 1
    # Another's notification is not one's own to open or mark.
    assert post_form(client, f"/notifications/{newest}/open", {}, page="/notifications").status_code == 302
    others = notices_of(app, committee.kr_delegate)[0].id
    assert post_form(client, f"/notifications/{others}/open", {}, page="/notifications").status_code == 404
    marked = api.post("/api/v1/notifications/read", committee.us_delegate, json={"ids": [others]})
    assert marked.get_json() == {"marked": 0, "unread": 1}
    marked = api.post("/api/v1/notifications/read", committee.us_delegate, json={})
    assert marked.get_json() == {"marked": 1, "unread": 0}
    assert api.post("/api/v1/notifications/read", committee.us_delegate, json={"ids": ["x"]}).status_code == 422
    assert "count-badge" not in client.get("/").get_data(as_text=True)


# --- the agenda and two-sided proposals -------------------------------------------------------------------------

def events_by_person(app, committee, since: int) -> dict[str, list[tuple[str, bool]]]:
    with app.app_context():
        rows = db.session.execute(select(Notice.user_id, Notice.event, Notice.to_act).where(Notice.id > since)
                                  .order_by(Notice.id)).all()
    names = {p.id: f"{p.side.lower()}_{p.role}" for p in committee.people}
    found: dict[str, list[tuple[str, bool]]] = {}
    for user_id, event, to_act in rows:
        found.setdefault(names[user_id], []).append((event, to_act))
    return found


def last_notice_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(Notice.id))) or 0


def test_the_agenda_circulated_agreed_and_changed_and_a_proposal_each_reach_whom_they_concern(
        app, api, committee, make_meeting):
    meeting_id = make_meeting(ordinal=22, start_date="2027-11-01")
    complete_both_texts(app, committee, meeting_id)

    mark = last_notice_id(app)
    assert api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", committee.us_secretariat).status_code == 201
    assert events_by_person(app, committee, mark) == {  # circulated to Korea, which is asked to agree it
        "kr_secretariat": [("agenda.awaits_agreement", True)], "kr_co_chair": [("agenda.awaits_agreement", True)]}

    mark = last_notice_id(app)
    assert api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", committee.kr_co_chair).status_code == 201
    agreed = events_by_person(app, committee, mark)
    assert set(agreed) == {"us_secretariat", "us_co_chair", "us_delegate", "us_observer", "kr_secretariat",
                           "kr_delegate", "kr_observer"}  # everyone but the one who agreed (and the administrators)
    assert all(told == [("agenda.agreed", False)] for told in agreed.values())

    from jcm.accounts.services import get_user
    from jcm.meetings.proposals import propose
    from jcm.meetings.services import get_meeting

    mark = last_notice_id(app)
    with app.app_context():
        propose(get_user(committee.kr_secretariat.id), get_meeting(meeting_id), "cancel",
                {"reason": "A typhoon is forecast for Sejong."})
        db.session.commit()
    assert events_by_person(app, committee, mark) == {
        "us_secretariat": [("proposal.awaits", True)], "us_co_chair": [("proposal.awaits", False)]}

    mark = last_notice_id(app)
    assert api.post(f"/api/v1/meetings/{meeting_id}/agenda-items", committee.us_secretariat,
                    json={"title": "Site visit"}).status_code == 201
    changed = events_by_person(app, committee, mark)
    assert changed == {"us_co_chair": [("agenda.changed", True)], "kr_secretariat": [("agenda.changed", True)],
                       "kr_co_chair": [("agenda.changed", True)]}


def test_a_meetings_new_place_is_told_to_everyone_and_a_change_of_its_title_to_no_one(app, committee, make_meeting):
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting, update_meeting

    meeting_id = make_meeting(ordinal=23, start_date="2027-12-01")
    mark = last_notice_id(app)
    with app.app_context():
        update_meeting(get_user(committee.kr_secretariat.id), get_meeting(meeting_id),
                       {"title": "The 23rd Joint Committee Meeting (Science Week)"})
        db.session.commit()
    assert events_by_person(app, committee, mark) == {}
    with app.app_context():
        update_meeting(get_user(committee.kr_secretariat.id), get_meeting(meeting_id),
                       {"venue": "Korea Institute of Science and Technology", "city": "Seoul"})
        db.session.commit()
    moved = events_by_person(app, committee, mark)
    assert set(moved) == {"us_secretariat", "us_co_chair", "us_delegate", "us_observer", "kr_co_chair",
                          "kr_delegate", "kr_observer"}
    assert all(told == [("meeting.changed", False)] for told in moved.values())


def test_owners_are_told_what_changed_on_their_item_and_a_new_owner_that_it_is_theirs(
        app, client, auth, committee, make_action_item):
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, update_action_item

    item_id = make_action_item()
    mark = last_notice_id(app)
    with app.app_context():
        update_action_item(get_user(committee.kr_secretariat.id), get_action_item(item_id), {
            "due_date": "2027-09-30", "owners": {"US": [{"user_id": committee.us_delegate.id}],
                                                 "KR": [{"user_id": committee.kr_delegate.id},
                                                        {"user_id": committee.kr_co_chair.id}]}})
        db.session.commit()
    assert events_by_person(app, committee, mark) == {
        "us_delegate": [("action_item.changed", False)], "kr_co_chair": [("action_item.created", True)],
        "kr_delegate": [("action_item.changed", False)]}
    auth.login(committee.us_delegate)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Changed: " in page and "Due date" in page
