"""PDFs off the request: a draft is rendered once per content and then read from disk, an agreed agenda version's
PDFs are kept like adopted minutes', and a PDF not yet rendered is prepared in the background while the reader is
told so (202) and brought to it.

Renders are counted by the renderer's own signal (jcm.documents.render.document_rendered), sent after each real
WeasyPrint render."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from flask import template_rendered

from jcm.accounts.services import get_user, update_user
from jcm.documents.pdfs import DRAFT_FOLDER, DraftCache, document_fingerprint, files_digest
from jcm.documents.render import document_rendered
from jcm.extensions import db
from jcm.meetings import services
from tests.conftest import complete_both_texts
from tests.test_agenda_document import BROWSER, PDF, agenda, edit_item, pdf_text


@contextmanager
def counting_renders(app):
    """The renders of this app's PDFs while the block runs: a list of True (archival) or False (a draft)."""
    renders: list[bool] = []

    def count(sender, archival: bool) -> None:
        renders.append(archival)

    document_rendered.connect(count, sender=app)
    try:
        yield renders
    finally:
        document_rendered.disconnect(count, sender=app)


def drafts(app) -> list[str]:
    return sorted(path.name for path in (Path(app.instance_path) / DRAFT_FOLDER).glob("*.pdf"))


def test_a_second_download_of_an_unchanged_draft_is_read_from_the_cache(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.us_delegate)
    with counting_renders(app) as renders:
        first = client.get(agenda(meeting_id, "pdf") + "?lang=en")
        second = client.get(agenda(meeting_id, "pdf") + "?lang=en")
    assert first.status_code == second.status_code == 200
    assert renders == [False]  # one draft render, for both downloads
    assert second.data == first.data and second.data.startswith(b"%PDF")
    assert second.headers["Content-Disposition"] == "inline; filename=JCM12-agenda-v1-draft-en.pdf"
    assert "DRAFT" in pdf_text(second.data) or "Draft" in pdf_text(second.data)
    [kept] = drafts(app)
    assert kept.endswith("-en.pdf") and (Path(app.instance_path) / DRAFT_FOLDER / kept).read_bytes() == first.data


def test_a_draft_whose_content_changed_is_rendered_anew(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.us_delegate)
    with counting_renders(app) as renders:
        before = client.get(agenda(meeting_id, "pdf") + "?lang=en")
        edit_item(app, committee, meeting_id, 1, title="Quantum networking testbeds")
        after = client.get(agenda(meeting_id, "pdf") + "?lang=en")
        again = client.get(agenda(meeting_id, "pdf") + "?lang=en")
    assert renders == [False, False]
    assert "Quantum networking testbeds" in pdf_text(after.data)
    assert "Quantum networking testbeds" not in pdf_text(before.data)
    assert again.data == after.data != before.data


@contextmanager
def printing(app):
    """The templates printed while the block runs, by name."""
    printed: list[str] = []

    def note(sender, template, context, **extra) -> None:
        printed.append(template.name)

    template_rendered.connect(note, app)
    try:
        yield printed
    finally:
        template_rendered.disconnect(note, app)


def test_an_unchanged_draft_is_found_by_its_record_without_printing_it_again(app, client, auth, committee,
                                                                             make_meeting, make_action_item):
    meeting_id = make_meeting()
    make_action_item()  # carried over to the meeting
    auth.login(committee.us_delegate)
    with printing(app) as printed, counting_renders(app) as renders:
        first = client.get(agenda(meeting_id, "pdf") + "?lang=en")
        assert printed == ["documents/agenda.html"] and renders == [False]
        again = client.get(agenda(meeting_id, "pdf") + "?lang=en")
    assert again.status_code == 200 and again.data == first.data
    assert printed == ["documents/agenda.html"] and renders == [False]  # the second: neither HTML nor PDF made


def test_a_change_anywhere_in_what_a_draft_prints_renders_it_anew(app, client, auth, committee, make_meeting,
                                                                  make_action_item):
    """Not only the agenda's own rows: the name of a person owning an action item carried over to the meeting, kept
    in no row of the meeting, is printed in its draft, and a new name is a new draft."""
    meeting_id = make_meeting()
    make_action_item(title="Map the quantum testbeds")
    auth.login(committee.us_delegate)
    url = agenda(meeting_id, "pdf") + "?lang=en"
    with counting_renders(app) as renders:
        before = client.get(url)
        with app.app_context():
            delegate = get_user(committee.us_delegate.id)
            update_user(delegate, delegate, {"name": "Dana Whitfield"})
            db.session.commit()
        after = client.get(url)
        assert client.get(url).data == after.data
    assert renders == [False, False]
    assert "Dana Whitfield" in pdf_text(after.data) and "Dana Whitfield" not in pdf_text(before.data)
    assert len(drafts(app)) == 2


def test_the_fingerprint_of_a_documents_files_follows_their_content(app, tmp_path):
    """Besides its record, a draft's key holds a fingerprint of the templates, stylesheet and translations that
    print it (and of the code, libraries and fonts): a file changed is another fingerprint, so other drafts."""
    template = tmp_path / "agenda.html"
    template.write_text("<p>{{ record.meeting.title }}</p>")
    first = files_digest("test", [template])
    assert files_digest("test", [template]) == first
    template.write_text("<p>{{ record.meeting.ref }}</p>")
    changed = files_digest("test", [template])
    assert changed != first
    (tmp_path / "print.css").write_text("body { font-size: 10pt }")
    assert files_digest("test", [template, tmp_path / "print.css"]) not in (first, changed)
    with app.app_context():
        assert document_fingerprint(app) == document_fingerprint(app)


def test_minutes_drafts_are_cached_too_and_the_languages_never_mix(app, client, auth, committee, held_meeting):
    with app.app_context():
        from jcm.minutes import services as minutes

        minutes.open_minutes(get_user(committee.us_secretariat.id), services.get_meeting(held_meeting))
        db.session.commit()
    auth.login(committee.kr_delegate)
    url = f"/meetings/{held_meeting}/minutes.pdf"
    with counting_renders(app) as renders:
        first = {lang: client.get(f"{url}?lang={lang}") for lang in ("en", "ko", "both")}
        second = {lang: client.get(f"{url}?lang={lang}") for lang in ("ko", "both", "en")}
    assert renders == [False, False, False]  # each language rendered once
    for lang in ("en", "ko", "both"):
        assert second[lang].data == first[lang].data, lang
        assert second[lang].headers["Content-Language"] == ("en, ko" if lang == "both" else lang)
        assert second[lang].headers["Content-Disposition"] == f"inline; filename=JCM12-minutes-draft-{lang}.pdf"
    assert "회의록" in pdf_text(second["ko"].data) and "Minutes" not in pdf_text(second["ko"].data)
    assert "회의록" not in pdf_text(second["en"].data) and "Minutes" in pdf_text(second["en"].data)
    assert len({first[lang].data for lang in first}) == 3
    assert sorted(name.rsplit("-", 1)[1] for name in drafts(app)) == ["both.pdf", "en.pdf", "ko.pdf"]


def test_the_draft_cache_keeps_only_the_newest_served(app, client, auth, committee, make_meeting):
    app.config["DRAFT_PDF_CACHE_FILES"] = 2
    meeting_id = make_meeting()
    auth.login(committee.us_delegate)
    with counting_renders(app) as renders:
        english = client.get(agenda(meeting_id, "pdf") + "?lang=en").data
        time.sleep(0.05)  # file times apart
        client.get(agenda(meeting_id, "pdf") + "?lang=ko")
        time.sleep(0.05)
        assert client.get(agenda(meeting_id, "pdf") + "?lang=en").data == english  # served: now the newest
        time.sleep(0.05)
        client.get(agenda(meeting_id, "pdf") + "?lang=both")  # a third: the Korean, served longest ago, goes
        assert renders == [False, False, False]
        assert sorted(name.rsplit("-", 1)[1] for name in drafts(app)) == ["both.pdf", "en.pdf"]
        client.get(agenda(meeting_id, "pdf") + "?lang=ko")  # rendered again, and the English goes in its turn
        assert renders == [False, False, False, False]
    assert sorted(name.rsplit("-", 1)[1] for name in drafts(app)) == ["both.pdf", "ko.pdf"]


def test_the_draft_cache_is_bounded_in_bytes_too(tmp_path):
    cache = DraftCache(tmp_path, max_files=100, max_bytes=2500)
    for n, key in enumerate(("a" * 64, "b" * 64, "c" * 64)):
        cache.put(key, "en", bytes([n]) * 1000)
        time.sleep(0.02)
    assert cache.get("a" * 64, "en") is None  # 3000 bytes were too many: the oldest is gone
    assert cache.get("b" * 64, "en") == bytes([1]) * 1000 and cache.get("c" * 64, "en") == bytes([2]) * 1000
    assert cache.get("c" * 64, "ko") is None  # never another language's file


def test_an_agreed_agenda_versions_pdfs_are_kept_when_agreed_and_served_from_disk(app, client, auth, committee,
                                                                                    make_meeting):
    app.config["PREPARE_DOCUMENTS"] = True
    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    with counting_renders(app) as renders:
        with app.app_context():
            for person in (committee.us_secretariat, committee.kr_secretariat):
                services.agree_agenda(get_user(person.id), services.get_meeting(meeting_id))
            db.session.commit()  # the agreement committed: its PDFs are rendered in the background
            snapshot = services.last_agreed_snapshot(services.get_meeting(meeting_id))
            digest = snapshot.sha256
        for job in app.extensions.get("jcm_document_threads", []):
            job.join(timeout=300)
        assert renders == [True, True, True]  # English, Korean and the two side by side, archival
        folder = Path(app.instance_path) / "documents"
        kept = sorted(path.name for path in folder.glob("agenda-*.pdf"))
        assert kept == [f"agenda-{meeting_id}-{digest}-{lang}.pdf" for lang in ("both", "en", "ko")]

        auth.login(committee.us_delegate)
        for lang in ("en", "ko", "both"):
            served = client.get(agenda(meeting_id, "pdf") + f"?lang={lang}")
            assert served.status_code == 200
            assert served.headers["Content-Disposition"] == f"inline; filename=JCM12-agenda-v1-{lang}.pdf"
            assert served.data == (folder / f"agenda-{meeting_id}-{digest}-{lang}.pdf").read_bytes()
            assert client.get(agenda(meeting_id, "pdf") + f"?lang={lang}").data == served.data
        assert renders == [True, True, True]  # served from the kept copies, nothing rendered again
    assert drafts(app) == []


def test_a_lost_kept_agenda_is_rendered_again_identical(app, client, auth, committee, make_meeting):
    meeting_id = make_meeting()
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        for person in (committee.us_secretariat, committee.kr_secretariat):
            services.agree_agenda(get_user(person.id), services.get_meeting(meeting_id))
        db.session.commit()
    auth.login(committee.us_delegate)
    first = client.get(agenda(meeting_id, "pdf") + "?lang=ko").data  # kept on first request (no preparation)
    [path] = (Path(app.instance_path) / "documents").glob("agenda-*-ko.pdf")
    path.unlink()
    with counting_renders(app) as renders:
        again = client.get(agenda(meeting_id, "pdf") + "?lang=ko").data
    assert renders == [True] and again == first == path.read_bytes()


def test_a_pdf_that_takes_longer_is_prepared_in_the_background_then_served(app, client, api, auth, committee,
                                                                          make_meeting):
    app.config["PDF_WAIT_SECONDS"] = 0  # whatever the render takes, the request does not wait for it
    meeting_id = make_meeting()
    url = agenda(meeting_id, "pdf") + "?lang=en"
    auth.login(committee.us_delegate)
    with counting_renders(app) as renders:
        page = client.get(url, headers=BROWSER)
        assert page.status_code == 202 and page.mimetype == "text/html"
        body = page.get_data(as_text=True)
        assert '<meta http-equiv="refresh" content="2">' in body and "Preparing the PDF…" in body
        assert f'href="{url}"' in body
        assert page.headers["Retry-After"] == "2" and page.headers["Cache-Control"] == "no-store"

        program = api.client.get(url, headers={**api.headers(committee.kr_delegate), **PDF})
        assert program.status_code in (200, 202)
        if program.status_code == 202:  # still rendering (as it is unless the machine stalled): when and where
            assert program.headers["Retry-After"] == "2" and program.headers["Location"].endswith(url)
            assert program.get_json()["status"] == "preparing"

        served = until_ready(client, url)
        assert served.status_code == 200 and served.mimetype == "application/pdf"
        assert served.headers["Content-Disposition"] == "inline; filename=JCM12-agenda-v1-draft-en.pdf"
        assert "The 12th Joint Committee Meeting" in pdf_text(served.data)
        token = api.client.get(url, headers={**api.headers(committee.kr_delegate), **PDF})
        assert token.status_code == 200 and token.data == served.data
    assert renders == [False]  # one render, however many asked while it ran


def until_ready(client, url: str):
    """Ask again, as the page reloads itself, until the PDF is there."""
    deadline = time.monotonic() + 300
    while (served := client.get(url, headers=BROWSER)).status_code == 202:
        assert time.monotonic() < deadline, "the PDF was never ready"
        time.sleep(0.2)
    return served


def test_korean_readers_are_told_in_korean(app, client, auth, committee, make_meeting):
    app.config["PDF_WAIT_SECONDS"] = 0
    meeting_id = make_meeting()
    auth.login(committee.kr_delegate)
    url = agenda(meeting_id, "pdf") + "?lang=ko"
    page = client.get(url, headers={**BROWSER, "Accept-Language": "ko"})
    assert page.status_code == 202
    body = page.get_data(as_text=True)
    assert '<html lang="ko">' in body and "PDF 파일을 준비하고 있습니다" in body and "PDF 파일 열기" in body
    assert until_ready(client, url).headers["Content-Language"] == "ko"
