"""Side-internal notes in the API: the caller's side's note on a meeting, an agenda item, a minutes section or an
action item, and a note by its id. Only the writer's side ever sees them: another side's note is not found."""

from __future__ import annotations

from flask_smorest import Blueprint

from jcm.api import current_api_user
from jcm.api.resources import commit, refusals
from jcm.notes import services
from jcm.notes.briefing import briefing_record
from jcm.notes.models import NoteKind, SideNote
from jcm.notes.schemas import BriefingQuery, BriefingSchema, NoteRevisionSchema, NoteSchema, NoteWriteSchema

notes_api = Blueprint("api_notes", __name__,
                      description="Each side's internal notes: written and read by that side's accounts only")
blueprints = [notes_api]


def note_out(note: SideNote) -> dict:
    author = services.author_of(note)
    return {"id": note.id, "side": note.side, "kind": note.kind, "target_id": note.target_id, "text": note.text,
            "version": note.version, "author_id": note.updated_by_id, "author": author.name if author else None,
            "updated_at": note.updated_at}


def _list(kind: str, target_id: int) -> list[dict]:
    user = current_api_user()
    note = services.note_on(user, services.target(kind, target_id))
    return [note_out(note)] if note is not None else []


def _save(kind: str, target_id: int, data: dict):
    user = current_api_user()
    on = services.target(kind, target_id)
    note = commit(lambda: services.save_note(user, on, data["text"], data["version"]))
    return note_out(note), 201 if data["version"] == 0 else 200


LISTED = "The caller's side's note on it, as a list (empty, or the one note); the other side's are never listed."
SAVED = ("Writes the caller's side's note on it: `version` 0 makes it (201), the version read changes it (200); a "
         "save based on an older version is refused (409) with the stored text and yours in `error.current`. "
         "Observers read and never write.")


def _resources(path: str, kind: str, name: str) -> None:
    def listing(target_id: int):
        return _list(kind, target_id)

    def saving(data, target_id: int):
        return _save(kind, target_id, data)

    listing.__name__, saving.__name__ = f"list_{name}_notes", f"save_{name}_note"
    listing.__doc__, saving.__doc__ = LISTED, SAVED
    notes_api.get(f"{path}/<int:target_id>/notes")(
        notes_api.response(200, NoteSchema(many=True))(refusals(notes_api, 404)(listing)))
    notes_api.post(f"{path}/<int:target_id>/notes")(
        notes_api.arguments(NoteWriteSchema)(
            notes_api.response(201, NoteSchema)(notes_api.alt_response(200, schema=NoteSchema, description="changed")(
                refusals(notes_api, 403, 404, 409, 422)(saving)))))


_resources("/meetings", NoteKind.meeting.value, "meeting")
_resources("/agenda-items", NoteKind.agenda_item.value, "agenda_item")
_resources("/minutes-sections", NoteKind.minutes_section.value, "minutes_section")
_resources("/action-items", NoteKind.action_item.value, "action_item")


@notes_api.get("/notes/<int:note_id>")
@notes_api.response(200, NoteSchema)
@refusals(notes_api, 404)
def get_note(note_id: int):
    """One of the caller's side's notes; another side's is not found (404), as one that does not exist."""
    return note_out(services.get_note(current_api_user(), note_id))


@notes_api.put("/notes/<int:note_id>")
@notes_api.arguments(NoteWriteSchema)
@notes_api.response(200, NoteSchema)
@refusals(notes_api, 403, 404, 409, 422)
def put_note(data, note_id: int):
    """Changes one of the caller's side's notes, based on the version read (409 with both texts when it is
    stale)."""
    user = current_api_user()
    note = services.get_note(user, note_id)
    on = services.target_of(note)
    return note_out(commit(lambda: services.save_note(user, on, data["text"], data["version"])))


@notes_api.get("/notes/<int:note_id>/revisions")
@notes_api.response(200, NoteRevisionSchema(many=True))
@refusals(notes_api, 404)
def list_revisions(note_id: int):
    """Every saved version of one of the caller's side's notes, the latest first."""
    note = services.get_note(current_api_user(), note_id)
    return [{"version": r.version, "text": r.text, "author_id": r.author_id,
             "author": r.author.name if r.author else None, "at": r.at} for r in services.revisions(note)]


@notes_api.get("/meetings/<int:meeting_id>/briefing")
@notes_api.arguments(BriefingQuery, location="query")
@notes_api.response(200, BriefingSchema)
@refusals(notes_api, 404)
def get_briefing(args, meeting_id: int):
    """The caller's side's briefing pack for the meeting, as /meetings/<id>/briefing.pdf prints it: the agenda, the
    side's notes, its open action items and the progress so far by focus area. Another side's is not found."""
    return briefing_record(current_api_user(), meeting_id, args.get("side"))
