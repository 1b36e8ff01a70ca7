"""The public summary's pages: its panel on the meeting's page and the page where the secretariats write it and
the co-chairs release it; and, released, the public pages and Atom feed that need no account."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from jcm.accounts.models import User
from jcm.documents.markings import PUBLIC_MARKING, marking_words
from jcm.meetings.models import Meeting
from jcm.meetings.services import get_meeting
from jcm.permissions import can, require
from jcm.public import services
from jcm.public.forms import ReleaseForm, SummaryForm
from jcm.web import actor, form_status, int_or_none, submit

bp = Blueprint("public", __name__)


def meeting_page_part(meeting: Meeting, user: User) -> Markup:
    """The press summary on a meeting's page, once its minutes are adopted: where it stands (not yet drafted, its
    texts' states, each co-chair's release, released) and the way to it."""
    if meeting.status != "minutes_adopted":
        return Markup("")
    summary = services.summary_of(meeting)
    return Markup(render_template("public/_panel.html", meeting=meeting, summary=summary,
                                  releases=services.releases_by_side(summary) if summary else {},
                                  may_edit=can(user, "summary.edit", summary or services.draft_of(meeting))))


def _page(meeting: Meeting, form: SummaryForm, status: int = 200):
    summary = services.draft_of(meeting)
    user = actor()
    conflict = g.get("conflict")
    if conflict and "version" in conflict:  # saved again, the writer's text replaces the one they have now seen
        form.version.data = str(conflict["version"])
    gaps = services.gaps_of(summary) if summary.id is not None and not summary.released else []
    return render_template(
        "public/summary.html", meeting=meeting, summary=summary, form=form,
        release_form=ReleaseForm(formdata=None, version=str(summary.version)),
        releases=services.releases_by_side(summary), gaps=gaps, conflict=conflict,
        may_edit=can(user, "summary.edit", summary),
        may_release=summary.id is not None and can(user, "summary.release", summary)), status


def _form_of(summary) -> SummaryForm:
    return SummaryForm(formdata=None, **{name: getattr(summary, name) or "" for name in services.TEXTS},
                       version=str(summary.version))


@bp.get("/meetings/<int:meeting_id>/summary")
@login_required
def edit(meeting_id: int):
    """The press summary: its texts side by side with their states and checks; a secretariat writes them, a
    co-chair releases them, everyone signed in reads them."""
    meeting = get_meeting(meeting_id)
    require(actor(), "meeting.view", meeting)
    return _page(meeting, _form_of(services.draft_of(meeting)))


@bp.post("/meetings/<int:meeting_id>/summary")
@login_required
def save(meeting_id: int):
    """A secretariat saves the texts. A stale save is shown again with the writer's text kept and the stored one
    beside it."""
    meeting = get_meeting(meeting_id)
    require(actor(), "summary.edit", services.draft_of(meeting))
    form = SummaryForm()
    if form.validate_on_submit():
        data = {name: getattr(form, name).data or "" for name in services.TEXTS}
        ok, _summary = submit(form, lambda: services.save_summary(actor(), meeting, data,
                                                                  int_or_none(form.version.data)))
        if ok:
            flash(_("The press summary has been saved."), "success")
            return redirect(url_for("public.edit", meeting_id=meeting_id))
        meeting = get_meeting(meeting_id)  # as it stands after the refusal
    return _page(meeting, form, form_status(form))


@bp.post("/meetings/<int:meeting_id>/summary/release")
@login_required
def release(meeting_id: int):
    """The meeting's co-chair for their side releases the text as they read it."""
    meeting = get_meeting(meeting_id)
    summary = services.draft_of(meeting)
    require(actor(), "summary.release", summary)
    form = ReleaseForm()
    if form.validate_on_submit():
        ok, _result = submit(None, lambda: services.release(actor(), summary, int_or_none(form.version.data)))
        if ok:
            flash(_("Released to the public by both co-chairs.") if summary.released
                  else _("You have released the press summary for your side; it is public once the other side's "
                         "co-chair releases it too."), "success")
        else:
            meeting = get_meeting(meeting_id)
            return _page(meeting, _form_of(services.draft_of(meeting)), g.service_error.status)
    return redirect(url_for("public.edit", meeting_id=meeting_id))


# --- public: no account ---------------------------------------------------------------------------------

PUBLIC_CACHE = "public, max-age=300"


def public_marking() -> dict[str, str]:
    """The marking a released summary carries, in each language."""
    return {language: marking_words(PUBLIC_MARKING, language) for language in ("en", "ko")}


@bp.get("/public/")
def index():
    """Every released press summary, in English and Korean."""
    response = Response(render_template("public/index.html", summaries=services.released_summaries(),
                                        marking=public_marking()))
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/public/meetings/<int:meeting_id>")
def show(meeting_id: int):
    """One released press summary; a meeting whose summary is not released, or none, is the same 404."""
    summary = services.released_summary(meeting_id)
    response = Response(render_template("public/show.html", summary=summary, marking=public_marking()))
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/public/feed.atom")
def feed():
    """The released press summaries as an Atom feed, each entry in English and Korean."""
    summaries = services.released_summaries()
    response = Response(render_template("public/feed.atom", summaries=summaries,
                                        updated=summaries[0].released_at if summaries else None),
                        mimetype="application/atom+xml")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response
