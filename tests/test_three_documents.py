"""Three documents from one record: the English text, the Korean text and the two side by side, each as HTML and
PDF, chosen by `lang` whatever the reader's interface; the record keeps both texts of everything a secretariat
writes, and its digest covers both."""

from __future__ import annotations

import copy
import re
import subprocess

from jcm.accounts.services import get_user
from jcm.actions.services import get_action_item
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.records import digest
from tests.test_minutes_document import _area, adopt, minutes_url

# What each secretariat wrote, in English and in Korean.
DISCUSSION = ("The U.S. side presented the shared AI testbeds.", "미국 측은 공동 인공지능 테스트베드를 소개하였다.")
SECOND = ("Both sides reviewed access to quantum computers.", "양측은 양자컴퓨터 접근 현황을 점검하였다.")
DECISIONS = (["Exchange testbed inventories by June.", "Hold a joint workshop in Seoul."],
             ["6월까지 테스트베드 목록을 교환한다.", "서울에서 공동 워크숍을 개최한다."])
NARRATIVE = ("Testbeds shared on schedule.", "테스트베드가 일정대로 공유되었다.")
QUANTUM = ("Access to quantum testbeds is delayed.", "양자 테스트베드 접근이 지연되고 있다.")
NEXT = ("Washington, D.C., in the spring of 2027.", "2027년 봄, 워싱턴 D.C.")
ACTION = ("Organise a joint quantum workshop", "양자 공동 워크숍 개최")


def write_both_texts(app, committee, meeting_id: int, raised_id: int | None = None) -> list[str]:
    """Minutes whose every text is written in English and in Korean; returns the Korean texts written."""
    with app.app_context():
        us, kr = get_user(committee.us_secretariat.id), get_user(committee.kr_secretariat.id)
        minutes = services.open_minutes(us, get_meeting(meeting_id))
        services.set_attendance(us, minutes, "US", [
            {"name": "Dr. Jane Doe", "title": "Director", "organization": "National Science Foundation"}])
        services.set_attendance(kr, minutes, "KR", [
            {"name": "Hong Gil-dong", "title": "Deputy Director", "organization": "Ministry of Science and ICT"}])
        sections = services.ordered_sections(minutes)
        services.save_section(us, sections[3], DISCUSSION[0], DECISIONS[0], None)
        services.save_section(us, sections[4], SECOND[0], [], None)
        services.save_progress(us, minutes, _area("A.1"), "on_track", NARRATIVE[0])
        services.save_progress(us, minutes, _area("B.4"), "at_risk", QUANTUM[0])
        services.set_next_meeting(us, minutes, NEXT[0])
        db.session.commit()
    with app.app_context():
        meeting = get_meeting(meeting_id, with_agenda=True)
        minutes = services.minutes_for(meeting)
        sections = services.ordered_sections(minutes)
        korean = {"meeting": ("제12차 한미 과학기술 공동위원회", "정부세종청사", "세종")}
        meeting.title_ko, meeting.venue_ko, meeting.city_ko = korean["meeting"]
        written = list(korean["meeting"])
        for number, item in enumerate(meeting.items, start=1):
            item.title_ko = item.title_ko or f"안건 제{number}호"
            item.description_ko = f"안건 제{number}호에 관한 설명" if item.description else ""
            item.presenter_us_ko = "마거릿 첸" if item.presenter_us else ""
            item.presenter_kr_ko = "이준호" if item.presenter_kr else ""
            written.append(item.title_ko)
        sections[3].discussion_ko, sections[3].decisions_ko = DISCUSSION[1], DECISIONS[1]
        sections[4].discussion_ko = SECOND[1]
        for entry in minutes.progress:
            entry.narrative_ko = NARRATIVE[1] if entry.narrative == NARRATIVE[0] else QUANTUM[1]
        minutes.next_meeting_ko = NEXT[1]
        for attendee in minutes.attendees:
            attendee.name_ko, attendee.title_ko, attendee.organization_ko = (
                ("제인 도", "국장", "미국 국립과학재단") if attendee.side == "US" else ("홍길동", "과장", "과학기술정보통신부"))
            written += [attendee.name_ko, attendee.title_ko, attendee.organization_ko]
        for user, name, title in ((committee.us_co_chair, "마거릿 첸", "미국 측 수석대표"),
                                  (committee.kr_co_chair, "이준호", "한국 측 수석대표")):
            person = get_user(user.id)
            person.name_ko, person.title_ko = name, title
            written += [name, title]
        if raised_id is not None:
            get_action_item(raised_id).title_ko = ACTION[1]
            written.append(ACTION[1])
        db.session.commit()
    return written + [DISCUSSION[1], SECOND[1], *DECISIONS[1], NARRATIVE[1], QUANTUM[1], NEXT[1]]


def pdftotext(data: bytes, *options: str) -> list[str]:
    """The PDF's text page by page, as pdftotext reads it."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *options, "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode("utf-8")
    return out.split("\f")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_korean_text_is_korean_throughout_when_every_text_is_written_in_both(
        app, client, auth, committee, held_meeting, make_action_item):
    raised = make_action_item(title=ACTION[0], focus_area="B.4", due_date="2026-09-30", meeting_id=held_meeting)
    written = write_both_texts(app, committee, held_meeting, raised)
    adopt(app, committee, held_meeting)
    auth.login(committee.us_delegate)  # an English interface: the lang parameter decides
    response = client.get(minutes_url(held_meeting, "pdf") + "?lang=ko")
    assert response.status_code == 200 and response.headers["Content-Language"] == "ko"
    text = flat(" ".join(pdftotext(response.data)))
    for korean in written + [ACTION[1]]:
        assert flat(korean) in text, korean
    # The Korean records form, Korea first, its co-chair signing first, Korean numbering and dates.
    for heading in ("회의명", "일시·장소", "주관부서", "참석자", "진행순서", "안건", "발언요지", "결정사항"):
        assert heading in text, heading
    assert text.index("대한민국 대표단") < text.index("미국 대표단")
    signatures = text[text.index("대한민국 정부 대표"):]
    assert signatures.index("이준호") < signatures.index("마거릿 첸")
    assert "가. 6월까지 테스트베드 목록을 교환한다." in text and "나. 서울에서 공동 워크숍을 개최한다." in text
    assert "2026년 3월 10일" in text
    assert "동등하게 정본인 한국어 및 영어로" in text  # both texts exist: the closing line says so
    # No English left but proper names and codes: references, focus-area codes, the digest, acronyms.
    # David Okafor, the U.S. delegate who owns the action item, has no name in Hangul: his name is printed as it is.
    allowed = re.compile(r"^(David|Okafor|JCM\d+(-[A-Z]\d+)?|[A-Z]\.\d+|SHA-256|[0-9a-f]{64}|[0-9a-f]+|D\.C\.?|ICT|AI|"
                         r"lang|ko)$")
    english = [word for word in re.findall(r"[A-Za-z][A-Za-z0-9.\-]*", text) if not allowed.match(word)]
    assert not english, " ".join(sorted(set(english))) + " ||| " + text
    for left in (DISCUSSION[0], DECISIONS[0][0], NARRATIVE[0], NEXT[0], ACTION[0], "Director"):
        assert left not in text


def test_the_parallel_text_sets_each_paragraph_beside_its_other(app, client, auth, committee, held_meeting):
    write_both_texts(app, committee, held_meeting)
    auth.login(committee.kr_delegate)  # a Korean interface: the lang parameter decides
    html = client.get(minutes_url(held_meeting) + "?lang=both").get_data(as_text=True)
    # In the HTML: each pair is one row of two columns, the English in the first, the Korean in the second.
    for en, ko in (DISCUSSION, SECOND, NARRATIVE, QUANTUM, NEXT, *zip(*DECISIONS)):
        row = re.search(r"<tr>(?:(?!</tr>).)*" + re.escape(en) + r"(?:(?!</tr>).)*</tr>", html, re.S)
        assert row and ko in row.group(0), en
        assert row.group(0).index('lang="en"') < row.group(0).index(en) < row.group(0).index('lang="ko"') \
            < row.group(0).index(ko)
    response = client.get(minutes_url(held_meeting, "pdf") + "?lang=both")
    assert response.status_code == 200 and response.headers["Content-Language"] == "en, ko"
    # In the PDF, read as laid out: each English paragraph and its Korean stand on the same page and the same line.
    pages = pdftotext(response.data, "-layout")
    for en, ko in (DISCUSSION, SECOND, NARRATIVE, QUANTUM, NEXT, *zip(*DECISIONS)):
        (page,) = [page for page in pages if en[:30] in page]
        (line,) = [line for line in page.splitlines() if en[:30] in line]
        assert ko[:8] in line, (en, line)
        assert line.index(en[:30]) < line.index(ko[:8])  # English on the left, Korean on the right
    assert "Agreed Minutes of the" in pages[0] and "제12차 공동위원회" in pages[0]  # the titles side by side


def test_the_digest_covers_the_korean_text_before_adoption_and_nothing_moves_it_after(
        app, client, auth, committee, held_meeting):
    from jcm.documents.records import MINUTES_SCHEMA, minutes_record

    write_both_texts(app, committee, held_meeting)
    with app.app_context():
        meeting = get_meeting(held_meeting)
        before = minutes_record(meeting, services.minutes_for(meeting))
        assert before["schema"] == MINUTES_SCHEMA == "jcm.minutes/2"
        entry = before["records"][3]
        # Each text as records always kept it, its Korean beside it under the API's name for it.
        assert (entry["discussion"], entry["discussion_ko"]) == DISCUSSION
        assert (entry["decisions"], entry["decisions_ko"]) == DECISIONS
        assert (before["next_meeting"], before["next_meeting_ko"]) == NEXT
        assert before["delegations"]["KR"][0]["name_ko"] == "홍길동"
        assert before["new_action_items"] == [] and before["records"][0]["title"]["ko"]
        services.ordered_sections(services.minutes_for(meeting))[3].discussion_ko = "양측은 다른 내용을 논의하였다."
        db.session.commit()
    with app.app_context():
        meeting = get_meeting(held_meeting)
        after = minutes_record(meeting, services.minutes_for(meeting))
        assert digest(after) != digest(before)  # only the Korean text changed
    sha256 = adopt(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    kept = {lang: client.get(minutes_url(held_meeting, "pdf") + f"?lang={lang}").data for lang in ("ko", "both")}
    with app.app_context():
        meeting = get_meeting(held_meeting)
        minutes = services.minutes_for(meeting)
        assert minutes.adopted_content["records"][3]["discussion_ko"] == "양측은 다른 내용을 논의하였다."
        minutes.next_meeting_ko = "채택 후에 바뀐 문안"  # what JCM holds changes; the adopted record does not
        db.session.commit()
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        assert minutes.sha256 == sha256 == digest(minutes.adopted_content)
        assert (minutes.adopted_content["next_meeting"], minutes.adopted_content["next_meeting_ko"]) == NEXT
    for lang, data in kept.items():
        assert client.get(minutes_url(held_meeting, "pdf") + f"?lang={lang}").data == data
        assert "채택 후에 바뀐 문안" not in client.get(minutes_url(held_meeting) + f"?lang={lang}").get_data(as_text=True)


def test_a_record_of_schema_1_prints_as_it_always_did(app, client, auth, committee, held_meeting, make_action_item):
    """A record adopted before both texts were kept: plain strings, printed by the templates it was adopted with."""
    make_action_item(title=ACTION[0], focus_area="B.4", due_date="2026-09-30", meeting_id=held_meeting)
    write_both_texts(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(held_meeting))
        record = copy.deepcopy(minutes.adopted_content)
        record["schema"] = "jcm.minutes/1"

        def english_only(value):
            if isinstance(value, dict):
                return {key: english_only(item) for key, item in value.items() if not key.endswith("_ko")}
            if isinstance(value, list):
                return [english_only(item) for item in value]
            return value

        record = english_only(record)
        for item in record["new_action_items"]:
            item["title"] = item["title"]["en"]
        agenda = record["agenda"]  # the agenda annexed then was of /1 too
        agenda["schema"] = "jcm.agenda/1"
        for slot in (slot for day in agenda["days"] for slot in day["slots"]):
            slot["item"]["description"] = slot["item"]["description"]["en"]
            slot["item"]["presenters"] = {side: name["en"] for side, name in slot["item"]["presenters"].items()}
        minutes.adopted_content, minutes.sha256 = record, digest(record)
        db.session.commit()
    auth.login(committee.kr_delegate)
    korean = client.get(minutes_url(held_meeting) + "?lang=ko").get_data(as_text=True)
    # The old Korean headings, the English texts it kept, the English title of the action item as a plain string.
    assert "공동위원장 및 대표단" in korean and "양측은 다음과 같이 합의하였다." in korean and "발언요지" not in korean
    assert DISCUSSION[0] in korean and NEXT[0] in korean and f"<td>{ACTION[0]}</td>" in korean
    assert "영어로 2부 작성되었다" in korean
    assert client.get(minutes_url(held_meeting, "pdf") + "?lang=ko").status_code == 200


def test_a_language_that_does_not_exist_is_refused_clearly(app, client, auth, committee, held_meeting,
                                                           make_meeting):
    write_both_texts(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    for url in (minutes_url(held_meeting), minutes_url(held_meeting, "pdf"), f"/meetings/{held_meeting}/agenda.html",
                f"/meetings/{held_meeting}/agenda.pdf"):
        for bad in ("xx", "BOTH", "en,ko", "ko%00"):
            response = client.get(f"{url}?lang={bad}")
            assert response.status_code in (400, 422), (url, bad, response.status_code)
            assert "lang=both" in response.get_data(as_text=True), (url, bad)
        if url.endswith(".html"):  # each language's PDFs are printed by the stories above
            for lang in ("en", "ko", "both"):
                assert client.get(f"{url}?lang={lang}").status_code == 200, (url, lang)
