"""API resources for people: the caller's own account, the accounts and the organizations."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from jcm.accounts import services as accounts
from jcm.accounts.models import User
from jcm.accounts.schemas import OrganizationQuery, OrganizationSchema, UserQuery, UserSchema
from jcm.api import current_api_user
from jcm.extensions import db
from jcm.permissions import require

people_api = Blueprint("api_people", __name__, description="Accounts and organizations")
blueprints = [people_api]


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
