"""The API's JSON shapes for the MOU: agreements and their focus areas (DESIGN.md names them; more fields are
welcome, these keep their names)."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from jcm.api.schemas import output_fields
from jcm.fields import declared
from jcm.models import MAX_ID
from jcm.mou.models import Agreement, AgreementStatus, FocusArea, Modification

# Kept for the pages and the documents: the API has never shown them.
NOT_SHOWN = ("language_note", "language_note_ko", "discontinuation_notice_reference")


class FocusAreaSchema(Schema):
    class Meta:
        include = {"id": fields.Int(), "agreement_id": fields.Int(), **output_fields(FocusArea, declared(FocusArea))}


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
    class Meta:
        include = output_fields(Modification, declared(Modification))


class AgreementSchema(Schema):
    class Meta:
        include = {"id": fields.Int(),
                   **output_fields(Agreement, [name for name in declared(Agreement) if name not in NOT_SHOWN])}

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
