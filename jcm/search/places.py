"""Where each record found is, and how a reader knows it: its address and its title, for the page and the API."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from jcm.i18n import localized
from jcm.search.index import KINDS
from jcm.search.services import Hit


def place(hit: Hit) -> str:
    """The address of the record found: the place on its page where it is."""
    if KINDS[hit.kind].place is not None:
        return KINDS[hit.kind].place(hit)
    record = hit.record
    if hit.kind == "agenda_item":
        return url_for("meetings.show", meeting_id=record.meeting_id, _anchor=f"item-{record.id}")
    if hit.kind == "minutes_record":
        return url_for("minutes.show", meeting_id=hit.meeting_id, _anchor=f"section-{record.id}")
    if hit.kind == "progress":
        return url_for("minutes.show", meeting_id=hit.meeting_id, _anchor=f"progress-{record.focus_area_id}")
    if hit.kind == "action_item":
        return url_for("actions.show", item_id=record.id)
    if hit.kind == "action_update":
        return url_for("actions.show", item_id=record.action_item_id, _anchor=f"update-{record.id}")
    return url_for("meetings.show", meeting_id=hit.meeting_id, _anchor=f"item-{record.agenda_item_id}")


def title(hit: Hit) -> str:
    """The record found as a reader knows it, in their language."""
    if KINDS[hit.kind].title is not None:
        return KINDS[hit.kind].title(hit)
    record = hit.record
    if hit.kind == "agenda_item":
        return str(localized(record, "title"))
    if hit.kind == "minutes_record":
        return str(localized(record.agenda_item, "title"))
    if hit.kind == "progress":
        return f"{record.focus_area.code} {localized(record.focus_area, 'title')}"
    if hit.kind == "action_item":
        return f"{record.ref} {localized(record, 'title')}"
    if hit.kind == "action_update":
        item = record.action_item
        return _("Update of %(item)s", item=f"{item.ref} {localized(item, 'title')}")
    return record.filename


def meeting_title(hit: Hit) -> str:
    return str(localized(hit.meeting, "title")) if hit.meeting is not None else ""
