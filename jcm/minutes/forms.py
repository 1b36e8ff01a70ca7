"""Forms of the minutes pages: a section's record, attendance, progress, the next meeting, review and comments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from jcm.forms import declared_field
from jcm.minutes.models import Minutes, MinutesComment, MinutesCorrection, MinutesSection, ProgressEntry


class SectionForm(FlaskForm):
    """One agenda item's record, saved on its own; `version` is the one the text was based on."""

    discussion = declared_field(MinutesSection, "discussion")
    decisions = declared_field(MinutesSection, "decisions", _l("Decisions (one per line)"))
    version = HiddenField()


class AttendanceForm(FlaskForm):
    people = TextAreaField(_l("Delegation (one person per line: Name, Title, Organization)"),
                           validators=[Optional(), Length(max=100_000)])


class ProgressForm(FlaskForm):
    status = declared_field(ProgressEntry, "status", _l("Progress"))
    narrative = declared_field(ProgressEntry, "narrative")
    version = HiddenField()


class NextMeetingForm(FlaskForm):
    next_meeting = declared_field(Minutes, "next_meeting")
    version = HiddenField()


class MinutesStatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    version = HiddenField()


class CommentForm(FlaskForm):
    text = declared_field(MinutesComment, "text")
    section_id = HiddenField()


class CorrectionForm(FlaskForm):
    """A proposed correction: why, and the corrected text. The sections' boxes are read by name
    (discussion-<agenda item>, decisions-<agenda item>, narrative-<focus area>), one pair per record."""

    # The service names what is missing, so the corrected text typed in the boxes comes back with the refusal.
    reason = declared_field(MinutesCorrection, "reason", _l("What the correction corrects, and why"), required=False)
    next_meeting = declared_field(Minutes, "next_meeting")
    supersedes = HiddenField()


class VersionForm(FlaskForm):
    version = HiddenField()


class RestoreForm(FlaskForm):
    """Only its CSRF token: the version to restore is in the address."""


def attendance_lines(attendees, side: str) -> str:
    """The delegation as the textarea shows it: "Name, Title, Organization", one a line."""
    lines = []
    for person in attendees:
        if person.side != side:
            continue
        parts = [person.name, person.title or "", person.organization or ""]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        lines.append(", ".join(parts))
    return "\n".join(lines)


def parse_attendance(text: str | None) -> list[dict[str, str]]:
    """Each non-empty line → name, title, organization (the organization may hold further commas)."""
    people = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        name, title, organization = ([part.strip() for part in line.split(",", 2)] + ["", ""])[:3]
        people.append({"name": name, "title": title, "organization": organization})
    return people
