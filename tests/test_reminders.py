"""`jcm remind`: each owner gets one digest a day of what is overdue and what falls due soon, by real SMTP."""

from __future__ import annotations

import socket
import threading
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from jcm.accounts.models import Organization, User
from jcm.actions.models import ReminderLog
from jcm.extensions import db

BASE_URL = "https://jcm.example.gov"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives, and from how many connections."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: set = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                    policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.peers.add(session.peer)
        return "250 Message accepted for delivery"

    def to(self, email: str) -> list[EmailMessage]:
        return [m for m, (_sender, rcpts) in zip(self.messages, self.envelopes) if email in rcpts]


@pytest.fixture
def inbox(app):
    """A real SMTP server on a free local port, which the app is configured to send through."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="JCM <jcm@state.example.gov>",
                      BASE_URL=BASE_URL + "/")
    try:
        yield handler
    finally:
        controller.stop()


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


@pytest.fixture
def items(make_action_item):
    """Owned by the two delegates: one overdue, one due in a week, one in 30 days, one done."""
    return {
        "overdue": make_action_item("Exchange AI-ready dataset inventories", due_date=day(-5)),
        "soon": make_action_item("Nominate experts for the quantum workshop", focus_area="B.4", due_date=day(7)),
        "later": make_action_item("Draft joint call for proposals", due_date=day(30)),
        "done": make_action_item("Share the list of contact points", due_date=day(3), status="done"),
    }


def refs(app, *ids: int) -> list[str]:
    from jcm.actions.models import ActionItem

    with app.app_context():
        return [db.session.get(ActionItem, item_id).ref for item_id in ids]


def set_locale(app, person, locale: str) -> None:
    with app.app_context():
        db.session.get(User, person.id).locale = locale
        db.session.commit()


def reminder_log_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReminderLog))


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # CRLF on the wire


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def test_each_delegate_gets_one_digest_in_their_language_overdue_first_with_links(app, runner, committee, items,
                                                                                  inbox):
    set_locale(app, committee.kr_delegate, "ko")
    overdue_ref, soon_ref, later_ref, done_ref = refs(app, items["overdue"], items["soon"], items["later"],
                                                      items["done"])

    result = runner.invoke(args=["remind"])

    assert result.exit_code == 0, result.output
    assert "Sent 2 reminders, 0 skipped (already sent today), 0 failed" in result.output
    assert len(inbox.messages) == 2 and len(inbox.peers) == 1  # one SMTP connection for the run

    [us] = inbox.to(committee.us_delegate.email)
    assert us["Subject"] == "JCM: 1 action item overdue, 1 due within 14 days"
    assert us["To"].addresses[0].display_name == "David Okafor"
    assert us["From"] == "JCM <jcm@state.example.gov>"
    assert us.get_content_type() == "multipart/alternative"
    text, html = text_of(us), html_of(us)
    assert us.get_body(("plain",)).get_content_charset() == "utf-8"
    assert text.startswith("Dear David Okafor,")
    assert text.index("Overdue (1)") < text.index(overdue_ref) < text.index("Due within 14 days (1)") \
        < text.index(soon_ref)
    assert f"{BASE_URL}/action-items/{items['overdue']}\n" in text
    assert f"{BASE_URL}/action-items/{items['soon']}\n" in text
    assert day(-5) in text and "5 days overdue" in text and "due in 7 days" in text
    assert "Exchange AI-ready dataset inventories" in text
    assert later_ref not in text and done_ref not in text
    assert f'<a href="{BASE_URL}/action-items/{items["overdue"]}">{overdue_ref}</a>' in html
    assert html.index(overdue_ref) < html.index(soon_ref) and later_ref not in html
    assert '<html lang="en">' in html

    [kr] = inbox.to(committee.kr_delegate.email)
    assert kr["Subject"] == "JCM: 기한 경과 1건, 14일 이내 마감 1건"
    assert kr["To"].addresses[0].display_name == "박지훈"
    text, html = text_of(kr), html_of(kr)
    assert text.startswith("박지훈 님,")
    assert text.index(overdue_ref) < text.index("14일 이내 마감 (1)") < text.index(soon_ref)
    assert "5일 경과" in text and "7일 후 마감" in text
    assert f"{BASE_URL}/action-items/{items['soon']}" in text
    assert '<html lang="ko">' in html and "박지훈 님," in html
    assert done_ref not in text and later_ref not in text

    assert reminder_log_count(app) == 2


def test_the_window_is_configurable_and_days_overrides_it(app, runner, committee, items, inbox):
    later_ref, done_ref = refs(app, items["later"], items["done"])

    runner.invoke(args=["remind"])
    assert all(later_ref not in text_of(m) for m in inbox.messages)

    result = runner.invoke(args=["remind", "--days", "40"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 reminders" in result.output  # a different digest from this morning's, so it goes out
    [us] = inbox.to(committee.us_delegate.email)[1:]
    assert us["Subject"] == "JCM: 1 action item overdue, 2 due within 40 days"
    assert later_ref in text_of(us) and done_ref not in text_of(us)

    app.config["REMINDER_DAYS"] = 3
    inbox.messages.clear()
    inbox.envelopes.clear()
    result = runner.invoke(args=["remind"])
    [us] = inbox.to(committee.us_delegate.email)
    assert us["Subject"] == "JCM: 1 action item overdue"


def test_the_same_digest_is_not_sent_twice_a_day_but_a_changed_one_is(app, runner, committee, items, inbox):
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, post_update

    assert runner.invoke(args=["remind"]).exit_code == 0
    assert len(inbox.messages) == 2

    again = runner.invoke(args=["remind"])
    assert again.exit_code == 0
    assert "Sent 0 reminders, 2 skipped (already sent today), 0 failed" in again.output
    assert len(inbox.messages) == 2

    with app.app_context():
        post_update(get_user(committee.us_delegate.id), get_action_item(items["soon"]),
                    "Experts nominated on the U.S. side.", "in_progress")
        db.session.commit()
    changed = runner.invoke(args=["remind"])
    assert "Sent 2 reminders, 0 skipped (already sent today), 0 failed" in changed.output
    assert len(inbox.messages) == 4
    assert "In progress" in text_of(inbox.to(committee.us_delegate.email)[-1])
    assert reminder_log_count(app) == 4


def test_a_done_item_is_never_listed(app, runner, committee, make_action_item, inbox):
    make_action_item("Share the list of contact points", due_date=day(-3), status="done")
    make_action_item("Report on the fellowship exchange", due_date=day(2), status="dropped")

    result = runner.invoke(args=["remind"])

    assert result.exit_code == 0
    assert "Sent 0 reminders, 0 skipped (already sent today), 0 failed" in result.output
    assert inbox.messages == []


def test_dry_run_prints_each_message_sends_nothing_and_records_nothing(app, runner, committee, items, inbox):
    overdue_ref, soon_ref = refs(app, items["overdue"], items["soon"])

    result = runner.invoke(args=["remind", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "To: David Okafor <dokafor@nsf.example.gov>" in result.output
    assert "Subject: JCM: 1 action item overdue, 1 due within 14 days" in result.output
    assert "To: 박지훈 <jh.park@nrf.example.re.kr>" in result.output
    assert overdue_ref in result.output and soon_ref in result.output
    assert f"{BASE_URL}/action-items/{items['overdue']}" in result.output
    assert "nothing was sent or recorded" in result.output
    assert inbox.messages == []
    assert reminder_log_count(app) == 0
    # and the real run afterwards is not held back by the rehearsal
    assert "Sent 2 reminders" in runner.invoke(args=["remind"]).output


def test_members_of_an_owning_organization_get_it_once_and_deactivated_accounts_do_not(app, runner, committee,
                                                                                      make_action_item, inbox):
    from jcm.accounts.services import create_user

    with app.app_context():
        nasa = db.session.scalar(select(Organization).where(Organization.acronym == "NASA")).id
        nsf = db.session.scalar(select(Organization).where(Organization.acronym == "NSF")).id
        create_user(None, {"email": "r.alvarez@nasa.example.gov", "name": "Rosa Alvarez", "side": "US",
                           "role": "delegate", "organization_id": nasa}, "correct horse battery")
        departed = create_user(None, {"email": "t.nguyen@nasa.example.gov", "name": "Tom Nguyen", "side": "US",
                                      "role": "delegate", "organization_id": nasa}, "correct horse battery")
        departed.active = False
        db.session.commit()
    moon = make_action_item("Coordinate lunar science data release", due_date=day(-2),
                            owners={"US": [{"organization_id": nasa}],
                                    "KR": [{"user_id": committee.kr_observer.id}]})
    # owned by the delegate and by his agency: he hears of it once
    twice = make_action_item("Align review criteria for joint grants", due_date=day(4),
                             owners={"US": [{"user_id": committee.us_delegate.id}, {"organization_id": nsf}],
                                     "KR": [{"user_id": committee.kr_observer.id}]})
    with app.app_context():
        db.session.get(User, committee.kr_observer.id).active = False
        db.session.commit()
    moon_ref, twice_ref = refs(app, moon, twice)

    result = runner.invoke(args=["remind"])

    assert result.exit_code == 0, result.output
    received = sorted(rcpt for _sender, rcpts in inbox.envelopes for rcpt in rcpts)
    assert received == sorted([committee.us_observer.email, "r.alvarez@nasa.example.gov",
                               committee.us_delegate.email])
    for member in (committee.us_observer.email, "r.alvarez@nasa.example.gov"):
        [message] = inbox.to(member)
        assert moon_ref in text_of(message) and twice_ref not in text_of(message)
    [delegate] = inbox.to(committee.us_delegate.email)
    assert text_of(delegate).count(twice_ref) == 1
    assert delegate["Subject"] == "JCM: 1 action item due within 14 days"


def test_when_the_mail_server_is_down_the_command_says_so_and_fails(app, runner, committee, items):
    port = free_port()  # nothing listens here
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)

    result = runner.invoke(args=["remind"])

    assert result.exit_code == 1
    assert f"Cannot reach the mail server 127.0.0.1:{port}" in result.stderr
    assert f"Not sent to {committee.us_delegate.email}" in result.stderr
    assert f"Not sent to {committee.kr_delegate.email}" in result.stderr
    assert "Sent 0 reminders, 0 skipped (already sent today), 2 failed" in result.stdout
    assert "Traceback" not in result.output
    assert reminder_log_count(app) == 0  # so the next run tries again


class RefusingInbox(Inbox):
    """Refuses one address, as a real server does for a mailbox that no longer exists."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "jh.park@nrf.example.re.kr":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_recipient_is_reported_and_the_others_still_get_theirs(app, runner, committee, items):
    handler = RefusingInbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        result = runner.invoke(args=["remind"])
    finally:
        controller.stop()

    assert result.exit_code == 1
    assert "Not sent to jh.park@nrf.example.re.kr: The mail server refused the recipient: 550" in result.stderr
    assert "Sent 1 reminder, 0 skipped (already sent today), 1 failed" in result.stdout
    assert [rcpts for _sender, rcpts in handler.envelopes] == [[committee.us_delegate.email]]
    assert reminder_log_count(app) == 1


def test_collect_digests_is_one_per_person_in_a_constant_number_of_queries(app, committee, items,
                                                                         make_action_item):
    from sqlalchemy import event

    from jcm.actions.reminders import collect_digests

    for n in range(5):
        make_action_item(f"Follow-up {n}", due_date=day(n))
    with app.app_context():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            digests = collect_digests(date.today(), 14)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 2
    assert [d.email for d in digests] == [committee.us_delegate.email, committee.kr_delegate.email]
    assert all(len(d.overdue) == 1 and len(d.due_soon) == 6 for d in digests)
    assert digests[0].sha256 == digests[1].sha256 and len(digests[0].sha256) == 64


def test_every_string_of_the_text_email_is_in_the_html_one_where_the_catalog_extraction_finds_it():
    from pathlib import Path

    from babel.messages.extract import extract_from_file

    folder = Path(__file__).resolve().parent.parent / "templates" / "email"

    def messages(name: str) -> set[str]:
        return {message for _line, message, _comments, _context in extract_from_file("jinja2", folder / name)}

    assert messages("reminder.txt") and messages("reminder.txt") <= messages("reminder.html")
