"""API resources for the MOU: agreements and their focus areas."""

from __future__ import annotations

from flask_smorest import Blueprint

from jcm.api import current_api_user
from jcm.mou import services as mou
from jcm.mou.schemas import AgreementDetailSchema, AgreementSchema, FocusAreaQuery, FocusAreaSchema
from jcm.permissions import require

mou_api = Blueprint("api_mou", __name__, description="The MOU: agreements and their focus areas")
blueprints = [mou_api]


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
