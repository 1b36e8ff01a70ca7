"""API resources for action items and their updates: each view parses, calls one service, commits and responds."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import RAISE

from jcm.actions import services as actions
from jcm.actions.models import ActionItem
from jcm.actions.schemas import (ACTION_ITEM_COLUMNS, ActionItemCreateSchema, ActionItemQuery, ActionItemSchema,
                                 ActionItemUpdateSchema, ActionUpdateCreateSchema, ActionUpdateSchema, action_item_out)
from jcm.api import current_api_user
from jcm.api.resources import commit, page_of, refusals, written_once
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.i18n import locale_code
from jcm.meetings.models import Meeting
from jcm.mou import services as mou
from jcm.mou.models import Agreement
from jcm.permissions import require

actions_api = Blueprint("api_actions", __name__,
                        description="Action items: owners on both sides, due dates, status and the updates log")
blueprints = [actions_api]

PAGINATION = {"X-Pagination": "Pagination"}  # JSON: {total, total_pages, page, next_page, …} (jcm.api)


def _agreement_for(data: dict) -> Agreement:
    """The agreement named, else that of the origin meeting, else the first one."""
    agreement_id = data.pop("agreement_id", None)
    if agreement_id is None:
        meeting = db.session.get(Meeting, data["meeting_id"]) if data.get("meeting_id") else None
        # An unknown meeting is the service's to refuse, after it has checked who is asking.
        agreement_id = meeting.agreement_id if meeting is not None else None
    if agreement_id is None:
        first = mou.first_agreement()
        if first is None:
            raise Invalid(_("No agreement is loaded yet."), field="agreement_id")
        agreement_id = first.id
    try:
        return mou.get_agreement(agreement_id)
    except NotFound as error:
        raise Invalid(error.message, field="agreement_id") from None


# --- the register ---------------------------------------------------------------------------------------

@actions_api.get("/action-items")
@actions_api.arguments(ActionItemQuery, location="query", unknown=RAISE)
@actions_api.response(200, ActionItemSchema(many=True), headers=PAGINATION)
def list_action_items(args):
    """The register, filtered, one page at a time (the `X-Pagination` header tells how many there are).

    Default order: by due date; `sort=title` orders by the title in the caller's language (their account's, else
    the request's Accept-Language). A filter given a value it cannot take is refused, naming the filter."""
    require(current_api_user(), "action.view")
    today, language = date.today(), locale_code()

    def listed() -> tuple[list[dict], dict]:
        """The page as this API shows it, the same for every caller: made once per version of the content."""
        query = actions.register_query(args["filters"], today, args.get("agreement_id"), language=language,
                                       columns=ACTION_ITEM_COLUMNS)
        rows, headers = page_of(actions_api, query, args["page"], args["per_page"])
        owners = actions.owners_by_item(row.id for row in rows)
        codes = actions.focus_area_codes(row.focus_area_id for row in rows)
        return [action_item_out(row, owners.get(row.id, []), codes, today) for row in rows], headers

    return written_once(("api action items", repr(args["filters"]), args.get("agreement_id"), args["page"],
                         args["per_page"], today, language), listed)


@actions_api.post("/action-items")
@actions_api.arguments(ActionItemCreateSchema)
@actions_api.response(201, ActionItemSchema)
@refusals(actions_api, 403, 409)
def create_action_item(data):
    """A new action item, with at least one owner on each side; its reference follows from the meeting.

    The first action item of the 12th meeting is JCM12-A01; one raised outside a meeting is JCM-X001."""
    agreement = _agreement_for(data)
    item = commit(lambda: actions.create_action_item(current_api_user(), agreement, data))
    return actions.get_action_item(item.id)


@actions_api.get("/action-items/<int:item_id>")
@actions_api.response(200, ActionItemSchema)
@refusals(actions_api, 404)
def get_action_item(item_id: int):
    item = actions.get_action_item(item_id)
    require(current_api_user(), "action.view", item)
    return item


@actions_api.patch("/action-items/<int:item_id>")
@actions_api.arguments(ActionItemUpdateSchema)
@actions_api.response(200, ActionItemSchema)
@refusals(actions_api, 403, 404, 409)
def update_action_item(data, item_id: int):
    """Change the fields given (a secretariat). With `version`, only if nobody has changed the item since:
    otherwise 409, with the item as it stands now in `error.current` and, under `yours`, the texts sent."""
    item = actions.get_action_item(item_id)
    version = data.pop("version", None)
    try:
        commit(lambda: actions.update_action_item(current_api_user(), item, data, expected_version=version))
    except Conflict as conflict:
        if conflict.current is not None:  # a stale version: show the record the way this API shows it
            yours = conflict.current.get("yours")  # the texts sent, kept so that none is lost
            conflict.current = ActionItemSchema().dump(actions.get_action_item(item_id))
            if yours is not None:
                conflict.current["yours"] = yours
        raise
    return actions.get_action_item(item_id)


# --- the updates log ------------------------------------------------------------------------------------

@actions_api.get("/action-items/<int:item_id>/updates")
@actions_api.response(200, ActionUpdateSchema(many=True))
@refusals(actions_api, 404)
def list_updates(item_id: int):
    """What happened, oldest first: the owners' and secretariats' reports, and the status and due-date changes."""
    item = actions.get_action_item(item_id, with_updates=True)
    require(current_api_user(), "action.view", item)
    return sorted(item.updates, key=lambda update: (update.at, update.id))


@actions_api.post("/action-items/<int:item_id>/updates")
@actions_api.arguments(ActionUpdateCreateSchema)
@actions_api.response(201, ActionUpdateSchema)
@refusals(actions_api, 403, 404, 409)
def post_update(data, item_id: int):
    """An owner on either side (in person or through their organization), or a secretariat, reports progress;
    with `status`, the action item moves to it."""
    item: ActionItem = actions.get_action_item(item_id)
    return commit(lambda: actions.post_update(current_api_user(), item, data["text"], data.get("status")))
