"""The meeting documents as HTML and PDF, for people signed in and for programs with a Bearer token."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from jcm.accounts.services import user_for_token
from jcm.documents.render import render_pdf
from jcm.errors import json_error
from jcm.extensions import db, login_manager
from jcm.i18n import locale_code
from jcm.meetings.attachments import KIND_NAMES
from jcm.meetings.models import Attachment, Meeting
from jcm.meetings.services import approvals_by_side, get_meeting, ordinal_label, schedule, total_minutes
from jcm.mou.models import Participant
from jcm.permissions import require
from jcm.text import render_markdown

bp = Blueprint("documents", __name__)

SIDES = ("US", "KR")


# --- who is asking ------------------------------------------------------------------------------------

def _reader():
    """The signed-in person, else the owner of a valid Bearer token, else None."""
    if current_user.is_authenticated:
        return current_user
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    user = user_for_token(token.strip())
    if user is not None and db.session.dirty:
        db.session.commit()  # the token's last use
    return user


def _unauthenticated():
    """A browser without credentials is sent to sign in (and back); a program gets 401."""
    prefers_html = request.accept_mimetypes.best_match(["text/html", "application/pdf", "application/json"])
    if "Authorization" not in request.headers and prefers_html == "text/html":
        return login_manager.unauthorized()
    response, _status = json_error(
        401, "unauthorized", _("Sign in, or send the header 'Authorization: Bearer <token>'."))
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="JCM"'
    return response


def _readable_meeting(meeting_id: int) -> Meeting:
    """Load → check access: who asks first, then the meeting (404), then whether they may read it (403)."""
    reader = _reader()
    if reader is None:
        abort(_unauthenticated())
    meeting = get_meeting(meeting_id, with_agenda=True)
    require(reader, "meeting.view", meeting)
    return meeting


# --- what the agenda shows ----------------------------------------------------------------------------

def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)
    if hours:
        return _("%(hours)d h", hours=hours)
    return _("%(minutes)d min", minutes=rest)


def file_size(size: int) -> str:
    if size < 1024:
        return _("%(n)s bytes", n=format_decimal(size))
    if size < 1024 * 1024:
        return f"{format_decimal(round(size / 1024))} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"


def file_kind(attachment: Attachment) -> str:
    extension = attachment.filename.rpartition(".")[2].lower() if "." in attachment.filename else ""
    return KIND_NAMES.get(extension, attachment.content_type)


def other_language(obj, field: str) -> str:
    """The field in the language the reader is not using, so both delegations read the same line."""
    english, korean = getattr(obj, field), getattr(obj, f"{field}_ko")
    if not korean or korean == english:
        return ""
    return english if locale_code() == "ko" else korean


def page_label() -> tuple[str, str, str]:
    """"Page N of M" in the reader's language, cut around the two numbers that CSS fills in."""
    text = _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")
    before, _sep, rest = text.partition("{page}")
    between, _sep, after = rest.partition("{pages}")
    return before, between, after


def date_range(start: date, end: date) -> str:
    # Both dates in full: CLDR's interval formats abbreviate the month, which a formal document does not.
    if start == end:
        return format_date(start, "long")
    return f"{format_date(start, 'long')} – {format_date(end, 'long')}"


def agenda_context(meeting: Meeting) -> dict:
    participants = {p.side: p for p in db.session.scalars(
        select(Participant).where(Participant.agreement_id == meeting.agreement_id))}
    approvals = approvals_by_side(meeting)
    agreed = all(approvals[side] is not None for side in SIDES)
    focus_areas = {area.code: area for item in meeting.items for area in item.focus_areas}
    from jcm.actions.services import carried_over, group_by_focus_area, reviews_at

    return {
        "carried": group_by_focus_area(carried_over(meeting)),
        "reviews": reviews_at(meeting),
        "meeting": meeting,
        "agreement": meeting.agreement,
        "participants": participants,
        "sides": SIDES,
        "co_chairs": {"US": meeting.co_chair_us, "KR": meeting.co_chair_kr},
        "days": schedule(meeting),
        "total": total_minutes(meeting),
        "approvals": approvals,
        "agreed": agreed,
        "agreed_on": max(a.at for a in approvals.values()) if agreed else None,
        "focus_areas": sorted(focus_areas.values(), key=lambda a: a.position),
        "dates": date_range(meeting.start_date, meeting.end_date),
        "duration": duration,
        "file_size": file_size,
        "file_kind": file_kind,
        "other_language": other_language,
        "render_markdown": render_markdown,
        "page_label": page_label(),
    }


def _agenda_html(meeting: Meeting) -> str:
    return render_template("documents/agenda.html", **agenda_context(meeting))


# --- what the minutes show ---------------------------------------------------------------------------

PROGRESS_LABELS = {"not_started": _l("Not started"), "on_track": _l("On track"), "at_risk": _l("At risk"),
                   "off_track": _l("Off track"), "completed": _l("Completed")}
TOC_AFTER = 12  # agenda items: a longer record gets a table of contents


def _previous_meeting(meeting: Meeting) -> tuple[Meeting | None, bool]:
    """The meeting before this one under the same agreement, and whether JCM holds its adopted minutes."""
    from jcm.minutes.models import Minutes

    previous = db.session.scalar(
        select(Meeting).where(Meeting.agreement_id == meeting.agreement_id, Meeting.id != meeting.id,
                              Meeting.start_date < meeting.start_date, Meeting.status != "cancelled")
        .order_by(Meeting.start_date.desc(), Meeting.ordinal.desc()).limit(1))
    if previous is None:
        return None, False
    adopted = db.session.scalar(select(Minutes.id).where(Minutes.meeting_id == previous.id,
                                                         Minutes.status == "adopted")) is not None
    return previous, adopted


def minutes_context(meeting: Meeting, minutes) -> dict:
    """Everything the minutes document shows, loaded with a fixed number of queries whatever its length."""
    from jcm.actions.services import carried_over, raised_at, reviews_at
    from jcm.minutes import services as minutes_services

    context = agenda_context(meeting)
    items = {item.id: item for item in meeting.items}
    progress = {entry.focus_area_id: entry for entry in minutes.progress}
    records, shown = [], set()
    for number, section in enumerate(minutes_services.ordered_sections(minutes), start=1):
        item = items.get(section.agenda_item_id, section.agenda_item)
        areas = list(item.focus_areas)
        entries = [(area, progress[area.id]) for area in areas if area.id in progress and area.id not in shown]
        shown.update(area.id for area, _entry in entries)
        records.append({"number": number, "anchor": f"item-{number}", "item": item, "section": section,
                        "areas": areas, "progress": entries})
    other_progress = sorted(((entry.focus_area, entry) for entry in minutes.progress
                             if entry.focus_area_id not in shown), key=lambda pair: pair[0].position)
    attendees = {side: sorted((a for a in minutes.attendees if a.side == side), key=lambda a: a.position)
                 for side in SIDES}
    adopted = minutes.status == "adopted"
    previous, previous_adopted = _previous_meeting(meeting)
    context.update({
        "minutes": minutes,
        "adopted": adopted,
        "minutes_approvals": minutes_services.approvals_by_side(minutes),
        "attendees": attendees,
        "records": records,
        "other_progress": other_progress,
        "show_toc": len(records) > TOC_AFTER,
        "reviewed": carried_over(meeting),
        "reviews": reviews_at(meeting),
        "raised": raised_at(meeting),
        "previous": previous,
        "previous_adopted": previous_adopted,
        "ordinal": ordinal_label(meeting.ordinal),
        "progress_labels": PROGRESS_LABELS,
        "city": localized_city(meeting),
        "done_on": format_date(minutes.adopted_at.date() if adopted and minutes.adopted_at else meeting.end_date,
                               "long"),
    })
    return context


def localized_city(meeting: Meeting) -> str:
    from jcm.i18n import localized

    return localized(meeting, "city") or localized(meeting, "venue") or ""


def _readable_minutes(meeting_id: int):
    """The meeting and its minutes, under the same access rules as the agenda; 404 while there are none."""
    from jcm.minutes.services import minutes_for

    meeting = _readable_meeting(meeting_id)
    minutes = minutes_for(meeting)
    if minutes is None:
        abort(404)
    return meeting, minutes


def _minutes_html(meeting: Meeting, minutes) -> str:
    return render_template("documents/minutes.html", **minutes_context(meeting, minutes))


def _kept_minutes_pdf(meeting: Meeting, minutes) -> bytes:
    """Adopted minutes: the PDF made on the first request after adoption, kept so every copy is the same bytes."""
    folder = Path(current_app.instance_path) / "documents"
    path = folder / f"minutes-{meeting.id}-{minutes.sha256}-{locale_code()}.pdf"
    if path.is_file():
        return path.read_bytes()
    pdf = render_pdf(_minutes_html(meeting, minutes), base_url=request.url_root)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".minutes-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)  # atomic: a reader sees the whole file or none
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return pdf


# --- the views ----------------------------------------------------------------------------------------

@bp.get("/meetings/<int:meeting_id>/agenda.html")
def agenda_html(meeting_id: int):
    meeting = _readable_meeting(meeting_id)
    response = Response(_agenda_html(meeting), mimetype="text/html")
    response.headers["Cache-Control"] = "private"
    response.headers["Content-Language"] = locale_code()
    return response


@bp.get("/meetings/<int:meeting_id>/agenda.pdf")
def agenda_pdf(meeting_id: int):
    meeting = _readable_meeting(meeting_id)
    pdf = render_pdf(_agenda_html(meeting), base_url=request.url_root)
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline",
                         filename=f"{meeting.short_ref}-agenda-v{meeting.agenda_version}.pdf")
    response.headers["Cache-Control"] = "private"
    response.headers["Content-Language"] = locale_code()
    return response


@bp.get("/meetings/<int:meeting_id>/minutes.html")
def minutes_html(meeting_id: int):
    meeting, minutes = _readable_minutes(meeting_id)
    response = Response(_minutes_html(meeting, minutes), mimetype="text/html")
    response.headers["Cache-Control"] = "private"
    response.headers["Content-Language"] = locale_code()
    return response


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id: int):
    meeting, minutes = _readable_minutes(meeting_id)
    if minutes.status == "adopted" and minutes.sha256:
        pdf = _kept_minutes_pdf(meeting, minutes)
        filename = f"{meeting.short_ref}-minutes.pdf"
    else:
        pdf = render_pdf(_minutes_html(meeting, minutes), base_url=request.url_root)
        filename = f"{meeting.short_ref}-minutes-draft.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline", filename=filename)
    response.headers["Cache-Control"] = "private"
    response.headers["Content-Language"] = locale_code()
    return response
