"""The implementation report: a minister's summary, per area of the MOU, of what the meetings of a period recorded —
the status trend of each focus area, the decisions meeting by meeting, what was done and what is overdue and by whom
— in English, Korean or both, as a page and as a PDF printed from the same template, with its charts drawn as SVG."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from jcm.accounts.models import Organization
from jcm.accounts.services import get_user
from jcm.actions.services import get_action_item, post_update
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from tests.conftest import complete_both_texts
from tests.test_agenda_document import BROWSER, assert_reads_as_a_korean_document, pdf_text
from tests.test_dashboard_records import _decided
from tests.test_document_cache import counting_renders
from tests.test_minutes import DECISIONS, DECISIONS_KO, DISCUSSION, DISCUSSION_KO, _area, person

REPORT = "/reports/implementation"
OLD_NARRATIVE_KO = "7월에 테스트베드를 공유하였다."
DRAFT_DECISION = "Open the quantum testbeds to Korean researchers."
DRAFT_DECISION_KO = "양자 테스트베드를 한국 연구자에게 개방한다."
SCRIPT = "<script>alert('report')</script>"


def report(kind: str = "html", **args) -> str:
    query = "&".join(f"{key}={value}" for key, values in args.items()
                     for value in (values if isinstance(values, list) else [values]))
    return f"{REPORT}.{kind}" + (f"?{query}" if query else "")


@pytest.fixture
def history(app, committee, make_meeting, make_action_item):
    """Two meetings and the action items of the areas they discussed:

    - the 11th (10 March 2025), its minutes adopted and then corrected: A.1 on track, B.4 at risk, two decisions on
      the A.1 item; the correction rewrote A.1's narrative and the first decision's Korean text;
    - the 12th (10 March 2026), its minutes still a draft: A.1 at risk, one decision on the A.1 item;
    - action items on A.1: one overdue, owned by David Okafor (데이비드 오카포) and the NRF (한국연구재단), one done on
      1 May 2026; on B.4 one open and not yet due."""
    eleventh = make_meeting(ordinal=11, start_date="2025-03-10", status="held")
    twelfth = make_meeting(ordinal=12, start_date="2026-03-10", status="held")
    with app.app_context():
        us = person(committee, "us_secretariat")
        minutes, section = _decided(app, committee, eleventh)
        services.save_progress(us, minutes, _area(app, "B.4"), "at_risk", f"Funding delayed. {SCRIPT}",
                               narrative_ko=f"예산 지연. {SCRIPT}")
        complete_both_texts(app, committee, eleventh)
        services.set_status(us, minutes, "circulated")
        services.adopt(person(committee, "us_co_chair"), minutes)
        services.adopt(person(committee, "kr_co_chair"), minutes)
        correction = services.propose_correction(us, minutes, {
            "records": [{"agenda_item_id": section.agenda_item_id, "decisions": DECISIONS,
                         "decisions_ko": ["7월까지 테스트베드 목록을 공유한다.", DECISIONS_KO[1]]}],
            "progress": [{"focus_area": "A.1", "narrative": "Testbeds shared in July.",
                          "narrative_ko": OLD_NARRATIVE_KO}]}, "기한 오기 수정")
        services.adopt_correction(person(committee, "us_co_chair"), correction)
        services.adopt_correction(person(committee, "kr_co_chair"), correction)

        draft = services.open_minutes(us, get_meeting(twelfth))
        draft_section = services.ordered_sections(draft)[3]
        services.save_section(us, draft_section, DISCUSSION, [f"{DRAFT_DECISION} {SCRIPT}"], 1,
                              discussion_ko=DISCUSSION_KO, decisions_ko=[DRAFT_DECISION_KO])
        services.save_progress(us, draft, _area(app, "A.1"), "at_risk", "Procurement slipped.",
                               narrative_ko="조달 지연.")
        get_user(committee.us_delegate.id).name_ko = "데이비드 오카포"
        nrf = db.session.scalar(select(Organization.id).where(Organization.acronym == "NRF"))
        db.session.commit()
    overdue = make_action_item(title="Share the quantum testbed list", title_ko="양자 테스트베드 목록 공유",
                               focus_area="A.1", due_date="2026-06-30", meeting_id=twelfth,
                               owners={"US": [{"user_id": committee.us_delegate.id}], "KR": [{"organization_id": nrf}]})
    done = make_action_item(title="Name the workshop's organisers", title_ko="워크숍 조직위원 지명", focus_area="A.1",
                            due_date="2026-09-30", meeting_id=twelfth)
    open_ = make_action_item(title="Draft the quantum roadmap", title_ko="양자 로드맵 초안 작성", focus_area="B.4",
                             due_date="2099-12-31")
    with app.app_context():
        post_update(person(committee, "us_secretariat"), get_action_item(done), "Organisers named.", "done")
        db.session.commit()
    return {"eleventh": eleventh, "twelfth": twelfth, "overdue": overdue, "done": done, "open": open_}


def text_of(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


# --- reading it -------------------------------------------------------------------------------------------------

def test_a_co_chair_reads_each_areas_status_decisions_and_overdue_items_in_english(client, auth, committee, history):
    auth.login(committee.us_co_chair)
    response = client.get(report(lang="en", area=["A", "B"]))
    assert response.status_code == 200 and response.headers["Content-Language"] == "en"
    page = text_of(response)
    assert "Report on the Implementation of the Memorandum of Understanding" in page
    assert "The Government of the United States of America" in page and "Republic of Korea" in page
    # The status trend of A.1 across the two meetings, in words: on track when adopted, at risk in the draft.
    strip = re.search(r'<svg[^>]*chart--strip.*?</svg>', page).group(0)
    assert "JCM11" in strip and "JCM12" in strip and "On track" in strip and "At risk *" in strip
    # The latest narrative of A.1 is the draft's; B.4's the adopted meeting's. The draft's decision is provisional.
    assert "Procurement slipped." in page and "Testbeds shared in July." not in page and "Funding delayed." in page
    assert DECISIONS[0] in page and DECISIONS[1] in page
    assert f"{DRAFT_DECISION} &lt;script&gt;alert(&#39;report&#39;)&lt;/script&gt; *" in page
    # What is overdue and by whom; what was done.
    assert "Share the quantum testbed list" in page and "David Okafor" in page
    assert "National Research Foundation of Korea" in page
    assert "Name the workshop&#39;s organisers" in page
    assert "Provisional" in page and "JCM12" in page
    assert "Action items: 1 done in the period, 1 open, of which 1 overdue." in page  # area A


def test_the_korean_text_is_korean_and_names_korea_first(client, auth, committee, history):
    auth.login(committee.us_delegate)  # an English interface: the lang parameter decides
    response = client.get(report(lang="ko"))
    assert response.status_code == 200 and response.headers["Content-Language"] == "ko"
    page = text_of(response)
    assert "양해각서 이행 현황 보고서" in page
    assert page.index("대한민국") < page.index("미합중국")
    assert "정상 진행" in page and "지연 우려 *" in page  # on track (adopted), at risk (the draft: provisional)
    assert "7월까지 테스트베드 목록을 공유한다." in page  # the corrected Korean decision
    assert DRAFT_DECISION_KO in page and "양자 테스트베드 목록 공유" in page
    assert "데이비드 오카포" in page and "한국연구재단" in page
    assert '<html lang="ko">' in response.get_data(as_text=True)
    assert_reads_as_a_korean_document(response.get_data(as_text=True))


def test_the_parallel_text_sets_the_english_beside_the_korean(client, auth, committee, history):
    auth.login(committee.kr_delegate)
    response = client.get(report(lang="both"))
    page = text_of(response)
    assert response.headers["Content-Language"] == "en, ko"
    assert 'class="parallel' in page
    assert "Report on the Implementation of the Memorandum of Understanding" in page
    assert "양해각서 이행 현황 보고서" in page
    assert DECISIONS[1] in page and DECISIONS_KO[1] in page
    assert page.count("chart--strip") >= 2  # a chart in each language


def test_adopted_minutes_are_read_from_their_corrected_text_not_the_rows(app, client, auth, committee, history):
    """The rows of adopted minutes behind their frozen text change nothing in the report."""
    from jcm.minutes.models import ProgressEntry

    with app.app_context():
        minutes = services.minutes_for(get_meeting(history["eleventh"]))
        for entry in db.session.scalars(select(ProgressEntry).where(ProgressEntry.minutes_id == minutes.id)):
            entry.narrative_ko = "행을 직접 고친 글"
            entry.status = "off_track"
        db.session.commit()
    auth.login(committee.kr_co_chair)
    page = text_of(client.get(report(lang="ko", to="2025-12-31")))
    strip = re.search(r'<svg[^>]*chart--strip.*?</svg>', page).group(0)
    assert "행을 직접 고친 글" not in page and "정상 진행" in strip and ">지연<" not in strip
    assert OLD_NARRATIVE_KO in page  # the correction's narrative of A.1, the latest in this period
    assert "7월까지 테스트베드 목록을 공유한다." in page


def test_draft_statuses_are_marked_provisional(client, auth, committee, history):
    auth.login(committee.us_secretariat)
    page = text_of(client.get(report(lang="en")))
    assert "Statuses and decisions marked * come from minutes not yet adopted by both co-chairs (JCM12)" in page
    assert "Draft — provisional *" in page  # the 12th's minutes in the list of meetings
    only_adopted = text_of(client.get(report(lang="en", to="2025-12-31")))
    assert "not yet adopted" not in only_adopted and " *" not in only_adopted.split("<article")[1]


# --- the period and the areas ---------------------------------------------------------------------------------

def test_the_period_keeps_the_meetings_that_began_in_it(client, auth, committee, history):
    auth.login(committee.us_delegate)
    page = text_of(client.get(report(lang="en", **{"from": "2026-01-01"})))  # to today
    assert "JCM12" in page and "JCM11" not in page
    assert "January 1, 2026 to " in page
    assert DECISIONS[0] not in page and DRAFT_DECISION in page
    # The item marked done today is within; in a period that ended before, it is not.
    assert "Name the workshop&#39;s organisers" in page
    earlier = text_of(client.get(report(lang="en", **{"from": "2025-01-01", "to": "2025-12-31"})))
    assert "Name the workshop&#39;s organisers" not in earlier and DECISIONS[0] in earlier


def test_areas_chosen_are_the_only_ones_reported(client, auth, committee, history):
    auth.login(committee.us_delegate)
    page = text_of(client.get(report(lang="en", area="B.4")))
    assert 'id="area-B.4"' in page and 'id="area-A"' not in page
    assert "Draft the quantum roadmap" not in page  # open, not overdue: counted, not listed
    assert "Share the quantum testbed list" not in page  # an A.1 item
    assert DECISIONS[0] not in page  # taken under the A.1 item
    assert "Action items: 0 done in the period, 1 open, of which 0 overdue." in page
    counts = re.search(r'<table class="review__table report__counts">.*?</table>', page).group(0)
    assert re.sub(r"<[^>]+>", " ", counts).split() == [
        "Side", "Done", "in", "the", "period", "Open", "Overdue", "United", "States", "0", "1", "0",
        "Republic", "of", "Korea", "0", "1", "0"]
    everything = text_of(client.get(report(lang="en")))  # every area of cooperation
    assert 'id="area-A"' in everything and 'id="area-B"' in everything and 'id="area-B.4"' not in everything


def test_a_narrative_or_decision_holding_markup_is_printed_as_text(client, auth, committee, history):
    auth.login(committee.kr_observer)
    for lang in ("en", "ko", "both"):
        page = client.get(report(lang=lang)).get_data(as_text=True)
        assert SCRIPT not in page and "<script" not in page
        assert "&lt;script&gt;alert(" in page  # B.4's narrative (its markdown made safe), the draft's decision


# --- the charts ---------------------------------------------------------------------------------------------------

def test_the_charts_are_inline_svg_with_words_and_no_script(app, client, auth, committee, history):
    from jcm.dashboard.report import ReportFilters, implementation_report
    from jcm.dashboard.views import report_html

    auth.login(committee.us_delegate)
    page = client.get(report(lang="en")).get_data(as_text=True)
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(charts) >= 3  # the sides' bars, and a strip for each of areas A and B
    for chart in charts:
        assert "<script" not in chart and "href" not in chart and "<title>" in chart and 'role="img"' in chart
    strip = next(chart for chart in charts if "chart--strip" in chart)
    assert "<desc>A.1: JCM11 On track, JCM12 At risk *</desc>" in strip  # what a screen reader says of it
    bars = next(chart for chart in charts if "chart--bars" in chart)
    assert "<desc>United States: Done in the period 1, Open 2, Overdue 1; Republic of Korea:" in bars
    assert "United States" in bars and "Overdue" in bars and "Done in the period" in bars
    with app.test_request_context("/reports/implementation.pdf"):
        from flask_babel import force_locale

        with force_locale("en"):
            printed = report_html(implementation_report(get_user(committee.us_delegate.id), ReportFilters(),
                                                        date.today()), "en")
    assert re.findall(r"<svg.*?</svg>", printed, re.S) == charts  # the PDF prints the very same charts


# --- the PDF ------------------------------------------------------------------------------------------------------

def test_the_pdf_holds_the_areas_statuses_decisions_and_owners_in_english(client, auth, committee, history):
    auth.login(committee.us_co_chair)
    response = client.get(report("pdf", lang="en"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("inline; filename=implementation-report-")
    text = pdf_text(response.data)
    for words in ("Report on the Implementation", "A.1", "On track", "At risk", DECISIONS[1], DRAFT_DECISION,
                  "Share the quantum testbed list", "David Okafor", "National Research Foundation of Korea",
                  "Page 1 of"):
        assert words in text, words


def test_the_korean_pdf_prints_hangul(client, auth, committee, history):
    auth.login(committee.kr_co_chair)
    text = pdf_text(client.get(report("pdf", lang="ko")).data)
    for words in ("양해각서 이행 현황 보고서", "정상 진행", DECISIONS_KO[1], DRAFT_DECISION_KO, "데이비드 오카포",
                  "한국연구재단", "양자 테스트베드 목록 공유"):
        assert words.replace(" ", "") in text.replace(" ", ""), words


def test_a_second_download_of_an_unchanged_report_comes_from_the_draft_cache(app, client, auth, committee, history):
    auth.login(committee.us_delegate)
    with counting_renders(app) as renders:
        first = client.get(report("pdf", lang="en", area="A"))
        second = client.get(report("pdf", lang="en", area="A"))
    assert first.status_code == second.status_code == 200
    assert renders == [False] and second.data == first.data
    with app.app_context():  # the report changed: it is rendered anew
        minutes = services.minutes_for(get_meeting(history["twelfth"]))
        services.save_progress(person(committee, "us_secretariat"), minutes, _area(app, "A.1"), "off_track",
                               "Procurement stopped.", narrative_ko="조달 중단.")
        db.session.commit()
    with counting_renders(app) as renders:
        third = client.get(report("pdf", lang="en", area="A"))
    assert renders == [False] and third.data != first.data and "Off track" in pdf_text(third.data)


def test_a_reader_opening_the_unchanged_report_again_is_shown_it_without_it_being_gathered_again(
        app, client, auth, committee, history):
    from tests.test_query_counts import counting

    def read(url: str) -> tuple[bytes, list[str]]:
        with counting(app) as seen:
            response = client.get(url)
        assert response.status_code == 200, url
        return response.data, seen

    auth.login(committee.us_delegate)
    for kind in ("html", "pdf"):
        first, gathered = read(report(kind, lang="en", area="A"))
        again, read_again = read(report(kind, lang="en", area="A"))
        assert again == first
        assert not any("minutes_section" in sql or "action_item" in sql for sql in read_again), read_again
        assert len(read_again) < len(gathered) or kind == "pdf"
    auth.logout()
    auth.login(committee.kr_delegate)  # another reader's report is gathered for them
    _page, gathered = read(report("html", lang="en", area="A"))
    assert any("action_item" in sql for sql in gathered)
    with app.app_context():  # a change shows at once
        minutes = services.minutes_for(get_meeting(history["twelfth"]))
        services.save_progress(person(committee, "kr_secretariat"), minutes, _area(app, "A.1"), "off_track",
                               "Procurement stopped.", narrative_ko="조달 중단.")
        db.session.commit()
    page, _read = read(report("html", lang="en", area="A"))
    assert "Procurement stopped." in page.decode()


# --- who may read it ------------------------------------------------------------------------------------------

def test_an_observer_reads_it_and_a_program_reads_it_with_a_token(client, auth, api, committee, history):
    auth.login(committee.us_observer)
    assert client.get(report(lang="en")).status_code == 200
    auth.logout()
    response = api.get(report("html", lang="ko"), committee.kr_observer)
    assert response.status_code == 200 and "양해각서 이행 현황 보고서" in response.get_data(as_text=True)


def test_a_visitor_without_a_session_or_token_is_refused(client, committee, history):
    browser = client.get(report(lang="en"), headers=BROWSER)
    assert browser.status_code == 302 and "/login" in browser.headers["Location"]
    program = client.get(report("pdf"), headers={"Accept": "application/pdf"})
    assert program.status_code == 401
    wrong = client.get(report("pdf"), headers={"Authorization": "Bearer jcm_not-a-token"})
    assert wrong.status_code == 401


# --- bad input ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    ({"from": "2026-05-01", "to": "2026-01-01"}, "The period ends (2026-01-01) before it starts (2026-05-01)."),
    ({"from": "2026-13-45"}, "“2026-13-45” is not a date (YYYY-MM-DD)."),
    ({"to": "yesterday"}, "“yesterday” is not a date (YYYY-MM-DD)."),
    ({"area": "Z.9"}, "The MOU has no area with the code Z.9."),
    ({"area": "%3Cb%3EA%3C/b%3E"}, "The MOU has no area with the code &lt;b&gt;A&lt;/b&gt;."),
    ({"area": "A" * 5000}, "The MOU has no area with the code " + "A" * 40 + "…."),
    ({"lang": "fr"}, "Documents are printed in English (lang=en), in Korean (lang=ko) or in both side by side"),
])
def test_bad_input_is_a_clear_422_for_people_and_programs(client, auth, api, committee, history, args, words):
    auth.login(committee.kr_delegate)
    for kind in ("html", "pdf"):
        response = client.get(report(kind, **args))
        assert response.status_code == 422, (kind, args)
        assert words in response.get_data(as_text=True)
    auth.logout()
    response = api.get(report("pdf", **args), committee.us_delegate)
    assert response.status_code == 422 and response.is_json
    assert response.get_json()["error"]["code"] == "invalid"
    assert response.get_json()["error"]["message"].startswith(words.replace("&lt;", "<").replace("&gt;", ">")[:20])


def test_the_mou_page_links_to_the_report(client, auth, committee):
    auth.login(committee.us_delegate)
    assert 'href="/reports/implementation.html' in client.get("/mou").get_data(as_text=True)


# --- speed --------------------------------------------------------------------------------------------------------

def test_the_report_is_read_with_as_many_statements_whatever_it_holds(app, committee, history, make_meeting,
                                                                       make_action_item):
    from sqlalchemy import event

    from jcm.dashboard.report import ReportFilters, implementation_report

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        with app.test_request_context():
            reader = get_user(committee.kr_observer.id)
            implementation_report(reader, ReportFilters(), date.today())  # adopted texts read once, then kept
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                implementation_report(reader, ReportFilters(), date.today())
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    before = statements()
    for ordinal, day in ((13, "2026-06-10"), (14, "2026-09-10")):
        meeting_id = make_meeting(ordinal=ordinal, start_date=day, status="held")
        with app.app_context():
            us = person(committee, "us_secretariat")
            minutes = services.open_minutes(us, get_meeting(meeting_id))
            services.save_section(us, services.ordered_sections(minutes)[3], DISCUSSION, DECISIONS, 1,
                                  discussion_ko=DISCUSSION_KO, decisions_ko=DECISIONS_KO)
            services.save_progress(us, minutes, _area(app, "A.1"), "completed", "Done.", narrative_ko="완료.")
            db.session.commit()
        make_action_item(title=f"Follow-up of the {ordinal}th meeting", focus_area="B.4", due_date="2026-07-31")
    assert statements() == before
