"""The audit trail through the API, for administrators."""

from __future__ import annotations

import json

from flask_smorest import Blueprint
from marshmallow import RAISE

from jcm.api import current_api_user
from jcm.api.resources import refusals
from jcm.audit import services
from jcm.audit.schemas import AuditEventSchema, AuditQuery
from jcm.extensions import db
from jcm.permissions import require

audit_api = Blueprint("api_audit", __name__, description="The audit trail, for administrators")
blueprints = [audit_api]

PAGINATION = {"X-Pagination": "PAGINATION"}  # flask-smorest's header: {total, total_pages, page, next_page, …}


@audit_api.get("/audit")
@audit_api.arguments(AuditQuery, location="query", unknown=RAISE)
@audit_api.response(200, AuditEventSchema(many=True), headers=PAGINATION)
@refusals(audit_api, 403)
def list_events(args):
    """The trail, newest first, filtered like the log's page and its CSV, one page at a time (the `X-Pagination`
    header tells how many there are). Administrators only."""
    reader = current_api_user()
    require(reader, "audit.view")
    page, per_page = args.pop("page"), args.pop("per_page")
    found = db.paginate(services.events_query(args, reader.side), page=page, per_page=per_page, error_out=False,
                        count=True)
    metadata = audit_api._make_pagination_metadata(page, per_page, found.total)
    return ([{**_columns(entry.event), "changes": entry.changes} for entry in services.readable(found.items)],
            {"X-Pagination": json.dumps(metadata)})


def _columns(event) -> dict:
    return {column.key: getattr(event, column.key) for column in event.__table__.columns}
