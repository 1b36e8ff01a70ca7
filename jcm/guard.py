"""The one guard every request's input passes before anything reads it: the body (JSON or a form), the query
string and the parts of the address. It refuses, or cleans, what no database stores and no person types: NUL and
the other C0 control characters but tab, line feed and carriage return, and a lone UTF-16 surrogate ("\\ud800") or
bytes that are not UTF-8.

- JSON: a body that is not JSON is refused (400), one nested deeper than MAX_JSON_DEPTH levels or holding such a
  character anywhere is refused with 422 naming the place by its JSON path (`records[0].discussion`).
- A page's form: the field is refused beside it, the form shown again with what was typed kept, less the character
  (jcm.forms.Form); a field no form shows makes the whole request refused (422), naming it.
- The query string is cleaned, as a search box's user expects: a control character is a space, bytes that are not
  UTF-8 are dropped; the view judges what is left (a filter refuses a value it cannot take, naming it).
- The address: an id beyond what the database holds, or a text part with such a character, names nothing (404,
  before any query).

The rest of the cleaning is the fields' (jcm.fields): line ends made plain, the ends of a text trimmed, a one-line
field's spaces collapsed."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable
from urllib.parse import parse_qsl

from flask import Flask, abort, current_app, g, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

from jcm.errors import json_error, wants_json
from jcm.models import MAX_ID

MAX_JSON_DEPTH = 32
# NUL and the C0 controls but tab (09), line feed (0A) and carriage return (0D); and the lone surrogates that
# stand for a broken UTF-16 pair, or for bytes that were not UTF-8 (Python's surrogateescape).
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def unstorable(text: str) -> str | None:
    """Why a text cannot be taken as it is, in a few words, or None when it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    if 0xD800 <= ord(char) <= 0xDFFF:
        return _("an invalid character (not UTF-8, or half of a UTF-16 pair)")
    return _("a control character (U+%(code)04X)", code=ord(char))


def refusal_message(field: str, reason: str) -> str:
    return _("%(field)s holds %(reason)s, which cannot be stored. Remove it and send it again.", field=field,
             reason=reason)


def without_unstorable(text: str) -> str:
    return UNSTORABLE.sub("", text)


# --- JSON ------------------------------------------------------------------------------------------------

def json_problem(document: Any) -> tuple[str, str] | None:
    """(the JSON path, the message) of the first place in a parsed body that cannot be taken, or None.
    Walked without recursion, so no depth of nesting can exhaust the stack."""
    pending: list[tuple[Any, str, int]] = [(document, "", 1)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, (dict, list)) and depth > MAX_JSON_DEPTH:
            return path or "body", _("The body nests deeper than %(limit)d levels, which JCM does not accept.",
                                     limit=MAX_JSON_DEPTH)
        if isinstance(value, str):
            reason = unstorable(value)
            if reason:
                return path or "body", refusal_message(path or "body", reason)
        elif isinstance(value, dict):
            children = []
            for key, child in value.items():
                place = f"{path}.{key}" if path else key
                reason = unstorable(key)
                if reason:
                    place = without_unstorable(place)
                    return place, refusal_message(_("The name of the field %(field)s", field=place), reason)
                children.append((child, place, depth + 1))
            pending.extend(reversed(children))
        elif isinstance(value, list):
            pending.extend(reversed([(child, f"{path}[{index}]", depth + 1) for index, child in enumerate(value)]))
    return None


def check_json():
    """Refuse a body that is not JSON (400), or is nested too deep or holds a text that cannot be stored (422)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        document = json.loads(raw)
    except RecursionError:
        return refuse("body", _("The body nests deeper than %(limit)d levels, which JCM does not accept.",
                                limit=MAX_JSON_DEPTH))
    except ValueError:  # not JSON, not UTF-8, or a number of thousands of digits
        return refuse("body", _("The body is not valid JSON."), status=400)
    problem = json_problem(document)
    return refuse(*problem) if problem else None


# --- forms and query strings -----------------------------------------------------------------------------

def raw_pairs(encoded: bytes) -> list[tuple[str, str]]:
    """The name=value pairs of a query string or a urlencoded form, bytes that are not UTF-8 kept visible as lone
    surrogates (which a plain decoding would have turned into a literal `%ED%A0%80`)."""
    return parse_qsl(encoded.decode("utf-8", "surrogateescape"), keep_blank_values=True, encoding="utf-8",
                     errors="surrogateescape")


def problems_in(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{name: message} for each value that cannot be taken."""
    problems: dict[str, str] = {}
    for name, value in pairs:
        clean_name = without_unstorable(name)
        reason = unstorable(name) or unstorable(value)
        if reason and clean_name not in problems:
            problems[clean_name] = reason
    return problems


def clean_query() -> None:
    """The query string's values as a search box's user expects them: a control character is a space, bytes that
    are not UTF-8 are dropped. What is left is the view's to judge (a filter refuses a value it cannot take)."""
    pairs = raw_pairs(request.environ.get("QUERY_STRING", "").encode("latin-1"))
    if problems_in(pairs):
        parsed = request._get_current_object()
        parsed.args = ImmutableMultiDict([(spaced(name), spaced(value)) for name, value in pairs])
        parsed.__dict__.pop("values", None)


def spaced(text: str) -> str:
    return without_unstorable(CONTROLS.sub(" ", text))


def check_form() -> None:
    """Note the form's fields that cannot be taken, and let the view see them without the offending characters:
    its form (jcm.forms.Form) then shows the error beside each field, keeping what was typed; see `claim`."""
    if request.mimetype == "application/x-www-form-urlencoded":
        pairs = raw_pairs(request.get_data(cache=True))
    else:
        pairs = list(request.form.items(multi=True))
    problems = problems_in(pairs)
    if not problems:
        return
    g.input_problems = problems
    g.input_claimed = set()
    parsed = request._get_current_object()
    parsed.files  # parsed now (from the kept body), as setting the form alone would leave them unparsed
    parsed.form = ImmutableMultiDict([(without_unstorable(name), without_unstorable(value)) for name, value in pairs])
    parsed.__dict__.pop("values", None)  # request.values, if anything read it, is made again from the clean form


def form_problems() -> dict[str, str]:
    """The fields of this request's form that the guard refused, {name: why}: see `refusal_message`."""
    return g.get("input_problems", {})


def claim(name: str) -> None:
    """A form has shown the guard's refusal of this field beside it."""
    g.input_claimed.add(name)


# --- the address -----------------------------------------------------------------------------------------

def check_path() -> None:
    """A part of the address that names nothing: an id beyond what the database holds, or a text with a
    character no record's name has. 404 before any query."""
    for value in (request.view_args or {}).values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not 0 < value <= MAX_ID or isinstance(value, str) and unstorable(value):
            abort(404)


# --- the guard -------------------------------------------------------------------------------------------

def refuse(field: str, message: str, status: int = 422):
    """422 (or 400) naming the field: the API's error shape, or a page saying which field and why."""
    if wants_json():
        return json_error(status, "invalid" if status == 422 else "bad_request", message, field=field)
    return render_template("errors/error.html", status=status, title=None, message=message), status


def guard_input():
    check_path()
    clean_query()
    if request.is_json:
        return check_json()
    if request.mimetype in FORM_TYPES:
        check_form()
    return None


def refuse_unclaimed(response):
    """A form with a refused field that the view took anyway (a field its form does not have, a view that reads the
    form itself) is refused whole, naming the field: nothing of it is stored, since the unit of work rolls back a
    4xx. A view that refused the form itself (shown again with the errors, a 403, an expired token) stands."""
    problems = form_problems()
    if not problems or response.status_code >= 400:
        return response
    name = next((name for name in problems if name not in g.input_claimed), next(iter(problems)))
    return current_app.make_response(refuse(name, refusal_message(name, problems[name])))


def init_guard(app: Flask) -> None:
    """Put the guard first, before anything (the CSRF check, the token check, a view) reads the input; and
    its check that a refused form field was shown, before the unit of work decides to commit."""
    app.before_request_funcs.setdefault(None, []).insert(0, guard_input)
    app.after_request(refuse_unclaimed)  # after_request hooks run last registered first: register this one last
