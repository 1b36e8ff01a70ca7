"""Pages for the minutes: the secretariats' editor, the record for everyone else, review and adoption."""

from __future__ import annotations

from typing import Callable

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, validate_csrf
from markupsafe import Markup
from sqlalchemy import select
from wtforms.validators import ValidationError

from jcm.accounts.kept import keep_sent_form
from jcm.accounts.models import User
from jcm.actions.views import owner_choices
from jcm.bilingual import PageStates
from jcm.content import KeptParts, kept_page, kept_parts, once_per_version
from jcm.errors import Conflict, Invalid, NotFound, asks_for_json, json_error
from jcm.extensions import csrf, db
from jcm.forms import ConfirmForm, not_confirmed
from jcm.i18n import locale_code, localized
from jcm.meetings.models import Meeting
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.minutes.forms import (AttendanceForm, CommentForm, CorrectionForm, MinutesStatusForm, NextMeetingForm,
                               ProgressForm, RaiseActionForm, RestoreForm, SectionForm, VersionForm, attendance_lines,
                               delegation_lines, parse_attendance)
from jcm.minutes.columns import PageWords, SectionForms, SectionTexts
from jcm.minutes.models import Minutes, MinutesComment, MinutesSection, attendance_version
from jcm.minutes.raised import Options, RaisedRows, SectionActions
from jcm.models import SIDES
from jcm.permissions import SidePart, can, require
from jcm.web import actor, address, form_status, int_or_none, own_token_written_in, submit
from jcm.zones import aware, reader_zone, zone_abbreviation

bp = Blueprint("minutes", __name__)


def _required_minutes(meeting: Meeting) -> Minutes:
    """The minutes a change is made to: a secretariat's first change starts them, as "Start the minutes" does."""
    if can(actor(), "minutes.start", meeting):
        return services.open_minutes(actor(), meeting)
    minutes = services.minutes_for(meeting)
    if minutes is None:
        raise NotFound(_("No minutes have been started for this meeting yet."))
    return minutes


# Adopting is the minutes' final act: stated beside the box its form carries (jcm.forms.ConfirmForm).
ADOPTING = _l("Both co-chairs' adoption locks these minutes: they can no longer be edited, and any correction needs "
              "both sides.")


def _unresolved(comments: list[MinutesComment]) -> list[str]:
    """What a co-chair should know before adopting: comments still open."""
    open_ = sum(1 for comment in comments if comment.resolved_at is None)
    return [ngettext("%(num)d comment on these minutes is not resolved.",
                     "%(num)d comments on these minutes are not resolved.", open_)] if open_ else []


def _page(meeting: Meeting, minutes: Minutes | None, *, posted_section: int | None = None,
          section_form: SectionForm | None = None, conflict: dict | None = None, forms: dict | None = None,
          attendance_conflict: dict | None = None, status: int = 200):
    """The minutes page; a form just sent comes back with what was typed, and a conflict with both texts."""
    forms = forms or {}
    can_edit = minutes is not None and can(actor(), "minutes.edit", minutes)
    records = None if minutes is None else _kept_records(minutes, can_edit,
                                                         sent=bool(section_form or conflict or forms))
    outline = records.get(OUTLINE) if records is not None else None
    if minutes is not None and outline is None:
        minutes = services.whole_minutes(minutes)
    with own_token_written_in(records is not None) as written_in:
        return written_in(_printed(meeting, minutes, can_edit, records, outline, posted_section, section_form,
                                   conflict, forms, attendance_conflict)), status


# Kept with the parts of the record once the page has kept them all (the parts of WHOLE_RECORD): the next such page
# reads none of the records again (services.minutes_outline).
OUTLINE = ("outline",)
WHOLE_RECORD = (("attendance",), ("record",), ("progress",), ("next meeting",))


def _printed(meeting: Meeting, minutes: Minutes | None, can_edit: bool, records: KeptParts | None,
             outline: bool | None, posted_section: int | None, section_form: SectionForm | None,
             conflict: dict | None, forms: dict, attendance_conflict: dict | None) -> str:
    """The page, its records read whole; or, in `outline`, the minutes alone and the parts kept of the records."""
    states = PageStates()  # each text's state, for the gaps and the boxes alike
    words = PageWords()
    context = {"_": words, "section_texts": SectionTexts(words), "address": address, "meeting": meeting, "minutes": minutes,
               "can_edit": can_edit,
               "can_start": minutes is None and can(actor(), "minutes.start", meeting),
               "action_form": MinutesStatusForm(formdata=None), "comment_form": CommentForm(formdata=None)}
    if minutes is None:
        return render_template("minutes/show.html", **context)
    sections = services.ordered_sections(minutes) if outline is None else []
    progress = {entry.focus_area_id: entry for entry in minutes.progress}
    areas = services.discussed_focus_areas(meeting)
    attendees = {side: sorted((a for a in minutes.attendees if a.side == side), key=lambda a: a.position)
                 for side in SIDES} if outline is None else {}
    all_comments = services.comments(minutes)

    def held() -> services.HeldRecords:  # the records in the gate's order, read whole if the page kept its parts
        whole = services.whole_minutes(minutes)
        return services.held_records(whole, sections if outline is None else services.ordered_sections(whole))
    context.update(
        sections=sections, section_form=section_form, conflict=conflict, posted_section=posted_section,
        areas=areas, progress=progress, attendees=attendees, attendance_conflict=attendance_conflict,
        own_delegations=[side for side in SIDES if can(actor(), "minutes.delegation", SidePart(minutes, side))],
        comments_by_section=_group_comments(all_comments), general_comments=[c for c in all_comments
                                                                           if c.section_id is None],
        can_comment=can(actor(), "minutes.comment", minutes),
        can_resolve=can(actor(), "minutes.edit", minutes),
        states=states, comment_form=forms.get("comment") or CommentForm(formdata=None), records=records)
    context.update(_edit_forms(minutes, areas, progress, forms, words) if can_edit and outline is None else
                   {"section_forms": None, "progress_forms": {}, "attendance_forms": {}, "next_form": None})
    context.update(_review(meeting, minutes, states, all_comments, held, areas))
    context.update(_raised(meeting, areas, can_edit, forms, words) if outline is None else  # in the kept record
                   {"raised": {}, "raise_section": None, "raise_form": None, "section_actions": None,
                    "first_areas": {}})
    context.update(_corrections(meeting, minutes, forms.get("correction"), forms.get("typed") or {}))
    page = render_template("minutes/show.html", **context)
    if records is not None and outline is None and all(records.get(key) is not None for key in WHOLE_RECORD):
        records.keep(OUTLINE, True)  # every part kept: the next such page reads none of the records
    return page


def _kept_records(minutes: Minutes, can_edit: bool, sent: bool) -> KeptParts | None:
    """Where each section's record (its head, its texts with their boxes and check buttons, its action items with
    the form to raise one, its comments and the box to add one, its side's note) is kept, printed once per version
    for every reader shown the same: in a language and where they are (the times said), of a side and a role (its
    notes, the buttons they are given), by whether they write the minutes, comment on them, raise action items or
    check texts. A form sent back shows what was typed: none is kept then."""
    if sent:
        return None
    user = actor()
    return kept_parts(("minutes records", minutes.id, locale_code(), reader_zone(), user.side, user.role, can_edit,
                       can(user, "minutes.comment", minutes), can(user, "action.create"), can(user, "text.check")))


def _edit_forms(minutes: Minutes, areas: list, progress: dict, forms: dict, words: PageWords) -> dict:
    """The forms of the minutes' editor (a reader who does not write them is shown the texts alone): each with
    what is stored, or as typed when it was just sent and refused."""
    # The sections' forms are printed with each section's texts (jcm.minutes.columns.SectionForms): one form for
    # their labels and names, not one built for each section; only a form just sent comes back as it was typed.
    section_boxes = SectionForm(formdata=None)
    for box in section_boxes:  # its labels translated once for all the sections (as a template prints them)
        box.label.text = Markup(str(box.label.text))
    progress_forms = {}
    for area in areas:
        entry = progress.get(area.id)
        progress_forms[area.id] = forms.get(("progress", area.id)) or ProgressForm(
            formdata=None, status=entry.status if entry else "on_track", narrative=entry.narrative if entry else "",
            narrative_ko=entry.narrative_ko if entry else "", version=str(entry.version) if entry else "")
    attendance_forms = {side: forms.get(("attendance", side)) or AttendanceForm(
        formdata=None, people=attendance_lines(minutes.attendees, side),
        version=str(getattr(minutes, attendance_version(side)))) for side in SIDES}
    next_form = forms.get("next_meeting") or NextMeetingForm(
        formdata=None, next_meeting=minutes.next_meeting, next_meeting_ko=minutes.next_meeting_ko,
        version=str(minutes.next_meeting_version))
    return {"section_forms": SectionForms(section_boxes, words), "progress_forms": progress_forms,
            "attendance_forms": attendance_forms, "next_form": next_form}


def _review(meeting: Meeting, minutes: Minutes, states: PageStates, comments: list[MinutesComment],
            held: Callable[[], services.HeldRecords] | None = None, areas: list | None = None) -> dict:
    """What the review panel (templates/minutes/_review.html) says: each side's adoption, the progress not yet
    recorded, the texts that keep circulating or adopting waiting, and the acts the reader may make."""
    can_edit = can(actor(), "minutes.edit", minutes)
    can_adopt = can(actor(), "minutes.adopt", minutes)
    waiting = can_adopt or can_edit and minutes.status == "draft"  # an act the texts may keep waiting
    return {"can_edit": can_edit, "can_adopt": can_adopt, "approvals": services.approvals_by_side(minutes),
            "missing": services.missing_progress(minutes, meeting, areas) if not minutes.adopted else [],
            "minutes_gaps": once_per_version(("minutes gaps", minutes.id, locale_code()),
                                             lambda: services.minutes_text_gaps(minutes, meeting, states,
                                                                                held() if held else None))
            if waiting else [],
            "adopting": ADOPTING, "adopt_warnings": _unresolved(comments) if can_adopt else []}


def _raised(meeting: Meeting, areas: list, can_edit: bool, forms: dict, words: PageWords) -> dict:
    """The action items raised at each agenda item, for its section; and for a secretariat writing the minutes, what
    the form to raise one more offers: the owners on each side, the focus areas discussed, each item's first."""
    by_item = once_per_version(("raised rows", meeting.id, locale_code()), lambda: _raised_rows(meeting))
    can_raise = can_edit and can(actor(), "action.create")
    raise_form = next(((section_id, form) for key, form in forms.items()
                       if isinstance(key, tuple) and key[0] == "raise" for section_id in [key[1]]), (None, None))
    owners = once_per_version(("owner options", locale_code()), lambda: {
        side: Options((choice.value, choice.label) for choice in owner_choices(side)) for side in SIDES}) \
        if can_raise else {}
    areas_offered = Options((area.id, f"{area.code} {localized(area, 'title')}") for area in areas)
    return {"raised": by_item, "raise_section": raise_form[0], "raise_form": raise_form[1],
            "section_actions": SectionActions(words, can_raise, owners, areas_offered),
            "first_areas": services.first_focus_areas(meeting) if can_raise else {}}


def _raised_rows(meeting: Meeting) -> dict[int, Markup]:
    """The list items of the action items raised at each agenda item of the meeting, as every reader of a language
    is shown them."""
    rows, by_item = RaisedRows(), {}
    for item in services.raised_items(meeting):
        if item.agenda_item_id is not None:
            by_item[item.agenda_item_id] = by_item.get(item.agenda_item_id, Markup("")) + rows(item)
    return by_item


def _corrections(meeting: Meeting, minutes: Minutes, form: CorrectionForm | None, typed: dict) -> dict:
    """The corrections panel of adopted minutes: the numbered corrections, and a proposal's form with the current
    text (or what was typed, when a proposal came back refused)."""
    if not minutes.adopted or not minutes.adopted_content or "schema" not in minutes.adopted_content:
        return {"corrections": []}
    record, digest = services.current_record(minutes)
    corrections = services.corrections(minutes)
    proposed = next((c for c in corrections if c.status == "proposed"), None)
    form = form or CorrectionForm(formdata=None, next_meeting=record["next_meeting"],
                                  next_meeting_ko=services.adopted_text_of(record, "next_meeting_ko"), supersedes=digest)
    approvals = services.correction_approvals_by_side(proposed) if proposed else {}
    return {
        "corrections": corrections, "current_record": record, "current_digest": digest, "correction_form": form,
        "typed": typed, "version_form": VersionForm(formdata=None),
        "proposed": proposed, "proposed_approvals": approvals,
        "can_propose": can(actor(), "minutes.correct", minutes),
        "can_withdraw": proposed is not None and can(actor(), "correction.edit", proposed),
        "can_adopt_correction": proposed is not None and can(actor(), "correction.adopt", proposed),
        "record_titles": {entry["agenda_item_id"]: entry for entry in minutes.adopted_content["records"]},
    }


def _group_comments(comments: list[MinutesComment]) -> dict[int, list[MinutesComment]]:
    grouped: dict[int, list[MinutesComment]] = {}
    for comment in comments:
        if comment.section_id is not None:
            grouped.setdefault(comment.section_id, []).append(comment)
    return grouped


# --- saving in place: the editor's script asks for JSON, and the same views answer it through the same services ---

def _saved_at() -> str:
    """The time of a save in the reader's zone, the zone said: "10:24 KST"."""
    from flask_babel import format_time

    from jcm.models import utcnow

    now = utcnow()
    return f"{format_time(now, 'short')} {zone_abbreviation(aware(now, reader_zone()))}"


def _token_in_header() -> None:
    """The page's token sent in the X-CSRFToken header, as the agenda's script sends it (a section's save is exempt
    from the general check, to keep the text of an expired sign-in): checked here, or refused."""
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        raise CSRFError(_("The form's security token was missing or invalid.")) from None
    g.csrf_valid = True


def _live_save(form, action, answer, about_stored=None):
    """A form sent by the page's script: saved through the service, answered in JSON — 200 with the new version,
    409 with the stored text and the writer's own on a stale version (and what `about_stored` adds: who saved it,
    when), 422 with the message on bad input (the error shape of jcm.errors)."""
    if "csrf_token" not in request.form and not g.get("csrf_valid"):
        _token_in_header()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            raise CSRFError(_("The form's security token was missing or invalid."))
        fields = {name: list(errors) for name, errors in form.errors.items() if name != "csrf_token"}
        message = next(iter(fields.values()))[0] if fields else _("Please correct the marked fields.")
        return jsonify(Invalid(message, fields=fields).payload()), 422
    try:
        result = action()
        db.session.flush()
    except (Invalid, Conflict) as error:
        db.session.rollback()
        payload = error.payload()
        if about_stored is not None and "current" in payload["error"]:
            payload["error"]["current"].update(about_stored())
        if error.field and "fields" not in payload["error"]:  # the box at fault, by its name: owners.US → owners_us
            payload["error"]["fields"] = {"json": {error.field.replace(".", "_").lower(): [error.message]}}
        return jsonify(payload), error.status
    return jsonify({**answer(result), "saved_at": _saved_at()})


def _refreshed(meeting_id: int, record=None, boxes: tuple = (), back: str = "") -> dict:
    """What a live save changes on the page besides the form, as a reload would show it: the saved record's texts —
    each box's state, its check button and what changed in the other language (templates/minutes/_live_texts.html)
    — and the review panel, with the texts that keep circulating or adopting waiting (_review.html)."""
    meeting = get_meeting(meeting_id)
    minutes = services.minutes_for(meeting)
    states = PageStates()  # each text's state, for the boxes and the panel alike
    answer = {"review": render_template(
        "minutes/_review.html", meeting=meeting, minutes=minutes,
        csrf_field=MinutesStatusForm(formdata=None).csrf_token(),
        **_review(meeting, minutes, states, services.comments(minutes)))}
    if record is not None:
        answer["texts"] = render_template(
            "minutes/_live_texts.html", record=record, boxes=boxes, states=states,
            back=url_for("minutes.show", meeting_id=meeting_id) + back,
            checks=f"check-{type(record).__tablename__}-{record.id}-")
    return answer


def _boxes(form, name: str, ids: tuple[str, str]) -> tuple:
    """A text's two boxes on the page, for _refreshed: (field, language, box id, label)."""
    return tuple((name, language, box, form[name if language == "en" else f"{name}_ko"].label.text)
                 for language, box in zip(("en", "ko"), ids))


def _back(meeting_id: int, anchor: str = ""):
    return redirect(url_for("minutes.show", meeting_id=meeting_id) + anchor)


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required
@kept_page
def show(meeting_id: int):
    meeting = services.meeting_of_page(meeting_id)
    require(actor(), "minutes.view", meeting)
    return _page(meeting, services.minutes_outline(meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/start")
@login_required
def start(meeting_id: int):
    meeting = get_meeting(meeting_id)
    require(actor(), "minutes.start", meeting)
    if RestoreForm().validate_on_submit():
        started = services.minutes_for(meeting) is not None
        ok, _minutes = submit(None, lambda: services.open_minutes(actor(), meeting))
        if ok and not started:
            flash(_("The minutes have been started, with a record for each agenda item."), "success")
    return _back(meeting_id)


@csrf.exempt
@bp.post("/minutes/sections/<int:section_id>")
def save_section(section_id: int):
    """Save one section. An expired sign-in leads back here through the sign-in page: the browser keeps the text."""
    if not current_user.is_authenticated:  # who asks comes first: an anonymous visitor learns nothing of the section
        if asks_for_json():  # the page's script sends the form itself then, to be kept through signing in
            return json_error(401, "unauthorized", _("Authentication required."))
        meeting_id = db.session.scalar(select(Minutes.meeting_id).join(MinutesSection).where(
            MinutesSection.id == section_id))
        back = url_for("minutes.show", meeting_id=meeting_id) + f"#section-{section_id}" if meeting_id else None
        response = keep_sent_form(back)  # kept on the server too, for a browser without JavaScript
        if response is not None:
            return response
        flash(_("Your session has expired. Sign in again: the text you typed is kept in this browser."), "info")
        return redirect(url_for("accounts.login", next=back))
    section = services.get_section(section_id)
    require(actor(), "minutes.edit", section.minutes)
    meeting_id, title = section.minutes.meeting_id, section.agenda_item.title
    form = SectionForm()
    if asks_for_json():
        return _live_section(section_id, form, title)
    if not form.validate_on_submit():
        if form.csrf_token.errors or "csrf_token" not in request.form:
            raise CSRFError(_("The form's security token was missing or invalid."))
        meeting = get_meeting(meeting_id)
        return _page(meeting, _required_minutes(meeting), posted_section=section_id, section_form=form, status=422)
    ok, _section = submit(form, lambda: services.save_section(
        actor(), section, form.discussion.data, form.decisions.data, int_or_none(form.version.data),
        discussion_ko=form.discussion_ko.data, decisions_ko=form.decisions_ko.data))
    if ok:
        flash(_("“%(title)s” has been saved.", title=title), "success")
        return _back(meeting_id, f"#section-{section_id}")
    conflict = g.pop("conflict", None)
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    if conflict is not None:
        # The user's text stays in the form, now based on the stored version: saving again merges knowingly.
        stored = services.get_section(section_id)
        form.version.data = str(stored.version)
        author = db.session.get(User, stored.updated_by_id) if stored.updated_by_id else None
        conflict = {**conflict, "author": author, "at": stored.updated_at}
    return _page(meeting, minutes, posted_section=section_id, section_form=form, conflict=conflict,
                 status=form_status(form))


def _live_section(section_id: int, form: SectionForm, title: str):
    section = services.get_section(section_id)

    def about_stored() -> dict:  # who saved the stored text, and when, as the page says it
        stored = services.get_section(section_id)
        author = db.session.get(User, stored.updated_by_id) if stored.updated_by_id else None
        return {"author": author.name if author else None, "at": aware(stored.updated_at, reader_zone()).isoformat()}

    def answer(saved: MinutesSection) -> dict:
        boxes = (*_boxes(form, "discussion", (f"discussion-{section_id}", f"discussion-ko-{section_id}")),
                 *_boxes(form, "decisions", (f"decisions-{section_id}", f"decisions-ko-{section_id}")))
        return {"version": saved.version, "message": _("“%(title)s” has been saved.", title=title),
                **_refreshed(saved.minutes.meeting_id, saved, boxes, f"#section-{section_id}")}

    return _live_save(form, lambda: services.save_section(
        actor(), section, form.discussion.data, form.decisions.data, int_or_none(form.version.data),
        discussion_ko=form.discussion_ko.data, decisions_ko=form.decisions_ko.data), answer, about_stored)


@bp.post("/minutes/sections/<int:section_id>/action-items")
@login_required
def raise_action_item(section_id: int):
    """A new action item raised from a section while the minutes are written, by the action items' own rules. With
    the script, saved in place: the answer carries the item's row for the section's list; without it, back to the
    section, or the page again with the form as typed and what was wrong."""
    section = services.get_section(section_id)
    require(actor(), "minutes.edit", section.minutes)
    meeting_id = section.minutes.meeting_id
    form = RaiseActionForm()
    meeting = get_meeting(meeting_id)
    form.focus_area_id.choices = [("", "")] + [(area.id, area.code)
                                               for area in services.discussed_focus_areas(meeting)]

    def raise_it():
        return services.raise_action_item(actor(), section, _raised_data(form))

    if asks_for_json():
        def answer(item) -> dict:
            item = services.raised_items(meeting, item.id)[0]  # with its owners and focus area, as the list shows it
            return {"item": {"id": item.id, "ref": item.ref, "title": item.title, "title_ko": item.title_ko,
                             "due_date": item.due_date.isoformat()},
                    "row": str(RaisedRows()(item)),
                    "message": _("Action item %(ref)s has been created.", ref=item.ref),
                    **_refreshed(meeting_id)}

        return _live_save(form, raise_it, answer)
    if form.validate_on_submit():
        ok, item = submit(form, raise_it)
        if ok:
            flash(_("Action item %(ref)s has been created.", ref=item.ref), "success")
            return _back(meeting_id, f"#section-{section_id}")
    return _page(meeting, _required_minutes(meeting), forms={("raise", section_id): form}, status=form_status(form))


def _raised_data(form: RaiseActionForm) -> dict:
    """What the form gives the action items' service: its fields, and the owners on each side as it takes them
    ({"US": [{"user_id": n} | {"organization_id": n}], "KR": [...]}); a value of another shape is the service's
    to refuse, by name."""
    owners: dict[str, list] = {}
    for side, field in (("US", form.owners_us), ("KR", form.owners_kr)):
        owners[side] = []
        for value in [value for value in field.data or [] if value]:  # the list's empty choice is none
            kind, _sep, number = str(value).partition(":")
            owners[side].append({f"{kind}_id": number} if kind in ("user", "organization") else {"owner": value})
    return {"title": form.title.data, "title_ko": form.title_ko.data, "focus_area_id": form.focus_area_id.data,
            "due_date": form.due_date.data, "owners": owners}


@bp.get("/minutes/sections/<int:section_id>/revisions")
@login_required
def revisions(section_id: int):
    section = services.get_section(section_id)
    meeting = get_meeting(section.minutes.meeting_id)
    require(actor(), "minutes.view", meeting)
    return render_template("minutes/revisions.html", meeting=meeting, section=section,
                           revisions=services.revisions(section), restore_form=RestoreForm(formdata=None),
                           can_restore=can(actor(), "minutes.edit", section.minutes))


@bp.post("/minutes/sections/<int:section_id>/revisions/<int:version>/restore")
@login_required
def restore(section_id: int, version: int):
    section = services.get_section(section_id)
    require(actor(), "minutes.edit", section.minutes)
    meeting_id = section.minutes.meeting_id
    if RestoreForm().validate_on_submit():
        ok, _section = submit(None, lambda: services.restore_revision(actor(), section, version))
        if ok:
            flash(_("Version %(n)d has been restored as a new version.", n=version), "success")
            return _back(meeting_id, f"#section-{section_id}")
    return redirect(url_for("minutes.revisions", section_id=section_id))


@bp.post("/meetings/<int:meeting_id>/minutes/attendance/<side>")
@login_required
def attendance(meeting_id: int, side: str):
    if side not in SIDES:
        raise NotFound(_("There is no such side."))
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    require(actor(), "minutes.delegation", SidePart(minutes, side))
    form = AttendanceForm()
    conflict = None
    if form.validate_on_submit():
        ok, _rows = submit(form, lambda: services.set_attendance(actor(), minutes, side,
                                                                 parse_attendance(form.people.data),
                                                                 int_or_none(form.version.data)))
        if ok:
            flash(_("The attendance has been saved."), "success")
            return _back(meeting_id, "#attendance")
        conflict = g.pop("conflict", None)
        if conflict is not None:
            # What was typed stays in the form, now based on the stored list: saving again merges knowingly.
            form.version.data = str(conflict["version"])
            conflict = {**conflict, "stored_lines": delegation_lines(conflict["attendees"]),
                        "yours_lines": delegation_lines(conflict["yours"])}
    return _page(meeting, _required_minutes(meeting), forms={("attendance", side): form},
                 attendance_conflict=conflict, status=form_status(form))


@bp.post("/meetings/<int:meeting_id>/minutes/progress/<int:focus_area_id>")
@login_required
def progress(meeting_id: int, focus_area_id: int):
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    require(actor(), "minutes.edit", minutes)
    form = ProgressForm()
    if asks_for_json():
        return _live_save(form, lambda: services.save_progress(
            actor(), minutes, focus_area_id, form.status.data, form.narrative.data, int_or_none(form.version.data),
            narrative_ko=form.narrative_ko.data),
            lambda entry: {"version": entry.version, "message": _("The progress has been saved."), **_refreshed(
                meeting_id, entry, _boxes(form, "narrative", (f"progress-narrative-{focus_area_id}",
                                                              f"progress-narrative-ko-{focus_area_id}")),
                f"#progress-{focus_area_id}")})
    if form.validate_on_submit():
        ok, _entry = submit(form, lambda: services.save_progress(
            actor(), minutes, focus_area_id, form.status.data, form.narrative.data, int_or_none(form.version.data),
            narrative_ko=form.narrative_ko.data))
        if ok:
            flash(_("The progress has been saved."), "success")
            return _back(meeting_id, f"#progress-{focus_area_id}")
        g.pop("conflict", None)  # the form keeps the user's text; the message says what happened
    return _page(meeting, _required_minutes(meeting), forms={("progress", focus_area_id): form},
                 status=form_status(form))


@bp.post("/meetings/<int:meeting_id>/minutes/next-meeting")
@login_required
def next_meeting(meeting_id: int):
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    require(actor(), "minutes.edit", minutes)
    form = NextMeetingForm()
    if asks_for_json():
        return _live_save(form, lambda: services.set_next_meeting(
            actor(), minutes, form.next_meeting.data, int_or_none(form.version.data),
            korean=form.next_meeting_ko.data),
            lambda saved: {"version": saved.next_meeting_version, "message": _("The next meeting has been saved."),
                           **_refreshed(meeting_id, saved, _boxes(form, "next_meeting", (
                               "next-meeting-text", "next-meeting-text-ko")), "#next-meeting")})
    if form.validate_on_submit():
        ok, _minutes = submit(form, lambda: services.set_next_meeting(
            actor(), minutes, form.next_meeting.data, int_or_none(form.version.data),
            korean=form.next_meeting_ko.data))
        if ok:
            flash(_("The next meeting has been saved."), "success")
            return _back(meeting_id, "#next-meeting")
        g.pop("conflict", None)
    return _page(meeting, _required_minutes(meeting), forms={"next_meeting": form}, status=form_status(form))


@bp.post("/meetings/<int:meeting_id>/minutes/status")
@login_required
def set_status(meeting_id: int):
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    require(actor(), "minutes.edit", minutes)
    form = MinutesStatusForm()
    if form.validate_on_submit():
        ok, _minutes = submit(None, lambda: services.set_status(actor(), minutes, form.status.data,
                                                                int_or_none(form.version.data)))
        g.pop("conflict", None)
        if not ok:  # refused (changed meanwhile, a text missing or unchecked): the page says why, with the status
            error = g.get("service_error")
            return _page(meeting, _required_minutes(meeting), status=error.status if error else 409)
        flash(_("The draft has been circulated for review.") if form.status.data == "circulated"
              else _("The minutes are a draft again."), "success")
    return _back(meeting_id)


@bp.post("/meetings/<int:meeting_id>/minutes/comments")
@login_required
def comment(meeting_id: int):
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    require(actor(), "minutes.comment", minutes)
    form = CommentForm()
    if form.validate_on_submit():
        ok, made = submit(form, lambda: services.add_comment(actor(), minutes, form.text.data,
                                                             form.section_id.data or None))
        if ok:
            flash(_("Your comment has been added."), "success")
            return _back(meeting_id, f"#section-{made.section_id}" if made.section_id else "#comments")
    return _page(meeting, _required_minutes(meeting), forms={"comment": form}, status=form_status(form))


@bp.post("/minutes/comments/<int:comment_id>/resolve")
@login_required
def resolve(comment_id: int):
    comment = db.session.get(MinutesComment, comment_id)
    if comment is None:
        raise NotFound(_("There is no such comment."))
    minutes = db.session.get(Minutes, comment.minutes_id)
    require(actor(), "minutes.edit", minutes)
    meeting_id = minutes.meeting_id
    if RestoreForm().validate_on_submit():
        ok, _comment = submit(None, lambda: services.resolve_comment(actor(), comment))
        if ok:
            flash(_("The comment has been marked resolved."), "success")
    return _back(meeting_id, f"#section-{comment.section_id}" if comment.section_id else "#comments")


@bp.post("/meetings/<int:meeting_id>/minutes/adopt")
@login_required
def adopt(meeting_id: int):
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    require(actor(), "minutes.adopt", minutes)
    if not ConfirmForm().validate_on_submit():
        flash(not_confirmed(ADOPTING), "error")
        return _page(meeting, minutes, status=422)
    ok, _approval = submit(None, lambda: services.adopt(actor(), minutes))
    if not ok:
        # Refused (e.g. progress missing): the page says why, with the status of the refusal.
        error = g.get("service_error")
        return _page(meeting, _required_minutes(meeting), status=error.status if error else 409)
    minutes = services.minutes_for(meeting)
    if minutes.adopted:
        flash(_("Both co-chairs have adopted the minutes: they are now final."), "success")
    else:
        flash(_("You have adopted the minutes for your side."), "success")
    return _back(meeting_id)


# --- corrections of adopted minutes -----------------------------------------------------------------------

def _typed_changes(record: dict) -> tuple[dict, dict]:
    """The corrected text from the proposal's boxes, and the same values to show again if it is refused."""
    typed = {key: value for key, value in request.form.items() if key.startswith((
        "discussion-", "discussion_ko-", "decisions-", "decisions_ko-", "status-", "narrative-", "narrative_ko-"))}
    records = []
    for entry in record["records"]:
        item = entry["agenda_item_id"]
        records.append({"agenda_item_id": item, **{
            key: request.form.get(f"{key}-{item}", "\n".join(value) if isinstance(value, list) else value)
            for key in services.RECORD_TEXTS for value in [services.adopted_text_of(entry, key)]}})
    progress = []
    for entry in [p for r in record["records"] for p in r["progress"]] + record["other_progress"]:
        code = entry["focus_area"]
        progress.append({"focus_area": code, **{key: request.form.get(f"{key}-{code}",
                                                                      services.adopted_text_of(entry, key))
                                                for key in services.PROGRESS_TEXTS}})
    return {"records": records, "progress": progress}, typed


@bp.post("/meetings/<int:meeting_id>/minutes/corrections")
@login_required
def propose_correction(meeting_id: int):
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    require(actor(), "minutes.correct", minutes)
    form = CorrectionForm()
    typed: dict = {}
    if form.validate_on_submit():
        record, _digest = services.current_record(minutes) if minutes.adopted else ({}, None)
        changes, typed = _typed_changes(record) if record else ({}, {})
        for key in services.NEXT_MEETING_TEXTS:  # a box not sent stays as adopted, never emptied
            if key in request.form:
                changes[key] = getattr(form, key).data or ""
        ok, made = submit(form, lambda: services.propose_correction(
            actor(), minutes, changes, form.reason.data, form.supersedes.data or None,
            unchanged_stated=bool(form.unchanged_stated.data)))
        g.pop("conflict", None)
        if ok:
            flash(_("Correction no. %(n)d has been proposed: both co-chairs now adopt it.", n=made.number), "success")
            return _back(meeting_id, "#corrections")
    return _page(meeting, _required_minutes(meeting), forms={"correction": form, "typed": typed},
                 status=form_status(form))


def _correction_action(meeting_id: int, number: int, permission: str, action, done: str):
    meeting = get_meeting(meeting_id)
    minutes = _required_minutes(meeting)
    correction = services.get_correction(minutes, number)
    require(actor(), permission, correction)
    form = VersionForm()
    if form.validate_on_submit():
        ok, _result = submit(None, lambda: action(correction, int_or_none(form.version.data)))
        g.pop("conflict", None)
        if ok:
            flash(done, "success")
        else:
            error = g.get("service_error")
            return _page(meeting, _required_minutes(meeting), status=error.status if error else 409)
    return _back(meeting_id, "#corrections")


@bp.post("/meetings/<int:meeting_id>/minutes/corrections/<int:number>/adopt")
@login_required
def adopt_correction(meeting_id: int, number: int):
    return _correction_action(meeting_id, number, "correction.adopt",
                              lambda correction, version: services.adopt_correction(actor(), correction, version),
                              _("You have adopted the correction for your side."))


@bp.post("/meetings/<int:meeting_id>/minutes/corrections/<int:number>/withdraw")
@login_required
def withdraw_correction(meeting_id: int, number: int):
    return _correction_action(meeting_id, number, "correction.edit",
                              lambda correction, version: services.withdraw_correction(actor(), correction,
                                                                                       version),
                              _("The correction has been withdrawn."))
