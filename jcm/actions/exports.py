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

from jcm.actions.columns import COLUMNS, EXPORT, Column, columns_of
from jcm.actions.models import ActionItem


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); tab and carriage
# return are on OWASP's list too, because some programs strip them and then see the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class Sheet:
    columns: tuple[Column, ...]
    headers: list[str]
    rows: list[list[object]]  # str, date or datetime


def sheet(items: Iterable[ActionItem], locale: str, today: date, registry: Iterable[Column] = COLUMNS) -> Sheet:
    """The rows of the export, with the headers and labels in `locale`: each header and each cell of a row come
    from the same column, so the two cannot drift apart.

    The items come with their owners, focus area and meeting loaded (the register's query does that).
    """
    columns = columns_of(EXPORT, registry)
    with force_locale(locale):
        headers = [str(column.header) for column in columns]
        rows = [[column.read(item, locale, today) for column in columns] for item in items]
    return Sheet(columns, headers, rows)


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


def build_csv(items: Iterable[ActionItem], locale: str, today: date, registry: Iterable[Column] = COLUMNS) -> bytes:
    """UTF-8 with a byte-order mark, which is how Excel knows to show Hangul rather than mojibake."""
    data = sheet(items, locale, today, registry)
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


def _column_width(column: Column, header: str, values: list[object]) -> float:
    if column.width is not None:
        return column.width
    widest = max([_display_width(header)] + [_display_width(str(value)) for value in values])
    return min(max(widest + 2, 10), 60)


def build_xlsx(items: Iterable[ActionItem], locale: str, today: date, registry: Iterable[Column] = COLUMNS) -> bytes:
    """A workbook of one sheet: bold frozen headers, an autofilter, real dates, and text that stays text."""
    data = sheet(items, locale, today, registry)
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
    for index, column in enumerate(data.columns):
        values = [row[index] for row in data.rows]
        worksheet.column_dimensions[get_column_letter(index + 1)].width = _column_width(
            column, data.headers[index], values)
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(data.columns))}{max(len(data.rows) + 1, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
