"""Translated labels for the fixed values (sides, roles, statuses)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

SIDE_LABELS = {"US": _l("United States"), "KR": _l("Republic of Korea")}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "secretariat": _l("Secretariat"),
    "co_chair": _l("Co-chair"),
    "delegate": _l("Delegate"),
    "observer": _l("Observer"),
}
AGREEMENT_STATUS_LABELS = {
    "signed": _l("Signed, not yet operative"),
    "operative": _l("Operative"),
    "discontinuation_pending": _l("Discontinuation pending"),
    "discontinued": _l("Discontinued"),
}
MEETING_STATUS_LABELS = {
    "planning": _l("Planning"),
    "agenda_agreed": _l("Agenda agreed"),
    "held": _l("Held"),
    "minutes_adopted": _l("Minutes adopted"),
    "cancelled": _l("Cancelled"),
}
MODE_LABELS = {"in_person": _l("In person"), "virtual": _l("Virtual"), "hybrid": _l("Hybrid")}
AGENDA_ITEM_KIND_LABELS = {
    "opening": _l("Opening"),
    "procedural": _l("Procedural"),
    "action_review": _l("Review of action items"),
    "focus_area": _l("Focus-area discussion"),
    "break": _l("Break"),
    "other_business": _l("Other business"),
    "closing": _l("Closing"),
}
ACTION_STATUS_LABELS = {
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}
REVIEW_OUTCOME_LABELS = {"done": _l("Done"), "continued": _l("Continued"), "dropped": _l("Dropped")}
LOCALE_LABELS = {"en": "English", "ko": "한국어"}
DEPTH_LABELS = {0: _l("Area of cooperation"), 1: _l("Focus area"), 2: _l("Sub-topic")}


def choices(labels: dict, empty: str | None = None) -> list[SelectChoice]:
    """Options for a SelectField; `empty` labels a first, empty option."""
    options = [SelectChoice("", empty)] if empty is not None else []
    return options + [SelectChoice(value, label) for value, label in labels.items()]


def register(app) -> None:
    app.jinja_env.globals.update(SIDE_LABELS=SIDE_LABELS, ROLE_LABELS=ROLE_LABELS,
                                 AGREEMENT_STATUS_LABELS=AGREEMENT_STATUS_LABELS,
                                 LOCALE_LABELS=LOCALE_LABELS, DEPTH_LABELS=DEPTH_LABELS,
                                 MEETING_STATUS_LABELS=MEETING_STATUS_LABELS, MODE_LABELS=MODE_LABELS,
                                 AGENDA_ITEM_KIND_LABELS=AGENDA_ITEM_KIND_LABELS,
                                 ACTION_STATUS_LABELS=ACTION_STATUS_LABELS,
                                 REVIEW_OUTCOME_LABELS=REVIEW_OUTCOME_LABELS)
