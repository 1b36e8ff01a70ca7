"""The API's shapes for the public summary: the draft the secretariats write and the co-chairs release, and the
released summaries anyone may read."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from jcm.api.schemas import StrictSchema
from jcm.bilingual import LANGUAGES
from jcm.models import MAX_ID
from jcm.public.models import MAX_SUMMARY, SummaryStatus

VERSION = fields.Int(strict=True, validate=validate.Range(min=0, max=MAX_ID), metadata={
    "description": "the version read; another writer's newer one is a 409"})


class ReleaseOutSchema(Schema):
    user_id = fields.Int(allow_none=True)
    name = fields.Str(allow_none=True)
    version = fields.Int(metadata={"description": "the version of the text released"})
    at = fields.Str(metadata={"format": "date-time"})


class SummaryReleasesSchema(Schema):
    US = fields.Nested(ReleaseOutSchema, allow_none=True)
    KR = fields.Nested(ReleaseOutSchema, allow_none=True)


class SummarySchema(Schema):
    id = fields.Int()
    meeting_id = fields.Int()
    status = fields.Str(metadata={"enum": [s.value for s in SummaryStatus], "description": (
        "draft (nothing is public) or released (by both co-chairs: public, and fixed)")})
    version = fields.Int(metadata={"description": "give it back when saving or releasing"})
    headline = fields.Str()
    headline_ko = fields.Str()
    body = fields.Str()
    body_ko = fields.Str()
    languages = fields.Dict(metadata={"description": (
        "each text's state in each language: {headline: {en: written, ko: checked}, body: {...}}")})
    revisions = fields.Dict(metadata={"description": "each text's revision in each language, to give back when "
                                                     "checking: {headline: {en: 2, ko: 1}, body: {...}}"})
    releases = fields.Nested(SummaryReleasesSchema, metadata={"description": "each side's co-chair's release"})
    released_at = fields.Str(allow_none=True, metadata={"format": "date-time"})
    public_url = fields.Str(allow_none=True, metadata={"description": "once released: its public page"})


class SummaryUpdateSchema(StrictSchema):
    headline = fields.Str(validate=validate.Length(max=300))
    headline_ko = fields.Str(validate=validate.Length(max=300))
    body = fields.Str(validate=validate.Length(max=MAX_SUMMARY))
    body_ko = fields.Str(validate=validate.Length(max=MAX_SUMMARY))
    version = VERSION


class SummaryCheckSchema(StrictSchema):
    field = fields.Str(required=True, validate=validate.OneOf(("headline", "body")))
    language = fields.Str(required=True, validate=validate.OneOf(LANGUAGES))
    revision = fields.Int(strict=True, validate=validate.Range(min=0, max=MAX_ID), metadata={
        "description": "the revision read; a newer one is a 409"})


class SummaryReleaseSchema(StrictSchema):
    version = VERSION


class PublicSummarySchema(Schema):
    meeting_id = fields.Int()
    headline = fields.Str()
    headline_ko = fields.Str()
    body = fields.Str()
    body_ko = fields.Str()
    released_at = fields.Str(metadata={"format": "date-time"})
    url = fields.Str(metadata={"description": "its public page"})
