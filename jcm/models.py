"""Shared column types and values: the same words in the CLI, the API and the database."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint


class Side(enum.StrEnum):
    US = "US"
    KR = "KR"


class Role(enum.StrEnum):
    admin = "admin"
    secretariat = "secretariat"
    co_chair = "co_chair"
    delegate = "delegate"
    observer = "observer"


SIDES = tuple(side.value for side in Side)
ROLES = tuple(role.value for role in Role)


def one_of(column: str, vocabulary: type[enum.StrEnum], name: str | None = None) -> CheckConstraint:
    """The check that keeps a column within its vocabulary, in the enum's order: "mode IN ('in_person', ...)".
    Its text is what the migrations created, so a new value needs a migration as well as a member."""
    listed = ", ".join(f"'{value}'" for value in vocabulary)
    return CheckConstraint(f"{column} IN ({listed})", name=name or column, info={"vocabulary": vocabulary})


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database; a larger one names nothing


def whole_number(value, field: str) -> int:
    """An id or count from user input, refused clearly when it is not a whole number the database can hold."""
    from flask_babel import gettext as _

    from jcm.errors import Invalid

    if isinstance(value, bool):
        raise Invalid(_("%(field)s must be a whole number.", field=field), field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("%(field)s must be a whole number.", field=field), field=field) from None
    if abs(number) > MAX_ID:
        raise Invalid(_("%(field)s is out of range.", field=field), field=field)
    return number


def parse_date(value, field: str):
    """A date from user input (a date or ISO 8601 text), refused clearly when it is not one."""
    from datetime import date, datetime

    from flask_babel import gettext as _

    from jcm.errors import Invalid

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise Invalid(_("“%(value)s” is not a date (YYYY-MM-DD).", value=value), field=field) from None


class PageOf:
    """What the pages' pager reads (templates/_macros.html), as of Flask-SQLAlchemy's pagination: a list that says
    its `page` and its number of `pages` gets the rest."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
