"""The language of each request: the user's preference, else the browser's; and the switcher."""

from __future__ import annotations

import enum

from blinker import Namespace
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user


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


def localized(obj, field: str) -> str:
    """obj.field_ko in Korean when it is there, else obj.field."""
    if locale_code() == "ko":
        value = getattr(obj, f"{field}_ko", "")
        if value:
            return value
    return getattr(obj, field)


def localized_text(value) -> str:
    """A text kept as {"en": …, "ko": …} (as frozen records keep them) in the reader's language."""
    if isinstance(value, dict):
        return value.get(locale_code()) or value.get("en") or ""
    return value or ""


def script_words() -> dict[str, str]:
    """The few words jcm.js says, from the catalog like every other text; {reason}, {n}, {title} and {when} are
    filled in by the script."""
    from flask_babel import gettext as _

    return {
        "saved": _("Saved"),
        "failed": _("Could not save the new order"),
        "failedBecause": _("Could not save the new order: %(reason)s", reason="{reason}"),
        "newVersion": _("This change made version %(n)s of the agenda; both sides must agree it again. Reload the "
                        "page to see where it stands.", n="{n}"),
        "move": _("Move %(title)s", title="{title}"),
        "hint": _("Drag to move, or press Alt+↑ / Alt+↓"),
        "restored": _("Unsaved text from %(when)s was restored — save to keep it", when="{when}"),
    }


def _safe_next(target: str | None) -> str:
    from jcm.web import safe_next

    return safe_next(target) or url_for("mou.home")


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
