"""The rows of the agenda on a meeting's page (templates/meetings/show.html), printed here rather than by the
template: each of a meeting's forty items is a row of a dozen parts — its time and the reader's, its title in both
languages, its kind, where its texts stand (as the `text_marks` macro of templates/_bilingual.html says it), its
description, its papers, its focus areas, its presenters and, for those who edit the agenda, its buttons — and each
part a template looks up again for each row. What every row says alike (the labels, the reader's zone, the form's
token) is made once for the page.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from jcm.bilingual import summary
from jcm.i18n import Localized, date_formatter, locale_code, localized, marked
from jcm.labels import SIDE_LABELS, TEXT_LANGUAGE_LABELS, TEXT_STATUS_LABELS
from jcm.meetings.models import AGENDA_ITEM_KIND_LABELS, MEETING_STATUS_LABELS, MODE_LABELS, Meeting
from jcm.meetings.services import Slot
from jcm.web import address
from jcm.zones import reader_zone


def _labels(labels: dict) -> dict[str, Markup]:
    return {value: escape(str(label)) for value, label in labels.items()}


class AgendaRows:
    """`rows(day, slot, there)`: the row of a slot of a day's schedule (services.schedule) — `there`, whether the
    day's times are also said where the reader is. With `form_token` (the hidden fields of the page's form for
    actions), the row has the buttons of those who edit the agenda."""

    def __init__(self, meeting: Meeting, form_token: Markup | None = None):
        self.form_token = form_token
        self.language = locale_code()
        self.korean = self.language == "ko"
        # The meeting's zone and the reader's, when they differ (as zones.elsewhere tells): each time said in both.
        reader, zone = reader_zone(), meeting.time_zone
        self.zones = (ZoneInfo(zone), ZoneInfo(reader)) if zone and reader != zone else None
        self.kinds = _labels(AGENDA_ITEM_KIND_LABELS)
        self.languages, self.statuses = _labels(TEXT_LANGUAGE_LABELS), _labels(TEXT_STATUS_LABELS)
        # A template's words are taken as markup, as {{ _("…") }} takes them.
        self.words = {word: Markup(_(word)) for word in ("Drag to move", "Move up", "Move down", "Edit")}
        self._areas: dict[int, Markup] = {}

    def __call__(self, day, slot: Slot, there: bool) -> Markup:
        item = slot.item
        title = self.text(item, "title")
        row = [f'<tr id="item-{item.id}" data-item-id="{item.id}" class="agenda-item agenda-item--{item.kind}">\n'
               "            "]
        if self.form_token is not None:
            row.append(f'<td class="col-handle"><span class="drag-handle" draggable="true" '
                       f'title="{self.words["Drag to move"]}" aria-hidden="true">⠿</span></td>')
        row.append(f'\n            <td class="col-time">{self.times(day.day.day, slot, there)}</td>\n'
                   f'            <td class="js-number">{slot.number}</td>\n'
                   f'            <td class="col-item">\n              \n{self.item(item, title)}\n            </td>\n'
                   f'            <td>{"".join(self.area(area) for area in item.focus_areas)}</td>\n'
                   f'            <td>{marked(self.text(item, "presenter_us")) or "—"}</td>\n'
                   f'            <td>{marked(self.text(item, "presenter_kr")) or "—"}</td>\n'
                   f'            <td class="col-num">{item.duration_minutes}</td>\n            ')
        if self.form_token is not None:
            row.append(self.buttons(item, escape(title)))
        row.append("\n          </tr>")
        return Markup("".join(row))

    def times(self, day: date, slot: Slot, there: bool) -> str:
        """When the item is held, in the meeting's zone and, when the reader is elsewhere, in the reader's."""
        times = f'<span class="js-start">{slot.starts:%H:%M}</span>–<span class="js-end">{slot.ends:%H:%M}</span>'
        if there:
            times += (f'<br><span class="muted">(<span class="js-elsewhere">{self.elsewhere(day, slot.starts)}–'
                      f'{self.elsewhere(day, slot.ends)}</span>)</span>')
        return times

    def item(self, item, title: Localized) -> str:
        """The item's cell: its title (and the Korean one beside an English reader's), its kind, where its texts
        stand, its description and its papers."""
        cell = [f'              <strong>{marked(title)}</strong>\n              ']
        if not self.korean and item.title_ko and not title.fell_back:
            cell.append(f'<br><span lang="ko" class="muted">{escape(item.title_ko)}</span>')
        description = marked(self.text(item, "description"), markdown=True, class_="item-description")
        cell.append(f'\n              <br><span class="muted">{self.kinds[item.kind]}</span>\n'
                    f'              {self.text_marks(item)}\n              {description}\n              ')
        if item.attachments:
            papers = "".join(f'<li><a href="{escape(self.paper_address(paper))}">{escape(paper.filename)}</a></li>'
                             for paper in item.attachments)
            cell.append(f'\n                <ul class="attachments">\n                  {papers}\n'
                        f'                </ul>\n              ')
        return "".join(cell)

    def buttons(self, item, heard: Markup) -> str:
        """The cell of those who edit the agenda: Up, Down and Edit, each naming the item to the ear."""
        words = self.words
        return (f'\n              <td class="col-actions">\n'
                f'                <form method="post" action="{url_for("meetings.move_item", item_id=item.id)}"'
                f' class="inline">\n                  {self.form_token}\n'
                f'                  <button type="submit" name="direction" value="up" class="button button--small"'
                f' title="{words["Move up"]}">↑<span class="visually-hidden"> {words["Move up"]}: {heard}</span>'
                f'</button>\n'
                f'                  <button type="submit" name="direction" value="down" class="button button--small"'
                f' title="{words["Move down"]}">↓<span class="visually-hidden"> {words["Move down"]}: {heard}</span>'
                f'</button>\n                </form>\n'
                f'                <a class="button button--small" '
                f'href="{url_for("meetings.edit_item", item_id=item.id)}">{words["Edit"]}'
                f'<span class="visually-hidden"> {heard}</span></a>\n              </td>\n            ')

    @staticmethod
    def paper_address(paper) -> str:
        return url_for("meetings.download", attachment_id=paper.id, filename=paper.filename)

    def text(self, obj, field: str) -> Localized:
        return localized(obj, field, self.language)

    def elsewhere(self, day: date, at: time) -> str:
        """A time of the meeting's day where the reader is, as zones.elsewhere(…, bare=True) says it."""
        here, there = self.zones
        return f"{datetime.combine(day, at, tzinfo=here).astimezone(there):%H:%M}"

    def area(self, area) -> Markup:
        """A focus area's code, linked to its page, its title on hover: the same few areas on many rows."""
        if area.id not in self._areas:
            self._areas[area.id] = Markup(
                f'<a class="fa__code" href="{url_for("dashboard.focus_area", focus_area_id=area.id)}" '
                f'title="{escape(self.text(area, "title"))}">{escape(area.code)}</a> ')
        return self._areas[area.id]

    def text_marks(self, item) -> str:
        """Where the item's texts stand, a word for each language not yet checked, as
        `text_marks(item, unchecked_only=True)` says it."""
        shown = [(language, status) for language, status in summary(item).items() if status != "checked"]
        if not shown:
            return "\n  \n  \n  "
        marks = "".join(
            f'\n        <span class="text-mark"><span class="text-mark__language">{self.languages[language]}</span> '
            f'<span class="text-state text-state--{status}">{self.statuses[status]}</span></span>'
            for language, status in shown)
        return f'\n  \n  \n  \n    <span class="text-marks">{marks}\n    </span>\n  '


class MeetingRows:
    """The rows of the list of meetings (templates/meetings/index.html), printed here rather than by the template:
    a long-running agreement's page of fifty meetings has a row each of its title (a link), its dates, its venue and
    mode, its host and its status, and each call a template makes for a part of a row (a macro, a date, an address)
    costs more than the part. What every row says alike — the reader's language, the labels, the meetings' address —
    is made once for the list. `rows(meetings)`: the rows of a table's body."""

    def __init__(self) -> None:
        self.language = locale_code()
        self.day = date_formatter("medium")
        self.modes, self.statuses = _labels(MODE_LABELS), _labels(MEETING_STATUS_LABELS)
        self.sides = _labels(SIDE_LABELS)

    def __call__(self, meetings: list[Meeting]) -> Markup:
        return Markup("".join(self.row(meeting) for meeting in meetings))

    def row(self, meeting: Meeting) -> str:
        dates = str(escape(self.day(meeting.start_date)))
        if meeting.end_date != meeting.start_date:
            dates += f" – {escape(self.day(meeting.end_date))}"
        side = meeting.host_side
        return (f'\n    <tr>\n      <td><a href="{escape(address("meetings.show", meeting_id=meeting.id))}">'
                f'{marked(localized(meeting, "title", self.language))}</a></td>\n'
                f'      <td>{dates}</td>\n'
                f'      <td>{self.venue(meeting)} <span class="muted">({self.modes[meeting.mode]})</span></td>\n'
                f'      <td><span class="side-badge side-badge--{escape(side.lower())}" title="{self.sides[side]}">'
                f'{escape(side)}</span></td>\n'
                f'      <td><span class="status status--{escape(meeting.status)}">{self.statuses[meeting.status]}'
                f'</span></td>\n    </tr>\n  ')

    def venue(self, meeting: Meeting) -> Markup:
        """As the `venue` macro of templates/_macros.html says it: the place and the city, in the reader's language."""
        place, city = localized(meeting, "venue", self.language), localized(meeting, "city", self.language)
        return marked(place) + (", " if place and city else "") + marked(city)
