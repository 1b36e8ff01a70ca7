"""No typed text is lost to an expired sign-in or form: what a form held is kept and put back, never sent by itself.

A page's form sent after its sign-in ended (signed out elsewhere, idle too long, too old) or with a security token the
server no longer accepts is not refused with a bare error. What it held, but for its security token, passwords and
files, is kept on the server for KEEP_FOR, in the instance folder under a random id that the browser's signed
session cookie holds, and the browser is led to sign in again and back (or, still signed in, straight back) with a
message. The first page then shown to the same account that has the same form gets it back filled in as it was sent
(its version too, so a change saved meanwhile still shows as a conflict), with a notice: the user checks it and saves.

Kept text is for the account that typed it: the one whose sign-in the form was sent with, ended or not, or, when the
browser had no sign-in left at all (its cookies cleared), the account that signs in next on it. Another account
signing in on that browser drops it unseen, and so does signing out. A form whose token fails and that does not
provably come from one of JCM's own pages (its Origin, or else its Referer, names another site or nothing) may be a
forgery: nothing of it is kept, and it is refused as before. Putting a form back writes nothing to the database, so
a page stays safe to open (tests/test_safe_requests.py).

The minutes editor also keeps its sections' text in the browser as it is typed (jcm/static/js/jcm.js); this is
what works for every form, without JavaScript, and across a sign-in.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from datetime import timedelta
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in, user_logged_out
from flask_wtf.csrf import CSRFError, validate_csrf
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from jcm.content import reader_mark

# How long what was typed is kept for its author to sign in again and find it.
KEEP_FOR = timedelta(hours=1)
SESSION_KEY = "jcm_kept"
MOST_KEPT = 10  # forms kept at once for one browser; the oldest goes first
# Forms that only sign in, out, or change the language: nothing of theirs is kept (a password never is).
NOT_KEPT = frozenset({"accounts.login", "accounts.setup", "accounts.logout", "accounts.sign_out_everywhere",
                      "i18n.set_locale"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# --- keeping what a refused form held ----------------------------------------------------------------------

def keep_sent_form(page: str | None = None, *, trusted: bool | None = None) -> Response | None:
    """Answer a page's form whose sign-in ended or whose security token failed: keep what it held and lead the user
    to sign in and back (or straight back, still signed in) with a message. None when the request is no page's form
    (a program, a script's JSON), or cannot be shown to come from JCM's own page (it is refused as before)."""
    if request.method != "POST" or request.mimetype not in FORM_TYPES or request.path.startswith("/api/"):
        return None
    if trusted is None:
        trusted = _token_holds()
    if not trusted and not _from_this_site():
        return None
    page = page or _page_of_the_form()
    if request.endpoint in NOT_KEPT:  # signing in, out, or changing the language: only sent again
        flash(_("This form had expired. Please send it again."), "info")
        return redirect(page or url_for("accounts.login"))
    signed_in = current_user.is_authenticated
    fields = _typed_fields()
    if fields:
        _keep({"user_id": current_user.id if signed_in else _typist(), "kept_at": time.time(),
               "target": _target(request.full_path), "fields": fields})
    typed = _looks_typed(fields)
    if signed_in:
        flash(_("This form had expired; what you typed has been kept. Check it and save it again.") if typed
              else _("This form had expired. Please send it again."), "info")
        return redirect(page or url_for("dashboard.home"))
    if typed:
        flash(_("Your sign-in expired; what you typed has been kept. Sign in again, then check it and save it "
                "again."), "info")
    else:
        flash(_("Your sign-in has expired. Please sign in again."), "info")
    return redirect(url_for("accounts.login", next=page))


def _token_holds() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except Exception:  # noqa: BLE001 - flask-wtf raises ValidationError for every way a token can fail
        return False
    return True


def _from_this_site() -> bool:
    """Whether the browser says the form was sent from one of JCM's own pages (Sec-Fetch-Site, Origin, Referer)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    if origin is not None:
        return urlsplit(origin).netloc == request.host
    referrer = request.headers.get("Referer")
    return bool(referrer) and urlsplit(referrer).netloc == request.host


def _page_of_the_form() -> str | None:
    """The page the form was on (the Referer, when it is this site's), else the address sent to when it also
    shows a page."""
    from jcm.web import safe_next

    referrer = urlsplit(request.headers.get("Referer") or "")
    if referrer.netloc == request.host and referrer.path and referrer.path != url_for("accounts.login"):
        page = safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
        if page:
            return page
    rule = request.url_rule
    if rule is not None and "GET" in (rule.methods or ()) and request.endpoint not in NOT_KEPT:
        return _target(request.full_path)
    return None


def _target(full_path: str) -> str:
    return full_path[:-1] if full_path.endswith("?") else full_path


def _typed_fields() -> list[list[str]]:
    """What the form held, in order: never its security token, a password or a file."""
    return [[name, value] for name, value in request.form.items(multi=True)
            if not name.endswith("csrf_token") and "password" not in name.lower() and isinstance(value, str)]


def _looks_typed(fields: list[list[str]]) -> bool:
    """Whether the form held words someone typed, rather than only a button's hidden values (a version, an id, a
    status): what the message says. (A form put back shows only what its visible boxes held: see fill_form.)"""
    return any(any(c.isspace() or not c.isascii() for c in value) or len(value) > 24 for _name, value in fields)


def _typist() -> int | None:
    """The account whose sign-in, now ended or expired, the form was sent with; None when the browser had none."""
    from flask_login.utils import decode_cookie

    from jcm.accounts.sessions import session_for

    keys = [session.get("_user_id")]
    remembered = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    if remembered:
        keys.append(decode_cookie(remembered))
    for key in keys:
        record = session_for(key) if key else None
        if record is not None:
            return record.user_id
    return None


# --- where it is kept ---------------------------------------------------------------------------------------

def _folder() -> Path:
    folder = Path(current_app.instance_path) / "kept-forms"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(kept_id: str) -> Path | None:
    return _folder() / f"{kept_id}.json" if isinstance(kept_id, str) and ID.match(kept_id) else None


def _keep(entry: dict) -> None:
    _forget_old()
    kept_id = secrets.token_urlsafe(24)
    _write(kept_id, entry)
    session[SESSION_KEY] = [*_ids(), kept_id][-MOST_KEPT:]


def _write(kept_id: str, entry: dict) -> None:
    path = _path(kept_id)
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(entry, handle, ensure_ascii=False)
    os.replace(temporary, path)


def _read(kept_id: str) -> dict | None:
    path = _path(kept_id)
    try:
        entry = json.loads(path.read_text(encoding="utf-8")) if path is not None else None
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or time.time() - float(entry.get("kept_at", 0)) > KEEP_FOR.total_seconds():
        _drop(kept_id)
        return None
    return entry


def _drop(kept_id: str) -> None:
    path = _path(kept_id)
    if path is not None:
        path.unlink(missing_ok=True)


def _ids() -> list[str]:
    ids = session.get(SESSION_KEY)
    return [kept_id for kept_id in ids if isinstance(kept_id, str)] if isinstance(ids, list) else []


def _forget_old() -> None:
    """Whatever has been kept longer than KEEP_FOR, in any browser, is deleted."""
    limit = time.time() - KEEP_FOR.total_seconds()
    for path in _folder().glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _bind_to_who_signs_in(app, user) -> None:
    """A sign-in claims what its browser kept without a sign-in, and drops what another account typed there."""
    ids = _ids()
    if not ids:
        return
    for kept_id in ids:
        entry = _read(kept_id)
        if entry is None:
            continue
        if entry.get("user_id") is None:
            _write(kept_id, {**entry, "user_id": user.id})
        elif entry["user_id"] != user.id:
            _drop(kept_id)
    session[SESSION_KEY] = [kept_id for kept_id in ids if _path(kept_id) and _path(kept_id).exists()]


def _drop_all(app, user) -> None:
    """Signing out: nothing typed in this browser is kept for anyone."""
    for kept_id in _ids():
        _drop(kept_id)
    session.pop(SESSION_KEY, None)


# --- putting it back ----------------------------------------------------------------------------------------

def put_back(response: Response) -> Response:
    """A page shown to the account a form was kept for, with that form on it: the form as it was sent."""
    if (request.method != "GET" or response.status_code != 200 or response.mimetype != "text/html"
            or response.direct_passthrough or response.is_streamed or SESSION_KEY not in session
            or not current_user.is_authenticated):
        return response
    html = response.get_data(as_text=True)
    left, changed = [], False
    for kept_id in _ids():
        entry = _read(kept_id)
        if entry is None:
            continue
        if entry.get("user_id") != current_user.id:
            _drop(kept_id)  # never shown to another account
            continue
        filled = fill_form(html, entry["target"], MultiDict(entry["fields"]), _target(request.full_path))
        if filled is None:
            left.append(kept_id)  # its form is on another page: kept until that page is shown
            continue
        if filled != NOTHING_TYPED:
            html, changed = filled, True
        _drop(kept_id)
    if left:
        session[SESSION_KEY] = left
    else:
        session.pop(SESSION_KEY, None)
    if changed:
        response.set_data(html)
    return response


class _Forms(HTMLParser):
    """The page's forms that post, with where each sends and its controls, by their places in the page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.starts = [0]
        for line in html.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.select: dict | None = None
        self.feed(html)
        self.close()

    def _place(self) -> tuple[int, int]:
        line, column = self.getpos()
        start = self.starts[line - 1] + column
        return start, start + len(self.get_starttag_text() or "")

    def handle_starttag(self, tag, attrs):
        start, end = self._place()
        attributes = dict(attrs)
        if tag == "form":
            self.form = None
            if (attributes.get("method") or "get").lower() == "post":
                self.form = {"start": start, "action": attributes.get("action"), "controls": []}
                self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag in ("input", "textarea", "select"):
            control = {"tag": tag, "attrs": attrs, "start": start, "end": end,
                       "text": self.get_starttag_text(), "options": []}
            self.form["controls"].append(control)
            self.select = control if tag == "select" else self.select
        elif tag == "option" and self.select is not None:
            self.select["options"].append({"attrs": attrs, "start": start, "end": end,
                                           "text": self.get_starttag_text()})

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def _same_address(action: str | None, target: str, here: str) -> bool:
    sent_to, kept = urlsplit(action or here), urlsplit(target)
    return (sent_to.path, sent_to.query) == (kept.path, kept.query) and sent_to.netloc in ("", request.host)


def _name(control: dict) -> str | None:
    return dict(control["attrs"]).get("name")


def _kind(control: dict) -> str:
    return (dict(control["attrs"]).get("type") or "text").lower() if control["tag"] == "input" else control["tag"]


NEVER_FILLED = {"password", "file", "submit", "button", "image", "reset"}


def _fillable(control: dict) -> bool:
    name = _name(control)
    attributes = dict(control["attrs"])
    return bool(name) and not name.endswith("csrf_token") and _kind(control) not in NEVER_FILLED \
        and "disabled" not in attributes


def _choose(forms: list[dict], target: str, here: str, fields: MultiDict) -> dict | None:
    """The form the kept fields were sent from: it sends where they were sent, has the most of their names, and
    the most hidden values alike (of the review forms on a meeting's page, the one for the same action item)."""
    best, best_score = None, (0, 0)
    for form in forms:
        if not _same_address(form["action"], target, here):
            continue
        names = {_name(control) for control in form["controls"] if _fillable(control)}
        alike = sum(1 for control in form["controls"] if _kind(control) == "hidden" and _fillable(control)
                    and dict(control["attrs"]).get("value") in fields.getlist(_name(control)))
        score = (len(names & set(fields)), alike)
        if score[0] and score > best_score:
            best, best_score = form, score
    return best


def _tag(text: str, attrs: list[tuple[str, str | None]]) -> str:
    """A start tag written again with the given attributes."""
    name = re.match(r"<\s*([A-Za-z0-9]+)", text).group(1)
    written = "".join(f" {key}" if value is None else f' {key}="{escape(value, quote=True)}"' for key, value in attrs)
    return f"<{name}{written}{' /' if text.rstrip().endswith('/>') else ''}>"


def _with(attrs, key: str, value: str | None, present: bool = True) -> list:
    others = [(k, v) for k, v in attrs if k != key]
    return [*others, (key, value)] if present else others


NOTHING_TYPED = ""


def fill_form(html: str, target: str, fields: MultiDict, here: str) -> str | None:
    """The page with the form that sends to `target` filled in with `fields` and a notice before it; None when the
    page has no such form, NOTHING_TYPED when it has, but none of its visible boxes held anything (a button)."""
    form = _choose(_Forms(html).forms, target, here, fields)
    if form is None:
        return None
    if not any(_fillable(control) and _kind(control) != "hidden" and any(fields.getlist(_name(control)))
               for control in form["controls"]):
        return NOTHING_TYPED
    edits: list[tuple[int, int, str]] = []
    seen: dict[str, int] = {}
    for control in form["controls"]:
        if not _fillable(control):
            continue
        name, kind, attrs = _name(control), _kind(control), control["attrs"]
        values = fields.getlist(name)
        if kind in ("checkbox", "radio"):
            ticked = (dict(attrs).get("value") or "on") in values
            edits.append((control["start"], control["end"],
                          _tag(control["text"], _with(attrs, "checked", None, ticked))))
        elif control["tag"] == "select":
            multiple = "multiple" in dict(attrs)
            if not values and not multiple:
                continue
            for option in control["options"]:
                chosen = (dict(option["attrs"]).get("value") or "") in values
                edits.append((option["start"], option["end"],
                              _tag(option["text"], _with(option["attrs"], "selected", None, chosen))))
        elif name in fields:
            index = seen[name] = seen.get(name, -1) + 1
            if index >= len(values):
                continue
            if control["tag"] == "textarea":
                closing = re.compile(r"</textarea\s*>", re.I).search(html, control["end"])
                if closing is None:
                    continue
                edits.append((control["end"], closing.start(), "\r\n" + escape(values[index], quote=False)))
            else:
                edits.append((control["start"], control["end"],
                              _tag(control["text"], _with(attrs, "value", values[index]))))
    notice = Markup('<p class="flash flash--info kept-form" role="status">{}</p>').format(
        _("What you typed before has been put back in this form. It has not been saved yet: check it and save it "
          "again."))
    edits.append((form["start"], form["start"], str(notice)))
    for start, end, text in sorted(edits, key=lambda edit: edit[0], reverse=True):
        html = html[:start] + text + html[end:]
    return html


def _refused_form(error: CSRFError):
    """A page's form whose security token failed: kept, and the user led back, when it comes from JCM's page."""
    return keep_sent_form(trusted=False)


def init_app(app: Flask) -> None:
    app.extensions["jcm_expired_form"] = _refused_form  # jcm.errors asks it first on a failed security token
    app.after_request(put_back)
    # A page shown while a form of the reader's waits to be put back is made afresh: the form goes back into it.
    reader_mark(app, lambda: None if session.get(SESSION_KEY) else ())
    user_logged_in.connect(_bind_to_who_signs_in, app)
    user_logged_out.connect(_drop_all, app)
