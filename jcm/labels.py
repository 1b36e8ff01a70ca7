"""Translated labels for the fixed values: those of the sides, roles and languages every feature shares; the
register of every vocabulary's labels, which each feature fills beside its own enums; and choices for forms."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import SelectChoice

from jcm.i18n import Language, locale_code
from jcm.models import Role, Side

# Every vocabulary and its labels, so that a value cannot be added without them (tests/test_vocabularies.py): each
# feature adds its own with labelled(), beside the enum, or says with unlabelled() that it is never a label.
LABELS: dict[type[enum.StrEnum], dict] = {}
UNLABELLED: list[type[enum.StrEnum]] = []


def labelled(vocabulary: type[enum.StrEnum], labels: dict) -> dict:
    """Register a vocabulary's labels, one per value and in its order; returns them for the feature to name."""
    LABELS[vocabulary] = labels
    return labels


def unlabelled(vocabulary: type[enum.StrEnum]) -> None:
    """A vocabulary shown only inside sentences, never as a label of its own."""
    if vocabulary not in UNLABELLED:
        UNLABELLED.append(vocabulary)


SIDE_LABELS = labelled(Side, {Side.US: _l("United States"), Side.KR: _l("Republic of Korea")})
ROLE_LABELS = labelled(Role, {
    Role.admin: _l("Administrator"),
    Role.secretariat: _l("Secretariat"),
    Role.co_chair: _l("Co-chair"),
    Role.delegate: _l("Delegate"),
    Role.observer: _l("Observer"),
})
LOCALE_LABELS = {Language.en: "English", Language.ko: "한국어"}
DEPTH_LABELS = {0: _l("Area of cooperation"), 1: _l("Focus area"), 2: _l("Sub-topic")}
# The two authentic texts (jcm.bilingual): each language of a text, and the state of a text in it.
TEXT_LANGUAGE_LABELS = {"en": _lp("text", "English"), "ko": _lp("text", "Korean")}
TEXT_STATUS_LABELS = {
    "empty": _l("Empty"),  # neither language has a text
    "missing": _l("Missing"),  # the other language has one, this one not yet
    "written": _l("Not yet checked"),
    "stale": _l("Out of date"),  # the other language changed since
    "checked": _l("Checked"),
}


def read_once(labels: dict) -> dict:
    """The labels as texts in the request's language, each translated once for a whole list rather than once for
    each row that shows it."""
    return {value: str(label) for value, label in labels.items()}


class ReadOnce(Mapping):
    """A vocabulary's labels as the templates read them: each translated once per language for the life of the
    process, rather than each time a row of a long list shows it (a catalog does not change while it runs)."""

    def __init__(self, labels: dict) -> None:
        self._labels = labels
        self._read: dict[str, dict] = {}

    def _in_language(self) -> dict:
        language = locale_code()
        read = self._read.get(language)
        if read is None:
            read = self._read[language] = read_once(self._labels)
        return read

    def __getitem__(self, value):
        return self._in_language()[value]

    def __iter__(self) -> Iterator:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def items(self):
        return self._in_language().items()

    def values(self):
        return self._in_language().values()


def choices(labels: dict, empty: str | None = None) -> list[SelectChoice]:
    """Options for a SelectField; `empty` labels a first, empty option."""
    options = [SelectChoice("", empty)] if empty is not None else []
    return options + [SelectChoice(value, label) for value, label in labels.items()]
