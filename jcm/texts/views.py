"""The page route a "Mark as checked" button posts to (it goes back to the page it came from), and what a page
needs to show a record's texts side by side: each text's state in each language, and the check the reader may
make (templates/_bilingual.html shows them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from jcm.accounts.forms import EmptyForm
from jcm.bilingual import LANGUAGES, TextState, pairs, text_state
from jcm.permissions import can, require
from jcm.texts import services
from jcm.web import actor, int_or_none, safe_next, submit

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
    """One text of a record in both languages as a page shows it: its state in each language (none for a record
    being made) and, per language, the check the reader may make (none where they may not)."""

    state: dict[str, TextState] | None = None
    check: dict[str, CheckButton | None] | None = None


class RecordTexts(dict):
    """A record's texts by the English field's name; a field it does not hold (or a record not yet made) shows as
    a text with no state, so a form shows its two fields without badges."""

    def __missing__(self, english: str) -> TextOnPage:
        return TextOnPage()

    @property
    def may_check(self) -> bool:
        """Whether the reader may check any of them."""
        return any(button for text in self.values() for button in (text.check or {}).values())


def texts_of(obj: Any, back: str | None = None) -> RecordTexts:
    """Every text of obj, in both languages, for the page being shown: a check button exactly where the reader's
    check would be accepted (the rule "text.check"), coming back to this page, or to `back` (a page shown in answer
    to a form's POST comes back to the address that shows it, such as the minutes' section it was sent from)."""
    texts = RecordTexts()
    if obj is None or getattr(obj, "id", None) is None:
        return texts
    reader = actor()
    may_check = reader is not None and can(reader, "text.check")  # the role first: most readers check nothing
    kind = type(obj).__tablename__
    here = safe_next(back) or safe_next(request.full_path.rstrip("?")) or request.path
    answering = {language: services.answering_side(language, obj) for language in LANGUAGES} if may_check else {}
    for pair in pairs(type(obj)):
        state = {language: text_state(obj, pair.english, language) for language in LANGUAGES}
        check: dict[str, CheckButton | None] = {}
        for language in LANGUAGES:
            allowed = may_check and can(reader, "text.check", services.TextCheck(
                language, answering[language], state[language].status))
            check[language] = CheckButton(
                form_id=f"check-{kind}-{obj.id}-{pair.english}-{language}",
                action=url_for("texts.check", kind=kind, record_id=obj.id, field=pair.english, language=language),
                revision=state[language].revision, next=here) if allowed else None
        texts[pair.english] = TextOnPage(state, check)
    return texts
