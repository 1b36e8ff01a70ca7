"""API resources for the foundation: agreements, focus areas, people and organizations."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from jcm.accounts import services as accounts
from jcm.accounts.models import User
from jcm.api import current_api_user
from jcm.api.schemas import (AgreementDetailSchema, AgreementSchema, FocusAreaQuery, FocusAreaSchema,
                             OrganizationQuery, OrganizationSchema, UserQuery, UserSchema)
from jcm.extensions import db
from jcm.mou import services as mou
from jcm.permissions import require

mou_api = Blueprint("api_mou", __name__, description="The MOU: agreements and their focus areas")
people_api = Blueprint("api_people", __name__, description="Accounts and organizations")
blueprints = [mou_api, people_api]


@mou_api.get("/agreements")
@mou_api.response(200, AgreementSchema(many=True))
def list_agreements():
    require(current_api_user(), "agreement.view")
    return mou.agreements()


@mou_api.get("/agreements/<int:agreement_id>")
@mou_api.response(200, AgreementDetailSchema)
def get_agreement(agreement_id: int):
    """One agreement, with its focus-area tree."""
    agreement = mou.get_agreement(agreement_id)
    require(current_api_user(), "agreement.view", agreement)
    return agreement


@mou_api.get("/focus-areas")
@mou_api.arguments(FocusAreaQuery, location="query")
@mou_api.response(200, FocusAreaSchema(many=True))
def list_focus_areas(args):
    """All focus areas, flat, in tree order."""
    require(current_api_user(), "agreement.view")
    areas = mou.focus_areas(args.get("agreement_id"))
    if "parent_id" in args:
        areas = [area for area in areas if area.parent_id == args["parent_id"]]
    return areas


@mou_api.get("/focus-areas/<int:focus_area_id>")
@mou_api.response(200, FocusAreaSchema)
def get_focus_area(focus_area_id: int):
    require(current_api_user(), "agreement.view")
    return mou.get_focus_area(focus_area_id)


@people_api.get("/me")
@people_api.response(200, UserSchema)
def me():
    """The account the token belongs to."""
    return current_api_user()


@people_api.get("/users")
@people_api.arguments(UserQuery, location="query")
@people_api.response(200, UserSchema(many=True))
def list_users(args):
    require(current_api_user(), "user.list")
    query = select(User).order_by(User.side.desc(), User.name)
    for key, value in args.items():
        query = query.where(getattr(User, key) == value)
    return list(db.session.scalars(query))


@people_api.get("/users/<int:user_id>")
@people_api.response(200, UserSchema)
def get_user(user_id: int):
    require(current_api_user(), "user.list")
    return accounts.get_user(user_id)


@people_api.get("/organizations")
@people_api.arguments(OrganizationQuery, location="query")
@people_api.response(200, OrganizationSchema(many=True))
def list_organizations(args):
    require(current_api_user(), "organization.view")
    return accounts.organizations(args.get("side"))
