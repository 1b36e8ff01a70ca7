"""A meeting's documents made once per version of the content (jcm.content).

An agenda or minutes is gathered from hundreds of records — the agenda, the sections, the action items carried over
and raised with their owners' names — and printed; until the content changes, the same is gathered and printed
again. So each process remembers, for the most recently asked, what it gathered (the edition: the record and its
digest) and what it printed (the HTML in a language), under the content's version: a reload, a second reader, the
PDF after the HTML, are served from it without reading the records again. Any committed change moves the version on,
so nothing remembered from before it is served after it; what a transaction that changed the content reads itself is
never remembered. Who may read a document is checked on every request, before anything remembered is served."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Hashable, TypeVar

from flask import Flask, current_app, request

from jcm.content import content_version
from jcm.records import digest as digest_of

T = TypeVar("T")

KEPT = 24  # the editions and printed texts each process remembers, the most recently asked


class Remembered:
    """The most recently asked values, by key, at most `size` of them; shared by a process's threads."""

    def __init__(self, size: int):
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


def init_app(app: Flask) -> None:
    app.extensions["jcm.documents.made"] = Remembered(KEPT)


def made_once(key: tuple, make: Callable[[], T]) -> T:
    """`make()`, or what it made for the same key at the content's current version (and the same address: the
    printed links are absolute)."""
    version = content_version()
    if version is None:
        return make()
    made: Remembered = current_app.extensions["jcm.documents.made"]
    key = (*key, version, request.url_root)
    value = made.get(key)
    if value is None:
        value = make()
        made.put(key, value)
    return value


@dataclass(frozen=True)
class Edition:
    """A document's text as it stands: its record, the digest both sides agreed or adopted it with (None for a
    draft) and whether it is adopted minutes. Shared by the requests that print it: never changed once made."""

    record: dict[str, Any]
    digest: str | None
    adopted: bool = False

    @cached_property
    def record_digest(self) -> str:
        """The digest of the record as it stands (a draft's): what its rendered PDF is kept by."""
        return digest_of(self.record)
