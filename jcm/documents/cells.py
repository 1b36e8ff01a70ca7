"""The cells of the documents' tables of action items: one printer for each `document_cell` a column of the registry
names (jcm/actions/columns.py), printing the column's <td> from an action item of the record in the language of the
document's frame.

They are printed here rather than by a macro for each cell, as they once were: a table of the 300 action items
carried over to a meeting has some 1,800 cells, and a call of a Jinja macro costs more than the whole cell. The few
words the cells say again and again (an outcome, a status) are looked up once per language. An item of a record is
a dict; a key it does not hold prints as nothing, as it did in the macros. (Records of /1 are printed by the macros of
templates/documents/v1/_macros.html, which the same names choose.)
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Callable

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from jcm.actions.columns import Column
from jcm.actions.models import ACTION_STATUS_LABELS, REVIEW_OUTCOME_LABELS
from jcm.text import render_markdown

if TYPE_CHECKING:
    from jcm.documents.frame import Frame

Item = dict[str, Any]

LABELS = {"outcome": REVIEW_OUTCOME_LABELS, "status": ACTION_STATUS_LABELS}


@lru_cache(maxsize=None)
def _label(kind: str, key: str, lang: str) -> Markup:
    """An outcome's or a status's label in a language (a value without one: nothing for an outcome, itself for a
    status, as the macros printed them)."""
    labels = LABELS[kind]
    if key not in labels:
        return "" if kind == "outcome" else escape(key)
    with force_locale(lang):
        return escape(labels[key])


@lru_cache(maxsize=None)
def _new_due_date(lang: str) -> str:
    with force_locale(lang):
        return _("new due date %(date)s")


def printed_ref(g: Frame, item: Item) -> Markup:
    return Markup(f'<td class="review__ref">{escape(item.get("ref", ""))}</td>')


def printed_title(g: Frame, item: Item) -> Markup:
    """The action's title: {"en", "ko"} in records of /2, the English title alone before."""
    return Markup(f"<td>{escape(g.tr(item.get('title')))}</td>")


def printed_focus_area(g: Frame, item: Item) -> Markup:
    return Markup(f'<td><span class="code">{escape(item.get("focus_area", ""))}</span></td>')


def printed_owners(g: Frame, item: Item) -> Markup:
    """A cell for each side, in the document's order of the sides."""
    return Markup("".join(f"<td>{escape(g.owners(item, side))}</td>" for side in g.sides))


def printed_due_date(g: Frame, item: Item) -> Markup:
    return Markup(f'<td class="review__due">{escape(g.day(item.get("due_date"), "medium"))}</td>')


def printed_outcome(g: Frame, item: Item, new_due_date_said: bool = False, else_status: bool = False) -> Markup:
    """The outcome the meeting recorded, with the new due date of an item continued; the minutes say "new due
    date" and, for an item with no outcome, give its status."""
    said = ""
    if item.get("outcome"):
        said = _label("outcome", item["outcome"], g.lang)
        if item.get("new_due_date"):
            day = escape(g.day(item["new_due_date"], "medium"))
            said = f"{said} ({Markup(_new_due_date(g.lang)) % {'date': day} if new_due_date_said else day})"
    elif else_status:
        said = _label("status", item.get("status", ""), g.lang)
    return Markup(f"<td>{said}</td>")


PRINTERS: dict[str, Callable[..., Markup]] = {printer.__name__: printer for printer in (
    printed_ref, printed_title, printed_focus_area, printed_owners, printed_due_date, printed_outcome)}


def printer(column: Column, listing: str) -> Callable[[Frame, Item], Markup]:
    """What prints the cells of one column in the table of `listing`, with the column's options there: looked up
    once for a table. A column without a printer of its own prints the value its record froze under its key, as
    text."""
    if column.document_cell is None:
        return lambda g, item: Markup(f"<td>{escape(g.tr(item.get(column.key)))}</td>")
    return partial(PRINTERS[column.document_cell], **column.options_in(listing))


def rows(g: Frame, columns: tuple[Column, ...], items: list[Item], listing: str) -> Markup:
    """The rows of a table of action items, each cell on a line of its own as the table's macro lays them out
    (templates/documents/_macros.html `action_table`): printed at once rather than a row and a cell at a time by the
    template, the printer of each column looked up once."""
    printers = [printer(column, listing) for column in columns]
    return Markup("".join("\n      <tr>" + "".join([f"\n        {print_cell(g, item)}" for print_cell in printers])
                          + "\n      </tr>" for item in items))


# --- the agenda's schedule ----------------------------------------------------------------------------------

def schedule_rows(g: Frame, slots: list[Item], *, papers: bool, others: bool) -> Markup:
    """The rows of a day of the agenda's schedule as templates/documents/_macros.html `schedule_table` lays them
    out: each item's time, number, title (with the other language's beside it, when `others`), description, papers
    (when `papers`), focus areas, each side's presenter and duration. Printed at once rather than a part at a time by
    the template: the agenda, and the minutes' annex, print forty items."""
    return Markup("".join(_schedule_row(g, slot, papers, others) for slot in slots))


def _schedule_row(g: Frame, slot: Item, papers: bool, others: bool) -> str:
    from jcm.documents.frame import duration, file_kind, file_size  # the frame prints with these cells

    item = slot["item"]
    other = g.other(item["title"]) if others and g.lang != "ko" else ""
    row = [f'\n              \n              <tr class="agenda__row agenda__row--{escape(item["kind"])}">\n'
           f'                <td class="agenda__time"><span class="agenda__from">{escape(slot["starts"])}</span>–'
           f'<span class="agenda__to">{escape(slot["ends"])}</span></td>\n'
           f'                <td class="agenda__number">{escape(g.number(slot["number"]))}</td>\n'
           f'                <td class="agenda__item">\n                  \n'
           f'                  <p class="agenda__title">{escape(g.tr(item["title"]))}</p>\n                  ']
    if other:
        row.append(f'<p class="agenda__title-other" lang="{g.other_lang}">{escape(other)}</p>')
    row.append("\n                  ")
    description = g.tr(item.get("description"))
    if description:
        row.append(f'<div class="agenda__description">{render_markdown(description)}</div>')
    row.append("\n                  ")
    if papers and item.get("attachments"):
        listed = "".join(
            f'\n                          <li><span class="papers__name">{escape(paper["filename"])}</span>\n'
            f'                            <span class="papers__meta">{escape(file_kind(paper))}, '
            f'{escape(file_size(paper["size"]))}</span></li>\n                        '
            for paper in item["attachments"])
        row.append(f'\n                    <div class="papers">\n'
                   f'                      <p class="papers__label">{Markup(_("Papers"))}</p>\n'
                   f'                      <ul class="papers__list">\n                        {listed}\n'
                   f'                      </ul>\n                    </div>\n                  ')
    codes = " ".join(f'<span class="code">{escape(code)}</span>' for code in item["focus_areas"])
    presenters = "".join(f'\n                  <td class="agenda__presenter">{escape(g.tr(item["presenters"][side]))}'
                         f'</td>\n                ' for side in g.sides)
    row.append(f'\n                </td>\n                <td class="agenda__areas">{codes}</td>\n                '
               f'{presenters}\n'
               f'                <td class="agenda__duration">{escape(duration(item["duration_minutes"]))}</td>\n'
               f'              </tr>\n            ')
    return "".join(row)
