"""The register as CSV and XLSX, each person's private calendar feed, and the page that manages the feed."""

from __future__ import annotations

from datetime import date

from flask import (Blueprint, Response, current_app, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext as _
from flask_login import login_required

from jcm.accounts.forms import EmptyForm
from jcm.actions import exports
from jcm.actions.calendar import (build_calendar, create_or_renew_feed, feed_of, meeting_calendar, revoke_feed,
                                  user_for_feed_token)
from jcm.actions.schemas import read_filters
from jcm.errors import Invalid, NotFound, json_error
from jcm.i18n import locale_code
from jcm.meetings.services import get_meeting
from jcm.permissions import require
from jcm.web import actor, reader

bp = Blueprint("feeds", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- who is asking ------------------------------------------------------------------------------------

# --- the register as a spreadsheet --------------------------------------------------------------------

def _export(extension: str, stream, mimetype: str):
    user = reader()
    require(user, "action.view")
    try:
        filters = read_filters(request.args)
    except Invalid as error:
        if "Authorization" in request.headers:  # a program reads JSON, a person the error page
            return json_error(422, error.code, error.message, field=error.field)
        raise
    today = date.today()
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else locale_code()
    # Sent as it is read. The request's unit of work ends before the first byte is sent; the stream reads on in
    # the request's context, kept until the last byte, and its session is released with that context.
    response = Response(stream_with_context(stream(filters, today, locale)), mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=exports.filename(today, extension))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Language"] = locale
    return response


@bp.get("/action-items.csv")
def export_csv():
    return _export("csv", exports.stream_csv, "text/csv")


@bp.get("/action-items.xlsx")
def export_xlsx():
    return _export("xlsx", exports.stream_xlsx, XLSX)


# --- the calendar feed --------------------------------------------------------------------------------

@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """No session here: a calendar program has none. The secret address is the credential."""
    user = user_for_feed_token(token)
    if user is None:
        raise NotFound(_("There is no such calendar. Its address may have been renewed or revoked."))
    response = Response(build_calendar(user, date.today()), mimetype="text/calendar")
    response.headers.set("Content-Disposition", "inline", filename="jcm.ics")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    """One meeting for a calendar program, its days at their hours in the host city's zone (the invitation's
    attachment): for a signed-in browser or a Bearer token, as the meeting's page is."""
    user = reader()
    meeting = get_meeting(meeting_id)
    require(user, "meeting.view", meeting)
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else locale_code()
    response = Response(meeting_calendar(meeting, locale), mimetype="text/calendar")
    response.headers.set("Content-Disposition", "attachment", filename=f"jcm-meeting-{meeting.id}.ics")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def calendar_page():
    user = actor()
    form = EmptyForm()
    feed_url = None
    status = 200
    if form.validate_on_submit():
        action = request.form.get("action")
        if action == "renew":
            renewing = feed_of(user) is not None
            token = create_or_renew_feed(user, user)
            feed_url = url_for("feeds.calendar_feed", token=token, _external=True)
            if renewing:
                flash(_("Your calendar has a new address; the previous one no longer works."), "success")
        elif action == "revoke":
            revoke_feed(user, user)
            flash(_("Your calendar address has been revoked; calendars subscribed to it no longer update."),
                  "success")
            return redirect(url_for("feeds.calendar_page"))
        else:
            flash(_("Choose to create, renew or revoke the calendar address."), "error")
            status = 422
    response = Response(render_template("actions/calendar.html", feed=feed_of(user), feed_url=feed_url,
                                        webcal_url=_webcal(feed_url), form=form), status=status)
    if feed_url:
        response.headers["Cache-Control"] = "no-store"  # the address is shown this once
    return response


def _webcal(url: str | None) -> str | None:
    """The same address with the scheme that makes a browser hand it to the calendar program."""
    if not url:
        return None
    return "webcal://" + url.partition("://")[2]
