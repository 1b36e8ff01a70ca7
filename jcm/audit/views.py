"""The audit log, for administrators: the page, filtered, and the same selection as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Iterator

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import login_required
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jcm.accounts.models import User
from jcm.audit import services
from jcm.audit.models import OUTCOME_LABELS, AuditEvent
from jcm.audit.schemas import AuditFilterSchema
from jcm.errors import Invalid
from jcm.extensions import db
from jcm.i18n import locale_code
from jcm.permissions import require
from jcm.web import actor

bp = Blueprint("audit", __name__)


def _filters() -> dict[str, Any]:
    """The filters of the address (empty ones ignored; `type` is the page's older name for object_type); a value a
    filter cannot take is refused, naming the filter (422)."""
    given = {key: value for key, value in request.args.items() if value.strip()}
    if "type" in given:
        given.setdefault("object_type", given.pop("type"))
    try:
        return AuditFilterSchema(unknown=EXCLUDE).load(given)
    except ValidationError as error:
        name, messages = next(iter(error.messages.items()))
        raise Invalid(f"{name}: {' '.join(map(str, messages))}", field=name) from None


@bp.get("/admin/audit")
@login_required
def log():
    require(actor(), "audit.view")
    filters = _filters()
    query = services.events_query(filters, actor().side).options(selectinload(AuditEvent.actor))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    people = list(db.session.scalars(select(User).order_by(User.side.desc(), User.name)))
    args = {key: value.isoformat() if isinstance(value, date) else value for key, value in filters.items()}
    return render_template("audit/log.html", page=page, entries=services.readable(page.items), filters=filters,
                           args=args, people=people, outcomes=OUTCOME_LABELS, **services.kinds(actor().side))


CSV_COLUMNS = ("id", "at", "actor_id", "actor", "action", "outcome", "reason", "address", "object_type",
               "object_id", "object_label", "changes")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell (CSV injection)


@bp.get("/admin/audit.csv")
@login_required
def export():
    """The log as the page filters it, every event of it, streamed: UTF-8 with a byte-order mark (for Excel), the
    columns named as the API names them, the changes with names, not ids."""
    require(actor(), "audit.view")
    filters = _filters()
    locale_code()  # the reader's language, settled while the account is at hand: the rows are written after
    side = actor().side  # read now: the rows are written after the request's session is done with the account

    def rows() -> Iterator[str]:
        yield "\ufeff" + _line(CSV_COLUMNS)
        for events in services.in_chunks(filters, side=side):
            for entry in services.readable(events):
                event = entry.event
                changes = "; ".join(f"{change.label}: {change.before or '—'} → {change.after or '—'}"
                                    for change in entry.changes)
                yield _line((event.id, event.at.strftime("%Y-%m-%d %H:%M:%S"), event.actor_id or "",
                             event.actor_label, event.action, event.outcome, event.reason or "",
                             event.address or "", event.object_type, event.object_id or "", event.object_label,
                             changes))

    filename = f"jcm-audit-{date.today().isoformat()}.csv"
    return Response(stream_with_context(rows()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        ["'" + text if text.startswith(FORMULA_STARTS) else text for text in map(str, values)])
    return buffer.getvalue()
