"""The public summary: the secretariats draft it in both languages (each side answering for its own, as for every
text), the co-chairs release it, and, released by both, it is public and fixed."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from jcm.audit.services import record, tracked
from jcm.bilingual import Weighed, named_gaps, refuse_gaps
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.meetings.models import Meeting
from jcm.models import SIDES, utcnow
from jcm.permissions import require
from jcm.public.models import PublicSummary, SummaryRelease, SummaryStatus
from jcm.texts.services import answering_side, check_text
from jcm.versions import check_version

TEXTS = ("headline", "headline_ko", "body", "body_ko")
FIELDS = ("headline", "body")  # the English names of its texts, as a check names them


def summary_of(meeting: Meeting) -> PublicSummary | None:
    """The meeting's summary, with its meeting (the identity map's) and its releases; None before one is drafted."""
    found = db.session.scalar(select(PublicSummary).where(PublicSummary.meeting_id == meeting.id))
    if found is not None and "meeting" in db.inspect(found).unloaded:
        set_committed_value(found, "meeting", meeting)  # the meeting given, without reading it again
    return found


def draft_of(meeting: Meeting) -> PublicSummary:
    """The meeting's summary, or a new one not yet saved (for the rules to weigh and a form to show)."""
    found = summary_of(meeting)
    if found is not None:
        return found
    summary = PublicSummary(meeting_id=meeting.id, headline="", headline_ko="", body="", body_ko="",
                            status=SummaryStatus.draft.value, version=0, language_state={})
    set_committed_value(summary, "meeting", meeting)
    set_committed_value(summary, "approvals", [])
    return summary


def _label(summary: PublicSummary) -> str:
    return _("Press summary of %(meeting)s", meeting=summary.meeting.short_ref)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    from jcm.fields import declared

    fields = declared(PublicSummary)
    return {name: fields[name].clean(data[name]) for name in TEXTS if data.get(name) is not None}


def save_summary(actor, meeting: Meeting, data: dict[str, Any], expected_version: int | None = None
                 ) -> PublicSummary:
    """The secretariat's draft of the summary: the texts given (one left out stays as it is). A change of either
    language clears the co-chairs' releases given for the earlier text; a save based on a version another writer
    moved on is refused with the stored texts and, under `yours`, the writer's own."""
    summary = draft_of(meeting)
    require(actor, "summary.edit", summary)
    values = _clean(data)
    if summary.id is None:
        if not any(str(value).strip() for value in values.values()):
            raise Invalid(_("Write the headline or the text of the press summary first."), field="headline")
        db.session.add(summary)
        summary.version = 1
        for name, value in values.items():
            setattr(summary, name, value)
        summary.updated_by_id = actor.id
        db.session.flush()
        record(actor, "summary.create", summary, after={name: getattr(summary, name) for name in TEXTS},
               label=_label(summary))
        return summary
    check_version(summary, expected_version, _("Someone else saved the press summary meanwhile; review their text "
                                               "and save yours again."), yours=values)
    with tracked(actor, "summary.edit", summary, label=_label):
        changed = {name: value for name, value in values.items() if getattr(summary, name) != value}
        for name, value in changed.items():
            setattr(summary, name, value)
        if changed:
            summary.updated_at, summary.updated_by_id = utcnow(), actor.id
            _clear_releases(actor, summary)
    return summary


def _clear_releases(actor, summary: PublicSummary) -> None:
    """A change of the text: a release given for the earlier text no longer stands."""
    given = list(summary.approvals)
    for release in given:
        summary.approvals.remove(release)
    if given:
        record(actor, "summary.release_cleared", summary, before={"released_by": sorted(r.side for r in given)},
               after={"released_by": []}, label=_label(summary))


def check_summary_text(actor, summary: PublicSummary, field: str, language: str, revision: int | None = None
                       ) -> PublicSummary:
    """The secretariat answering for `language` checks the summary's text in it (jcm.texts), while it is a
    draft."""
    if summary.id is None:
        raise NotFound(_("No press summary has been drafted for this meeting yet."))
    if summary.released:
        raise Conflict(_("This press summary has been released by both co-chairs: its text is public and can no "
                         "longer be changed."))
    check_text(actor, summary, field, language, revision)
    return summary


def gaps_of(summary: PublicSummary):
    """What keeps the summary from being released: each text missing, stale or not yet checked in a language."""
    return named_gaps([Weighed(summary, _("Press summary"))], lambda language: answering_side(language, summary))


def release(actor, summary: PublicSummary, expected_version: int | None = None) -> PublicSummary:
    """The meeting's co-chair for their side releases the summary's text as it stands; released by both sides, it is
    public from now on and its text no longer changes."""
    require(actor, "summary.release", summary)
    if summary.id is None:
        raise NotFound(_("No press summary has been drafted for this meeting yet."))
    check_version(summary, expected_version, _("The press summary changed since you read it; read it again before "
                                               "releasing it."))
    if not all(str(getattr(summary, name) or "").strip() for name in TEXTS):
        raise Conflict(_("The press summary is released with its headline and text in both languages: write "
                         "them first."))
    refuse_gaps(gaps_of(summary), lambda gaps: _("The press summary cannot be released until both texts are "
                                                 "complete and checked: %(gaps)s", gaps=gaps))
    summary.approvals.append(SummaryRelease(side=actor.side, user_id=actor.id, summary_version=summary.version,
                                            at=utcnow()))
    db.session.flush()
    record(actor, "summary.release", summary, after={"side": actor.side, "version": summary.version},
           label=_label(summary))
    if {r.side for r in summary.approvals} >= set(SIDES):
        summary.status = SummaryStatus.released.value
        summary.released_at = utcnow()
        db.session.flush()
        record(actor, "summary.published", summary, before={"status": "draft"},
               after={"status": "released", "version": summary.version}, label=_label(summary))
    return summary


def releases_by_side(summary: PublicSummary) -> dict[str, SummaryRelease | None]:
    return {side: summary.release_of(side) for side in SIDES}


# --- what anyone may read ---------------------------------------------------------------------------------

def released_summaries() -> list[PublicSummary]:
    """Every released summary, the latest first."""
    return list(db.session.scalars(select(PublicSummary).where(PublicSummary.status == SummaryStatus.released.value)
                                   .order_by(PublicSummary.released_at.desc(), PublicSummary.id.desc())))


def released_summary(meeting_id: Any) -> PublicSummary:
    """A released summary by its meeting's id: a meeting with none released, or no meeting, is one answer (404)."""
    found = None
    if isinstance(meeting_id, int) and 0 < meeting_id < 2**31:
        found = db.session.scalar(select(PublicSummary).where(
            PublicSummary.meeting_id == meeting_id, PublicSummary.status == SummaryStatus.released.value))
    if found is None:
        raise NotFound(_("There is no public summary here."))
    return found

