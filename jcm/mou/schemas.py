"""The API's JSON shapes for the MOU: agreements and their focus areas (DESIGN.md names them; more fields are
welcome, these keep their names)."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from jcm.models import MAX_ID
from jcm.mou.models import AgreementStatus


class FocusAreaSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    title = fields.Str()
    title_ko = fields.Str()
    summary = fields.Str()
    summary_ko = fields.Str()
    parent_id = fields.Int(allow_none=True)
    agreement_id = fields.Int()
    depth = fields.Int(metadata={"description": "0 area of cooperation, 1 focus area, 2 sub-topic"})
    position = fields.Int()


class FocusAreaNodeSchema(FocusAreaSchema):
    children = fields.List(fields.Nested(lambda: FocusAreaNodeSchema()))


class ParticipantSchema(Schema):
    side = fields.Str()
    name = fields.Str()
    name_ko = fields.Str()
    short_name = fields.Str()
    short_name_ko = fields.Str()


class TermSchema(Schema):
    code = fields.Str()
    text = fields.Str()
    text_ko = fields.Str()


class ModificationSchema(Schema):
    decided_on = fields.Date()
    description = fields.Str()


class AgreementSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    title = fields.Str()
    title_ko = fields.Str()
    short_title = fields.Str()
    short_title_ko = fields.Str()
    purpose = fields.Str()
    purpose_ko = fields.Str()
    signed_date = fields.Date(allow_none=True)
    notice_period_days = fields.Int()
    discontinuation_notice_date = fields.Date(allow_none=True)
    discontinuation_notice_side = fields.Str(allow_none=True)
    end_date = fields.Date(allow_none=True, metadata={"description": "notice date + notice period"})
    status = fields.Method("get_status", metadata={
        "description": " | ".join(AgreementStatus)})
    participants = fields.Method("get_participants")

    def get_status(self, agreement) -> str:
        return agreement.status_on(date.today())

    def get_participants(self, agreement) -> dict:
        return {p.side: ParticipantSchema().dump(p) for p in agreement.participants}


class AgreementDetailSchema(AgreementSchema):
    terms = fields.List(fields.Nested(TermSchema))
    modifications = fields.List(fields.Nested(ModificationSchema))
    focus_areas = fields.Method("get_focus_areas", metadata={
        "description": "the focus-area tree", "type": "array", "items": {"$ref": "#/components/schemas/FocusAreaNode"}})

    def get_focus_areas(self, agreement) -> list[dict]:
        from jcm.mou.services import focus_area_tree

        def node(tree_node) -> dict:
            return {**FocusAreaSchema().dump(tree_node.area), "children": [node(c) for c in tree_node.children]}

        return [node(root) for root in focus_area_tree(agreement)]


class FocusAreaQuery(Schema):
    agreement_id = fields.Int(validate=validate.Range(min=1, max=MAX_ID))
    parent_id = fields.Int(validate=validate.Range(min=1, max=MAX_ID))
