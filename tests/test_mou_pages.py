"""The MOU in the UI: the agreement, its live status, notices, modifications and focus areas."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jcm.audit.models import AuditEvent
from jcm.extensions import db
from jcm.mou.models import Agreement, FocusArea
from tests.conftest import post_form


def test_the_agreement_page_shows_the_terms_and_the_tree_in_both_languages(client, auth, committee):
    auth.login(committee.us_observer)
    page = client.get("/mou").get_data(as_text=True)
    assert "U.S.–ROK Science and Technology MOU" in page
    assert "The Government of the United States of America" in page
    assert "The Government of the Republic of Korea" in page
    assert "This MOU becomes operative on the date of the last signature." in page
    assert "Joint Committee Meeting mechanism" in page
    assert "Operative" in page
    for code in ("A", "A.9", "B.1", "B.6", "B.6.5"):
        assert f'<span class="fa__code">{code}</span>' in page
    assert "Trusted Technology Leadership" in page and "연구보안" in page


def test_the_agreement_page_by_id_and_an_unknown_id(client, auth, committee):
    auth.login(committee.kr_delegate)
    assert client.get(f"/mou/{committee.agreement_id}").status_code == 200
    assert client.get("/mou/424242").status_code == 404


def _agreement(app, agreement_id):
    with app.app_context():
        return db.session.get(Agreement, agreement_id)


def test_an_admin_records_a_notice_and_the_page_shows_when_discontinuation_takes_effect(app, client, auth,
                                                                                       committee):
    auth.login(committee.kr_admin)
    url = f"/mou/{committee.agreement_id}"
    notice = date.today() - timedelta(days=10)
    response = post_form(client, f"{url}/notice", {"notice_date": notice.isoformat(), "side": "KR",
                                                   "reference": "Note verbale No. 2026-117", "version": "1"},
                         page=url, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    end = notice + timedelta(days=180)
    assert end.isoformat() in page  # the flash message
    assert "Discontinuation pending" in page and "170 days from today" in page
    assert "Note verbale No. 2026-117" in page
    agreement = _agreement(app, committee.agreement_id)
    assert agreement.end_date == end and agreement.status_on(end) == "discontinued"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.notice"))
        assert event.after["discontinuation_notice_date"] == notice.isoformat()
        assert event.actor_id == committee.kr_admin.id


def test_a_notice_with_an_impossible_date_is_refused_and_nothing_changes(app, client, auth, committee):
    auth.login(committee.us_admin)
    url = f"/mou/{committee.agreement_id}"
    response = post_form(client, f"{url}/notice", {"notice_date": "2026-02-30", "side": "US", "reference": "x",
                                                   "version": "1"}, page=url)
    assert response.status_code == 422
    assert "Not a valid date value." in response.get_data(as_text=True)
    assert _agreement(app, committee.agreement_id).discontinuation_notice_date is None


def test_a_notice_can_be_withdrawn(app, client, auth, committee):
    auth.login(committee.us_admin)
    url = f"/mou/{committee.agreement_id}"
    post_form(client, f"{url}/notice", {"notice_date": "2026-01-15", "side": "US", "version": "1"}, page=url)
    assert _agreement(app, committee.agreement_id).end_date == date(2026, 7, 14)
    post_form(client, f"{url}/notice/withdraw", {}, page=url)
    assert _agreement(app, committee.agreement_id).discontinuation_notice_date is None


def test_the_page_offers_to_withdraw_a_notice_only_while_one_is_recorded(app, client, auth, committee):
    auth.login(committee.us_admin)
    url = f"/mou/{committee.agreement_id}"
    assert "Withdraw the notice" not in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/notice/withdraw", {}, page=url)
    assert response.status_code == 422 and "No notice of discontinuation is recorded." in response.get_data(
        as_text=True)
    post_form(client, f"{url}/notice", {"notice_date": "2026-01-15", "side": "US", "version": "1"}, page=url)
    assert "Withdraw the notice" in client.get(url).get_data(as_text=True)


def test_an_agreement_has_one_version_that_each_change_moves_once(app, committee):
    from jcm.accounts.services import get_user
    from jcm.errors import Conflict, Invalid
    from jcm.mou import services

    with app.app_context():
        admin, agreement = get_user(committee.kr_admin.id), services.get_agreement(committee.agreement_id)
        for side, day, message in (("JP", date(2026, 1, 15), "“JP” is not a participant giving notice: use US, KR."),
                                   ("KR", None, "Date of the notice is required."),
                                   ("", date(2026, 1, 15), "Participant giving notice is required.")):
            with pytest.raises(Invalid, match=message):
                services.record_discontinuation_notice(admin, agreement, day, side, expected_version=1)
            db.session.rollback()
        agreement = services.get_agreement(committee.agreement_id)
        services.record_discontinuation_notice(admin, agreement, date(2026, 1, 15), "KR", "  Note   verbale 117 ",
                                               expected_version=1)
        services.record_discontinuation_notice(admin, agreement, date(2026, 1, 15), "KR", "Note verbale 117",
                                               expected_version=2)  # the same notice again changes nothing
        db.session.commit()
        assert (agreement.version, agreement.discontinuation_notice_reference) == (2, "Note verbale 117")
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.notice")).all()
        assert len(events) == 1 and events[0].before["discontinuation_notice_side"] is None
        with pytest.raises(Conflict) as stale:
            services.withdraw_discontinuation_notice(admin, agreement, expected_version=1)
        assert stale.value.current["discontinuation_notice_side"] == "KR" and stale.value.current["version"] == 2
        services.withdraw_discontinuation_notice(admin, agreement, expected_version=2)
        db.session.commit()
        assert (agreement.version, agreement.discontinuation_notice_date) == (3, None)


def test_recorded_modifications_are_listed(client, auth, committee):
    auth.login(committee.us_admin)
    url = f"/mou/{committee.agreement_id}"
    response = post_form(client, f"{url}/modifications",
                         {"decided_on": "2026-03-02", "description": "Added <b>Fusion Energy</b> as area C."},
                         page=url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Added &lt;b&gt;Fusion Energy&lt;/b&gt; as area C." in page
    empty = post_form(client, f"{url}/modifications", {"decided_on": "2026-03-02", "description": ""}, page=url)
    assert empty.status_code == 422


def test_only_an_admin_may_record_notices_or_modifications(app, client, auth, committee):
    auth.login(committee.us_co_chair)
    url = f"/mou/{committee.agreement_id}"
    assert "Record a notice of discontinuation" not in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/notice", {"notice_date": "2026-01-15", "side": "US", "version": "1"},
                         page=url)
    assert response.status_code == 403
    assert _agreement(app, committee.agreement_id).discontinuation_notice_date is None


def _area(app, code):
    with app.app_context():
        return db.session.scalar(select(FocusArea).where(FocusArea.code == code))


def test_an_admin_edits_a_focus_areas_korean_title_and_it_is_audited(app, client, auth, committee):
    area = _area(app, "B.4")
    auth.login(committee.kr_admin)
    url = f"/focus-areas/{area.id}/edit"
    response = post_form(client, url, {"title": area.title, "title_ko": "양자 혁신 선도 (개정)",
                                       "summary": area.summary, "summary_ko": area.summary_ko,
                                       "version": str(area.version)})
    assert response.status_code == 302
    assert _area(app, "B.4").title_ko == "양자 혁신 선도 (개정)"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "focus_area.update",
                                                           AuditEvent.object_id == area.id))
        assert event.before["title_ko"] == area.title_ko and event.after["title_ko"] == "양자 혁신 선도 (개정)"


def test_a_stale_focus_area_edit_is_a_conflict_and_loses_nothing(app, client, auth, committee):
    area = _area(app, "B.2")
    auth.login(committee.us_admin)
    url = f"/focus-areas/{area.id}/edit"
    fields = {"summary": area.summary, "summary_ko": area.summary_ko, "title_ko": area.title_ko,
              "version": str(area.version)}
    assert post_form(client, url, {**fields, "title": "Advanced RAN and 6G"}).status_code == 302
    response = post_form(client, url, {**fields, "title": "Open RAN and 6G"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Advanced RAN and 6G" in page and 'value="Open RAN and 6G"' in page
    assert _area(app, "B.2").title == "Advanced RAN and 6G"


def test_an_empty_focus_area_title_is_refused(app, client, auth, committee):
    area = _area(app, "A.1")
    auth.login(committee.us_admin)
    response = post_form(client, f"/focus-areas/{area.id}/edit", {"title": "", "version": str(area.version)})
    assert response.status_code == 422
    assert _area(app, "A.1").title == area.title


def test_a_secretariat_cannot_edit_focus_areas(app, client, auth, committee):
    area = _area(app, "A.1")
    auth.login(committee.us_secretariat)
    assert client.get(f"/focus-areas/{area.id}/edit").status_code == 403
