"""E-mail: the one SMTP connection code (reminders, notifications), the message's policy and headers."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app
from flask_babel import gettext as _


class MailError(Exception):
    """The mail server could not be reached or refused a message; the message says which and why."""


class MailServerUnavailable(MailError):
    """No usable connection at all: the other recipients would fare no better, so they are not tried."""


class _MailPolicy(EmailPolicy):
    """The standard policy, except for the Subject: where Python's folder breaks a long non-ASCII one between
    two encoded words it drops the space there (a known CPython bug), so "마감 1건" arrives as "마감1건"; and a
    long ASCII one that opens with a bracket ("[JCM] …") it folds before its first word, so it arrives with a
    space in front. The older encoder of email.header keeps every space where it was."""

    def _subject(self, name: str, value) -> str | None:
        if name.lower() != "subject" or self.utf8:
            return None
        charset = "us-ascii" if str(value).isascii() else "utf-8"
        encoded = Header(str(value), charset, header_name=name).encode(
            linesep=self.linesep, maxlinelen=self.max_line_length or 78)
        return f"{name}: {encoded}{self.linesep}"

    def fold(self, name, value):
        return self._subject(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        folded = self._subject(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)


# 7bit: bodies go out as quoted-printable or base64, which every mail server carries unchanged.
MAIL_POLICY = _MailPolicy(cte_type="7bit")


def sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def new_message(subject: str, name: str, email: str, text: str, html: str | None = None) -> EmailMessage:
    """A message from JCM to one person: plain text, with an HTML alternative when given."""
    sender = str(current_app.config["MAIL_DEFAULT_SENDER"])
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = Address(display_name=name, addr_spec=email)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def flag(value) -> bool:
    """A config switch, also when it comes from the environment as text ("true", "1", "yes", "on")."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class Mailer:
    """One SMTP connection for the whole run, opened at the first message and reopened if the server drops it."""

    def __init__(self, config):
        self.host = str(config["MAIL_SERVER"])
        self.port = int(config["MAIL_PORT"])
        self.timeout = float(config["MAIL_TIMEOUT"])
        self.use_tls, self.use_ssl = flag(config["MAIL_USE_TLS"]), flag(config["MAIL_USE_SSL"])
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
                              server=where, reason=reason(error))) from None
        except (OSError, smtplib.SMTPException) as error:
            self._close(connection)
            raise MailServerUnavailable(_("Cannot reach the mail server %(server)s: %(reason)s.",
                              server=where, reason=reason(error))) from None
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
                                      reason=reason(error))) from None
            except smtplib.SMTPRecipientsRefused as error:
                reasons = "; ".join(reason(refusal) for refusal in error.recipients.values())
                raise MailError(_("The mail server refused the recipient: %(reason)s.", reason=reasons)) from None
            except smtplib.SMTPResponseException as error:  # a refusal; smtplib has reset the transaction
                raise MailError(_("The mail server did not accept the message: %(reason)s.",
                                  reason=reason(error))) from None
            except (OSError, smtplib.SMTPException) as error:
                # The connection is in an unknown state: start afresh for the next recipient.
                self._close(self.connection)
                self.connection = None
                raise MailError(_("The mail server did not accept the message: %(reason)s.",
                                  reason=reason(error))) from None

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


def reason(error) -> str:
    """An SMTP error's code and text, or an OS error's description, on one line."""
    if isinstance(error, tuple):  # (code, message) from SMTPRecipientsRefused
        code, text = error
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    code, text = getattr(error, "smtp_code", None), getattr(error, "smtp_error", None)
    if code is not None:
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
