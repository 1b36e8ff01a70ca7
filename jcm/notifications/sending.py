"""What a notice says, in its reader's language and time zone; and the e-mails: after the commit, at most one per
person an hour (what accumulates meanwhile goes out together as one digest), retried until the mail server takes
them (`jcm notify --flush` sends what waits)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import Flask, current_app, render_template
from flask_babel import format_date, force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from jcm.accounts.models import User
from jcm.actions.calendar import meeting_calendar
from jcm.actions.models import ActionItem, REVIEW_OUTCOME_LABELS
from jcm.extensions import db
from jcm.fields import declared
from jcm.i18n import locale_code, localized
from jcm.labels import SIDE_LABELS
from jcm.mail import MailError, Mailer, MailServerUnavailable, new_message
from jcm.meetings.models import MODE_LABELS, PROPOSAL_KIND_LABELS, Meeting
from jcm.models import utcnow
from jcm.notifications.models import NOTICE_KIND_LABELS, MailState, Notice
from jcm.notifications.services import unsubscribe_token
from jcm.zones import aware, city, local_time, zone_abbreviation, zone_of

DIGEST_EVERY = timedelta(hours=1)  # at most one e-mail per person in this long
STALE_CLAIM = timedelta(minutes=15)  # a sender that claimed notices and died: another takes them again after this
INVITATIONS = ("meeting.invitation", "meeting.changed")  # the notices that carry the meeting's calendar entry


def locale_of(user: User) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


# --- what a notice says ---------------------------------------------------------------------------------------

@dataclass
class Told:
    """A notice as its reader reads it: in the language in force (force_locale), times in their zone."""

    id: int
    event: str
    headline: str
    lines: list[str]
    ask: str
    path: str
    at: str
    to_act: bool
    read: bool


def _text(params: dict, name: str, locale: str) -> str:
    text = localized(SimpleNamespace(**{name: params.get(name) or "", f"{name}_ko": params.get(f"{name}_ko") or ""}),
                     name, locale)
    return str(text)


def _moment(value: datetime, zone: str) -> str:
    local = aware(value, zone)
    return f"{local:%Y-%m-%d %H:%M} {zone_abbreviation(local)}"


def _headline(notice: Notice, meeting: str, locale: str) -> str:
    p = notice.params or {}
    ref, title = p.get("ref", ""), _text(p, "title", locale)
    side = str(SIDE_LABELS.get(p.get("side"), p.get("side") or ""))
    number = p.get("number") or 0
    return {
        "meeting.invitation": lambda: _("Invitation: %(meeting)s", meeting=meeting),
        "meeting.changed": lambda: _("Dates or place changed: %(meeting)s", meeting=meeting),
        "agenda.awaits_agreement": lambda: _("The agenda of %(meeting)s awaits your side's agreement",
                                             meeting=meeting),
        "agenda.agreed": lambda: _("Agenda agreed by both sides: %(meeting)s", meeting=meeting),
        "agenda.changed": lambda: _("The agreed agenda of %(meeting)s was changed and awaits agreement again",
                                    meeting=meeting),
        "minutes.awaits_adoption": lambda: _("The minutes of %(meeting)s await your adoption", meeting=meeting),
        "minutes.circulated": lambda: _("Minutes circulated: %(meeting)s", meeting=meeting),
        "minutes.commented": lambda: _("A comment on the minutes of %(meeting)s", meeting=meeting),
        "minutes.adopted_by_side": lambda: _("%(side)s adopted the minutes of %(meeting)s", side=side,
                                             meeting=meeting),
        "minutes.adopted": lambda: _("Minutes adopted by both sides: %(meeting)s", meeting=meeting),
        "minutes.correction_proposed": lambda: _("Correction no. %(number)s to the minutes of %(meeting)s proposed",
                                                 number=number, meeting=meeting),
        "minutes.corrected": lambda: _("Correction no. %(number)s to the minutes of %(meeting)s adopted",
                                       number=number, meeting=meeting),
        "summary.awaits_release": lambda: _("%(side)s released the press summary of %(meeting)s", side=side,
                                            meeting=meeting),
        "summary.released": lambda: _("Press summary of %(meeting)s released to the public", meeting=meeting),
        "action_item.created": lambda: _("Action item %(ref)s is yours: %(title)s", ref=ref, title=title),
        "action_item.changed": lambda: _("Action item %(ref)s changed: %(title)s", ref=ref, title=title),
        "action_item.updated": lambda: _("An update on action item %(ref)s: %(title)s", ref=ref, title=title),
        "action_item.reviewed": lambda: _("Action item %(ref)s reviewed: %(title)s", ref=ref, title=title),
        "proposal.awaits": lambda: _("A proposal on %(meeting)s awaits your side", meeting=meeting),
        "proposal.confirm": lambda: _("Proposal no. %(number)s on %(meeting)s confirmed", number=number,
                                      meeting=meeting),
        "proposal.decline": lambda: _("Proposal no. %(number)s on %(meeting)s declined", number=number,
                                      meeting=meeting),
        "proposal.withdraw": lambda: _("Proposal no. %(number)s on %(meeting)s withdrawn", number=number,
                                       meeting=meeting),
    }.get(notice.event, lambda: notice.event)()


def _ask(notice: Notice) -> str:
    if not notice.to_act:
        return ""
    return {
        "agenda.awaits_agreement": _("Please review the agenda; your side's secretariat or co-chair agrees it in JCM."),
        "agenda.changed": _("Please review the new version; each side agrees it again."),
        "minutes.awaits_adoption": _("Please review the minutes and adopt them for your side."),
        "minutes.circulated": _("Your comments on the draft are invited before the co-chairs adopt it."),
        "minutes.commented": _("Please consider the comment and resolve it."),
        "minutes.adopted_by_side": _("Please review the minutes and adopt them for your side."),
        "minutes.correction_proposed": _("Please review the correction and adopt it for your side."),
        "summary.awaits_release": _("Please review the press summary and release it for your side."),
        "action_item.created": _("Please report progress on it by posting an update."),
        "proposal.awaits": _("Your side's secretariat confirms or declines it."),
    }.get(notice.event, "")


def _meeting_lines(p: dict, zone: str) -> list[str]:
    """When and where a meeting is: its dates; its opening in the host city's time and in the reader's."""
    lines = []
    try:
        start, end = date.fromisoformat(p["start_date"]), date.fromisoformat(p.get("end_date") or p["start_date"])
    except (KeyError, ValueError):
        return lines
    dates = format_date(start, "long") if end == start else \
        _("%(first)s to %(last)s", first=format_date(start, "long"), last=format_date(end, "long"))
    lines.append(_("When: %(dates)s", dates=dates))
    there = p.get("time_zone") or "UTC"
    if p.get("starts_at"):
        hours, minutes = (int(part) for part in p["starts_at"].split(":"))
        opening = local_time(start, datetime.min.time().replace(hour=hours, minute=minutes), there)
        lines.append(_("Opens at %(time)s %(city)s time (%(zone)s)", time=f"{opening:%H:%M}", city=city(there),
                       zone=there))
        if zone != there:
            mine = opening.astimezone(ZoneInfo(zone))
            lines.append(_("Your time: %(moment)s (%(city)s)", moment=f"{mine:%Y-%m-%d %H:%M} "
                                                                       f"{zone_abbreviation(mine)}",
                           city=city(zone)))
    place = ", ".join(part for part in (_text(p, "venue", locale_code()), _text(p, "city", locale_code()))
                      if part)
    if place:
        lines.append(_("Where: %(place)s", place=place))
    if p.get("mode") in MODE_LABELS:
        lines.append(_("Mode: %(mode)s", mode=MODE_LABELS[p["mode"]]))
    return lines


def describe(notice: Notice, zone: str) -> Told:
    """The notice in the language in force (a page's, or an e-mail's under force_locale), times in `zone`."""
    locale = locale_code()
    p = notice.params or {}
    meeting = _text(p, "meeting", locale)
    lines: list[str] = []
    if notice.event in INVITATIONS:
        lines += _meeting_lines(p, zone)
    actor = _text({"name": notice.actor_name, "name_ko": notice.actor_name_ko}, "name", locale)
    if actor and notice.event not in INVITATIONS:
        lines.append(_("By %(name)s, %(moment)s", name=actor, moment=_moment(notice.created_at, zone)))
    if notice.event.startswith("action_item."):
        lines.append(_("Meeting: %(meeting)s", meeting=meeting) if meeting else "")
        fields = declared(ActionItem)
        changed = [str(fields[name].label) for name in p.get("fields", []) if name in fields]
        if notice.event == "action_item.changed" and changed:
            lines.append(_("Changed: %(fields)s", fields=", ".join(changed)))
        if notice.event == "action_item.reviewed" and p.get("outcome") in REVIEW_OUTCOME_LABELS:
            lines.append(_("Outcome: %(outcome)s", outcome=REVIEW_OUTCOME_LABELS[p["outcome"]]))
    if notice.event.startswith("proposal.") and p.get("proposal") in PROPOSAL_KIND_LABELS:
        lines.append(_("Proposed: %(what)s", what=PROPOSAL_KIND_LABELS[p["proposal"]]))
    if notice.action_item_id:
        path = f"/action-items/{notice.action_item_id}"
    elif notice.meeting_id and notice.event.startswith("summary."):
        path = f"/meetings/{notice.meeting_id}/summary"
    elif notice.meeting_id and notice.event.startswith("minutes."):
        path = f"/meetings/{notice.meeting_id}/minutes"
    elif notice.meeting_id:
        path = f"/meetings/{notice.meeting_id}"
    else:
        path = "/notifications"
    return Told(id=notice.id, event=notice.event, headline=_headline(notice, meeting, locale),
                lines=[line for line in lines if line], ask=_ask(notice), path=path,
                at=_moment(notice.created_at, zone), to_act=notice.to_act, read=notice.read_at is not None)


# --- the e-mail -----------------------------------------------------------------------------------------------

def render_mail(user: User, notices: list[Notice]):
    """One e-mail for the person: a single notice as itself, several as a digest; in their language, times in
    their zone, each invitation with its meeting's calendar entry, and links to stop each kind."""
    base_url = str(current_app.config["BASE_URL"]).rstrip("/")
    locale, zone = locale_of(user), zone_of(user)
    with force_locale(locale):
        told = [describe(notice, zone) for notice in notices]
        if len(told) == 1:
            subject = _("[JCM] %(headline)s", headline=told[0].headline)
        else:
            subject = ngettext("[JCM] %(num)d notification", "[JCM] %(num)d notifications", len(told))
        kinds = sorted({notice.kind for notice in notices})
        stops = [{"label": str(NOTICE_KIND_LABELS[kind]),
                  "url": f"{base_url}/notifications/unsubscribe/{unsubscribe_token(user, kind)}"} for kind in kinds]
        context = {"lang": locale, "name": user.display_name(locale), "told": told, "base_url": base_url,
                   "stops": stops, "settings_url": f"{base_url}/account#notifications",
                   "list_url": f"{base_url}/notifications", "subject": subject}
        text = render_template("email/notice.txt", **context)
        html = render_template("email/notice.html", **context)
        message = new_message(subject, user.display_name(locale), user.email, text, html)
        message["List-Unsubscribe"] = f"<{stops[0]['url']}>" if len(stops) == 1 else f"<{base_url}/account>"
        meeting_ids = sorted({n.meeting_id for n in notices if n.event in INVITATIONS and n.meeting_id})
        for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids))
                                          .options(selectinload(Meeting.days))):
            message.add_attachment(meeting_calendar(meeting, locale).decode("utf-8"), subtype="calendar",
                                   charset="utf-8", filename=f"jcm-meeting-{meeting.id}.ics")
    return message


# --- sending --------------------------------------------------------------------------------------------------

@dataclass
class FlushSummary:
    sent: int = 0  # e-mails
    notices: int = 0  # the notices they carried
    held: int = 0  # people whose next digest waits for the hour
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    next_due: datetime | None = None

    def __str__(self) -> str:
        return _("Sent %(sent)d e-mails with %(notices)d notifications; %(held)d people's digests wait for the hour; "
                 "%(failed)d failed.", sent=self.sent, notices=self.notices, held=self.held, failed=self.failed)


def _waiting(now: datetime):
    return or_(Notice.mail_state == MailState.pending.value,
               and_(Notice.mail_state == MailState.sending.value, Notice.mailed_at < now - STALE_CLAIM))


def flush_pending(now: datetime | None = None) -> FlushSummary:
    """E-mail what waits: to each person whose last e-mail from JCM is an hour old or more, one e-mail with all
    that waits for them. A notice is claimed (committed) before it is sent, so two senders never send it twice;
    a failed send gives it back, to be tried again. Commits as it goes: it runs outside any request."""
    now = now or utcnow()
    summary = FlushSummary()
    # In a set order (by account), so that an outage stops the round at the same person on every database.
    people = list(db.session.scalars(select(Notice.user_id).where(_waiting(now)).distinct().order_by(Notice.user_id)))
    if not people:
        return summary
    last_sent = dict(list(db.session.execute(
        select(Notice.user_id, func.max(Notice.mailed_at)).where(Notice.user_id.in_(people),
                                                                  Notice.mail_state == MailState.sent.value)
        .group_by(Notice.user_id)).tuples()))
    mailer = Mailer(current_app.config)
    try:
        for user_id in people:
            last = last_sent.get(user_id)
            if last is not None and now - last < DIGEST_EVERY:
                summary.held += 1
                due = last + DIGEST_EVERY
                summary.next_due = due if summary.next_due is None else min(summary.next_due, due)
                continue
            stamp = utcnow()
            ids = list(db.session.scalars(select(Notice.id).where(Notice.user_id == user_id, _waiting(now))))
            db.session.execute(update(Notice).where(Notice.id.in_(ids), _waiting(now))
                               .values(mail_state=MailState.sending.value, mailed_at=stamp)
                               .execution_options(synchronize_session=False))
            db.session.commit()
            claimed = list(db.session.scalars(select(Notice).where(
                Notice.user_id == user_id, Notice.mail_state == MailState.sending.value, Notice.mailed_at == stamp)
                .order_by(Notice.id)))
            user = db.session.get(User, user_id)
            if not claimed or user is None:
                continue
            if not user.active:
                _settle(claimed, MailState.not_mailed, None)
                continue
            try:
                mailer.send(render_mail(user, claimed))
            except MailError as error:
                for notice in claimed:
                    notice.mail_attempts += 1
                    notice.mail_error = str(error)[:1000]
                _settle(claimed, MailState.pending, None)
                summary.failed += 1
                summary.errors.append(_("Not sent to %(email)s: %(reason)s", email=user.email, reason=str(error)))
                if isinstance(error, MailServerUnavailable):
                    break  # the others would fare no better; they stay pending
                continue
            _settle(claimed, MailState.sent, utcnow())
            summary.sent += 1
            summary.notices += len(claimed)
    finally:
        mailer.close()
    return summary


def _settle(notices: list[Notice], state: MailState, at: datetime | None) -> None:
    for notice in notices:
        notice.mail_state, notice.mailed_at = state.value, at
        if state is MailState.sent:
            notice.mail_error = ""
    db.session.commit()


class Sender:
    """Sends in a thread of its own after a commit that wrote notices, so no request waits for the mail server;
    one flush at a time per process, again when more was committed meanwhile, and once more when the hour that
    holds a digest has passed."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.wanted = False
        self.thread: threading.Thread | None = None
        self.timer: threading.Timer | None = None

    def poke(self) -> None:
        with self.lock:
            self.wanted = True
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="jcm-notify", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.wanted:
                    self.thread = None
                    return
                self.wanted = False
            with self.app.app_context():
                try:
                    summary = flush_pending()
                    if summary.next_due is not None:
                        self._wake_at(summary.next_due)
                    for line in summary.errors:
                        self.app.logger.warning("Notifications: %s", line)
                except Exception:  # the notices stay pending; the next commit or `jcm notify --flush` sends them
                    self.app.logger.exception("Notifications could not be sent; they stay pending")
                finally:
                    db.session.remove()

    def _wake_at(self, due: datetime) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = threading.Timer(max(1.0, (due - utcnow()).total_seconds() + 1), self.poke)
        self.timer.daemon = True
        self.timer.start()

    def wait(self, timeout: float = 30) -> None:
        """Until the sender is idle (for the tests and for a clean shutdown)."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.wait()


def sender_of(app: Flask) -> Sender:
    sender = app.extensions.get("jcm_notice_sender")
    if sender is None:
        sender = app.extensions["jcm_notice_sender"] = Sender(app)
    return sender
