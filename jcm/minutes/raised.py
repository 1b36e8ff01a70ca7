"""The action items raised at a section of the minutes, as the section lists them (templates/minutes/_actions.html),
and the choices the form to raise one more offers.

The rows are printed here rather than by a macro, as they once were: a meeting of a long-running agreement raises a
hundred items, and a macro called for each (with a filter, a `locale_code()` and a side's badge for each owner's
side) cost more than the rows. What every row says alike — the reader's language, the word "Due", the sides'
badges, each date as written — is made once for the page by `RaisedRows`. The choices of the form's lists are
printed once for the page too, by `Options`: each section's form offers the same owners and focus areas.
"""

from __future__ import annotations

from typing import Any, Iterable

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from jcm.i18n import date_formatter, locale_code, localized
from jcm.minutes.services import RaisedItem
from jcm.models import SIDES


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
            f'    <a class="code" href="{escape(url_for("actions.show", item_id=item.id))}">{escape(item.ref)}</a>\n'
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
