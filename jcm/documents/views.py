"""The meeting documents as HTML and PDF, for people signed in and for programs with a Bearer token."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from jcm.accounts.services import user_for_token
from jcm.documents.render import render_pdf
from jcm.errors import json_error
from jcm.extensions import db, login_manager
from jcm.i18n import locale_code
from jcm.meetings.attachments import KIND_NAMES
from jcm.meetings.models import Attachment, Meeting
from jcm.meetings.services import approvals_by_side, get_meeting, schedule, total_minutes
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
