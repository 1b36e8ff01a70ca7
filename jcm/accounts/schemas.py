"""The API's JSON shapes for accounts and organizations (DESIGN.md names them; more fields are welcome, these keep
their names)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from jcm.accounts.models import Organization, User
from jcm.api.schemas import ROLE, SIDE, output_fields
from jcm.fields import declared
from jcm.zones import zone_of
from jcm.models import MAX_ID


class UserSchema(Schema):
    class Meta:
        include = {"id": fields.Int(), **output_fields(User, [name for name in declared(User)
                                                              if name not in ("email", "time_zone")])}

    email = fields.Email()
    time_zone = fields.Function(zone_of, metadata={
        "description": "the IANA time zone the person reads times in: their own, else their side's capital"})


class OrganizationSchema(Schema):
    class Meta:
        include = {"id": fields.Int(), **output_fields(Organization, declared(Organization))}


class UserQuery(Schema):
    side = fields.Str(validate=SIDE)
    role = fields.Str(validate=ROLE)
    organization_id = fields.Int(validate=validate.Range(min=1, max=MAX_ID))
    active = fields.Bool()


class OrganizationQuery(Schema):
    side = fields.Str(validate=SIDE)
