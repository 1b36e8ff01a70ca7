"""The columns of the action-item lists, each declared once: its header, how its value is read from an item, and
which lists show it — the register page, the CSV and Excel exports, the review on a meeting's page, the cards of
"My action items" and the tables of action items in the agenda and the minutes all take their columns from here.

A document prints its tables from its record (jcm/documents/records.py), never from the items themselves: a column
of a document table says what it freezes into the record, and the document prints the cell from that. An agreed
agenda or adopted minutes name the columns of each of their tables in their record, so a column added here later
shows only in documents made after it; a column a record names must therefore stay in the registry (take it out of
the lists instead)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

from jcm.actions.models import ACTION_STATUS_LABELS, ActionItem, ActionReview
from jcm.i18n import localized
from jcm.models import SIDES
from jcm.records import both, iso, owner_labels

# The lists that show action items in columns.
REGISTER = "register"  # the register page's table
EXPORT = "export"  # the CSV and XLSX exports
REVIEW = "review"  # the review of the action items carried over to a meeting, on the meeting's page
MINE = "mine"  # "My action items": a card for each item
# The tables of action items in the documents, printed from their record.
AGENDA_CARRIED = "agenda-carried"  # the agenda's review of the action items carried over to it, by focus area
MINUTES_REVIEW = "minutes-review"  # the minutes' review of earlier action items
MINUTES_NEW = "minutes-new"  # the minutes' new action items
DOCUMENT_TABLES = (AGENDA_CARRIED, MINUTES_REVIEW, MINUTES_NEW)

# The lines of a card, in order: the heading, a line of facts, a line of owners.
CARD_LINES = ("heading", "facts", "owners")


def owner_names(item: ActionItem, side: str, locale: str) -> str:
    """The owners on one side as plain text, in the reader's language: a person's name or an agency's."""
    return "; ".join(owner.label(locale) for owner in item.owners_on(side))


# How a column reads its value: from the item, for a reader of `locale` on `today`; a str, a date or a datetime.
Read = Callable[[ActionItem, str, date], object]
# What a column freezes into a document's record: from the item and the outcome a meeting recorded for it (or
# None), a dict of JSON values under the keys its document cell prints.
Freeze = Callable[[ActionItem, ActionReview | None], dict[str, Any]]


@dataclass(frozen=True)
class Column:
    """One column of the action-item lists: what it is called, what it holds, and where it is shown."""

    key: str
    header: LazyString  # in the reader's language once it is rendered
    read: Read | None  # None for a column only the documents print, from what their record froze
    lists: frozenset[str]
    # What `read` takes of the item: its fields by name, or its "focus_area", "meeting" or "owners". The exports
    # read only these from the database, as plain rows rather than items (jcm/actions/exports.py), and hand `read`
    # a row that answers for them as the item would; a column of the exports must name them.
    reads: tuple[str, ...] = ()
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
    # What it freezes into every action item of a document's record; a column that declares it does so whether or
    # not a table shows it, so the items of a record all have the same keys.
    freeze: Freeze | None = None
    # How a document table prints it: the class of its <col> (its width, in print.css), and the name of the printer
    # in jcm/documents/cells.py that prints its cell (with its <td>) from an item of the record (records of /1: of
    # the macro in templates/documents/v1/_macros.html); without one the cell is the value frozen under the column's
    # key, as text. A column of each side's owners is printed
    # once for each side, in the document's order of the sides, and headed by the side's name.
    document_col: str | None = None
    document_cell: str | None = None
    each_side: bool = False
    # The document tables that show it only when the meeting recorded an outcome for any of their items.
    only_with_reviews: frozenset[str] = frozenset()

    @property
    def page_heading(self) -> LazyString:
        return self.page_header if self.page_header is not None else self.header

    def options_in(self, list_name: str | None) -> Mapping[str, Any]:
        return self.cell_options.get(list_name, {}) if list_name else {}


# The few words a column says for many rows, in each language: translated once (an export says them 10,000 times).
WORDS = {**ACTION_STATUS_LABELS, True: _l("yes"), False: _l("no")}


@lru_cache(maxsize=None)
def _word(key: str | bool, locale: str) -> str:
    with force_locale(locale):
        return str(WORDS[key])


def _status(item: ActionItem, locale: str, today: date) -> str:
    return _word(item.status, locale) if item.status in WORDS else item.status


def _overdue(item: ActionItem, locale: str, today: date) -> str:
    return _word(item.is_overdue(today), locale)


def _owners(item: ActionItem, review: ActionReview | None) -> dict[str, Any]:
    return {"owners": {side: owner_labels(item, side) for side in SIDES}}


def _outcome(item: ActionItem, review: ActionReview | None) -> dict[str, Any]:
    return {"outcome": review.outcome, "new_due_date": iso(review.new_due_date)} if review is not None else {}


BOTH = frozenset({REGISTER, EXPORT})
DOCUMENTS = frozenset(DOCUMENT_TABLES)
# The review on a meeting's page names the people who own an item, without their agencies, and nothing for none.
NAMES_ONLY = {REVIEW: {"agencies": False, "empty": ""}}

COLUMNS: tuple[Column, ...] = (
    Column("ref", _l("Reference"), lambda item, locale, today: item.ref, BOTH | DOCUMENTS | {REVIEW, MINE},
           reads=("ref",), cell="cell_ref", card=("heading", 1), freeze=lambda item, review: {"ref": item.ref},
           document_col="col-ref", document_cell="printed_ref"),
    # A page shows the title in the reader's language (the other's, marked, when theirs has none yet); the
    # spreadsheets carry both texts side by side; records freeze both ({"en", "ko"}; made before, the English alone).
    Column("title", _l("Title (English)"), lambda item, locale, today: item.title, BOTH | DOCUMENTS | {REVIEW, MINE},
           reads=("title",), page_header=_l("Action"), cell="cell_title", card=("heading", 2),
           freeze=lambda item, review: {"title": both(item, "title")}, document_col="col-action",
           document_cell="printed_title"),
    Column("title_ko", _l("Title (Korean)"), lambda item, locale, today: item.title_ko, frozenset({EXPORT}),
           reads=("title_ko",)),
    Column("focus_area", _l("Focus area"), lambda item, locale, today: item.focus_area.code,
           BOTH | {MINE, MINUTES_NEW}, reads=("focus_area",), cell="cell_focus_area", card=("facts", 3),
           freeze=lambda item, review: {"focus_area": item.focus_area.code}, document_col="col-area",
           document_cell="printed_focus_area"),
    Column("focus_area_title", _l("Focus area title"),
           lambda item, locale, today: localized(item.focus_area, "title", locale), frozenset({EXPORT}),
           reads=("focus_area",)),
    Column("meeting", _l("Origin meeting"), lambda item, locale, today: localized(item.meeting, "title", locale),
           frozenset({EXPORT}), reads=("meeting",)),
    Column("owners_us", _l("U.S. owners"), lambda item, locale, today: owner_names(item, "US", locale),
           BOTH | {REVIEW, MINE}, reads=("owners",), page_header=_l("Owners"), side="US", cell="cell_owners",
           cell_options=NAMES_ONLY, card=("owners", 1), card_text=_l("U.S.: %(value)s")),
    Column("owners_kr", _l("Korean owners"), lambda item, locale, today: owner_names(item, "KR", locale),
           BOTH | {REVIEW, MINE}, reads=("owners",), page_header=_l("Owners"), side="KR", cell="cell_owners",
           cell_options=NAMES_ONLY, card=("owners", 2), card_text=_l("Korea: %(value)s")),
    # The documents give the owners a column for each side, in the document's order of the sides.
    Column("owners", _l("Owners"), None, DOCUMENTS, freeze=_owners, document_col="col-owner",
           document_cell="printed_owners", each_side=True),
    Column("due_date", _l("Due date"), lambda item, locale, today: item.due_date,
           BOTH | {REVIEW, MINE, AGENDA_CARRIED, MINUTES_NEW}, reads=("due_date",), page_header=_l("Due"),
           cell="cell_due_date", width=12, card=("facts", 2), card_text=_l("due %(value)s"),
           freeze=lambda item, review: {"due_date": iso(item.due_date)}, document_col="col-date",
           document_cell="printed_due_date"),
    # No document table has a column of the status; the minutes' review prints it where no outcome was recorded.
    Column("status", _l("Status"), _status, BOTH | {MINE}, reads=("status",), cell="cell_status", card=("facts", 1),
           freeze=lambda item, review: {"status": item.status}),
    # The outcome a meeting recorded for an item carried over to it: the agenda shows the column once the meeting
    # recorded any; the minutes say "new due date" and, for an item with none, give its status.
    Column("outcome", _l("Outcome"), None, frozenset({AGENDA_CARRIED, MINUTES_REVIEW}), freeze=_outcome,
           document_col="col-outcome", document_cell="printed_outcome", only_with_reviews=frozenset({AGENDA_CARRIED}),
           cell_options={MINUTES_REVIEW: {"new_due_date_said": True, "else_status": True}}),
    Column("overdue", _l("Overdue"), _overdue, frozenset({EXPORT}), reads=("status", "due_date")),
    Column("updated_at", _l("Last update (UTC)"),
           lambda item, locale, today: item.updated_at.replace(microsecond=0, tzinfo=None), frozenset({EXPORT}),
           reads=("updated_at",), width=17),
)


def columns_of(list_name: str, registry: Iterable[Column] | None = None) -> tuple[Column, ...]:
    """The columns a list shows, in the registry's order."""
    return tuple(column for column in (COLUMNS if registry is None else registry) if list_name in column.lists)


def document_table(list_name: str, *, reviews_recorded: bool = True,
                   registry: Iterable[Column] | None = None) -> list[str]:
    """The keys of the columns a document table shows, as its record names them when it is made."""
    return [column.key for column in columns_of(list_name, registry)
            if reviews_recorded or list_name not in column.only_with_reviews]


def columns_named(keys: Iterable[str], registry: Iterable[Column] | None = None) -> tuple[Column, ...]:
    """The columns of these keys, in the order given: those a document's record names for one of its tables."""
    by_key = {column.key: column for column in (COLUMNS if registry is None else registry)}
    return tuple(by_key[key] for key in keys)


def frozen(item: ActionItem, review: ActionReview | None = None,
           registry: Iterable[Column] | None = None) -> dict[str, Any]:
    """An action item as a document's record keeps it: what each column that freezes anything freezes."""
    entry: dict[str, Any] = {}
    for column in COLUMNS if registry is None else registry:
        if column.freeze is not None:
            entry.update(column.freeze(item, review))
    return entry


def card_lines(registry: Iterable[Column] | None = None) -> dict[str, tuple[Column, ...]]:
    """The lines of a card of "My action items", each with its columns in their places."""
    columns = columns_of(MINE, registry)
    return {line: tuple(sorted((column for column in columns if column.card[0] == line),
                               key=lambda column: column.card[1]))
            for line in CARD_LINES}
