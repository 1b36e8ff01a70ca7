"""Action items raised from inside a section of the minutes, as the secretariat writes them: by the action items' own
rules (an owner on each side, a due date not before the meeting, the texts), raised at the section's meeting and
agenda item and filed under its first focus area unless another is chosen; back at the section without the script,
the refused form shown again as typed with what was wrong; answered in JSON for the page's script, with the item's
row and the review panel as a reload would show it. Only a secretariat raises one, and never in adopted minutes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from jcm.actions.models import ActionItem
from jcm.actions.services import item_query
from jcm.extensions import db
from jcm.meetings.models import AgendaItem
from jcm.minutes import services
from jcm.minutes.models import Minutes, MinutesSection
from jcm.mou.models import FocusArea
from tests.conftest import PASSWORD, csrf_token, post_form
from tests.test_minutes_pages import minutes_page

LIVE = {"Accept": "application/json", "X-Requested-With": "fetch"}


def raise_url(section_id: int) -> str:
    return f"/minutes/sections/{section_id}/action-items"


@pytest.fixture
def on_record(app, sections) -> dict:
    """The sections by what their agenda items are: the opening (no focus area), and the discussion of A.1."""
    with app.app_context():
        found = {}
        for section_id in sections:
            section = services.get_section(section_id)
            item = db.session.scalar(select(AgendaItem).where(AgendaItem.id == section.agenda_item_id))
            found.setdefault(item.kind, section_id)
        found["A.1"] = next(
            section_id for section_id in sections
            if "A.1" in [area.code for area in db.session.scalars(
                select(FocusArea).join(AgendaItem.focus_areas).join(
                    MinutesSection, MinutesSection.agenda_item_id == AgendaItem.id)
                .where(MinutesSection.id == section_id))])
        return found


def typed(committee, **changes) -> dict:
    """The form as a secretariat fills it in: a title in both languages, the two delegates, a due date."""
    return {"title": "Exchange AI-ready dataset inventories", "title_ko": "AI 활용 가능 데이터셋 목록 교환",
            "owners_us": f"user:{committee.us_delegate.id}", "owners_kr": f"user:{committee.kr_delegate.id}",
            "due_date": "2026-06-30", **changes}


def raised_items(app) -> list[dict]:
    with app.app_context():
        return [{"ref": item.ref, "title": item.title, "title_ko": item.title_ko, "meeting": item.meeting_id,
                 "agenda_item": item.agenda_item_id, "area": db.session.get(FocusArea, item.focus_area_id).code,
                 "due": item.due_date.isoformat(), "status": item.status,
                 "owners": sorted((o.side, o.user_id, o.organization_id) for o in item.owners)}
                for item in db.session.scalars(item_query().order_by(ActionItem.id)).unique()]


def agenda_item_of(app, section_id: int) -> int:
    with app.app_context():
        return services.get_section(section_id).agenda_item_id


def test_a_secretariat_raises_an_action_item_from_a_section_without_the_script(app, auth, committee, held_meeting,
                                                                               on_record):
    section_id = on_record["A.1"]
    auth.login(committee.us_secretariat)
    response = post_form(auth.client, raise_url(section_id), typed(committee), page=minutes_page(held_meeting))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{minutes_page(held_meeting)}#section-{section_id}")

    [item] = raised_items(app)
    assert item == {"ref": "JCM12-A01", "title": "Exchange AI-ready dataset inventories",
                    "title_ko": "AI 활용 가능 데이터셋 목록 교환", "meeting": held_meeting,
                    "agenda_item": agenda_item_of(app, section_id), "area": "A.1",  # the agenda item's first
                    "due": "2026-06-30", "status": "open",
                    "owners": [("KR", committee.kr_delegate.id, None), ("US", committee.us_delegate.id, None)]}

    page = auth.client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Action item JCM12-A01 has been created." in page
    section = page[page.index(f'id="section-{section_id}"'):]
    start = section.index("section-actions__list")
    listed = section[start:section.index("</ul>", start)]
    assert "JCM12-A01" in listed and "Exchange AI-ready dataset inventories" in listed
    assert committee.us_delegate.name in listed and committee.kr_delegate.name in listed


def test_the_item_raised_is_in_the_register_with_its_owners_and_in_the_minutes(app, auth, committee, held_meeting,
                                                                               on_record):
    auth.login(committee.kr_secretariat)  # either side's secretariat writes the minutes, and raises items
    with app.app_context():
        nrf = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "B.4"))
        from jcm.accounts.models import Organization
        organization = db.session.scalar(select(Organization).where(Organization.acronym == "NRF"))
        organization_id = organization.id
    response = post_form(auth.client, raise_url(on_record["A.1"]),
                         typed(committee, title="Share quantum testbed access plans", title_ko="양자 테스트베드 접근 계획 공유",
                               focus_area_id=str(nrf), owners_kr=f"organization:{organization_id}"),
                         page=minutes_page(held_meeting))
    assert response.status_code == 302
    [item] = raised_items(app)
    assert item["area"] == "B.4"  # chosen over the agenda item's first
    assert item["owners"] == [("KR", None, organization_id), ("US", committee.us_delegate.id, None)]

    register = auth.client.get("/action-items").get_data(as_text=True)
    register = register[register.index("<tbody"):]
    row = register[register.index("JCM12-A01"):]
    row = row[:row.index("</tr>")]
    assert "양자 테스트베드 접근 계획 공유" in row or "Share quantum testbed access plans" in row
    assert committee.us_delegate.name in row and "NRF" in row

    document = auth.client.get(f"/meetings/{held_meeting}/minutes.html").get_data(as_text=True)
    new_actions = document[document.index('id="new-actions"'):]
    assert "JCM12-A01" in new_actions


def test_the_items_raised_at_a_section_follow_every_change_at_once_in_each_readers_language(app, auth, committee,
                                                                                            held_meeting, on_record):
    delegate = app.test_client()  # a reader of the minutes, signed in before the items change
    post_form(delegate, "/login", {"email": committee.us_delegate.email, "password": PASSWORD})

    def raised_at_a1(**headers) -> str:
        page = delegate.get(minutes_page(held_meeting), headers=headers).get_data(as_text=True)
        section = page[page.index(f'id="section-{on_record["A.1"]}"'):]
        return section[:section.index("</article>")]

    assert "JCM12-A01" not in raised_at_a1()
    auth.login(committee.us_secretariat)
    assert post_form(auth.client, raise_url(on_record["A.1"]), typed(committee),
                     page=minutes_page(held_meeting)).status_code == 302
    shown = raised_at_a1()
    assert "JCM12-A01" in shown and "Exchange AI-ready dataset inventories" in shown
    assert "AI 활용 가능 데이터셋 목록 교환" in raised_at_a1(**{"Accept-Language": "ko-KR,ko;q=0.9"})
    with app.app_context():
        db.session.scalar(select(ActionItem).where(ActionItem.ref == "JCM12-A01")).title = "Exchange dataset inventories"
        db.session.commit()
    assert "Exchange dataset inventories" in raised_at_a1() and "AI-ready" not in raised_at_a1()


@pytest.mark.parametrize("changes, field, message", [
    ({"owners_kr": ""}, "owners_kr", "An owner on the Korean side is required"),
    ({"owners_us": ""}, "owners_us", "An owner on the U.S. side is required"),
    ({"due_date": "30/06/2026"}, "due_date", "Not a valid date"),
    ({"due_date": "2026-02-30"}, "due_date", "Not a valid date"),
    ({"due_date": "2025-01-01"}, "due_date", "is before the meeting it came from"),
    ({"title": ""}, "title", "This field is required"),
])
def test_bad_input_is_refused_with_the_message_and_the_typed_text_kept(app, auth, committee, held_meeting, on_record,
                                                                       changes, field, message):
    section_id = on_record["A.1"]
    auth.login(committee.us_secretariat)
    response = post_form(auth.client, raise_url(section_id),
                         typed(committee, title_ko="기록에 남길 한국어 제목", **{k: v for k, v in changes.items()
                                                                     if k != "title_ko"}),
                         page=minutes_page(held_meeting))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    section = page[page.index(f'id="section-{section_id}"'):]
    form = section[section.index("<details class=\"section-actions__raise\""):section.index("</details>")]
    assert form.startswith('<details class="section-actions__raise" open')
    assert message in form
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', form)
    assert 'value="기록에 남길 한국어 제목"' in form  # what was typed is kept
    assert raised_items(app) == []


@pytest.mark.parametrize("owners, message", [
    ({"owners_us": "user:999999"}, "There is no account with id 999999."),
    ({"owners_us": "organization:999999"}, "There is no organization with id 999999."),
    ({"owners_us": "user:abc"}, "owners"),
    ({"owners_us": "someone"}, "An owner is an account"),
])
def test_an_owner_who_is_no_one_is_refused_never_a_server_error(app, auth, committee, held_meeting, on_record, owners,
                                                                message):
    auth.login(committee.us_secretariat)
    response = post_form(auth.client, raise_url(on_record["A.1"]), typed(committee, **owners),
                         page=minutes_page(held_meeting))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert raised_items(app) == []


def test_an_owner_of_the_other_side_is_refused_by_name(app, auth, committee, held_meeting, on_record):
    auth.login(committee.us_secretariat)
    response = post_form(auth.client, raise_url(on_record["A.1"]),
                         typed(committee, owners_us=f"user:{committee.kr_delegate.id}"),
                         page=minutes_page(held_meeting))
    assert response.status_code == 422
    assert f"{committee.kr_delegate.name} is on the other side" in response.get_data(as_text=True)
    assert raised_items(app) == []


def test_a_section_without_a_focus_area_needs_one_chosen(app, auth, committee, held_meeting, on_record):
    section_id = on_record["opening"]
    auth.login(committee.us_secretariat)
    response = post_form(auth.client, raise_url(section_id), typed(committee), page=minutes_page(held_meeting))
    assert response.status_code == 422
    assert "Focus area is required" in response.get_data(as_text=True)
    assert raised_items(app) == []
    with app.app_context():
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.1"))
        elsewhere = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "A.2"))  # not on this agenda
    not_discussed = post_form(auth.client, raise_url(section_id), typed(committee, focus_area_id=str(elsewhere)),
                              page=minutes_page(held_meeting))
    assert not_discussed.status_code == 422 and "Not a valid choice" in not_discussed.get_data(as_text=True)
    chosen = post_form(auth.client, raise_url(section_id), typed(committee, focus_area_id=str(area)),
                       page=minutes_page(held_meeting))
    assert chosen.status_code == 302
    [item] = raised_items(app)
    assert (item["area"], item["agenda_item"]) == ("A.1", agenda_item_of(app, section_id))


@pytest.mark.parametrize("who", ["us_observer", "kr_observer", "us_delegate", "kr_co_chair", "us_admin"])
def test_only_a_secretariat_raises_an_action_item(app, auth, committee, held_meeting, on_record, who):
    person = getattr(committee, who)
    auth.login(person)
    page = auth.client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Raise an action item" not in page
    token = csrf_token(auth.client, minutes_page(held_meeting))
    response = auth.client.post(raise_url(on_record["A.1"]), data={"csrf_token": token, **typed(committee)})
    assert response.status_code == 403
    assert raised_items(app) == []


def test_no_action_item_is_raised_from_adopted_minutes(app, auth, committee, held_meeting, on_record):
    with app.app_context():  # a shortcut: the minutes adopted by both co-chairs
        minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == held_meeting))
        minutes.status = "adopted"
        db.session.commit()
    auth.login(committee.us_secretariat)
    token = csrf_token(auth.client, minutes_page(held_meeting))
    assert "Raise an action item" not in auth.client.get(minutes_page(held_meeting)).get_data(as_text=True)
    response = auth.client.post(raise_url(on_record["A.1"]), data={"csrf_token": token, **typed(committee)})
    assert response.status_code == 409
    assert raised_items(app) == []


def test_an_unknown_section_is_not_found(auth, committee, held_meeting, sections):
    auth.login(committee.us_secretariat)
    token = csrf_token(auth.client, minutes_page(held_meeting))
    assert auth.client.post(raise_url(999999), data={"csrf_token": token, **typed(committee)}).status_code == 404


# --- raised in place: the page's script ----------------------------------------------------------------------

def raise_live(client, meeting_id, section_id, data):
    token = csrf_token(client, minutes_page(meeting_id))
    return client.post(raise_url(section_id), data={"csrf_token": token, **data},
                       headers={**LIVE, "X-CSRFToken": token})


def test_raised_live_the_answer_carries_the_row_and_the_review_panel(app, auth, committee, held_meeting, on_record):
    section_id = on_record["A.1"]
    auth.login(committee.us_secretariat)
    response = raise_live(auth.client, held_meeting, section_id, typed(committee, title_ko=""))
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["item"]["ref"] == "JCM12-A01" and body["item"]["due_date"] == "2026-06-30"
    assert body["message"] == "Action item JCM12-A01 has been created." and body["saved_at"]
    assert 'id="raised-action-' in body["row"] and "JCM12-A01" in body["row"]
    assert committee.us_delegate.name in body["row"] and committee.kr_delegate.name in body["row"]
    # The review panel as a reload shows it: the new item's Korean title is missing, and the panel says so.
    assert body["review"].lstrip().startswith("<section class=\"panel minutes-review\" id=\"review\"")
    assert "Action item JCM12-A01" in body["review"]
    reloaded = auth.client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Action item JCM12-A01" in reloaded[reloaded.index('id="review"'):reloaded.index('id="review"') + 20000]


def test_refused_live_the_answer_names_the_box_at_fault(app, auth, committee, held_meeting, on_record):
    auth.login(committee.us_secretariat)
    response = raise_live(auth.client, held_meeting, on_record["A.1"], typed(committee, owners_kr=""))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "An owner on the Korean side is required" in error["message"]
    assert error["fields"]["json"] == {"owners_kr": [error["message"]]}
    bad_date = raise_live(auth.client, held_meeting, on_record["A.1"], typed(committee, due_date="tomorrow"))
    assert bad_date.status_code == 422 and "due_date" in bad_date.get_json()["error"]["fields"]["json"]
    assert raised_items(app) == []


def test_a_live_save_answers_the_texts_states_as_a_reload_shows_them(app, auth, committee, held_meeting, on_record):
    """Both texts written, the English changed: the answer says the Korean is now out of date, with its check forms
    and the review panel, as the page reloaded says."""
    from tests.test_minutes_live import live_save

    section_id = on_record["A.1"]
    auth.login(committee.us_secretariat)
    first = live_save(auth.client, held_meeting, section_id, "The sides reviewed the testbeds.",
                      discussion_ko="양측은 테스트베드를 검토하였다.")
    assert first.status_code == 200
    second = live_save(auth.client, held_meeting, section_id, "The sides reviewed the testbeds and the datasets.",
                       version=2, discussion_ko="양측은 테스트베드를 검토하였다.")
    body = second.get_json()
    texts = body["texts"]
    korean = texts[texts.index(f'data-box="discussion-ko-{section_id}"'):]
    korean = korean[:korean.index('data-box=', 10) if 'data-box=' in korean[10:] else len(korean)]
    assert 'class="text-state text-state--stale"' in korean and "Out of date" in korean
    assert f'data-described-by="discussion-ko-{section_id}-state discussion-ko-{section_id}-difference"' in korean
    assert "text-diff" in korean
    english = texts[texts.index(f'data-box="discussion-{section_id}"'):]
    assert 'text-state--written' in english[:english.index("</div>")]
    assert f'data-checks="check-minutes_section-{section_id}-"' in texts
    assert f'id="check-minutes_section-{section_id}-discussion-en"' in texts  # the U.S. checks the English

    page = auth.client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert re.search(rf'<span class="text-state text-state--stale" id="discussion-ko-{section_id}-state">', page)
    assert re.search(rf'<span class="text-state text-state--written" id="discussion-{section_id}-state">', page)
    assert f'id="check-minutes_section-{section_id}-discussion-en"' in page
    review = page[page.index('<section class="panel minutes-review"'):]
    review = review[:review.index("</section>") + len("</section>")]
    answered = body["review"].strip()
    assert re.sub(r'value="[^"]*"', "", answered) == re.sub(r'value="[^"]*"', "", review)  # the panel, as reloaded
