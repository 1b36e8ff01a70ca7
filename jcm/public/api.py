"""API resources for the public summary: the secretariats' draft and the co-chairs' release under a meeting, and
the released summaries, which anyone may read without a token."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint

from jcm.api import current_api_user
from jcm.api.resources import commit, refusals
from jcm.bilingual import LANGUAGES, statuses, text_state
from jcm.errors import NotFound
from jcm.meetings.services import get_meeting
from jcm.permissions import require
from jcm.public import services
from jcm.public.schemas import (PublicSummarySchema, SummaryCheckSchema, SummaryReleaseSchema, SummarySchema,
                                SummaryUpdateSchema)

summary_api = Blueprint("api_public_summary", __name__, description=(
    "The public summary of a meeting: the joint press summary both secretariats draft in English and Korean once the "
    "minutes are adopted, each side checking its language, released by both co-chairs; released, it is public and "
    "fixed, and readable without a token"))
blueprints = [summary_api]


def _utc(moment) -> str | None:
    return moment.isoformat() + "Z" if moment is not None else None


def shape(summary) -> dict:
    releases = services.releases_by_side(summary)
    return {
        "id": summary.id, "meeting_id": summary.meeting_id, "status": summary.status, "version": summary.version,
        **{name: getattr(summary, name) or "" for name in services.TEXTS},
        "languages": statuses(summary),
        "revisions": {field: {language: text_state(summary, field, language).revision for language in LANGUAGES}
                      for field in services.FIELDS},
        "releases": {side: ({"user_id": r.user_id, "name": r.user.name if r.user else None,
                             "version": r.summary_version, "at": _utc(r.at)} if r else None)
                     for side, r in releases.items()},
        "released_at": _utc(summary.released_at),
        "public_url": url_for("public.show", meeting_id=summary.meeting_id) if summary.released else None,
    }


def public_shape(summary) -> dict:
    return {"meeting_id": summary.meeting_id, **{name: getattr(summary, name) for name in services.TEXTS},
            "released_at": _utc(summary.released_at), "url": url_for("public.show", meeting_id=summary.meeting_id)}


def _existing(meeting):
    summary = services.summary_of(meeting)
    if summary is None:
        raise NotFound(_("No press summary has been drafted for this meeting yet."))
    return summary


@summary_api.get("/meetings/<int:meeting_id>/summary")
@summary_api.response(200, SummarySchema)
@refusals(summary_api, 404)
def get_summary(meeting_id: int):
    """The meeting's press summary as the secretariats draft it, each text's state in each language, and each
    co-chair's release. 404 until a secretariat has written it."""
    user = current_api_user()
    meeting = get_meeting(meeting_id)
    require(user, "meeting.view", meeting)
    return shape(_existing(meeting))


@summary_api.put("/meetings/<int:meeting_id>/summary")
@summary_api.arguments(SummaryUpdateSchema)
@summary_api.response(200, SummarySchema)
@refusals(summary_api, 403, 404, 409, 422)
def put_summary(data: dict, meeting_id: int):
    """A secretariat writes the press summary of a meeting whose minutes are adopted: `headline` and `body` with
    their Korean (`headline_ko`, `body_ko`); a text left out stays as it is. The first PUT drafts it. A change of
    either language makes the other stale (its side checks it again) and clears the co-chairs' releases. Carry the
    `version` read: a stale one is refused with 409, `error.current` holding the stored text and, under `yours`,
    the text sent. Once both co-chairs have released it, it is public and fixed (409)."""
    user = current_api_user()
    require(user, "summary.edit")  # the role first: a stranger learns nothing of the meeting
    meeting = get_meeting(meeting_id)
    version = data.pop("version", None)
    summary = commit(lambda: services.save_summary(user, meeting, data, version))
    return shape(summary)


@summary_api.post("/meetings/<int:meeting_id>/summary/checks")
@summary_api.arguments(SummaryCheckSchema)
@summary_api.response(201, SummarySchema)
@refusals(summary_api, 403, 404, 409, 422)
def check_summary(data: dict, meeting_id: int):
    """The secretariat of the side that answers for the language checks the summary's text in it (`field`:
    headline or body) against the other language; give the `revision` read (`revisions`)."""
    user = current_api_user()
    require(user, "text.check")
    summary = _existing(get_meeting(meeting_id))
    commit(lambda: services.check_summary_text(user, summary, data["field"], data["language"],
                                               data.get("revision")))
    return shape(summary)


@summary_api.post("/meetings/<int:meeting_id>/summary/releases")
@summary_api.arguments(SummaryReleaseSchema, required=False)
@summary_api.response(201, SummarySchema)
@refusals(summary_api, 403, 404, 409)
def release_summary(data: dict | None, meeting_id: int):
    """The caller, the meeting's co-chair for their side, releases the summary's text as it stands (give the
    `version` read) for that side. Refused (409) until both texts are written and checked (`error.current.gaps`).
    When both sides have released it, it is public at `public_url` and in the feed, and can no longer change."""
    user = current_api_user()
    require(user, "summary.release")
    summary = services.draft_of(get_meeting(meeting_id))  # the rule first, then whether there is one (404)
    commit(lambda: services.release(user, summary, (data or {}).get("version")))
    return shape(summary)


@summary_api.get("/public/summaries")
@summary_api.response(200, PublicSummarySchema(many=True))
def public_summaries():
    """Every released press summary, the latest first, in English and Korean: no token needed. Nothing else about
    a meeting is public."""
    return [public_shape(summary) for summary in services.released_summaries()]
