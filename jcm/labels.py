"""Translated labels for the fixed values (sides, roles, statuses): one mapping per vocabulary, keyed by its enum."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from jcm.actions.models import ActionStatus, ReviewOutcome
from jcm.i18n import Language
from jcm.meetings.models import AgendaItemKind, MeetingStatus, Mode
from jcm.minutes.models import CorrectionStatus, MinutesStatus, ProgressStatus
from jcm.models import Role, Side
from jcm.mou.models import AgreementStatus

SIDE_LABELS = {Side.US: _l("United States"), Side.KR: _l("Republic of Korea")}
ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.secretariat: _l("Secretariat"),
    Role.co_chair: _l("Co-chair"),
    Role.delegate: _l("Delegate"),
    Role.observer: _l("Observer"),
}
AGREEMENT_STATUS_LABELS = {
    AgreementStatus.signed: _l("Signed, not yet operative"),
    AgreementStatus.operative: _l("Operative"),
    AgreementStatus.discontinuation_pending: _l("Discontinuation pending"),
    AgreementStatus.discontinued: _l("Discontinued"),
}
MEETING_STATUS_LABELS = {
    MeetingStatus.planning: _l("Planning"),
    MeetingStatus.agenda_agreed: _l("Agenda agreed"),
    MeetingStatus.held: _l("Held"),
    MeetingStatus.minutes_adopted: _l("Minutes adopted"),
    MeetingStatus.cancelled: _l("Cancelled"),
}
MODE_LABELS = {Mode.in_person: _l("In person"), Mode.virtual: _l("Virtual"), Mode.hybrid: _l("Hybrid")}
AGENDA_ITEM_KIND_LABELS = {
    AgendaItemKind.opening: _l("Opening"),
    AgendaItemKind.procedural: _l("Procedural"),
    AgendaItemKind.action_review: _l("Review of action items"),
    AgendaItemKind.focus_area: _l("Focus-area discussion"),
    AgendaItemKind.break_: _l("Break"),
    AgendaItemKind.other_business: _l("Other business"),
    AgendaItemKind.closing: _l("Closing"),
}
ACTION_STATUS_LABELS = {
    ActionStatus.open: _l("Open"),
    ActionStatus.in_progress: _l("In progress"),
    ActionStatus.done: _l("Done"),
    ActionStatus.dropped: _l("Dropped"),
}
REVIEW_OUTCOME_LABELS = {
    ReviewOutcome.done: _l("Done"),
    ReviewOutcome.continued: _l("Continued"),
    ReviewOutcome.dropped: _l("Dropped"),
}
MINUTES_STATUS_LABELS = {
    MinutesStatus.draft: _l("Draft"),
    MinutesStatus.circulated: _l("Circulated for review"),
    MinutesStatus.adopted: _l("Adopted"),
}
PROGRESS_STATUS_LABELS = {
    ProgressStatus.not_started: _l("Not started"),
    ProgressStatus.on_track: _l("On track"),
    ProgressStatus.at_risk: _l("At risk"),
    ProgressStatus.off_track: _l("Off track"),
    ProgressStatus.completed: _l("Completed"),
}
LOCALE_LABELS = {Language.en: "English", Language.ko: "한국어"}
DEPTH_LABELS = {0: _l("Area of cooperation"), 1: _l("Focus area"), 2: _l("Sub-topic")}

# Every vocabulary and its labels, so that a value cannot be added without them (tests/test_labels.py).
LABELS: dict[type[enum.StrEnum], dict] = {
    Side: SIDE_LABELS, Role: ROLE_LABELS, AgreementStatus: AGREEMENT_STATUS_LABELS,
    MeetingStatus: MEETING_STATUS_LABELS, Mode: MODE_LABELS, AgendaItemKind: AGENDA_ITEM_KIND_LABELS,
    ActionStatus: ACTION_STATUS_LABELS, ReviewOutcome: REVIEW_OUTCOME_LABELS,
    MinutesStatus: MINUTES_STATUS_LABELS, ProgressStatus: PROGRESS_STATUS_LABELS,
}
# Shown only inside sentences ("Corr. 2 — adopted on …", "withdrawn"), never as a label of its own.
UNLABELLED = (CorrectionStatus,)


def choices(labels: dict, empty: str | None = None) -> list[SelectChoice]:
    """Options for a SelectField; `empty` labels a first, empty option."""
    options = [SelectChoice("", empty)] if empty is not None else []
    return options + [SelectChoice(value, label) for value, label in labels.items()]

