"""Attachments of agenda items: the type is read from the content, files are kept by content hash."""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app, send_file
from flask_babel import gettext as _

from jcm.audit.services import record
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from jcm.errors import Invalid, JCMError, NotFound
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Attachment
from jcm.meetings.services import check_agenda_version, papers_changed
from jcm.permissions import require

# extension → the content types it may really have
ALLOWED = {
    "pdf": {"application/pdf"},
    "doc": {"application/msword", "application/x-ole-storage"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "ppt": {"application/vnd.ms-powerpoint", "application/x-ole-storage"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "xls": {"application/vnd.ms-excel", "application/x-ole-storage"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "odt": {"application/vnd.oasis.opendocument.text"},
    "odp": {"application/vnd.oasis.opendocument.presentation"},
    "ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
    "txt": {"text/plain"},
    "csv": {"text/plain"},
    "md": {"text/plain"},
}
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv", "md": "text/markdown"}
KIND_NAMES = {"pdf": "PDF", "doc": "Word", "docx": "Word", "ppt": "PowerPoint", "pptx": "PowerPoint",
              "xls": "Excel", "xlsx": "Excel", "png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF",
              "webp": "WebP", "txt": "text", "csv": "CSV", "md": "Markdown", "odt": "OpenDocument",
              "odp": "OpenDocument", "ods": "OpenDocument"}


class TooLarge(JCMError):
    status = 413
    code = "too_large"


def upload_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def stored_path(sha256: str) -> Path:
    return upload_root() / sha256[:2] / sha256


def clean_filename(name: str) -> str:
    """The name as the user gave it, minus any folders and control characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:255]


def _detect(head: bytes, extension: str) -> str | None:
    guess = filetype.guess(head)
    if guess is not None:
        return guess.mime
    if extension in TEXT_TYPES and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # a character cut at the end of the sample is fine
                return None
        return "text/plain"
    return None


def get_attachment(attachment_id: int) -> Attachment:
    """The attachment, with its agenda item and meeting (whose state the rules read)."""
    attachment = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id).options(
        joinedload(Attachment.agenda_item).joinedload(AgendaItem.meeting)))
    if attachment is None:
        raise NotFound(_("There is no such attachment."))
    return attachment


def list_attachments(item: AgendaItem) -> list[Attachment]:
    """The item's papers in the order they were added, each with its item."""
    return list(db.session.scalars(select(Attachment).where(Attachment.agenda_item_id == item.id)
                                   .options(joinedload(Attachment.agenda_item))
                                   .order_by(Attachment.uploaded_at, Attachment.id)))


def send_attachment(attachment: Attachment):
    """The paper's file as a response: shown in the browser when it can be (PDF, images), else downloaded; under
    the name it was given."""
    path = stored_path(attachment.sha256)
    if not path.exists():
        raise NotFound(_("There is no such attachment."))
    inline = attachment.content_type in ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")
    return send_file(path, mimetype=attachment.content_type, as_attachment=not inline,
                     download_name=attachment.filename, max_age=0, conditional=True)


def add_attachment(actor, item: AgendaItem, filename: str, stream: BinaryIO,
                   expected_agenda_version: int | None = None) -> Attachment:
    """A paper for the item (`item.meeting` loaded); on an agenda either side has agreed, a new version of it.
    Nothing is written, on disk or in the database, when it is refused."""
    require(actor, "attachment.upload", item.meeting)
    check_agenda_version(item.meeting, expected_agenda_version)
    name = clean_filename(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name or extension not in ALLOWED:
        raise Invalid(_("Only PDF, Word, PowerPoint, Excel, OpenDocument, image and text files can be attached."),
                      field="file")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    temp_dir = upload_root() / "tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    handle, temp_name = tempfile.mkstemp(dir=temp_dir)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(_("The file is larger than the limit of %(mb)s MB.", mb=limit // (1024 * 1024)))
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Invalid(_("The file is empty."), field="file")
        detected = _detect(head, extension)
        if detected not in ALLOWED[extension]:
            raise Invalid(_("“%(name)s” claims to be a %(kind)s file but its content is not.",
                            name=name, kind=KIND_NAMES[extension]), field="file")
        sha = digest.hexdigest()
        target = stored_path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_name, target)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
    content_type = TEXT_TYPES.get(extension, detected if detected != "application/x-ole-storage" else
                                  {"doc": "application/msword", "xls": "application/vnd.ms-excel",
                                   "ppt": "application/vnd.ms-powerpoint"}[extension])
    attachment = Attachment(agenda_item_id=item.id, filename=name, content_type=content_type, size=size,
                            sha256=sha, uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    record(actor, "attachment.create", attachment, after={"agenda_item": item.id, "filename": name, "size": size,
                                                          "sha256": sha}, label=name)
    papers_changed(actor, item.meeting)
    return attachment


def delete_attachment(actor, attachment: Attachment, expected_agenda_version: int | None = None) -> None:
    """Remove a paper (`attachment.agenda_item.meeting` loaded); on an agenda either side has agreed, a new version
    of it. Replacing a paper is removing it and adding the new one."""
    meeting = attachment.agenda_item.meeting
    require(actor, "attachment.upload", meeting)
    check_agenda_version(meeting, expected_agenda_version)
    record(actor, "attachment.delete", attachment, before={"filename": attachment.filename,
                                                           "sha256": attachment.sha256}, label=attachment.filename)
    db.session.delete(attachment)
    db.session.flush()
    papers_changed(actor, meeting)
    # The file stays: another attachment may share its content, and a backup may refer to it.
