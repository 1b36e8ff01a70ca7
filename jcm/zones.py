"""Time zones: the two capitals are 13–14 hours apart, so a time means nothing without its zone. Meetings keep
their host city's zone, each account its reader's (by default its side's capital); timestamps are stored in UTC
and shown in the reader's zone, with the zone said."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from jcm.errors import Invalid
from jcm.models import Side

# A meeting created without a zone takes its host side's capital; an account without one, its side's.
DEFAULT_TIME_ZONES = {Side.US: "America/New_York", Side.KR: "Asia/Seoul"}
# Offered first on the forms: the two capitals, the other U.S. zones, UTC.
COMMON_TIME_ZONES = ("Asia/Seoul", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
                     "Pacific/Honolulu", "UTC")
# The cities a committee says for its zones ("09:00 Washington · 23:00 Seoul"); any other zone by its own city.
CITIES = {"America/New_York": _l("Washington"), "Asia/Seoul": _l("Seoul")}


@cache
def known_time_zones() -> frozenset[str]:
    """The IANA time zones Python's zoneinfo knows (read once: the tz database does not change under JCM)."""
    return frozenset(available_timezones())


def a_time_zone(zone: str) -> None:
    if zone not in known_time_zones():
        # Not echoed: the value may be anything (very long, control characters).
        raise Invalid(_("The time zone must be an IANA time zone name such as Asia/Seoul or America/New_York."),
                      field="time_zone")


def any_time_zone(zone: str) -> None:
    """An account's zone: a known one, or none said (its side's capital)."""
    if zone:
        a_time_zone(zone)


def zone_choices(empty: str | None = None) -> list[SelectChoice]:
    """The common zones first, then every other zone Python knows, each by its IANA name."""
    common, other = _("Common time zones"), _("Other time zones")
    options = [SelectChoice("", empty)] if empty is not None else []
    options += [SelectChoice(zone, optgroup=common) for zone in COMMON_TIME_ZONES]
    options += [SelectChoice(zone, optgroup=other)
                for zone in sorted(known_time_zones()) if zone not in COMMON_TIME_ZONES]
    return options


def zone_of(user) -> str:
    """The reader's zone: the one they chose, else their side's capital; UTC for no one in particular."""
    if user is None or not getattr(user, "side", None):
        return "UTC"
    return getattr(user, "time_zone", None) or DEFAULT_TIME_ZONES[user.side]


def city(zone: str) -> str:
    """What people call a zone: Washington, Seoul, or the zone's own city (America/Los_Angeles: Los Angeles)."""
    if zone in CITIES:
        return str(CITIES[zone])
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_abbreviation(moment: datetime) -> str:
    """KST, EST, EDT — or the offset (+09) where the zone has no letters."""
    return moment.tzname() or moment.strftime("%z")


def aware(value: datetime, zone: str) -> datetime:
    """A stored timestamp (naive UTC) in the given zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(zone))


def local_time(day: date, at: time, zone: str) -> datetime:
    """A meeting's wall-clock time on one of its days, in its own zone."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


# --- as a page shows them -----------------------------------------------------------------------------------

def reader_zone() -> str:
    """The zone of whoever reads the page (flask-babel's time zone selector): UTC for a visitor."""
    from flask_login import current_user

    return zone_of(current_user if getattr(current_user, "is_authenticated", False) else None)


def datetime_in_zone(value: datetime | None, format: str = "medium") -> str:
    """A stored timestamp in the reader's zone, the zone said: "1 Dec 2026, 10:24:08 KST". Replaces flask-babel's
    `datetimeformat` filter, which converts to the same zone but leaves it unsaid."""
    from flask_babel import format_datetime

    if value is None:
        return ""
    local = aware(value, reader_zone())
    return f"{format_datetime(value, format)} {zone_abbreviation(local)}"


def timestamp(value: datetime | None) -> str:
    """A timestamp to the second, as the audit log lists them, in the reader's zone: "2026-12-01 10:24:08 KST"."""
    if value is None:
        return ""
    local = aware(value, reader_zone())
    return f"{local:%Y-%m-%d %H:%M:%S} {zone_abbreviation(local)}"


def elsewhere(day: date, starts: time, ends: time | None, zone: str, *, bare: bool = False) -> str:
    """A meeting's time, given in its own zone, where the reader is — "23:00–23:30 Seoul", with the day said when it
    is another there; `bare`, the times alone (a row under a heading that says the city and the day) — or "" for a
    reader in the meeting's zone."""
    reader = reader_zone()
    if reader == zone or not zone:
        return ""
    there = local_time(day, starts, zone).astimezone(ZoneInfo(reader))
    times = f"{there:%H:%M}"
    if ends is not None:
        times += f"–{local_time(day, ends, zone).astimezone(ZoneInfo(reader)):%H:%M}"
    if bare:
        return times
    shift = (there.date() - day).days
    if shift > 0:
        return _("%(times)s %(city)s, the next day", times=times, city=city(reader))
    if shift < 0:
        return _("%(times)s %(city)s, the day before", times=times, city=city(reader))
    return _("%(times)s %(city)s", times=times, city=city(reader))
