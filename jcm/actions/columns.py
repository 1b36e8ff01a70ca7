"""The columns of the action-item lists, each declared once: its header, how its value is read from an item, and
which lists show it — the register page and the CSV and Excel exports all take their columns from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from jcm.actions.models import ActionItem
from jcm.labels import ACTION_STATUS_LABELS

# The lists that show action items in columns.
REGISTER = "register"  # the register page's table
EXPORT = "export"  # the CSV and XLSX exports


def _localized(obj, field: str, locale: str) -> str:
    """A model's text in `locale`: its `<field>_ko` in Korean when there is one, else the English."""
    if obj is None:
        return ""
    if locale == "ko":
        korean = getattr(obj, f"{field}_ko", "")
        if korean:
            return korean
    return getattr(obj, field)


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

    @property
    def page_heading(self) -> LazyString:
        return self.page_header if self.page_header is not None else self.header


def _status(item: ActionItem, locale: str, today: date) -> str:
    label = ACTION_STATUS_LABELS.get(item.status)
    return str(label) if label is not None else item.status


def _overdue(item: ActionItem, locale: str, today: date) -> str:
    return str(_l("yes")) if item.is_overdue(today) else str(_l("no"))


BOTH = frozenset({REGISTER, EXPORT})

COLUMNS: tuple[Column, ...] = (
    Column("ref", _l("Reference"), lambda item, locale, today: item.ref, BOTH, cell="cell_ref"),
    Column("title", _l("Title"), lambda item, locale, today: item.title, BOTH, page_header=_l("Action")),
    Column("focus_area", _l("Focus area"), lambda item, locale, today: item.focus_area.code, BOTH,
           cell="cell_focus_area"),
    Column("focus_area_title", _l("Focus area title"),
           lambda item, locale, today: _localized(item.focus_area, "title", locale), frozenset({EXPORT})),
    Column("meeting", _l("Origin meeting"), lambda item, locale, today: _localized(item.meeting, "title", locale),
           frozenset({EXPORT})),
    Column("owners_us", _l("U.S. owners"), lambda item, locale, today: owner_names(item, "US", locale), BOTH,
           page_header=_l("Owners"), side="US", cell="cell_owners"),
    Column("owners_kr", _l("Korean owners"), lambda item, locale, today: owner_names(item, "KR", locale), BOTH,
           page_header=_l("Owners"), side="KR", cell="cell_owners"),
    Column("due_date", _l("Due date"), lambda item, locale, today: item.due_date, BOTH, page_header=_l("Due"),
           cell="cell_due_date", width=12),
    Column("status", _l("Status"), _status, BOTH, cell="cell_status"),
    Column("overdue", _l("Overdue"), _overdue, frozenset({EXPORT})),
    Column("updated_at", _l("Last update (UTC)"),
           lambda item, locale, today: item.updated_at.replace(microsecond=0, tzinfo=None), frozenset({EXPORT}),
           width=17),
)


def columns_of(list_name: str, registry: Iterable[Column] = COLUMNS) -> tuple[Column, ...]:
    """The columns a list shows, in the registry's order."""
    return tuple(column for column in registry if list_name in column.lists)
