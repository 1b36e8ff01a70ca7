"""The pages of side-internal notes: a note's own page (its text, the form, its history), and the panel the
meeting, minutes and action item pages show — each only ever with the reader's side's note."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from jcm.content import kept_parts
from jcm.documents.frame import Frame, duration, file_kind, file_size, page_label
from jcm.documents.pdfs import files_digest
from jcm.documents.views import DRAFT_SETTINGS, document_response, draft_pdf
from jcm.errors import NotFound
from jcm.i18n import locale_code
from jcm.meetings.models import Meeting
from jcm.meetings.services import with_agenda
from jcm.notes import services
from jcm.notes.briefing import briefing_record
from jcm.notes.forms import NoteForm, RestoreNoteForm
from jcm.notes.models import NoteKind, SideNote
from jcm.permissions import SidePart, can, require
from jcm.text import render_markdown
from jcm.web import actor, address, form_status, int_or_none, reader, safe_next, submit
from jcm.zones import datetime_in_zone, reader_zone

bp = Blueprint("notes", __name__)

# The panel's heading and its marking, for the reader's side.
HEADINGS = {"US": _l("U.S. internal notes"), "KR": _l("Korean internal notes")}
MARKINGS = {"US": _l("U.S. only: seen by the U.S. side's accounts, never by the Korean side."),
            "KR": _l("Korean side only: seen by the Korean side's accounts, never by the U.S. side.")}
WORDS = {kind.value.replace("_", "-"): kind.value for kind in NoteKind}  # the address's word → the kind


def _kind(word: str) -> str:
    if word not in WORDS:
        raise NotFound(_("There is no such page."))
    return WORDS[word]


def address_word(kind: str) -> str:
    return kind.replace("_", "-")


def _note_page(on: services.Target, note: SideNote | None, form: NoteForm, conflict: dict | None = None,
               status: int = 200):
    user = actor()
    return render_template(
        "notes/note.html", on=on, note=note, form=form, conflict=conflict, word=address_word(on.kind),
        heading=HEADINGS[user.side], marking=MARKINGS[user.side],
        revisions=services.revisions(note) if note is not None else [],
        author=services.author_of(note) if note is not None else None,
        can_write=can(user, "note.write", SidePart(on.record, user.side)),
        restore_form=RestoreNoteForm(formdata=None)), status


@bp.get("/notes/<word>/<int:target_id>")
@login_required
def show(word: str, target_id: int):
    on = services.target(_kind(word), target_id)
    note = services.note_on(actor(), on)
    form = NoteForm(formdata=None, text=note.text if note else "", version=str(note.version if note else 0),
                    next=safe_next(request.args.get("next")) or "")
    return _note_page(on, note, form)


@bp.get("/notes/<int:note_id>")
@login_required
def found(note_id: int):
    """A note by its id (a search result): its page; the other side's is not found, as a note that is not."""
    note = services.get_note(actor(), note_id)
    return redirect(url_for("notes.show", word=address_word(note.kind), target_id=note.target_id))


@bp.post("/notes/<word>/<int:target_id>")
@login_required
def save(word: str, target_id: int):
    """Save the reader's side's note; back to the page it was written on. A stale save shows the note's page with
    the writer's text still in the form, now based on the stored version, and the stored text beside it (409)."""
    on = services.target(_kind(word), target_id)
    require(actor(), "note.write", SidePart(on.record, actor().side))
    form = NoteForm()
    if form.validate_on_submit():
        ok, _note = submit(form, lambda: services.save_note(actor(), on, form.text.data or "",
                                                            int_or_none(form.version.data)))
        if ok:
            flash(_("Your side's note has been saved."), "success")
            return redirect(safe_next(form.next.data) or url_for("notes.show", word=word, target_id=target_id))
    conflict = g.pop("conflict", None)
    note = services.note_on(actor(), on)
    if conflict is not None and note is not None:
        form.version.data = str(note.version)  # saving again merges knowingly
    return _note_page(on, note, form, conflict, status=form_status(form))


@bp.post("/notes/<int:note_id>/revisions/<int:version>/restore")
@login_required
def restore(note_id: int, version: int):
    note = services.get_note(actor(), note_id)
    on = services.target_of(note)
    require(actor(), "note.write", SidePart(on.record, actor().side))
    if RestoreNoteForm().validate_on_submit():
        ok, _note = submit(None, lambda: services.restore_revision(actor(), note, version))
        if ok:
            flash(_("Version %(n)d has been restored as a new version.", n=version), "success")
    return redirect(url_for("notes.show", word=address_word(note.kind), target_id=note.target_id))


# --- the panel on the other pages ---------------------------------------------------------------------------

def _notes_of_meeting(meeting_id: int) -> dict:
    """The reader's side's notes on a meeting and its parts, read once a request."""
    cache = g.setdefault("side_notes", {})
    if meeting_id not in cache:
        cache[meeting_id] = services.meeting_notes(actor(), meeting_id)
    return cache[meeting_id]


class _PanelWords:
    """What every panel of a page says alike, for the reader: whether their side's notes are shown and written, the
    heading and marking, the words of the form, and the form's security token — worked out once a request."""

    def __init__(self, user) -> None:
        self.can_view = can(user, "note.view", SidePart(None, user.side))
        self.can_write = can(user, "note.write", SidePart(None, user.side))
        self.heading = Markup(str(HEADINGS[user.side]))  # as a template prints a lazy translation: markup
        self.marking = Markup(str(MARKINGS[user.side]))
        self.none_yet = Markup(_("Your side has no note on this yet."))
        self.former = Markup(_("a former account"))
        self.history = Markup(_("History"))
        self.yours = Markup(_("Your side's note"))
        self.save = Markup(_("Save the note"))
        self.token = escape(generate_csrf())
        self.zone = reader_zone()  # which the panels' times are said in


def _panel_words(user) -> _PanelWords:
    found = g.setdefault("side_note_words", {})
    key = (user.id, locale_code())
    if key not in found:
        found[key] = _PanelWords(user)
    return found[key]


def _return_to(back: str) -> str:
    """`back` when it is one of this site's own pages (safe_next), else nothing: checked once for each page the panels
    of a request go back to — the forty panels of a meeting's page all go back to that page, each to its own place in
    it, and what follows the `#` cannot make a link lead elsewhere."""
    page = back.partition("#")[0]
    checked = g.setdefault("side_note_pages", {})
    if page not in checked:
        checked[page] = safe_next(page) is not None
    return back if checked[page] else ""


def panel(kind: str, target_id: int, meeting_id: int | None = None, *, back: str | None = None,
          compact: bool = False, about: str = "") -> Markup:
    """The reader's side's note on a record, marked as seen by that side only, with its form for those who write:
    `{{ side_note_panel('minutes_section', section.id, meeting.id) }}`. Given the meeting, all its notes are read
    at once for the whole page. `about` names the record to the ear where a page holds several such forms.

    Printed here rather than by a template: the minutes' editor and a meeting's page show one for each of some forty
    sections or agenda items, and a template rendered for each (with a form built for each) cost more than they
    print."""
    user = actor()
    if user is None:
        return Markup("")
    words = _panel_words(user)
    if not words.can_view:
        return Markup("")
    back = back or request.full_path.rstrip("?")
    if meeting_id is None:
        return _panel(words, kind, target_id, services.note_on(user, services.target(kind, target_id)), back, compact,
                      about)
    # A meeting's forty panels, the same for every reader of a side in a language, where they are, by whether they
    # write: kept once per version where the page is made with the token's place (jcm.web.own_token_written_in).
    return kept_parts(("side notes", meeting_id, user.side, locale_code(), words.zone, words.can_write)).made(
        (kind, target_id, back, compact, about),
        lambda: _panel(words, kind, target_id, _notes_of_meeting(meeting_id).get((kind, target_id)), back, compact,
                       about))


def _panel(words: _PanelWords, kind: str, target_id: int, note: SideNote | None, back: str, compact: bool,
           about: str) -> Markup:
    word = address_word(kind)
    form_id = f"note-{word}-{target_id}"
    named = Markup(f'<span class="visually-hidden"> — {escape(about)}</span>') if about else ""
    printed = [f'<div class="side-note{" side-note--compact" if compact else ""}" id="{form_id}">\n  ']
    if not compact:
        printed.append(f'<h3 class="side-note__heading" id="{form_id}-heading">{words.heading}</h3>')
    printed.append(f'\n  <p class="side-note__marking"><strong>{words.marking}</strong></p>\n  ')
    if note is not None:
        author = services.author_of(note)
        version = _("Version %(n)s", n=note.version)
        printed.append(
            f'\n    <pre class="side-note__text">{escape(note.text)}</pre>\n'
            f'    <p class="muted side-note__meta">{escape(version)} · '
            f'{escape(author.name) if author else words.former}'
            f' · <time datetime="{note.updated_at.isoformat()}Z">{escape(datetime_in_zone(note.updated_at, "medium"))}'
            f'</time>\n      · <a href="{escape(address("notes.show", word=word, target_id=target_id))}#history">'
            f'{words.history}</a></p>\n  ')
    elif not words.can_write:
        printed.append(f'\n    <p class="muted">{words.none_yet}</p>\n  ')
    printed.append("\n  ")
    if words.can_write:
        printed.append(
            f'\n    <form method="post" action="{escape(address("notes.save", word=word, target_id=target_id))}"'
            f' class="side-note__form">\n'
            f'      <input name="csrf_token" type="hidden" value="{words.token}">'
            f'<input name="version" type="hidden" value="{note.version if note else 0}">'
            f'<input name="next" type="hidden" value="{escape(_return_to(back))}">\n'
            f'      <label for="{form_id}-text">{words.yours}{named}</label>\n'
            f'      <textarea id="{form_id}-text" name="text" rows="{3 if compact else 5}">'
            f'{escape(note.text) if note else ""}</textarea>\n'
            f'      <button type="submit" class="button button--small">{words.save}{named}</button>\n    </form>\n  ')
    printed.append("\n</div>")
    return Markup("".join(printed))


def meeting_page_part(meeting: Meeting, user) -> Markup:
    """On a meeting's page, after the agenda: the reader's side's notes on the meeting and on each agenda item."""
    if user is None or not can(user, "note.view", SidePart(meeting, user.side)):
        return Markup("")
    # The same for every reader of a side in a language, where they are, on this address (its forms come back to
    # it), by whether they write notes: kept once per version (its forms carry the token's place).
    return kept_parts(("side notes shown", meeting.id, user.side, locale_code(), reader_zone(),
                       request.full_path)).made(_panel_words(user).can_write, lambda: Markup(render_template(
                           "notes/_meeting.html", meeting=meeting, items=with_agenda(meeting).items, panel=panel,
                           heading=HEADINGS[user.side], marking=MARKINGS[user.side])))


# --- the briefing pack ----------------------------------------------------------------------------------------

BRIEFING_TEMPLATE = "notes/briefing.html"


def briefing_html(record: dict) -> str:
    frame = Frame(record, record["language"])
    with force_locale(frame.lang):
        return render_template(BRIEFING_TEMPLATE, record=record, f=frame, duration=duration, file_size=file_size,
                               file_kind=file_kind, page_label=page_label(), render_markdown=render_markdown,
                               created=None)


def _private(response):
    """A side's own pack: kept by no cache on the way."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _briefing_record(meeting_id: int) -> dict:
    side = request.args.get("side") or None
    return briefing_record(reader(), meeting_id, side.upper() if side else None)


@bp.get("/meetings/<int:meeting_id>/briefing.html", endpoint="briefing_html")
def briefing_document_html(meeting_id: int):
    """The reader's side's pack (`?side=` may name it; another side's is not found)."""
    record = _briefing_record(meeting_id)
    return _private(document_response(briefing_html(record), "text/html", record["language"]))


@bp.get("/meetings/<int:meeting_id>/briefing.pdf", endpoint="briefing_pdf")
def briefing_document_pdf(meeting_id: int):
    record = _briefing_record(meeting_id)
    lang = record["language"]
    # The pack's template is not among the documents' (whose files key every draft): its own digest keys it too.
    template = Path(current_app.root_path, current_app.template_folder or "templates", BRIEFING_TEMPLATE)
    settings = f"{DRAFT_SETTINGS} briefing {files_digest('jcm-briefing', [template])}"
    filename = f"{record['meeting']['ref']}-briefing-{record['side']}-{lang}.pdf"
    return _private(draft_pdf(record, lambda: briefing_html(record), lang, filename, settings=settings))
