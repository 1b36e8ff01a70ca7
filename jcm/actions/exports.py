"""The action-item register as a spreadsheet: CSV for any program, XLSX for Excel, in the reader's language.

An export streams, in the same memory for a hundred rows or a hundred thousand: it reads the register a chunk at a
time as plain rows holding only what its columns read (a chunk's owners in one more query, by id; focus areas,
meetings, people and agencies looked up once), never as items, and a column that reads only an item's focus area,
meeting or owners is read once for each of them rather than for each item. The CSV is sent chunk by chunk as it is
written; the workbook, a zip that must be finished before it can be read, is written by openpyxl's write-only mode
to a temporary file and sent from there in blocks."""

from __future__ import annotations

import csv
import io
import pickle
import unicodedata
from datetime import date, datetime
from itertools import groupby
from operator import attrgetter, itemgetter
from tempfile import SpooledTemporaryFile
from types import SimpleNamespace
from typing import IO, Callable, Iterable, Iterator

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
from jcm.actions.services import (RegisterFilter, agency_labels, focus_area_labels, meeting_labels, owners_of,
                                  people_labels, register_rows)


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
    return _items(chunks, ("id", *fields), reads)


def _items(chunks, names: tuple[str, ...], reads: set[str]) -> Iterator[Iterator[ItemRow]]:
    """Each chunk of rows as the items an export reads, made one at a time as they are read (and let go once their
    row of cells is made): the chunk's owners read first, in one query."""
    areas = focus_area_labels() if "focus_area" in reads else {}
    meetings = meeting_labels() if "meeting" in reads else {}
    people = people_labels() if "owners" in reads else {}
    agencies = agency_labels() if "owners" in reads else {}
    owner_rows: dict[tuple, OwnerRow] = {}

    def owner(key: tuple[str, int | None, int | None]) -> OwnerRow:
        found = owner_rows.get(key)
        if found is None:
            side, user_id, organization_id = key
            person, agency = people.get(user_id), agencies.get(organization_id)
            owner_rows[key] = found = OwnerRow(
                side=side, user=Named(name=person.name, name_ko=person.name_ko) if person is not None else None,
                organization=Named(name=agency.name, name_ko=agency.name_ko) if agency is not None else None)
        return found

    def made(chunk, owners: dict[int, tuple]) -> Iterator[ItemRow]:
        for row in chunk:
            item = ItemRow()
            item.__dict__.update(zip(names, row))
            if "focus_area" in reads:
                item.focus_area = areas.get(item.focus_area_id)
            if "meeting" in reads:
                item.meeting = meetings.get(item.meeting_id)
            if "owners" in reads:
                # the owners also as their keys (side, person, agency), by which a column of the owners is read
                # once for each set of owners rather than once for each item
                item.owner_keys = keys = owners.get(item.id, ())
                item.owners = [owner(key) for key in keys]
            yield item

    for chunk in chunks:
        owners = {}
        if "owners" in reads:
            owners = {item_id: tuple([row[1:] for row in rows])
                      for item_id, rows in groupby(owners_of([row[0] for row in chunk]), key=itemgetter(0))}
        yield made(chunk, owners)


# A column that reads only the item's focus area, meeting, owners, status or due date says the same for every item
# with the same ones: an export reads it once for each (and formats it once), by what it reads as these fields of an
# ItemRow. (Ten thousand items fall due on a few hundred days.)
SHARED = {"focus_area": "focus_area_id", "meeting": "meeting_id", "owners": "owner_keys", "status": "status",
          "due_date": "due_date"}
SHARED_VALUES = 4096  # values a column keeps for the items to come; past it, it starts again (constant memory)


def _shared_key(column: Column) -> Callable[[ItemRow], object] | None:
    if column.reads and set(column.reads) <= SHARED.keys():
        return attrgetter(*(SHARED[name] for name in column.reads))
    return None


def _cells(columns: tuple[Column, ...], locale: str, today: date, formats: list[Callable[[object], object]],
           shared: bool) -> list[Callable[[object], object]]:
    """For each column, how the export makes its cell of an item: what the column reads (str, date or datetime),
    formatted by that column's format for the file. With `shared`, a column that reads only what many items share
    (SHARED) is read once for each of them."""
    cells = []
    for column, format_ in zip(columns, formats):
        read = column.read
        key = _shared_key(column) if shared else None
        if key is None:
            cells.append(lambda item, read=read, format_=format_: format_(read(item, locale, today)))
        else:
            cells.append(_shared_cell(read, key, format_, locale, today))
    return cells


def _shared_cell(read, key, format_, locale: str, today: date) -> Callable[[ItemRow], object]:
    """A column's cell read once for each value of `key`, and kept for the items to come that have it."""
    seen: dict[object, object] = {}

    def cell(item: ItemRow) -> object:
        found = key(item)
        value = seen.get(found, seen)  # `seen` itself: never a value, so not seen yet
        if value is not seen:
            return value
        if len(seen) >= SHARED_VALUES:
            seen.clear()
        seen[found] = value = format_(read(item, locale, today))
        return value

    return cell


def _values(chunks: Iterable[Iterable[object]], cells: list[Callable[[object], object]]) -> Iterator[list[tuple]]:
    """Each chunk of items as rows of cells, a cell for each column: each header and each cell of a row come from
    the same column, so the two cannot drift apart. In force_locale(locale).

    A row is a tuple of texts and dates, which Python's garbage collector soon stops tracking: a long export then
    does not make it scan every object of the process again and again."""
    for items in chunks:
        yield [tuple([cell(item) for cell in cells]) for item in items]


# --- CSV ------------------------------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading formula character gets a quote before it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: object) -> str:
    if isinstance(value, str):
        text = str(value)  # a plain str (localized() gives a str that also says its language)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")  # 2025-03-10 09:30, the minutes, the seconds left out
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _csv(columns: tuple[Column, ...], chunks: Iterable[Iterable[object]], locale: str, today: date,
         shared: bool = False) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, which is how Excel knows to show Hangul rather than mojibake: the header
    first, then each chunk of rows as it is written, into the same buffer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with force_locale(locale):
        writer.writerow([neutralise(str(column.header)) for column in columns])
        yield buffer.getvalue().encode("utf-8-sig")
        cells = _cells(columns, locale, today, [_csv_value] * len(columns), shared)
        for rows in _values(chunks, cells):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(rows)
            yield buffer.getvalue().encode("utf-8")


def build_csv(items: Iterable[ActionItem], locale: str, today: date, registry: Iterable[Column] = COLUMNS) -> bytes:
    """The CSV of these items, loaded with their owners, focus area and meeting (the register's query does that)."""
    return b"".join(_csv(columns_of(EXPORT, registry), [items], locale, today))


def stream_csv(filters: RegisterFilter, today: date, locale: str,
               registry: Iterable[Column] = COLUMNS) -> Iterator[bytes]:
    """The CSV of the filtered register, read and sent a chunk at a time."""
    columns = columns_of(EXPORT, registry)
    return _csv(columns, register_items(filters, today, locale, columns), locale, today, shared=True)


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

    def see(self, index: int, text: str) -> None:
        widest = self.widest[index]
        # a character is at most two columns wide: only a text that could be wider is measured
        if len(text) * 2 > widest and widest < MAX_WIDTH - 2:
            self.widest[index] = max(widest, _display_width(text))

    def of(self, index: int) -> float:
        fixed = self.fixed[index]
        return fixed if fixed is not None else min(max(self.widest[index] + 2, MIN_WIDTH), MAX_WIDTH)


class _Quoted(str):
    """A text a spreadsheet would take for a formula: in a cell marked to keep it text."""


class _Literal(str):
    """A text a spreadsheet would take for an error (#N/A): in a cell that says it is text."""


def _sheet_format(widths: _Widths, index: int) -> Callable[[object], object]:
    """How the workbook holds a column's values: a date as it is; a text as a plain str, measured for the column's
    width and rid of the characters a workbook cannot hold, or as _Quoted or _Literal when it needs a cell of its
    own."""
    measured = widths.fixed[index] is None

    def format_(value: object) -> object:
        if isinstance(value, date):
            return value
        text = str(value)  # a plain str (localized() gives a str that also says its language)
        if measured:
            widths.see(index, text)
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
        if text.startswith(FORMULA_STARTS):
            return _Quoted(text)
        if text in ERROR_CODES:
            return _Literal(text)
        return text

    return format_


class _Cells:
    """The sheet's cells for the values of a row: a plain text as it is; dates and texts that need a format or a
    mark in a cell of their own, one per column and kind, reused row after row (write-only mode writes a row as
    soon as it is appended), so that every cell of a kind shares one style."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.cells: dict[tuple[int, type], WriteOnlyCell] = {}

    def _cell(self, index: int, value: object) -> WriteOnlyCell:
        kind = type(value)
        cell = self.cells.get((index, kind))
        if cell is None:
            cell = self.cells[(index, kind)] = WriteOnlyCell(self.sheet)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, _Quoted):
                cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        if isinstance(value, date):
            cell.value = value
        else:
            cell.value = str(value)
            cell.data_type = "s"  # openpyxl takes a leading "=" for a formula: every text stays a string
        return cell

    def row(self, values: list[object]) -> list[object]:
        return [value if type(value) is str else self._cell(index, value) for index, value in enumerate(values)]


def _xlsx(columns: tuple[Column, ...], chunks: Iterable[Iterable[object]], locale: str, today: date,
          out: IO[bytes], shared: bool = False) -> None:
    """A workbook of one sheet, written to `out`: bold frozen headers, an autofilter, real dates, and text that
    stays text. Write-only mode needs the columns' widths before the first row, and the widest value decides
    them: the rows are kept in a temporary file until every one is measured, then written."""
    with force_locale(locale):
        headers = [str(column.header) for column in columns]
        title = str(_l("Action items"))[:31]
        widths = _Widths(columns, headers)
        formats = [_sheet_format(widths, index) for index in range(len(columns))]
        count = 0
        with SpooledTemporaryFile(max_size=SPOOL) as rows:
            for values in _values(chunks, _cells(columns, locale, today, formats, shared)):
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
        _xlsx(columns, chunks, locale, today, out, shared=True)
        out.seek(0)
        while block := out.read(BLOCK):
            yield block
