"""Who is told of what: each act the audit trail records becomes notices for the people the committee would
expect to hear of it, written in the act's own transaction; and each person's list, unread count and settings.

The notices follow the audit trail rather than each service: every act a service performs writes its AuditEvent
(jcm.audit.services.record), and the events a transaction added are read once, just before it commits
(`notice_acts`). An act refused or rolled back writes no event that reaches a commit, so it tells no one; an act
committed tells its people in the same commit, and the e-mails go out after it (jcm.notifications.sending).

Recipients, by role and side (the actor is never told of their own act; deactivated accounts never; the
administrators, who keep the accounts and not the committee's business, only as the owners of an item):

- a meeting set up, or its dates, zone, place or mode changed: everyone of both sides — secretariats, co-chairs,
  delegates and observers — with the meeting's calendar entry (.ics) attached; no one is asked to act;
- the agenda agreed by one side (circulated to the other): the other side's secretariat and its co-chair for the
  meeting (asked to agree it); both sides' agreement: everyone of both sides; a change to an agreed agenda: both
  sides' secretariats and co-chairs for the meeting (asked to agree it again);
- minutes circulated: the meeting's co-chair of each side (asked to adopt them), the secretariats and delegates
  of both sides (asked for comments), observers (for information); a comment: both sides' secretariats (who
  resolve comments); one side's adoption: the other side's co-chair for the meeting (asked to adopt) and both
  secretariats; both sides' adoption: everyone; a correction proposed: the meeting's co-chairs (asked to adopt it)
  and both secretariats; a correction adopted: everyone;
- an action item created, changed, updated or reviewed: its owners — the people named, and the members of an
  owning organization other than its observers; a new owner is asked to act, the other notices inform;
- a two-sided proposal (cancel, delete, move a meeting): the other side's secretariat (asked to confirm or
  decline it) and its co-chair for the meeting (informed); its outcome: both sides' secretariats.

Observers are told what everyone is told, and are never asked to act."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, or_, select, update

from jcm.accounts.models import User
from jcm.actions.models import ActionItem, ActionOwner
from jcm.audit.models import AuditEvent
from jcm.errors import Invalid, NotFound
from jcm.extensions import db
from jcm.meetings.models import Meeting, MeetingDay
from jcm.minutes.models import Minutes, MinutesCorrection
from jcm.models import SIDES, utcnow
from jcm.notifications.models import MailState, Notice, NoticeKind, NoticeSetting
from jcm.public.models import PublicSummary

COMMITTEE = ("secretariat", "co_chair", "delegate", "observer")
# Kept on the notice for the invitation and a change of the meeting: which fields of it say when and where.
WHEN_AND_WHERE = ("start_date", "end_date", "time_zone", "venue", "venue_ko", "city", "city_ko", "mode")


@dataclass
class Audience:
    """Who is told of one act, and who among them is asked to act."""

    event: str
    kind: NoticeKind
    people: dict[int, bool]  # user id → asked to act


# --- who ----------------------------------------------------------------------------------------------------

def _active(roles: Iterable[str], sides: Iterable[str] = SIDES) -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(list(roles)),
                                                      User.side.in_(list(sides))).order_by(User.id)))


def _other(side: str) -> str:
    return next(s for s in SIDES if s != side)


def _co_chairs(meeting: Meeting, sides: Iterable[str]) -> list[User]:
    """The meeting's co-chair of each side named; a side that has named none yet: its co-chairs."""
    found = []
    for side in sides:
        named = meeting.co_chair_us_id if side == "US" else meeting.co_chair_kr_id
        user = db.session.get(User, named) if named else None
        found += [user] if user is not None and user.active else _active(["co_chair"], [side])
    return found


def _owners(item: ActionItem) -> list[User]:
    rows = db.session.execute(select(ActionOwner.user_id, ActionOwner.organization_id)
                              .where(ActionOwner.action_item_id == item.id)).all()
    user_ids = {user_id for user_id, _org in rows if user_id is not None}
    organizations = {org for _user, org in rows if org is not None}
    if not user_ids and not organizations:
        return []
    return list(db.session.scalars(select(User).where(User.active.is_(True), or_(
        User.id.in_(user_ids),
        (User.organization_id.in_(organizations) & (User.role != "observer")))).order_by(User.id)))


def _told(people: Iterable[User], asked: Iterable[User] = ()) -> dict[int, bool]:
    told = {user.id: False for user in people}
    for user in asked:
        told[user.id] = user.role != "observer"
    return told


# --- what: one act, as the audit trail recorded it -------------------------------------------------------------

def _meeting_params(meeting: Meeting) -> dict[str, Any]:
    days = list(db.session.scalars(select(MeetingDay).where(MeetingDay.meeting_id == meeting.id)))
    params = {"meeting": meeting.title or "", "meeting_ko": meeting.title_ko or ""}
    for name in WHEN_AND_WHERE:
        value = getattr(meeting, name)
        params[name] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
    if days:
        first, last = min(days, key=lambda d: d.day), max(days, key=lambda d: d.day)
        params.update(starts_at=first.starts_at.strftime("%H:%M"), ends_at=last.ends_at.strftime("%H:%M"))
    return params


def _awaiting_other_chair(name: str, after: dict, meeting: Meeting, params: dict) -> list[Audience]:
    """One side's co-chair has acted on what takes both (adopting minutes, releasing a press summary): the
    secretariats are told, and the other side's co-chair is asked."""
    side = str(after.get("side") or "")
    if side not in SIDES:
        return []
    params["side"] = side
    chair = _co_chairs(meeting, [_other(side)])
    return [Audience(name, NoticeKind.minutes, _told(_active(["secretariat"]) + chair, chair))]


def _audiences(event: AuditEvent, acts: set[tuple[str, str, int | None]]) -> tuple[list[Audience], dict]:
    """The notices one recorded act makes: (audiences, params, and the records they name)."""
    action, after = event.action, event.after or {}
    found: list[Audience] = []
    meeting = item = None
    params: dict[str, Any] = {}

    if event.object_type == "Meeting":
        meeting = db.session.get(Meeting, event.object_id)
    elif event.object_type == "Minutes":
        minutes = db.session.get(Minutes, event.object_id)
        meeting = db.session.get(Meeting, minutes.meeting_id) if minutes is not None else None
    elif event.object_type == "MinutesCorrection":
        correction = db.session.get(MinutesCorrection, event.object_id)
        minutes = db.session.get(Minutes, correction.minutes_id) if correction is not None else None
        meeting = db.session.get(Meeting, minutes.meeting_id) if minutes is not None else None
        if correction is not None:
            params["number"] = correction.number
    elif event.object_type == "ActionItem":
        item = db.session.get(ActionItem, event.object_id)
    elif event.object_type == "PublicSummary":
        summary = db.session.get(PublicSummary, event.object_id)
        meeting = db.session.get(Meeting, summary.meeting_id) if summary is not None else None
    if meeting is None and item is None:
        return [], {}
    if meeting is not None:
        params.update(_meeting_params(meeting))

    def everyone() -> list[User]:
        return _active(COMMITTEE)

    if action == "meeting.create":
        found.append(Audience("meeting.invitation", NoticeKind.meeting, _told(everyone())))
    elif action == "meeting.update" and _changed(event, WHEN_AND_WHERE) \
            and ("meeting.create", "Meeting", event.object_id) not in acts:
        found.append(Audience("meeting.changed", NoticeKind.meeting, _told(everyone())))
    elif action == "agenda.agree" and ("agenda.agreed", "Meeting", event.object_id) not in acts:
        side = str(after.get("side") or "")
        if side in SIDES:
            other = _other(side)
            params["side"] = side
            asked = _active(["secretariat"], [other]) + _co_chairs(meeting, [other])
            found.append(Audience("agenda.awaits_agreement", NoticeKind.agenda, _told(asked, asked)))
    elif action == "agenda.agreed":
        found.append(Audience("agenda.agreed", NoticeKind.agenda, _told(everyone())))
    elif action == "agenda.new_version":
        asked = _active(["secretariat"]) + _co_chairs(meeting, SIDES)
        found.append(Audience("agenda.changed", NoticeKind.agenda, _told(asked, asked)))
    elif action == "minutes.status" and after.get("status") == "circulated":
        chairs = _co_chairs(meeting, SIDES)
        found.append(Audience("minutes.awaits_adoption", NoticeKind.minutes, _told(chairs, chairs)))
        commenting = [u for u in _active(["secretariat", "delegate"]) if u.id not in {c.id for c in chairs}]
        readers = [u for u in _active(["observer", "co_chair"]) if u.id not in {c.id for c in chairs}]
        found.append(Audience("minutes.circulated", NoticeKind.minutes, _told(readers + commenting, commenting)))
    elif action == "minutes.comment":
        secretariats = _active(["secretariat"])
        found.append(Audience("minutes.commented", NoticeKind.minutes, _told(secretariats, secretariats)))
    elif action == "minutes.adopt" and ("minutes.adopted", "Minutes", event.object_id) not in acts:
        found.extend(_awaiting_other_chair("minutes.adopted_by_side", after, meeting, params))
    elif action == "minutes.adopted":
        found.append(Audience("minutes.adopted", NoticeKind.minutes, _told(everyone())))
    elif action == "minutes.correction_proposed":
        params["number"] = after.get("number")
        chairs = _co_chairs(meeting, SIDES)
        found.append(Audience("minutes.correction_proposed", NoticeKind.minutes,
                              _told(_active(["secretariat"]) + chairs, chairs)))
    elif action == "minutes.correction_adopted":
        found.append(Audience("minutes.corrected", NoticeKind.minutes, _told(everyone())))
    elif action == "summary.release" and ("summary.published", "PublicSummary", event.object_id) not in acts:
        found.extend(_awaiting_other_chair("summary.awaits_release", after, meeting, params))
    elif action == "summary.published":
        found.append(Audience("summary.released", NoticeKind.minutes, _told(everyone())))
    elif action == "meeting.propose":
        side = str(after.get("side") or "")
        if side in SIDES:
            other = _other(side)
            params.update(side=side, number=after.get("number"), proposal=after.get("kind"))
            asked = _active(["secretariat"], [other])
            found.append(Audience("proposal.awaits", NoticeKind.proposal,
                                  _told(asked + _co_chairs(meeting, [other]), asked)))
    elif action in ("meeting.proposal_confirm", "meeting.proposal_decline", "meeting.proposal_withdraw"):
        params.update(number=after.get("number"), proposal=after.get("kind"), side=after.get("side"))
        outcome = action.rpartition("_")[2]
        found.append(Audience(f"proposal.{outcome}", NoticeKind.proposal, _told(_active(["secretariat"]))))
    elif item is not None and action.startswith("action_item."):
        params.update(ref=item.ref, title=item.title or "", title_ko=item.title_ko or "")
        owners = _owners(item)
        if action == "action_item.create":
            found.append(Audience("action_item.created", NoticeKind.action_item, _told(owners, owners)))
        elif action == "action_item.update":
            before = event.before or {}
            added = _owner_keys(after.get("owners")) - _owner_keys(before.get("owners")) if "owners" in after \
                else set()
            new = [u for u in owners if f"user:{u.id}" in added or f"organization:{u.organization_id}" in added]
            params["fields"] = _changed(event, [key for key in after if key not in ("version", "updated_at")])
            rest = [u for u in owners if u.id not in {n.id for n in new}]  # by id: an account compares by its sign-in
            if new:
                found.append(Audience("action_item.created", NoticeKind.action_item, _told(new, new)))
            if rest:
                found.append(Audience("action_item.changed", NoticeKind.action_item, _told(rest)))
        elif action == "action_item.progress":
            found.append(Audience("action_item.updated", NoticeKind.action_item, _told(owners)))
        elif action == "action_item.review":
            params["outcome"] = after.get("outcome")
            found.append(Audience("action_item.reviewed", NoticeKind.action_item, _told(owners)))
    return found, {"params": params, "meeting": meeting, "item": item}


def _changed(event: AuditEvent, names: Iterable[str]) -> list[str]:
    """Which of the names the act changed (the trail keeps a record's fields before and after)."""
    before, after = event.before or {}, event.after or {}
    return sorted(name for name in names if name in after and before.get(name) != after.get(name))


def _owner_keys(owners) -> set[str]:
    if not isinstance(owners, dict):
        return set()
    return {str(owner) for listed in owners.values() if isinstance(listed, list) for owner in listed}


def notice_acts(session, events: list[AuditEvent]) -> int:
    """Write the notices of the acts a transaction recorded, for its own commit; the number written."""
    acts = {(event.action, event.object_type, event.object_id) for event in events}
    written = 0
    off = None
    for event in events:
        if event.outcome != "succeeded":
            continue
        audiences, named = _audiences(event, acts)
        if not audiences:
            continue
        if off is None:
            off = {(user_id, kind) for user_id, kind in session.execute(
                select(NoticeSetting.user_id, NoticeSetting.kind).where(NoticeSetting.by_email.is_(False)))}
        actor = db.session.get(User, event.actor_id) if event.actor_id else None
        told: set[int] = set()
        for audience in audiences:
            for user_id, to_act in audience.people.items():
                if user_id == event.actor_id or user_id in told:
                    continue
                told.add(user_id)
                mailed = (user_id, audience.kind.value) not in off
                session.add(Notice(
                    user_id=user_id, kind=audience.kind.value, event=audience.event, to_act=to_act,
                    meeting_id=named["meeting"].id if named["meeting"] is not None else None,
                    action_item_id=named["item"].id if named["item"] is not None else None,
                    actor_id=event.actor_id, actor_name=actor.name if actor else "",
                    actor_name_ko=(actor.name_ko or "") if actor else "", params=named["params"],
                    created_at=utcnow(),
                    mail_state=(MailState.pending if mailed else MailState.not_mailed).value))
                written += 1
    return written


# --- each person's list -------------------------------------------------------------------------------------

def notices_query(user: User):
    return select(Notice).where(Notice.user_id == user.id).order_by(Notice.id.desc())


def unread_of(account_id) -> Any:
    """How many of the account's notices are unread, as a column of its id: read with a page's sign-in (the header's
    count), or alone."""
    table = Notice.__table__
    return (select(func.count()).select_from(table)
            .where(table.c.user_id == account_id, table.c.read_at.is_(None)).scalar_subquery())


# Made once, and run as it is.
_UNREAD = select(unread_of(bindparam("user_id")))


def unread_count(user: User) -> int:
    return db.session.connection().scalar(_UNREAD, {"user_id": user.id}) or 0


def get_notice(user: User, notice_id: int) -> Notice:
    """One of the person's own notices; another's is as unknown as one that does not exist."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound(_("There is no notification with id %(id)s.", id=notice_id))
    return notice


def mark_read(user: User, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the person's notices read: those given, or all of them; the number newly read."""
    query = update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
    if notice_ids is not None:
        query = query.where(Notice.id.in_(list(notice_ids)))
    result = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0


# --- settings -----------------------------------------------------------------------------------------------

def by_email(user: User) -> dict[str, bool]:
    """Each kind, and whether it reaches the person by e-mail (the app's list has them all, always)."""
    off = set(db.session.scalars(select(NoticeSetting.kind).where(NoticeSetting.user_id == user.id,
                                                                  NoticeSetting.by_email.is_(False))))
    return {kind.value: kind.value not in off for kind in NoticeKind}


def a_kind(kind: str) -> NoticeKind:
    try:
        return NoticeKind(kind)
    except ValueError:
        raise Invalid(_("There is no such kind of notification."), field="kind") from None


def set_by_email(user: User, kind: str, on: bool) -> None:
    """Whether one kind reaches the person by e-mail; what is already waiting for an e-mail follows the choice."""
    kind = a_kind(kind).value
    setting = db.session.scalar(select(NoticeSetting).where(NoticeSetting.user_id == user.id,
                                                            NoticeSetting.kind == kind))
    if setting is None:
        setting = NoticeSetting(user_id=user.id, kind=kind)
        db.session.add(setting)
    setting.by_email = on
    if not on:
        db.session.execute(update(Notice).where(
            Notice.user_id == user.id, Notice.kind == kind, Notice.mail_state == MailState.pending.value)
            .values(mail_state=MailState.not_mailed.value).execution_options(synchronize_session=False))
    db.session.flush()


# --- the unsubscribe link -----------------------------------------------------------------------------------

UNSUBSCRIBE_SALT = "jcm.notifications.unsubscribe"
UNSUBSCRIBE_DAYS = 60


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def _fingerprint(user: User) -> str:
    """Ties a link to the account's e-mail address: a link sent to an address the account no longer has stops."""
    return hashlib.sha256(user.email.encode("utf-8")).hexdigest()[:16]


def unsubscribe_token(user: User, kind: str) -> str:
    return _serializer().dumps({"u": user.id, "k": kind, "e": _fingerprint(user)})


class LinkRefused(Exception):
    """An unsubscribe link that is not one JCM made, no longer matches its account, or has expired."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def read_unsubscribe_token(token: str, now: datetime | None = None) -> tuple[User, NoticeKind]:
    """The account and kind a link stops e-mails of; LinkRefused (with its status) for a link JCM cannot honour."""
    try:
        data = _serializer().loads(token, max_age=UNSUBSCRIBE_DAYS * 86400)
    except SignatureExpired:
        raise LinkRefused(_("This unsubscribe link has expired. Sign in and choose what reaches you by e-mail on "
                            "your account page."), 410) from None
    except BadSignature:
        raise LinkRefused(_("This unsubscribe link is not valid: it may have been copied incompletely. Sign in and "
                            "choose what reaches you by e-mail on your account page."), 400) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) \
        else None
    if user is None or data.get("e") != _fingerprint(user):
        raise LinkRefused(_("This unsubscribe link no longer matches an account."), 404)
    try:
        kind = NoticeKind(data.get("k"))
    except ValueError:
        raise LinkRefused(_("There is no such kind of notification."), 404) from None
    return user, kind
