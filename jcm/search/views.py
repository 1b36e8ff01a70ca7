"""The search page: a form, and what it finds grouped by kind, with counts, a page at a time."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from jcm.errors import Invalid
from jcm.i18n import locale_code
from jcm.search import services
from jcm.search.index import KINDS
from jcm.search.places import meeting_title, place, title
from jcm.web import actor, int_or_none

bp = Blueprint("search", __name__)

FIRST_OF_EACH = 5  # results of each kind shown before "all of them"


@bp.get("/search")
@login_required
def search():
    q = request.args.get("q", "")
    kind = request.args.get("kind") or None
    page = int_or_none(request.args.get("page")) or 1
    if not q.strip():  # the form alone, before anything is asked
        return render_template("search/results.html", q="", kind=kind, found=None, error=None, kinds=KINDS)
    try:
        if not 1 <= page <= 10_000:
            raise Invalid(_("There is no such page of results."), field="page")
        found = services.search(actor(), q, kind=kind, page=page, per_page=current_app.config["PAGE_SIZE"],
                                language=locale_code(), per_kind=FIRST_OF_EACH)
    except Invalid as invalid:
        return render_template("search/results.html", q=q[:services.MAX_QUERY_LENGTH], kind=None, found=None,
                               error=invalid.message, kinds=KINDS), 422
    return render_template("search/results.html", q=found.query, kind=kind, found=found, kinds=KINDS,
                           groups=services.grouped(found), error=None, place=place, title=title,
                           meeting_title=meeting_title, first_of_each=FIRST_OF_EACH)
