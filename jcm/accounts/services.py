"""Accounts: creating and changing them, signing in, and API tokens."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import timedelta
from typing import Any

from blinker import Namespace
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from jcm.accounts import throttle
from jcm.accounts.models import ApiToken, Organization, User
from jcm.accounts.sessions import end_sessions
from jcm.accounts.throttle import Client
from jcm.errors import Conflict, Invalid, NotFound, TooManyAttempts
from jcm.extensions import db
from jcm.fields import audited, populate
from jcm.models import utcnow
from jcm.permissions import require
from jcm.versions import check_version, versioned
from jcm.web import signing_in

TOKEN_PREFIX = "jcm_"
signals = Namespace()
# Sent for every change to an account or its tokens, with the actor, the action and the account's fields before and
# after. The audit trail records it: the trail names its actors by their accounts, so it stands on this feature and
# this feature cannot call it.
account_changed = signals.signal("account-changed")
# Sent by the sign-in page for every sign-in that fails or is refused, with the account name tried (whether or not
# such an account exists) and the error the person was shown: the audit trail records it.
sign_in_failed = signals.signal("sign-in-failed")


def normalise_email(email: str) -> str:
    try:
        result = validate_email(str(email or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(_("“%(email)s” is not a valid e-mail address: %(reason)s",
                        email=email, reason=str(error)), field="email") from None
    return result.normalized.lower()


def _with_email_normalised(data: dict[str, Any]) -> dict[str, Any]:
    """The address as it is kept (a missing one is the declaration's to refuse)."""
    if data.get("email") in (None, ""):
        return data
    return {**data, "email": normalise_email(data["email"])}


def _check_organization(user: User) -> None:
    if user.organization_id is None:
        return
    organization = db.session.get(Organization, user.organization_id)
    if organization is None:
        raise Invalid(_("That organization does not exist."), field="organization_id")
    if organization.side != user.side:
        raise Invalid(_("%(organization)s is an agency of the other side.", organization=organization.name),
                      field="organization_id")


def _check_email_free(email: str, user_id: int | None = None) -> None:
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None and existing.id != user_id:
        raise Invalid(_("An account with the e-mail address %(email)s already exists.", email=email),
                      field="email")


def _check_password(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise Invalid(_("The password must have at least %(n)d characters.", n=minimum), field="password")
    if len(password) > 1024:
        raise Invalid(_("The password is too long."), field="password")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def account_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def create_user(actor, data: dict[str, Any], password: str | None = None) -> User:
    """Create an account. actor is None only for the first administrator and the command line."""
    if actor is not None:
        require(actor, "user.manage")
    user = User(active=True)
    populate(user, _with_email_normalised(data), creating=True)
    _check_email_free(user.email)
    _check_organization(user)
    if password is not None:
        _check_password(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    account_changed.send(user, actor=actor or "command line", action="user.create", after=audited(user))
    return user


def create_first_admin(data: dict[str, Any], password: str) -> User:
    """The set-up page's one job: only while there is no account at all."""
    if account_count() > 0:
        raise Conflict(_("JCM is already set up; sign in instead."))
    user = create_user(None, {**data, "role": "admin"}, password)
    return user


def update_user(actor, user: User, data: dict[str, Any], expected_version: int | None = None) -> User:
    """An admin edits any account; anyone edits their own name, title, language and time zone."""
    if set(data) - {"name", "title", "locale", "time_zone"}:
        require(actor, "user.manage")
    else:
        require(actor, "user.edit_profile", user)
    check_version(user, expected_version, _("Someone else changed this account meanwhile; review their change and "
                                            "try again."))
    data = _with_email_normalised(data)
    if data.get("email"):
        _check_email_free(data["email"], user.id)
    with versioned(user) as change:
        populate(user, data)
        before = change.before
        was_admin, leaves = before["role"] == "admin", not user.active or user.role != "admin"
        if user.id == getattr(actor, "id", None) and (not user.active or was_admin and leaves):
            raise Invalid(_("You cannot deactivate your own account or remove your own administrator role."),
                          field="active" if not user.active else "role")
        if was_admin and leaves:
            _keep_an_admin(user)
        _check_organization(user)
        if before["active"] and not user.active:
            user.session_epoch += 1
            end_sessions(user)
    if change.made:
        account_changed.send(user, actor=actor, action="user.update", before=change.before, after=change.after)
    return user


def _keep_an_admin(leaving: User) -> None:
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != leaving.id))
    if not others:
        raise Invalid(_("JCM needs at least one active administrator."), field="role")


def set_password(actor, user: User, password: str, current_password: str | None = None) -> None:
    if actor is not None and actor.id == user.id:
        # Changing one's own password needs the current one, so an unattended session cannot.
        if not check_password_hash(user.password_hash or "", current_password or ""):
            raise Invalid(_("The current password is not correct."), field="current_password")
    elif actor is not None:
        require(actor, "user.manage")
    _check_password(password)
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    end_sessions(user)  # every browser signs in again with the new password (the page starts this one afresh)
    db.session.flush()
    account_changed.send(user, actor=actor or "command line", action="user.password")


def authenticate(email: str, password: str, client: Client | None = None) -> User:
    """The account for these credentials. Failures slow down further attempts, never lock the account: by the
    client's address and by the account, except on a browser the account has signed in from (jcm.accounts.throttle)."""
    client = client or Client()
    message = _("The e-mail address or password is not correct.")
    try:
        key = normalise_email(email)
    except Invalid:
        key = None
    user = db.session.scalar(select(User).where(User.email == key)) if key else None
    counted = throttle.buckets(client, key, user.id if user is not None else None)
    wait = throttle.wait_for(counted)
    if wait:
        raise TooManyAttempts(too_many_attempts_message(wait), retry_after=wait)
    if user is None or not user.password_hash or not check_password_hash(user.password_hash, password or ""):
        if user is None:
            # Spend the same time as a real check, so the answer does not reveal which accounts exist.
            check_password_hash(_dummy_hash(), password or "")
        throttle.count_failure(counted)
        raise Invalid(message, field="email")
    if not user.active:
        raise Invalid(_("This account has been deactivated. Ask an administrator."), field="email")
    throttle.forget_failures(counted)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def too_many_attempts_message(seconds: int) -> str:
    if seconds < 120:
        return _("Too many failed sign-in attempts. Wait %(n)d seconds before trying again.", n=seconds)
    return _("Too many failed sign-in attempts. Wait %(n)d minutes before trying again.", n=math.ceil(seconds / 60))


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY:
        _DUMMY[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _DUMMY[method]


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no account with id %(id)s.", id=user_id))
    return user


def get_user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_("There is no account with the e-mail address %(email)s.", email=email))
    return user


# --- API tokens -----------------------------------------------------------------------------------

def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(actor, user: User, label: str = "") -> tuple[ApiToken, str]:
    """A new token for user; the plain token is returned this once and never stored."""
    if actor is not None:
        require(actor, "token.manage", user)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, label=(label or "").strip()[:100], token_hash=_token_digest(plain),
                     prefix=plain[:12])
    db.session.add(token)
    db.session.flush()
    account_changed.send(user, actor=actor or "command line", action="token.create",
                         after={"token": token.prefix, "label": token.label})
    return token, plain


def revoke_token(actor, token: ApiToken) -> None:
    if actor is not None:
        require(actor, "token.manage", token.user)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        account_changed.send(token.user, actor=actor or "command line", action="token.revoke",
                             before={"token": token.prefix})


# Run by every request of a program: made once (and once more with what a reading request reads with it:
# jcm.web.signing_in).
_TOKEN = select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))


def user_for_token(plain: str) -> User | None:
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    statement, takes = signing_in(_TOKEN, ApiToken.user_id)
    found = db.session.execute(statement, {"token_hash": _token_digest(plain)}).first()
    if found is None:
        return None
    token, *also = found
    if token.revoked_at is not None or not token.user.active:
        return None
    note_token_use(token)
    for take, value in zip(takes, also):
        take(value)
    return token.user


TOKEN_USE_STEP = timedelta(minutes=5)


def note_token_use(token: ApiToken) -> None:
    """Keep when a token was last used, to within five minutes, so its owner and the administrators can tell a
    token in use (most programs only read) from a forgotten one worth revoking.

    This is bookkeeping, like an access log, not a change the request asks for: it is written in a short transaction
    of its own, never in the request's unit of work. So a GET with a token still changes nothing it answers for, a
    refused request still counts as a use, and a busy database only skips the mark (the next use makes it)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_STEP:
        return
    table = ApiToken.__table__
    try:
        with db.engine.begin() as connection:
            connection.execute(update(table).where(
                table.c.id == token.id,
                or_(table.c.last_used_at.is_(None), table.c.last_used_at < now - TOKEN_USE_STEP))
                .values(last_used_at=now))
    except OperationalError:
        current_app.logger.warning("the last use of token %s could not be kept: the database is busy", token.prefix)
        return
    set_committed_value(token, "last_used_at", now)


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))


def organizations(side: str | None = None) -> list[Organization]:
    query = select(Organization).order_by(Organization.side.desc(), Organization.name)
    if side:
        query = query.where(Organization.side == side)
    return list(db.session.scalars(query))
