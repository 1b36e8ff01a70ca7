"""Pages for meetings and the agenda builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import Blueprint, Flask, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from jcm.accounts.forms import EmptyForm
from jcm.accounts.models import User
from jcm.api.schemas import read_search
from jcm.content import kept_page, kept_parts, once_per_version
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.forms import ConfirmForm, not_confirmed
from jcm.i18n import locale_code, localized
from jcm.models import PageOf
from jcm.labels import choices
from jcm.meetings import attachments, proposals, services
from jcm.meetings.forms import (AgendaItemForm, AgreeForm, AttachmentForm, DayHoursForm, MeetingForm, ProposalForm,
                                StatusForm)
from jcm.meetings.rows import AgendaRows, MeetingRows
from jcm.meetings.models import (PROPOSAL_KIND_LABELS, PROPOSAL_KINDS, PROPOSAL_STATUS_LABELS, Meeting, ProposalKind)
from jcm.mou.models import FocusArea
from jcm.mou.services import current_agreement
from jcm.permissions import SidePart, can, require
from jcm.web import actor, form_status, int_or_none, own_token_written_in, submit
from jcm.zones import elsewhere, reader_zone, zone_choices

bp = Blueprint("meetings", __name__)

# A part of the meeting's page that a feature above meetings adds: its HTML, for the meeting and the reader.
PagePart = Callable[[Meeting, User], str]


def add_page_part(app: Flask, part: PagePart) -> None:
    """Show a part on every meeting's page, after the agenda, in the order they are added: action items add the
    review of those carried over to the meeting and those raised at it."""
    parts = app.extensions.setdefault("jcm_meeting_page_parts", [])
    if part not in parts:
        parts.append(part)


def _co_chair_choices(side: str):
    people = db.session.scalars(select(User).where(User.side == side, User.role == "co_chair", User.active.is_(True))
                                .order_by(User.name)).all()
    return choices({p.id: p.name for p in people}, empty=_("— to be named —"))


def _focus_area_choices(agreement_id: int):
    areas = db.session.scalars(select(FocusArea).where(FocusArea.agreement_id == agreement_id, FocusArea.depth > 0)
                               .order_by(FocusArea.position)).all()
    return choices({a.id: f"{a.code} {localized(a, 'title')}" for a in areas})


def _own_side_only(form: MeetingForm, meeting: Meeting | None) -> None:
    """Each side names only its own co-chair, and, once the agenda has been agreed, the dates and host change by a
    proposal: the form leaves out what the signed-in secretariat may not change here (the page shows it as it is)."""
    for side, name in (("US", "co_chair_us_id"), ("KR", "co_chair_kr_id")):
        if not can(actor(), "meeting.name_co_chair", SidePart(meeting or Meeting(status="planning"), side)):
            delattr(form, name)
    if meeting is not None and not can(actor(), "meeting.reschedule", meeting):
        for name in services.RESCHEDULING:
            delattr(form, name)


def _meeting_data(form: MeetingForm) -> dict:
    """The meeting's fields the form has, under the services' names."""
    return {key: form[key].data for key in services.SET_BY_NAME if key in form}


@bp.get("/meetings")
@login_required
@kept_page
def index():
    require(actor(), "meeting.view")
    error, status = None, 200
    try:
        q = read_search(request.args)
    except Invalid as invalid:
        q, error, status = "", invalid.message, 422
    sort = request.args.get("sort") or "date"
    if sort not in services.MEETING_SORTS:
        error, status, sort = _("Sort by one of: %(sorts)s.", sorts=", ".join(services.MEETING_SORTS)), 422, "date"
    number, per_page, today, language = max(int_or_none(request.args.get("page")) or 1, 1), \
        current_app.config["PAGE_SIZE"], date.today(), locale_code()
    page = once_per_version(("meetings list", q, sort, language, number, per_page, today),
                            lambda: _listed(q, sort, language, number, per_page, today))
    args = {**({"q": q} if q else {}), **({"sort": sort} if sort != "date" else {})}  # the other pages' too
    return render_template("meetings/index.html", page=page, args=args, q=q, sort=sort, error=error), status


@dataclass(frozen=True)
class ListedMeetings(PageOf):
    """A page of the list of meetings, as every reader is shown it: its upcoming and its past meetings, each as the
    rows of a table (MeetingRows), empty when it has none."""
    upcoming: Markup
    past: Markup
    page: int
    pages: int


def _listed(q: str, sort: str, language: str, number: int, per_page: int, today: date) -> ListedMeetings:
    page = db.paginate(services.listed_meetings_query(q=q, sort=sort, language=language), page=number,
                       per_page=per_page, error_out=False)
    upcoming, past = services.split_meetings(page.items, today, by_date=sort == "date")
    rows = MeetingRows()
    return ListedMeetings(upcoming=rows(upcoming) if upcoming else Markup(""), past=rows(past) if past else Markup(""),
                          page=number, pages=page.pages)


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new():
    agreement = current_agreement()
    if agreement is None:
        raise NotFound(_("Load an MOU before planning meetings."))
    require(actor(), "meeting.create", agreement)
    form = MeetingForm()
    _own_side_only(form, None)
    for side, name in (("US", "co_chair_us_id"), ("KR", "co_chair_kr_id")):
        if name in form:
            form[name].choices = _co_chair_choices(side)
    form.focus_area_ids.choices = _focus_area_choices(agreement.id)
    form.time_zone.choices = zone_choices(empty=_("— the host side's capital —"))
    if request.method == "GET":
        last = db.session.scalar(select(Meeting.ordinal).where(Meeting.agreement_id == agreement.id)
                                 .order_by(Meeting.ordinal.desc()).limit(1))
        form.ordinal.data = (last or 0) + 1
        form.host_side.data = current_user.side
    if form.validate_on_submit():
        data = _meeting_data(form)
        if not data["time_zone"]:
            del data["time_zone"]  # the service takes the host side's capital
        ok, meeting = submit(form, lambda: services.create_meeting(actor(), agreement, data,
                                                                   form.focus_area_ids.data or []))
        if ok:
            flash(_("%(title)s has been created with a first draft of its agenda.", title=meeting.title), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None), form_status(form)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    require(actor(), "meeting.edit", meeting)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    del form.focus_area_ids
    _own_side_only(form, meeting)
    for side, name in (("US", "co_chair_us_id"), ("KR", "co_chair_kr_id")):
        if name in form:
            form[name].choices = _co_chair_choices(side)
    form.time_zone.choices = zone_choices()
    if request.method == "GET":
        form.version.data = str(meeting.version)
    if form.validate_on_submit():
        ok, _meeting = submit(form, lambda: services.update_meeting(actor(), meeting, _meeting_data(form),
                                                                    expected_version=int_or_none(form.version.data)))
        if ok:
            flash(_("The meeting has been saved."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting_id))
        form.version.data = str(meeting.version)
    return render_template("meetings/form.html", form=form, meeting=meeting), form_status(form)


# The final acts of a meeting's page, each stated beside the box its form carries (jcm.forms.ConfirmForm).
AGREEING = _l("Once both sides have agreed this version, it is the meeting's agenda, kept as a signed record; any "
              "later change to it needs both sides to agree again.")
REMOVING_AGREED = _l("This item is on the agenda both sides agreed: removing it makes a new version of the agenda, "
                     "which both sides must agree again.")
CONFIRMING = {ProposalKind.delete: _l("Confirming deletes this meeting for both sides, with its agenda, minutes and "
                                      "papers; it cannot be undone."),
              ProposalKind.cancel: _l("Confirming cancels this meeting for both sides; a cancelled meeting has no "
                                      "minutes, and it cannot be taken back.")}


@bp.get("/meetings/<int:meeting_id>")
@login_required
@kept_page
def show(meeting_id: int):
    return meeting_page(meeting_id)


def meeting_page(meeting_id: int, status: int = 200):
    """The meeting's page; after a refused agreement, with the refusal's status (and its reason flashed)."""
    meeting = services.get_meeting(meeting_id)  # its agenda is read only to make again what is kept of it
    require(actor(), "meeting.view", meeting)
    agenda = once_per_version(("agenda outline", meeting.id), lambda: services.agenda_outline(meeting))
    approvals = services.approvals_by_side(meeting)
    may_agree = bool(agenda.items) and can(actor(), "agenda.agree", meeting)
    # Parts of the page are kept for every reader shown the same (jcm.content.kept_parts): its forms carry the
    # token's place while it is made, and each reader's own token is written in.
    with own_token_written_in() as written_in:
        return written_in(render_template(
            "meetings/show.html", meeting=meeting, schedule=_schedule(meeting, can(actor(), "agenda.edit", meeting)),
            parts=[part(meeting, actor()) for part in current_app.extensions.get("jcm_meeting_page_parts", ())],
            approvals=approvals, agreed=agenda.agreed, changes=agenda.changes, may_agree=may_agree,
            agenda_gaps=once_per_version(("agenda gaps", meeting.id, locale_code()), lambda: services.agenda_text_gaps(
                services.with_agenda(meeting))) if may_agree else [],
            agree_form=AgreeForm(formdata=None, agenda_version=str(meeting.agenda_version)),
            status_form=StatusForm(formdata=None), action_form=EmptyForm(formdata=None),
            status_moves=services.status_moves(meeting, date.today()),
            proposals=proposals.proposals(meeting), stale=proposals.is_stale, **_proposal_labels(),
            offers=[kind for kind in PROPOSAL_KINDS if can(actor(), proposals.PROPOSING[ProposalKind(kind)], meeting)],
            today=date.today(), agreeing=AGREEING, confirming=CONFIRMING)), status


def _schedule(meeting: Meeting, may_edit: bool) -> Markup:
    """The agenda's section of the meeting's page, the same for every reader in a language and where they are:
    kept once per version for those who edit the agenda (with its buttons and forms) and for those who do not."""
    return kept_parts(("meeting page", meeting.id, locale_code(), reader_zone())).made(
        ("schedule", may_edit), lambda: Markup(render_template(
            "meetings/_schedule.html", meeting=meeting, days=services.schedule(services.with_agenda(meeting)),
            total=services.total_minutes(meeting), may_edit_agenda=may_edit, day_form=DayHoursForm(formdata=None),
            action_form=EmptyForm(formdata=None), agenda_rows=AgendaRows)))


@bp.post("/meetings/<int:meeting_id>/status")
@login_required
def set_status(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    require(actor(), "meeting.set_status", meeting)
    form = StatusForm()
    if form.validate_on_submit():
        ok, _meeting = submit(None, lambda: services.set_status(actor(), meeting, form.status.data))
        if ok:
            flash(_("The meeting's status has been changed."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/agree")
@login_required
def agree(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    require(actor(), "agenda.agree", meeting)
    form = AgreeForm()
    if form.validate_on_submit():
        ok, _approval = submit(None, lambda: services.agree_agenda(
            actor(), meeting, expected_agenda_version=int_or_none(form.agenda_version.data)))
        if not ok:  # refused (a newer version, a text missing or unchecked): the page says why, with the status
            error = g.get("service_error")
            return meeting_page(meeting_id, error.status if error else 409)
        flash(_("You have agreed version %(version)d of the agenda for your side.",
                version=meeting.agenda_version), "success")
    elif form.is_submitted():
        flash(not_confirmed(AGREEING), "error")
        return meeting_page(meeting_id, 422)
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/days")
@login_required
def day_hours(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    require(actor(), "agenda.edit", meeting)
    form = DayHoursForm()
    if form.validate_on_submit():
        try:
            day = date.fromisoformat(form.day.data)
        except ValueError:
            raise Invalid(_("“%(value)s” is not a date (YYYY-MM-DD).", value=form.day.data)) from None
        ok, _row = submit(None, lambda: services.set_day_hours(actor(), meeting, day, form.starts_at.data,
                                                               form.ends_at.data))
        if ok:
            flash(_("The day's hours have been saved."), "success")
    else:
        flash(_("Give the day's start and planned end as times (HH:MM)."), "error")
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + "#schedule")


# --- agenda items ---------------------------------------------------------------------------------------

def day_label(day: date) -> str:
    """A meeting's day as a date in the reader's language, with its weekday: "March 10, 2027 (Wed)",
    "2027년 3월 10일 (수)"."""
    return f"{format_date(day, 'long')} ({format_date(day, 'EEE')})"


def _item_form(meeting: Meeting, item=None, stored: bool = False) -> AgendaItemForm:
    """The item's form: what was posted to it, or (on a GET, or `stored`) the item as it is stored."""
    stored = stored or request.method == "GET"
    form = AgendaItemForm(formdata=None, obj=item) if stored else AgendaItemForm()
    form.focus_area_ids.choices = _focus_area_choices(meeting.agreement_id)
    form.day.choices = choices({d.day.isoformat(): day_label(d.day) for d in meeting.days})
    if stored:
        if item is not None:
            form.focus_area_ids.data = [a.id for a in item.focus_areas]
            form.day.data = item.day.isoformat()
            form.version.data = str(item.version)
        else:
            form.duration_minutes.data = 15
            form.day.data = meeting.start_date.isoformat()
    return form


def _item_data(form: AgendaItemForm) -> dict:
    """The agenda item's fields the form has, under the services' names (both languages of its texts), and its
    focus areas."""
    return {**{key: form[key].data for key in services.ITEM_SET_BY_NAME if key in form},
            "focus_area_ids": form.focus_area_ids.data or []}


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@login_required
def new_item(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    require(actor(), "agenda.edit", meeting)
    form = _item_form(meeting)
    if form.validate_on_submit():
        ok, item = submit(form, lambda: services.add_agenda_item(actor(), meeting, _item_data(form)))
        if ok:
            flash(_("“%(title)s” has been added to the agenda.", title=item.title), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting_id) + f"#item-{item.id}")
    return render_template("meetings/item_form.html", form=form, meeting=meeting, item=None,
                           agreed_any=any(services.approvals_by_side(meeting).values())), form_status(form)


@bp.route("/agenda-items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int):
    item = services.get_agenda_item(item_id)
    meeting = services.get_meeting(item.meeting_id)
    require(actor(), "agenda.edit", meeting)
    form = _item_form(meeting, item)
    if form.validate_on_submit():
        ok, _item = submit(form, lambda: services.update_agenda_item(
            actor(), item, _item_data(form), expected_version=int_or_none(form.version.data)))
        if ok:
            flash(_("The agenda item has been saved."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + f"#item-{item_id}")
        form.version.data = str(item.version)
    return _item_page(form, meeting, item, form_status(form))


def _item_page(form, meeting, item, status: int):
    return render_template("meetings/item_form.html", form=form, meeting=meeting, item=item,
                           attachment_form=AttachmentForm(formdata=None), delete_form=ConfirmForm(formdata=None),
                           agreed_any=any(services.approvals_by_side(meeting).values()),
                           removing=REMOVING_AGREED if services.in_agreed_agenda(item) else None), status


@bp.post("/agenda-items/<int:item_id>/move")
@login_required
def move_item(item_id: int):
    item = services.get_agenda_item(item_id)
    require(actor(), "agenda.edit", item.meeting)
    if EmptyForm().validate_on_submit():
        submit(None, lambda: services.move_agenda_item(actor(), item, request.form.get("direction", "")))
    return redirect(url_for("meetings.show", meeting_id=item.meeting_id) + f"#item-{item_id}")


@bp.post("/agenda-items/<int:item_id>/delete")
@login_required
def delete_item(item_id: int):
    item = services.get_agenda_item(item_id)
    require(actor(), "agenda.edit", item.meeting)
    meeting_id, title = item.meeting_id, item.title
    agreed = services.in_agreed_agenda(item)
    form = ConfirmForm() if agreed else EmptyForm()
    if form.validate_on_submit():
        ok, _none = submit(None, lambda: services.delete_agenda_item(actor(), item))
        if ok:
            flash(_("“%(title)s” has been removed from the agenda.", title=title), "success")
    elif form.is_submitted():
        flash(not_confirmed(REMOVING_AGREED), "error")
        meeting = services.get_meeting(meeting_id)
        return _item_page(_item_form(meeting, item, stored=True), meeting, item, 422)
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/agenda/order")
@login_required
def reorder(meeting_id: int):
    """Drag and drop: the page sends the new order as JSON, with its CSRF token in a header."""
    meeting = services.get_meeting(meeting_id)
    try:
        require(actor(), "agenda.edit", meeting)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise Invalid(_("Give the order as a list of agenda item ids."), field="ids")
        services.reorder_agenda(actor(), meeting, body.get("ids"))
        db.session.flush()
    except (Invalid, Conflict) as error:
        db.session.rollback()
        return jsonify(error.payload()), error.status
    meeting = services.get_meeting(meeting_id, with_agenda=True)
    times = {slot.item.id: {"number": slot.number, "starts": slot.starts.strftime("%H:%M"),
                            "ends": slot.ends.strftime("%H:%M"),
                            "elsewhere": elsewhere(day.day.day, slot.starts, slot.ends, meeting.time_zone, bare=True)}
             for day in services.schedule(meeting) for slot in day.slots}
    return jsonify({"agenda_version": meeting.agenda_version, "items": times})


# --- attachments ----------------------------------------------------------------------------------------

@bp.post("/agenda-items/<int:item_id>/attachments")
@login_required
def upload(item_id: int):
    item = services.get_agenda_item(item_id)
    require(actor(), "attachment.upload", item.meeting)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        ok, attachment = submit(None, lambda: attachments.add_attachment(actor(), item, upload_file.filename,
                                                                         upload_file.stream))
        if ok:
            flash(_("“%(name)s” has been attached.", name=attachment.filename), "success")
    else:
        flash(_("Choose a file to attach."), "error")
    return redirect(url_for("meetings.edit_item", item_id=item_id) + "#attachments")


@bp.get("/attachments/<int:attachment_id>/<path:filename>")
@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int, filename: str | None = None):
    attachment = attachments.get_attachment(attachment_id)
    meeting = services.get_meeting(attachment.agenda_item.meeting_id)
    require(actor(), "attachment.download", meeting)
    return attachments.send_attachment(attachment)


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id: int):
    attachment = attachments.get_attachment(attachment_id)
    require(actor(), "attachment.upload", attachment.agenda_item.meeting)
    item_id, name = attachment.agenda_item_id, attachment.filename
    if EmptyForm().validate_on_submit():
        ok, _none = submit(None, lambda: attachments.delete_attachment(actor(), attachment))
        if ok:
            flash(_("“%(name)s” has been removed.", name=name), "success")
    return redirect(url_for("meetings.edit_item", item_id=item_id) + "#attachments")


# --- proposals: what takes both sides -------------------------------------------------------------------

PROPOSING = proposals.PROPOSING


def _proposal_labels() -> dict:
    return {"PROPOSAL_KIND_LABELS": PROPOSAL_KIND_LABELS, "PROPOSAL_STATUS_LABELS": PROPOSAL_STATUS_LABELS,
            "PROPOSE_LABELS": {ProposalKind.cancel: _("Propose cancelling the meeting"),
                               ProposalKind.delete: _("Propose deleting the meeting"),
                               ProposalKind.change: _("Propose new dates or host")}}


@bp.route("/meetings/<int:meeting_id>/proposals/<kind>", methods=["GET", "POST"])
@login_required
def propose(meeting_id: int, kind: str):
    """A secretariat proposes cancelling or deleting the meeting, or new dates or a new host: done when the other
    side's secretariat confirms it."""
    meeting = services.get_meeting(meeting_id)
    if kind not in PROPOSAL_KINDS:
        raise NotFound(_("There is no such kind of proposal."))
    require(actor(), PROPOSING[ProposalKind(kind)], meeting)
    form = ProposalForm()
    if kind != ProposalKind.change:
        for name in services.RESCHEDULING:
            delattr(form, name)
    elif request.method == "GET":
        form.start_date.data, form.host_side.data = meeting.start_date, meeting.host_side
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("reason", *services.RESCHEDULING) if name in form}
        ok, proposal = submit(form, lambda: proposals.propose(actor(), meeting, kind, data))
        if ok:
            flash(_("Your proposal has been recorded. It takes effect when the other side's secretariat confirms "
                    "it."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting_id) + f"#proposal-{proposal.number}")
    return render_template("meetings/proposal_form.html", form=form, meeting=meeting, kind=kind,
                           **_proposal_labels()), form_status(form)


def _answer_proposal(meeting_id: int, number: int, action: str, act, done: str):
    meeting = services.get_meeting(meeting_id)
    require(actor(), "meeting.view", meeting)
    proposal = proposals.get_proposal(meeting, number)
    require(actor(), action, proposal)
    deleted = proposal.kind == ProposalKind.delete and action == "proposal.confirm"
    consequence = CONFIRMING.get(proposal.kind) if action == "proposal.confirm" else None
    form = ConfirmForm() if consequence else EmptyForm()
    if form.validate_on_submit():
        ok, _proposal = submit(None, lambda: act(actor(), proposal))
        if ok:
            flash(done, "success")
            if deleted:
                return redirect(url_for("meetings.index"))
    elif form.is_submitted():
        flash(not_confirmed(consequence), "error")
        return meeting_page(meeting_id, 422)
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + f"#proposal-{number}")


@bp.post("/meetings/<int:meeting_id>/proposals/<int:number>/confirm")
@login_required
def confirm_proposal(meeting_id: int, number: int):
    return _answer_proposal(meeting_id, number, "proposal.confirm", proposals.confirm,
                            _("You have confirmed the proposal for your side: it has taken effect."))


@bp.post("/meetings/<int:meeting_id>/proposals/<int:number>/withdraw")
@login_required
def withdraw_proposal(meeting_id: int, number: int):
    return _answer_proposal(meeting_id, number, "proposal.withdraw", proposals.withdraw,
                            _("You have withdrawn the proposal; the meeting stays as it is."))


@bp.post("/meetings/<int:meeting_id>/proposals/<int:number>/decline")
@login_required
def decline_proposal(meeting_id: int, number: int):
    return _answer_proposal(meeting_id, number, "proposal.decline", proposals.decline,
                            _("You have declined the proposal; the meeting stays as it is."))
