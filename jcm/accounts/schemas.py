"""The API's JSON shapes for accounts and organizations (DESIGN.md names them; more fields are welcome, these keep
their names)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from jcm.api.schemas import ROLE, SIDE
from jcm.models import MAX_ID


class UserSchema(Schema):
    id = fields.Int()
    email = fields.Email()
    name = fields.Str()
    title = fields.Str()
    side = fields.Str()
    role = fields.Str()
    organization_id = fields.Int(allow_none=True)
    locale = fields.Str(allow_none=True)
    active = fields.Bool()


class OrganizationSchema(Schema):
    id = fields.Int()
    side = fields.Str()
    name = fields.Str()
    name_ko = fields.Str()
    acronym = fields.Str()


class UserQuery(Schema):
    side = fields.Str(validate=SIDE)
    role = fields.Str(validate=ROLE)
    organization_id = fields.Int(validate=validate.Range(min=1, max=MAX_ID))
    active = fields.Bool()


class OrganizationQuery(Schema):
    side = fields.Str(validate=SIDE)
