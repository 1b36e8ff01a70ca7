"""The rules of action items: owners on both sides, who may update, the register, carry-over and review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from typing import Any, Iterable, Iterator

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Row, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import joinedload, load_only, selectinload

from jcm.accounts.models import Organization, User
from jcm.actions.models import (OPEN_STATUSES, REVIEW_OUTCOMES, ActionItem, ActionOwner,
                                ActionReview, ActionUpdate)
from jcm.audit.services import record, tracked
from jcm.bilingual import typed_texts
from jcm.collation import finds, in_language, sort_key
from jcm.errors import Invalid, NotFound
from jcm.extensions import db
from jcm.fields import audited, declared, editable, populate
from jcm.meetings.models import AgendaItem, Meeting
from jcm.models import SIDES, PageOf, parse_date, utcnow, whole_number
from jcm.mou.models import Agreement, FocusArea
from jcm.permissions import require
from jcm.versions import check_version, next_version



def _side_name(side: str) -> str:
    return _("U.S.") if side == "US" else _("Korean")


# --- loading --------------------------------------------------------------------------------------------

def item_query():
    return select(ActionItem).options(selectinload(ActionItem.owners), joinedload(ActionItem.focus_area),
                                      joinedload(ActionItem.meeting))


def get_action_item(item_id: int, *, with_updates: bool = False) -> ActionItem:
    """The item; with_updates adds what its page shows besides: the updates, the agenda item it was raised at and
    the meeting that closed it."""
    query = item_query().where(ActionItem.id == item_id)
    if with_updates:
        query = query.options(selectinload(ActionItem.updates), joinedload(ActionItem.agenda_item),
                              joinedload(ActionItem.closed_in_meeting))
    item = db.session.scalar(query)
    if item is None:
        raise NotFound(_("There is no action item with id %(id)s.", id=item_id))
    return item


# --- checking input -------------------------------------------------------------------------------------

def _int(value: Any, key: str) -> int:
    return whole_number(value, key)




MAX_OWNERS_PER_SIDE = 50  # accounts and organizations owning one action item for one side
MAX_UPDATE_LENGTH = 10_000  # the text of an update


def _owners(data: Any) -> list[ActionOwner]:
    """{"US": [{"user_id": n} | {"organization_id": n}], "KR": [...]} → owners, at least one per side."""
    if not isinstance(data, dict):
        raise Invalid(_("Give the owners per side: {\"US\": [...], \"KR\": [...]}."), field="owners")
    owners: list[ActionOwner] = []
    seen: set[tuple] = set()
    for side in SIDES:
        entries = data.get(side) or []
        if not isinstance(entries, list):
            raise Invalid(_("Give the owners per side: {\"US\": [...], \"KR\": [...]}."), field="owners")
        if len(entries) > MAX_OWNERS_PER_SIDE:
            raise Invalid(_("An action item has at most %(n)d owners on each side.", n=MAX_OWNERS_PER_SIDE),
                          field=f"owners.{side}")
        for entry in entries:
            if not isinstance(entry, dict) or len([k for k in ("user_id", "organization_id") if entry.get(k)]) != 1:
                raise Invalid(_("An owner is an account ({\"user_id\": n}) or an organization "
                                "({\"organization_id\": n})."), field="owners")
            if entry.get("user_id"):
                user = db.session.get(User, _int(entry["user_id"], "owners"))
                if user is None:
                    raise Invalid(_("There is no account with id %(id)s.", id=entry["user_id"]), field="owners")
                if user.side != side:
                    raise Invalid(_("%(name)s is on the other side and cannot own this for the %(side)s side.",
                                    name=user.name, side=_side_name(side)), field="owners")
                if not user.active:
                    raise Invalid(_("The account of %(name)s is deactivated and cannot own an action item.",
                                    name=user.name), field="owners")
                key = ("user", user.id)
                owner = ActionOwner(side=side, user_id=user.id)
            else:
                organization = db.session.get(Organization, _int(entry["organization_id"], "owners"))
                if organization is None:
                    raise Invalid(_("There is no organization with id %(id)s.", id=entry["organization_id"]),
                                  field="owners")
                if organization.side != side:
                    raise Invalid(_("%(name)s is on the other side and cannot own this for the %(side)s side.",
                                    name=organization.name, side=_side_name(side)), field="owners")
                key = ("organization", organization.id)
                owner = ActionOwner(side=side, organization_id=organization.id)
            if key not in seen:
                seen.add(key)
                owners.append(owner)
    for side in SIDES:
        if not any(owner.side == side for owner in owners):
            raise Invalid(_("An owner on the %(side)s side is required: every action item has an owner on each side.",
                            side=_side_name(side)), field=f"owners.{side}")
    return owners


def _focus_area(agreement_id: int, item: ActionItem) -> None:
    area = db.session.get(FocusArea, item.focus_area_id)
    if area is None:
        raise Invalid(_("There is no focus area with id %(id)s.", id=item.focus_area_id), field="focus_area_id")
    if area.agreement_id != agreement_id:
        raise Invalid(_("Focus area %(code)s belongs to another agreement.", code=area.code), field="focus_area_id")


def _origin(agreement_id: int, data: dict[str, Any], item: ActionItem | None) -> tuple[Meeting | None, int | None]:
    meeting_id = data.get("meeting_id", item.meeting_id if item else None)
    meeting = None
    if meeting_id not in (None, ""):
        meeting = db.session.get(Meeting, _int(meeting_id, "meeting_id"))
        if meeting is None:
            raise Invalid(_("There is no meeting with id %(id)s.", id=meeting_id), field="meeting_id")
        if meeting.agreement_id != agreement_id:
            raise Invalid(_("That meeting is held under another agreement."), field="meeting_id")
    agenda_item_id = data.get("agenda_item_id", item.agenda_item_id if item else None)
    if agenda_item_id in (None, ""):
        return meeting, None
    agenda_item = db.session.get(AgendaItem, _int(agenda_item_id, "agenda_item_id"))
    if agenda_item is None or meeting is None or agenda_item.meeting_id != meeting.id:
        raise Invalid(_("The agenda item must be one of the meeting the action item came from."),
                      field="agenda_item_id")
    return meeting, agenda_item.id


def _check_due(due: date, meeting: Meeting | None) -> None:
    if meeting is not None and due < meeting.start_date:
        raise Invalid(_("The due date (%(due)s) is before the meeting it came from (%(start)s).",
                        due=due.isoformat(), start=meeting.start_date.isoformat()), field="due_date")


def _reference(agreement_id: int, meeting: Meeting | None) -> tuple[int, str]:
    last = db.session.scalar(select(func.max(ActionItem.number)).where(
        ActionItem.agreement_id == agreement_id,
        ActionItem.meeting_id == meeting.id if meeting else ActionItem.meeting_id.is_(None)))
    number = (last or 0) + 1
    return number, (f"{meeting.short_ref}-A{number:02d}" if meeting else f"JCM-X{number:03d}")


def _owners_snapshot(item: ActionItem) -> dict[str, list[str]]:
    return {side: sorted(f"user:{o.user_id}" if o.user_id else f"organization:{o.organization_id}"
                         for o in item.owners if o.side == side) for side in SIDES}


def _owners_state(item: ActionItem) -> dict[str, Any]:
    return {"owners": _owners_snapshot(item)}


def _snapshot(item: ActionItem) -> dict[str, Any]:
    return {**audited(item), **_owners_state(item)}


# --- changing -------------------------------------------------------------------------------------------

# The fields a secretariat sets by name; the meeting and agenda item it came from, and the owners, have rules of
# their own.
SET_BY_NAME = editable(ActionItem, leave_out=("meeting_id", "agenda_item_id"))


def create_action_item(actor, agreement: Agreement, data: dict[str, Any]) -> ActionItem:
    require(actor, "action.create", agreement)
    item = ActionItem(agreement_id=agreement.id, created_by_id=actor.id, status="open")
    populate(item, data, SET_BY_NAME, creating=True)
    _focus_area(agreement.id, item)
    meeting, agenda_item_id = _origin(agreement.id, data, None)
    _check_due(item.due_date, meeting)
    item.owners = _owners(data.get("owners"))
    item.number, item.ref = _reference(agreement.id, meeting)
    item.meeting_id, item.agenda_item_id = (meeting.id if meeting else None), agenda_item_id
    db.session.add(item)
    db.session.flush()
    record(actor, "action_item.create", item, after=_snapshot(item), label=item.ref)
    return item


def update_action_item(actor, item: ActionItem, data: dict[str, Any], expected_version: int | None = None) -> ActionItem:
    """A secretariat edits every field; an owner only moves the status (through post_update)."""
    require(actor, "action.edit", item)
    check_version(item, expected_version, _("Someone else changed this action item meanwhile; review their change "
                                            "and try again."), yours=typed_texts(ActionItem, data))
    with tracked(actor, "action_item.update", item, extra=_owners_state, label=lambda item: item.ref) as before:
        meeting, agenda_item_id = _origin(item.agreement_id, data, item)
        new_owners = _owners(data["owners"]) if "owners" in data else None

        def rules(changes: dict) -> None:
            with db.session.no_autoflush:  # the checks read the database; the half-set item waits until they pass
                if "focus_area_id" in changes:
                    _focus_area(item.agreement_id, item)
            _check_due(item.due_date, meeting)

        changes = populate(item, data, SET_BY_NAME, rules=rules)
        new_meeting_id = meeting.id if meeting else None
        if new_meeting_id != item.meeting_id:  # the reference names the meeting the item came from
            item.number, item.ref = _reference(item.agreement_id, meeting)
        item.meeting_id = new_meeting_id
        item.agenda_item_id = agenda_item_id
        if new_owners is not None:
            wanted = {(o.side, o.user_id, o.organization_id) for o in new_owners}
            for owner in list(item.owners):
                if (owner.side, owner.user_id, owner.organization_id) not in wanted:
                    item.owners.remove(owner)
            have = {(o.side, o.user_id, o.organization_id) for o in item.owners}
            item.owners.extend(o for o in new_owners if (o.side, o.user_id, o.organization_id) not in have)
        if "status" in changes or "due_date" in changes:
            status_from, status_to = changes.get("status", (None, None))
            due_from, due_to = changes.get("due_date", (None, None))
            db.session.add(ActionUpdate(action_item_id=item.id, author_id=actor.id, text="", status_from=status_from,
                                        status_to=status_to, due_date_from=due_from, due_date_to=due_to))
    if _snapshot(item) != before:
        item.updated_at = utcnow()
    return item


def post_update(actor, item: ActionItem, text: str, status: str | None = None) -> ActionUpdate:
    """An owner on either side, or a secretariat, reports progress and may move the status."""
    require(actor, "action.update", item)
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Write what has happened: an update needs some text."), field="text")
    if len(text) > MAX_UPDATE_LENGTH:
        raise Invalid(_("An update may be at most 10000 characters."), field="text")
    status = declared(ActionItem)["status"].clean(status) if status not in ("", None) else None
    update = ActionUpdate(action_item_id=item.id, author_id=actor.id, text=text)
    if status is not None and status != item.status:
        update.status_from, update.status_to = item.status, status
        item.status = status
        next_version(item)
    item.updated_at = utcnow()
    db.session.add(update)
    db.session.flush()
    record(actor, "action_item.progress", item,
           after={"text": text, **({"status": update.status_to} if update.status_to else {})}, label=item.ref)
    return update


# --- carried over and reviewed at the next meeting ------------------------------------------------------

# The meeting an action item was raised at, beside the meeting it is carried over to (made once: an alias makes
# its columns anew each time).
_ORIGIN = Meeting.__table__.alias("origin")


def _carried_over(meeting: Meeting, query):
    """`query` narrowed to the action items from before this meeting that are still open, or that this meeting
    reviewed, by due date."""
    # The items it may be — those still open and those reviewed here — as one list the database reads first,
    # through the status index and the reviews' meeting index, rather than every item of the agreement read to
    # test each against both (SQLite chose the agreement's index for "open or reviewed here": 10,000 items read).
    open_or_reviewed_here = union(select(ActionItem.id).where(ActionItem.status.in_(OPEN_STATUSES)),
                                  select(ActionReview.action_item_id).where(ActionReview.meeting_id == meeting.id))
    return (query
            .outerjoin(_ORIGIN, _ORIGIN.c.id == ActionItem.meeting_id)
            .where(ActionItem.agreement_id == meeting.agreement_id,
                   or_(ActionItem.meeting_id.is_(None), _ORIGIN.c.start_date < meeting.start_date),
                   ActionItem.meeting_id.is_distinct_from(meeting.id),
                   ActionItem.id.in_(open_or_reviewed_here))
            .order_by(ActionItem.due_date, ActionItem.ref))


def carried_over(meeting: Meeting) -> list[ActionItem]:
    """Action items from before this meeting that are still open, or that this meeting reviewed."""
    return list(db.session.scalars(_carried_over(meeting, item_query())).unique())


def _raised_at(meeting: Meeting, query):
    return query.where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.number)


def raised_at(meeting: Meeting) -> list[ActionItem]:
    """The new action items this meeting raised."""
    return list(db.session.scalars(_raised_at(meeting, item_query())).unique())


def raised_texts_at(meeting: Meeting) -> list[ActionItem]:
    """The new action items this meeting raised, with their reference and their texts in both languages (what the
    parity gate weighs of them) rather than their owners, focus area and meeting."""
    return list(db.session.scalars(
        select(ActionItem).options(load_only(ActionItem.ref, ActionItem.title, ActionItem.title_ko,
                                             ActionItem.description, ActionItem.description_ko,
                                             ActionItem.language_state))
        .where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.number)))


# What a meeting's page shows of each action item carried over to it or raised at it: read as plain rows (with
# the owners' names and the focus areas in one more query each), not as items, hundreds of them at a meeting of a
# long-running agreement.
SHOWN_AT_MEETING = ("ref", "title", "title_ko", "due_date", "status", "focus_area_id")
# What the register and "My action items" list of each item: the same, read the same way.
LISTED = SHOWN_AT_MEETING


def focus_areas_of(area_ids: Iterable[int]) -> dict[int, Row]:
    """These focus areas' code, titles and place in the MOU, by id."""
    return {row.id: row for row in db.session.connection().execute(
        select(FocusArea.id, FocusArea.code, FocusArea.title, FocusArea.title_ko, FocusArea.position)
        .where(FocusArea.id.in_(set(area_ids))))}


def reviews_at(meeting: Meeting) -> dict[int, ActionReview]:
    return {r.action_item_id: r for r in db.session.scalars(
        select(ActionReview).where(ActionReview.meeting_id == meeting.id))}


# The same as plain rows: of the item's id and the fields named (a meeting's page: SHOWN_AT_MEETING), else of every
# field of the item (or the review), what a document freezes of hundreds of items; read without building an object
# for each (the session's changes not yet written are written first, as for items).

def _columns(fields: Iterable[str] | None) -> list:
    return list(ActionItem.__table__.c) if fields is None else [ActionItem.id, *(getattr(ActionItem, name)
                                                                                 for name in fields)]


def carried_over_rows(meeting: Meeting, fields: Iterable[str] | None = None) -> list[Row]:
    return list(db.session.execute(_carried_over(meeting, select(*_columns(fields)))))


def raised_at_rows(meeting: Meeting, fields: Iterable[str] | None = None) -> list[Row]:
    return list(db.session.execute(_raised_at(meeting, select(*_columns(fields)))))


def outcomes_at(meeting: Meeting) -> dict[int, Row]:
    """The outcomes recorded at a meeting as its page shows them (the outcome, a new due date, the note), by item."""
    return {row.action_item_id: row for row in db.session.connection().execute(
        select(ActionReview.action_item_id, ActionReview.outcome, ActionReview.new_due_date, ActionReview.note)
        .where(ActionReview.meeting_id == meeting.id))}


def review_rows_at(meeting: Meeting) -> dict[int, Row]:
    return {row.action_item_id: row for row in db.session.execute(
        select(*ActionReview.__table__.c).where(ActionReview.meeting_id == meeting.id))}


@dataclass
class CarriedOverPage(PageOf):
    """One page of the items carried over to a meeting, in the order of the MOU's areas (the review shows a page at
    a time: a meeting may be carried hundreds), with the focus areas of those on it and how many there are."""
    rows: list[Row]
    areas: dict[int, Row]
    total: int
    page: int
    pages: int


def carried_over_page(meeting: Meeting, fields: Iterable[str], page: int, per_page: int) -> CarriedOverPage:
    """One page of the items carried over, in the MOU's order of their areas (and by due date within each), read with
    how many there are in all, and the focus areas of those on it; a page that is not there is the nearest that is."""
    query = (_carried_over(meeting, select(*_columns(fields), func.count().over().label("total")))
             .join(FocusArea, FocusArea.id == ActionItem.focus_area_id)
             .order_by(None).order_by(FocusArea.position, ActionItem.due_date, ActionItem.ref))
    page = max(1, page)
    rows = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)))
    if not rows and page > 1:  # past the last page: the last there is
        total = db.session.scalar(_carried_over(meeting, select(func.count()).select_from(ActionItem)).order_by(None))
        page = max(1, -(-total // per_page))
        rows = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)))
    total = rows[0].total if rows else 0
    return CarriedOverPage(rows=rows, areas=focus_areas_of(row.focus_area_id for row in rows),
                           total=total, page=page, pages=max(1, -(-total // per_page)))


def group_by_focus_area(items: Iterable[ActionItem]) -> list[tuple[FocusArea, list[ActionItem]]]:
    groups: dict[int, tuple[FocusArea, list[ActionItem]]] = {}
    for item in items:
        groups.setdefault(item.focus_area_id, (item.focus_area, []))[1].append(item)
    return sorted(groups.values(), key=lambda group: group[0].position)


def record_review(actor, item: ActionItem, meeting: Meeting, outcome: str, new_due_date: Any = None,
                  note: str = "") -> ActionReview:
    """During the meeting: done, continued with a new due date, or dropped."""
    require(actor, "action.review", meeting)
    if outcome not in REVIEW_OUTCOMES:
        raise Invalid(_("The outcome is done, continued or dropped."), field="outcome")
    if item.agreement_id != meeting.agreement_id:
        raise Invalid(_("That action item belongs to another agreement."), field="action_item_id")
    note = (note or "").strip()
    if len(note) > 5000:
        raise Invalid(_("The note may be at most 5000 characters."), field="note")
    due = None
    if outcome == "continued":
        if new_due_date in (None, ""):
            raise Invalid(_("A continued action item needs its new due date."), field="new_due_date")
        due = parse_date(new_due_date, "new_due_date")
        if due < meeting.start_date:
            raise Invalid(_("The new due date must be after the meeting (%(date)s).",
                            date=meeting.start_date.isoformat()), field="new_due_date")
    review = db.session.scalar(select(ActionReview).where(ActionReview.action_item_id == item.id,
                                                          ActionReview.meeting_id == meeting.id))
    if review is None:
        review = ActionReview(action_item_id=item.id, meeting_id=meeting.id)
        db.session.add(review)
    before = _snapshot(item)
    review.outcome, review.new_due_date, review.note = outcome, due, note
    review.recorded_by_id, review.recorded_at = actor.id, utcnow()
    update = ActionUpdate(action_item_id=item.id, author_id=actor.id,
                          text=note or _("Reviewed at %(meeting)s: %(outcome)s.", meeting=meeting.title,
                                         outcome=outcome))
    if outcome in ("done", "dropped"):
        new_status = outcome
        item.closed_in_meeting_id = meeting.id
    else:
        new_status = item.status if item.status in OPEN_STATUSES else "open"
        item.closed_in_meeting_id = None
        if due != item.due_date:
            update.due_date_from, update.due_date_to = item.due_date, due
            item.due_date = due
    if new_status != item.status:
        update.status_from, update.status_to = item.status, new_status
        item.status = new_status
    next_version(item)
    item.updated_at = utcnow()
    db.session.add(update)
    db.session.flush()
    record(actor, "action_item.review", item, before=before,
           after={**_snapshot(item), "outcome": outcome, "meeting_id": meeting.id}, label=item.ref)
    return review


# --- the register ---------------------------------------------------------------------------------------

def _by_title(language: str, *, descending: bool = False) -> tuple:
    """By the title the reader sees — a Korean reader by the Korean title where there is one — Hangul in 가나다
    order on every database (jcm.collation)."""
    key = sort_key(in_language(ActionItem.title, ActionItem.title_ko, language))
    return (key.desc() if descending else key, ActionItem.ref)


# How the register may be sorted: the order, or how a reader of a language orders it.
SORTS = {
    "due": (ActionItem.due_date, ActionItem.ref),
    "-due": (ActionItem.due_date.desc(), ActionItem.ref),
    "ref": (ActionItem.ref,),
    "-ref": (ActionItem.ref.desc(),),
    "status": (ActionItem.status, ActionItem.due_date, ActionItem.ref),  # the reference: each page follows on
    "updated": (ActionItem.updated_at.desc(), ActionItem.id.desc()),
    "title": lambda language: _by_title(language),
    "-title": lambda language: _by_title(language, descending=True),
}


def sort_order(sort: str, language: str) -> tuple:
    order = SORTS[sort]
    return order(language) if callable(order) else order


def text_matches(query: str | None):
    """The items whose title or description, in English or Korean, has every word of a typed query; None for
    none."""
    return finds(query, ActionItem.title, ActionItem.title_ko, ActionItem.description, ActionItem.description_ko)


@dataclass
class RegisterFilter:
    """What the register shows; read from a query string by actions.schemas.read_filters."""

    side: str | None = None
    owner_user: int | None = None
    owner_organization: int | None = None
    status: list[str] = field(default_factory=list)
    focus_area: int | None = None
    meeting: int | None = None
    overdue: bool | None = None
    due_before: date | None = None
    q: str | None = None  # words of a title or description, in English or Korean
    sort: str = "due"

    def as_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if self.side:
            args["side"] = self.side
        if self.owner_user:
            args["owner"] = str(self.owner_user)
        if self.owner_organization:
            args["owner"] = f"organization:{self.owner_organization}"
        if self.status:
            args["status"] = ",".join(self.status)
        for key in ("focus_area", "meeting"):
            if getattr(self, key):
                args[key] = getattr(self, key)
        if self.overdue is not None:
            args["overdue"] = "true" if self.overdue else "false"
        if self.due_before:
            args["due_before"] = self.due_before.isoformat()
        if self.q:
            args["q"] = self.q
        if self.sort != "due":
            args["sort"] = self.sort
        return args


def _owner_match(**criteria):
    # EXISTS of the owner's id rather than of *: SQLite then answers from the index alone (the id is in every index),
    # never reading the owner's row.
    return select(ActionOwner.id).where(ActionOwner.action_item_id == ActionItem.id, *[
        getattr(ActionOwner, key) == value for key, value in criteria.items()]).exists()


def register_query(filters: RegisterFilter, today: date, agreement_id: int | None = None, language: str = "en",
                   columns: Iterable[Any] | None = None):
    """The register as filtered, in the order asked for; sorted by title, as a reader of `language` sees them.
    With `columns` (of ActionItem), those columns of each item rather than the items."""
    query = select(*columns) if columns is not None else item_query()
    if agreement_id is not None:
        query = query.where(ActionItem.agreement_id == agreement_id)
    # Every item has owners on both sides; with an owner, `side` narrows to what they own for that side.
    on_side = {"side": filters.side} if filters.side else {}
    if filters.side and not (filters.owner_user or filters.owner_organization):
        query = query.where(_owner_match(**on_side))
    if filters.owner_user:
        owner = db.session.get(User, filters.owner_user)
        conditions = [_owner_match(user_id=filters.owner_user, **on_side)]
        if owner is not None and owner.organization_id:
            conditions.append(_owner_match(organization_id=owner.organization_id, **on_side))
        query = query.where(or_(*conditions))
    if filters.owner_organization:
        query = query.where(_owner_match(organization_id=filters.owner_organization, **on_side))
    if filters.status:
        query = query.where(ActionItem.status.in_(filters.status))
    if filters.focus_area:
        query = query.where(ActionItem.focus_area_id.in_(_with_descendants(filters.focus_area)))
    if filters.meeting:
        query = query.where(ActionItem.meeting_id == filters.meeting)
    if filters.overdue is True:
        query = query.where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date < today)
    elif filters.overdue is False:
        query = query.where(or_(ActionItem.status.not_in(OPEN_STATUSES), ActionItem.due_date >= today))
    if filters.due_before:
        query = query.where(ActionItem.due_date < filters.due_before)
    found = text_matches(filters.q)
    if found is not None:
        query = query.where(found)
    return query.order_by(*sort_order(filters.sort, language))


@dataclass
class ListedPage(PageOf):
    """A page of the register: its items as plain rows of what the page lists (LISTED), and how many the filters
    find (counted with the rest: register_counts)."""
    items: list[Row]
    total: int
    page: int
    pages: int


def register_page(filters: RegisterFilter, today: date, page: int, per_page: int, total: int,
                  language: str = "en") -> ListedPage:
    """The register as filtered and sorted, at a page of `per_page` (past the last: none)."""
    query = register_query(filters, today, language=language, columns=_columns(LISTED))
    return ListedPage(items=list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page))),
                      total=total, page=page, pages=-(-total // per_page))


# The exports read the register as plain rows, a chunk at a time, rather than as items (jcm/actions/exports.py).

def register_rows(filters: RegisterFilter, today: date, fields: Iterable[str], *, language: str = "en",
                  chunk: int = 1000) -> Iterator[list[tuple]]:
    """The register as filtered and sorted, as rows of the item's id and these fields (columns of ActionItem), in
    lists of at most `chunk` rows read as they are sent: PostgreSQL keeps the rest behind a server-side cursor,
    SQLite's cursor steps through them. The query is made now, read when the first chunk is asked for."""
    query = register_query(filters, today, language=language,
                           columns=[ActionItem.id, *(getattr(ActionItem, name) for name in fields)])
    return _chunks(query.execution_options(stream_results=True, max_row_buffer=chunk), chunk)


def _chunks(query, chunk: int) -> Iterator[list[tuple]]:
    # Plain rows: run on the session's connection, as SQL, without the ORM's loading of each row.
    result = db.session.connection().execute(query)
    try:
        rows = _tuples(result)
        while found := list(islice(rows, chunk)):
            yield found
    finally:
        result.close()


def _tuples(result, batch: int = 100) -> Iterator[tuple]:
    """The rows of a result as plain tuples, read a few at a time. Python's garbage collector soon stops tracking a
    tuple of texts, numbers and dates, but not a row of the result: thousands of rows alive at once would be
    carried into its oldest generation, and a long export would have it scan every object of the process again
    and again."""
    for rows in result.partitions(batch):
        for row in rows:
            yield tuple(row)


# The owners of the items of the ids given as `ids`: the statement made once, the ids written into it when it runs.
# An export asks for a thousand items' owners at a time: a statement made anew with a thousand values took longer to
# make than to run, and a thousand bound parameters (each cast, on PostgreSQL, and each parsed by the driver) twice
# as long as the same ids written in. They are the database's own ids, integers, so writing them in is safe.
_OWNERS_OF = (select(ActionOwner.action_item_id, ActionOwner.side, ActionOwner.user_id, ActionOwner.organization_id)
              .where(ActionOwner.action_item_id.in_(bindparam("ids", literal_execute=True)))
              .order_by(ActionOwner.action_item_id, ActionOwner.id))


def owners_of(item_ids: Iterable[int]) -> list[tuple]:
    """The owners of these items, each item's in the order they were given: (action_item_id, side, user_id,
    organization_id), the id of whichever the owner is and None for the other. In the order of the index on the
    item, so that no database sorts them."""
    return list(_tuples(db.session.connection().execute(_OWNERS_OF, {"ids": list(item_ids)})))


def people_labels() -> dict[int, Row]:
    """Every account's name in both languages, by id: looked up once for a whole export or document."""
    return {row.id: row for row in db.session.connection().execute(select(User.id, User.name, User.name_ko))}


def agency_labels() -> dict[int, Row]:
    """Every organization's name in both languages, and its acronym, by id: looked up once for a whole list, export
    or document."""
    return {row.id: row for row in db.session.connection().execute(
        select(Organization.id, Organization.name, Organization.name_ko, Organization.acronym))}


def focus_area_labels() -> dict[int, Row]:
    """Every focus area's code and title in both languages, by id: looked up once for a whole export or document."""
    return {row.id: row for row in db.session.connection().execute(
        select(FocusArea.id, FocusArea.code, FocusArea.title, FocusArea.title_ko))}


def meeting_labels() -> dict[int, Row]:
    """Every meeting's title in both languages, by id: looked up once for a whole export or document."""
    return {row.id: row for row in db.session.connection().execute(
        select(Meeting.id, Meeting.title, Meeting.title_ko))}


def _with_descendants(area_id: int) -> list[int]:
    """An area with every focus area and sub-topic under it."""
    ids, frontier = [area_id], [area_id]
    while frontier:
        frontier = list(db.session.scalars(select(FocusArea.id).where(FocusArea.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


@dataclass
class RegisterCounts:
    open: int = 0
    overdue: int = 0
    done: int = 0
    by_side: dict[str, dict[str, int]] = field(default_factory=dict)
    total: int = 0  # every item the filters find


def register_counts(filters: RegisterFilter, today: date, agreement_id: int | None = None) -> RegisterCounts:
    """Counts over the filtered register, in two queries, not one per row: all it finds (the page's total), the open,
    overdue and done; and on each side the open and overdue items it owns something of — the open items alone (read
    from the index of statuses), each looked up once for each side in the index of its owners by side and counted by
    the sides that own them, rather than every owner of every item joined and counted apart, or each item looked up
    again for each count."""
    base = register_query(filters, today, agreement_id, columns=(ActionItem.id, ActionItem.status,
                                                                 ActionItem.due_date)).order_by(None).subquery()
    is_open, late = base.c.status.in_(OPEN_STATUSES), base.c.due_date < today
    row = db.session.execute(select(
        func.count(),
        func.count().filter(is_open),
        func.count().filter(and_(is_open, late)),
        func.count().filter(base.c.status == "done"),
    ).select_from(base)).one()
    counts = RegisterCounts(total=row[0], open=row[1], overdue=row[2], done=row[3])
    # Each open item: whether each side owns something of it, and whether it is overdue; then how many of each.
    marks = select(*(select(ActionOwner.id).where(ActionOwner.action_item_id == base.c.id, ActionOwner.side == side)
                     .exists().label(side.lower()) for side in SIDES), late.label("overdue")).where(is_open).subquery()
    groups = db.session.execute(select(*marks.c, func.count()).group_by(*marks.c)).all()
    for n, side in enumerate(SIDES):  # the open ones alone: what is finished counts for neither
        counts.by_side[side] = {"open": sum(group[-1] for group in groups if group[n]),
                                "overdue": sum(group[-1] for group in groups if group[n] and group[len(SIDES)])}
    return counts


# How "My action items" may be sorted: overdue first, then by due date; or by title as the reader sees it.
MY_SORTS = ("due", "title", "-title")


def _mine(user: User, include_closed: bool, q: str | None) -> list:
    """The conditions of what the user or their organization owns (open ones only unless include_closed), with
    `q`'s words in the title or description."""
    owned = [_owner_match(user_id=user.id)]
    if user.organization_id:
        owned.append(_owner_match(organization_id=user.organization_id))
    conditions = [or_(*owned)]
    if not include_closed:
        conditions.append(ActionItem.status.in_(OPEN_STATUSES))
    found = text_matches(q)
    if found is not None:
        conditions.append(found)
    return conditions


def _check_sort(sort: str) -> None:
    if sort not in MY_SORTS:
        raise Invalid(_("Sort by one of: %(sorts)s.", sorts=", ".join(MY_SORTS)), field="sort")


def my_action_items(user: User, today: date, *, include_closed: bool = False, q: str | None = None,
                    sort: str = "due", language: str = "en") -> list[ActionItem]:
    """What the user or their organization owns: overdue first, then by due date, or by the title a reader of
    `language` sees (`sort` is one of MY_SORTS); with `q`, those whose title or description has its words."""
    _check_sort(sort)
    query = item_query().where(*_mine(user, include_closed, q))
    if sort != "due":
        return list(db.session.scalars(query.order_by(*sort_order(sort, language))).unique())
    items = list(db.session.scalars(query.order_by(ActionItem.due_date, ActionItem.ref)).unique())
    return sorted(items, key=lambda item: (not item.is_overdue(today), item.due_date, item.ref))


# --- a page of the register as plain rows (the API's list), and what each item shows besides --------------------

def owners_by_item(item_ids: Iterable[int]) -> dict[int, list[Row]]:
    """The owners of these items, by item, in the order they were given: (side, user_id, organization_id, name,
    name_ko, acronym), the name of the account (name_ko and acronym None), else the organization's names."""
    owners: dict[int, list[Row]] = {}
    for row in db.session.connection().execute(
            select(ActionOwner.action_item_id, ActionOwner.side, ActionOwner.user_id, ActionOwner.organization_id,
                   func.coalesce(User.name, Organization.name).label("name"), Organization.name_ko,
                   Organization.acronym)
            .outerjoin(User, User.id == ActionOwner.user_id)
            .outerjoin(Organization, Organization.id == ActionOwner.organization_id)
            .where(ActionOwner.action_item_id.in_(list(item_ids))).order_by(ActionOwner.id)):
        owners.setdefault(row.action_item_id, []).append(row)
    return owners


def focus_area_codes(area_ids: Iterable[int]) -> dict[int, str]:
    """The code of each of these focus areas (A.1), by id."""
    return dict(db.session.connection().execute(
        select(FocusArea.id, FocusArea.code).where(FocusArea.id.in_(set(area_ids)))).all())


@dataclass
class MyCounts:
    """What the user owns that is open (of it, what has the words searched for, if any): how much is overdue, how
    much falls due before `soon`, and all of it."""

    overdue: int
    due_soon: int
    total: int
    soon: date

    def pages(self, per_page: int) -> int:
        """The pages it fills, at least one (saying there are none)."""
        return max(1, -(-self.total // per_page))


def my_action_item_counts(user: User, today: date, *, soon_days: int = 14, q: str | None = None) -> MyCounts:
    """The counts "My action items" heads its pages with, in one query."""
    soon = today + timedelta(days=soon_days)
    overdue, due_soon, total = db.session.execute(select(
        func.count().filter(ActionItem.due_date < today),
        func.count().filter(ActionItem.due_date >= today, ActionItem.due_date < soon),
        func.count()).where(*_mine(user, False, q))).one()
    return MyCounts(overdue, due_soon, total, soon)


@dataclass
class MyActionItems(PageOf):
    """A page of "My action items": its items in order (plain rows of what the page lists: LISTED), and the counts
    over all of them; the pager reads its page and pages (jcm.models.PageOf)."""

    items: list[Row]
    counts: MyCounts
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return self.counts.pages(self.per_page)



def my_action_items_page(user: User, today: date, *, page: int = 1, per_page: int = 50, soon_days: int = 14,
                         q: str | None = None, sort: str = "due", language: str = "en") -> MyActionItems:
    """One page of the open action items the user or their organization owns, with the counts the page heads them
    with. Sorted by due date (the default), what needs attention comes first: the overdue, the most overdue first,
    then what falls due within `soon_days`, then the rest; or by the title a reader of `language` sees. A page that
    is not there is refused (404), saying how many there are."""
    _check_sort(sort)
    counts = my_action_item_counts(user, today, soon_days=soon_days, q=q)
    found = MyActionItems([], counts, page, per_page)
    if not 1 <= page <= found.pages:
        raise NotFound(ngettext("There is no page %(page)d: these action items fill %(num)d page.",
                                "There is no page %(page)d: these action items fill %(num)d pages.",
                                found.pages, page=page))
    # Open items only: an open item past its due date is overdue, so by due date the overdue come first.
    order = (ActionItem.due_date, ActionItem.ref) if sort == "due" else sort_order(sort, language)
    found.items = list(db.session.execute(
        select(*_columns(LISTED)).where(*_mine(user, False, q)).order_by(*order)
        .limit(per_page).offset((page - 1) * per_page)))
    return found
