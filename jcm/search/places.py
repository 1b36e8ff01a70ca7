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
    if hit.kind == "agenda_item":
        return url_for("meetings.show", meeting_id=hit.meeting_id, _anchor=f"item-{hit.id}")
    if hit.kind == "minutes_record":
        return url_for("minutes.show", meeting_id=hit.meeting_id, _anchor=f"section-{hit.id}")
    if hit.kind == "progress":
        return url_for("minutes.show", meeting_id=hit.meeting_id, _anchor=f"progress-{hit.focus_area.id}")
    if hit.kind == "action_item":
        return url_for("actions.show", item_id=hit.id)
    if hit.kind == "action_update":
        return url_for("actions.show", item_id=hit.action_item_id, _anchor=f"update-{hit.id}")
    return url_for("meetings.show", meeting_id=hit.meeting_id, _anchor=f"item-{hit.agenda_item_id}")


def title(hit: Hit) -> str:
    """The record found as a reader knows it, in their language."""
    if KINDS[hit.kind].title is not None:
        return KINDS[hit.kind].title(hit)
    if hit.kind in ("agenda_item", "minutes_record"):
        return str(localized(hit.agenda_item, "title"))
    if hit.kind == "progress":
        return f"{hit.focus_area.prefix} {localized(hit.focus_area, 'title')}"
    if hit.kind == "action_item":
        return f"{hit.action_item.prefix} {localized(hit.action_item, 'title')}"
    if hit.kind == "action_update":
        item = hit.action_item
        return _("Update of %(item)s", item=f"{item.prefix} {localized(item, 'title')}")
    return hit.filename


def meeting_title(hit: Hit) -> str:
    return str(localized(hit.meeting, "title")) if hit.meeting is not None else ""
