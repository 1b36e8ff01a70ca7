"""The papers of agenda items through the API, as the secretariats' own tools and a delegate's reader use them: the
same rules as the item's page, and a clear 4xx for a bad upload."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from jcm.audit.models import AuditEvent
from jcm.extensions import db
from jcm.meetings.models import Attachment
from tests.test_attachments_follow_the_record import (NOTES, PDF, agenda, agree_both, api_delete, api_upload, attach,
                                                      files_on_disk, paper_item)


def count_papers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


def test_a_secretariat_lists_uploads_downloads_and_removes_a_paper(app, api, committee, make_meeting):
    meeting_id = make_meeting()
    item_id = paper_item(app, meeting_id)
    listing = f"/api/v1/agenda-items/{item_id}/attachments"
    assert api.get(listing, committee.kr_secretariat).get_json() == []

    response = api_upload(api, committee.kr_secretariat, item_id, "양자 협력 보고서.pdf", PDF)
    assert response.status_code == 201
    paper = response.get_json()
    assert {key: paper[key] for key in ("agenda_item_id", "meeting_id", "filename", "content_type", "size",
                                        "sha256", "uploaded_by_id")} == {
        "agenda_item_id": item_id, "meeting_id": meeting_id, "filename": "양자 협력 보고서.pdf",
        "content_type": "application/pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest(),
        "uploaded_by_id": committee.kr_secretariat.id}
    assert paper["file_url"] == f"/api/v1/attachments/{paper['id']}/file" and paper["uploaded_at"].endswith("+00:00")
    notes = api_upload(api, committee.us_secretariat, item_id, "notes.txt", NOTES).get_json()

    assert [p["filename"] for p in api.get(listing, committee.us_secretariat).get_json()] == [
        "양자 협력 보고서.pdf", "notes.txt"]
    assert api.get(f"/api/v1/attachments/{paper['id']}", committee.us_secretariat).get_json() == paper
    download = api.get(paper["file_url"], committee.us_secretariat)
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    download.close()
    text = api.get(notes["file_url"], committee.us_secretariat)
    assert text.data == NOTES and text.mimetype == "text/plain" and text.headers["Content-Disposition"].startswith(
        "attachment")  # not shown in the browser
    text.close()

    assert api_delete(api, committee.us_secretariat, paper["id"]).status_code == 204
    assert [p["filename"] for p in api.get(listing, committee.us_secretariat).get_json()] == ["notes.txt"]
    assert api.get(f"/api/v1/attachments/{paper['id']}", committee.us_secretariat).status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("attachment.%"))
                                     .order_by(AuditEvent.id)).all()
        assert actions == ["attachment.create", "attachment.create", "attachment.delete"]
    assert agenda(app, meeting_id)[0] == 1  # nobody had agreed: no new version


def test_observers_and_delegates_read_the_papers_and_either_sides_secretariat_changes_them(
        app, api, committee, make_meeting):
    meeting_id = make_meeting()
    item_id = paper_item(app, meeting_id)
    paper = attach(app, committee, item_id)  # by the U.S. secretariat
    for reader in (committee.us_observer, committee.kr_observer, committee.kr_delegate, committee.us_co_chair,
                   committee.kr_admin):
        assert [p["id"] for p in api.get(f"/api/v1/agenda-items/{item_id}/attachments", reader).get_json()] == [paper]
        download = api.get(f"/api/v1/attachments/{paper}/file", reader)
        assert download.status_code == 200 and download.data == PDF
        download.close()
        upload = api_upload(api, reader, item_id, "mine.pdf", PDF)
        assert upload.status_code == 403 and upload.get_json()["error"]["code"] == "forbidden"
        assert api_delete(api, reader, paper).status_code == 403
    assert count_papers(app) == 1
    # The other side's secretariat removes the paper the U.S. secretariat attached, as on the page.
    assert api_delete(api, committee.kr_secretariat, paper).status_code == 204
    assert count_papers(app) == 0


@pytest.mark.parametrize("name, content, message", [
    (None, b"", "Choose a file to attach."),
    ("", PDF, "Choose a file to attach."),
    ("empty.pdf", b"", "The file is empty."),
    ("run.exe", b"MZ\x90\x00 a program", "can be attached"),
    ("no-extension", PDF, "can be attached"),
    ("report.pdf", b"MZ\x90\x00 a program", "“report.pdf” claims to be a PDF file but its content is not."),
    ("notes.txt", b"\x00\x01\x02binary", "claims to be a text file"),
])
def test_a_bad_upload_is_refused_naming_the_file_and_nothing_is_kept(
        app, api, committee, make_meeting, name, content, message):
    item_id = paper_item(app, make_meeting())
    before = files_on_disk(app)
    response = api_upload(api, committee.us_secretariat, item_id, name, content)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert message in error["message"] and error["field"] == "file"
    assert count_papers(app) == 0 and files_on_disk(app) == before


def test_a_file_sent_as_json_is_refused_with_a_clear_422(app, api, committee, make_meeting):
    item_id = paper_item(app, make_meeting())
    response = api.post(f"/api/v1/agenda-items/{item_id}/attachments", committee.us_secretariat,
                        json={"file": "JVBERi0xLjQK"})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "file"


def test_a_file_over_the_limit_gets_a_clear_413_and_nothing_is_kept(app, api, committee, make_meeting):
    item_id = paper_item(app, make_meeting())
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    before = files_on_disk(app)
    response = api_upload(api, committee.us_secretariat, item_id, "big.pdf", PDF + b"0" * 70000)
    assert response.status_code == 413
    assert response.get_json()["error"]["message"] == "The file or form is larger than JCM accepts."
    assert count_papers(app) == 0 and files_on_disk(app) == before


def test_a_stale_agenda_version_is_refused_with_the_version_now(app, api, committee, make_meeting):
    meeting_id = make_meeting()
    item_id = paper_item(app, meeting_id)
    paper = attach(app, committee, item_id)
    agree_both(app, committee, meeting_id)
    # Read at version 1: attaching makes version 2.
    assert api_upload(api, committee.us_secretariat, item_id, "notes.txt", NOTES, "?agenda_version=1").status_code \
        == 201
    assert agenda(app, meeting_id)[:2] == (2, "planning")
    before = files_on_disk(app)
    for response in (api_upload(api, committee.kr_secretariat, item_id, "late.pdf", PDF + b"% late\n",
                                "?agenda_version=1"),
                     api_delete(api, committee.kr_secretariat, paper, "?agenda_version=1")):
        assert response.status_code == 409
        assert response.get_json()["error"]["current"] == {"agenda_version": 2}
    assert count_papers(app) == 2 and files_on_disk(app) == before
    for query in ("?agenda_version=two", "?agenda_version=0"):
        assert api_delete(api, committee.kr_secretariat, paper, query).status_code == 422
    assert api_delete(api, committee.kr_secretariat, paper, "?agenda_version=2").status_code == 204


def test_a_paper_or_item_that_does_not_exist_is_a_404(app, api, committee, make_meeting):
    item_id = paper_item(app, make_meeting())
    paper = attach(app, committee, item_id)
    missing = paper + 1000
    for response in (api.get(f"/api/v1/attachments/{missing}", committee.us_secretariat),
                     api.get(f"/api/v1/attachments/{missing}/file", committee.us_secretariat),
                     api_delete(api, committee.us_secretariat, missing),
                     api.get(f"/api/v1/agenda-items/{item_id + 1000}/attachments", committee.us_secretariat),
                     api_upload(api, committee.us_secretariat, item_id + 1000, "x.pdf", PDF)):
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert count_papers(app) == 1


def test_a_paper_that_does_not_exist_is_a_404_on_the_pages_too(app, client, auth, committee, make_meeting):
    from tests.conftest import csrf_token

    item_id = paper_item(app, make_meeting())
    paper = attach(app, committee, item_id)
    auth.login(committee.us_secretariat)
    assert client.get(f"/attachments/{paper + 1000}").status_code == 404
    token = csrf_token(client, f"/agenda-items/{item_id}/edit")
    assert client.post(f"/attachments/{paper + 1000}/delete", data={"csrf_token": token}).status_code == 404
    assert count_papers(app) == 1
