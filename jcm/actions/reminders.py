"""Reminders: one e-mail digest per owner of the action items that are overdue or fall due soon."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from typing import TextIO

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, ngettext
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from jcm.accounts.models import User
from jcm.actions.models import ACTION_STATUS_LABELS, OPEN_STATUSES, ActionItem, ActionOwner, ReminderLog
from jcm.extensions import db
from jcm.mail import MailError, MailServerUnavailable, Mailer, new_message
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
    return new_message(subject, digest.name, digest.email, text, html)


# --- sending --------------------------------------------------------------------------------------------

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
    mailer = None if dry_run else Mailer(current_app.config)
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
