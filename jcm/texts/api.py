"""API resources for the two authentic texts: read the state of a record's texts, check one language."""

from __future__ import annotations

from flask_smorest import Blueprint

from jcm.api import current_api_user
from jcm.api.resources import commit, refusals
from jcm.bilingual import LANGUAGES, states
from jcm.permissions import require
from jcm.texts import services
from jcm.texts.schemas import TEXT_KINDS, RecordTextsSchema, TextCheckSchema

texts_api = Blueprint("api_texts", __name__, description=(
    "The two authentic texts: every text a secretariat writes in English and Korean, its state in each language, "
    "and each side checking the language it answers for"))
blueprints = [texts_api]
KIND = f"any({', '.join(TEXT_KINDS)}):kind"  # another kind of record is not found (404)


def _shape(kind: str, obj) -> dict:
    return {"kind": kind, "id": obj.id, "texts": states(obj),
            "answering": {language: services.answering_side(language, obj) for language in LANGUAGES}}


@texts_api.get(f"/texts/<{KIND}>/<int:record_id>")
@texts_api.response(200, RecordTextsSchema)
@refusals(texts_api, 404)
def get_texts(kind: str, record_id: int):
    """The state of a record's texts in both languages (`kind` is the record's kind: meeting, agenda_item,
    action_item, minutes, minutes_section, progress_entry, attendee)."""
    require(current_api_user(), "meeting.view")
    return _shape(kind, services.get_record(kind, record_id))


@texts_api.post(f"/texts/<{KIND}>/<int:record_id>/checks")
@texts_api.arguments(TextCheckSchema)
@texts_api.response(201, RecordTextsSchema)
@refusals(texts_api, 403, 404, 409, 422)
def check_text(data: dict, kind: str, record_id: int):
    """The secretariat of the side that answers for the language checks its text against the other language."""
    user = current_api_user()
    require(user, "text.check")  # who asks first: a stranger learns nothing of the record
    obj = services.get_record(kind, record_id)
    require(user, "text.check", services.what_is_checked(obj, data["field"], data["language"]))
    commit(lambda: services.check_text(user, obj, data["field"], data["language"], data.get("revision")))
    return _shape(kind, obj)
