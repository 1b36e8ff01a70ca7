"""Notifications in the API: the caller's, newest first, a page at a time with the unread count; marking read."""

from __future__ import annotations

import json

from flask_smorest import Blueprint
from marshmallow import RAISE

from jcm.api import current_api_user
from jcm.extensions import db
from jcm.notifications import services
from jcm.notifications.models import Notice
from jcm.notifications.schemas import MarkedSchema, MarkReadSchema, NoticeListSchema, NoticeQuery
from jcm.notifications.sending import describe
from jcm.zones import zone_of

notifications_api = Blueprint("api_notifications", __name__,
                              description="The caller's notifications: what concerns them, and what is unread")
blueprints = [notifications_api]

PAGINATION = {"X-Pagination": "Pagination"}  # JSON: {total, total_pages, page, next_page, …} (jcm.api)


@notifications_api.get("/notifications")
@notifications_api.arguments(NoticeQuery, location="query", unknown=RAISE)
@notifications_api.response(200, NoticeListSchema, headers=PAGINATION)
def list_notifications(args):
    """The caller's notifications, newest first, in their language with times in their zone, one page at a time
    (the `X-Pagination` header tells how many there are), and how many are unread in all."""
    user = current_api_user()
    query = services.notices_query(user)
    if args.get("unread"):
        query = query.where(Notice.read_at.is_(None))
    found = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False, count=True)
    zone = zone_of(user)
    items = []
    for notice in found.items:
        told = describe(notice, zone)
        items.append({"id": notice.id, "kind": notice.kind, "event": notice.event, "headline": told.headline,
                      "lines": told.lines, "ask": told.ask, "to_act": notice.to_act, "meeting_id": notice.meeting_id,
                      "action_item_id": notice.action_item_id, "url": told.path, "created_at": notice.created_at,
                      "read_at": notice.read_at})
    metadata = notifications_api._make_pagination_metadata(args["page"], args["per_page"], found.total)

    return {"unread": services.unread_count(user), "notifications": items}, {"X-Pagination": json.dumps(metadata)}


@notifications_api.post("/notifications/read")
@notifications_api.arguments(MarkReadSchema)
@notifications_api.response(200, MarkedSchema)
def mark_read(data):
    """Marks the caller's notifications read: those listed in `ids` (others' are left alone), or all of them."""
    user = current_api_user()
    marked = services.mark_read(user, data.get("ids"))
    return {"marked": marked, "unread": services.unread_count(user)}
