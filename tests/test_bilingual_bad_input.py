"""Bad input in the two authentic texts, walked through the pages and the API for every kind of record that holds
texts in English and Korean (a meeting, an agenda item, an action item, a record of the minutes, a progress
narrative, the next meeting, an attendee): each gets a clear message and a 4xx, never a 500, and no text is lost —
a page that refuses shows the form again with what was typed in both languages, and the stored texts stay as they
were.

What is not refused, and why: a Korean text may rightly hold Latin letters (a name, an acronym such as NASA or
KASA) and an English text Hangul (a Korean organization's or delegate's name), so both are stored as given. A Korean
text that reads exactly as the English and holds no Hangul at all is most likely copied by mistake: it is kept, and
the page and the API flag it (`copied`) for the writer and the side checking it, who may still check it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services as minutes_services
from tests.conftest import post_form
from tests.test_api_meetings import call
from tests.test_minutes_document import _area, minutes_url
from tests.test_three_documents import flat, pdftotext
from tests.test_writing_side_by_side import _action_fields, _meeting_fields

KINDS = ("meeting", "agenda_item", "action_item", "minutes_section", "progress_entry", "minutes", "attendee")
# The text of each kind the walk writes: its English field and, beside it, the Korean.
TEXT = {"meeting": "title", "agenda_item": "title", "action_item": "title", "minutes_section": "discussion",
        "progress_entry": "narrative", "minutes": "next_meeting", "attendee": "name"}
CHANNELS = ("page", "api")
OTHER_SIDE = "The other side answers for the text in this language: its secretariat checks it."


# --- a committee with a record of each kind -------------------------------------------------------------------

@pytest.fixture
def records(app, committee, make_meeting, held_meeting, make_action_item) -> dict:
    """One record of each kind, every text written in English and in Korean: a meeting being planned (its agenda
    can still change) with its agenda items, an action item, and the held meeting's minutes with a record, a
    progress entry, the next meeting and a Korean delegate."""
    planned = make_meeting(ordinal=13, start_date="2027-09-01")
    action = make_action_item(title_ko="AI 활용 가능 데이터셋 목록 교환")
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        item = get_meeting(planned, with_agenda=True).items[3]  # the first focus-area discussion
        item.description, item.description_ko = "Shared testbeds.", "공동 테스트베드."
        minutes = minutes_services.open_minutes(us, get_meeting(held_meeting))
        kr = get_user(committee.kr_secretariat.id)  # each side lists its own delegation
        (attendee,) = minutes_services.set_attendance(kr, minutes, "KR", [{"name": "Kim Min-su", "name_ko": "김민수"}])
        section = minutes_services.ordered_sections(minutes)[3]
        minutes_services.save_section(us, section, "The sides met.", ["Share the list."], None,
                                      discussion_ko="양측은 회의하였다.", decisions_ko=["목록을 공유한다."])
        area = _area("A.1")
        entry = minutes_services.save_progress(us, minutes, area, "on_track", "On track.",
                                               narrative_ko="계획대로 추진되고 있음.")
        minutes_services.set_next_meeting(us, minutes, "Seoul, spring 2027.", korean="2027년 봄, 서울")
        db.session.commit()
        return {"meeting": planned, "agenda_item": item.id, "action_item": action, "minutes_section": section.id,
                "progress_entry": entry.id, "minutes": minutes.id, "attendee": attendee.id,
                "held": held_meeting, "section_item": section.agenda_item_id, "area": area}


def _model(kind: str):
    from jcm.texts.services import kinds

    return kinds()[kind]


def _stored(app, records, kind: str, *fields: str):
    with app.app_context():
        obj = db.session.get(_model(kind), records[kind])
        return tuple(getattr(obj, field) for field in fields)


def _version(app, records, kind: str) -> int:
    with app.app_context():
        obj = db.session.get(_model(kind), records[kind])
        return obj.next_meeting_version if kind == "minutes" else obj.version


def _attendee(app, records) -> int:
    """The Korean delegate's row (a delegation saved again may give a new row to a new name)."""
    from jcm.minutes.models import Attendee

    with app.app_context():
        return db.session.scalar(select(Attendee.id).where(Attendee.minutes_id == records["minutes"],
                                                           Attendee.side == "KR"))


def _agenda_item_fields(app, item_id: int, **changes) -> dict:
    from jcm.meetings.services import get_agenda_item

    with app.app_context():
        item = get_agenda_item(item_id)
        return {"kind": item.kind, "title": item.title, "title_ko": item.title_ko, "description": item.description,
                "description_ko": item.description_ko, "presenter_us": item.presenter_us,
                "presenter_us_ko": item.presenter_us_ko, "presenter_kr": item.presenter_kr,
                "presenter_kr_ko": item.presenter_kr_ko, "focus_area_ids": [str(a.id) for a in item.focus_areas],
                "duration_minutes": str(item.duration_minutes), "day": item.day.isoformat(),
                "version": str(item.version), **changes}


def _minutes_page(records) -> str:
    return f"/meetings/{records['held']}/minutes"


def _edit_page(records, kind: str) -> str:
    """The page a secretariat writes the kind's texts on."""
    return {"meeting": f"/meetings/{records['meeting']}/edit", "agenda_item": f"/agenda-items/{records['agenda_item']}/edit",
            "action_item": f"/action-items/{records['action_item']}/edit"}.get(kind, _minutes_page(records))


def write_on_page(client, app, records, kind: str, texts: dict, version: int | None = None):
    """Post the form that holds the kind's texts, as a browser would: every field as the page shows it, `texts`
    changed, based on `version` (by default the one stored)."""
    version = _version(app, records, kind) if version is None and kind != "attendee" else version
    if kind == "meeting":
        return post_form(client, _edit_page(records, kind), _meeting_fields(app, records[kind], **texts,
                                                                              version=str(version)))
    if kind == "agenda_item":
        return post_form(client, _edit_page(records, kind), _agenda_item_fields(app, records[kind], **texts,
                                                                                  version=str(version)))
    if kind == "action_item":
        return post_form(client, _edit_page(records, kind), _action_fields(app, records[kind], **texts,
                                                                             version=str(version)))
    page, held = _minutes_page(records), records["held"]
    if kind == "minutes_section":
        discussion, discussion_ko, decisions, decisions_ko = _stored(app, records, kind, "discussion", "discussion_ko",
                                                                     "decisions", "decisions_ko")
        fields = {"discussion": discussion, "discussion_ko": discussion_ko, "decisions": "\n".join(decisions),
                  "decisions_ko": "\n".join(decisions_ko), "version": str(version), **texts}
        return post_form(client, f"/minutes/sections/{records[kind]}", fields, page=page)
    if kind == "progress_entry":
        narrative, narrative_ko = _stored(app, records, kind, "narrative", "narrative_ko")
        fields = {"status": "on_track", "narrative": narrative, "narrative_ko": narrative_ko, "version": str(version),
                  **texts}
        return post_form(client, f"/meetings/{held}/minutes/progress/{records['area']}", fields, page=page)
    if kind == "minutes":
        next_meeting, next_meeting_ko = _stored(app, records, kind, "next_meeting", "next_meeting_ko")
        fields = {"next_meeting": next_meeting, "next_meeting_ko": next_meeting_ko, "version": str(version), **texts}
        return post_form(client, f"/meetings/{held}/minutes/next-meeting", fields, page=page)
    name, name_ko = texts.get("name", "Kim Min-su"), texts.get("name_ko", "김민수")
    return post_form(client, f"/meetings/{held}/minutes/attendance/KR", {"people": f"{name} | {name_ko}"}, page=page)


def write_by_api(api, records, kind: str, person, texts: dict, version: int | None = None):
    """Send the kind's texts through the API, based on `version` (none: the last write wins, as the API allows)."""
    based = {} if version is None else {"version": version}
    if kind == "meeting":
        return call(api, "PATCH", f"/api/v1/meetings/{records[kind]}", person, json={**texts, **based})
    if kind == "agenda_item":
        return call(api, "PATCH", f"/api/v1/agenda-items/{records[kind]}", person, json={**texts, **based})
    if kind == "action_item":
        return call(api, "PATCH", f"/api/v1/action-items/{records[kind]}", person, json={**texts, **based})
    path = f"/api/v1/meetings/{records['held']}/minutes"
    if kind == "minutes_section":
        return call(api, "PUT", path, person, json={"records": [{
            "agenda_item_id": records["section_item"], "version": version if version is not None else 1, **texts}]})
    if kind == "progress_entry":
        return call(api, "PUT", path, person, json={"progress": [{
            "focus_area_id": records["area"], "status": "on_track", **texts, **based}]})
    if kind == "minutes":
        return call(api, "PUT", path, person, json={
            **texts, **({"next_meeting_version": version} if version is not None else {})})
    return call(api, "PUT", path, person, json={"attendance": {"KR": [
        {"name": texts.get("name", "Kim Min-su"), "name_ko": texts.get("name_ko", "김민수")}]}})


def write(channel, client, api, app, records, kind, person, texts, version=None):
    if channel == "page":
        return write_on_page(client, app, records, kind, texts, version)
    return write_by_api(api, records, kind, person, texts, version)


def _texts_api(api, records, kind, person) -> dict:
    response = api.get(f"/api/v1/texts/{kind}/{records[kind]}", person)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _latest_version(app, records, kind):
    """For the minutes' records the API needs the version even for a plain write."""
    return _version(app, records, kind) if kind == "minutes_section" else None


# --- a Korean field holding only English -----------------------------------------------------------------------

@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_korean_text_copied_from_the_english_is_kept_and_flagged_never_refused(
        app, client, auth, api, committee, records, kind, channel):
    english = TEXT[kind]
    korean = f"{english}_ko"
    latin = "Kim" if kind == "attendee" else "Quantum"
    auth.login(committee.kr_secretariat)
    response = write(channel, client, api, app, records, kind, committee.kr_secretariat,
                     {english: latin, korean: latin}, _latest_version(app, records, kind))
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    records = {**records, "attendee": _attendee(app, records)}
    assert _stored(app, records, kind, english, korean) == (latin, latin)  # stored as given
    shown = _texts_api(api, records, kind, committee.kr_secretariat)["texts"][english]
    assert (shown["ko"]["status"], shown["ko"]["copied"]) == ("written", True)
    assert shown["en"]["copied"] is False  # the English is in its own script
    page = client.get(_edit_page(records, kind)).get_data(as_text=True)
    assert ("This text is the same as the English text and is not written in Korean: was it copied by mistake? "
            "It is kept as written.") in page
    # Only a hint: the Korean secretariat, which answers for the Korean text, may find it right and check it.
    checked = api.post(f"/api/v1/texts/{kind}/{records[kind]}/checks", committee.kr_secretariat,
                       json={"field": english, "language": "ko"})
    assert checked.status_code == 201 and checked.get_json()["texts"][english]["ko"]["copied"] is True


def test_the_copy_hint_reads_as_a_korean_official_writes_and_spares_a_korean_text_with_latin_in_it(
        app, client, auth, api, committee, records):
    auth.login(committee.kr_secretariat)
    assert write_on_page(client, app, records, "action_item",
                         {"title": "Quantum", "title_ko": "Quantum"}).status_code == 302
    korean = client.get(_edit_page(records, "action_item"), headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert ("이 문안은 영문 문안과 동일하며 국문으로 작성되어 있지 않습니다. 잘못 복사한 것이 아닌지 확인하시기 바랍니다. "
            "입력한 문안은 그대로 저장되어 있습니다.") in korean
    # Latin inside a Korean text (an acronym, a name), or a Korean text that differs from the English: no hint.
    for english, korean_text in (("Cooperation with NASA", "NASA와의 협력"), ("KASA", "KASA 협력"),
                                 ("2027", "2027")):
        assert write_on_page(client, app, records, "action_item",
                             {"title": english, "title_ko": korean_text}).status_code == 302
        shown = _texts_api(api, records, "action_item", committee.kr_secretariat)["texts"]["title"]
        assert shown["ko"]["copied"] is False and shown["en"]["copied"] is False, korean_text
        assert "text-copied" not in client.get(_edit_page(records, "action_item")).get_data(as_text=True)


# --- Hangul in an English field --------------------------------------------------------------------------------

@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", KINDS)
def test_hangul_in_an_english_text_is_stored_as_given_and_checked_as_any_text(
        app, client, auth, api, committee, records, kind, channel):
    english = TEXT[kind]
    korean = f"{english}_ko"
    texts = {english: "Visit to 한국연구재단 (NRF)", korean: "한국연구재단(NRF) 방문"}
    if kind == "attendee":
        texts = {english: "김민수 (Kim Min-su)", korean: "김민수"}
    writer = committee.kr_secretariat if kind == "attendee" else committee.us_secretariat  # a side lists its own
    auth.login(writer)
    response = write(channel, client, api, app, records, kind, writer, texts, _latest_version(app, records, kind))
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    records = {**records, "attendee": _attendee(app, records)}
    assert _stored(app, records, kind, english, korean) == (texts[english], texts[korean])
    shown = _texts_api(api, records, kind, committee.us_secretariat)["texts"][english]
    assert shown["en"]["copied"] is False and shown["ko"]["copied"] is False
    assert api.post(f"/api/v1/texts/{kind}/{records[kind]}/checks", committee.us_secretariat,
                    json={"field": english, "language": "en"}).status_code == 201
    assert api.post(f"/api/v1/texts/{kind}/{records[kind]}/checks", committee.kr_secretariat,
                    json={"field": english, "language": "ko"}).status_code == 201
    shown = _texts_api(api, records, kind, committee.us_secretariat)["texts"][english]
    assert (shown["en"]["status"], shown["ko"]["status"]) == ("checked", "checked")


def test_hangul_in_english_texts_prints_in_every_document_and_leaves_the_gate_as_it_was(
        app, client, auth, committee, records):
    from jcm.bilingual import gaps
    from jcm.meetings.services import agenda_texts
    from tests.conftest import complete_both_texts

    held, planned = records["held"], records["meeting"]
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        minutes = minutes_services.minutes_for(get_meeting(held))
        section = db.session.get(_model("minutes_section"), records["minutes_section"])
        minutes_services.save_section(us, section, "The sides met at 한국연구재단.", None, None)
        item = db.session.get(_model("agenda_item"), records["agenda_item"])
        item.presenter_kr = "이준호"  # a Korean presenter named in Hangul in the English text
        assert minutes is not None
        db.session.commit()
    auth.login(committee.us_delegate)
    for lang in ("en", "ko", "both"):
        html = client.get(f"{minutes_url(held)}?lang={lang}")
        assert html.status_code == 200
        if lang != "ko":
            assert "The sides met at 한국연구재단." in html.get_data(as_text=True)
        assert client.get(f"{minutes_url(held, 'pdf')}?lang={lang}").status_code == 200
        agenda = client.get(f"/meetings/{planned}/agenda.html?lang={lang}")
        assert agenda.status_code == 200 and "이준호" in agenda.get_data(as_text=True)
    text = flat(" ".join(pdftotext(client.get(f"{minutes_url(held, 'pdf')}?lang=en").data)))
    assert "The sides met at 한국연구재단." in text
    # The gate weighs such a text as any other: once both texts are complete and each side checked its own, no gap.
    complete_both_texts(app, committee, planned)
    with app.app_context():
        assert gaps(entry.obj for entry in agenda_texts(get_meeting(planned))) == []
        item = db.session.get(_model("agenda_item"), records["agenda_item"])
        assert (item.presenter_kr, item.presenter_kr_ko) == ("이준호", "이준호")


# --- a stale edit of one language while the other changed -------------------------------------------------------

STALE = [kind for kind in KINDS if kind != "attendee"]  # a delegation is saved whole, with no version to be stale


@pytest.mark.parametrize("language", ("en", "ko"))
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", STALE)
def test_a_stale_edit_of_one_language_while_the_other_changed_is_a_conflict_that_keeps_both(
        app, client, auth, api, committee, records, kind, channel, language):
    english = TEXT[kind]
    fields = {"en": english, "ko": f"{english}_ko"}
    theirs = "ko" if language == "en" else "en"
    changed = {"en": "The new English text of the other side", "ko": "상대 측이 새로 쓴 국문 문안"}
    typed = {"en": "My English text, typed while they changed theirs", "ko": "상대 측이 바꾸는 동안 입력한 국문 문안"}
    writer, other = ((committee.us_secretariat, committee.kr_secretariat) if language == "en"
                     else (committee.kr_secretariat, committee.us_secretariat))
    read = _version(app, records, kind)
    before = _stored(app, records, kind, fields[language])[0]
    moved = write_by_api(api, records, kind, other, {fields[theirs]: changed[theirs]}, read)
    assert moved.status_code == 200, moved.get_json()

    auth.login(writer)
    response = write(channel, client, api, app, records, kind, writer, {fields[language]: typed[language]}, read)
    assert response.status_code == 409
    assert _stored(app, records, kind, fields[language], fields[theirs]) == (before, changed[theirs])
    if channel == "api":
        error = response.get_json()["error"]
        assert error["code"] == "conflict" and "meanwhile" in error["message"]
        assert error["current"][fields[theirs]] == changed[theirs]  # the texts as they stand now
        assert error["current"][fields[language]] == before
        if kind == "minutes":
            kept = error["current"]["yours" if language == "en" else "yours_ko"]
        else:
            kept = error["current"]["yours"][fields[language]]
        assert kept == typed[language]  # and what was sent, kept in the conflict
    else:
        page = response.get_data(as_text=True)
        assert "meanwhile" in page
        assert typed[language] in page  # the form comes back with what was typed
        assert changed[theirs] in page  # beside the texts as they stand now


# --- checking a language one's side does not answer for ------------------------------------------------------------

@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", KINDS)
def test_checking_the_language_the_other_side_answers_for_is_refused_saying_why(
        app, client, auth, api, committee, records, kind, channel):
    english = TEXT[kind]
    for person, language in ((committee.us_secretariat, "ko"), (committee.kr_secretariat, "en")):
        if channel == "api":
            response = api.post(f"/api/v1/texts/{kind}/{records[kind]}/checks", person,
                                json={"field": english, "language": language})
            assert response.status_code == 403
            assert response.get_json()["error"]["message"] == OTHER_SIDE
        else:
            auth.login(person)
            response = post_form(client, f"/texts/{kind}/{records[kind]}/{english}/{language}/check",
                                 {"revision": "1", "next": _edit_page(records, kind)}, page=_edit_page(records, kind))
            assert response.status_code == 403 and OTHER_SIDE in response.get_data(as_text=True)
            auth.logout()
    states = _texts_api(api, records, kind, committee.kr_delegate)["texts"][english]
    assert (states["en"]["status"], states["ko"]["status"]) == ("written", "written")


# --- a 100,000-character Korean text --------------------------------------------------------------------------

HUNDRED_THOUSAND = ("가나다라마바사아자차" * 10_000)
# Each long Korean text and its declared length: within it, a 100,000-character text is stored; beyond it, refused
# naming the field and the limit.
LONG = [("agenda_item", "description_ko", 20_000), ("action_item", "description_ko", 20_000),
        ("minutes_section", "discussion_ko", None), ("progress_entry", "narrative_ko", None),
        ("minutes", "next_meeting_ko", 2_000)]
LINES = [("meeting", "title_ko", 300), ("agenda_item", "title_ko", 300), ("action_item", "title_ko", 300),
         ("attendee", "name_ko", 200)]


def _refused_naming(response, channel: str, field: str, limit: int, typed: str, english: str | None) -> None:
    assert response.status_code == 422, response.status_code
    if channel == "api":
        error = response.get_json()["error"]
        said = error["message"] + " " + repr(error.get("fields", {})) + " " + str(error.get("field"))
        assert field in said and str(limit) in said, said
    else:
        page = response.get_data(as_text=True)
        assert re.search(rf"may be at most {limit} characters|longer than {limit} characters", page), limit
        assert typed in page  # the form comes back with the text typed …
        if english is not None:
            assert english in page  # … and the other language's beside it


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind, field, limit", LONG)
def test_a_100000_character_korean_text_is_stored_or_refused_naming_the_field_and_its_limit(
        app, client, auth, api, committee, records, kind, field, limit, channel):
    english_field = field[:-3]
    english = f"The English {english_field} typed beside it."
    stored_before = _stored(app, records, kind, field)[0]
    auth.login(committee.kr_secretariat)
    response = write(channel, client, api, app, records, kind, committee.kr_secretariat,
                     {english_field: english, field: HUNDRED_THOUSAND}, _version(app, records, kind))
    if limit is None:  # within the declared length (100,000 characters): stored whole
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
        assert _stored(app, records, kind, field, english_field) == (HUNDRED_THOUSAND, english)
        assert client.get(_minutes_page(records)).status_code == 200
    else:
        _refused_naming(response, channel, field, limit, HUNDRED_THOUSAND, english)
        assert _stored(app, records, kind, field)[0] == stored_before


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_korean_decision_of_100000_characters_is_refused_naming_its_limit(
        app, client, auth, api, committee, records, channel):
    from jcm.fields import declared

    limit = declared(_model("minutes_section"))["decisions_ko"].max_length
    auth.login(committee.kr_secretariat)
    response = write(channel, client, api, app, records, "minutes_section", committee.kr_secretariat,
                     {"decisions_ko": [HUNDRED_THOUSAND] if channel == "api" else HUNDRED_THOUSAND},
                     _version(app, records, "minutes_section"))
    _refused_naming(response, channel, "decisions_ko", limit, HUNDRED_THOUSAND, "Share the list.")
    assert _stored(app, records, "minutes_section", "decisions_ko")[0] == ["목록을 공유한다."]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind, field, limit", LINES)
def test_a_korean_line_over_its_length_is_refused_with_the_limit(app, client, auth, api, committee, records, kind,
                                                                  field, limit, channel):
    too_long = "가" * (limit + 1)
    english_field = field[:-3]
    english = "Kim Min-su" if kind == "attendee" else "An English title typed beside it"
    before = _stored(app, records, kind, field)[0]
    auth.login(committee.kr_secretariat)
    response = write(channel, client, api, app, records, kind, committee.kr_secretariat,
                     {english_field: english, field: too_long}, _latest_version(app, records, kind)
                     if channel == "api" else None)
    _refused_naming(response, channel, field if kind != "attendee" or channel == "api" else "name_ko", limit,
                    too_long, english)
    assert _stored(app, records, kind, field)[0] == before


# --- Hangul, emoji and Latin in one name ---------------------------------------------------------------------------

def test_a_name_of_hangul_emoji_and_latin_is_stored_shown_and_printed(app, client, auth, api, committee, records):
    name_ko = "김민수 🚀 Kim"
    auth.login(committee.kr_secretariat)
    response = write_on_page(client, app, records, "attendee", {"name": "Kim Min-su", "name_ko": name_ko})
    assert response.status_code == 302
    records = {**records, "attendee": _attendee(app, records)}
    assert _stored(app, records, "attendee", "name", "name_ko") == ("Kim Min-su", name_ko)
    assert name_ko in client.get(_minutes_page(records)).get_data(as_text=True)
    shown = api.get(f"/api/v1/meetings/{records['held']}/minutes", committee.us_observer).get_json()
    assert shown["attendees"]["KR"][0]["name_ko"] == name_ko
    assert _texts_api(api, records, "attendee", committee.kr_secretariat)["texts"]["name"]["ko"]["copied"] is False
    auth.logout()
    auth.login(committee.us_delegate)
    assert name_ko in client.get(f"{minutes_url(records['held'])}?lang=ko").get_data(as_text=True)
    korean = client.get(f"{minutes_url(records['held'], 'pdf')}?lang=ko")
    assert korean.status_code == 200
    assert name_ko in flat(" ".join(pdftotext(korean.data)))


# --- a document language that does not exist -----------------------------------------------------------------------

def test_a_document_language_that_does_not_exist_is_a_422_saying_which_exist(client, auth, committee, records):
    """tests/test_three_documents.py walks every document with several such values; here: exactly 422, and why."""
    auth.login(committee.kr_delegate)
    for url in (minutes_url(records["held"]), f"/meetings/{records['meeting']}/agenda.pdf"):
        response = client.get(f"{url}?lang=fr")
        assert response.status_code == 422
        assert ("Documents are printed in English (lang=en), in Korean (lang=ko) or in both side by side "
                "(lang=both).") in response.get_data(as_text=True)


# --- the first agenda draft names the co-chairs in both texts ----------------------------------------------------

def test_the_first_agenda_draft_names_the_co_chairs_as_presenters_in_english_and_in_korean(app, committee,
                                                                                          make_meeting):
    from jcm.bilingual import text_state

    with app.app_context():
        get_user(committee.us_co_chair.id).name_ko = "마거릿 첸"
        get_user(committee.kr_co_chair.id).name_ko = "이준호"
        db.session.commit()
    meeting_id = make_meeting()
    with app.app_context():
        items = get_meeting(meeting_id, with_agenda=True).items
        opening, closing = items[0], items[-1]
        for item in (opening, closing):
            assert (item.presenter_us, item.presenter_us_ko) == ("Margaret Chen", "마거릿 첸")
            assert (item.presenter_kr, item.presenter_kr_ko) == ("이준호", "이준호")
            assert text_state(item, "presenter_us", "ko").status == "written"
        assert all(not item.presenter_us_ko for item in items[1:-1])  # the other items have no presenters yet


def test_a_co_chair_the_korean_secretariat_names_later_presents_the_opening_and_closing_in_both_texts(
        app, committee):
    from jcm.meetings.services import create_meeting, update_meeting
    from jcm.mou.services import get_agreement

    with app.app_context():
        get_user(committee.kr_co_chair.id).name_ko = "이준호"
        meeting = create_meeting(get_user(committee.us_secretariat.id), get_agreement(committee.agreement_id), {
            "ordinal": 13, "start_date": "2027-09-01", "venue": "Ministry of Science and ICT", "city": "Sejong",
            "host_side": "KR", "co_chair_us_id": committee.us_co_chair.id})
        opening = get_meeting(meeting.id, with_agenda=True).items[0]
        assert (opening.presenter_kr, opening.presenter_kr_ko) == ("", "")  # nobody named for Korea yet
        update_meeting(get_user(committee.kr_secretariat.id), meeting, {"co_chair_kr_id": committee.kr_co_chair.id})
        db.session.commit()
        items = get_meeting(meeting.id, with_agenda=True).items
        for item in (items[0], items[-1]):
            assert (item.presenter_kr, item.presenter_kr_ko) == (committee.kr_co_chair.name, "이준호")
            assert item.presenter_us == committee.us_co_chair.name  # the U.S. side's stays as the draft named it


def test_a_co_chair_without_a_korean_name_leaves_the_korean_presenter_to_be_written(app, committee, make_meeting):
    from jcm.bilingual import text_state

    meeting_id = make_meeting()
    with app.app_context():
        opening = get_meeting(meeting_id, with_agenda=True).items[0]
        assert (opening.presenter_us, opening.presenter_us_ko) == ("Margaret Chen", "")
        assert text_state(opening, "presenter_us", "ko").status == "missing"


# --- which side answers for which language is the record's agreement's --------------------------------------------

def test_the_side_answering_for_a_language_is_that_of_the_agreement_the_record_belongs_to(
        app, client, auth, api, committee, records, other_agreements_area):
    from jcm.meetings.services import create_meeting
    from jcm.mou.models import Agreement, FocusArea

    with app.app_context():
        other = db.session.get(Agreement, db.session.get(FocusArea, other_agreements_area).agreement_id)
        other.english_side, other.korean_side = "KR", "US"  # under this agreement each side answers for the other
        meeting = create_meeting(get_user(committee.us_secretariat.id), other, {
            "ordinal": 1, "start_date": "2027-05-04", "end_date": "2027-05-04", "venue": "Embassy of the U.S.",
            "city": "Seoul", "venue_ko": "주한미국대사관", "city_ko": "서울", "host_side": "KR",
            "co_chair_us_id": committee.us_co_chair.id}, [other_agreements_area])  # each side names its own
        meeting.status = "held"
        minutes = minutes_services.open_minutes(get_user(committee.us_secretariat.id), meeting)
        (attendee,) = minutes_services.set_attendance(get_user(committee.kr_secretariat.id), minutes, "KR",
                                                      [{"name": "Kim Min-su", "name_ko": "김민수"}])
        db.session.commit()
        theirs = {"meeting": meeting.id, "attendee": attendee.id}
    for kind, field in (("meeting", "title"), ("attendee", "name")):
        shown = api.get(f"/api/v1/texts/{kind}/{theirs[kind]}", committee.kr_delegate).get_json()
        assert shown["answering"] == {"en": "KR", "ko": "US"}, kind
        refused = api.post(f"/api/v1/texts/{kind}/{theirs[kind]}/checks", committee.kr_secretariat,
                           json={"field": field, "language": "ko"})
        assert refused.status_code == 403 and refused.get_json()["error"]["message"] == OTHER_SIDE
        for person, language in ((committee.us_secretariat, "ko"), (committee.kr_secretariat, "en")):
            checked = api.post(f"/api/v1/texts/{kind}/{theirs[kind]}/checks", person,
                               json={"field": field, "language": language})
            assert checked.status_code == 201, (kind, language, checked.get_json())
    # The first agreement's records keep their own: the U.S. for English, Korea for Korean.
    ours = api.get(f"/api/v1/texts/attendee/{records['attendee']}", committee.kr_delegate).get_json()
    assert ours["answering"] == {"en": "US", "ko": "KR"}
    # The page offers the check to the secretariat its record's agreement names.
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{theirs['meeting']}/edit").get_data(as_text=True)
    assert f'form="check-meeting-{theirs["meeting"]}-venue-ko"' in page
    assert f'form="check-meeting-{theirs["meeting"]}-venue-en"' not in page
