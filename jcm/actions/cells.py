"""The cells of the action-item lists on pages — the register, the review on a meeting's page, the cards of "My
action items" — and the status and owners an action item's own page shows: one printer for each `cell` a column of
the registry names (jcm/actions/columns.py), printing the cell's markup for one item; a column without one shows its
value as text.

They are printed here rather than by a macro each, as the documents' cells are (jcm/documents/cells.py): the review
of the 300 action items carried over to a meeting has 1,500 cells, and each call from a template (a macro, a
`locale_code()`, a filter that looks up the reader's locale again) costs more than the cell itself. What every cell
of a list says alike is made once for the list, by `Cells`: the reader's language, the labels of the statuses and
outcomes; and each date is written once in each language for every list (`written_day`).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, Callable

from babel import Locale
from babel.dates import get_date_format, parse_pattern

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from jcm.actions.columns import Column
from jcm.actions.models import ACTION_STATUS_LABELS, REVIEW_OUTCOME_LABELS
from jcm.i18n import locale_code, localized, marked


class Cells:
    """The cells of one list of action items on a page, for the reader of the request: `cells(column, item)`.
    `listing` is the list (columns.REGISTER, REVIEW or MINE), whose options a column's cell takes."""

    def __init__(self, today: date, listing: str | None = None):
        self.today, self.listing = today, listing
        self.locale = locale_code()
        self._introductions: dict[str, tuple[Markup, Markup]] = {}
        self._words: dict[tuple[int, str], Markup] = {}
        self._owners: dict[tuple, Markup] = {}
        self.overdue = Markup(_("Overdue"))  # as a template says it: a translation is taken as markup
        self.item_url = address_of("actions.show")

    def __call__(self, column: Column, item: Any) -> Markup:
        if column.cell is None:
            return escape(column.read(item, self.locale, self.today))
        return PRINTERS[column.cell](self, item, column, **column.options_in(self.listing))

    def row(self, columns: tuple[Column, ...], item: Any) -> list[Markup]:
        """An item's cells in these columns, for a table's row to lay out: one call for the row rather than one a
        cell."""
        return [self(column, item) for column in columns]

    def day(self, day: date) -> str:
        """A date as the dateformat('medium') filter writes it."""
        return written_day(self.locale, day)

    def owners(self, item: Any, side: str, agencies: bool = True, empty: str = "—") -> Markup:
        """The owners on one side, as every page shows them: people by name, agencies by name with their acronym,
        `empty` for none. The review on a meeting's page lists names only (agencies=False, empty='')."""
        shown = [self.owner(owner, agencies) for owner in item.owners_on(side)]
        return Markup(", ").join(shown) if shown else escape(empty)

    def owner(self, owner: Any, agencies: bool = True) -> Markup:
        """One owner, as owners() shows them: each person or agency printed once for the list."""
        key = (owner.user_id, owner.organization_id, agencies)
        if key not in self._owners:
            self._owners[key] = escape(owner.label(self.locale)) + (
                Markup(f' <span class="muted">({escape(owner.organization.acronym)})</span>')
                if agencies and owner.organization else "")
        return self._owners[key]

    def status(self, item: Any) -> Markup:
        said = Markup(f'<span class="status status--{escape(item.status)}">{self.word(item.status)}</span>')
        if item.is_overdue(self.today):
            said += Markup(f' <span class="status status--overdue">{self.overdue}</span>')
        return said

    def card_line(self, columns: tuple[Column, ...], item: Any, separator: str) -> Markup:
        """A line of a card of "My action items" (columns.card_lines): its columns' cells, each as the card
        introduces it, between separators."""
        return escape(separator).join(self.on_card(column, self(column, item)) for column in columns)

    def on_card(self, column: Column, cell: Markup) -> Markup:
        """A cell as a card introduces it ("due Jan 15, 2024"; the column's card_text), its words translated once
        for the list."""
        if column.card_text is None:
            return cell
        if column.key not in self._introductions:  # the words before the value and after it, as % would put them
            before, _value, after = (escape(str(column.card_text)) % {"value": _VALUE}).partition(_VALUE)
            self._introductions[column.key] = (before, after)
        before, after = self._introductions[column.key]
        return before + cell + after

    def raised(self, item: Any) -> Markup:
        """An action item raised at a meeting, as the meeting's page lists them: its reference (a link), its title,
        its due date and its status."""
        return Markup(f'{cell_ref(self, item)} {cell_title(self, item)} <span class="muted">· '
                      f'{escape(self.day(item.due_date))}</span> <span class="status status--{escape(item.status)}">'
                      f'{self.word(item.status)}</span>')

    def word(self, status: str) -> Markup:
        """A status's label in the reader's language."""
        return self._label(ACTION_STATUS_LABELS, status)

    def outcome(self, outcome: str) -> Markup:
        """The label of the outcome a meeting recorded for an item, in the reader's language."""
        return self._label(REVIEW_OUTCOME_LABELS, outcome)

    def _label(self, labels: dict, key: str) -> Markup:
        """A label translated once for the list (and, as a template prints a translation, taken as markup)."""
        if (id(labels), key) not in self._words:
            self._words[id(labels), key] = Markup(labels[key])
        return self._words[id(labels), key]


_NUMBER = 987_654_321  # stands for the number in an address made once (address_of)
_VALUE = "\x00"  # stands for a cell in the words a card introduces it with (Cells.on_card)


def address_of(endpoint: str, key: str = "item_id") -> Callable[[int], str]:
    """url_for(endpoint, **{key: n}) for each of many numbers n: the address made once, the number put in its place
    for each (url_for for each of the hundreds of items of a list cost more than the rest of their cells)."""
    before, _number, after = url_for(endpoint, **{key: _NUMBER}).partition(str(_NUMBER))
    return lambda number: f"{before}{int(number)}{after}"


@lru_cache(maxsize=20_000)
def written_day(locale: str, day: date) -> str:
    """A date as the dateformat('medium') filter writes it for a reader of `locale`, written once for every list: the
    dates of a committee's action items are a few thousand."""
    language = Locale.parse(locale)
    return parse_pattern(get_date_format("medium", locale=language)).apply(day, language)


def cell_ref(cells: Cells, item: Any, column: Column | None = None) -> Markup:
    return Markup(f'<a href="{escape(cells.item_url(item.id))}">{escape(item.ref)}</a>')


def cell_title(cells: Cells, item: Any, column: Column | None = None) -> Markup:
    return marked(localized(item, "title", cells.locale))


def cell_focus_area(cells: Cells, item: Any, column: Column) -> Markup:
    area = item.focus_area
    return Markup(f'<span class="fa__code" title="{escape(localized(area, "title", cells.locale))}">'
                  f'{escape(area.code)}</span>')


def cell_owners(cells: Cells, item: Any, column: Column, agencies: bool = True, empty: str = "—") -> Markup:
    return cells.owners(item, column.side, agencies=agencies, empty=empty)


def cell_due_date(cells: Cells, item: Any, column: Column) -> Markup:
    return Markup(f'<time datetime="{item.due_date.isoformat()}">{escape(cells.day(item.due_date))}</time>')


def cell_status(cells: Cells, item: Any, column: Column) -> Markup:
    return cells.status(item)


# The printers by the name a column gives its `cell`.
PRINTERS: dict[str, Callable[..., Markup]] = {
    "cell_ref": cell_ref, "cell_title": cell_title, "cell_focus_area": cell_focus_area, "cell_owners": cell_owners,
    "cell_due_date": cell_due_date, "cell_status": cell_status}


class ReviewRows:
    """The rows of the review on a meeting's page (templates/actions/_meeting.html), printed here rather than by the
    template: each of the fifty items on a page of the review is a row of its cells, the outcome recorded for it and,
    for a secretariat that records outcomes, a form of a dozen parts. What every row's form says alike — its address,
    its token, its words and the outcomes' labels — is made once for the page. `rows(items)`: the rows of a table."""

    def __init__(self, cells: Cells, columns: tuple[Column, ...], reviews: dict[int, Any], page: int,
                 action: str | None = None, token: Markup | None = None):
        self.cells, self.columns, self.reviews = cells, columns, reviews
        self.form = None
        if action is not None:  # the form of those who record outcomes
            # A template's words are taken as markup, as {{ _("…") }} takes them; the labels as text.
            self.words = {word: Markup(_(word)) for word in ("Outcome", "New due date", "Note", "Record",
                                                             "— choose —")}
            self.outcomes = [(escape(code), escape(str(label))) for code, label in REVIEW_OUTCOME_LABELS.items()]
            self.form = (f'\n              <form method="post" action="{escape(action)}" class="review-form">\n'
                         f'                {token}')
            self.page = (f'<input type="hidden" name="page" value="{page}">' if page > 1 else "")

    def __call__(self, items: list[Any]) -> Markup:
        return Markup("".join(self.row(item) for item in items))

    def row(self, item: Any) -> str:
        review = self.reviews.get(item.id)
        overdue = ' class="is-overdue"' if item.is_overdue(self.cells.today) else ""
        cells = "".join(f"\n          <td>{cell}</td>" for cell in self.cells.row(self.columns, item))
        recorded = ""
        if review:
            recorded = f'<span class="status status--{escape(review.outcome)}">{self.cells.outcome(review.outcome)}</span>'
            if review.new_due_date:
                recorded += f" → {escape(self.cells.day(review.new_due_date))}"
            if review.note:
                recorded += f'<br><span class="muted">{escape(review.note)}</span>'
        form = self.form_of(item, review) if self.form is not None else ""
        return (f'\n        \n        <tr id="review-{item.id}"{overdue}>{cells}\n          <td>\n            {recorded}\n'
                f'            {form}\n          </td>\n        </tr>\n      ')

    def form_of(self, item: Any, review: Any) -> str:
        """The form recording the item's outcome, each of its fields naming the item to the ear."""
        words, heard = self.words, f'<span class="visually-hidden"> · {escape(item.ref)}</span>'
        chosen = review.outcome if review else None
        options = "".join(f'<option value="{code}" {"selected" if code == chosen else ""}>{label}</option>'
                          for code, label in self.outcomes)
        due = review.new_due_date.isoformat() if review and review.new_due_date else ""
        note = escape(review.note) if review else ""
        return (f'{self.form}<input type="hidden" name="action_item_id" value="{item.id}">{self.page}\n'
                f'                <label>{words["Outcome"]}{heard} <select name="outcome" required><option value="">'
                f'{words["— choose —"]}</option>{options}</select></label>\n'
                f'                <label>{words["New due date"]}{heard} <input type="date" name="new_due_date" '
                f'value="{due}"></label>\n'
                f'                <label>{words["Note"]}{heard} <input type="text" name="note" maxlength="5000" '
                f'value="{note}"></label>\n'
                f'                <button type="submit" class="button button--small">{words["Record"]}{heard}</button>\n'
                f'              </form>\n            ')
