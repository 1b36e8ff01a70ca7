"""`jcm backup` and `jcm restore`: one archive of the whole database, the uploaded papers and the kept documents,
in a portable format that restores into SQLite or PostgreSQL alike, whichever the backup was made from.

The archive is a zip file:

- `manifest.json`: what it is (format, JCM version, the database's Alembic revision, the kind of database it came
  from, when it was made), the rows of each table, each table's columns and how their values are written, and the
  SHA-256 and size of every other member;
- `database/<table>.jsonl`: each table's rows, one JSON object a line, the tables in the order their foreign keys
  need them (a focus area after its parent), dates and times in ISO 8601, a JSON column as its JSON text (so an
  SQL NULL and a JSON null stay apart);
- `uploads/…` and `documents/…`: the attachments' files (named by their SHA-256) and the kept PDFs, as they are in
  the instance folder.

The rows are read in one consistent snapshot: on SQLite from a copy made with SQLite's online backup API (one step,
so writers carry on meanwhile and the copy is of one moment), on PostgreSQL in one REPEATABLE READ, READ ONLY
transaction. The files are read after the snapshot: an attachment's file is in place before its row is committed,
and neither it nor a kept document is ever changed or removed by JCM, so every file the snapshot names is there; a
file that disappears all the same (removed by hand) is left out and named in the manifest — a kept document is
rendered again, identical, when it is next asked for.

A restore checks the whole archive before it changes anything, refuses a damaged one (a sum that differs, a member
missing or extra, a file cut short) or a foreign one (no manifest, another format, a database revision this JCM
does not know), and restores only into a database that holds no rows: it creates the schema at the archive's
revision, writes the files, loads the rows in one transaction, upgrades to this JCM's schema and, on PostgreSQL,
moves each table's id sequence past the ids restored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from flask import current_app
from flask_migrate import upgrade

from jcm.extensions import db

FORMAT = "jcm-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# The instance's folders an archive holds, and the files in each it keeps: an upload is named by its SHA-256 under
# the first two hex digits; a kept document is a PDF. Anything else (an upload being received, a document being
# written) is not part of the record, and a member named otherwise is refused on restore.
FOLDERS = {"uploads": re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}"),
           "documents": re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.pdf")}
CHUNK = 1024 * 1024
BATCH = 1000


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- values -------------------------------------------------------------------------------------------------

def column_kind(column: sa.Column) -> str:
    """How a column's values are written in the archive."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        return "json"
    if isinstance(kind, sa.DateTime):
        return "datetime"
    if isinstance(kind, sa.Date):
        return "date"
    if isinstance(kind, sa.Time):
        return "time"
    if isinstance(kind, (sa.Integer, sa.String, sa.Boolean)):  # Text and Enum are Strings
        return "plain"
    raise BackupError(f"the column {column.table.name}.{column.name} has a type ({kind}) a backup does not know")


def _encode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("datetime", "date", "time"):
        return value.isoformat()
    return value  # JSON text, integers, strings, booleans


_DECODE: dict[str, Callable[[Any], Any]] = {
    "datetime": datetime.fromisoformat, "date": date.fromisoformat, "time": time.fromisoformat,
    # an SQL NULL is None; a JSON null is the JSON text "null"
    "json": lambda text: sa.JSON.NULL if text == "null" else json.loads(text),
    "plain": lambda value: value,
}
_TYPES = {"datetime": sa.DateTime, "date": sa.Date, "time": sa.Time, "json": sa.JSON, "plain": sa.types.NullType}


def _decode(value: Any, kind: str) -> Any:
    if value is None:
        return sa.null() if kind == "json" else None
    return _DECODE[kind](value)


# --- reading the database -----------------------------------------------------------------------------------

# The content's version (jcm.content) counts the changes made in one database, and is no part of what it holds: a
# restored database counts its own from the start its migration gives it.
NOT_BACKED_UP = frozenset({"content_version"})


def _tables() -> list[sa.Table]:
    return [table for table in db.metadata.sorted_tables if table.name not in NOT_BACKED_UP]


def _self_references(table: sa.Table) -> list[tuple[str, str]]:
    return [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]


def _parents_first(table: sa.Table, rows: list[dict[str, Any]],
                   links: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """A table that refers to itself (a focus area to its parent): each row after the rows it refers to."""
    placed: dict[str, set] = {target: set() for _column, target in links}
    ordered, waiting = [], rows
    while waiting:
        later = []
        for row in waiting:
            if all(row[column] is None or row[column] in placed[target] for column, target in links):
                ordered.append(row)
                for _column, target in links:
                    placed[target].add(row[target])
            else:
                later.append(row)
        if len(later) == len(waiting):
            raise BackupError(f"rows of {table.name} refer to each other in a circle")
        waiting = later
    return ordered


def _read_table(connection: sa.Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    """A table's rows in primary-key order (its parents first when it refers to itself), as the archive writes
    them."""
    kinds = {column.name: column_kind(column) for column in table.columns}
    chosen = [sa.cast(column, sa.Text).label(column.name) if kinds[column.name] == "json" else column
              for column in table.columns]
    query = sa.select(*chosen).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH).execute(query)
    rows = ({name: _encode(value, kinds[name]) for name, value in row._mapping.items()} for row in result)
    links = _self_references(table)
    if links:
        yield from _parents_first(table, list(rows), links)
    else:
        yield from rows


def _revision(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


class _Snapshot:
    """A connection that sees the whole database as it was at one moment, for as long as it is open."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.engine: sa.Engine | None = None

    def __enter__(self) -> sa.Connection:
        if db.engine.dialect.name == "sqlite":
            copy = self.scratch / "snapshot.sqlite3"
            target = sqlite3.connect(copy)
            try:
                with db.engine.connect() as source:  # all pages in one step: one moment, writers unblocked
                    source.connection.driver_connection.backup(target)
            finally:
                target.close()
            self.engine = sa.create_engine(f"sqlite:///{copy}", poolclass=sa.pool.NullPool)
            self.connection = self.engine.connect()
            self.transaction = self.connection.begin()
        else:
            self.connection = db.engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                                   postgresql_readonly=True)
            self.transaction = self.connection.begin()
        return self.connection

    def __exit__(self, *exc) -> None:
        self.transaction.rollback()
        self.connection.close()
        if self.engine is not None:
            self.engine.dispose()


# --- writing the archive --------------------------------------------------------------------------------------

@dataclass
class BackupReport:
    path: Path
    counts: dict[str, int]
    files: dict[str, int]
    vanished: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


class _Hashing:
    """Writes through to a zip member, counting and hashing what passes."""

    def __init__(self, target):
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.target.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def summary(self) -> dict[str, Any]:
        return {"sha256": self.sha256.hexdigest(), "size": self.size}


def files_in(folder: Path, pattern: re.Pattern) -> list[str]:
    """The names (relative, with /) of the files of a folder that an archive keeps."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if pattern.fullmatch(name) and path.is_file():
            found.append(name)
    return sorted(found)


def _jcm_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jcm")
    except PackageNotFoundError:
        return "unknown"


def backup(target: Path, folders: dict[str, Path]) -> BackupReport:
    """Write the archive to `target` (replacing it only once the new one is whole; readable by its owner only).
    `folders` names the instance's folder of each kind in FOLDERS."""
    try:
        return _backup(target, folders)
    except sa.exc.OperationalError as error:
        raise BackupError(f"the database cannot be read ({error.orig})") from error


def _backup(target: Path, folders: dict[str, Path]) -> BackupReport:
    target = Path(target).absolute()
    if target.is_dir():
        raise BackupError(f"{target} is a folder; name the archive file to write")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    script = _script()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".jcm-backup-") as scratch:
        partial = Path(scratch) / target.name
        members: dict[str, dict[str, Any]] = {}
        counts: dict[str, int] = {}
        tables = []
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            with _Snapshot(Path(scratch)) as connection:
                revision = _revision(connection)
                if revision != script.get_current_head():
                    raise BackupError(f"the database is at revision {revision or 'none'}, not at this JCM's "
                                      f"{script.get_current_head()}: run `jcm init` to upgrade it first")
                for table in _tables():
                    name = f"database/{table.name}.jsonl"
                    count = 0
                    with archive.open(name, "w", force_zip64=True) as member:
                        out = _Hashing(member)
                        for row in _read_table(connection, table):
                            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                            count += 1
                    members[name], counts[table.name] = out.summary(), count
                    tables.append({"name": table.name,
                                   "columns": [[column.name, column_kind(column)] for column in table.columns]})
                created_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
            # After the snapshot: every file it names is already in place (see the module's docstring).
            files: dict[str, int] = {}
            vanished: list[str] = []
            for kind, pattern in FOLDERS.items():
                folder = folders[kind]
                files[kind] = 0
                for name in files_in(folder, pattern):
                    try:
                        source = open(folder / name, "rb")
                    except FileNotFoundError:
                        vanished.append(f"{kind}/{name}")
                        continue
                    with source, archive.open(f"{kind}/{name}", "w", force_zip64=True) as member:
                        out = _Hashing(member)
                        shutil.copyfileobj(source, out, CHUNK)
                    members[f"{kind}/{name}"] = out.summary()
                    files[kind] += 1
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "jcm_version": _jcm_version(),
                        "alembic_revision": revision, "database": db.engine.dialect.name, "created_at": created_at,
                        "counts": counts, "tables": tables, "files": files, "vanished": vanished,
                        "members": members}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.chmod(partial, 0o600)  # the archive holds password and token hashes
        os.replace(partial, target)
    return BackupReport(target, counts, files, vanished)


# --- reading an archive ----------------------------------------------------------------------------------------

@dataclass
class Archive:
    path: Path
    manifest: dict[str, Any]


def _refuse(path: Path, why: str) -> BackupError:
    return BackupError(f"{path} cannot be restored: {why}")


def check_archive(path: Path) -> Archive:
    """The archive's manifest, once every member has been read and found as the manifest says; otherwise a
    BackupError that says what is wrong."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(4)
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise _refuse(path, "the archive is damaged or incomplete (cut short?)")
        raise _refuse(path, "it is not a JCM backup (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _manifest(path, archive)
            _check_members(path, archive, manifest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as error:
        raise _refuse(path, f"the archive is damaged ({error})") from error
    return Archive(path, manifest)


def _manifest(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        text = archive.read(MANIFEST)
    except KeyError:
        raise _refuse(path, f"it is not a JCM backup (it has no {MANIFEST})") from None
    try:
        manifest = json.loads(text)
    except ValueError:
        raise _refuse(path, f"its {MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(path, f"it is not a JCM backup (its {MANIFEST} is not a JCM backup's)")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise _refuse(path, f"it is in backup format {version}, and this JCM reads format {FORMAT_VERSION}")
    if not _well_formed(manifest):
        raise _refuse(path, f"its {MANIFEST} lacks what a JCM backup's has")
    revision = manifest["alembic_revision"]
    script = _script()
    try:
        known = script.get_revision(revision)
    except (RevisionError, CommandError):
        known = None
    if known is None:
        raise _refuse(path, f"its database is at revision {revision!r}, which this JCM does not know (it knows "
                            f"up to {script.get_current_head()}): it was made by a newer JCM")
    return manifest


def _well_formed(manifest: dict[str, Any]) -> bool:
    tables, counts, members = manifest.get("tables"), manifest.get("counts"), manifest.get("members")
    return (isinstance(manifest.get("alembic_revision"), str) and isinstance(tables, list)
            and isinstance(counts, dict) and isinstance(members, dict)
            and all(isinstance(entry, dict) and isinstance(entry.get("name"), str)
                    and isinstance(entry.get("columns"), list)
                    and all(isinstance(column, list) and len(column) == 2 and column[1] in _TYPES
                            for column in entry["columns"]) for entry in tables)
            and all(isinstance(entry, dict) for entry in members.values()))


def _check_members(path: Path, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    listed: dict[str, dict[str, Any]] = manifest["members"]
    present = {name for name in archive.namelist() if name != MANIFEST}
    if missing := sorted(set(listed) - present):
        raise _refuse(path, f"the archive is damaged: {missing[0]} is missing")
    if extra := sorted(present - set(listed)):
        raise _refuse(path, f"the archive holds {extra[0]}, which its manifest does not list")
    for table in manifest["tables"]:
        if f"database/{table['name']}.jsonl" not in listed:
            raise _refuse(path, f"the archive is damaged: the rows of {table['name']} are missing")
    for name in listed:
        kind, _sep, rest = name.partition("/")
        if not (kind == "database" or kind in FOLDERS and FOLDERS[kind].fullmatch(rest)):
            raise _refuse(path, f"the archive holds {name}, which is no part of a JCM backup")
    for name, expected in sorted(listed.items()):
        digest, size, lines = hashlib.sha256(), 0, 0
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                lines += chunk.count(b"\n")
        if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
            raise _refuse(path, f"the archive is damaged: {name} is not what its manifest says (its SHA-256 differs)")
        table = name.removeprefix("database/").removesuffix(".jsonl")
        if name.startswith("database/") and lines != manifest["counts"].get(table):
            raise _refuse(path, f"the archive is damaged: {name} holds {lines} rows, its manifest says "
                                f"{manifest['counts'].get(table)}")


# --- restoring -------------------------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    counts: dict[str, int]
    files: dict[str, int]
    revision: str


def rows_held(connection: sa.Connection) -> dict[str, int]:
    """The tables of the database that hold rows, with how many."""
    present = set(sa.inspect(connection).get_table_names())
    held = {}
    for table in _tables():
        if table.name in present:
            count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            if count:
                held[table.name] = count
    return held


def _prepare_schema(archive: Archive) -> None:
    """The database empty and at the archive's revision, or a BackupError saying why it cannot be."""
    wanted = archive.manifest["alembic_revision"]
    with db.engine.connect() as connection:
        held = rows_held(connection)
        current = _revision(connection)
    if held:
        listed = ", ".join(f"{name}: {count}" for name, count in sorted(held.items(), key=lambda kv: -kv[1])[:5])
        raise BackupError(f"the database already holds data ({listed}{', …' if len(held) > 5 else ''} rows). "
                          "Restore only into a new, empty database: create one, point JCM_DATABASE_URL (and "
                          "JCM_INSTANCE_PATH) at it and run `jcm restore` there, without `jcm init` before")
    if current != wanted:
        earlier = {revision.revision for revision in _script().iterate_revisions(wanted, "base")}
        if current is not None and current not in earlier:
            raise BackupError(f"the database is empty but at revision {current}, later than the archive's {wanted}: "
                              "restore into a new database with no tables")
        upgrade(revision=wanted)


def _write_files(archive: zipfile.ZipFile, names: Iterable[str], folders: dict[str, Path]) -> dict[str, int]:
    written = {kind: 0 for kind in FOLDERS}
    for name in names:
        kind, _sep, rest = name.partition("/")
        if kind not in FOLDERS:
            continue
        path = folders[kind] / rest
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".restore-")
        try:
            with os.fdopen(handle, "wb") as out, archive.open(name) as member:
                shutil.copyfileobj(member, out, CHUNK)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written[kind] += 1
    return written


def _load_rows(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    with db.engine.begin() as connection:
        present = set(sa.inspect(connection).get_table_names())
        for entry in manifest["tables"]:
            if entry["name"] not in present:
                raise BackupError(f"the archive's table {entry['name']} is not in the database at revision "
                                  f"{manifest['alembic_revision']}")
            kinds = dict(entry["columns"])
            table = sa.table(entry["name"], *(sa.column(name, _TYPES[kind]()) for name, kind in entry["columns"]))
            with archive.open(f"database/{entry['name']}.jsonl") as member:
                batch = []
                for line in io.TextIOWrapper(member, encoding="utf-8"):
                    row = json.loads(line)
                    batch.append({name: _decode(row.get(name), kind) for name, kind in kinds.items()})
                    if len(batch) == BATCH:
                        connection.execute(table.insert(), batch)
                        batch = []
                if batch:
                    connection.execute(table.insert(), batch)


def reset_sequences() -> None:
    """On PostgreSQL, each table's id sequence moved past the largest id, so new rows get fresh ids."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        quote = connection.dialect.identifier_preparer.quote
        for table in _tables():
            keys = list(table.primary_key.columns)
            if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
                continue
            key = keys[0].name
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence(:table, :key), COALESCE(MAX({quote(key)}), 0) + 1, false) "
                f"FROM {quote(table.name)}"), {"table": quote(table.name), "key": key})


def restore(path: Path, folders: dict[str, Path]) -> RestoreReport:
    """Restore the archive at `path` into this instance's empty database and its folders."""
    try:
        return _restore(path, folders)
    except sa.exc.OperationalError as error:
        raise BackupError(f"the database cannot be reached or written ({error.orig})") from error


def _restore(path: Path, folders: dict[str, Path]) -> RestoreReport:
    checked = check_archive(path)
    manifest = checked.manifest
    _prepare_schema(checked)
    with zipfile.ZipFile(checked.path) as archive:
        files = _write_files(archive, sorted(manifest["members"]), folders)
        try:
            _load_rows(archive, manifest)
        except sa.exc.DBAPIError as error:
            raise BackupError(f"the rows could not be restored, and none was: {error.orig}") from error
    upgrade()
    reset_sequences()
    with db.engine.connect() as connection:
        revision = _revision(connection)
    return RestoreReport(dict(manifest["counts"]), files, revision or "")
