"""Writing side by side: the meeting, agenda item and action item forms show each text in English and Korean in two
columns, each with its state, the difference that made a text out of date, and a "Mark as checked" button for the
secretariat of the side that answers for that language (for this MOU: the U.S. for English, Korea for Korean)."""

from __future__ import annotations

import re

from jcm.extensions import db
from tests.conftest import post_form

TITLE = "Exchange AI-ready dataset inventories"
TITLE_KO = "AI 활용 가능 데이터셋 목록 교환"


def _action(app, item_id):
    from jcm.actions.services import get_action_item

    with app.app_context():
        item = get_action_item(item_id)
        db.session.expunge(item)
        return item


def _states(app, item_id, field="title"):
    from jcm.actions.services import get_action_item
    from jcm.bilingual import states

    with app.app_context():
        return {language: state.status for language, state in states(get_action_item(item_id))[field].items()}


def _column(page: str, field_id: str) -> str:
    """The column of the form that holds one field: from its language's heading to the end of its column."""
    start = page.index(f'id="{field_id}"')
    opening = page.rindex('<div class="text-pair__text', 0, start)
    closing = page.find('<div class="text-pair__text', start)
    closing = page.find('<button type="submit" class="button button--primary"', start) if closing < 0 else closing
    return page[opening:closing]


def _badge(page: str, field_id: str) -> str:
    found = re.search(rf'<span class="text-state text-state--(\w+)" id="{field_id}-state">([^<]+)</span>', page)
    assert found, f"no state shown for {field_id}"
    return f"{found.group(1)}: {found.group(2)}"


def _check_buttons(page: str) -> list[str]:
    """The texts a "Mark as checked" button is shown for, as field-language."""
    return re.findall(r'<button type="submit" form="check-\w+-\d+-(\w+-(?:en|ko))"', page)


def _action_fields(app, item_id, **changes) -> dict:
    """The action item's edit form as a browser would send it, with the version it was read at."""
    item = _action(app, item_id)
    owners = {"US": [], "KR": []}
    with app.app_context():
        from jcm.actions.services import get_action_item

        for owner in get_action_item(item_id).owners:
            owners[owner.side].append(f"user:{owner.user_id}" if owner.user_id else
                                      f"organization:{owner.organization_id}")
    return {"title": item.title, "title_ko": item.title_ko, "description": item.description,
            "description_ko": item.description_ko, "focus_area_id": str(item.focus_area_id), "meeting_id": "",
            "owners_us": owners["US"], "owners_kr": owners["KR"], "due_date": item.due_date.isoformat(),
            "status": item.status, "version": str(item.version), **changes}


def _edit_action(client, app, item_id, **changes):
    return post_form(client, f"/action-items/{item_id}/edit", _action_fields(app, item_id, **changes))


def _check(client, item_id, field, language, *, revision=None, back=None):
    page = client.get(f"/action-items/{item_id}/edit").get_data(as_text=True)
    if revision is None:
        form = re.search(rf'<form id="check-action_item-{item_id}-{field}-{language}"[^>]*>(.*?)</form>', page, re.S)
        revision = re.search(r'name="revision" value="(\d+)"', form.group(1)).group(1)
    return post_form(client, f"/texts/action_item/{item_id}/{field}/{language}/check",
                     {"revision": str(revision), "next": back or f"/action-items/{item_id}/edit"},
                     page=f"/action-items/{item_id}/edit")


# --- the two columns and their states -----------------------------------------------------------------------

def test_a_new_action_item_shows_both_languages_without_states(client, auth, committee):
    auth.login(committee.us_secretariat)
    page = client.get("/action-items/new").get_data(as_text=True)
    for field_id, language in (("title", "en"), ("title_ko", "ko"), ("description", "en"), ("description_ko", "ko")):
        assert re.search(rf'<(input|textarea)[^>]*id="{field_id}"[^>]*lang="{language}"', page), field_id
    assert page.count('<span class="text-pair__language">English</span>') == 2
    assert page.count('<span class="text-pair__language">Korean</span>') == 2
    assert "text-state" not in page and "Mark as checked" not in page  # nothing written yet: no state


def test_each_language_shows_its_state_and_only_the_answering_secretariat_may_check_it(
        app, client, auth, committee, make_action_item):
    item = make_action_item(title=TITLE)
    auth.login(committee.us_secretariat)
    page = client.get(f"/action-items/{item}/edit").get_data(as_text=True)
    assert _badge(page, "title") == "written: Not yet checked"
    assert _badge(page, "title_ko") == "missing: Missing"
    assert _badge(page, "description") == "empty: Empty" and _badge(page, "description_ko") == "empty: Empty"
    assert _check_buttons(page) == ["title-en"]  # the U.S. answers for the English; an empty text has no check
    assert "Mark as checked" in _column(page, "title") and "Mark as checked" not in _column(page, "title_ko")
    assert "confirms the saved text against the other language" in page

    auth.logout()
    auth.login(committee.kr_secretariat)
    page = client.get(f"/action-items/{item}/edit").get_data(as_text=True)
    assert _check_buttons(page) == []  # Korea answers for a Korean text that is not written yet
    assert "confirms the saved text" not in page

    assert _edit_action(client, app, item, title_ko=TITLE_KO).status_code == 302
    page = client.get(f"/action-items/{item}/edit").get_data(as_text=True)
    assert _badge(page, "title_ko") == "written: Not yet checked"
    assert _check_buttons(page) == ["title-ko"]
    form = re.search(rf'<form id="check-action_item-{item}-title-ko" method="post" '
                     rf'action="/texts/action_item/{item}/title/ko/check"[^>]*>(.*?)</form>', page, re.S)
    assert form and f'name="next" value="/action-items/{item}/edit"' in form.group(1)
    edit_form_ends = page.index("</form>", page.index('class="button button--primary"'))
    assert page.index(f'form="check-action_item-{item}-title-ko"') < edit_form_ends < form.start()  # not nested
    for person in (committee.kr_co_chair, committee.kr_delegate, committee.kr_observer):
        auth.logout()
        auth.login(person)
        assert client.get(f"/action-items/{item}/edit").status_code == 403


def test_posting_the_form_saves_both_languages_of_each_text(app, client, auth, committee, make_action_item):
    item = make_action_item(title=TITLE)
    auth.login(committee.kr_secretariat)
    response = _edit_action(client, app, item, title_ko=TITLE_KO, description="Twice a year.\r\n\r\n- NSF\r\n- NRF",
                            description_ko="연 2회.\r\n\r\n- NSF\r\n- 한국연구재단")
    assert response.status_code == 302
    stored = _action(app, item)
    assert (stored.title, stored.title_ko) == (TITLE, TITLE_KO)
    assert (stored.description, stored.description_ko) == ("Twice a year.\n\n- NSF\n- NRF",
                                                           "연 2회.\n\n- NSF\n- 한국연구재단")
    assert _states(app, item) == {"en": "written", "ko": "written"}


def test_a_new_action_item_is_made_in_both_languages(app, client, auth, committee):
    from jcm.actions.models import ActionItem
    from sqlalchemy import select

    auth.login(committee.kr_secretariat)
    page = client.get("/action-items/new").get_data(as_text=True)
    area = re.search(r'<option value="(\d+)">A.1 ', page).group(1)
    response = post_form(client, "/action-items/new", {
        "title": TITLE, "title_ko": TITLE_KO, "description": "", "description_ko": "", "focus_area_id": area,
        "meeting_id": "", "owners_us": [f"user:{committee.us_delegate.id}"],
        "owners_kr": [f"user:{committee.kr_delegate.id}"], "due_date": "2027-06-30", "status": "open"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(ActionItem.title == TITLE))
        assert item.title_ko == TITLE_KO
        item_id = item.id
    assert _states(app, item_id) == {"en": "written", "ko": "written"}


def test_a_stale_korean_text_shows_how_the_english_changed(app, client, auth, committee, make_action_item):
    item = make_action_item(title=TITLE, title_ko=TITLE_KO)
    auth.login(committee.us_secretariat)
    assert _edit_action(client, app, item, title=f"{TITLE} twice a year").status_code == 302
    page = client.get(f"/action-items/{item}/edit").get_data(as_text=True)
    assert _badge(page, "title_ko") == "stale: Out of date"
    column = _column(page, "title_ko")
    assert "The English text has changed since this one was last written or checked:" in column
    assert f'<del><span class="visually-hidden">Removed: </span>{TITLE}</del>' in column
    assert f'<ins><span class="visually-hidden">Added: </span>{TITLE} twice a year</ins>' in column
    assert '<input aria-describedby="title_ko-state title_ko-difference" id="title_ko" lang="ko"' in page
    assert "text-diff" not in _column(page, "title")  # the English is not out of date: no difference beside it

    auth.logout()
    auth.login(committee.kr_secretariat)
    korean = client.get(f"/action-items/{item}/edit", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<span class="text-pair__language">국문</span>' in korean
    assert _badge(korean, "title_ko") == "stale: 수정 필요"
    assert "이 문안을 마지막으로 작성하거나 확인한 뒤 영문이 다음과 같이 바뀌었습니다:" in korean
    assert _check_buttons(korean) == ["title-ko"]  # Korea may find its text still right


def test_the_secretariat_marks_its_language_checked_and_comes_back_to_the_form(
        app, client, auth, committee, make_action_item):
    item = make_action_item(title=TITLE, title_ko=TITLE_KO)
    auth.login(committee.kr_secretariat)
    response = _check(client, item, "title", "ko")
    assert response.status_code == 302 and response.headers["Location"] == f"/action-items/{item}/edit"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marked as checked." in page
    assert _badge(page, "title_ko") == "checked: Checked" and _badge(page, "title") == "written: Not yet checked"
    assert _states(app, item) == {"en": "written", "ko": "checked"}
    assert _action(app, item).version == 1  # a check is no edit: a form open elsewhere still saves


def test_a_refused_check_says_why(app, client, auth, committee, make_action_item):
    item = make_action_item(title=TITLE, title_ko=TITLE_KO)
    auth.login(committee.us_secretariat)
    other_side = post_form(client, f"/texts/action_item/{item}/title/ko/check",
                           {"revision": "1", "next": f"/action-items/{item}/edit"}, page=f"/action-items/{item}/edit")
    assert other_side.status_code == 403
    assert "The other side answers for the text in this language: its secretariat checks it." in \
        other_side.get_data(as_text=True)

    missing = post_form(client, f"/texts/action_item/{item}/description/en/check",
                        {"revision": "0", "next": f"/action-items/{item}/edit"}, page=f"/action-items/{item}/edit")
    assert missing.status_code == 422
    assert "There is no text in this language to check yet: write it first." in missing.get_data(as_text=True)

    auth.logout()
    auth.login(committee.kr_secretariat)
    page = client.get(f"/action-items/{item}/edit").get_data(as_text=True)  # read, then the English moves on
    read = re.search(rf'id="check-action_item-{item}-title-ko".*?name="revision" value="(\d+)"', page, re.S).group(1)
    _edit_action(client, app, item, title_ko="데이터셋 목록 교환")
    stale = _check(client, item, "title", "ko", revision=read)
    assert stale.status_code == 302
    shown = client.get(stale.headers["Location"]).get_data(as_text=True)
    assert "The text changed since you read it; read it again before checking it." in shown
    assert _states(app, item)["ko"] == "written"


def test_a_stale_edit_of_the_korean_text_is_a_conflict_that_keeps_what_was_typed(
        app, client, auth, committee, make_action_item):
    item = make_action_item(title=TITLE, title_ko=TITLE_KO)
    auth.login(committee.kr_secretariat)
    fields = _action_fields(app, item)
    assert post_form(client, f"/action-items/{item}/edit", {**fields, "title_ko": "데이터셋 목록 교환"}).status_code == 302
    stale = post_form(client, f"/action-items/{item}/edit", {**fields, "description_ko": "연 2회 교환한다."})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "연 2회 교환한다.</textarea>" in page
    assert _action(app, item).title_ko == "데이터셋 목록 교환" and _action(app, item).description_ko == ""


def test_the_action_items_page_says_where_its_texts_stand(app, client, auth, committee, make_action_item):
    item = make_action_item(title=TITLE)
    auth.login(committee.kr_delegate)
    page = client.get(f"/action-items/{item}").get_data(as_text=True)
    marks = re.search(r"<dt>English and Korean texts</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s+", " ", marks).split() == ["English", "Not", "yet", "checked", "Korean", "Missing"]
    korean = client.get(f"/action-items/{item}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "미작성" in korean and "국문" in korean


# --- meetings and agenda items -----------------------------------------------------------------------------

def _meeting_fields(app, meeting_id, **changes) -> dict:
    from jcm.meetings.services import get_meeting

    with app.app_context():
        meeting = get_meeting(meeting_id)
        return {"ordinal": str(meeting.ordinal), "title": meeting.title, "title_ko": meeting.title_ko,
                "start_date": meeting.start_date.isoformat(), "end_date": meeting.end_date.isoformat(),
                "time_zone": meeting.time_zone, "venue": meeting.venue, "venue_ko": meeting.venue_ko,
                "city": meeting.city, "city_ko": meeting.city_ko, "host_side": meeting.host_side,
                "mode": meeting.mode, "co_chair_us_id": str(meeting.co_chair_us_id),
                "co_chair_kr_id": str(meeting.co_chair_kr_id), "version": str(meeting.version), **changes}


def test_the_meeting_form_shows_title_venue_and_city_side_by_side(app, client, auth, committee, make_meeting):
    meeting = make_meeting(venue="Ministry of Science and ICT", venue_ko="", city="Sejong", city_ko="세종")
    auth.login(committee.kr_secretariat)
    new = client.get("/meetings/new").get_data(as_text=True)
    assert new.count("text-pair__text--ko") == 3 and "text-state" not in new
    page = client.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    assert _badge(page, "venue") == "written: Not yet checked" and _badge(page, "venue_ko") == "missing: Missing"
    assert _badge(page, "city_ko") == "written: Not yet checked"
    assert _check_buttons(page) == ["title-ko", "city-ko"]
    assert "Leave empty for “제12차 공동위원회”." in _column(page, "title_ko")

    response = post_form(client, f"/meetings/{meeting}/edit",
                         _meeting_fields(app, meeting, venue_ko="과학기술정보통신부", city_ko="세종특별자치시"))
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting}/edit").get_data(as_text=True)
    assert _badge(page, "venue_ko") == "written: Not yet checked"
    assert 'value="과학기술정보통신부"' in page and 'value="세종특별자치시"' in page


def test_the_agenda_item_form_saves_every_text_in_both_languages_and_the_agenda_says_where_they_stand(
        app, client, auth, committee, make_meeting):
    from jcm.meetings.services import get_meeting

    meeting_id = make_meeting()
    with app.app_context():
        meeting = get_meeting(meeting_id, with_agenda=True)
        item = meeting.items[5]
        item_id, day = item.id, meeting.start_date.isoformat()
    auth.login(committee.us_secretariat)
    page = client.get(f"/agenda-items/{item_id}/edit").get_data(as_text=True)
    assert [_badge(page, f) for f in ("title", "title_ko", "presenter_us", "presenter_us_ko")] == [
        "written: Not yet checked", "written: Not yet checked", "empty: Empty", "empty: Empty"]
    assert _check_buttons(page) == ["title-en"]
    response = post_form(client, f"/agenda-items/{item_id}/edit", {
        "kind": "other_business", "title": "Cooperation on fusion energy", "title_ko": "핵융합 협력",
        "description": "KSTAR and ITER.", "description_ko": "KSTAR 및 ITER.", "presenter_us": "DOE",
        "presenter_us_ko": "미국 에너지부", "presenter_kr": "NFRI", "presenter_kr_ko": "",
        "focus_area_ids": [], "duration_minutes": "20", "day": day, "version": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        from jcm.meetings.services import get_agenda_item

        saved = get_agenda_item(item_id)
        assert (saved.title_ko, saved.description_ko, saved.presenter_us_ko, saved.presenter_kr_ko) == (
            "핵융합 협력", "KSTAR 및 ITER.", "미국 에너지부", "")
    page = client.get(f"/agenda-items/{item_id}/edit").get_data(as_text=True)
    assert _badge(page, "presenter_kr_ko") == "missing: Missing"

    agenda = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    row = re.search(rf'<tr id="item-{item_id}".*?</tr>', agenda, re.S).group(0)
    assert re.sub(r"<[^>]+>|\s+", " ", re.search(r'<span class="text-marks">.*?</span>\s*</span>\s*</span>', row,
                                                 re.S).group(0)).split() == [
        "English", "Not", "yet", "checked", "Korean", "Missing"]


def test_the_agenda_leaves_out_a_language_whose_texts_are_all_checked(app, client, auth, committee, make_meeting):
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting
    from jcm.texts.services import check_text

    meeting_id = make_meeting()
    with app.app_context():
        item = get_meeting(meeting_id, with_agenda=True).items[1]  # the adoption of the agenda: no presenters
        item_id = item.id
        check_text(get_user(committee.kr_secretariat.id), item, "title", "ko")
        db.session.commit()
    auth.login(committee.kr_delegate)
    agenda = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    row = re.search(rf'<tr id="item-{item_id}".*?</tr>', agenda, re.S).group(0)
    assert "English" in row and "Not yet checked" in row and "Korean" not in row
