"""Two languages from the start: every marked string in Korean, chosen by preference, browser or switcher."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.messages.frontend import parse_mapping_cfg

from jcm.accounts.models import User
from jcm.extensions import db
from tests.conftest import post_form

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "jcm" / "translations" / "ko" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def extracted_messages() -> set[tuple[str | None, str]]:
    """(context, id) of every marked string: a context (pgettext) gives the same words their own translation."""
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    messages = set()
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
                "pgettext": ((1, "c"), 2), "_lp": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        messages.add((context, message[0] if isinstance(message, tuple) else message))
    return messages


def test_every_marked_string_has_a_korean_translation():
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    missing, broken = [], []
    for context, message_id in sorted(extracted_messages(), key=lambda m: (m[1], m[0] or "")):
        message = catalog.get(message_id, context=context)
        strings = message.string if message and isinstance(message.string, tuple) else (message.string if message else "",)
        if message is None or not all(strings) or message.fuzzy:
            missing.append(message_id)
            continue
        wanted = set(PLACEHOLDER.findall(message_id))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            broken.append(message_id)
    assert not missing, f"untranslated: {missing}"
    assert not broken, f"placeholders differ: {broken}"


def test_the_browsers_language_is_used_before_sign_in(client, committee):
    page = client.get("/login", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ko">' in page and "로그인" in page
    english = client.get("/login", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english


def test_the_users_preference_beats_the_browser(app, client, auth, committee):
    with app.app_context():
        db.session.get(User, committee.us_delegate.id).locale = "ko"
        db.session.commit()
    auth.login(committee.us_delegate)
    page = client.get("/mou", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert "신뢰할 수 있는 기술 리더십" in page  # the area's Korean title


def test_the_switcher_changes_the_language_and_remembers_it_for_the_account(app, client, auth, committee):
    auth.login(committee.kr_observer)
    response = post_form(client, "/language", {"locale": "ko", "next": "/account"}, page="/")
    assert response.headers["Location"] == "/account"
    assert '<html lang="ko">' in client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, committee.kr_observer.id).locale == "ko"
    post_form(client, "/language", {"locale": "en"}, page="/")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_the_switcher_works_before_sign_in_and_ignores_unknown_languages(client, committee):
    post_form(client, "/language", {"locale": "ko"}, page="/login")
    assert '<html lang="ko">' in client.get("/login").get_data(as_text=True)
    response = post_form(client, "/language", {"locale": "xx", "next": "https://evil.example.com/"}, page="/login")
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
    assert '<html lang="ko">' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/account", "/admin/users", "/admin/users/new", "/admin/audit"])
def test_pages_in_korean_show_no_untranslated_interface_text(client, auth, committee, path):
    auth.login(committee.kr_admin)
    post_form(client, "/language", {"locale": "ko"}, page="/")
    page = client.get(path).get_data(as_text=True)
    for english in ("Sign out", "My account", "Accounts", "Audit log", "Save", "Status"):
        assert f">{english}<" not in page


def test_a_korean_secretariat_is_told_in_korean_that_the_meeting_exists(client, auth, committee, make_meeting):
    make_meeting(ordinal=11)
    auth.login(committee.kr_secretariat)
    post_form(client, "/language", {"locale": "ko"}, page="/")
    response = post_form(client, "/meetings/new", {"ordinal": "11", "start_date": "2027-03-10", "host_side": "KR",
                                                   "mode": "hybrid"})
    assert response.status_code == 422
    assert "제11차 회의가 이미 있습니다." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/meetings", "/action-items", "/my-action-items", "/meetings/{meeting}",
                                  "/meetings/{meeting}/agenda.html", "/account/calendar", "/meetings/{meeting}/minutes",
                                  "/meetings/{meeting}/minutes.html"])
def test_the_meeting_and_action_pages_speak_korean(client, auth, committee, make_meeting, make_action_item, path):
    meeting = make_meeting()
    make_action_item(meeting_id=meeting)
    auth.login(committee.kr_secretariat)
    post_form(client, "/language", {"locale": "ko"}, page="/")
    page = client.get(path.format(meeting=meeting)).get_data(as_text=True)
    assert '<html lang="ko">' in page
    for english in ("Action items", "Meetings", "Review of action items", "Agenda", "Due", "Owners", "Status",
                    "Save", "Not yet agreed", "Calendar", "Minutes", "Attendance", "Decisions", "DRAFT", "Progress"):
        assert f">{english}<" not in page, english


def test_the_script_says_its_words_in_the_readers_language_from_the_catalog(client, auth, committee):
    import json
    import re
    from pathlib import Path

    script = (Path(__file__).resolve().parent.parent / "jcm" / "static" / "js" / "jcm.js").read_text("utf-8")
    assert not re.search("[\uac00-\ud7a3]", script)  # no Korean written into the script itself
    auth.login(committee.kr_delegate)
    page = client.get("/meetings", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    words = json.loads(re.search(r'<script type="application/json" id="jcm-words">(.*?)</script>', page).group(1))
    assert words["saved"] == "저장했습니다" and words["move"] == "{title} 옮기기"


def test_the_script_writes_no_words_of_its_own_and_every_word_it_says_comes_from_the_catalog(app):
    """Every string in jcm.js is a name (a class, an attribute, an event, a key), never words for people: those
    it reads from the page's words, each of which the catalog has."""
    from jcm.i18n import script_words

    script = (ROOT / "jcm" / "static" / "js" / "jcm.js").read_text("utf-8")
    code = re.sub(r"(?m)\s//\s.*$", "", re.sub(r"/\*.*?\*/", "", script, flags=re.S))  # without comments
    strings = set(re.findall(r'"((?:[^"\\\n]|\\.)*)"', code)) | set(re.findall(r"'((?:[^'\\\n]|\\.)*)'", code))
    words_for_people = {text for text in strings - {"use strict"}
                        if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text) and not re.search(r"[-.\[\]()+=:]", text)}
    assert words_for_people == set()
    assert "flash flash--error live-message" in strings and "Alt+ArrowUp Alt+ArrowDown" in strings  # (it reads)

    with app.test_request_context(headers={"Accept-Language": "ko"}):
        words = script_words()
    read = set(re.findall(r"SAID\.(\w+)", code)) | set(re.findall(r"wordsOfThePage\(\)\.(\w+)", code))
    assert read == set(words)  # each word the script says is given to it, and each word given is said
    assert words["failedBecause"] == "새 순서를 저장하지 못했습니다: {reason}"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_list_writes_its_dates_as_the_dateformat_filter_does(app, language):
    """A list formats its many dates with the pattern looked up once (the meetings list): the same text as the
    filter a page uses for one date."""
    from datetime import date

    from flask import render_template_string
    from flask_babel import force_locale

    from jcm.i18n import date_formatter

    days = [date(2026, 1, 1), date(2027, 3, 10), date(2027, 12, 31)]
    with app.test_request_context("/"), force_locale(language):
        medium = date_formatter("medium")
        filtered = render_template_string("{% for day in days %}{{ day|dateformat('medium') }}|{% endfor %}",
                                          days=days)
        assert "".join(f"{medium(day)}|" for day in days) == filtered
    assert filtered.startswith("2026. 1. 1." if language == "ko" else "Jan 1, 2026"), filtered


def test_the_labels_templates_read_once_are_those_of_the_readers_language_each_time(app):
    """Labels read once per language for long lists: a reader in Korean and then one in English each get their own."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ ACTION_STATUS_LABELS['done'] }}|{{ SIDE_LABELS.get('KR') }}|{{ ACTION_STATUS_LABELS.items()|list|length }}"
    with app.test_request_context():
        with force_locale("ko"):
            korean = render_template_string(page)
        with force_locale("en"):
            english = render_template_string(page)
        with force_locale("ko"):
            again = render_template_string(page)
    assert english == "Done|Republic of Korea|4"
    assert korean == again and korean.startswith("완료|대한민국|")
