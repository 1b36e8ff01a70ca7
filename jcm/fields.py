"""One declaration per field: a column says once what it holds — its kind, length, vocabulary or range, its
label, whether a user sets it and whether the audit trail records it — and that declaration drives the rest:
the services' checking and populating (`populate`), the version bump and the audit record (`jcm.audit.tracked`),
the API's input and output shapes (`jcm.api.schemas.declared_fields`) and the page forms' validators
(`jcm.forms.declared_field`).

    title: Mapped[str] = line(300, _l("Title"), required=True)
    status: Mapped[str] = choice(ActionStatus, _l("Status"), default="open")
    decisions: Mapped[list[str]] = lines(5000, _l("Decisions"), most=50)

A column declared with plain `mapped_column` is the application's own business (ids, timestamps, versions):
no user sets it and the audit does not show it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable

from flask_babel import gettext as _
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, inspect
from sqlalchemy.orm import mapped_column

from jcm.errors import Invalid
from jcm.models import MAX_ID, parse_date, whole_number


@dataclass(eq=False)
class Field:
    """What one column holds, as users and programs see it."""

    kind: str  # line | text | lines | choice | integer | flag | date | reference
    label: Any  # a lazy translated string
    required: bool = False  # must be given when the record is made
    editable: bool = True  # set by a user through a form or the API
    audited: bool = True  # shown in the audit trail's before and after
    max_length: int | None = None
    vocabulary: type[enum.StrEnum] | None = None
    minimum: int | None = None
    maximum: int | None = None  # for lines: how many entries at most
    description: str | None = None  # for the API's readers, in English
    check: Callable[[Any], None] | None = None  # a rule of the value alone beyond its kind (a known time zone)
    name: str = ""  # the attribute's name, filled in when the model is read
    nullable: bool = True  # and whether the column may be empty, read from the column
    korean_of: str | None = None  # the English field this one is the Korean text of (jcm.texts)

    def clean(self, value: Any) -> Any:
        """The value as stored, from what a form or a program sent; refused, naming the field, when it is not one."""
        label = str(self.label)
        if self.kind in ("line", "text"):
            if value is None:
                text = ""
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                text = str(value)
            else:
                raise Invalid(_("%(field)s must be text.", field=label), field=self.name)
            text = " ".join(text.split()) if self.kind == "line" else _paragraphs(text)
            if self.required and not text:
                raise Invalid(_("%(field)s is required.", field=label), field=self.name)
            if self.check is not None:  # a rule of its own says more than "too long"
                self.check(text)
            if self.max_length is not None and len(text) > self.max_length:
                raise Invalid(_("%(field)s may be at most %(limit)d characters.", field=label,
                                limit=self.max_length), field=self.name)
            return text
        if self.kind == "lines":
            return self._clean_lines(value, label)
        if self.kind == "flag":
            return self._clean_flag(value, label)
        if value in (None, ""):
            if self.required or not self.nullable:
                raise Invalid(_("%(field)s is required.", field=label), field=self.name)
            return None
        if self.kind == "choice":
            if value not in {member.value for member in self.vocabulary}:
                raise Invalid(_("“%(value)s” is not a %(field)s: use %(values)s.", value=value,
                                field=label.lower(), values=", ".join(self.vocabulary)), field=self.name)
            return str(value)
        if self.kind == "date":
            return parse_date(value, self.name)
        number = whole_number(value, self.name)
        if self.kind == "reference" and number < 1:
            raise Invalid(_("%(field)s must name one by its id.", field=label), field=self.name)
        if self.minimum is not None and number < self.minimum or self.maximum is not None and number > self.maximum:
            raise Invalid(_("%(field)s must be between %(min)d and %(max)d.", field=label, min=self.minimum,
                            max=self.maximum), field=self.name)
        return number

    def _clean_lines(self, value: Any, label: str) -> list[str]:
        """A list of texts, or one text with an entry a line; empty entries are dropped."""
        if value is None:
            items: list = []
        elif isinstance(value, str):
            items = value.split("\n")
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            raise Invalid(_("%(field)s must be a list of texts.", field=label), field=self.name)
        entries = []
        for item in items:
            if not isinstance(item, str):
                raise Invalid(_("%(field)s must be a list of texts.", field=label), field=self.name)
            entry = _paragraphs(item)
            if self.max_length is not None and len(entry) > self.max_length:
                raise Invalid(_("Each of the %(field)s may be at most %(limit)d characters.", field=label.lower(),
                                limit=self.max_length), field=self.name)
            if entry:
                entries.append(entry)
        if self.required and not entries:
            raise Invalid(_("%(field)s is required.", field=label), field=self.name)
        if self.maximum is not None and len(entries) > self.maximum:
            raise Invalid(_("%(field)s may hold at most %(n)d entries.", field=label, n=self.maximum),
                          field=self.name)
        return entries

    def _clean_flag(self, value: Any, label: str) -> bool:
        """Yes or no: a checkbox's or a program's true/false (an absent one is no)."""
        if isinstance(value, bool):
            return value
        if value in (None, "", 0, 1):
            return bool(value)
        word = str(value).strip().lower() if isinstance(value, str) else None
        if word in ("true", "yes", "y", "on", "1"):
            return True
        if word in ("false", "no", "n", "off", "0"):
            return False
        raise Invalid(_("%(field)s must be true or false.", field=label), field=self.name)


def _paragraphs(text: str) -> str:
    """Text of several lines as stored: the line ends a browser sends (CR LF, or a lone CR) made plain, the ends
    trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _column(type_, spec: Field, *constraints, **column):
    return mapped_column(type_, *constraints, info={"field": spec}, **column)


def line(length: int, label, *, required: bool = False, editable: bool = True, audited: bool = True,
         description: str | None = None, check: Callable[[Any], None] | None = None, korean_of: str | None = None,
         **column):
    """One line of text (a title, a name): its spaces are collapsed. `korean_of` makes it the Korean text of an
    English field, the two kept as equally authentic texts (jcm.texts)."""
    column.setdefault("default", "")
    return _column(String(length), Field("line", label, required, editable, audited, max_length=length,
                                         description=description, check=check, korean_of=korean_of), **column)


def text(length: int, label, *, required: bool = False, editable: bool = True, audited: bool = True,
         description: str | None = None, korean_of: str | None = None, **column):
    """Text of several lines or paragraphs (Markdown where the page says so)."""
    column.setdefault("default", "")
    return _column(Text, Field("text", label, required, editable, audited, max_length=length,
                               description=description, korean_of=korean_of), **column)


def lines(length: int, label, *, most: int, required: bool = False, editable: bool = True, audited: bool = True,
          description: str | None = None, korean_of: str | None = None, **column):
    """A list of short texts (decisions, one sentence each): each at most `length` characters, at most `most` of
    them; a form gives them one a line."""
    column.setdefault("default", list)
    return _column(JSON, Field("lines", label, required, editable, audited, max_length=length, maximum=most,
                               description=description, korean_of=korean_of), **column)


def choice(vocabulary: type[enum.StrEnum], label, *, length: int = 16, required: bool = False, editable: bool = True,
           audited: bool = True, description: str | None = None, **column):
    """One of a vocabulary's values; the table's check constraint comes from the same enum (`one_of`)."""
    assert all(len(member.value) <= length for member in vocabulary), vocabulary
    return _column(String(length), Field(
        "choice", label, required, editable, audited, vocabulary=vocabulary, description=description), **column)


def integer(label, *, minimum: int | None = None, maximum: int | None = None, required: bool = False,
            editable: bool = True, audited: bool = True, description: str | None = None, **column):
    return _column(Integer, Field("integer", label, required, editable, audited, minimum=minimum,
                                  maximum=maximum if maximum is not None else MAX_ID,
                                  description=description), **column)


def flag(label, *, editable: bool = True, audited: bool = True, description: str | None = None, **column):
    """Yes or no (an account is active)."""
    return _column(Boolean, Field("flag", label, editable=editable, audited=audited, description=description),
                   **column)


def calendar_day(label, *, required: bool = False, editable: bool = True, audited: bool = True,
                 description: str | None = None, **column):
    """A calendar date (no time of day): due dates, meeting days."""
    return _column(Date, Field("date", label, required, editable, audited, description=description), **column)


def reference(target: str, label, *, required: bool = False, editable: bool = True, audited: bool = True,
              description: str | None = None, ondelete: str = "RESTRICT", **column):
    """Another record, by id; that it exists and may be named here is the service's to judge."""
    column.setdefault("nullable", not required)
    return _column(Integer, Field("reference", label, required, editable, audited, description=description),
                   ForeignKey(target, ondelete=ondelete), **column)


# --- reading the declarations ---------------------------------------------------------------------------

_DECLARED: dict[type, dict[str, Field]] = {}


def declared(model: type) -> dict[str, Field]:
    """The model's declared fields, by attribute name, in the order the model lists them."""
    if model in _DECLARED:
        return _DECLARED[model]
    fields: dict[str, Field] = {}
    for attribute in inspect(model).column_attrs:
        spec = attribute.columns[0].info.get("field")
        if spec is not None:
            spec.name, spec.nullable = attribute.key, attribute.columns[0].nullable
            fields[attribute.key] = spec
    _DECLARED[model] = fields
    return fields


def editable(model: type, *, leave_out: Iterable[str] = ()) -> tuple[str, ...]:
    """The names of the fields a user sets, in the model's order."""
    skipped = set(leave_out)
    return tuple(name for name, spec in declared(model).items() if spec.editable and name not in skipped)


def populate(obj, data: dict[str, Any], names: Iterable[str] | None = None, *, creating: bool = False,
             rules: Callable[[dict], None] | None = None) -> dict[str, tuple[Any, Any]]:
    """Check and set the given fields of obj from data (only those present; on creating, a required field that is
    absent is refused); returns what changed, {name: (before, after)} — in the spirit of Indico's
    populate_from_dict. `rules` checks what holds between fields once they are set, given the changes. A refusal,
    of a field or of a rule, leaves obj as it was."""
    fields = declared(type(obj))
    wanted = editable(type(obj)) if names is None else tuple(names)
    values: dict[str, Any] = {}
    for name in wanted:
        spec = fields[name]
        if name in data:
            values[name] = spec.clean(data[name])
        elif creating and spec.required:
            spec.clean(None)  # refused: "… is required."
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name, None)
        if before != value:
            changes[name] = (before, value)
            setattr(obj, name, value)
    if rules is not None:
        try:
            rules(changes)
        except Exception:
            for name, (before, _after) in changes.items():
                setattr(obj, name, before)
            raise
    return changes


def stored(obj) -> dict[str, Any]:
    """The declared fields of obj as JSON-ready values: the record as it stands, as a conflict shows it."""
    return {name: plain(getattr(obj, name)) for name in declared(type(obj))}


def plain(value: Any) -> Any:
    """A field's value as JSON holds it."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def audited(obj) -> dict[str, Any]:
    """The audited fields of obj as JSON-ready values: what an audit record's before and after show."""
    return {name: plain(getattr(obj, name)) for name, spec in declared(type(obj)).items() if spec.audited}
