"""API resources for a meeting's distribution marking: the one its documents carry, and a secretariat's choice."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from jcm.api import current_api_user
from jcm.api.resources import commit, refusals
from jcm.api.schemas import StrictSchema
from jcm.documents import services
from jcm.documents.markings import MEETING_MARKINGS, Marking, marking_words
from jcm.meetings.services import get_meeting
from jcm.models import MAX_ID
from jcm.permissions import require

documents_api = Blueprint("api_documents", __name__, description=(
    "Distribution markings: who a meeting's documents are for, printed on every page and in the PDF's metadata, "
    "chosen by the secretariats until the minutes are adopted"))
blueprints = [documents_api]


class MarkingSchema(Schema):
    meeting_id = fields.Int()
    marking = fields.Str(metadata={"enum": [m.value for m in Marking]})
    label = fields.Str(metadata={"description": "in English"})
    label_ko = fields.Str(metadata={"description": "in Korean"})
    version = fields.Int(metadata={"description": "give it back when changing it; 0 until one was chosen"})
    choices = fields.List(fields.Str(), metadata={"description": "what a meeting's documents may be marked"})


class MarkingUpdateSchema(StrictSchema):
    marking = fields.Str(required=True, metadata={"enum": [m.value for m in MEETING_MARKINGS]})
    version = fields.Int(strict=True, validate=validate.Range(min=0, max=MAX_ID), metadata={
        "description": "the version read; another writer's newer one is a 409"})


def _shape(meeting_id: int) -> dict:
    row = services.marking_row(meeting_id)
    code = row.marking if row is not None else services.marking_of(meeting_id)
    return {"meeting_id": meeting_id, "marking": code, "label": marking_words(code, "en"),
            "label_ko": marking_words(code, "ko"), "version": row.version if row is not None else 0,
            "choices": [m.value for m in MEETING_MARKINGS]}


@documents_api.get("/meetings/<int:meeting_id>/marking")
@documents_api.response(200, MarkingSchema)
@refusals(documents_api, 404)
def get_marking(meeting_id: int):
    """The marking the meeting's documents carry now (an agreed agenda and adopted minutes carry the one frozen
    with their record)."""
    meeting = get_meeting(meeting_id)
    require(current_api_user(), "meeting.view", meeting)
    return _shape(meeting.id)


@documents_api.put("/meetings/<int:meeting_id>/marking")
@documents_api.arguments(MarkingUpdateSchema)
@documents_api.response(200, MarkingSchema)
@refusals(documents_api, 403, 404, 409, 422)
def put_marking(data: dict, meeting_id: int):
    """A secretariat chooses the marking of the meeting's documents (`governments`: for the use of the two
    governments, the default; `unrestricted`). Refused once the minutes are adopted (409); a stale `version` is a
    409 with the stored marking in `error.current`."""
    user = current_api_user()
    require(user, "document.mark")
    meeting = get_meeting(meeting_id)
    commit(lambda: services.set_marking(user, meeting, data["marking"], data.get("version")))
    return _shape(meeting.id)



