"""Where PDFs are made and kept off the request: a small pool of render threads, and the cache of draft PDFs.

A PDF takes seconds to render; a request never renders one itself. It reads a kept copy from disk (an agreed
agenda's, adopted minutes', a draft's already rendered), else hands the render to the pool — the same render for
everyone asking for the same document at once — and waits for it at most PDF_WAIT_SECONDS before answering
"Preparing the PDF…" (202), which asks again until the PDF is there.

Drafts are kept by the SHA-256 of the record they print (jcm.records.digest), with the language, the address their
links resolve against, the renderer's settings and a fingerprint of everything else that shapes them (the templates,
the stylesheet, the translations, the code, the printing libraries and the fonts): a draft whose content changed has
another record, so another key — a stale or other-language draft cannot be served — and a second download of an
unchanged draft needs its record, not its HTML. The cache is bounded: past DRAFT_PDF_CACHE_FILES files or
DRAFT_PDF_CACHE_MB MiB, the drafts served least recently are removed first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from flask import Flask, current_app

DRAFT_FOLDER = "draft-pdfs"  # under the instance folder; not in a backup (each draft is rendered again if asked)


def write_atomically(path: Path, data: bytes) -> None:
    """A reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".document-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- the pool -----------------------------------------------------------------------------------------

@dataclass
class Job:
    """A render handed to the pool; joined like a thread (app.extensions["jcm_document_threads"])."""

    future: Future

    def join(self, timeout: float | None = None) -> None:
        wait([self.future], timeout)


class RenderPool:
    """PDF_RENDER_THREADS threads of this process that render PDFs, one job per document however many ask for it."""

    def __init__(self, app: Flask, threads: int):
        self._app = app
        self._executor = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="jcm-pdf")
        self._lock = threading.RLock()
        self._jobs: dict[str, Future] = {}

    def submit(self, key: str, work: Callable[[], bytes], *, background: bool = False) -> Future:
        """The job rendering `key`: the one already under way, else `work` started. A job asked for by a request
        that failed is kept until a request for the same key is told (then the next one tries again); a job started
        in the background (preparing the kept copies) is only logged if it fails, and the first request renders."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None:
                job = self._executor.submit(self._run, work)
                self._jobs[key] = job
                job.add_done_callback(lambda done: self._finished(key, done, background))
            return job

    def forget(self, key: str, job: Future) -> None:
        with self._lock:
            if self._jobs.get(key) is job:
                del self._jobs[key]

    def _run(self, work: Callable[[], bytes]) -> bytes:
        with self._app.app_context():
            return work()

    def _finished(self, key: str, job: Future, background: bool) -> None:
        error = None if job.cancelled() else job.exception()
        if error is not None:
            self._app.logger.error("could not render %s", key, exc_info=error)
        if error is None or background:
            self.forget(key, job)


_POOLS_LOCK = threading.Lock()


def render_pool(app: Flask | None = None) -> RenderPool:
    app = app or current_app._get_current_object()
    pool = app.extensions.get("jcm_render_pool")
    if pool is None:
        with _POOLS_LOCK:
            pool = app.extensions.get("jcm_render_pool")
            if pool is None:
                pool = app.extensions["jcm_render_pool"] = RenderPool(app, int(app.config["PDF_RENDER_THREADS"]))
    return pool


def background(app: Flask, key: str, work: Callable[[], bytes]) -> Job:
    """Render in the pool with nobody waiting (the kept copies of a record just agreed or adopted)."""
    job = Job(render_pool(app).submit(key, work, background=True))
    app.extensions.setdefault("jcm_document_threads", []).append(job)
    return job


# --- the drafts ---------------------------------------------------------------------------------------

# The libraries whose version can change how a document prints: its HTML (Jinja, MarkupSafe, Babel's dates, the
# Markdown of its texts and their cleaning) and its PDF (WeasyPrint and what it writes and draws with).
PRINTING_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "jinja2", "markupsafe", "babel",
                      "flask-babel", "markdown-it-py", "nh3")

_fingerprints: dict[str, tuple[tuple, str]] = {}


def files_digest(name: str, paths: list[Path]) -> str:
    """The SHA-256 of these files' names and contents, read again only when one of them changed (its time or size)."""
    marker = []
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            continue
        marker.append((str(path), status.st_mtime_ns, status.st_size))
    kept = _fingerprints.get(name)
    if kept is None or kept[0] != tuple(marker):
        digest = hashlib.sha256()
        for path_name, _time, _size in marker:
            digest.update(path_name.encode("utf-8") + b"\0")
            with contextlib.suppress(OSError):
                digest.update(Path(path_name).read_bytes())
            digest.update(b"\0")
        kept = _fingerprints[name] = (tuple(marker), digest.hexdigest())
    return kept[1]


@cache
def _code_and_fonts_digest() -> str:
    """What a running process cannot change without starting again: JCM's code, the printing libraries' versions and
    the fonts fontconfig finds (each file's name, size and time)."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    for library in PRINTING_LIBRARIES:
        try:
            digest.update(f"{library} {metadata.version(library)}\0".encode("utf-8"))
        except metadata.PackageNotFoundError:
            digest.update(f"{library} -\0".encode("utf-8"))
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            listed = subprocess.run([fc_list, "--format", "%{file}\\n"], capture_output=True, text=True, timeout=20,
                                    check=False).stdout
            for font in sorted(set(listed.splitlines())):
                with contextlib.suppress(OSError):
                    status = os.stat(font)
                    digest.update(f"{font} {status.st_size} {status.st_mtime_ns}\0".encode("utf-8"))
    return digest.hexdigest()


def document_fingerprint(app: Flask) -> str:
    """Everything besides its record that decides a draft's PDF: the documents' templates, the print stylesheet, the
    translations of their fixed words, JCM's code, the printing libraries and the fonts. Cheap: the files are only
    looked at (a few stats), and read again when one changed."""
    templates = Path(app.template_folder or "")
    if not templates.is_absolute():
        templates = Path(app.root_path) / templates
    files = sorted((templates / "documents").rglob("*.html"))
    files.append(Path(app.static_folder or "") / "css" / "print.css")
    files += sorted((Path(app.root_path) / "translations").glob("*/LC_MESSAGES/*.mo"))
    return hashlib.sha256(f"{_code_and_fonts_digest()} {files_digest(app.import_name, files)}".encode()).hexdigest()


def draft_key(record_digest: str, lang: str, base_url: str, settings: str) -> str:
    """The draft's key: the SHA-256 of its record (what it prints) with what else decides its PDF's bytes — the
    language, the address its links resolve against, the renderer's settings and document_fingerprint. Computed
    without printing the HTML: a draft already rendered is served as fast as a kept copy."""
    fingerprint = hashlib.sha256()
    for part in (settings, document_fingerprint(current_app), lang, base_url, record_digest):
        fingerprint.update(part.encode("utf-8") + b"\0")
    return fingerprint.hexdigest()


class DraftCache:
    """Rendered drafts on disk, `<key>-<lang>.pdf`; the newest-served kept within a number of files and of bytes."""

    def __init__(self, folder: Path, max_files: int, max_bytes: int):
        self.folder, self.max_files, self.max_bytes = folder, max_files, max_bytes

    def path(self, key: str, lang: str) -> Path:
        return self.folder / f"{key}-{lang}.pdf"

    def get(self, key: str, lang: str) -> bytes | None:
        path = self.path(key, lang)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):  # a file removed meanwhile was still read whole
            os.utime(path)  # served: the last to be removed
        return data

    def put(self, key: str, lang: str, data: bytes) -> None:
        write_atomically(self.path(key, lang), data)
        self.evict()

    def evict(self) -> list[str]:
        """Remove the drafts served least recently until at most max_files files of max_bytes in all are left."""
        held = []
        for path in self.folder.glob("*.pdf"):
            try:
                status = path.stat()
            except OSError:  # removed meanwhile
                continue
            held.append((status.st_mtime_ns, status.st_size, path))
        held.sort(key=lambda entry: entry[0], reverse=True)
        removed, files, size = [], 0, 0
        for _mtime, bytes_, path in held:
            files, size = files + 1, size + bytes_
            if files > self.max_files or size > self.max_bytes:
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed


def draft_cache() -> DraftCache:
    config = current_app.config
    return DraftCache(Path(current_app.instance_path) / DRAFT_FOLDER, int(config["DRAFT_PDF_CACHE_FILES"]),
                      int(float(config["DRAFT_PDF_CACHE_MB"]) * 1024 * 1024))
