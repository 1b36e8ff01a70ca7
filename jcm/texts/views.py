"""The page route a "Checked" button posts to; it goes back to the page it came from."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from jcm.accounts.forms import EmptyForm
from jcm.permissions import require
from jcm.texts import services
from jcm.web import actor, int_or_none, safe_next, submit

bp = Blueprint("texts", __name__)


@bp.post("/texts/<kind>/<int:record_id>/<field>/<language>/check")
@login_required
def check(kind: str, record_id: int, field: str, language: str):
    require(actor(), "text.check")  # who asks first: a stranger learns nothing of the record
    obj = services.get_record(kind, record_id)
    require(actor(), "text.check", services.what_is_checked(obj, field, language))
    if EmptyForm().validate_on_submit():
        ok, _states = submit(None, lambda: services.check_text(actor(), obj, field, language,
                                                               int_or_none(request.form.get("revision"))))
        if ok:
            flash(_("Marked as checked."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("meetings.index"))
