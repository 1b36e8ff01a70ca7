"""The columns of the action-item lists, each declared once: its header, how its value is read from an item, and
which lists show it — the register page, the CSV and Excel exports, the review on a meeting's page and the cards of
"My action items" all take their columns from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Mapping

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from jcm.actions.models import ACTION_STATUS_LABELS, ActionItem
from jcm.i18n import localized

# The lists that show action items in columns.
REGISTER = "register"  # the register page's table
EXPORT = "export"  # the CSV and XLSX exports
REVIEW = "review"  # the review of the action items carried over to a meeting, on the meeting's page
MINE = "mine"  # "My action items": a card for each item

# The lines of a card, in order: the heading, a line of facts, a line of owners.
CARD_LINES = ("heading", "facts", "owners")


def owner_names(item: ActionItem, side: str, locale: str) -> str:
    """The owners on one side as plain text, in the reader's language: a person's name or an agency's."""
    return "; ".join(owner.label(locale) for owner in item.owners_on(side))


# How a column reads its value: from the item, for a reader of `locale` on `today`; a str, a date or a datetime.
Read = Callable[[ActionItem, str, date], object]


@dataclass(frozen=True)
class Column:
    """One column of the action-item lists: what it is called, what it holds, and where it is shown."""

    key: str
    header: LazyString  # in the reader's language once it is rendered
    read: Read
    lists: frozenset[str]
    # A page's table may head the column more briefly than a spreadsheet does.
    page_header: LazyString | None = None
    # The owners on one side: the page heads the column with that side's badge.
    side: str | None = None
    # The name of the macro in templates/actions/_macros.html that shows the cell on a page, when it needs
    # markup (a link, a badge); without one the page shows the value as text.
    cell: str | None = None
    # A fixed width in the workbook; otherwise the widest value decides.
    width: float | None = None
    # Where a card shows it: its line (one of CARD_LINES) and its place on that line; and how the card introduces
    # it there, "%(value)s" standing for the cell ("due %(value)s").
    card: tuple[str, int] | None = None
    card_text: LazyString | None = None
    # What a list shows differently in the cell: {list: {option of the cell's macro: value}}.
    cell_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, hash=False)

    @property
    def page_heading(self) -> LazyString:
        return self.page_header if self.page_header is not None else self.header

    def options_in(self, list_name: str | None) -> Mapping[str, Any]:
        return self.cell_options.get(list_name, {}) if list_name else {}

    def on_card(self, cell: Markup) -> Markup:
        """The cell as a card introduces it ("due Jan 15, 2024"), in the reader's language."""
        return escape(str(self.card_text)) % {"value": cell} if self.card_text is not None else cell


def _status(item: ActionItem, locale: str, today: date) -> str:
    label = ACTION_STATUS_LABELS.get(item.status)
    return str(label) if label is not None else item.status


def _overdue(item: ActionItem, locale: str, today: date) -> str:
    return str(_l("yes")) if item.is_overdue(today) else str(_l("no"))


BOTH = frozenset({REGISTER, EXPORT})
# The review on a meeting's page names the people who own an item, without their agencies, and nothing for none.
NAMES_ONLY = {REVIEW: {"agencies": False, "empty": ""}}

COLUMNS: tuple[Column, ...] = (
    Column("ref", _l("Reference"), lambda item, locale, today: item.ref, BOTH | {REVIEW, MINE}, cell="cell_ref",
           card=("heading", 1)),
    # A page shows the title in the reader's language (the other's, marked, when theirs has none yet); the
    # spreadsheets carry both texts side by side.
    Column("title", _l("Title (English)"), lambda item, locale, today: item.title, BOTH | {REVIEW, MINE},
           page_header=_l("Action"), cell="cell_title", card=("heading", 2)),
    Column("title_ko", _l("Title (Korean)"), lambda item, locale, today: item.title_ko, frozenset({EXPORT})),
    Column("focus_area", _l("Focus area"), lambda item, locale, today: item.focus_area.code, BOTH | {MINE},
           cell="cell_focus_area", card=("facts", 3)),
    Column("focus_area_title", _l("Focus area title"),
           lambda item, locale, today: localized(item.focus_area, "title", locale), frozenset({EXPORT})),
    Column("meeting", _l("Origin meeting"), lambda item, locale, today: localized(item.meeting, "title", locale),
           frozenset({EXPORT})),
    Column("owners_us", _l("U.S. owners"), lambda item, locale, today: owner_names(item, "US", locale),
           BOTH | {REVIEW, MINE}, page_header=_l("Owners"), side="US", cell="cell_owners", cell_options=NAMES_ONLY,
           card=("owners", 1), card_text=_l("U.S.: %(value)s")),
    Column("owners_kr", _l("Korean owners"), lambda item, locale, today: owner_names(item, "KR", locale),
           BOTH | {REVIEW, MINE}, page_header=_l("Owners"), side="KR", cell="cell_owners", cell_options=NAMES_ONLY,
           card=("owners", 2), card_text=_l("Korea: %(value)s")),
    Column("due_date", _l("Due date"), lambda item, locale, today: item.due_date, BOTH | {REVIEW, MINE},
           page_header=_l("Due"), cell="cell_due_date", width=12, card=("facts", 2), card_text=_l("due %(value)s")),
    Column("status", _l("Status"), _status, BOTH | {MINE}, cell="cell_status", card=("facts", 1)),
    Column("overdue", _l("Overdue"), _overdue, frozenset({EXPORT})),
    Column("updated_at", _l("Last update (UTC)"),
           lambda item, locale, today: item.updated_at.replace(microsecond=0, tzinfo=None), frozenset({EXPORT}),
           width=17),
)


def columns_of(list_name: str, registry: Iterable[Column] = COLUMNS) -> tuple[Column, ...]:
    """The columns a list shows, in the registry's order."""
    return tuple(column for column in registry if list_name in column.lists)


def card_lines(registry: Iterable[Column] = COLUMNS) -> dict[str, tuple[Column, ...]]:
    """The lines of a card of "My action items", each with its columns in their places."""
    columns = columns_of(MINE, registry)
    return {line: tuple(sorted((column for column in columns if column.card[0] == line),
                               key=lambda column: column.card[1]))
            for line in CARD_LINES}
