"""The search's JSON shapes: the query's arguments and what it answers."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from jcm.models import MAX_ID
from jcm.search.index import KINDS
from jcm.search.services import MAX_QUERY_LENGTH

MAX_PER_PAGE = 100


class SearchArguments(Schema):
    class Meta:
        unknown = RAISE

    q = fields.Str(required=True, metadata={
        "description": "words, in English or Korean, at most 200 characters: each must be found in one text of a "
                       "record, as written (never a query language), in either case and with or without accents; "
                       "Hangul with or without the spaces between words (우주항공 finds 우주항공청). A word of one "
                       "character alone is refused.", "maxLength": MAX_QUERY_LENGTH, "example": "우주항공"})
    kind = fields.Str(validate=validate.OneOf(list(KINDS)), metadata={"description": "only records of this kind"})
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"at most {MAX_PER_PAGE}"})


class SearchHitSchema(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(list(KINDS)), metadata={"example": "action_item"})
    id = fields.Int(required=True, metadata={"description": "the record's id, in its kind"})
    title = fields.Str(required=True, metadata={"description": "the record as a reader knows it, in their language"})
    meeting_id = fields.Int(allow_none=True, metadata={"description": "the meeting it belongs to, when it does"})
    meeting = fields.Str(allow_none=True, metadata={"description": "that meeting's title"})
    field = fields.Str(required=True, metadata={"description": "the text that matched best: title, description, "
                                                               "decisions, discussion, narrative, text, ref, filename"})
    language = fields.Str(required=True, validate=validate.OneOf(["en", "ko"]))
    context = fields.Str(required=True, metadata={"description": "that text around its first match, on one line"})
    highlights = fields.List(fields.List(fields.Int()), required=True, metadata={
        "description": "[start, end) of each match in `context`, in characters"})
    context_html = fields.Str(required=True, metadata={
        "description": "`context` as HTML, every character escaped and each match in <mark>"})
    url = fields.Str(required=True, metadata={"description": "the place of the record in JCM's pages"})


class SearchResultsSchema(Schema):
    query = fields.Str(required=True)
    counts = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True, metadata={
        "description": "records found of each kind the caller may read; the kinds they may not are left out"})
    total = fields.Int(required=True, metadata={"description": "records found (of `kind`, when given)"})
    page = fields.Int(required=True)
    per_page = fields.Int(required=True)
    results = fields.List(fields.Nested(SearchHitSchema), required=True, metadata={
        "description": "one page of them, best first: a match in a title or a name before one in a decision, "
                       "before one in other texts; then by the database's relevance"})
