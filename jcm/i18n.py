"""The language of each request: the user's preference, else the browser's; and the switcher."""

from __future__ import annotations

import enum
from datetime import date
from functools import lru_cache, partial
from typing import Callable

from babel import Locale
from babel.dates import get_date_format, parse_pattern
from blinker import Namespace
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from jcm.text import render_markdown


bp = Blueprint("i18n", __name__)
signals = Namespace()
# Sent when someone chooses a language with the switcher; accounts keep it as the signed-in person's preference.
locale_chosen = signals.signal("locale-chosen")


class Language(enum.StrEnum):
    """The interface's languages (the LANGUAGES setting): the one an account prefers. Named in its own language
    (LOCALE_LABELS), and kept in the database without a check: the application's own choice, not a committee's
    vocabulary."""

    en = "en"
    ko = "ko"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_code() -> str:
    return str(get_locale() or "en")


def date_formatter(width: str = "medium") -> Callable[[date], str]:
    """What flask-babel's `dateformat(width)` filter writes, for a list of many dates: each date written once in each
    language for every list (`written_date`) rather than again for each list, the reader's locale looked up once."""
    locale = get_locale()
    return partial(written_date, str(locale) if locale is not None else None, width)


@lru_cache(maxsize=20_000)
def written_date(locale: str | None, width: str, day: date) -> str:
    """A date as the dateformat(width) filter writes it for a reader of `locale`: the dates of a committee's lists
    are a few thousand, each written once."""
    language = Locale.parse(locale) if locale is not None else None
    return parse_pattern(get_date_format(width, locale=language)).apply(day, language)


class Localized(str):
    """A text in the language it was asked for, or in the other one when that has none yet: a str, so it reads and
    prints as the text itself, that also knows its language (`lang`) and whether it fell back (`fell_back`)."""

    lang: str
    fell_back: bool

    def __new__(cls, text: str, lang: str, fell_back: bool = False):
        value = super().__new__(cls, text or "")
        value.lang, value.fell_back = lang, fell_back and bool(text)
        return value


def other_language(language: str) -> str:
    return "en" if language == "ko" else "ko"


def _text_in(obj, field: str, language: str) -> str:
    return (getattr(obj, field if language == "en" else f"{field}_ko", None) or "") if obj is not None else ""


def localized(obj, field: str, language: str | None = None) -> Localized:
    """The one way to read a text kept in English (`field`) and Korean (`field_ko`) in a reader's language — the
    request's unless `language` is given (an e-mail's owner, a calendar's subscriber): that language's text when
    there is one, else the other's, which then says it fell back. A field with no Korean text beside it (an
    account's e-mail, say) reads as it is."""
    language = language or locale_code()
    if obj is None:
        return Localized("", language)
    if not hasattr(obj, f"{field}_ko"):
        return Localized(getattr(obj, field) or "", "en")
    text = _text_in(obj, field, language)
    if text:
        return Localized(text, language)
    other = other_language(language)
    return Localized(_text_in(obj, field, other), other, fell_back=True)


def fallback_note(text) -> str:
    """The few words that say a text is shown in the other language, in the reader's language; "" when it is not
    (the interface's language must be in force: a request's, or force_locale's)."""
    if not getattr(text, "fell_back", False):
        return ""
    return _("(English only)") if text.lang == "en" else _("(Korean only)")


def marked(text, tag: str = "span", markdown: bool = False, class_: str | None = None) -> Markup:
    """A text localized() gave, as HTML: when it fell back, in an element that says its language (`lang`, so a
    screen reader and the browser's fonts follow it) with a small marker after it in the reader's language. With
    `markdown`, the text is rendered as Markdown in the element (a `div`), always given. A text in the reader's
    own language is printed as it is, so a page without fallbacks is unchanged."""
    text = text if isinstance(text, Localized) else Localized(text or "", locale_code())
    if not text:
        return Markup("")
    body = render_markdown(text) if markdown else escape(text)
    if not text.fell_back and not markdown and not class_:
        return Markup(body)
    tag = "div" if markdown else tag
    attributes = Markup("")
    if class_:
        attributes += Markup(' class="{}"').format(class_)
    if text.fell_back:
        attributes += Markup(' lang="{}"').format(text.lang)
    html = Markup("<{tag}{attributes}>{body}</{tag}>").format(tag=Markup(tag), attributes=attributes, body=body)
    if text.fell_back:
        reason = (_("There is no Korean text yet: this is the English.") if text.lang == "en"
                  else _("There is no English text yet: this is the Korean."))
        html += Markup(' <small class="lang-marker" title="{}">{}</small>').format(reason, fallback_note(text))
    return html


def localized_text(value) -> str:
    """A text kept as {"en": …, "ko": …} (as frozen records keep them) in the reader's language."""
    if isinstance(value, dict):
        return value.get(locale_code()) or value.get("en") or ""
    return value or ""


def script_words() -> dict[str, str]:
    """The few words jcm.js says, from the catalog like every other text; {reason}, {n}, {title} and {when} are
    filled in by the script."""
    return {
        "saved": _("Saved"),
        "failed": _("Could not save the new order"),
        "failedBecause": _("Could not save the new order: %(reason)s", reason="{reason}"),
        "newVersion": _("This change made version %(n)s of the agenda; both sides must agree it again. Reload the "
                        "page to see where it stands.", n="{n}"),
        "move": _("Move %(title)s", title="{title}"),
        "hint": _("Drag to move, or press Alt+↑ / Alt+↓"),
        "restored": _("Unsaved text from %(when)s was restored — save to keep it", when="{when}"),
        # the minutes' editor saving each section in place: its state, and a conflict shown with both texts
        "savedAt": _("Saved %(time)s", time="{time}"),
        "unsaved": _("Unsaved changes"),
        "saving": _("Saving…"),
        "notSaved": _("Not saved: %(reason)s", reason="{reason}"),
        "offline": _("Not saved: the connection failed. Your text is kept in this browser; save again."),
        "changedMeanwhile": _("Not saved: someone else saved it meanwhile — both texts are shown below"),
        "conflictHelp": _("Nothing is lost: the stored text and yours are shown side by side. Merge them in the "
                          "form below and save again."),
        "storedNow": _("Stored now (version %(n)s)", n="{n}"),
        "yours": _("Yours (kept in the form)"),
        "version": _("Version %(n)s", n="{n}"),
    }


def _safe_next(target: str | None) -> str:
    from jcm.web import safe_next

    return safe_next(target) or url_for("dashboard.home")


@bp.post("/language")
def set_locale():
    """The switcher: remembered for the session, and as the account's preference when signed in."""
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        locale_chosen.send(current_app._get_current_object(), locale=locale)
    return redirect(_safe_next(request.form.get("next")))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
