"""Reminders: one e-mail digest per owner of the action items that are overdue or fall due soon."""

from __future__ import annotations

import contextlib
import hashlib
import json
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid, parseaddr
from typing import TextIO

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, ngettext
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from jcm.accounts.models import User
from jcm.actions.models import ACTION_STATUS_LABELS, OPEN_STATUSES, ActionItem, ActionOwner, ReminderLog
from jcm.extensions import db
from jcm.i18n import localized


@dataclass(frozen=True)
class DigestItem:
    id: int
    ref: str
    title: str
    title_ko: str
    due_date: date
    status: str


@dataclass
class Digest:
    """What one person is reminded of. Plain values, so it outlives the session's commits."""

    user_id: int
    email: str
    name: str
    locale: str
    today: date
    days: int
    overdue: list[DigestItem] = field(default_factory=list)
    due_soon: list[DigestItem] = field(default_factory=list)

    @property
    def items(self) -> list[DigestItem]:
        return self.overdue + self.due_soon

    @property
    def sha256(self) -> str:
        """Identifies the content (item ids, due dates, statuses): a changed digest may go out again."""
        content = sorted([item.id, item.due_date.isoformat(), item.status] for item in self.items)
        return hashlib.sha256(json.dumps(content, separators=(",", ":")).encode("utf-8")).hexdigest()


@dataclass
class ReminderSummary:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.dry_run:
            return ngettext("Dry run: %(num)d reminder would be sent, %(skipped)d skipped (already sent today); "
                            "nothing was sent or recorded.",
                            "Dry run: %(num)d reminders would be sent, %(skipped)d skipped (already sent today); "
                            "nothing was sent or recorded.", self.sent, skipped=self.skipped)
        return ngettext("Sent %(num)d reminder, %(skipped)d skipped (already sent today), %(failed)d failed",
                        "Sent %(num)d reminders, %(skipped)d skipped (already sent today), %(failed)d failed",
                        self.sent, skipped=self.skipped, failed=self.failed)


class MailError(Exception):
    """The mail server could not be reached or refused a message; the message says which and why."""


class MailServerUnavailable(MailError):
    """No usable connection at all: the other recipients would fare no better, so they are not tried."""


# --- who is reminded of what ----------------------------------------------------------------------------

def collect_digests(today: date, days: int) -> list[Digest]:
    """Every active owner with something overdue or due within `days`: directly, or as a member of an
    owning organization; one digest per person, in a constant number of queries."""
    horizon = today + timedelta(days=days)
    rows = db.session.execute(
        select(ActionItem.id, ActionItem.ref, ActionItem.title, ActionItem.title_ko, ActionItem.due_date,
               ActionItem.status, ActionOwner.user_id, ActionOwner.organization_id)
        .join(ActionOwner, ActionOwner.action_item_id == ActionItem.id)
        .where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date <= horizon)
    ).all()
    if not rows:
        return []
    items: dict[int, DigestItem] = {}
    by_user: dict[int, set[int]] = {}
    by_organization: dict[int, set[int]] = {}
    for item_id, ref, title, title_ko, due_date, status, user_id, organization_id in rows:
        items.setdefault(item_id, DigestItem(item_id, ref, title, title_ko or "", due_date, status))
        if user_id is not None:
            by_user.setdefault(user_id, set()).add(item_id)
        else:
            by_organization.setdefault(organization_id, set()).add(item_id)
    users = db.session.scalars(
        select(User).where(User.active.is_(True),
                           or_(User.id.in_(list(by_user)), User.organization_id.in_(list(by_organization))))
        .order_by(User.id))
    languages = current_app.config["LANGUAGES"]
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    digests = []
    for user in users:
        owned = by_user.get(user.id, set()) | by_organization.get(user.organization_id, set())
        mine = sorted((items[item_id] for item_id in owned), key=lambda item: (item.due_date, item.ref))
        locale = user.locale if user.locale in languages else default_locale
        digests.append(Digest(
            user_id=user.id, email=user.email, name=user.display_name(locale), locale=locale, today=today, days=days,
            overdue=[item for item in mine if item.due_date < today],
            due_soon=[item for item in mine if item.due_date >= today]))
    return digests


# --- the message ----------------------------------------------------------------------------------------

def _subject(digest: Digest, window: str) -> str:
    parts = []
    if digest.overdue:
        parts.append(ngettext("%(num)d action item overdue", "%(num)d action items overdue", len(digest.overdue)))
        if digest.due_soon:
            parts.append(ngettext("%(num)d due %(window)s", "%(num)d due %(window)s", len(digest.due_soon),
                                  window=window))
    else:
        parts.append(ngettext("%(num)d action item due %(window)s", "%(num)d action items due %(window)s",
                              len(digest.due_soon), window=window))
    return _("JCM: %(summary)s", summary=", ".join(parts))


def _when(item: DigestItem, today: date) -> str:
    delta = (item.due_date - today).days
    if delta < 0:
        return ngettext("%(num)d day overdue", "%(num)d days overdue", -delta)
    if delta == 0:
        return _("due today")
    return ngettext("due in %(num)d day", "due in %(num)d days", delta)


def _line(item: DigestItem, digest: Digest, base_url: str) -> dict:
    """One item as the owner reads it: its title in their language (the other's, marked, when theirs has none)."""
    return {"ref": item.ref, "title": localized(item, "title", digest.locale), "due": item.due_date.isoformat(),
            "when": _when(item, digest.today),
            "status": str(ACTION_STATUS_LABELS.get(item.status, item.status)),
            "url": f"{base_url}/action-items/{item.id}"}


class _MailPolicy(EmailPolicy):
    """The standard policy, except for a non-ASCII Subject: where Python's folder breaks a long one between
    two encoded words it drops the space there (a known CPython bug), so "마감 1건" arrives as "마감1건".
    The older encoder of email.header keeps every space inside an encoded word."""

    def _subject(self, name: str, value) -> str | None:
        if name.lower() != "subject" or self.utf8 or str(value).isascii():
            return None
        encoded = Header(str(value), "utf-8", header_name=name).encode(
            linesep=self.linesep, maxlinelen=self.max_line_length or 78)
        return f"{name}: {encoded}{self.linesep}"

    def fold(self, name, value):
        return self._subject(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        folded = self._subject(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)


# 7bit: bodies go out as quoted-printable or base64, which every mail server carries unchanged.
MAIL_POLICY = _MailPolicy(cte_type="7bit")


def _sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def render(digest: Digest) -> EmailMessage:
    """The digest as an e-mail in the owner's language: plain text with an HTML alternative."""
    config = current_app.config
    base_url = str(config["BASE_URL"]).rstrip("/")
    with force_locale(digest.locale):
        window = ngettext("within %(num)d day", "within %(num)d days", digest.days)
        context = {
            "lang": digest.locale, "name": digest.name, "window": window, "today": digest.today.isoformat(),
            "overdue": [_line(item, digest, base_url) for item in digest.overdue],
            "due_soon": [_line(item, digest, base_url) for item in digest.due_soon],
            "mine_url": f"{base_url}/my-action-items",
        }
        subject = _subject(digest, window)
        text = render_template("email/reminder.txt", subject=subject, **context)
        html = render_template("email/reminder.html", subject=subject, **context)
    sender = str(config["MAIL_DEFAULT_SENDER"])
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = Address(display_name=digest.name, addr_spec=digest.email)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


# --- sending --------------------------------------------------------------------------------------------

def _flag(value) -> bool:
    """A config switch, also when it comes from the environment as text ("true", "1", "yes", "on")."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class _Mailer:
    """One SMTP connection for the whole run, opened at the first message and reopened if the server drops it."""

    def __init__(self, config):
        self.host = str(config["MAIL_SERVER"])
        self.port = int(config["MAIL_PORT"])
        self.timeout = float(config["MAIL_TIMEOUT"])
        self.use_tls, self.use_ssl = _flag(config["MAIL_USE_TLS"]), _flag(config["MAIL_USE_SSL"])
        self.username, self.password = config.get("MAIL_USERNAME"), config.get("MAIL_PASSWORD")
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.use_tls and self.use_ssl:
            raise MailServerUnavailable(_("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL cannot both be set; choose one."))
        where = f"{self.host}:{self.port}"
        connection = None
        try:
            if self.use_ssl:
                connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                              context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.use_tls:
                    connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(str(self.username), str(self.password or ""))
        except smtplib.SMTPAuthenticationError as error:
            self._close(connection)
            raise MailError(_("The mail server %(server)s refused the user name and password (%(reason)s).",
                              server=where, reason=_reason(error))) from None
        except (OSError, smtplib.SMTPException) as error:
            self._close(connection)
            raise MailServerUnavailable(_("Cannot reach the mail server %(server)s: %(reason)s.",
                              server=where, reason=_reason(error))) from None
        return connection

    def send(self, message: EmailMessage) -> None:
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = self._connect()
            try:
                self.connection.send_message(message)
                return
            except smtplib.SMTPServerDisconnected as error:
                self._close(self.connection)
                self.connection = None
                if attempt == 2:
                    raise MailError(_("The mail server closed the connection: %(reason)s.",
                                      reason=_reason(error))) from None
            except smtplib.SMTPRecipientsRefused as error:
                reasons = "; ".join(_reason(refusal) for refusal in error.recipients.values())
                raise MailError(_("The mail server refused the recipient: %(reason)s.", reason=reasons)) from None
            except smtplib.SMTPResponseException as error:  # a refusal; smtplib has reset the transaction
                raise MailError(_("The mail server did not accept the message: %(reason)s.",
                                  reason=_reason(error))) from None
            except (OSError, smtplib.SMTPException) as error:
                # The connection is in an unknown state: start afresh for the next recipient.
                self._close(self.connection)
                self.connection = None
                raise MailError(_("The mail server did not accept the message: %(reason)s.",
                                  reason=_reason(error))) from None

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.quit()  # a polite goodbye; the connection is closed either way
            self._close(self.connection)
            self.connection = None

    @staticmethod
    def _close(connection: smtplib.SMTP | None) -> None:
        if connection is not None:
            connection.close()


def _reason(error) -> str:
    """An SMTP error's code and text, or an OS error's description, on one line."""
    if isinstance(error, tuple):  # (code, message) from SMTPRecipientsRefused
        code, text = error
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    code, text = getattr(error, "smtp_code", None), getattr(error, "smtp_error", None)
    if code is not None:
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _print(message: EmailMessage, out: TextIO) -> None:
    out.write(f"To: {message['To']}\nSubject: {message['Subject']}\n\n")
    out.write(message.get_body(("plain",)).get_content().rstrip("\n") + "\n")
    out.write("-" * 72 + "\n")


def send_reminders(today: date, days: int, dry_run: bool, out: TextIO, err: TextIO | None = None) -> ReminderSummary:
    """Send each owner's digest unless they already had the same one today; `dry_run` prints instead.

    A digest is recorded in ReminderLog *before* it is sent and the record is committed at once: the
    unique (user, day, digest) row is the claim, so two overlapping runs cannot both send it, and an
    e-mail that went out stays recorded whatever happens later in the run. A failed send withdraws
    its claim, so the next run tries again."""
    summary = ReminderSummary(dry_run=dry_run)
    digests = collect_digests(today, days)
    already = set(db.session.execute(
        select(ReminderLog.user_id, ReminderLog.digest).where(ReminderLog.day == today)).tuples())
    mailer = None if dry_run else _Mailer(current_app.config)
    unavailable: MailServerUnavailable | None = None

    def fail(digest: Digest, error: MailError) -> None:
        summary.failed += 1
        line = _("Not sent to %(email)s: %(reason)s", email=digest.email, reason=str(error))
        summary.errors.append(line)
        if err is not None:
            err.write(line + "\n")

    try:
        for digest in digests:
            key = digest.sha256
            if (digest.user_id, key) in already:
                summary.skipped += 1
                continue
            if unavailable is not None:
                fail(digest, unavailable)
                continue
            message = render(digest)
            if dry_run:
                _print(message, out)
                summary.sent += 1
                continue
            claim = ReminderLog(user_id=digest.user_id, day=today, digest=key)
            db.session.add(claim)
            try:
                db.session.commit()
            except IntegrityError:  # another run sent it meanwhile
                db.session.rollback()
                summary.skipped += 1
                continue
            try:
                mailer.send(message)
            except MailError as error:
                db.session.delete(claim)
                db.session.commit()
                fail(digest, error)
                if isinstance(error, MailServerUnavailable):
                    unavailable = error
                continue
            summary.sent += 1
    finally:
        if mailer is not None:
            mailer.close()
    return summary
