"""How texts in two scripts are found and ordered, the same on SQLite and PostgreSQL: a typed query finds English
and Korean alike (Latin letters in either case, Hangul with or without the spaces between its words), and a list
sorted by title puts Hangul in 가나다 order.

Both rest on a folded form of the text: lower case, and for finding, without its white space. Precomposed Hangul
syllables are numbered in 가나다 order (by initial, then medial, then final jamo), so the code-point order of the
folded text — SQLite's BINARY collation, PostgreSQL's "C" — is the dictionary's, and no database locale changes it
(a PostgreSQL created with en_US.UTF-8 would otherwise sort by its own rules, and differently from SQLite)."""

from __future__ import annotations

import unicodedata

from sqlalchemy import String, and_, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

# What a typed query may be: a title and a few words more.
MAX_QUERY_LENGTH = 200


def fold(text: str | None) -> str | None:
    """A text as it is ordered: lower case (SQLite's own lower() knows only A–Z; this is the one it is given)."""
    return text.lower() if isinstance(text, str) else text


def fold_for_finding(text: str | None) -> str | None:
    """A text as a query finds it: lower case, without white space — "데이터셋 목록" reads as "데이터셋목록"."""
    return "".join(text.lower().split()) if isinstance(text, str) else text


def register_sqlite_functions(connection) -> None:
    """Give an SQLite connection the two folds; PostgreSQL has lower() and regexp_replace() of its own."""
    connection.create_function("jcm_fold", 1, fold, deterministic=True)
    connection.create_function("jcm_fold_for_finding", 1, fold_for_finding, deterministic=True)


class sort_key(FunctionElement):
    """A text as a list sorted by it is ordered: folded, in code-point order."""

    type = String()
    inherit_cache = True


class findable(FunctionElement):
    """A text as a query looks in it: folded, without white space."""

    type = String()
    inherit_cache = True


@compiles(sort_key)
def _sort_key(element, compiler, **kw):
    return f'lower({compiler.process(element.clauses, **kw)}) COLLATE "C"'


@compiles(sort_key, "sqlite")
def _sort_key_sqlite(element, compiler, **kw):
    return f"jcm_fold({compiler.process(element.clauses, **kw)})"


@compiles(findable)
def _findable(element, compiler, **kw):
    return f"regexp_replace(lower({compiler.process(element.clauses, **kw)}), '[[:space:]]+', '', 'g')"


@compiles(findable, "sqlite")
def _findable_sqlite(element, compiler, **kw):
    return f"jcm_fold_for_finding({compiler.process(element.clauses, **kw)})"


def query_words(query: str | None) -> list[str]:
    """The words of a typed query, each folded as the texts are; none for an empty query."""
    text = unicodedata.normalize("NFC", query or "")  # Hangul typed as separate jamo is the syllables it makes
    return [fold_for_finding(word) for word in text.split()]


def finds(query: str | None, *columns: ColumnElement) -> ColumnElement | None:
    """The condition that each word of the query is in one of the columns (English and Korean texts alike), or
    None for an empty query. A word is found inside a text whatever spaces the text has between syllables."""
    words = query_words(query)
    if not words:
        return None
    return and_(*(or_(*(findable(column).contains(word, autoescape=True) for column in columns))
                  for word in words))


def in_language(english: ColumnElement, korean: ColumnElement, language: str) -> ColumnElement:
    """The text a reader of `language` sees of a pair of columns: theirs when there is one, else the other."""
    first, second = (korean, english) if language == "ko" else (english, korean)
    return func.coalesce(func.nullif(first, ""), second)
