"""The audit log, for administrators."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jcm.audit.models import AuditEvent
from jcm.extensions import db
from jcm.permissions import require
from jcm.web import actor

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@login_required
def log():
    require(actor(), "audit.view")
    query = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    object_type = request.args.get("type", "")
    if object_type:
        query = query.where(AuditEvent.object_type == object_type[:64])
    types = db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)).all()
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("audit/log.html", page=page, types=[t for t in types if t], object_type=object_type)
