"""Each person's private iCalendar feed: the committee's meetings and the due dates of what they own."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jcm.accounts.models import User
from jcm.actions.columns import owner_names
from jcm.actions.models import ACTION_STATUS_LABELS, ActionItem, CalendarFeed
from jcm.actions.services import my_action_items
from jcm.audit.services import record
from jcm.extensions import db
from jcm.i18n import fallback_note, localized
from jcm.meetings.models import MODE_LABELS, Meeting
from jcm.models import utcnow
from jcm.permissions import can, require

UID_DOMAIN = "jcm"
# Calendar programs poll a subscribed feed; this asks them to do so a few times a day.
REFRESH = timedelta(hours=6)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- the feed's address -----------------------------------------------------------------------------------

def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_or_renew_feed(actor, user: User) -> str:
    """A new secret address for user's feed; the token is returned this once, only its hash is kept.

    Renewing replaces the hash, so the previous address stops working at once.
    """
    require(actor, "token.manage", user)
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=_digest(token), created_at=utcnow())
        db.session.add(feed)
        action = "calendar_feed.create"
    else:
        feed.token_hash, feed.created_at = _digest(token), utcnow()
        action = "calendar_feed.renew"
    db.session.flush()
    record(actor, action, user, after={"calendar_feed": feed.created_at.isoformat()})
    return token


def revoke_feed(actor, user: User) -> None:
    """The address stops working; revoking a feed that does not exist changes nothing."""
    require(actor, "token.manage", user)
    feed = feed_of(user)
    if feed is None:
        return
    before = {"calendar_feed": feed.created_at.isoformat()}
    db.session.delete(feed)
    db.session.flush()
    record(actor, "calendar_feed.revoke", user, before=before)


def user_for_feed_token(token: str) -> User | None:
    """The active account whose feed this token opens, else None."""
    if not token or len(token) > 200:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token)))
    if feed is None or not feed.user.active:
        return None
    return feed.user


# --- the feed's content -----------------------------------------------------------------------------------

def _text(text) -> str:
    """A text localized() gave, followed by the words that say it is the other language's when it fell back (a
    calendar shows plain text: the marker a page shows is these words)."""
    note = fallback_note(text)
    return f"{text} {note}" if note else str(text)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc, microsecond=0)


def _meeting_events(meeting: Meeting, locale: str, stamp: datetime) -> list[Event]:
    """A meeting's days, each from its start to its planned end in the host city's zone (the calendar shows them in
    the reader's); a meeting without its days (cancelled before any were set) as one all-day event."""
    zone = ZoneInfo(meeting.time_zone or "UTC")
    title = _text(localized(meeting, "title", locale))
    if not meeting.days:
        return [_meeting_event(meeting, f"meeting-{meeting.id}", title, meeting.start_date,
                               meeting.end_date + timedelta(days=1), locale, stamp)]  # an all-day end is exclusive
    count = len(meeting.days)
    return [_meeting_event(meeting, f"meeting-{meeting.id}-day{number}",
                           _("%(title)s (day %(n)d of %(count)d)", title=title, n=number, count=count)
                           if count > 1 else title,
                           datetime.combine(day.day, day.starts_at, tzinfo=zone),
                           datetime.combine(day.day, day.ends_at, tzinfo=zone), locale, stamp)
            for number, day in enumerate(meeting.days, start=1)]


def _meeting_event(meeting: Meeting, uid: str, summary: str, starts, ends, locale: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", summary)
    location = ", ".join(_text(part) for part in (localized(meeting, "venue", locale),
                                                  localized(meeting, "city", locale)) if part)
    if location:
        event.add("location", location)
    event.add("description", str(MODE_LABELS.get(meeting.mode, meeting.mode)))
    event.add("status", {"cancelled": "CANCELLED", "planning": "TENTATIVE"}.get(meeting.status, "CONFIRMED"))
    event.add("sequence", meeting.version)
    event.add("categories", ["JCM"])
    return event


def _action_event(item: ActionItem, locale: str, stamp: datetime, today: date) -> Event:
    event = Event()
    event.add("uid", f"action-{item.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.due_date)
    event.add("dtend", item.due_date + timedelta(days=1))
    event.add("summary", _("%(ref)s %(title)s (due)", ref=item.ref, title=_text(localized(item, "title", locale))))
    lines = [
        f"{item.focus_area.code} {localized(item.focus_area, 'title', locale)}",
        _("Status: %(status)s", status=str(ACTION_STATUS_LABELS.get(item.status, item.status))),
        _("U.S. owners: %(owners)s", owners=owner_names(item, "US", locale)),
        _("Korean owners: %(owners)s", owners=owner_names(item, "KR", locale)),
    ]
    if item.is_overdue(today):
        lines.insert(1, _("Overdue"))
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
    event.add("last-modified", _utc(item.updated_at))
    event.add("sequence", item.version)
    event.add("categories", ["JCM"])
    return event


def build_calendar(user: User, today: date) -> bytes:
    """The feed: every meeting the user may see, and the due dates of open items the user or their agency owns."""
    # The person's own language; a calendar program's Accept-Language says nothing about them.
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        calendar = Calendar()
        calendar.add("prodid", "-//JCM//Joint Committee Meeting//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("JCM: meetings and my action items"))
        calendar.add("x-wr-caldesc", _("Meetings of the Joint Committee and the due dates of the action items "
                                       "of %(name)s and their agency.", name=user.display_name(locale)))
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
        stamp = _utc(utcnow())
        if can(user, "meeting.view"):
            meetings = db.session.scalars(select(Meeting).options(selectinload(Meeting.days))
                                          .order_by(Meeting.start_date, Meeting.ordinal))
            for meeting in meetings:
                for event in _meeting_events(meeting, locale, stamp):
                    calendar.add_component(event)
        if can(user, "action.view"):
            for item in my_action_items(user, today):
                calendar.add_component(_action_event(item, locale, stamp, today))
        calendar.add_missing_timezones()  # each meeting's zone, as a VTIMEZONE the calendar program reads
    return calendar.to_ical()


def meeting_calendar(meeting: Meeting, locale: str, method: str = "PUBLISH") -> bytes:
    """One meeting's days as a calendar of their own — the invitation's attachment and `/meetings/<id>.ics` — each
    day at its hours in the host city's zone, with that zone's VTIMEZONE. The events are those of the feed (the
    same UIDs), so a calendar program holding both sees one meeting."""
    with force_locale(locale):
        calendar = Calendar()
        calendar.add("prodid", "-//JCM//Joint Committee Meeting//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", method)
        for event in _meeting_events(meeting, locale, _utc(utcnow())):
            calendar.add_component(event)
        calendar.add_missing_timezones()
    return calendar.to_ical()
