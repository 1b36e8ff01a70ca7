"""Final acts ask first: adopting minutes, agreeing an agenda, removing an item both sides agreed, deleting or
cancelling a meeting and revoking a token each state their consequence beside a box to tick, and a post that skips
it is refused with nothing done. The review of carried-over action items chooses no outcome for the secretariat, and
takes outcomes only at a meeting that has begun."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jcm.accounts.models import ApiToken
from jcm.accounts.services import get_user
from jcm.actions.services import get_action_item, record_review
from jcm.errors import Conflict
from jcm.extensions import db
from jcm.meetings.models import Meeting
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from tests.conftest import post_form
from tests.test_minutes_pages import circulate, minutes_page, record_progress

SKIPPED = "Nothing has been done: tick the box to confirm that you understand what this does."


def _box(page: str, key: str) -> str:
    """The confirmation box with this key, as the page shows it: its label states the consequence."""
    found = re.search(rf'<label class="confirm" for="confirm-{key}"><input type="checkbox" name="confirmed" '
                      rf'value="y" id="confirm-{key}" required> <span>(.*?)</span></label>', page, re.S)
    assert found, f"no box {key}"
    return found.group(1)


def test_a_co_chair_adopts_only_after_ticking_that_adoption_locks_the_minutes(app, client, auth, committee,
                                                                             held_meeting):
    record_progress(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        services.add_comment(get_user(committee.kr_delegate.id), minutes, "Please check the date in item 4.")
        services.add_comment(get_user(committee.us_delegate.id), minutes, "The NSF title is outdated.")
        db.session.commit()
    auth.login(committee.us_co_chair)
    page = client.get(minutes_page(held_meeting)).get_data(as_text=True)
    assert "Both co-chairs' adoption locks these minutes" in _box(page, "adopt")
    assert "2 comments on these minutes are not resolved." in page

    skipped = post_form(client, f"{minutes_page(held_meeting)}/adopt", {}, page=minutes_page(held_meeting))
    assert skipped.status_code == 422
    assert SKIPPED in skipped.get_data(as_text=True)
    with app.app_context():
        assert services.minutes_for(get_meeting(held_meeting)).approvals == []

    adopted = post_form(client, f"{minutes_page(held_meeting)}/adopt", {"confirmed": "y"},
                        page=minutes_page(held_meeting))
    assert adopted.status_code == 302
    with app.app_context():
        assert len(services.minutes_for(get_meeting(held_meeting)).approvals) == 1


def test_the_korean_co_chair_reads_the_consequence_in_korean(app, client, auth, committee, held_meeting):
    record_progress(app, committee, held_meeting)
    circulate(app, committee, held_meeting)
    auth.login(committee.kr_co_chair)
    page = client.get(minutes_page(held_meeting), headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "양측 공동위원장이 채택하면 이 회의록은 확정되어" in _box(page, "adopt")
    assert "comments on these minutes" not in page  # none are open


def test_agreeing_the_agenda_states_that_a_later_change_needs_both_sides(app, client, auth, committee, make_meeting):
    from tests.conftest import complete_both_texts

    meeting_id = make_meeting(ordinal=30, start_date="2027-05-10")
    complete_both_texts(app, committee, meeting_id)
    auth.login(committee.kr_secretariat)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "any later change to it needs both sides to agree again" in _box(page, "agree")
    skipped = post_form(client, f"/meetings/{meeting_id}/agree", {"agenda_version": "1"}, page=f"/meetings/{meeting_id}")
    assert skipped.status_code == 422 and SKIPPED in skipped.get_data(as_text=True)
    assert "Not yet agreed" in skipped.get_data(as_text=True)
    agreed = post_form(client, f"/meetings/{meeting_id}/agree", {"agenda_version": "1", "confirmed": "y"},
                       page=f"/meetings/{meeting_id}")
    assert agreed.status_code == 302
    assert "Agreed by 김서연" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)


def test_removing_an_item_both_sides_agreed_asks_first_and_a_new_item_does_not(app, client, auth, committee,
                                                                              agreed_meeting, api):
    with app.app_context():
        agreed_item = next(item.id for item in get_meeting(agreed_meeting, with_agenda=True).items
                           if item.title == "Site visit")
    added = api.post(f"/api/v1/meetings/{agreed_meeting}/agenda-items", committee.us_secretariat,
                     json={"title": "Added after the agreement"}).get_json()["id"]
    auth.login(committee.us_secretariat)
    page = client.get(f"/agenda-items/{agreed_item}/edit").get_data(as_text=True)
    assert "removing it makes a new version of the agenda" in _box(page, "remove-item")
    assert 'name="confirmed"' not in client.get(f"/agenda-items/{added}/edit").get_data(as_text=True)

    skipped = post_form(client, f"/agenda-items/{agreed_item}/delete", {}, page=f"/agenda-items/{agreed_item}/edit")
    assert skipped.status_code == 422 and SKIPPED in skipped.get_data(as_text=True)
    assert 'value="Site visit"' in skipped.get_data(as_text=True)  # the item's form, as stored
    removed = post_form(client, f"/agenda-items/{agreed_item}/delete", {"confirmed": "y"},
                        page=f"/agenda-items/{agreed_item}/edit")
    assert removed.status_code == 302
    assert post_form(client, f"/agenda-items/{added}/delete", {},
                     page=f"/agenda-items/{added}/edit").status_code == 302  # never agreed: no box to tick
    with app.app_context():
        assert {item.title for item in get_meeting(agreed_meeting, with_agenda=True).items}.isdisjoint(
            {"Site visit", "Added after the agreement"})


def test_confirming_the_deletion_of_a_meeting_states_that_it_cannot_be_undone(app, client, auth, api, committee,
                                                                             make_meeting):
    meeting_id = make_meeting(ordinal=40, start_date="2028-05-01")
    assert api.post(f"/api/v1/meetings/{meeting_id}/proposals", committee.us_secretariat,
                    json={"kind": "delete", "reason": "Entered twice."}).status_code == 201
    auth.login(committee.kr_secretariat)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "it cannot be undone" in _box(page, "proposal-1")
    skipped = post_form(client, f"/meetings/{meeting_id}/proposals/1/confirm", {}, page=f"/meetings/{meeting_id}")
    assert skipped.status_code == 422 and SKIPPED in skipped.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id) is not None
    confirmed = post_form(client, f"/meetings/{meeting_id}/proposals/1/confirm", {"confirmed": "y"},
                          page=f"/meetings/{meeting_id}")
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id) is None


def test_declining_or_withdrawing_a_proposal_needs_no_box(app, client, auth, api, committee, make_meeting):
    meeting_id = make_meeting(ordinal=41, start_date="2028-06-01")
    assert api.post(f"/api/v1/meetings/{meeting_id}/proposals", committee.us_secretariat,
                    json={"kind": "delete", "reason": "Entered twice."}).status_code == 201
    auth.login(committee.kr_secretariat)
    declined = post_form(client, f"/meetings/{meeting_id}/proposals/1/decline", {}, page=f"/meetings/{meeting_id}")
    assert declined.status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id) is not None


def test_a_token_is_revoked_only_with_the_box_ticked(app, client, auth, api, committee):
    plain = api.token(committee.kr_delegate)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == committee.kr_delegate.id))
    auth.login(committee.kr_delegate)
    page = client.get("/account").get_data(as_text=True)
    assert "lose their access at once" in _box(page, f"revoke-{token_id}")
    skipped = post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account")
    assert skipped.status_code == 422 and SKIPPED in skipped.get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    revoked = post_form(client, f"/account/tokens/{token_id}/revoke", {"confirmed": "y"}, page="/account")
    assert revoked.status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


# --- the review of carried-over action items ------------------------------------------------------------------

def test_the_review_chooses_no_outcome_for_the_secretariat(app, client, auth, committee, make_meeting,
                                                           make_action_item):
    earlier = make_meeting(ordinal=11, start_date="2026-03-10", status="held")
    meeting_id = make_meeting(ordinal=12, start_date="2026-11-02", status="held")
    item_id = make_action_item(meeting_id=earlier, due_date="2026-09-30")
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    select_ = re.search(r'<select name="outcome" required>(.*?)</select>', page, re.S).group(1)
    assert select_.startswith('<option value="">— choose —</option>') and "selected" not in select_

    skipped = post_form(client, f"/meetings/{meeting_id}/reviews",
                        {"action_item_id": str(item_id), "outcome": "", "new_due_date": "", "note": ""},
                        page=f"/meetings/{meeting_id}")
    assert skipped.status_code == 422
    assert "Choose the outcome the meeting decided." in skipped.get_data(as_text=True)
    with app.app_context():
        assert get_action_item(item_id).status == "open"


def test_no_outcome_is_recorded_at_a_meeting_that_has_not_begun(app, client, auth, committee, make_meeting,
                                                                make_action_item):
    earlier = make_meeting(ordinal=11, start_date="2026-03-10", status="held")
    upcoming = make_meeting(ordinal=12, start_date=(date.today() + timedelta(days=60)).isoformat())
    item_id = make_action_item(meeting_id=earlier, due_date="2026-09-30")
    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{upcoming}").get_data(as_text=True)
    assert 'class="review-form"' not in page  # not offered before the meeting
    refused = post_form(client, f"/meetings/{upcoming}/reviews",
                        {"action_item_id": str(item_id), "outcome": "done", "new_due_date": "", "note": ""},
                        page=f"/meetings/{upcoming}")
    assert refused.status_code == 409
    assert "this meeting has not begun yet" in refused.get_data(as_text=True)
    with app.app_context():
        with pytest.raises(Conflict, match="has not begun yet"):
            record_review(get_user(committee.kr_secretariat.id), get_action_item(item_id), get_meeting(upcoming),
                          "done")
        assert get_action_item(item_id).status == "open"


def test_outcomes_are_recorded_once_the_first_day_has_come_in_the_host_city(app, client, auth, committee,
                                                                           make_meeting, make_action_item):
    earlier = make_meeting(ordinal=11, start_date="2026-03-10", status="held")
    today_in_seoul = make_meeting(ordinal=12, start_date=(date.today() - timedelta(days=1)).isoformat(),
                                  end_date=(date.today() + timedelta(days=1)).isoformat())  # agreed, not yet "held"
    item_id = make_action_item(meeting_id=earlier, due_date="2026-09-30")
    auth.login(committee.us_secretariat)
    recorded = post_form(client, f"/meetings/{today_in_seoul}/reviews",
                         {"action_item_id": str(item_id), "outcome": "done", "new_due_date": "", "note": ""},
                         page=f"/meetings/{today_in_seoul}")
    assert recorded.status_code == 302
    with app.app_context():
        assert get_action_item(item_id).status == "done"
