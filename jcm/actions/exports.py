"""The action-item register as a spreadsheet: CSV for any program, XLSX for Excel, in the reader's language.

An export streams, in the same memory for a hundred rows or a hundred thousand: it reads the register a chunk at a
time as plain rows holding only what its columns read (a chunk's owners in one more query; focus areas and
meetings looked up once), never as items. The CSV is sent chunk by chunk as it is written; the workbook, a zip that
must be finished before it can be read, is written by openpyxl's write-only mode to a temporary file and sent from
there in blocks."""

from __future__ import annotations

import csv
import io
import pickle
import unicodedata
from collections import defaultdict
from datetime import date, datetime
from tempfile import SpooledTemporaryFile
from types import SimpleNamespace
from typing import IO, Iterable, Iterator

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jcm.accounts.models import User
from jcm.actions.columns import COLUMNS, EXPORT, Column, columns_of
from jcm.actions.models import ActionItem, ActionOwner
from jcm.actions.services import (RegisterFilter, focus_area_labels, meeting_labels, owners_of,
                                  register_rows)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); tab and carriage
# return are on OWASP's list too, because some programs strip them and then see the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

CHUNK = 1000  # rows read from the database at a time, with one more query for their owners
BLOCK = 64 * 1024  # bytes of the finished workbook sent at a time
SPOOL = 8 * 1024 * 1024  # bytes a temporary file keeps in memory before it goes to disk

# What a column may read of an item besides its own fields, and the field of the item that leads to it.
RELATED = {"focus_area": "focus_area_id", "meeting": "meeting_id", "owners": None}


def filename(today: date, extension: str) -> str:
    return f"jcm-action-items-{today.isoformat()}.{extension}"


# --- reading the register -------------------------------------------------------------------------------

class ItemRow(SimpleNamespace):
    """An action item as an export reads it: only the fields its columns read, from a row of the database, and
    answering for them as the item itself would."""

    is_overdue = ActionItem.is_overdue
    owners_on = ActionItem.owners_on


class OwnerRow(SimpleNamespace):
    """An owner as an export reads it: its side, and the names of the person (`user`) or agency (`organization`);
    one for each person or agency on a side, however many items they own, so each label is made once."""

    def label(self, locale: str = "en") -> str:
        labels = self.__dict__.setdefault("labels", {})
        if locale not in labels:
            labels[locale] = ActionOwner.label(self, locale)
        return labels[locale]


class Named(SimpleNamespace):
    """A person's or an agency's names, in Latin letters and in Hangul."""

    display_name = User.display_name


def _fields(columns: Iterable[Column]) -> tuple[set[str], list[str]]:
    """What the columns read of an item, and the fields of the item to select for it."""
    reads: set[str] = set()
    for column in columns:
        if not column.reads:
            raise ValueError(f"The export's column {column.key!r} does not say what it reads of an item.")
        reads.update(column.reads)
    fields = {RELATED[name] if name in RELATED else name for name in reads} - {None}
    return reads, sorted(fields)


def register_items(filters: RegisterFilter, today: date, language: str,
                   columns: Iterable[Column]) -> Iterator[list[ItemRow]]:
    """The filtered register in chunks of ItemRow, with what the columns read. The query is made now (so that a
    mistake shows before anything is sent) and read as the chunks are asked for."""
    reads, fields = _fields(columns)
    chunks = register_rows(filters, today, fields, language=language, chunk=CHUNK)
    return _items(chunks, reads)


def _items(chunks, reads: set[str]) -> Iterator[list[ItemRow]]:
    areas = focus_area_labels() if "focus_area" in reads else {}
    meetings = meeting_labels() if "meeting" in reads else {}
    owner_rows: dict[tuple, OwnerRow] = {}

    def owner(side: str, user_name, user_name_ko, organization_name, organization_name_ko) -> OwnerRow:
        key = (side, user_name, user_name_ko, organization_name, organization_name_ko)
        found = owner_rows.get(key)
        if found is None:
            found = owner_rows[key] = OwnerRow(
                side=side, user=Named(name=user_name, name_ko=user_name_ko) if user_name is not None else None,
                organization=(Named(name=organization_name, name_ko=organization_name_ko)
                              if organization_name is not None else None))
        return found

    for chunk in chunks:
        owners: dict[int, list[OwnerRow]] = defaultdict(list)
        if "owners" in reads:
            for item_id, *names in owners_of([row.id for row in chunk]):
                owners[item_id].append(owner(*names))
        items = []
        for row in chunk:
            item = ItemRow(**dict(zip(row._fields, row)))
            if "focus_area" in reads:
                item.focus_area = areas.get(row.focus_area_id)
            if "meeting" in reads:
                item.meeting = meetings.get(row.meeting_id)
            if "owners" in reads:
                item.owners = owners.get(row.id, [])
            items.append(item)
        yield items


def _values(chunks: Iterable[Iterable[object]], columns: tuple[Column, ...], locale: str,
            today: date) -> Iterator[list[list[object]]]:
    """Each chunk of items as rows of values (str, date or datetime), a value for each column: each header and
    each cell of a row come from the same column, so the two cannot drift apart. In force_locale(locale)."""
    reads = [column.read for column in columns]
    for items in chunks:
        yield [[read(item, locale, today) for read in reads] for item in items]


# --- CSV ------------------------------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading formula character gets a quote before it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: object) -> str:
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _csv(columns: tuple[Column, ...], chunks: Iterable[Iterable[object]], locale: str,
         today: date) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, which is how Excel knows to show Hangul rather than mojibake: the header
    first, then each chunk of rows as it is written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with force_locale(locale):
        writer.writerow([neutralise(str(column.header)) for column in columns])
        yield buffer.getvalue().encode("utf-8-sig")
        for rows in _values(chunks, columns, locale, today):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([_csv_value(value) for value in row] for row in rows)
            yield buffer.getvalue().encode("utf-8")


def build_csv(items: Iterable[ActionItem], locale: str, today: date, registry: Iterable[Column] = COLUMNS) -> bytes:
    """The CSV of these items, loaded with their owners, focus area and meeting (the register's query does that)."""
    return b"".join(_csv(columns_of(EXPORT, registry), [items], locale, today))


def stream_csv(filters: RegisterFilter, today: date, locale: str,
               registry: Iterable[Column] = COLUMNS) -> Iterator[bytes]:
    """The CSV of the filtered register, read and sent a chunk at a time."""
    columns = columns_of(EXPORT, registry)
    return _csv(columns, register_items(filters, today, locale, columns), locale, today)


# --- XLSX -----------------------------------------------------------------------------------------------

def _display_width(text: str) -> int:
    # Hangul and other wide characters take about two columns of a Latin character.
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


MIN_WIDTH, MAX_WIDTH = 10, 60


class _Widths:
    """The width of each column: fixed, or what the widest of its header and values needs, within bounds."""

    def __init__(self, columns: tuple[Column, ...], headers: list[str]):
        self.fixed = [column.width for column in columns]
        self.widest = [_display_width(header) for header in headers]
        self.open = [index for index, width in enumerate(self.fixed) if width is None]

    def see(self, row: list) -> None:
        widest = self.widest
        for index in self.open:
            text = row[index]
            # a character is at most two columns wide: only a text that could be wider is measured
            if len(text) * 2 > widest[index] and widest[index] < MAX_WIDTH - 2:
                widest[index] = max(widest[index], _display_width(text))

    def of(self, index: int) -> float:
        fixed = self.fixed[index]
        return fixed if fixed is not None else min(max(self.widest[index] + 2, MIN_WIDTH), MAX_WIDTH)


class _Cells:
    """The sheet's cells for the values of a row: a text as it is, unless a spreadsheet would take it for a
    formula or an error; dates and texts that need a format or a mark in a cell of their own, one per column,
    reused row after row (write-only mode writes a row as soon as it is appended)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.cells: dict[tuple[int, str], WriteOnlyCell] = {}

    def _cell(self, index: int, kind: str) -> WriteOnlyCell:
        cell = self.cells.get((index, kind))
        if cell is None:
            cell = self.cells[(index, kind)] = WriteOnlyCell(self.sheet)
            if kind == "datetime":
                cell.number_format = DATETIME_FORMAT
            elif kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind == "quoted":
                cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell

    def row(self, values: list[object]) -> list[object]:
        cells = []
        for index, value in enumerate(values):
            if isinstance(value, datetime):
                cell = self._cell(index, "datetime")
                cell.value = value
            elif isinstance(value, date):
                cell = self._cell(index, "date")
                cell.value = value
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", value)
                if text.startswith(FORMULA_STARTS):
                    cell = self._cell(index, "quoted")
                elif text in ERROR_CODES:
                    cell = self._cell(index, "text")
                else:
                    cells.append(text)
                    continue
                cell.value = text
                cell.data_type = "s"  # openpyxl takes a leading "=" for a formula: every text stays a string
            cells.append(cell)
        return cells


def _xlsx(columns: tuple[Column, ...], chunks: Iterable[Iterable[object]], locale: str, today: date,
          out: IO[bytes]) -> None:
    """A workbook of one sheet, written to `out`: bold frozen headers, an autofilter, real dates, and text that
    stays text. Write-only mode needs the columns' widths before the first row, and the widest value decides
    them: the rows are kept in a temporary file until every one is measured, then written."""
    with force_locale(locale):
        headers = [str(column.header) for column in columns]
        title = str(_l("Action items"))[:31]
        widths = _Widths(columns, headers)
        count = 0
        with SpooledTemporaryFile(max_size=SPOOL) as rows:
            for values in _values(chunks, columns, locale, today):
                # a text as a plain str (localized() gives a str that also says its language)
                values = [[value if isinstance(value, date) else str(value) for value in row] for row in values]
                for row in values:
                    widths.see(row)
                count += len(values)
                pickle.dump(values, rows, protocol=pickle.HIGHEST_PROTOCOL)
            workbook = Workbook(write_only=True)
            worksheet = workbook.create_sheet(title)
            for index in range(len(columns)):
                worksheet.column_dimensions[get_column_letter(index + 1)].width = widths.of(index)
            worksheet.freeze_panes = "A2"
            worksheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
            bold = Font(bold=True)
            header_cells = []
            for header in headers:
                cell = WriteOnlyCell(worksheet, header)
                cell.font = bold
                header_cells.append(cell)
            worksheet.append(header_cells)
            cells = _Cells(worksheet)
            rows.seek(0)
            for values in _unpickled(rows):
                for row in values:
                    worksheet.append(cells.row(row))
            workbook.save(out)


def _unpickled(file: IO[bytes]) -> Iterator[list[list[object]]]:
    while True:
        try:
            yield pickle.load(file)
        except EOFError:
            return


def build_xlsx(items: Iterable[ActionItem], locale: str, today: date, registry: Iterable[Column] = COLUMNS) -> bytes:
    """The workbook of these items, loaded with their owners, focus area and meeting."""
    buffer = io.BytesIO()
    _xlsx(columns_of(EXPORT, registry), [items], locale, today, buffer)
    return buffer.getvalue()


def stream_xlsx(filters: RegisterFilter, today: date, locale: str,
                registry: Iterable[Column] = COLUMNS) -> Iterator[bytes]:
    """The workbook of the filtered register, written to a temporary file and sent from it in blocks."""
    columns = columns_of(EXPORT, registry)
    return _send_xlsx(columns, register_items(filters, today, locale, columns), locale, today)


def _send_xlsx(columns, chunks, locale: str, today: date) -> Iterator[bytes]:
    with SpooledTemporaryFile(max_size=SPOOL) as out:
        _xlsx(columns, chunks, locale, today, out)
        out.seek(0)
        while block := out.read(BLOCK):
            yield block
