"""Forms of the minutes pages: a section's record, attendance, progress, the next meeting, review and comments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from jcm.actions.models import ActionItem
from jcm.forms import Form, declared_field
from jcm.minutes.models import Minutes, MinutesComment, MinutesCorrection, MinutesSection, ProgressEntry


class SectionForm(Form):
    """One agenda item's record in English and Korean, saved on its own; `version` is the one the texts were based
    on. A text the page did not send stays as it is."""

    discussion = declared_field(MinutesSection, "discussion")
    discussion_ko = declared_field(MinutesSection, "discussion_ko")
    decisions = declared_field(MinutesSection, "decisions", _l("Decisions (one per line)"))
    decisions_ko = declared_field(MinutesSection, "decisions_ko",
                                  _l("Decisions in Korean (one per line, in the order of the English)"))
    version = HiddenField()


class AttendanceForm(Form):
    """One side's delegation, saved as a whole list; `version` is the one of the list it was based on."""

    people = TextAreaField(_l("Delegation (one person per line: Name, Title, Organization)"),
                           description=_l("After a “|”, the same in Korean: name, title, organization."),
                           validators=[Optional(), Length(max=100_000)])
    version = HiddenField()


class ProgressForm(Form):
    status = declared_field(ProgressEntry, "status", _l("Progress"))
    narrative = declared_field(ProgressEntry, "narrative")
    narrative_ko = declared_field(ProgressEntry, "narrative_ko")
    version = HiddenField()


class NextMeetingForm(Form):
    next_meeting = declared_field(Minutes, "next_meeting")
    next_meeting_ko = declared_field(Minutes, "next_meeting_ko")
    version = HiddenField()


class MinutesStatusForm(Form):
    status = HiddenField(validators=[DataRequired()])
    version = HiddenField()


class CommentForm(Form):
    text = declared_field(MinutesComment, "text")
    section_id = HiddenField()


class CorrectionForm(Form):
    """A proposed correction: why, and the corrected text. The sections' boxes are read by name
    (discussion-<agenda item>, decisions-<agenda item>, narrative-<focus area>, and the Korean discussion_ko-…,
    decisions_ko-…, narrative_ko-…), one set per record."""

    # The service names what is missing, so the corrected text typed in the boxes comes back with the refusal.
    reason = declared_field(MinutesCorrection, "reason", _l("What the correction corrects, and why"), required=False)
    next_meeting = declared_field(Minutes, "next_meeting")
    next_meeting_ko = declared_field(Minutes, "next_meeting_ko")
    # Both texts are equally authentic: a box left as it was says nothing, so a text corrected in one language only
    # is refused unless the proposer states that the other already reads correctly.
    unchanged_stated = BooleanField(_l("Where a text is corrected in one language only, its text in the other "
                                       "language already reads correctly and stays as adopted"))
    supersedes = HiddenField()


class VersionForm(Form):
    version = HiddenField()


class RestoreForm(Form):
    """Only its CSRF token: the version to restore is in the address."""


def _joined(parts: list[str]) -> str:
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return ", ".join(parts)


PERSON_TEXTS = ("name", "title", "organization", "name_ko", "title_ko", "organization_ko")


def attendance_lines(attendees, side: str) -> str:
    """The delegation as the textarea shows it: "Name, Title, Organization | 성명, 직위, 소속", one a line (the
    Korean half only when there is one)."""
    return delegation_lines({name: getattr(person, name) for name in PERSON_TEXTS}
                            for person in sorted((a for a in attendees if a.side == side), key=lambda a: a.position))


def delegation_lines(people) -> str:
    """People given as {name, title, organization, name_ko, title_ko, organization_ko} (a stored list or one sent,
    as a conflict holds them), one a line as the textarea shows them."""
    lines = []
    for person in people:
        line = _joined([person["name"], person["title"] or "", person["organization"] or ""])
        korean = _joined([person["name_ko"] or "", person["title_ko"] or "", person["organization_ko"] or ""])
        lines.append(f"{line} | {korean}" if korean else line)
    return "\n".join(lines)


def _three(text: str) -> list[str]:
    """Name, title, organization (the organization may hold further commas)."""
    return ([part.strip() for part in text.split(",", 2)] + ["", ""])[:3]


def parse_attendance(text: str | None) -> list[dict[str, str]]:
    """Each non-empty line → name, title, organization and, after a "|", their Korean texts."""
    people = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        english, _bar, korean = line.partition("|")
        name, title, organization = _three(english)
        name_ko, title_ko, organization_ko = _three(korean)
        people.append({"name": name, "title": title, "organization": organization, "name_ko": name_ko,
                       "title_ko": title_ko, "organization_ko": organization_ko})
    return people


class RaiseActionForm(Form):
    """A new action item raised from a section of the minutes: what the action item form asks (jcm.actions.forms),
    less what the section gives — the meeting and the agenda item — and its status (a new item is open). The owners
    on each side are "user:<id>" or "organization:<id>", checked by the action items' own rules."""

    title = declared_field(ActionItem, "title")
    title_ko = declared_field(ActionItem, "title_ko")
    focus_area_id = declared_field(ActionItem, "focus_area_id", required=False)  # the agenda item's first by default
    owners_us = SelectMultipleField(_l("Owners on the U.S. side"), validators=[Optional()], validate_choice=False)
    owners_kr = SelectMultipleField(_l("Owners on the Korean side"), validators=[Optional()], validate_choice=False)
    due_date = declared_field(ActionItem, "due_date")
