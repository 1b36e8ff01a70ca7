"""Attachments follow the record: the papers of an agenda item change the agenda as any other change does, and are
part of the record once the meeting's minutes are adopted — on the item's page and through the API alike."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.audit.models import AuditEvent
from jcm.extensions import db
from jcm.meetings import services
from jcm.meetings.attachments import add_attachment
from jcm.meetings.models import Attachment
from tests.conftest import complete_both_texts, csrf_token, post_form
from tests.test_minutes_document import adopt, write_minutes

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
REVISED = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% revised after the working group\ntrailer<</Root 1 0 R>>\n%%EOF\n"
NOTES = "공동 테스트베드 현황\nShared testbeds: status\n".encode()
ADOPTED = "The minutes of this meeting have been adopted: its papers can no longer be added, replaced or removed."


# --- helpers ---------------------------------------------------------------------------------------------------

def paper_item(app, meeting_id: int) -> int:
    """The agenda item the stories attach papers to: the first focus-area discussion."""
    with app.app_context():
        meeting = services.get_meeting(meeting_id, with_agenda=True)
        return next(item.id for item in meeting.items if item.focus_areas)


def attach(app, committee, item_id: int, name: str = "testbeds.pdf", content: bytes = PDF) -> int:
    with app.app_context():
        attachment = add_attachment(get_user(committee.us_secretariat.id), services.get_agenda_item(item_id), name,
                                    io.BytesIO(content))
        db.session.commit()
        return attachment.id


def agree_both(app, committee, meeting_id: int) -> None:
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        services.agree_agenda(get_user(committee.us_secretariat.id), services.get_meeting(meeting_id))
        services.agree_agenda(get_user(committee.kr_co_chair.id), services.get_meeting(meeting_id))
        db.session.commit()


def agenda(app, meeting_id: int) -> tuple[int, str, dict]:
    """The agenda's version, the meeting's status, and each side's agreement of the current version."""
    with app.app_context():
        meeting = services.get_meeting(meeting_id)
        return meeting.agenda_version, meeting.status, services.approvals_by_side(meeting)


def papers(app, item_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(a.filename, a.sha256) for a in db.session.scalars(
            select(Attachment).where(Attachment.agenda_item_id == item_id).order_by(Attachment.id))]


def paper_ids(app, item_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Attachment.id).where(Attachment.agenda_item_id == item_id)))


def files_on_disk(app) -> dict[str, bytes]:
    """Every file under the instance's uploads (the papers, by hash, and anything half-written)."""
    root = Path(app.instance_path) / "uploads"
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def new_versions(app, meeting_id: int) -> list[tuple[dict, dict]]:
    with app.app_context():
        return [(event.before, event.after) for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "agenda.new_version", AuditEvent.object_id == meeting_id)
            .order_by(AuditEvent.id))]


def upload_page(client, item_id: int, name: str, content: bytes):
    return post_form(client, f"/agenda-items/{item_id}/attachments", {"file": (io.BytesIO(content), name)},
                     page=f"/agenda-items/{item_id}/edit", content_type="multipart/form-data")


def api_upload(api, person, item_id: int, name: str | None, content: bytes = PDF, query: str = ""):
    data = {"file": (io.BytesIO(content), name)} if name is not None else {}
    return api.post(f"/api/v1/agenda-items/{item_id}/attachments{query}", person, data=data,
                    content_type="multipart/form-data")


def api_delete(api, person, attachment_id: int, query: str = ""):
    return api.client.delete(f"/api/v1/attachments/{attachment_id}{query}", headers=api.headers(person))


# --- on an agreed agenda, a paper makes a new version ----------------------------------------------------------

def test_a_paper_added_to_an_agreed_agenda_makes_a_new_version_that_both_sides_agree_again(
        app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    item_id = paper_item(app, meeting_id)
    agree_both(app, committee, meeting_id)
    version, status, approvals = agenda(app, meeting_id)
    assert (version, status) == (1, "agenda_agreed") and all(approvals.values())

    auth.login(committee.kr_secretariat)
    response = upload_page(client, item_id, "양자 협력 보고서.pdf", PDF)
    assert response.status_code == 302

    version, status, approvals = agenda(app, meeting_id)
    assert (version, status) == (2, "planning")  # version 2, agreed by neither side
    assert approvals == {"US": None, "KR": None}
    assert new_versions(app, meeting_id) == [({"agenda_version": 1, "status": "agenda_agreed"},
                                              {"agenda_version": 2, "status": "planning"})]
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Changed since version 1" in page and "(attachments)" in page  # the page says what changed
    assert "Agree version 2" in page

    # Both sides agree version 2: its frozen record lists the paper.
    agree_both(app, committee, meeting_id)
    with app.app_context():
        from jcm.documents.records import agreed_agenda

        meeting = services.get_meeting(meeting_id)
        assert meeting.status == "agenda_agreed" and meeting.agenda_version == 2
        listed = [paper["filename"] for day in agreed_agenda(meeting).record["days"] for slot in day["slots"]
                  for paper in slot["item"]["attachments"]]
        assert listed == ["양자 협력 보고서.pdf"]


def test_removing_or_replacing_a_paper_of_an_agreed_agenda_makes_a_new_version(
        app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    item_id = paper_item(app, meeting_id)
    first = attach(app, committee, item_id, "testbeds.pdf", PDF)
    agree_both(app, committee, meeting_id)

    # Replaced: the old paper removed and the revised one, under the same name, attached — one new version.
    auth.login(committee.us_secretariat)
    token = csrf_token(client, f"/agenda-items/{item_id}/edit")
    assert client.post(f"/attachments/{first}/delete", data={"csrf_token": token}).status_code == 302
    assert upload_page(client, item_id, "testbeds.pdf", REVISED).status_code == 302
    version, status, approvals = agenda(app, meeting_id)
    assert (version, status, approvals) == (2, "planning", {"US": None, "KR": None})
    assert papers(app, item_id) == [("testbeds.pdf", hashlib.sha256(REVISED).hexdigest())]
    assert "(attachments)" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)

    # Agreed again, then removed: version 3.
    agree_both(app, committee, meeting_id)
    (revised,) = paper_ids(app, item_id)
    token = csrf_token(client, f"/agenda-items/{item_id}/edit")
    assert client.post(f"/attachments/{revised}/delete", data={"csrf_token": token}).status_code == 302
    version, status, approvals = agenda(app, meeting_id)
    assert (version, status, approvals) == (3, "planning", {"US": None, "KR": None})
    assert papers(app, item_id) == []
    assert [after["agenda_version"] for _before, after in new_versions(app, meeting_id)] == [2, 3]
    with app.app_context():
        removed = db.session.scalars(select(AuditEvent.before).where(AuditEvent.action == "attachment.delete")).all()
        assert [event["filename"] for event in removed] == ["testbeds.pdf", "testbeds.pdf"]


def test_a_paper_on_an_agenda_nobody_agreed_changes_no_version_and_one_side_agreeing_is_cleared(
        app, api, committee, make_meeting):
    meeting_id = make_meeting()
    item_id = paper_item(app, meeting_id)
    attach(app, committee, item_id)
    assert agenda(app, meeting_id) == (1, "planning", {"US": None, "KR": None})
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        services.agree_agenda(get_user(committee.kr_secretariat.id), services.get_meeting(meeting_id))
        db.session.commit()
    assert api_upload(api, committee.us_secretariat, item_id, "notes.txt", NOTES).status_code == 201
    assert agenda(app, meeting_id) == (2, "planning", {"US": None, "KR": None})


def test_a_paper_presented_at_a_held_meeting_is_added_and_the_agreed_agenda_stands(
        app, committee, make_meeting):
    meeting_id = make_meeting(start_date="2026-03-10")
    item_id = paper_item(app, meeting_id)
    agree_both(app, committee, meeting_id)
    with app.app_context():
        services.set_status(get_user(committee.us_secretariat.id), services.get_meeting(meeting_id), "held")
        db.session.commit()
    attach(app, committee, item_id, "presentation.pdf")
    version, status, approvals = agenda(app, meeting_id)
    assert (version, status) == (1, "held") and all(approvals.values())  # agreed, as it was
    assert [name for name, _sha in papers(app, item_id)] == ["presentation.pdf"]


# --- once the minutes are adopted, the papers are part of the record ------------------------------------------

@pytest.fixture
def adopted(app, committee, held_meeting) -> dict:
    """The 12th meeting, a paper on its agenda, its minutes adopted by both co-chairs."""
    item_id = paper_item(app, held_meeting)
    paper = attach(app, committee, item_id, "testbeds.pdf", PDF)
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    with app.app_context():
        assert services.get_meeting(held_meeting).status == "minutes_adopted"
    return {"meeting": held_meeting, "item": item_id, "paper": paper}


def record_of(app, adopted) -> tuple:
    return (papers(app, adopted["item"]), agenda(app, adopted["meeting"]), files_on_disk(app))


def test_no_paper_is_added_replaced_or_removed_on_the_item_page_once_the_minutes_are_adopted(
        app, client, auth, committee, adopted):
    before = record_of(app, adopted)
    auth.login(committee.us_secretariat)
    token = csrf_token(client, "/account")
    response = client.post(f"/agenda-items/{adopted['item']}/attachments", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(REVISED), "testbeds.pdf")})
    assert response.status_code == 409 and ADOPTED in response.get_data(as_text=True)
    response = client.post(f"/attachments/{adopted['paper']}/delete", data={"csrf_token": token})
    assert response.status_code == 409 and ADOPTED in response.get_data(as_text=True)
    assert record_of(app, adopted) == before  # the paper, the agenda and the files on disk as they were
    download = client.get(f"/attachments/{adopted['paper']}")  # and it is still read
    assert download.status_code == 200 and download.data == PDF
    download.close()


def test_no_paper_is_added_replaced_or_removed_through_the_api_once_the_minutes_are_adopted(
        app, api, committee, adopted):
    before = record_of(app, adopted)
    for person in (committee.us_secretariat, committee.kr_secretariat):
        response = api_upload(api, person, adopted["item"], "late-paper.pdf", REVISED)
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["error"] == {"code": "conflict", "message": ADOPTED}
        response = api_delete(api, person, adopted["paper"])
        assert response.status_code == 409 and response.get_json()["error"]["message"] == ADOPTED
    observer = api_upload(api, committee.kr_observer, adopted["item"], "late-paper.pdf", REVISED)
    assert observer.status_code == 403  # who asks comes before the state
    assert record_of(app, adopted) == before
    listed = api.get(f"/api/v1/agenda-items/{adopted['item']}/attachments", committee.kr_delegate).get_json()
    assert [paper["filename"] for paper in listed] == ["testbeds.pdf"]


def test_the_korean_secretariat_is_told_why_in_korean(app, api, committee, adopted):
    with app.app_context():
        get_user(committee.kr_secretariat.id).locale = "ko"
        db.session.commit()
    response = api_upload(api, committee.kr_secretariat, adopted["item"], "late.pdf", REVISED)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "이 회의의 회의록이 채택되었으므로 회의 자료를 더 이상 추가, 교체 또는 삭제할 수 없습니다.")
