"""Where PDFs are made and kept off the request: a small pool of render threads, and the cache of draft PDFs.

A PDF takes seconds to render; a request never renders one itself. It reads a kept copy from disk (an agreed
agenda's, adopted minutes', a draft's already rendered), else hands the render to the pool — the same render for
everyone asking for the same document at once — and waits for it at most PDF_WAIT_SECONDS before answering
"Preparing the PDF…" (202), which asks again until the PDF is there.

Drafts are kept by the SHA-256 of the exact HTML they were rendered from (with the language, the address its links
resolve against, the renderer's version and settings and the stylesheet's content): a draft whose content changed
is other HTML, so another key — a stale or other-language draft cannot be served. The cache is bounded: past
DRAFT_PDF_CACHE_FILES files or DRAFT_PDF_CACHE_MB MiB, the drafts served least recently are removed first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import weasyprint
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

_stylesheets: dict[tuple[str, int, int], str] = {}


def _stylesheet_digest(app: Flask) -> str:
    """The print stylesheet's SHA-256 (re-read when the file changes): it shapes the PDF as much as the HTML."""
    path = Path(app.static_folder or "") / "css" / "print.css"
    try:
        status = path.stat()
    except OSError:
        return ""
    marker = (str(path), status.st_mtime_ns, status.st_size)
    if marker not in _stylesheets:
        _stylesheets[marker] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _stylesheets[marker]


def draft_key(html: str, lang: str, base_url: str, settings: str) -> str:
    """The draft's key: the SHA-256 of the exact HTML, with what else decides the PDF's bytes."""
    fingerprint = hashlib.sha256()
    for part in (f"weasyprint {weasyprint.__version__}", settings, _stylesheet_digest(current_app), lang, base_url):
        fingerprint.update(part.encode("utf-8") + b"\0")
    fingerprint.update(html.encode("utf-8"))
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
