"""The page route a "Mark as checked" button posts to (it goes back to the page it came from), and what a page
needs to show a record's texts side by side: each text's state in each language, and the check the reader may
make (templates/_bilingual.html shows them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import login_required
from markupsafe import Markup, escape

from jcm.accounts.forms import EmptyForm
from jcm.bilingual import LANGUAGES, NamedGap, StateOf, TextState, pairs, text_name, text_state
from jcm.errors import NotFound
from jcm.i18n import locale_code
from jcm.meetings.services import get_meeting
from jcm.permissions import can, require
from jcm.texts import services
from jcm.web import actor, address, int_or_none, safe_next, submit

bp = Blueprint("texts", __name__)


@bp.post("/texts/<kind>/<int:record_id>/<field>/<language>/check")
@login_required
def check(kind: str, record_id: int, field: str, language: str):
    require(actor(), "text.check")  # who asks first: a stranger learns nothing of the record
    obj = services.get_record(kind, record_id)
    require(actor(), "text.check", services.what_is_checked(obj, field, language))
    if EmptyForm().validate_on_submit():
        ok, _states = submit(None, lambda: services.check_text(actor(), obj, field, language,
                                                               int_or_none(request.form.get("revision"))))
        if ok:
            flash(_("Marked as checked."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("meetings.index"))


# --- a record's texts on a page -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckButton:
    """A "Mark as checked" the reader may press: the form it submits, where to, the revision read, and the page to
    come back to."""

    form_id: str
    action: str
    revision: int
    next: str


@dataclass(frozen=True)
class TextOnPage:
    """One text of a record in both languages as a page shows it: its name, the text in each language, its state
    in each language (none for a record being made) and, per language, the check the reader may make (none where
    they may not)."""

    state: dict[str, TextState] | None = None
    check: dict[str, CheckButton | None] | None = None
    name: str = ""
    text: dict[str, Any] | None = None

    @property
    def waiting(self) -> bool:
        """Whether the parity gate waits on it: missing, stale or not yet checked in a language."""
        return any(state.status in GAPS for state in (self.state or {}).values())


# What the parity gate waits on (jcm.bilingual.gaps): a text missing, stale or not yet checked.
GAPS = ("missing", "stale", "written")


class RecordTexts(dict):
    """A record's texts by the English field's name; a field it does not hold (or a record not yet made) shows as
    a text with no state, so a form shows its two fields without badges."""

    def __missing__(self, english: str) -> TextOnPage:
        return TextOnPage()

    @property
    def may_check(self) -> bool:
        """Whether the reader may check any of them."""
        return any(button for text in self.values() for button in (text.check or {}).values())

    @property
    def waiting(self) -> dict[str, TextOnPage]:
        """The texts the parity gate waits on, in the record's order."""
        return {english: text for english, text in self.items() if text.waiting}


@dataclass(frozen=True)
class Reader:
    """Who reads the page, as the checks weigh them: whether they check texts at all, and which side answers for
    each language (read once a request)."""

    user: Any
    may_check: bool
    answering: dict[str, str]
    # The side that answers for each language in each agreement the page's records belong to, by its id: read once
    # a request, not once a record (nothing holds the agreement between two records, so the session would read it
    # again from the database for each).
    answering_in: dict[int | None, dict[str, str]] = field(default_factory=dict)
    # Each text's name in the reader's language (text_name), worked out once a request: a page of minutes names
    # the same few texts of a hundred records.
    names: dict[tuple[type, str, str], str] = field(default_factory=dict)
    # Whether they may check a text, by what the rule "text.check" weighs of it (services.TextCheck), worked out once
    # a request: a page of minutes asks it of hundreds of texts, in a handful of states.
    checks: dict[services.TextCheck, bool] = field(default_factory=dict)
    # The agreement of each minutes, meeting or record that names its own (services.agreement_id_of), by what
    # answering_for keys it on: read once a request.
    agreements: dict[tuple, int | None] = field(default_factory=dict)

    def may_check_text(self, check: services.TextCheck) -> bool:
        if check not in self.checks:
            self.checks[check] = self.may_check and can(self.user, "text.check", check)
        return self.checks[check]

    def name_of(self, model: type, english: str, locale: str) -> str:
        """text_name(model, english) in the reader's language, `locale` (looked up by the caller once for a record's
        texts: flask-babel finds it again at each call)."""
        key = (model, english, locale)
        if key not in self.names:
            self.names[key] = text_name(model, english)
        return self.names[key]

    def answering_for(self, obj: Any) -> dict[str, str]:
        """The side that answers for each language in the agreement obj belongs to (the agreement found once for
        the records of the same minutes or meeting: a page of minutes holds a hundred)."""
        held_by = (type(obj), getattr(obj, "minutes_id", None), getattr(obj, "meeting_id", None),
                   getattr(obj, "agreement_id", None))
        if held_by not in self.agreements:
            self.agreements[held_by] = services.agreement_id_of(obj)
        agreement_id = self.agreements[held_by]
        if agreement_id not in self.answering_in:
            self.answering_in[agreement_id] = {language: services.answering_side(language, obj)
                                               for language in LANGUAGES}
        return self.answering_in[agreement_id]

    @property
    def language(self) -> str | None:
        """The language the reader's side answers for, when the reader checks texts."""
        return next((language for language, side in self.answering.items()
                     if self.may_check and side == self.user.side), None)


def reader() -> Reader:
    if "texts_reader" not in g:
        user = actor()
        may_check = user is not None and can(user, "text.check")  # the role first: most readers check nothing
        g.texts_reader = Reader(user, may_check, {language: services.answering_side(language)
                                                  for language in LANGUAGES} if may_check else {})
    return g.texts_reader


def texts_of(obj: Any, back: str | None = None, state_of: StateOf = text_state) -> RecordTexts:
    """Every text of obj, in both languages, for the page being shown: a check button exactly where the reader's
    check would be accepted (the rule "text.check"), coming back to this page, or to `back` (a page shown in answer
    to a form's POST comes back to the address that shows it, such as the minutes' section it was sent from). The
    states as `state_of` gives them: a page that lists the same texts' gaps shares them (bilingual.PageStates)."""
    texts = RecordTexts()
    if obj is None or getattr(obj, "id", None) is None:
        return texts
    who = reader()
    kind = type(obj).__tablename__
    # Where a check button comes back to: only a reader who checks texts is shown any.
    here = (safe_next(back) or safe_next(request.full_path.rstrip("?")) or request.path) if who.may_check else ""
    answering = who.answering_for(obj) if who.may_check else {}
    locale = locale_code()
    for pair in pairs(type(obj)):
        state = {language: state_of(obj, pair.english, language) for language in LANGUAGES}
        check: dict[str, CheckButton | None] = {}
        for language in LANGUAGES:
            allowed = who.may_check and who.may_check_text(services.TextCheck(
                language, answering[language], state[language].status))
            check[language] = CheckButton(
                form_id=f"check-{kind}-{obj.id}-{pair.english}-{language}",
                action=address("texts.check", kind=kind, record_id=obj.id, field=pair.english, language=language),
                revision=state[language].revision, next=here) if allowed else None
        texts[pair.english] = TextOnPage(state, check, who.name_of(type(obj), pair.english, locale),
                                         {language: getattr(obj, pair.field(language)) for language in LANGUAGES})
    return texts


def gap_lines(gaps: list[NamedGap]) -> Markup:
    """The list items of templates/_text_gaps.html, one for each gap: printed here rather than by the template's
    loop, as a meeting's minutes may have hundreds of gaps (the lines as the loop laid them out). What each line says
    of its record's kind, its text and state, the same few again and again, is written once for all."""
    heads: dict[tuple[str, str], str] = {}
    tails: dict[tuple[str, str], str] = {}
    lines = []
    for gap in gaps:
        head, tail = heads.get((gap.status, gap.kind)), tails.get((gap.field, gap.language))
        if head is None:
            head = heads[gap.status, gap.kind] = (f'\n          <li class="text-gap text-gap--{escape(gap.status)}" '
                                                  f'data-kind="{escape(gap.kind)}" ')
        if tail is None:
            tail = tails[gap.field, gap.language] = (f'data-field="{escape(gap.field)}" '
                                                     f'data-language="{escape(gap.language)}">')
        lines.append(f'{head}data-id="{gap.id}" {tail}{escape(gap.label)}</li>\n        ')
    return Markup("".join(lines))


# --- a meeting's texts to check -------------------------------------------------------------------------------

def _record_page(obj: Any, meeting_id: int) -> str:
    """Where a record of the meeting is read and written: the meeting's page, the minutes' or the action item's."""
    kind = type(obj).__tablename__
    if kind == "meeting":
        return url_for("meetings.show", meeting_id=meeting_id)
    if kind == "agenda_item":
        return url_for("meetings.show", meeting_id=meeting_id) + f"#item-{obj.id}"
    if kind == "action_item":
        return url_for("actions.show", item_id=obj.id)
    anchors = {"minutes": "next-meeting", "minutes_section": f"section-{obj.id}", "attendee": "attendance",
               "progress_entry": f"progress-{getattr(obj, 'focus_area_id', '')}"}
    return url_for("minutes.show", meeting_id=meeting_id) + f"#{anchors.get(kind, 'review')}"


@dataclass(frozen=True)
class RecordOnPage:
    """A record the gate weighs, as the page of a meeting's texts lists it: named as the gate names it, with the
    page it is written on, all its texts and those shown."""

    name: str
    page: str
    texts: RecordTexts
    shown: dict[str, TextOnPage]


@bp.get("/meetings/<int:meeting_id>/texts")
@login_required
def meeting(meeting_id: int):
    """Every text of the meeting's agenda and minutes the parity gate waits on (or, with all=1, every text), each
    in both languages with its state, and the checks the reader's side may make — one by one, or every text
    written in its language at once."""
    found = get_meeting(meeting_id)
    require(actor(), "meeting.view", found)
    show_all = request.args.get("all") == "1"
    who = reader()
    groups, written, counts = [], {}, dict.fromkeys(GAPS, 0)
    for group in services.meeting_texts(found):
        records = []
        for weighed in group.records:
            texts = texts_of(weighed.obj)
            shown = dict(texts) if show_all else texts.waiting
            if shown:
                records.append(RecordOnPage(weighed.name, _record_page(weighed.obj, found.id), texts, shown))
            if who.language:
                for english, text in texts.items():
                    status = text.state[who.language].status
                    if status in counts:
                        counts[status] += 1
                    if status == "written" and text.check[who.language]:
                        written[services.text_key(weighed.obj, english)] = text.state[who.language].revision
        groups.append((group.act, records))
    return render_template("texts/meeting.html", meeting=found, groups=groups, show_all=show_all,
                           language=who.language, counts=counts, written=written, form=EmptyForm(formdata=None))


@bp.post("/meetings/<int:meeting_id>/texts/<language>/check")
@login_required
def check_written(meeting_id: int, language: str):
    """The secretariat answering for `language` checks every text written in it that the page listed, as read."""
    require(actor(), "text.check")  # who asks first: a stranger learns nothing of the meeting
    if language not in LANGUAGES:
        raise NotFound(_("There is no such language: use en or ko."))
    found = get_meeting(meeting_id)
    require(actor(), "text.check", services.TextCheck(language, services.answering_side(language, found), "written"))
    back = url_for("texts.meeting", meeting_id=meeting_id)
    if EmptyForm().validate_on_submit():
        seen = {}
        for entry in request.form.getlist("text"):
            key, _sep, revision = entry.rpartition("@")
            if key and revision.isdigit():
                seen[key] = int(revision)
        records = [weighed.obj for group in services.meeting_texts(found) for weighed in group.records]
        ok, result = submit(None, lambda: services.check_written_texts(actor(), records, language, seen))
        if ok:
            checked, left = result
            flash(ngettext("%(num)d text has been marked as checked.", "%(num)d texts have been marked as checked.",
                           checked), "success")
            if left:
                flash(ngettext("%(num)d text changed since you read it and was left unchecked: look at it again.",
                               "%(num)d texts changed since you read them and were left unchecked: look at them "
                               "again.", left), "error")
    return redirect(back)
