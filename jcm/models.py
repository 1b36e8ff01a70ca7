"""Shared column types and values: the same words in the CLI, the API and the database."""

from __future__ import annotations

import enum
from datetime import datetime, timezone


class Side(str, enum.Enum):
    US = "US"
    KR = "KR"

    @property
    def other(self) -> "Side":
        return Side.KR if self is Side.US else Side.US


class Role(str, enum.Enum):
    admin = "admin"
    secretariat = "secretariat"
    co_chair = "co_chair"
    delegate = "delegate"
    observer = "observer"


SIDES = tuple(side.value for side in Side)
ROLES = tuple(role.value for role in Role)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
