"""Sign-in throttling that slows guessing without locking anyone out.

Failed sign-ins are counted in the database (so every worker sees them) under keys:

- the client's address, whatever account it tries (an IPv6 address by its /64): one client spraying passwords over
  many accounts is slowed;
- the account name as typed, for clients its owner has not signed in from: one account tried from many places is
  slowed for those places;
- the account on one known browser: a browser that holds a "known device" cookie from a successful sign-in of that
  account is counted on its own, so failures made elsewhere — however many, from however many addresses — never
  slow the owner's own browser.

Past LOGIN_FREE_FAILURES_PER_ADDRESS (or _PER_ACCOUNT) failures, the next attempt under a key waits 2, 4, 8 ...
seconds after the last failure, at most LOGIN_MAX_DELAY_SECONDS; a count is forgotten after
LOGIN_FORGET_FAILURES_MINUTES without a failure. A success forgets the account's count (not the address's).
"""

from __future__ import annotations

import ipaddress
import math
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from jcm.accounts.models import SignInThrottle
from jcm.extensions import db
from jcm.models import utcnow

DEVICE_COOKIE = "jcm_device"


@dataclass
class Client:
    """Who is trying to sign in: the address the request came from and the browser's known-device cookie."""

    address: str = ""
    device: str = ""  # the browser's random id ("" before its first successful sign-in)
    accounts: dict[str, int] = field(default_factory=dict)  # account id → when it signed in here (epoch seconds)

    def knows(self, user_id: int) -> bool:
        signed_in = self.accounts.get(str(user_id))
        days = float(current_app.config["LOGIN_KNOWN_DEVICE_DAYS"])
        return bool(self.device) and isinstance(signed_in, int) and time.time() - signed_in < days * 86400


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="jcm-known-device")


def client_of(request) -> Client:
    """The client of a request: its address, and what its known-device cookie (signed, so not forged) says."""
    client = Client(address=address_key(request.remote_addr or ""))
    try:
        data = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return client
    if isinstance(data, dict) and isinstance(data.get("d"), str) and isinstance(data.get("a"), dict):
        client.device, client.accounts = data["d"][:64], data["a"]
    return client


def remember_device(response, client: Client, user_id: int) -> None:
    """After a successful sign-in: this browser is now known to the account (for LOGIN_KNOWN_DEVICE_DAYS)."""
    config = current_app.config
    days = float(config["LOGIN_KNOWN_DEVICE_DAYS"])
    now = int(time.time())
    accounts = {key: at for key, at in client.accounts.items()
                if isinstance(at, int) and now - at < days * 86400}
    accounts[str(user_id)] = now
    value = _serializer().dumps({"d": client.device or secrets.token_urlsafe(16), "a": accounts})
    response.set_cookie(DEVICE_COOKIE, value, max_age=int(days * 86400), httponly=True, samesite="Lax",
                        secure=bool(config.get("SESSION_COOKIE_SECURE")), path="/")


def address_key(address: str) -> str:
    """An address as it is counted: IPv4 as it is, IPv6 by its /64 (one subscriber's usual allocation)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Bucket:
    key: str
    free: int  # failures allowed before any wait


def buckets(client: Client, account: str | None, user_id: int | None) -> list[Bucket]:
    """The counts an attempt is judged by and adds to. account is the name as typed (normalised), None when it is
    no e-mail address at all; user_id the account's id when it exists."""
    config = current_app.config
    per_account = int(config["LOGIN_FREE_FAILURES_PER_ACCOUNT"])
    if user_id is not None and client.knows(user_id):
        return [Bucket(f"device:{user_id}:{client.device}", per_account)]
    found = [Bucket(f"address:{client.address}", int(config["LOGIN_FREE_FAILURES_PER_ADDRESS"]))]
    if account:
        found.append(Bucket(f"account:{account}"[:300], per_account))
    return found


def delay_after(failures: int, free: int) -> float:
    """Seconds to wait after the last failure: none within the free failures, then 2, 4, 8 ... up to the cap."""
    cap = float(current_app.config["LOGIN_MAX_DELAY_SECONDS"])
    if failures < free:
        return 0.0
    exponent = failures - free + 1
    return cap if exponent >= 63 else min(cap, float(2 ** exponent))


def wait_for(found: list[Bucket], now: datetime | None = None) -> int:
    """Whole seconds before the next attempt may be made (0: now)."""
    now = now or utcnow()
    forget = timedelta(minutes=float(current_app.config["LOGIN_FORGET_FAILURES_MINUTES"]))
    free = {bucket.key: bucket.free for bucket in found}
    wait = 0.0
    for row in db.session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(free))):
        if now - row.last_failure_at >= forget:
            continue
        ready = row.last_failure_at + timedelta(seconds=delay_after(row.failures, free[row.key]))
        wait = max(wait, (ready - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def count_failure(found: list[Bucket]) -> None:
    """One more failure under each key, in a short transaction of its own: it stands whatever becomes of the
    request, and is seen at once by every worker."""
    now = utcnow()
    forget = timedelta(minutes=float(current_app.config["LOGIN_FORGET_FAILURES_MINUTES"]))
    table = SignInThrottle.__table__
    try:
        with db.engine.begin() as connection:
            for bucket in found:
                for _attempt in range(2):
                    changed = connection.execute(update(table).where(table.c.key == bucket.key).values(
                        failures=_counted(table, now - forget), last_failure_at=now)).rowcount
                    if changed:
                        break
                    try:
                        with connection.begin_nested():
                            connection.execute(table.insert().values(key=bucket.key, failures=1,
                                                                     last_failure_at=now))
                        break
                    except IntegrityError:  # another worker counted the first failure meanwhile
                        continue
    except OperationalError:
        current_app.logger.warning("a failed sign-in could not be counted: the database is busy")


def _counted(table, forgotten_before: datetime):
    from sqlalchemy import case

    return case((table.c.last_failure_at < forgotten_before, 1), else_=table.c.failures + 1)


def forget_failures(found: list[Bucket]) -> None:
    """A successful sign-in: the account's count (or the known browser's) starts again; an address's stays."""
    keys = [bucket.key for bucket in found if not bucket.key.startswith("address:")]
    if keys:
        db.session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))
