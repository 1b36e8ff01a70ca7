"""One language of a text on the minutes' page: its label, its state and the check the reader may make, then the
text itself (a box, or the text as recorded), then what changed in the other language when this one is out of date.

Printed here rather than by a macro of templates/minutes/_texts.html, as it once was: the editor of a meeting's
minutes shows some 250 of them, and a Jinja macro called with `caller()` costs more than what it prints. The
template calls it the same way, `{% call text_column(text, language, label, …) %}…{% endcall %}`; the rare parts (the
difference of a stale text, the note on a text that looks copied) are still the shared macros of
templates/_bilingual.html. The forms its check buttons submit are printed here too (check_forms), once for each of
the page's records.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import current_app, g
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from jcm.i18n import locale_code
from jcm.labels import TEXT_STATUS_LABELS
from jcm.text import render_markdown
from jcm.web import address


def _bilingual(macro: str) -> Callable[..., Markup]:
    """A macro of templates/_bilingual.html, as a template importing it would call it."""
    return getattr(current_app.jinja_env.get_template("_bilingual.html").module, macro)


def _words() -> dict[str, Markup]:
    """The words every column says alike, translated once a request for the reader's language (as a template prints
    a translation: markup): the states' labels, and "Mark as checked" under the key "check"."""
    found = g.setdefault("text_column_words", {})
    language = locale_code()
    if language not in found:
        found[language] = {status: Markup(str(label)) for status, label in TEXT_STATUS_LABELS.items()}
        found[language]["check"] = Markup(_("Mark as checked"))
    return found[language]


class PageWords:
    """The templates' `_` on a page of the minutes (jcm/minutes/views.py passes it): each word looked up in the
    reader's catalog once for the page, then said as a template's `_` says it — as markup, its %(name)s filled in.
    The editor says some 700 words, most of them the same few again for each of forty sections, and a template's
    `_` looks the catalog up again for each."""

    def __init__(self) -> None:
        self._found: dict[str, Markup] = {}

    def __call__(self, text: str, **variables: Any) -> Markup:
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = Markup(_(text))
        return found % variables


def state_badge(state: Any, words: dict[str, Markup], id: str | None = None) -> Markup:
    """As the macro state_badge of templates/_bilingual.html prints it: the state in a word (`words`, _words())."""
    named = f' id="{escape(id)}"' if id else ""
    return Markup(f'<span class="text-state text-state--{escape(state.status)}"{named}>'
                  f'{words[state.status]}</span>')


def column_parts(text: Any, language: str, label: Any, box: str | None = None, checking: bool = True,
                 words: dict[str, Markup] | None = None) -> dict:
    """What a column says of its text's state, apart from the label and the text: the state in a word (`badge`), the
    check button (`button`), what changed in the other language when it is out of date (`stale`), the note on a text
    that looks copied (`copied`), and the ids that describe its box (`described_by`). A live save of the minutes
    answers with these, so that the page shows what a reload would. `words`: _words(), when the caller has them."""
    state = text.state[language] if text.state else None
    check = text.check[language] if checking and text.check else None
    words = words or _words()
    badge = state_badge(state, words, id=f"{box}-state" if box else None) if state else Markup("")
    button = Markup(f'<button type="submit" form="{escape(check.form_id)}" class="button button--small '
                    f'text-pair__check">{words["check"]}<span class="visually-hidden">: {escape(label)}</span>'
                    f'</button>') if check else Markup("")
    stale = _bilingual("difference")(state, id=f"{box}-difference" if box else None) \
        if state and state.status == "stale" else Markup("")
    copied = _bilingual("copied_note")(state, id=f"{box}-copied" if box else None) if state and state.copied \
        else Markup("")
    described_by = (f"{box}-state" + (f" {box}-difference" if state.status == "stale" else "")) \
        if state and box else ""
    return {"badge": badge, "button": button, "stale": stale, "copied": copied, "described_by": described_by}


def described(text: Any, language: str, box: str) -> Markup:
    """The attribute that ties a text's box to its state and, when it is out of date, to what changed."""
    state = text.state[language] if text.state else None
    if not state:
        return Markup("")
    return Markup(f' aria-describedby="{escape(box)}-state'
                  + (f' {escape(box)}-difference' if state.status == "stale" else "") + '"')


def text_column(text: Any, language: str, label: Any, box: str | None = None, hint: Any = None,
                checking: bool = True, place: Any = None, caller: Callable[[], Markup] | None = None,
                words: dict[str, Markup] | None = None) -> Markup:
    """`text` is texts_of(record)[field]; `box`, the id of the box the label is for (none where the text is only
    read); `place` (the section, the focus area) is read with the label, so that each box of a page is named apart;
    `checking`, whether its check button shows."""
    if box:
        head = (f'<label for="{escape(box)}">{escape(label)}'
                + (f' <span class="muted">{escape(hint)}</span>' if hint else "")
                + (f'<span class="visually-hidden"> · {escape(place)}</span>' if place else "") + "</label>")
    else:
        head = f'<span class="text-pair__label">{escape(label)}</span>'
    parts = column_parts(text, language, label, box, checking, words)
    return Markup(f'<div class="text-pair__text text-pair__text--{escape(language)}">\n'
                  f'    <div class="text-pair__head">\n      {head}\n      {parts["badge"]}\n      {parts["button"]}\n'
                  f'    </div>\n'
                  f'    {caller() if caller else ""}\n    {parts["stale"]}\n    {parts["copied"]}\n  </div>')


def check_forms(texts: Any) -> Markup:
    """The forms a record's "Mark as checked" buttons submit, as the macro check_forms of templates/_bilingual.html
    prints them (a minutes page prints them for some ninety records): `texts` is texts_of(record)."""
    token = escape(generate_csrf()) if texts.may_check else ""  # many records of a page have no button to check
    printed = []
    for _english, text in sorted(texts.items(), key=lambda pair: pair[0].lower()):  # as `dictsort`
        printed.append("\n    ")
        for _language, check in sorted((text.check or {}).items(), key=lambda pair: pair[0].lower()):
            if check:
                printed.append(
                    f'\n      <form id="{escape(check.form_id)}" method="post" action="{escape(check.action)}" '
                    f'class="text-check-form" hidden>\n'
                    f'        <input type="hidden" name="csrf_token" value="{token}">\n'
                    f'        <input type="hidden" name="revision" value="{escape(check.revision)}">\n'
                    f'        <input type="hidden" name="next" value="{escape(check.next)}">\n'
                    f'      </form>\n    ')
        printed.append("\n  ")
    return Markup("".join(printed))


class SectionForms:
    """The form of a section of the minutes in the editor: its version, and its two texts (the discussion, the
    decisions) in both languages, each a column (text_column) with its box — `forms(section, texts, posted, place,
    csrf_field)`, with `posted` the section's form just sent and refused (its boxes then as typed, with what was
    wrong), else none. Printed at once rather than by the page's loops, for some forty sections; `boxes` is the one
    SectionForm whose labels and names all the sections' boxes share, `words` the page's (PageWords)."""

    TEXTS = (("discussion", 6, 100000), ("decisions", 3, None))

    def __init__(self, boxes: Any, words: PageWords) -> None:
        self.boxes = boxes
        self.markdown = words("(Markdown)")
        self.save = words("Save this section")
        self.words = words
        self.states = _words()  # the columns' words, for all the sections

    def __call__(self, section: Any, texts: Any, posted: Any, place: Any, csrf_field: Markup,
                 posted_here: bool = False) -> Markup:
        form = posted if posted else self.boxes
        version = escape(posted.version.data if posted else section.version)
        pairs = []
        for name, rows, limit in self.TEXTS:
            columns = []
            for language in ("en", "ko"):
                key = name if language == "en" else f"{name}_ko"
                box = form[key]
                box_id = f"{name}{'-ko' if language == 'ko' else ''}-{section.id}"
                if posted:
                    value = box.data
                else:
                    value = getattr(section, key) if name == "discussion" else "\n".join(getattr(section, key) or [])
                maxlength = f' maxlength="{limit}"' if limit else ""
                invalid = ' aria-invalid="true"' if box.errors else ""
                errors = "".join(f'<p class="field__error">{escape(error)}</p>' for error in box.errors)
                field = Markup(
                    f'\n                  <div class="field{" field--error" if box.errors else ""}">\n'
                    f'                    <textarea id="{box_id}" name="{escape(box.name)}" rows="{rows}" '
                    f'lang="{language}"{maxlength}{described(texts[name], language, box_id)}{invalid}>'
                    f'{escape(value or "")}</textarea>\n                    {errors}\n                  </div>\n'
                    f'                ')
                column = text_column(texts[name], language, box.label.text, box_id,
                                     self.markdown if name == "discussion" else None, place=place,
                                     caller=lambda: field, words=self.states)
                columns.append(f"\n                \n                \n                {column}\n              ")
            pairs.append(f'\n            <div class="text-pair">\n              {"".join(columns)}\n'
                         f'            </div>\n          ')
        marked = ' data-posted="1"' if posted_here else ""
        return Markup(
            f'<form method="post" action="{escape(address("minutes.save_section", section_id=section.id))}" '
            f'class="minutes-section-form"\n'
            f'              data-section-id="{section.id}" data-version="{version}" data-live-save{marked}>\n'
            f'          {csrf_field}\n'
            f'          <input type="hidden" name="version" value="{version}">\n          {"".join(pairs)}\n'
            f'          <button type="submit" class="button button--small">{self.save}</button>\n'
            f'          <span class="muted" data-live-version>{self.words("Version %(n)s", n=section.version)}</span>\n'
            f'          <span class="save-state js-only" role="status" data-save-state></span>\n'
            f'        </form>')


class SectionTexts:
    """A section of the minutes as a reader who does not write them sees it: its discussion in both languages, then
    its decisions where it has any, each a column (text_column) with the text as recorded — `texts(section, t)`.
    Printed at once for some forty sections; `words` is the page's (PageWords)."""

    def __init__(self, words: PageWords) -> None:
        self.labels = {("discussion", "en"): words("Discussion"), ("discussion", "ko"): words("Discussion (Korean)"),
                       ("decisions", "en"): words("Decisions"), ("decisions", "ko"): words("Decisions (Korean)")}
        self.nothing = Markup(f'<p class="muted">{words("Nothing recorded.")}</p>')
        self.states = _words()  # the columns' words, for all the sections

    def __call__(self, section: Any, texts: Any) -> Markup:
        columns = []
        for language in ("en", "ko"):
            discussion = section.discussion if language == "en" else section.discussion_ko
            shown = Markup(f'\n              <div class="minutes-section__discussion" lang="{language}">'
                           f'{render_markdown(discussion) if discussion else ""}{"" if discussion else self.nothing}'
                           f'</div>\n            ')
            column = text_column(texts["discussion"], language, self.labels["discussion", language], checking=False,
                                 caller=lambda: shown, words=self.states)
            columns.append(f"\n            \n            {column}\n          ")
        printed = [f'<div class="text-pair">\n          {"".join(columns)}\n        </div>\n        ']
        if section.decisions or section.decisions_ko:
            columns = []
            for language in ("en", "ko"):
                decisions = section.decisions if language == "en" else section.decisions_ko
                listed = "".join(f"<li>{escape(decision)}</li>" for decision in decisions) if decisions else ""
                shown = Markup(f'\n                <ol class="minutes-decisions" lang="{language}">{listed}</ol>\n'
                               f'              ' if decisions else "\n                \n              ")
                column = text_column(texts["decisions"], language, self.labels["decisions", language],
                                     checking=False, caller=lambda: shown, words=self.states)
                columns.append(f"\n              \n              {column}\n            ")
            printed.append(f'\n          <div class="text-pair">\n            {"".join(columns)}\n          </div>\n'
                           f'        ')
        return Markup("".join(printed))
