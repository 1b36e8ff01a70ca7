"""Backup and restore: `jcm backup FILE` keeps the whole committee — every row, every paper, every kept document —
in one archive made while people keep working, and `jcm restore FILE` brings it back, identical, into a new
instance, where the adopted minutes still verify. A damaged or foreign archive, or an instance that already holds
data, is refused and nothing changes."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import select

from jcm import backup as backup_module
from jcm import create_app
from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.attachments import add_attachment
from jcm.meetings.services import get_agenda_item, get_meeting
from tests.conftest import Auth, app_config, close_database, create_empty_database, drop_database, postgres_server_url
from tests.test_corrections import CORRECTED, corrections_url, item_of_fourth_record, propose
from tests.test_minutes_document import adopt, minutes_url, write_minutes

# The newest migration: what a backup made by this code names as its schema.
HEAD = ScriptDirectory(str(Path(__file__).resolve().parent.parent / "migrations")).get_current_head()

PAPER = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
NOTES = "회의 준비 메모: 양자 테스트베드 목록\nPreparatory notes: quantum testbed inventory\n".encode()


@pytest.fixture
def new_instance(tmp_path):
    """A factory of new JCM instances, each with its own instance folder and a new, empty database (on the
    PostgreSQL server under test, a database created for it and dropped after); `sqlite=True` makes it SQLite."""
    made = []

    def make(name: str, *, sqlite: bool = False):
        url = f"sqlite:///{tmp_path / (name + '.sqlite3')}" if sqlite else create_empty_database(tmp_path)
        instance = create_app(app_config(url, tmp_path / name))
        made.append((instance, url))
        return instance

    yield make
    for instance, url in made:
        close_database(instance)
        if not url.startswith("sqlite"):
            drop_database(url)


# --- the committee's record ----------------------------------------------------------------------------------

def papers_on_the_agenda(app, committee, meeting_id: int) -> None:
    with app.app_context():
        meeting = get_meeting(meeting_id, with_agenda=True)
        add_attachment(get_user(committee.kr_secretariat.id), get_agenda_item(meeting.items[3].id),
                       "양자 협력 보고서.pdf", io.BytesIO(PAPER))
        add_attachment(get_user(committee.us_secretariat.id), get_agenda_item(meeting.items[4].id),
                       "notes.txt", io.BytesIO(NOTES))
        db.session.commit()


@pytest.fixture
def committee_at_work(app, client, auth, api, committee, held_meeting, make_meeting, make_action_item):
    """The 12th meeting held, its papers attached, action items raised, its minutes adopted by both co-chairs and
    corrected once, the original and the corrected text kept as PDFs; the 13th meeting being prepared."""
    papers_on_the_agenda(app, committee, held_meeting)
    make_action_item(title="Exchange AI-ready dataset inventories", due_date="2026-02-28")
    make_action_item(title="Organise a joint quantum workshop", focus_area="B.4", due_date="2026-09-30",
                     meeting_id=held_meeting)
    write_minutes(app, committee, held_meeting)
    original = adopt(app, committee, held_meeting)
    item = item_of_fourth_record(app, held_meeting)
    assert propose(api, committee, held_meeting, item, supersedes=original).status_code == 201
    assert api.post(f"{corrections_url(held_meeting)}/1/approvals", committee.kr_co_chair,
                    json={"version": 1}).status_code == 201
    corrected = api.post(f"{corrections_url(held_meeting)}/1/approvals", committee.us_co_chair,
                         json={"version": 1}).get_json()["sha256"]
    upcoming = make_meeting(ordinal=13, start_date="2027-04-20", host_side="US", city="Washington, D.C.")
    papers_on_the_agenda(app, committee, upcoming)
    make_action_item(title="Draft the joint statement on open science", meeting_id=upcoming, due_date="2027-05-31")
    auth.login(committee.us_delegate)
    for query in ("?lang=en", "?lang=ko&corr=0"):  # kept in instance/documents on their first request
        assert client.get(minutes_url(held_meeting, "pdf") + query).status_code == 200
    auth.logout()
    return {"meeting": held_meeting, "original": original, "corrected": corrected}


# --- what an instance holds ----------------------------------------------------------------------------------

def rows(app) -> dict[str, list[tuple]]:
    """Every table's rows in id order, a JSON column as its JSON text (so an SQL NULL and a JSON null differ)."""
    held = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in backup_module.NOT_BACKED_UP:
                continue
            columns = [sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
                       for column in table.columns]
            held[table.name] = [tuple(row) for row in connection.execute(
                select(*columns).order_by(*table.primary_key.columns))]
    return held


def files(app) -> dict[str, bytes]:
    """The attachments' files and the kept documents, by their place in the instance folder."""
    root = Path(app.instance_path)
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in ("uploads", "documents") for path in sorted((root / folder).rglob("*"))
            if path.is_file() and "tmp" not in path.relative_to(root).parts and not path.name.startswith(".")}


def table_names(app) -> list[str]:
    with app.app_context(), db.engine.connect() as connection:
        return sa.inspect(connection).get_table_names()


def back_up(app, path: Path):
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return result


def restore_into(instance, path: Path):
    return instance.test_cli_runner().invoke(args=["restore", str(path)])


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


# --- the story ---------------------------------------------------------------------------------------------

def test_a_backup_restored_into_a_new_instance_holds_every_record_paper_and_kept_document(
        app, committee, committee_at_work, new_instance, tmp_path):
    archive = tmp_path / "jcm-2026-03-20.zip"
    made = back_up(app, archive)
    assert "Backed up" in made.output and "2 uploaded files" in made.output and "2 kept documents" in made.output
    assert archive.stat().st_mode & 0o077 == 0  # password and token hashes: readable by its owner only

    manifest = manifest_of(archive)
    assert (manifest["format"], manifest["format_version"], manifest["alembic_revision"]) == ("jcm-backup", 1, HEAD)
    assert manifest["database"] == ("postgresql" if postgres_server_url() else "sqlite")
    assert manifest["jcm_version"] and manifest["created_at"].endswith("+00:00")
    source = rows(app)
    assert manifest["counts"] == {name: len(held) for name, held in source.items()}
    assert manifest["counts"]["user"] == 10 and manifest["counts"]["minutes_correction"] == 1
    with zipfile.ZipFile(archive) as opened:
        for name, member in manifest["members"].items():
            assert hashlib.sha256(opened.read(name)).hexdigest() == member["sha256"], name

    restored = new_instance("restored")
    result = restore_into(restored, archive)
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and f"revision {HEAD}" in result.output

    assert rows(restored) == source
    assert files(restored) == files(app) and len(files(app)) == 4  # two papers, two kept documents

    # The adopted digests still verify, the original now superseded by its correction.
    client = restored.test_client()
    original = client.get(f"/api/v1/verify/{committee_at_work['original']}").get_json()
    corrected = client.get(f"/api/v1/verify/{committee_at_work['corrected']}").get_json()
    assert original["match"] and original["superseded_by"]["sha256"] == committee_at_work["corrected"]
    assert corrected["match"] and corrected["correction"] == 1
    # A kept PDF matches its record in the restored JCM, and is what the restored JCM serves.
    meeting = committee_at_work["meeting"]
    kept = Path(restored.instance_path) / "documents" / f"minutes-{meeting}-{committee_at_work['corrected']}-en.pdf"
    checked = restored.test_cli_runner().invoke(args=["verify", str(kept)])
    assert checked.exit_code == 0 and "FAIL" not in checked.output and "Corr. 1" in checked.output, checked.output
    with restored.app_context():
        from jcm.accounts.services import create_token

        _token, plain = create_token(None, get_user(committee.us_delegate.id), "after the restore")
        db.session.commit()
    served = client.get(minutes_url(meeting, "pdf") + "?lang=en", headers={"Authorization": f"Bearer {plain}"})
    assert served.status_code == 200 and served.data == kept.read_bytes()
    page = client.get(minutes_url(meeting), headers={"Authorization": f"Bearer {plain}"}).get_data(as_text=True)
    assert CORRECTED in page

    # New records get fresh ids after the restore (on PostgreSQL, its sequences were moved on).
    with restored.app_context():
        from jcm.accounts.services import create_user

        newcomer = create_user(None, {"email": "new.delegate@state.example.gov", "name": "Nora New", "side": "US",
                                      "role": "delegate"}, "correct horse battery")
        db.session.commit()
        assert newcomer.id > max(row[0] for row in source["user"])


def test_a_backup_made_while_the_committee_keeps_writing_is_of_one_moment(
        app, committee, held_meeting, make_action_item, new_instance, tmp_path):
    """While the backup runs, a secretariat raises action items one after another: the archive holds each of
    those it holds whole — with its owners and its audit entry — and none it does not."""
    papers_on_the_agenda(app, committee, held_meeting)
    for n in range(20):
        make_action_item(title=f"Standing item {n}")
    raised: list[int] = []
    stop, started = threading.Event(), threading.Event()

    def keep_writing():
        while not stop.is_set():
            raised.append(make_action_item(title=f"Raised during the backup {len(raised)}"))
            if len(raised) >= 3:
                started.set()
        started.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert started.wait(60)
        before = len(raised)
        back_up(app, tmp_path / "busy.zip")
        during = len(raised) - before
        done = len(raised)
        while len(raised) <= done and writer.is_alive():  # and one more begun after the backup was made
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join(60)
    assert during > 0, "no write happened while the backup ran"

    restored = new_instance("restored-busy")
    result = restore_into(restored, tmp_path / "busy.zip")
    assert result.exit_code == 0, result.output
    source, copy = rows(app), rows(restored)
    for name, held in copy.items():
        assert set(held) <= set(source[name]), name  # nothing the source never held
    kept = {row[0] for row in copy["action_item"]}
    assert kept & set(raised) and set(raised) - kept  # some raised before the moment of the backup, some after
    assert sorted(kept & set(raised)) == raised[:len(kept & set(raised))]  # exactly those before that moment
    with restored.app_context(), db.engine.connect() as connection:
        owners = dict(connection.execute(sa.text(
            "SELECT action_item_id, COUNT(*) FROM action_owner GROUP BY action_item_id")).all())
        audited = set(connection.execute(sa.text(
            "SELECT object_id FROM audit_event WHERE object_type = 'ActionItem' AND action = 'action_item.create'"
        )).scalars())
    assert all(owners.get(item) == 2 for item in kept) and kept <= audited


def test_a_kept_document_that_disappears_during_the_backup_is_left_out_and_comes_back_identical(
        app, client, auth, committee, held_meeting, new_instance, tmp_path, monkeypatch):
    write_minutes(app, committee, held_meeting)
    digest = adopt(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    original = client.get(minutes_url(held_meeting, "pdf") + "?lang=ko").data
    kept = Path(app.instance_path) / "documents" / f"minutes-{held_meeting}-{digest}-ko.pdf"
    assert kept.read_bytes() == original
    listing = backup_module.files_in

    def listed_then_removed(folder, pattern):  # someone clears the kept documents just after they are listed
        names = listing(folder, pattern)
        if folder.name == "documents":
            kept.unlink()
        return names

    monkeypatch.setattr(backup_module, "files_in", listed_then_removed)
    made = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "gone.zip")])
    assert made.exit_code == 0, made.output
    assert f"documents/{kept.name} disappeared while the backup ran" in made.output
    assert manifest_of(tmp_path / "gone.zip")["vanished"] == [f"documents/{kept.name}"]

    restored = new_instance("restored-gone")
    assert restore_into(restored, tmp_path / "gone.zip").exit_code == 0
    restored_client = restored.test_client()  # which renders the document again from its record, byte for byte
    Auth(restored_client).login(committee.us_delegate)
    assert restored_client.get(minutes_url(held_meeting, "pdf") + "?lang=ko").data == original


# --- refusals ------------------------------------------------------------------------------------------------

@pytest.fixture
def archive(app, committee, held_meeting, tmp_path) -> Path:
    papers_on_the_agenda(app, committee, held_meeting)
    path = tmp_path / "jcm.zip"
    back_up(app, path)
    return path


def rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the archive with its members as `change(name, data)` gives them (None leaves one out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
    return target


def with_manifest(source: Path, target: Path, **changes) -> Path:
    def change(name, data):
        return json.dumps({**json.loads(data), **changes}) if name == "manifest.json" else data
    return rewritten(source, target, change)


def assert_refused(instance, path: Path, says: str) -> None:
    result = restore_into(instance, path)
    assert result.exit_code == 1, result.output
    assert "Nothing was restored" in result.output and says in result.output, result.output
    assert "Traceback" not in result.output
    assert table_names(instance) == [] and not (Path(instance.instance_path) / "uploads").exists()


def test_a_damaged_archive_is_refused_and_nothing_changes(archive, new_instance, tmp_path):
    target = new_instance("target")

    def altered(name, data):
        return data.replace(b"Samuel Reyes", b"Samuel Reyez") if name == "database/user.jsonl" else data
    assert_refused(target, rewritten(archive, tmp_path / "altered.zip", altered),
                   "database/user.jsonl is not what its manifest says (its SHA-256 differs)")

    def paper_replaced(name, data):
        return data[:-2] + b"X\n" if name.startswith("uploads/") else data
    assert_refused(target, rewritten(archive, tmp_path / "paper.zip", paper_replaced), "its SHA-256 differs")

    assert_refused(target, rewritten(archive, tmp_path / "missing.zip",
                                     lambda name, data: None if name.startswith("uploads/") else data),
                   "is missing")

    data = archive.read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    assert_refused(target, tmp_path / "cut.zip", "damaged or incomplete")

    with zipfile.ZipFile(archive) as opened:  # a byte flipped inside the stored rows of the accounts
        info = opened.getinfo("database/user.jsonl")
    flipped = bytearray(data)
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    flipped[offset] ^= 0xFF
    (tmp_path / "flipped.zip").write_bytes(bytes(flipped))
    assert_refused(target, tmp_path / "flipped.zip", "damaged")


def test_a_foreign_archive_is_refused_and_nothing_changes(archive, new_instance, tmp_path):
    target = new_instance("target")
    (tmp_path / "notes.txt").write_text("not an archive at all\n")
    assert_refused(target, tmp_path / "notes.txt", "not a JCM backup (not a zip archive)")

    with zipfile.ZipFile(tmp_path / "other.zip", "w") as other:
        other.writestr("report.docx", b"something else")
    assert_refused(target, tmp_path / "other.zip", "not a JCM backup (it has no manifest.json)")

    assert_refused(target, rewritten(archive, tmp_path / "no-manifest.zip",
                                     lambda name, data: None if name == "manifest.json" else data),
                   "it has no manifest.json")
    assert_refused(target, with_manifest(archive, tmp_path / "v2.zip", format_version=2),
                   "it is in backup format 2, and this JCM reads format 1")
    assert_refused(target, with_manifest(archive, tmp_path / "newer.zip", alembic_revision="0042"),
                   "revision '0042', which this JCM does not know")
    assert_refused(target, with_manifest(archive, tmp_path / "odd.zip", format="someone-elses"),
                   "not a JCM backup")
    assert_refused(target, with_manifest(archive, tmp_path / "bare.zip", tables=None), "lacks what")

    # A member, listed with its right sum, that would be written outside the instance's folders.
    members = {**manifest_of(archive)["members"],
               "uploads/../../secret_key": {"sha256": hashlib.sha256(b"x").hexdigest(), "size": 1}}
    sneaky = with_manifest(archive, tmp_path / "sneaky.zip", members=members)
    with zipfile.ZipFile(sneaky, "a") as opened:
        opened.writestr("uploads/../../secret_key", b"x")
    assert_refused(target, sneaky, "no part of a JCM backup")

    # The archive itself, untouched, restores.
    assert restore_into(target, archive).exit_code == 0


def test_a_restore_into_an_instance_that_holds_data_is_refused(app, archive, committee):
    before = rows(app)
    result = restore_into(app, archive)
    assert result.exit_code == 1 and "Nothing was restored" in result.output
    assert "already holds data" in result.output and "user: 10" in result.output
    assert rows(app) == before


def test_a_backup_the_command_cannot_write_says_so(app, committee, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no-such-folder" / "jcm.zip")])
    assert result.exit_code == 1 and "No backup was made" in result.output and "does not exist" in result.output
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "no-such.zip")])
    assert result.exit_code == 2 and "does not exist" in result.output
    unreachable = create_app(app_config(f"sqlite:///{tmp_path / 'no-such-folder' / 'jcm.sqlite3'}",
                                        tmp_path / "unreachable"))
    result = unreachable.test_cli_runner().invoke(args=["backup", str(tmp_path / "jcm.zip")])
    assert result.exit_code == 1 and "the database cannot be read" in result.output, result.output
    assert not (tmp_path / "jcm.zip").exists()
    close_database(unreachable)


def test_an_empty_database_already_at_the_newest_schema_takes_a_restore(app, archive, committee, new_instance):
    """An instance whose schema was created (by `jcm db upgrade`) but that holds no rows is empty too."""
    target = new_instance("upgraded")
    with target.app_context():
        from flask_migrate import upgrade

        upgrade()
    result = restore_into(target, archive)
    assert result.exit_code == 0, result.output
    assert rows(target) == rows(app)


# --- across databases ----------------------------------------------------------------------------------------

@pytest.mark.skipif(postgres_server_url() is None, reason="needs a PostgreSQL server (JCM_DATABASE_URL)")
def test_a_backup_restores_from_postgresql_into_sqlite_and_back(app, committee, committee_at_work, new_instance,
                                                                tmp_path):
    back_up(app, tmp_path / "from-postgresql.zip")
    assert manifest_of(tmp_path / "from-postgresql.zip")["database"] == "postgresql"
    on_sqlite = new_instance("on-sqlite", sqlite=True)
    assert restore_into(on_sqlite, tmp_path / "from-postgresql.zip").exit_code == 0
    assert rows(on_sqlite) == rows(app) and files(on_sqlite) == files(app)

    back_up(on_sqlite, tmp_path / "from-sqlite.zip")
    assert manifest_of(tmp_path / "from-sqlite.zip")["database"] == "sqlite"
    on_postgresql = new_instance("on-postgresql")
    result = restore_into(on_postgresql, tmp_path / "from-sqlite.zip")
    assert result.exit_code == 0, result.output
    assert rows(on_postgresql) == rows(app) and files(on_postgresql) == files(app)
    verdict = on_postgresql.test_client().get(f"/api/v1/verify/{committee_at_work['corrected']}").get_json()
    assert verdict["match"] and verdict["correction"] == 1
