"""Pages for action items: the register, one item with its history, my action items, and review at a meeting."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Iterable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from jcm.accounts.models import Organization, User
from jcm.actions import services
from jcm.actions.cells import Cells, ReviewRows, address_of
from jcm.actions.columns import MINE, REGISTER, REVIEW, card_lines, columns_of
from jcm.actions.exports import ItemRow, Named, OwnerRow
from jcm.actions.forms import ActionItemForm, ReviewForm, UpdateForm
from jcm.actions.models import ActionItem
from jcm.actions.schemas import read_filters
from jcm.api.schemas import read_search
from jcm.content import kept_page, kept_parts, once_per_version
from jcm.errors import Invalid, NotFound
from jcm.extensions import db
from jcm.fields import editable
from jcm.i18n import locale_code, localized
from jcm.labels import choices
from jcm.models import whole_number
from jcm.meetings.models import Meeting
from jcm.meetings.services import get_meeting
from jcm.meetings.views import meeting_page
from jcm.mou.models import FocusArea
from jcm.mou.services import current_agreement, current_agreement_id
from jcm.permissions import can, require
from jcm.web import actor, form_status, int_or_none, submit

bp = Blueprint("actions", __name__)


@bp.get("/action-items")
@login_required
@kept_page
def register():
    require(actor(), "action.view")
    today = date.today()
    error = None
    try:
        filters = read_filters(request.args)
    except Invalid as invalid:
        error, filters = invalid.message, services.RegisterFilter()
    # Counted over every item the filters find, the same for every reader: once per version of the content.
    counts = once_per_version(("register counts", repr(filters), today),
                              lambda: services.register_counts(filters, today))
    page = services.register_page(filters, today, _page_number(), current_app.config["PAGE_SIZE"], counts.total,
                                  language=locale_code())
    page.items = shown_items(page.items, with_owners=True)
    return render_template("actions/register.html", page=page, counts=counts, filters=filters, error=error,
                           today=today, args=filters.as_args(), options=_filter_options(filters, locale_code()),
                           columns=columns_of(REGISTER), cells=Cells(today, REGISTER)), (422 if error else 200)


def _page_number() -> int:
    """The register's page asked for: the first for none, for one below it, or for what is not a number."""
    try:
        return max(1, int(request.args.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def _filter_options(filters: services.RegisterFilter, language: str) -> dict[str, Markup]:
    """The options of the register's filters of people, agencies, focus areas and meetings, as the reader sees them,
    the one chosen selected: printed here, each list at once, rather than an option at a time by the template (a
    long-running agreement has held a hundred meetings)."""
    agreement_id = current_agreement_id()
    choices = once_per_version(("register choices", agreement_id, language),
                               lambda: _filter_choices(agreement_id, language))
    return {"organizations": _options(choices["organizations"], f"organization:{filters.owner_organization}"),
            "people": _options(choices["people"], filters.owner_user),
            "areas": _options(choices["areas"], filters.focus_area),
            "meetings": _options(choices["meetings"], filters.meeting)}


def _filter_choices(agreement_id: int | None, language: str) -> dict[str, tuple[tuple[Any, str], ...]]:
    """The (value, label) of each filter's options, the same for every reader of a language."""
    areas = db.session.execute(select(FocusArea.id, FocusArea.code, FocusArea.title, FocusArea.title_ko)
                               .where(FocusArea.agreement_id == agreement_id)
                               .order_by(FocusArea.position)).all() if agreement_id else []
    meetings = db.session.execute(select(Meeting.id, Meeting.title, Meeting.title_ko)
                                  .order_by(Meeting.start_date.desc())).all()
    people = db.session.execute(select(User.id, User.side, User.name, User.name_ko).where(User.active.is_(True))
                                .order_by(User.side.desc(), User.name)).all()
    organizations = db.session.execute(select(Organization.id, Organization.side, Organization.acronym)
                                       .order_by(Organization.side.desc(), Organization.acronym)).all()
    return {
        "organizations": tuple((f"organization:{o.id}", f"{o.side} · {o.acronym}") for o in organizations),
        "people": tuple((p.id, f"{p.side} · {Named(**p._asdict()).display_name(language)}") for p in people),
        "areas": tuple((a.id, f"{a.code} {localized(a, 'title', language)}") for a in areas),
        "meetings": tuple((m.id, localized(m, "title", language)) for m in meetings),
    }


def _options(choices: Iterable[tuple[Any, str]], chosen: Any) -> Markup:
    """`<option>`s of (value, label), the one whose value is `chosen` selected."""
    return Markup("".join(f'<option value="{escape(value)}" {"selected" if value == chosen else ""}>'
                          f'{escape(label)}</option>' for value, label in choices))


@bp.get("/my-action-items")
@login_required
@kept_page
def mine():
    error, status = None, 200
    try:
        q = read_search(request.args)
    except Invalid as invalid:
        q, error, status = "", invalid.message, 422
    sort = request.args.get("sort") or "due"
    if sort not in services.MY_SORTS:
        error, status, sort = _("Sort by one of: %(sorts)s.", sorts=", ".join(services.MY_SORTS)), 422, "due"
    page = 1
    if "page" in request.args:
        try:
            page = whole_number(request.args["page"], "page")
        except Invalid as invalid:
            error, status = invalid.message, 422
    return _mine_page(page, q, sort, error=error, status=status)


def _mine_page(page: int, q: str = "", sort: str = "due", *, error: str | None = None, status: int = 200,
               failed: UpdateForm | None = None, failed_id: int | None = None):
    """"My action items" at a page (a page that is not there: the first, with why), what needs attention first;
    with the form of an update that was refused, and why, on its item."""
    today, days = date.today(), int(current_app.config["REMINDER_DAYS"])
    user, per_page, language = actor(), current_app.config["PAGE_SIZE"], locale_code()

    def find(page: int) -> tuple[services.MyActionItems, list[ItemRow]]:
        """The page of the reader's items with their rows, read once per version of the content."""
        def read() -> tuple[services.MyActionItems, list[ItemRow]]:
            found = services.my_action_items_page(user, today, per_page=per_page, soon_days=days, q=q, sort=sort,
                                                  language=language, page=page)
            return found, shown_items(found.items, with_owners=True)

        return once_per_version(("my action items", user.id, today, page, per_page, days, q, sort, language), read)

    try:
        found, items = find(page)
    except NotFound as missing:  # a refused update keeps its 422
        error, status, (found, items) = missing.message, (404 if status == 200 else status), find(1)
    args = {key: value for key, value in (("q", q), ("sort", sort if sort != "due" else "")) if value}
    return render_template("actions/mine.html", page=found, items=items,
                           today=today, days=days,
                           card=card_lines(), cells=Cells(today, MINE), q=q, sort=sort, args=args, error=error, form=UpdateForm(formdata=None),
                           update_url=address_of("actions.post_update"),
                           failed=failed, failed_id=failed_id), status


def _back_to_mine() -> dict:
    """Where on "My action items" an update posted from there came from: its page, search and sort, as given."""
    back = {key: request.form[key] for key in ("page", "q", "sort") if request.form.get(key)}
    if (int_or_none(back.get("page")) or 0) < 2:
        back.pop("page", None)
    if back.get("sort") not in services.MY_SORTS:
        back.pop("sort", None)
    try:
        read_search(back)
    except Invalid:  # too long a search: the page without it
        back.pop("q", None)
    return back


@bp.get("/action-items/<int:item_id>")
@login_required
@kept_page
def show(item_id: int):
    item = services.get_action_item(item_id, with_updates=True)
    require(actor(), "action.view", item)
    today = date.today()
    return render_template("actions/show.html", item=item, today=today, cells=Cells(today),
                           form=UpdateForm(formdata=None))


@bp.post("/action-items/<int:item_id>/updates")
@login_required
def post_update(item_id: int):
    item = services.get_action_item(item_id, with_updates=True)
    require(actor(), "action.update", item)
    form = UpdateForm()
    back = _back_to_mine() if request.form.get("next") == "mine" else None
    if form.validate_on_submit():
        ok, _update = submit(form, lambda: services.post_update(actor(), item, form.text.data, form.status.data))
        if ok:
            flash(_("Your update on %(ref)s has been saved.", ref=item.ref), "success")
            if back is None:
                return redirect(url_for("actions.show", item_id=item_id))
            if "page" in back:  # the same page, or the last there is now when this item's leaving emptied it
                last = services.my_action_item_counts(actor(), date.today(), q=back.get("q")).pages(
                    current_app.config["PAGE_SIZE"])
                back["page"] = min(int(back["page"]), last)
            return redirect(url_for("actions.mine", **back))
    if back is not None:  # the one-step form on "My action items": show the message there, with the text kept
        return _mine_page(int(back.get("page", 1)), read_search(back), back.get("sort", "due"), status=422,
                          failed=form, failed_id=item_id)
    today = date.today()
    return render_template("actions/show.html", item=item, today=today, cells=Cells(today), form=form), 422


def owner_choices(side: str):
    people = db.session.scalars(select(User).where(User.side == side, User.active.is_(True)).order_by(User.name)).all()
    organizations = db.session.scalars(select(Organization).where(Organization.side == side)
                                       .order_by(Organization.acronym)).all()
    return choices({**{f"organization:{o.id}": f"{o.acronym} — {localized(o, 'name')}" for o in organizations},
                    **{f"user:{u.id}": u.name for u in people}})


def _owners_data(form: ActionItemForm) -> dict:
    owners: dict[str, list] = {}
    for side, field in (("US", form.owners_us), ("KR", form.owners_kr)):
        owners[side] = []
        for value in field.data or []:
            kind, _sep, number = value.partition(":")
            owners[side].append({f"{kind}_id": int(number)})
    return owners


def _prepare(form: ActionItemForm, agreement_id: int) -> None:
    areas = db.session.scalars(select(FocusArea).where(FocusArea.agreement_id == agreement_id)
                               .order_by(FocusArea.position)).all()
    form.focus_area_id.choices = choices({a.id: f"{a.code} {localized(a, 'title')}" for a in areas},
                                         empty=_("— choose a focus area —"))
    meetings = db.session.scalars(select(Meeting).where(Meeting.agreement_id == agreement_id)
                                  .order_by(Meeting.start_date.desc())).all()
    form.meeting_id.choices = choices({m.id: localized(m, "title") for m in meetings},
                                      empty=_("Between meetings"))
    form.owners_us.choices = owner_choices("US")
    form.owners_kr.choices = owner_choices("KR")


def _item_data(form: ActionItemForm) -> dict:
    """What the form gives the service: every declared field it has, and the owners on both sides."""
    return {**{name: form[name].data for name in editable(ActionItem) if name in form}, "owners": _owners_data(form)}


@bp.route("/action-items/new", methods=["GET", "POST"])
@login_required
def new():
    agreement = current_agreement()
    require(actor(), "action.create", agreement)
    form = ActionItemForm()
    _prepare(form, agreement.id)
    if request.method == "GET":
        form.meeting_id.data = int_or_none(request.args.get("meeting_id"))
        form.status.data = "open"
    if form.validate_on_submit():
        ok, item = submit(form, lambda: services.create_action_item(actor(), agreement, _item_data(form)))
        if ok:
            flash(_("Action item %(ref)s has been created.", ref=item.ref), "success")
            return redirect(url_for("actions.show", item_id=item.id))
    return render_template("actions/form.html", form=form, item=None), form_status(form)


@bp.route("/action-items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    item = services.get_action_item(item_id)
    require(actor(), "action.edit", item)
    form = ActionItemForm(obj=item if request.method == "GET" else None)
    _prepare(form, item.agreement_id)
    if request.method == "GET":
        form.owners_us.data = [_owner_value(o) for o in item.owners_on("US")]
        form.owners_kr.data = [_owner_value(o) for o in item.owners_on("KR")]
        form.version.data = str(item.version)
    if form.validate_on_submit():
        ok, _item = submit(form, lambda: services.update_action_item(
            actor(), item, _item_data(form), expected_version=int_or_none(form.version.data)))
        if ok:
            flash(_("Action item %(ref)s has been saved.", ref=item.ref), "success")
            return redirect(url_for("actions.show", item_id=item_id))
        form.version.data = str(item.version)
    return render_template("actions/form.html", form=form, item=item), form_status(form)


def _owner_value(owner) -> str:
    return f"user:{owner.user_id}" if owner.user_id else f"organization:{owner.organization_id}"


def shown_items(rows, *, with_owners: bool, areas: dict | None = None) -> list[ItemRow]:
    """Rows of the fields a list on a page shows (services.SHOWN_AT_MEETING; a focus area's page, the register and
    "My action items" show the same) as items that answer for them as an action item would: with their focus area
    (read unless given) and, when asked, their owners (each person or agency once, so that each name is made
    once)."""
    if areas is None:
        areas = services.focus_areas_of(row.focus_area_id for row in rows)
    owners: dict[int, list[OwnerRow]] = defaultdict(list)
    if with_owners:
        people, agencies = services.people_labels(), services.agency_labels()
        named: dict[tuple, OwnerRow] = {}
        for item_id, side, user_id, organization_id in services.owners_of([row.id for row in rows]):
            key = (side, user_id, organization_id)
            if key not in named:
                user, organization = people.get(user_id), agencies.get(organization_id)
                named[key] = OwnerRow(
                    side=side, user_id=user_id, organization_id=organization_id,
                    user=Named(name=user.name, name_ko=user.name_ko) if user else None,
                    organization=Named(name=organization.name, name_ko=organization.name_ko,
                                       acronym=organization.acronym) if organization else None)
            owners[item_id].append(named[key])
    return [ItemRow(**row._asdict(), focus_area=areas[row.focus_area_id], owners=owners[row.id]) for row in rows]


def meeting_page_part(meeting: Meeting, user: User) -> Markup:
    """The action items on a meeting's page: the review of those carried over to it, by focus area, where a
    secretariat records each one's outcome; and those raised at it."""
    today, can_review = date.today(), can(user, "action.review", meeting)
    page, per_page = int_or_none(request.args.get("page")) or 1, current_app.config["PAGE_SIZE"]
    can_create = can(user, "action.create")

    def make() -> Markup:
        review, carried, reviews, raised = once_per_version(("meeting review", meeting.id, page, per_page),
                                                            lambda: _meeting_review(meeting, page, per_page))
        cells, columns = Cells(today, REVIEW), columns_of(REVIEW)
        # With the form of those who record outcomes: its address and token, the same for every row.
        rows = (ReviewRows(cells, columns, reviews, review.page, url_for("actions.review", meeting_id=meeting.id),
                           ReviewForm(formdata=None).csrf_token()) if can_review
                else ReviewRows(cells, columns, reviews, review.page))
        return Markup(render_template(
            "actions/_meeting.html", meeting=meeting, columns=columns, cells=cells, rows=rows, review_page=review,
            carried=carried, reviews=reviews, raised=raised, can_create_action=can_create))

    # The same for every reader in a language on the day, by whether they record outcomes (its forms, with the
    # token's place: jcm.web.own_token_written_in) and start action items.
    return kept_parts(("meeting review shown", meeting.id, page, per_page, locale_code(), today)).made(
        (can_review, can_create), make)


def _meeting_review(meeting: Meeting, page: int, per_page: int) -> tuple:
    """What the meeting's page shows of action items, the same for every reader: a page of the items carried over
    to it (with their owners, by focus area), the outcomes recorded for them, and the items raised at it."""
    review = services.carried_over_page(meeting, services.SHOWN_AT_MEETING, page, per_page)
    carried = shown_items(review.rows, with_owners=True, areas=review.areas)
    return (review, services.group_by_focus_area(carried), services.outcomes_at(meeting),
            services.raised_at_rows(meeting, services.SHOWN_AT_MEETING))


@bp.post("/meetings/<int:meeting_id>/reviews")
@login_required
def review(meeting_id: int):
    meeting = get_meeting(meeting_id)
    require(actor(), "action.review", meeting)
    form = ReviewForm()
    if form.validate_on_submit():
        item = services.get_action_item(int_or_none(form.action_item_id.data) or 0)
        ok, _review = submit(None, lambda: services.record_review(actor(), item, meeting, form.outcome.data,
                                                                  form.new_due_date.data, form.note.data))
        if ok:
            flash(_("The outcome for %(ref)s has been recorded.", ref=item.ref), "success")
    else:  # no outcome chosen, a bad date: said on the meeting's page, and nothing recorded
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return meeting_page(meeting_id, 422)
    page = int_or_none(request.form.get("page"))  # back to the review's page the item was on
    return redirect(url_for("meetings.show", meeting_id=meeting_id, page=page if page and page > 1 else None,
                            _anchor="action-review"))
