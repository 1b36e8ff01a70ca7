"""The action-item register as a spreadsheet: CSV for any program, XLSX for Excel, in the reader's language."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jcm.actions.models import ActionItem
from jcm.labels import ACTION_STATUS_LABELS


COLUMNS = (
    ("ref", _l("Reference")),
    ("title", _l("Title")),
    ("focus_area", _l("Focus area")),
    ("focus_area_title", _l("Focus area title")),
    ("meeting", _l("Origin meeting")),
    ("owners_us", _l("U.S. owners")),
    ("owners_kr", _l("Korean owners")),
    ("due_date", _l("Due date")),
    ("status", _l("Status")),
    ("overdue", _l("Overdue")),
    ("updated_at", _l("Last update (UTC)")),
)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); tab and carriage
# return are on OWASP's list too, because some programs strip them and then see the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[object]]  # str, date or datetime


def _localized(obj, field: str, locale: str) -> str:
    if obj is None:
        return ""
    if locale == "ko":
        korean = getattr(obj, f"{field}_ko", "")
        if korean:
            return korean
    return getattr(obj, field)


def _owners(item: ActionItem, side: str, locale: str) -> str:
    return "; ".join(owner.label(locale) for owner in item.owners_on(side))


def sheet(items: Iterable[ActionItem], locale: str, today: date) -> Sheet:
    """The rows of the export, with the headers and labels in `locale`.

    The items come with their owners, focus area and meeting loaded (the register's query does that).
    """
    with force_locale(locale):
        headers = [str(label) for _key, label in COLUMNS]
        yes, no = str(_l("yes")), str(_l("no"))
        statuses = {key: str(label) for key, label in ACTION_STATUS_LABELS.items()}
        rows = [[
            item.ref,
            item.title,
            item.focus_area.code,
            _localized(item.focus_area, "title", locale),
            _localized(item.meeting, "title", locale),
            _owners(item, "US", locale),
            _owners(item, "KR", locale),
            item.due_date,
            statuses.get(item.status, item.status),
            yes if item.is_overdue(today) else no,
            item.updated_at.replace(microsecond=0, tzinfo=None),
        ] for item in items]
    return Sheet(headers, rows)


def filename(today: date, extension: str) -> str:
    return f"jcm-action-items-{today.isoformat()}.{extension}"


# --- CSV ------------------------------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading formula character gets a quote before it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def build_csv(items: Iterable[ActionItem], locale: str, today: date) -> bytes:
    """UTF-8 with a byte-order mark, which is how Excel knows to show Hangul rather than mojibake."""
    data = sheet(items, locale, today)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in data.headers])
    for row in data.rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX -----------------------------------------------------------------------------------------------

def _display_width(text: str) -> int:
    # Hangul and other wide characters take about two columns of a Latin character.
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _column_width(key: str, header: str, values: list[object]) -> float:
    if key == "due_date":
        return 12
    if key == "updated_at":
        return 17
    widest = max([_display_width(header)] + [_display_width(str(value)) for value in values])
    return min(max(widest + 2, 10), 60)


def build_xlsx(items: Iterable[ActionItem], locale: str, today: date) -> bytes:
    """A workbook of one sheet: bold frozen headers, an autofilter, real dates, and text that stays text."""
    data = sheet(items, locale, today)
    workbook = Workbook()
    worksheet = workbook.active
    with force_locale(locale):
        worksheet.title = str(_l("Action items"))[:31]
    worksheet.append(data.headers)
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(data.rows, start=2):
        for column_number, value in enumerate(row, start=1):
            cell = worksheet.cell(row=row_number, column=column_number)
            if isinstance(value, datetime):
                cell.value = value
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                cell.value = text
                # openpyxl takes a leading "=" for a formula; keep every text cell a string, and have
                # Excel keep it one when the cell is edited.
                cell.data_type = "s"
                if text.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
    for index, (key, _label) in enumerate(COLUMNS):
        values = [row[index] for row in data.rows]
        worksheet.column_dimensions[get_column_letter(index + 1)].width = _column_width(
            key, data.headers[index], values)
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(data.rows) + 1, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
