"""Corrections, never edits: an error in adopted minutes is fixed by a numbered correction both co-chairs adopt."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.records import digest
from tests.conftest import post_form
from tests.test_minutes_document import adopt, minutes_url, write_minutes

CORRECTED = "The two sides agreed to exchange testbed inventories by July."
CORRECTED_KO = "양측은 7월까지 테스트베드 목록을 교환하기로 합의하였다."
ADOPTED_KO = "양측은 6월까지 테스트베드 목록을 교환하기로 합의하였다."  # the Korean of the decision as adopted


@pytest.fixture
def adopted(app, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    return held_meeting, adopt(app, committee, held_meeting)


def item_of_fourth_record(app, meeting_id: int) -> int:
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        return minutes.adopted_content["records"][3]["agenda_item_id"]


def corrections_url(meeting_id: int) -> str:
    return f"/api/v1/meetings/{meeting_id}/minutes/corrections"


def propose(api, committee, meeting_id: int, item: int, decisions=(CORRECTED,), decisions_ko=(CORRECTED_KO,),
            **extra):
    return api.post(corrections_url(meeting_id), committee.us_secretariat, json={
        "reason": "The date of the exchange was recorded wrongly.",
        "changes": {"records": [{"agenda_item_id": item, "decisions": list(decisions),
                                 "decisions_ko": list(decisions_ko)}]}, **extra})


def test_a_correction_proposed_and_adopted_by_both_co_chairs_is_a_new_record_chained_to_the_old(
        app, client, auth, api, committee, adopted):
    meeting_id, original = adopted
    item = item_of_fourth_record(app, meeting_id)
    made = propose(api, committee, meeting_id, item, supersedes=original)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["number"], body["status"], body["supersedes"], body["sha256"]) == (1, "proposed", original, None)

    first = api.post(f"{corrections_url(meeting_id)}/1/approvals", committee.kr_co_chair, json={"version": 1})
    assert first.status_code == 201 and first.get_json()["approvals"]["KR"]["user_id"] == committee.kr_co_chair.id
    second = api.post(f"{corrections_url(meeting_id)}/1/approvals", committee.us_co_chair, json={"version": 1})
    body = second.get_json()
    assert second.status_code == 201 and body["status"] == "adopted" and len(body["sha256"]) == 64
    corrected = body["sha256"]
    assert corrected != original
    with app.app_context():
        correction = services.get_correction(services.minutes_for(get_meeting(meeting_id)), 1)
        assert digest(correction.content) == corrected
        assert correction.content["correction"]["supersedes"] == original
        assert correction.content["records"][3]["decisions"] == [CORRECTED]

    auth.login(committee.us_delegate)
    latest = client.get(minutes_url(meeting_id)).get_data(as_text=True)
    assert CORRECTED in latest and "Corr. 1" in latest and original in latest and corrected in latest
    as_adopted = client.get(minutes_url(meeting_id) + "?corr=0").get_data(as_text=True)
    assert CORRECTED not in as_adopted and "by June" in as_adopted and corrected not in as_adopted
    pdf = client.get(minutes_url(meeting_id, "pdf") + "?lang=ko")
    assert pdf.headers["Content-Disposition"] == "inline; filename=JCM12-minutes-corr1-ko.pdf"
    (embedded,) = PdfReader(io.BytesIO(pdf.data)).attachments["record.json"]
    assert digest(json.loads(embedded)) == corrected
    shutil.rmtree(Path(app.instance_path) / "documents")
    assert client.get(minutes_url(meeting_id, "pdf") + "?lang=ko").data == pdf.data
    kept = client.get(minutes_url(meeting_id, "pdf") + "?lang=ko")  # now from the kept copy
    assert kept.data == pdf.data and kept.headers["Content-Disposition"] == pdf.headers["Content-Disposition"]
    assert client.get(minutes_url(meeting_id) + "?corr=7").status_code == 404
    assert client.get(minutes_url(meeting_id) + "?corr=x1").status_code == 404

    # Both texts stay verifiable; the first says what supersedes it.
    old = client.get(f"/api/v1/verify/{original}").get_json()
    new = client.get(f"/api/v1/verify/{corrected}").get_json()
    assert old["match"] and old["superseded_by"] == {"correction": 1, "sha256": corrected}
    assert new["match"] and new["correction"] == 1 and new["superseded_by"] is None

    # A second correction is chained to the first.
    again = propose(api, committee, meeting_id, item, decisions=("Corrected once more.",))
    assert again.status_code == 201 and again.get_json()["supersedes"] == corrected


# --- both texts ---------------------------------------------------------------------------------------------

BOTH = {  # each corrected text: the adopted Korean, then the corrected English and Korean
    "discussion": (None, "The U.S. side presented NSF's AI testbeds and the rules for using them.",
                   "미국 측은 국립과학재단(NSF)의 인공지능 테스트베드와 그 이용 규정을 소개하였다."),
    "decisions": (ADOPTED_KO, CORRECTED, CORRECTED_KO),
    "narrative": ("테스트베드가 일정대로 공유되고 있음.", "Testbeds shared ahead of schedule.",
                  "테스트베드가 일정보다 앞당겨 공유되었음."),
    "next_meeting": ("2027년 봄, 미국 워싱턴 D.C.", "Seoul, in the autumn of 2027.", "2027년 가을, 서울"),
}


def test_a_correction_in_both_languages_changes_the_korean_text_and_keeps_the_original(
        app, client, auth, api, committee, adopted):
    from tests.test_three_documents import flat, pdftotext

    meeting_id, original = adopted
    item = item_of_fourth_record(app, meeting_id)
    text = {name: english for name, (_adopted, english, _korean) in BOTH.items()}
    korean = {name: corrected for name, (_adopted, _english, corrected) in BOTH.items()}
    made = api.post(corrections_url(meeting_id), committee.kr_secretariat, json={
        "reason": "The record of the AI item and the progress on A.1 were inexact in both texts.",
        "changes": {"records": [{"agenda_item_id": item, "discussion": text["discussion"],
                                 "discussion_ko": korean["discussion"], "decisions": [text["decisions"]],
                                 "decisions_ko": [korean["decisions"]]}],
                    "progress": [{"focus_area": "A.1", "narrative": text["narrative"],
                                  "narrative_ko": korean["narrative"]}]}})
    assert made.status_code == 201, made.get_json()
    # The next meeting is added to the proposal in both languages; the API gives back the Korean beside the English.
    changed = api.client.patch(f"{corrections_url(meeting_id)}/1", headers=api.headers(committee.us_secretariat),
                               json={"version": 1, "changes": {**made.get_json()["changes"],
                                                               "next_meeting": text["next_meeting"],
                                                               "next_meeting_ko": korean["next_meeting"]}})
    assert changed.status_code == 200, changed.get_json()
    (listed,) = api.get(corrections_url(meeting_id), committee.kr_observer).get_json()
    for changes in (changed.get_json()["changes"], listed["changes"]):
        assert changes == {
            "records": [{"agenda_item_id": item, "discussion": text["discussion"], "discussion_ko": korean["discussion"],
                         "decisions": [text["decisions"]], "decisions_ko": [korean["decisions"]]}],
            "progress": [{"focus_area": "A.1", "narrative": text["narrative"], "narrative_ko": korean["narrative"]}],
            "next_meeting": text["next_meeting"], "next_meeting_ko": korean["next_meeting"]}
    for co_chair in (committee.kr_co_chair, committee.us_co_chair):
        adopted_ = api.post(f"{corrections_url(meeting_id)}/1/approvals", co_chair, json={"version": 2})
        assert adopted_.status_code == 201, adopted_.get_json()
    corrected = adopted_.get_json()["sha256"]
    assert adopted_.get_json()["status"] == "adopted" and corrected != original
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        record = services.get_correction(minutes, 1).content
        assert digest(record) == corrected  # the digest covers the corrected Korean text
        entry = record["records"][3]
        assert (entry["discussion_ko"], entry["decisions_ko"]) == (korean["discussion"], [korean["decisions"]])
        assert record["next_meeting_ko"] == korean["next_meeting"]
        assert minutes.adopted_content["records"][3]["decisions_ko"] == [ADOPTED_KO]  # the original stays as it was

    auth.login(committee.us_delegate)
    in_korean = client.get(minutes_url(meeting_id) + "?lang=ko").get_data(as_text=True)
    side_by_side = client.get(minutes_url(meeting_id) + "?lang=both").get_data(as_text=True)
    pdf_korean = flat(" ".join(pdftotext(client.get(minutes_url(meeting_id, "pdf") + "?lang=ko").data)))
    pdf_both = "\n".join(pdftotext(client.get(minutes_url(meeting_id, "pdf") + "?lang=both").data, "-layout")).splitlines()
    for name, (before, english, after) in BOTH.items():
        assert after in in_korean and after in side_by_side and english in side_by_side, name
        assert flat(after) in pdf_korean, name
        # Side by side, each corrected English paragraph and its corrected Korean begin on the same line.
        (line,) = [line for line in pdf_both if english[:30] in line]
        assert flat(after[:8]) in flat(line), (name, line)
        if before:
            assert before not in in_korean and flat(before) not in pdf_korean, name
    assert corrected in in_korean and corrected in pdf_korean
    # As first adopted, the Korean text is as it was.
    as_adopted = client.get(minutes_url(meeting_id) + "?corr=0&lang=ko").get_data(as_text=True)
    as_adopted_pdf = flat(" ".join(pdftotext(client.get(minutes_url(meeting_id, "pdf") + "?corr=0&lang=ko").data)))
    for name, (before, _english, after) in BOTH.items():
        assert after not in as_adopted and flat(after) not in as_adopted_pdf, name
        if before:
            assert before in as_adopted and flat(before) in as_adopted_pdf, name
    assert original in as_adopted and corrected not in as_adopted

    verified = client.get(f"/api/v1/verify/{corrected}").get_json()
    assert verified["match"] and verified["correction"] == 1 and verified["superseded_by"] is None
    assert client.get(f"/api/v1/verify/{original}").get_json()["superseded_by"] == {"correction": 1,
                                                                                     "sha256": corrected}


def test_a_text_corrected_in_one_language_only_is_refused_naming_the_other(app, api, committee, adopted):
    meeting_id, original = adopted
    item = item_of_fourth_record(app, meeting_id)

    def proposed(changes):
        return api.post(corrections_url(meeting_id), committee.us_secretariat, json={
            "reason": "The record was inexact.", "changes": changes})

    refused = proposed({"records": [{"agenda_item_id": item, "decisions": [CORRECTED]}]})
    error = refused.get_json()["error"]
    assert refused.status_code == 422 and error["field"] == "changes.records[0].decisions_ko"
    assert "equally authentic" in error["message"]
    assert "“Decisions” is corrected in English but not in Korean" in error["message"]
    # Every text left out is named, each where it belongs in the body.
    refused = proposed({"records": [{"agenda_item_id": item, "discussion": "Changed in English alone."}],
                        "progress": [{"focus_area": "A.1", "narrative_ko": "국문만 바꾼 문안"}],
                        "next_meeting": "Seoul, in the autumn of 2027."})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]["json"]) == {
        "changes.records[0].discussion_ko", "changes.progress[0].narrative", "changes.next_meeting_ko"}
    # The Korean given as adopted, on purpose: it already says what the English is corrected to. Not so when the
    # English decisions become more than the Korean ones: one for each, in the same order.
    assert proposed({"records": [{"agenda_item_id": item, "decisions": [CORRECTED, "A second decision."],
                                  "decisions_ko": [ADOPTED_KO]}]}).status_code == 422
    made = proposed({"records": [{"agenda_item_id": item, "decisions": [CORRECTED], "decisions_ko": [ADOPTED_KO]}]})
    assert made.status_code == 201 and made.get_json()["changes"]["records"][0]["decisions_ko"] == [ADOPTED_KO]
    # A change of the proposal is held to the same rule.
    korean_only = api.client.patch(f"{corrections_url(meeting_id)}/1", headers=api.headers(committee.kr_secretariat),
                             json={"version": 1, "changes": {"next_meeting_ko": "2027년 가을, 서울"}})
    assert korean_only.status_code == 422 and korean_only.get_json()["error"]["field"] == "changes.next_meeting"
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        assert services.get_correction(minutes, 1).version == 1 and services.current_record(minutes)[1] == original


def test_corrections_are_refused_clearly(app, api, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    item = None
    with app.app_context():
        item = services.ordered_sections(services.minutes_for(get_meeting(held_meeting)))[3].agenda_item_id
    draft = propose(api, committee, held_meeting, item)
    assert draft.status_code == 409 and "Only adopted minutes" in draft.get_json()["error"]["message"]

    sha = adopt(app, committee, held_meeting)
    assert propose(api, committee, held_meeting, item, decisions=(
        "The two sides agreed to exchange testbed inventories by June.",),
        decisions_ko=(ADOPTED_KO,)).status_code == 422  # changes nothing
    assert propose(api, committee, held_meeting, 999_999).status_code == 422
    assert propose(api, committee, held_meeting, item, supersedes="0" * 64).status_code == 409
    no_reason = api.post(corrections_url(held_meeting), committee.us_secretariat, json={
        "reason": "  ", "changes": {"records": [{"agenda_item_id": item, "decisions": ["x"], "decisions_ko": ["가"]}]}})
    assert no_reason.status_code == 422
    assert api.post(corrections_url(held_meeting), committee.kr_delegate, json={
        "reason": "r", "changes": {"next_meeting": "Seoul", "next_meeting_ko": "서울"}}).status_code == 403
    assert api.post(corrections_url(held_meeting), committee.us_secretariat, json={
        "reason": "r", "changes": {"next_meeting": 5}}).status_code == 422

    assert propose(api, committee, held_meeting, item).status_code == 201
    assert propose(api, committee, held_meeting, item, decisions=("Another",),
                   decisions_ko=("다른 결정",)).status_code == 409  # one at a time
    url = f"{corrections_url(held_meeting)}/1/approvals"
    assert api.post(url, committee.kr_delegate, json={}).status_code == 403
    assert api.post(url, committee.us_secretariat, json={}).status_code == 403
    assert api.post(url, committee.kr_co_chair, json={"side": "US"}).status_code == 422
    assert api.post(url, committee.us_co_chair, json={"version": 1}).status_code == 201

    # A change to the proposal clears the adoption given and moves its version: a stale approval is refused.
    changed = api.client.patch(f"{corrections_url(held_meeting)}/1", headers=api.headers(committee.kr_secretariat),
                               json={"version": 1, "changes": {"next_meeting": "Seoul, in the autumn of 2027",
                                                               "next_meeting_ko": "2027년 가을, 서울"}})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    assert changed.get_json()["approvals"]["US"] is None
    assert api.post(url, committee.kr_co_chair, json={"version": 1}).status_code == 409
    stale = api.client.patch(f"{corrections_url(held_meeting)}/1", headers=api.headers(committee.us_secretariat),
                             json={"version": 1, "reason": "late"})
    assert stale.status_code == 409

    withdrawn = api.client.patch(f"{corrections_url(held_meeting)}/1", headers=api.headers(committee.us_secretariat),
                                 json={"version": 2, "status": "withdrawn"})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert api.post(url, committee.kr_co_chair, json={}).status_code == 409
    listed = api.get(corrections_url(held_meeting), committee.kr_observer).get_json()
    assert [c["status"] for c in listed] == ["withdrawn"]
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        assert minutes.sha256 == sha and services.current_record(minutes)[1] == sha  # nothing changed


def test_the_pages_propose_and_adopt_a_correction_in_both_languages_keeping_what_was_typed(
        app, client, auth, committee, adopted):
    meeting_id, original = adopted
    item = item_of_fourth_record(app, meeting_id)
    minutes_page = f"/meetings/{meeting_id}/minutes"
    auth.login(committee.kr_secretariat)
    page = client.get(minutes_page).get_data(as_text=True)
    assert "Propose a correction" in page
    # Each text in its two languages side by side: the English box and the Korean one in one pair, as adopted.
    for english, korean in ((f"discussion-{item}", f"discussion_ko-{item}"), (f"decisions-{item}", f"decisions_ko-{item}"),
                            ("narrative-A.1", "narrative_ko-A.1"), ('name="next_meeting"', 'name="next_meeting_ko"')):
        between = page[page.index(english):page.index(korean)]
        assert '<div class="text-pair">' not in between and 'text-pair__text--ko' in between, english
    assert ADOPTED_KO in page

    def propose_on_the_page(**boxes):
        return post_form(client, f"/meetings/{meeting_id}/minutes/corrections",
                         {"supersedes": original, **boxes}, page=minutes_page)

    refused = propose_on_the_page(reason="", **{f"decisions-{item}": "A decision typed with care",
                                                f"decisions_ko-{item}": "정성 들여 입력한 결정 사항"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "A decision typed with care" in text and "정성 들여 입력한 결정 사항" in text  # nothing typed is lost

    # The English corrected and the Korean left as adopted: the two authentic texts would disagree.
    one_language = propose_on_the_page(reason="날짜 정정", **{f"decisions-{item}": CORRECTED})
    assert one_language.status_code == 422
    text = one_language.get_data(as_text=True)
    assert ("The record of agenda item 4 “AI for Science and Use-Inspired Research”: “Decisions” is corrected in "
            "English but not in Korean") in text
    assert CORRECTED in text and ADOPTED_KO in text  # what was typed, beside the Korean as adopted

    done = propose_on_the_page(reason="날짜 정정", **{f"decisions-{item}": CORRECTED, f"decisions_ko-{item}": CORRECTED_KO})
    assert done.status_code == 302, re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', done.get_data(as_text=True), re.S)
    auth.logout()
    for co_chair in (committee.us_co_chair, committee.kr_co_chair):
        auth.login(co_chair)
        page = client.get(minutes_page).get_data(as_text=True)
        assert "Adopt Corr. 1" in page and CORRECTED in page and CORRECTED_KO in page
        response = post_form(client, f"/meetings/{meeting_id}/minutes/corrections/1/adopt", {"version": "1"},
                             page=minutes_page)
        assert response.status_code == 302
        auth.logout()
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        record, sha = services.current_record(minutes)
        entry = record["records"][3]
        assert (entry["decisions"], entry["decisions_ko"]) == ([CORRECTED], [CORRECTED_KO]) and sha != original
        # A box the form did not send stays as adopted: the next meeting is not emptied.
        assert record["next_meeting"] == "Washington, D.C., in the spring of 2027." and record["next_meeting_ko"]
        db.session.remove()

    # Only the Korean is wrong: the secretariat says on purpose that the English already reads right.
    auth.login(committee.kr_secretariat)
    narrative_ko = "테스트베드를 일정대로 공유하였음."
    korean_only = {"reason": "국문 오기 정정", "narrative_ko-A.1": narrative_ko, "supersedes": sha}
    refused = post_form(client, f"/meetings/{meeting_id}/minutes/corrections", korean_only, page=minutes_page)
    assert refused.status_code == 422
    assert "Progress on A.1: “Narrative” is corrected in Korean but not in English" in refused.get_data(as_text=True)
    assert narrative_ko in refused.get_data(as_text=True)
    stated = post_form(client, f"/meetings/{meeting_id}/minutes/corrections", {**korean_only, "unchanged_stated": "y"},
                       page=minutes_page)
    assert stated.status_code == 302
    with app.app_context():
        correction = services.get_correction(services.minutes_for(get_meeting(meeting_id)), 2)
        assert correction.changes["progress"] == [{"focus_area": "A.1", "status": "on_track",
                                                   "narrative": "Testbeds shared on schedule.",
                                                   "narrative_ko": narrative_ko}]


def test_programs_read_the_adopted_record_and_can_recompute_its_digest(app, api, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    url = f"/api/v1/meetings/{held_meeting}/minutes/record"
    assert api.get(url, committee.kr_delegate).status_code == 404  # not adopted yet
    sha = adopt(app, committee, held_meeting)
    body = api.get(url, committee.kr_delegate).get_json()
    assert body["sha256"] == sha == digest(body["record"])
    assert api.get(url + "?corr=1", committee.kr_delegate).status_code == 404
    assert api.get(url + "?corr=0", committee.kr_delegate).get_json()["sha256"] == sha
