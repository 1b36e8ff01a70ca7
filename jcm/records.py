"""Frozen records: the plain, JSON-ready content of an agreed agenda or adopted minutes, and its digest.

A record holds every fact its document prints, in both languages where the fact has two, so that the document
can be rendered from the record alone, at any time, in either language, and checked by anyone against its
SHA-256. The layout (the frame's fixed words, the page) is not part of the record; the facts are.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from typing import Any



def canonical_json(content: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text as is: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(content: Any) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def both(obj: Any, field: str) -> dict[str, str]:
    """A text kept in English and Korean: {"en": …, "ko": …}; an absent Korean text is ""."""
    return {"en": getattr(obj, field) or "", "ko": getattr(obj, f"{field}_ko", "") or ""}


def iso(value: date | datetime | time | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime):  # stored as naive UTC; to the second is what a record needs
        return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def person(user) -> dict[str, str] | None:
    if user is None:
        return None
    return {"name": user.name, "title": user.title or ""}


def agreement_facts(agreement) -> dict[str, Any]:
    return {"code": agreement.code, "title": both(agreement, "title"), "short_title": both(agreement, "short_title"),
            "signed_date": iso(agreement.signed_date)}


def owner_labels(item, side: str) -> list[dict[str, str]]:
    """An action item's owners on one side as printed: a person's name, or an agency's name in both languages."""
    labels = []
    for owner in item.owners_on(side):
        if owner.user is not None:
            labels.append({"en": owner.user.name, "ko": owner.user.name_ko or owner.user.name})
        elif owner.organization is not None:
            labels.append({"en": owner.organization.name, "ko": owner.organization.name_ko or owner.organization.name})
    return labels
