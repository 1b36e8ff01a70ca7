"""The search in the API: `GET /api/v1/search?q=`."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import RAISE

from jcm.api import current_api_user
from jcm.api.resources import refusals
from jcm.i18n import locale_code
from jcm.search import services
from jcm.search.places import meeting_title, place, title
from jcm.search.schemas import SearchArguments, SearchResultsSchema

search_api = Blueprint("api_search", __name__,
                       description="Search across agendas, minutes, progress, action items, their updates and papers")
blueprints = [search_api]


@search_api.get("/search")
@search_api.arguments(SearchArguments, location="query", unknown=RAISE)
@search_api.response(200, SearchResultsSchema)
@refusals(search_api, 422)
def search(args):
    """Records the caller may read that hold every word of `q` in one of their texts, best first, with each
    record's best match in context. What the caller may not read is neither listed nor counted."""
    found = services.search(current_api_user(), args["q"], kind=args.get("kind"), page=args["page"],
                            per_page=args["per_page"], language=locale_code())
    return {"query": found.query, "counts": found.counts, "total": found.total, "page": found.page,
            "per_page": found.per_page,
            "results": [{"kind": hit.kind, "id": hit.id, "title": title(hit), "meeting_id": hit.meeting.id
                         if hit.meeting else None, "meeting": meeting_title(hit) or None, "field": hit.field,
                         "language": hit.language, "context": hit.plain, "highlights": [list(s) for s in hit.spans],
                         "context_html": str(hit.context), "url": place(hit)} for hit in found.hits]}
