"""Action items with an owner on each side: creating, updating, the register, and review at the next meeting."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jcm.accounts.models import Organization
from jcm.accounts.services import get_user
from jcm.actions import services
from jcm.actions.models import ActionItem
from jcm.errors import Invalid, PermissionDenied
from jcm.extensions import db
from jcm.mou.models import Agreement, FocusArea
from tests.conftest import csrf_token, post_form


def _item(app, item_id):
    with app.app_context():
        item = services.get_action_item(item_id, with_updates=True)
        db.session.expunge_all()
        return item


def _org(app, acronym):
    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.acronym == acronym))


def _create(app, committee, **data):
    with app.app_context():
        agreement = db.session.get(Agreement, committee.agreement_id)
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "B.1"))
        payload = {"title": "Joint workshop on research security", "focus_area_id": area, "due_date": "2027-09-01",
                   "owners": {"US": [{"user_id": committee.us_delegate.id}], "KR": [{"organization_id": _org(app, "NRF")}]},
                   **data}
        item = services.create_action_item(get_user(committee.us_secretariat.id), agreement, payload)
        db.session.commit()
        return item.id


# --- the action item ------------------------------------------------------------------------------------

def test_a_description_typed_in_a_browser_keeps_plain_line_ends(app, committee, make_action_item):
    item_id = make_action_item(description="First step.\r\n\r\n- Share the list\r\n- Meet in June\r\n")
    assert _item(app, item_id).description == "First step.\n\n- Share the list\n- Meet in June"


def test_references_are_made_from_the_meeting(app, committee, make_meeting, make_action_item):
    meeting_id = make_meeting(ordinal=12)
    first = _item(app, make_action_item(meeting_id=meeting_id))
    second = _item(app, make_action_item(meeting_id=meeting_id, title="Second"))
    between = _item(app, make_action_item())
    assert (first.ref, second.ref, between.ref) == ("JCM12-A01", "JCM12-A02", "JCM-X001")


@pytest.mark.parametrize("owners, message", [
    ({"US": [{"user_id": "US_DELEGATE"}], "KR": []}, "An owner on the Korean side is required"),
    ({"US": [], "KR": [{"user_id": "KR_DELEGATE"}]}, "An owner on the U.S. side is required"),
    ({"US": [{"user_id": "KR_DELEGATE"}], "KR": [{"user_id": "KR_DELEGATE"}]}, "is on the other side"),
    ({"US": [{"user_id": "US_DELEGATE"}], "KR": [{"organization_id": 999999}]}, "There is no organization"),
    ({"US": [{"user_id": "US_DELEGATE", "organization_id": 1}], "KR": [{"user_id": "KR_DELEGATE"}]},
     "An owner is an account"),
    ("nobody", "Give the owners per side"),
])
def test_owners_must_be_on_both_sides_and_real(app, committee, owners, message):
    people = {"US_DELEGATE": committee.us_delegate.id, "KR_DELEGATE": committee.kr_delegate.id}
    if isinstance(owners, dict):
        owners = {side: [{k: people.get(v, v) for k, v in entry.items()} for entry in entries]
                  for side, entries in owners.items()}
    with pytest.raises(Invalid, match=message):
        _create(app, committee, owners=owners)


def test_a_deactivated_account_cannot_own_an_action_item(app, committee):
    with app.app_context():
        get_user(committee.kr_delegate.id).active = False
        db.session.commit()
    with pytest.raises(Invalid, match="deactivated"):
        _create(app, committee, owners={"US": [{"user_id": committee.us_delegate.id}],
                                        "KR": [{"user_id": committee.kr_delegate.id}]})


def test_a_due_date_before_the_meeting_it_came_from_is_refused(app, committee, make_meeting):
    meeting_id = make_meeting(start_date="2027-03-10")
    with pytest.raises(Invalid, match=r"The due date \(2027-03-01\) is before the meeting it came from \(2027-03-10\)"):
        _create(app, committee, meeting_id=meeting_id, due_date="2027-03-01")


@pytest.mark.parametrize("data, message", [
    ({"focus_area_id": None}, "Focus area is required"),
    ({"due_date": "2027-02-30"}, "is not a date"),
    ({"title": "   "}, "Action is required"),
    ({"status": "finished"}, "“finished” is not a status"),
    ({"meeting_id": 999999}, "There is no meeting"),
])
def test_bad_action_item_input_is_refused(app, committee, data, message):
    with pytest.raises(Invalid, match=message):
        _create(app, committee, **data)


def test_the_form_names_the_missing_side_and_keeps_what_was_typed(app, client, auth, committee):
    auth.login(committee.kr_secretariat)
    with app.app_context():
        db_area = db.session.scalar(select(FocusArea.id).where(FocusArea.code == "B.2"))
    response = post_form(client, "/action-items/new", {
        "title": "6G 공동연구 제안서 교환", "description": "", "focus_area_id": str(db_area), "meeting_id": "",
        "owners_us": [f"user:{committee.us_delegate.id}"], "due_date": "2027-05-01", "status": "open"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "An owner on the Korean side is required" in page
    assert 'value="6G 공동연구 제안서 교환"' in page
    response = post_form(client, "/action-items/new", {
        "title": "6G 공동연구 제안서 교환", "description": "", "focus_area_id": str(db_area), "meeting_id": "",
        "owners_us": [f"user:{committee.us_delegate.id}"], "owners_kr": [f"organization:{_org(app, 'IITP')}"],
        "due_date": "2027-05-01", "status": "open"})
    assert response.status_code == 302


# --- who may update -------------------------------------------------------------------------------------

def test_an_owner_on_either_side_posts_updates_and_moves_the_status(app, client, auth, committee, make_action_item):
    item_id = make_action_item()
    auth.login(committee.kr_delegate)
    response = post_form(client, f"/action-items/{item_id}/updates",
                         {"text": "데이터셋 목록 초안을 공유했습니다.", "status": "in_progress"},
                         page=f"/action-items/{item_id}")
    assert response.status_code == 302
    item = _item(app, item_id)
    assert item.status == "in_progress"
    assert item.updates[-1].text == "데이터셋 목록 초안을 공유했습니다." and item.updates[-1].status_from == "open"
    page = client.get(f"/action-items/{item_id}").get_data(as_text=True)
    assert "데이터셋 목록 초안을 공유했습니다." in page and "In progress" in page


def test_a_member_of_an_owning_organization_may_update(app, client, auth, committee):
    item_id = _create(app, committee)  # the Korean owner is NRF, the Korean delegate's agency
    auth.login(committee.kr_delegate)
    response = post_form(client, f"/action-items/{item_id}/updates", {"text": "NRF has named a contact."},
                         page=f"/action-items/{item_id}")
    assert response.status_code == 302


def test_a_korean_delegate_cannot_update_an_item_owned_by_others(app, client, auth, committee):
    item_id = _create(app, committee, owners={"US": [{"organization_id": _org(app, "NSF")}],
                                              "KR": [{"organization_id": _org(app, "IITP")}]})
    auth.login(committee.kr_delegate)
    page = client.get(f"/action-items/{item_id}").get_data(as_text=True)
    assert "Post update" not in page
    token = csrf_token(client, "/mou")
    response = client.post(f"/action-items/{item_id}/updates", data={"csrf_token": token, "text": "Done!",
                                                                     "status": "done"})
    assert response.status_code == 403
    assert _item(app, item_id).status == "open"


def test_an_update_needs_text_and_a_real_status(app, committee, make_action_item):
    item_id = make_action_item()
    with app.app_context():
        item = services.get_action_item(item_id)
        owner = get_user(committee.us_delegate.id)
        with pytest.raises(Invalid, match="needs some text"):
            services.post_update(owner, item, "   ")
        with pytest.raises(Invalid, match="“finished” is not a status"):
            services.post_update(owner, item, "text", "finished")
        with pytest.raises(PermissionDenied):
            services.post_update(get_user(committee.us_observer.id), item, "I am not an owner")


def test_only_a_secretariat_edits_every_field_and_a_stale_edit_is_a_conflict(app, client, auth, committee,
                                                                             make_action_item):
    item_id = make_action_item()
    auth.login(committee.us_delegate)
    assert client.get(f"/action-items/{item_id}/edit").status_code == 403
    auth.logout()
    auth.login(committee.kr_secretariat)
    page = client.get(f"/action-items/{item_id}/edit").get_data(as_text=True)
    area = re.search(r'<option selected value="(\d+)">A.1 ', page).group(1)
    fields = {"title": "Exchange AI-ready dataset inventories (revised)", "description": "", "focus_area_id": area,
              "meeting_id": "", "owners_us": [f"user:{committee.us_delegate.id}"],
              "owners_kr": [f"user:{committee.kr_delegate.id}"], "due_date": "2027-07-31", "status": "open",
              "version": "1"}
    assert post_form(client, f"/action-items/{item_id}/edit", fields).status_code == 302
    stale = post_form(client, f"/action-items/{item_id}/edit", {**fields, "title": "Another title"})
    assert stale.status_code == 409
    assert 'value="Another title"' in stale.get_data(as_text=True)
    item = _item(app, item_id)
    assert item.title.endswith("(revised)") and item.due_date == date(2027, 7, 31)
    assert item.updates[-1].due_date_to == date(2027, 7, 31)


# --- the register ---------------------------------------------------------------------------------------

def test_the_register_filters_counts_and_pages(app, client, auth, committee, make_action_item):
    today = date.today()
    make_action_item(title="Overdue one", due_date=(today - timedelta(days=3)).isoformat())
    make_action_item(title="Due later", due_date=(today + timedelta(days=60)).isoformat(), focus_area="B.6.2")
    make_action_item(title="NSF and IITP", owners={"US": [{"organization_id": _org(app, "NSF")}],
                                                   "KR": [{"organization_id": _org(app, "IITP")}]})
    auth.login(committee.us_observer)
    page = client.get("/action-items").get_data(as_text=True)
    assert "Overdue one" in page and "Due later" in page and "3 action items" in page
    overdue_only = client.get("/action-items?overdue=true").get_data(as_text=True)
    assert "Overdue one" in overdue_only and "Due later" not in overdue_only
    space = client.get(f"/action-items?focus_area={_area(app, 'B.6')}").get_data(as_text=True)
    assert "Due later" in space and "Overdue one" not in space  # a focus area includes its sub-topics
    by_owner = client.get(f"/action-items?owner=organization:{_org(app, 'IITP')}").get_data(as_text=True)
    assert "NSF and IITP" in by_owner and "Overdue one" not in by_owner
    delegate = client.get(f"/action-items?owner={committee.us_delegate.id}").get_data(as_text=True)
    assert "NSF and IITP" in delegate  # the U.S. delegate is of NSF
    with app.app_context():
        counts = services.register_counts(services.RegisterFilter(), today)
    assert (counts.open, counts.overdue, counts.done) == (3, 1, 0)
    assert counts.by_side == {"US": {"open": 3, "overdue": 1}, "KR": {"open": 3, "overdue": 1}}


@pytest.mark.parametrize("query", ["side=JP", "status=finished", "overdue=maybe", "due_before=yesterday",
                                   "focus_area=abc", "owner=team:3", "sort=colour"])
def test_a_nonsense_filter_gets_a_clear_message(client, auth, committee, query):
    auth.login(committee.kr_observer)
    response = client.get(f"/action-items?{query}")
    assert response.status_code == 422
    assert 'class="flash flash--error"' in response.get_data(as_text=True)


def _area(app, code):
    with app.app_context():
        return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


def test_my_action_items_lists_what_i_or_my_agency_own_overdue_first(app, client, auth, committee, make_action_item):
    today = date.today()
    later = make_action_item(title="Later", due_date=(today + timedelta(days=20)).isoformat())
    late = make_action_item(title="Late", due_date=(today - timedelta(days=1)).isoformat())
    make_action_item(title="Not mine", owners={"US": [{"user_id": committee.us_secretariat.id}],
                                               "KR": [{"organization_id": _org(app, "IITP")}]})
    _create(app, committee, title="Through NRF")
    auth.login(committee.kr_delegate)
    page = client.get("/my-action-items").get_data(as_text=True)
    assert "Not mine" not in page and "Through NRF" in page
    assert page.index(f'id="action-{late}"') < page.index(f'id="action-{later}"')
    response = post_form(client, f"/action-items/{late}/updates", {"text": "", "status": "done", "next": "mine"},
                         page="/my-action-items")
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    response = post_form(client, f"/action-items/{late}/updates", {"text": "완료했습니다.", "status": "done",
                                                                  "next": "mine"}, page="/my-action-items")
    assert response.headers["Location"].endswith("/my-action-items")
    assert _item(app, late).status == "done"
    assert later


# --- nothing falls through ------------------------------------------------------------------------------

def test_open_items_of_earlier_meetings_are_reviewed_at_the_next(app, client, auth, committee, make_meeting,
                                                                 make_action_item):
    eleventh = make_meeting(ordinal=11, start_date="2026-03-10")
    twelfth = make_meeting(ordinal=12, start_date="2027-03-10", status="held")  # being held: it reviews them
    continued = make_action_item(meeting_id=eleventh, title="Quantum testbed access", focus_area="B.4",
                                 due_date="2026-09-30")
    finished = make_action_item(meeting_id=eleventh, title="Cubesat interface document", focus_area="B.6.2",
                                due_date="2026-09-30")
    already_done = make_action_item(meeting_id=eleventh, title="Already done", status="done", due_date="2026-09-30")
    between = make_action_item(title="Raised between meetings", focus_area="B.4", due_date="2026-12-31")
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{twelfth}").get_data(as_text=True)
    assert page.count('id="action-review"') == 1 and page.count('id="new-actions"') == 1
    review = page[page.index('id="action-review"'):page.index('id="new-actions"')]
    assert "Quantum testbed access" in review and "Cubesat interface document" in review
    assert "Raised between meetings" in review and "Already done" not in review
    assert review.index("B.4") < review.index("B.6.2")  # grouped by focus area, in the MOU's order
    assert "David Okafor" in review and "박지훈" in review
    post_form(client, f"/meetings/{twelfth}/reviews", {"action_item_id": str(continued), "outcome": "continued",
                                                      "new_due_date": "2027-09-30", "note": "Extended by both sides"},
              page=f"/meetings/{twelfth}")
    post_form(client, f"/meetings/{twelfth}/reviews", {"action_item_id": str(finished), "outcome": "done",
                                                      "new_due_date": "", "note": ""}, page=f"/meetings/{twelfth}")
    item = _item(app, continued)
    assert item.due_date == date(2027, 9, 30) and item.status == "open"
    done = _item(app, finished)
    assert done.status == "done" and done.closed_in_meeting_id == twelfth
    page = client.get(f"/meetings/{twelfth}").get_data(as_text=True)
    review = page[page.index('id="action-review"'):page.index('id="new-actions"')]
    assert "Cubesat interface document" in review and "Extended by both sides" in review  # the record stays
    thirteenth = make_meeting(ordinal=13, start_date="2028-03-10")
    later = client.get(f"/meetings/{thirteenth}").get_data(as_text=True)
    assert "Quantum testbed access" in later and "Cubesat interface document" not in later
    assert already_done and between


def test_a_continued_item_needs_a_new_due_date_after_the_meeting(app, committee, make_meeting, make_action_item):
    eleventh = make_meeting(ordinal=11, start_date="2026-03-10")
    twelfth = make_meeting(ordinal=12, start_date="2027-03-10", status="held")
    item_id = make_action_item(meeting_id=eleventh, due_date="2026-09-30")
    with app.app_context():
        from jcm.meetings.services import get_meeting

        secretariat = get_user(committee.kr_secretariat.id)
        item, meeting = services.get_action_item(item_id), get_meeting(twelfth)
        with pytest.raises(Invalid, match="needs its new due date"):
            services.record_review(secretariat, item, meeting, "continued")
        with pytest.raises(Invalid, match="must be after the meeting"):
            services.record_review(secretariat, item, meeting, "continued", "2027-01-01")
        with pytest.raises(Invalid, match="done, continued or dropped"):
            services.record_review(secretariat, item, meeting, "forgotten")
        with pytest.raises(PermissionDenied):
            services.record_review(get_user(committee.kr_delegate.id), item, meeting, "done")


@pytest.mark.parametrize("status", ["minutes_adopted", "cancelled"])
def test_no_review_is_recorded_at_a_meeting_whose_minutes_are_adopted_or_that_is_cancelled(
        app, client, auth, committee, make_meeting, make_action_item, status):
    eleventh = make_meeting(ordinal=11, start_date="2025-03-10")
    twelfth = make_meeting(ordinal=12, start_date="2026-03-10", status=status)
    item_id = make_action_item(meeting_id=eleventh, due_date="2025-09-30")
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{twelfth}").get_data(as_text=True)
    assert f'action="/meetings/{twelfth}/reviews"' not in page
    response = post_form(client, f"/meetings/{twelfth}/reviews", {"action_item_id": str(item_id), "outcome": "done"},
                         page=f"/meetings/{twelfth}")
    assert response.status_code == 409 and "can no longer be changed" in response.get_data(as_text=True)
    assert _item(app, item_id).status == "open"


def test_an_observer_reads_what_their_agency_owns_and_never_posts_an_update(app, client, auth, committee,
                                                                           make_action_item):
    item_id = make_action_item(owners={"US": [{"organization_id": _org(app, "NASA")}],
                                       "KR": [{"user_id": committee.kr_delegate.id}]})
    auth.login(committee.us_observer)
    assert "Exchange AI-ready dataset inventories" in client.get("/my-action-items").get_data(as_text=True)
    assert f'action="/action-items/{item_id}/updates"' not in client.get(f"/action-items/{item_id}").get_data(
        as_text=True)
    response = post_form(client, f"/action-items/{item_id}/updates", {"text": "NASA has started."},
                         page="/my-action-items")
    assert response.status_code == 403
    with app.app_context():
        assert services.get_action_item(item_id, with_updates=True).updates == []


def test_overdue_is_derived_never_stored(app, make_action_item):
    item_id = make_action_item(due_date=(date.today() - timedelta(days=1)).isoformat())
    item = _item(app, item_id)
    assert item.is_overdue(date.today()) and not item.is_overdue(date.today() - timedelta(days=2))
    assert "overdue" not in ActionItem.__table__.c


def test_the_agenda_document_lists_the_action_items_to_review(app, client, auth, committee, make_meeting,
                                                             make_action_item):
    from io import BytesIO

    from pypdf import PdfReader

    eleventh = make_meeting(ordinal=11, start_date="2026-03-10")
    twelfth = make_meeting(ordinal=12, start_date="2027-03-10")
    make_action_item(meeting_id=eleventh, title="Quantum testbed access", focus_area="B.4", due_date="2026-09-30")
    auth.login(committee.kr_observer)
    html = client.get(f"/meetings/{twelfth}/agenda.html").get_data(as_text=True)
    review = html[html.index('class="review"'):]
    assert "JCM11-A01" in review and "Quantum testbed access" in review and "박지훈" in review
    pdf = client.get(f"/meetings/{twelfth}/agenda.pdf")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert "JCM11-A01" in text and "Quantum testbed access" in text and "박지훈" in text


def test_sorted_by_status_items_of_one_status_and_due_date_come_by_reference(app, client, auth, committee,
                                                                             make_action_item, held_meeting):
    """Sorted by status, the items of one status falling due on the same day come by their reference, so that each
    page of the register follows on from the one before, no item on two pages and none on neither (the database
    read them in whatever order it found them)."""
    app.config["PAGE_SIZE"] = 1
    make_action_item(title="Raised at the 12th meeting", due_date="2027-06-30", meeting_id=held_meeting)  # JCM12-A01
    make_action_item(title="Raised between meetings", due_date="2027-06-30")  # JCM-X001, made after it
    auth.login(committee.us_observer)
    pages = [client.get(f"/action-items?sort=status&page={n}").get_data(as_text=True) for n in (1, 2)]
    assert "Raised between meetings" in pages[0] and "Raised at the 12th meeting" not in pages[0]
    assert "Raised at the 12th meeting" in pages[1] and "Raised between meetings" not in pages[1]


def test_the_register_pages_and_sorts(app, client, auth, committee, make_action_item):
    app.config["PAGE_SIZE"] = 2
    for n, due in enumerate(("2027-05-01", "2027-03-01", "2027-04-01")):
        make_action_item(title=f"Item due {due}", due_date=due)
    auth.login(committee.us_observer)
    first = client.get("/action-items").get_data(as_text=True)
    assert first.index("Item due 2027-03-01") < first.index("Item due 2027-04-01")
    assert "Item due 2027-05-01" not in first and "Page 1 of 2" in first
    second = client.get("/action-items?page=2").get_data(as_text=True)
    assert "Item due 2027-05-01" in second
    latest_first = client.get("/action-items?sort=-due").get_data(as_text=True)
    assert latest_first.index("Item due 2027-05-01") < latest_first.index("Item due 2027-04-01")
