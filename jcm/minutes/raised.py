"""The action items of a section of the minutes: those raised at its agenda item, and — for a secretariat writing
the minutes — a form to raise one more, with the owners on each side (`SectionActions`). The form posts and the page
reloads; with the script (jcm.js) it saves in place, and the answer's row (`RaisedRows`, as the page prints it) joins
the list.

Printed here rather than by macros, as they once were: a meeting of a long-running agreement raises a hundred items
at forty sections, and a macro called for each row and each section's form cost more than what they print. What
every row and form says alike — the reader's language, the words, the sides' badges, each date as written — is made
once for the page. The choices of the form's lists are printed once for the page too, by `Options`: each section's
form offers the same owners and focus areas.
"""

from __future__ import annotations

from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape

from jcm.i18n import date_formatter, locale_code, localized
from jcm.minutes.columns import PageWords
from jcm.minutes.services import RaisedItem
from jcm.models import SIDES
from jcm.web import address


class RaisedRows:
    """The list items of the action items raised at the sections, for the reader of the request: `rows(item)`."""

    def __init__(self) -> None:
        self.locale = locale_code()
        self._date = date_formatter("medium")
        self._days: dict[Any, str] = {}
        self.due = Markup(_("Due"))  # as a template says it: a translation is taken as markup
        side_badge = getattr(current_app.jinja_env.get_template("_macros.html").module, "side_badge")
        self.badges = {side: side_badge(side) for side in SIDES}

    def day(self, day) -> str:
        if day not in self._days:
            self._days[day] = self._date(day)
        return self._days[day]

    def owners(self, item: RaisedItem, side: str) -> Markup:
        korean = self.locale == "ko"
        return Markup(", ").join(escape(name_ko if korean and name_ko else name) for name, name_ko in item.owners[side])

    def __call__(self, item: RaisedItem) -> Markup:
        sides = "".join(f"\n        · {self.badges[side]} {self.owners(item, side)}\n      " for side in SIDES)
        return Markup(
            f'<li class="section-actions__item" id="raised-action-{item.id}">\n'
            f'    <a class="code" href="{escape(address("actions.show", item_id=item.id))}">{escape(item.ref)}</a>\n'
            f'    <span class="section-actions__title">{escape(localized(item, "title", self.locale))}</span>\n'
            f'    <span class="section-actions__facts">\n'
            f'      <span class="code">{escape(item.area_code)}</span>\n'
            f'      · {self.due} <time datetime="{item.due_date.isoformat()}">{escape(self.day(item.due_date))}</time>\n'
            f'      {sides}\n'
            f'    </span>\n'
            f'  </li>')


class Options:
    """The <option>s of a list of choices, (value, label) pairs, with those `chosen` selected: `options(chosen)`,
    printed once for each different choice made, however many forms of the page offer the list."""

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        self.choices = [(value, escape(label)) for value, label in choices]
        self._printed: dict[tuple, Markup] = {}

    def __call__(self, chosen: Iterable[Any] = ()) -> Markup:
        chosen = tuple(chosen)
        if chosen not in self._printed:
            self._printed[chosen] = Markup("".join(
                f'<option value="{escape(value)}"{" selected" if value in chosen else ""}>{label}</option>'
                for value, label in self.choices))
        return self._printed[chosen]


def _errors(form: Any, name: str) -> Markup:
    return Markup("".join(f'<p class="field__error">{escape(error)}</p>' for error in form[name].errors)) \
        if form is not None else Markup("")


def _invalid(form: Any, name: str) -> str:
    return ' aria-invalid="true"' if form is not None and form[name].errors else ""


class SectionActions:
    """A section's action items and, where the reader may raise one, its form: `actions(section, rows, form,
    first_area, csrf_field)`, with `rows` the list items of its action items (RaisedRows), and `form` a refused form
    with what was typed, else none (the section's first focus area then chosen). `owners`: {side: the options of its
    owners}; `areas`: the options of the focus areas."""

    def __init__(self, words: PageWords, can_raise: bool, owners: dict[str, Options], areas: Options) -> None:
        self.can_raise, self.owners, self.areas = can_raise, owners, areas
        self.words = {word: words(word) for word in (
            "Action items raised here", "None yet.", "Raise an action item", "Please correct the marked fields.",
            "Action", "Action (Korean)", "Owners on the U.S. side", "Owners on the Korean side", "Focus area",
            "— choose a focus area —", "Due date", "Raise the action item")}

    def __call__(self, section: Any, rows: Markup, form: Any, first_area: Any, csrf_field: Markup) -> Markup:
        if not rows and not self.can_raise:
            return Markup("")
        w = self.words
        none = f'<p class="muted section-actions__none">{w["None yet."]}</p>' if not rows else ""
        raise_form = self.raise_form(section, form, first_area, csrf_field) if self.can_raise else ""
        return Markup(
            f'\n    <div class="section-actions" id="section-{section.id}-actions">\n'
            f'      <h4 class="section-actions__heading">{w["Action items raised here"]}</h4>\n'
            f'      <ul class="section-actions__list" data-section-actions>\n        {rows}\n      </ul>\n'
            f'      {none}\n      {raise_form}\n    </div>\n  ')

    def raise_form(self, section: Any, form: Any, first_area: Any, csrf_field: Markup) -> str:
        w, sid, typed = self.words, section.id, form is not None
        alert = (f'\n        <div class="form-errors" role="alert">\n'
                 f'          <p>{w["Please correct the marked fields."]}</p>\n        </div>\n      ') \
            if typed and form.errors else ""
        titles = "".join(
            f'\n          <div class="field text-pair__text text-pair__text--{language}">\n'
            f'            <label for="action-{box}-{sid}">{w[label]}</label>\n'
            f'            <input type="text" id="action-{box}-{sid}" name="{name}" maxlength="300" lang="{language}"\n'
            f'                   value="{escape(form[name].data or "") if typed else ""}"'
            f'{" required" if language == "en" else ""}{_invalid(form, name)}>\n'
            f'            {_errors(form, name)}\n          </div>\n        '
            for name, box, language, label in (("title", "title", "en", "Action"),
                                               ("title_ko", "title-ko", "ko", "Action (Korean)")))
        owners = "".join(
            f'\n          \n          <div class="field">\n'
            f'            <label for="action-{box}-{sid}">{w[label]}</label>\n'
            f'            <select id="action-{box}-{sid}" name="{name}" multiple size="4"{_invalid(form, name)}>\n'
            f'              {self.owners[side]((form[name].data or []) if typed else [])}\n            </select>\n'
            f'            {_errors(form, name)}\n          </div>\n        '
            for side, name, box, label in (("US", "owners_us", "owners-us", "Owners on the U.S. side"),
                                           ("KR", "owners_kr", "owners-kr", "Owners on the Korean side")))
        area = form.focus_area_id.data if typed else first_area
        due = escape((form.due_date.raw_data or [""])[0]) if typed else ""
        return (
            f'\n  \n  <details class="section-actions__raise"{" open" if typed else ""}>\n'
            f'    <summary>{w["Raise an action item"]}<span class="visually-hidden"> · '
            f'{escape(localized(section.agenda_item, "title"))}</span></summary>\n'
            f'    <form method="post" action="{escape(address("minutes.raise_action_item", section_id=sid))}" '
            f'class="form raise-action-form"\n          data-live-save data-raise-action novalidate>\n'
            f'      {csrf_field}\n      {alert}\n      <div class="text-pair">\n        {titles}\n      </div>\n'
            f'      <div class="section-actions__fields">\n        {owners}\n        <div class="field">\n'
            f'          <label for="action-focus-area-{sid}">{w["Focus area"]}</label>\n          \n'
            f'          <select id="action-focus-area-{sid}" name="focus_area_id"{_invalid(form, "focus_area_id")}>\n'
            f'            <option value=""{"" if area else " selected"}>{w["— choose a focus area —"]}</option>\n'
            f'            {self.areas([area])}\n          </select>\n          {_errors(form, "focus_area_id")}\n'
            f'        </div>\n        <div class="field">\n'
            f'          <label for="action-due-{sid}">{w["Due date"]}</label>\n'
            f'          <input type="date" id="action-due-{sid}" name="due_date" required\n'
            f'                 value="{due}"{_invalid(form, "due_date")}>\n          {_errors(form, "due_date")}\n'
            f'        </div>\n      </div>\n'
            f'      <button type="submit" class="button button--small">{w["Raise the action item"]}</button>\n'
            f'      <span class="save-state js-only" role="status" data-save-state></span>\n    </form>\n  </details>')
