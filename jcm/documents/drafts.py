"""A meeting's documents made once per version of the content (jcm.content).

An agenda or minutes is gathered from hundreds of records — the agenda, the sections, the action items carried over
and raised with their owners' names — and printed; until the content changes, the same is gathered and printed
again. So each process remembers, for the most recently asked, what it gathered (the edition: the record and its
digest) and what it printed (the HTML in a language), under the content's version: a reload, a second reader, the
PDF after the HTML, are served from it without reading the records again. Any committed change moves the version on,
so nothing remembered from before it is served after it; what a transaction that changed the content reads itself is
never remembered. Who may read a document is checked on every request, before anything remembered is served."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, TypeVar

from flask import request

from jcm.content import once_per_version
from jcm.records import digest as digest_of

T = TypeVar("T")


def made_once(key: tuple, make: Callable[[], T]) -> T:
    """`make()`, or what it made for the same key at the content's current version and the same address (the
    printed links are absolute)."""
    return once_per_version(("documents", *key, request.url_root), make, bulky=True)


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
