"""The public summary: once the minutes are adopted, the two secretariats draft a joint press summary in English and
Korean, each side checking its own language; both co-chairs release it; released, it is public on a page and an
Atom feed that need no account, and fixed. Until then, nothing about the meeting is public."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from jcm.audit.models import AuditEvent
from jcm.extensions import db
from tests.conftest import post_form
from tests.test_minutes_document import adopt, write_minutes

HEADLINE = "U.S. and Korea renew science cooperation"
HEADLINE_KO = "한·미, 과학기술 협력 강화에 합의"
BODY = "The two governments held the 12th Joint Committee Meeting in Sejong.\n\nThey agreed to share AI testbeds."
BODY_KO = "양국 정부는 세종에서 제12차 공동위원회를 개최하였다.\n\n양측은 인공지능 테스트베드를 공유하기로 합의하였다."


def summary_url(meeting_id: int) -> str:
    return f"/api/v1/meetings/{meeting_id}/summary"


@pytest.fixture
def adopted(app, committee, held_meeting) -> int:
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    return held_meeting


def draft(api, committee, meeting_id: int) -> dict:
    """The U.S. secretariat writes the English, the Korean secretariat the Korean; each side checks its own."""
    response = api.client.put(summary_url(meeting_id), headers=api.headers(committee.us_secretariat),
                              json={"headline": HEADLINE, "body": BODY})
    assert response.status_code == 200, response.get_json()
    version = response.get_json()["version"]
    response = api.client.put(summary_url(meeting_id), headers=api.headers(committee.kr_secretariat),
                              json={"headline_ko": HEADLINE_KO, "body_ko": BODY_KO, "version": version})
    assert response.status_code == 200, response.get_json()
    for person, language in ((committee.us_secretariat, "en"), (committee.kr_secretariat, "ko")):
        for field in ("headline", "body"):
            response = api.post(summary_url(meeting_id) + "/checks", person, json={"field": field,
                                                                                   "language": language})
            assert response.status_code == 201, response.get_json()
    return response.get_json()


def release(api, person, meeting_id: int, version: int):
    return api.post(summary_url(meeting_id) + "/releases", person, json={"version": version})


def test_drafted_checked_and_released_by_both_co_chairs_it_is_public_in_both_languages(
        app, api, client, committee, adopted):
    assert client.get(f"/public/meetings/{adopted}").status_code == 404
    summary = draft(api, committee, adopted)
    assert summary["status"] == "draft"
    assert summary["languages"] == {"headline": {"en": "checked", "ko": "checked"},
                                    "body": {"en": "checked", "ko": "checked"}}
    assert client.get(f"/public/meetings/{adopted}").status_code == 404  # drafted is not released
    assert api.client.get("/api/v1/public/summaries").get_json() == []

    first = release(api, committee.us_co_chair, adopted, summary["version"])
    assert first.status_code == 201
    assert first.get_json()["releases"]["US"]["version"] == summary["version"]
    assert first.get_json()["status"] == "draft"
    assert client.get(f"/public/meetings/{adopted}").status_code == 404  # one side is not both
    told = api.get("/api/v1/notifications", committee.kr_co_chair).get_json()["notifications"]
    awaiting = [n for n in told if n["event"] == "summary.awaits_release"]
    assert awaiting and awaiting[0]["to_act"] and awaiting[0]["url"] == f"/meetings/{adopted}/summary"
    second = release(api, committee.kr_co_chair, adopted, summary["version"])
    assert second.status_code == 201
    assert second.get_json()["status"] == "released"
    assert second.get_json()["public_url"] == f"/public/meetings/{adopted}"

    page = client.get(f"/public/meetings/{adopted}")  # no account
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in (HEADLINE, HEADLINE_KO, "They agreed to share AI testbeds.", "양측은 인공지능 테스트베드를 공유하기로",
                 "Unrestricted", "공개"):
        assert text in html
    for private in ("Dr. Jane Doe", "홍길동", "exchange testbed inventories", "Margaret Chen", "이준호",
                    "Testbeds shared on schedule", "Washington, D.C."):
        assert private not in html  # the minutes, the delegations and the co-chairs stay with the governments
    assert HEADLINE_KO in client.get("/public/").get_data(as_text=True)

    listed = api.client.get("/api/v1/public/summaries")  # no token
    assert listed.status_code == 200
    assert [(s["meeting_id"], s["headline"], s["headline_ko"], s["body_ko"]) for s in listed.get_json()] == [
        (adopted, HEADLINE, HEADLINE_KO, BODY_KO)]

    feed = client.get("/public/feed.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    atom = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(feed.data)
    entries = root.findall("a:entry", atom)
    assert [e.find("a:title", atom).text for e in entries] == [f"{HEADLINE} · {HEADLINE_KO}"]
    content = entries[0].find("a:content", atom).text
    assert "They agreed to share AI testbeds." in content and "양측은 인공지능 테스트베드를" in content
    assert "Dr. Jane Doe" not in feed.get_data(as_text=True)

    with app.app_context():
        acts = [e.action for e in db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.action.like("summary.%")).order_by(AuditEvent.id))]
    assert acts[0] == "summary.create" and acts[-3:] == ["summary.release", "summary.release", "summary.published"]


def test_after_release_the_text_is_fixed(api, committee, adopted):
    summary = draft(api, committee, adopted)
    for person in (committee.us_co_chair, committee.kr_co_chair):
        assert release(api, person, adopted, summary["version"]).status_code == 201
    refused = api.client.put(summary_url(adopted), headers=api.headers(committee.us_secretariat),
                             json={"headline": "Something else", "version": summary["version"]})
    assert refused.status_code == 409
    assert "released" in refused.get_json()["error"]["message"]
    again = release(api, committee.us_co_chair, adopted, summary["version"])
    assert again.status_code == 409
    check = api.post(summary_url(adopted) + "/checks", committee.us_secretariat,
                     json={"field": "headline", "language": "en"})
    assert check.status_code == 409
    assert api.get(summary_url(adopted), committee.kr_delegate).get_json()["headline"] == HEADLINE


def test_a_released_summarys_text_is_not_checked_again_through_the_texts_pages(app, client, auth, api, committee,
                                                                                adopted):
    summary = draft(api, committee, adopted)
    for person in (committee.us_co_chair, committee.kr_co_chair):
        assert release(api, person, adopted, summary["version"]).status_code == 201
    auth.login(committee.kr_secretariat)
    refused = post_form(client, f"/texts/public_summary/{summary['id']}/body/ko/check", {},
                        page=f"/meetings/{adopted}/summary")
    assert refused.status_code == 409
    assert "This text is fixed" in refused.get_data(as_text=True)


def test_a_change_clears_the_releases_and_makes_the_other_language_stale(api, committee, adopted):
    summary = draft(api, committee, adopted)
    assert release(api, committee.us_co_chair, adopted, summary["version"]).status_code == 201
    changed = api.client.put(summary_url(adopted), headers=api.headers(committee.us_secretariat),
                             json={"body": BODY + "\n\nA workshop will follow.", "version": summary["version"]})
    assert changed.status_code == 200
    shape = changed.get_json()
    assert shape["releases"] == {"US": None, "KR": None}
    assert shape["languages"]["body"] == {"en": "written", "ko": "stale"}
    # The Korean co-chair cannot release the earlier version, nor the new one while a text is not checked.
    assert release(api, committee.kr_co_chair, adopted, summary["version"]).status_code == 409
    gate = release(api, committee.kr_co_chair, adopted, shape["version"])
    assert gate.status_code == 409
    assert {(g["field"], g["language"]) for g in gate.get_json()["error"]["current"]["gaps"]} == {
        ("body", "en"), ("body", "ko")}


def test_a_stale_write_is_refused_with_both_texts(api, committee, adopted):
    summary = draft(api, committee, adopted)
    assert api.client.put(summary_url(adopted), headers=api.headers(committee.kr_secretariat),
                          json={"body_ko": BODY_KO + " 추가.", "version": summary["version"]}).status_code == 200
    stale = api.client.put(summary_url(adopted), headers=api.headers(committee.us_secretariat),
                           json={"body": "My text", "version": summary["version"]})
    assert stale.status_code == 409
    current = stale.get_json()["error"]["current"]
    assert current["body_ko"] == BODY_KO + " 추가." and current["yours"] == {"body": "My text"}


def test_who_may_do_what(api, committee, adopted, held_meeting):
    put = api.client.put
    for person in (committee.us_observer, committee.kr_delegate, committee.us_co_chair):
        assert put(summary_url(adopted), headers=api.headers(person), json={"headline": "x"}).status_code == 403
    summary = draft(api, committee, adopted)
    for person in (committee.us_secretariat, committee.kr_observer, committee.kr_delegate):
        assert release(api, person, adopted, summary["version"]).status_code == 403
    # The Korean secretariat does not check the English: the U.S. side answers for it.
    assert api.post(summary_url(adopted) + "/checks", committee.kr_secretariat,
                    json={"field": "headline", "language": "en"}).status_code == 403


def test_nothing_before_the_minutes_are_adopted_and_bad_input_is_a_clear_4xx(api, client, committee, held_meeting):
    refused = api.client.put(summary_url(held_meeting), headers=api.headers(committee.us_secretariat),
                             json={"headline": HEADLINE})
    assert refused.status_code == 409 and "adopted" in refused.get_json()["error"]["message"]
    assert api.get(summary_url(held_meeting), committee.us_secretariat).status_code == 404
    assert api.get(summary_url(999999), committee.us_secretariat).status_code == 404
    for body in ({"headline": 5}, {"headline": "x" * 301}, {"nonsense": "x"}, {"version": "two"}):
        assert api.client.put(summary_url(held_meeting), headers=api.headers(committee.us_secretariat),
                              json=body).status_code == 422
    assert api.post(summary_url(held_meeting) + "/checks", committee.us_secretariat,
                    json={"field": "agenda", "language": "en"}).status_code == 422
    # An unreleased meeting and an unknown id read the same.
    unreleased, unknown = client.get(f"/public/meetings/{held_meeting}"), client.get("/public/meetings/987654")
    assert unreleased.status_code == unknown.status_code == 404
    # The same page but for the address asked for (the language switcher comes back to it).
    assert unreleased.get_data(as_text=True).replace(f"/public/meetings/{held_meeting}", "/public/meetings/X") == \
        unknown.get_data(as_text=True).replace("/public/meetings/987654", "/public/meetings/X")
    assert client.get("/public/meetings/99999999999999999999").status_code == 404
    assert "entry" not in client.get("/public/feed.atom").get_data(as_text=True)


def test_the_pages_draft_check_and_release_keeping_a_stale_writers_text(app, client, auth, committee, adopted):
    auth.login(committee.us_secretariat)
    meeting_page = client.get(f"/meetings/{adopted}").get_data(as_text=True)
    assert "Press summary" in meeting_page and f"/meetings/{adopted}/summary" in meeting_page
    url = f"/meetings/{adopted}/summary"
    saved = post_form(client, url, {"headline": HEADLINE, "body": BODY, "headline_ko": HEADLINE_KO,
                                    "body_ko": BODY_KO, "version": "0"}, follow_redirects=True)
    assert saved.status_code == 200 and "The press summary has been saved." in saved.get_data(as_text=True)
    panel = client.get(f"/meetings/{adopted}").get_data(as_text=True)
    assert "Draft, not public" in panel and "not yet released" in panel
    # Another save meanwhile, then this page's stale one: the writer's text is kept, the stored one shown.
    with app.app_context():
        from jcm.accounts.services import get_user
        from jcm.meetings.services import get_meeting
        from jcm.public import services

        services.save_summary(get_user(committee.kr_secretariat.id), get_meeting(adopted),
                              {"body_ko": BODY_KO + " 추가."}, 1)
        db.session.commit()
    stale = post_form(client, url, {"headline": HEADLINE, "body": "My own paragraph.", "headline_ko": HEADLINE_KO,
                                    "body_ko": BODY_KO, "version": "1"})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "My own paragraph." in html and BODY_KO + " 추가." in html
    assert 'name="version" type="hidden" value="2"' in html or 'value="2"' in html
    auth.logout()
    auth.login(committee.us_observer)
    page = client.get(url)
    assert page.status_code == 200 and "Save the press summary" not in page.get_data(as_text=True)
    assert client.post(url, data={"headline": "x"}).status_code in (400, 403)


def test_the_co_chairs_release_it_from_the_page_and_then_it_is_fixed(app, client, auth, api, committee, adopted):
    url = f"/meetings/{adopted}/summary"
    auth.login(committee.us_secretariat)
    assert post_form(client, url, {"headline": HEADLINE, "body": BODY, "version": "0"}).status_code == 302
    auth.logout()
    # The Korean text is missing: the release is refused, naming what is left.
    auth.login(committee.us_co_chair)
    gate = post_form(client, url + "/release", {"version": "1"}, page=url)
    assert gate.status_code == 409
    assert "released with its headline and text in both languages" in gate.get_data(as_text=True)
    auth.logout()
    summary = draft(api, committee, adopted)
    for person in (committee.us_co_chair, committee.kr_co_chair):
        auth.login(person)
        page = client.get(url)
        assert "Release for my side" in page.get_data(as_text=True)
        done = post_form(client, url + "/release", {"version": str(summary["version"])}, page=url,
                         follow_redirects=True)
        assert done.status_code == 200
        auth.logout()
    assert "Released to the public by both co-chairs." in done.get_data(as_text=True)
    assert client.get(f"/public/meetings/{adopted}").status_code == 200
    auth.login(committee.kr_secretariat)
    post_form(client, "/language", {"locale": "ko"}, page="/")
    page = client.get(url).get_data(as_text=True)  # in Korean, released: said so, and no form to change it
    assert "공개됨" in page and "문안이 확정되어 더 이상 수정할 수 없습니다." in page and "언론 발표문 저장" not in page
    refused = post_form(client, url, {"headline": "Changed", "version": str(summary["version"])}, page=url)
    assert refused.status_code == 409
