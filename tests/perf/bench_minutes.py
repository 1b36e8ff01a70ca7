"""Benchmark: the minutes of a long meeting as HTML and as PDF (run with `make bench`; not part of the test run).

Targets from the issue: the HTML under 100 ms, the PDF under 3 s on the reference machine. The figures are
printed, never asserted: a benchmark that fails on a slow CI machine would only teach people to ignore it.
"""

from __future__ import annotations

import io
import statistics
import time

from pypdf import PdfReader
from sqlalchemy import event, select

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import add_agenda_item, get_meeting
from jcm.minutes import services
from jcm.mou.models import FocusArea
from tests.perf.figures import ms, sec, verdict

AGENDA_ITEMS = 40
CARRIED, RAISED = 30, 30
HTML_RUNS, PDF_RUNS = 20, 3

DISCUSSION = """The U.S. side presented progress on **{title}**, including the joint testbeds and the exchange of
researchers. 한국 측은 {n}번 의제에 대한 추진 현황과 향후 계획을 설명하였다.

- Two joint calls for proposals were issued; 공동 연구 과제 {n}건이 선정되었다.
- The sides reviewed the data-sharing arrangements and the timeline for the next phase.

Both sides noted that further coordination is needed on export-control questions."""
DISCUSSION_KO = """미국 측은 공동 테스트베드와 연구자 교류를 포함한 **{title}** 추진 현황을 발표하였다. 한국 측은 {n}번 의제에
대한 추진 현황과 향후 계획을 설명하였다.

- 공동 연구 과제 공모를 2회 실시하였으며, 공동 연구 과제 {n}건이 선정되었다.
- 양측은 데이터 공유 체계와 다음 단계 일정을 점검하였다.

양측은 수출통제 문제에 관하여 추가 협의가 필요하다는 데 인식을 같이하였다."""


def build_long_minutes(app, committee, make_meeting, make_action_item) -> int:
    previous = make_meeting(ordinal=11, start_date="2026-03-10", focus_areas=("A.1",))
    meeting_id = make_meeting(ordinal=12, start_date="2027-03-10", focus_areas=("A.1", "B.4"))
    with app.app_context():
        us, kr = get_user(committee.us_secretariat.id), get_user(committee.kr_secretariat.id)
        areas = list(db.session.scalars(select(FocusArea).where(FocusArea.agreement_id == committee.agreement_id)
                                        .order_by(FocusArea.position)))
        leaves = [a for a in areas if a.parent_id is not None] or areas
        meeting = get_meeting(meeting_id, with_agenda=True)
        for n in range(AGENDA_ITEMS - len(meeting.items)):
            add_agenda_item(us, get_meeting(meeting_id), {
                "kind": "focus_area", "title": f"Focus-area discussion {n + 1}", "title_ko": f"중점 분야 논의 {n + 1}",
                "duration_minutes": 10, "focus_area_ids": [leaves[n % len(leaves)].id]})
        get_meeting(meeting_id).status = "held"
        db.session.commit()
        leaf_codes = [a.code for a in leaves]
    for n in range(CARRIED):
        make_action_item(title=f"Carried-over action {n + 1}", meeting_id=previous, due_date="2026-10-01",
                         focus_area=leaf_codes[n % len(leaf_codes)])
    for n in range(RAISED):
        make_action_item(title=f"New action {n + 1}", title_ko=f"신규 후속조치 {n + 1}", meeting_id=meeting_id,
                         due_date="2027-10-01", focus_area=leaf_codes[n % len(leaf_codes)])
    with app.app_context():  # the record in both languages, as the two secretariats write it
        us, kr = get_user(committee.us_secretariat.id), get_user(committee.kr_secretariat.id)
        minutes = services.open_minutes(us, get_meeting(meeting_id))
        services.set_attendance(us, minutes, "US", [{"user_id": committee.us_co_chair.id}] + [
            {"name": f"Delegate {n}", "title": "Program Director", "organization": "National Science Foundation"}
            for n in range(10)])
        services.set_attendance(kr, minutes, "KR", [{"user_id": committee.kr_co_chair.id}] + [
            {"name": f"대표 {n}", "title": "과장", "organization": "과학기술정보통신부"} for n in range(10)])
        for n, attendee in enumerate(a for a in minutes.attendees if a.side == "US" and a.user_id is None):
            attendee.name_ko, attendee.title_ko, attendee.organization_ko = f"대표 {n}", "프로그램 디렉터", "미국 국립과학재단"
        for n, section in enumerate(services.ordered_sections(minutes), start=1):
            services.save_section(us, section, DISCUSSION.format(title=section.agenda_item.title, n=n),
                                  [f"The two sides agreed to continue cooperation under item {n}.",
                                   f"양측은 {n}번 의제의 후속 조치를 점검하기로 합의하였다."], None)
            section.discussion_ko = DISCUSSION_KO.format(title=section.agenda_item.title_ko, n=n)
            section.decisions_ko = [f"양측은 {n}번 의제에 따른 협력을 지속하기로 합의하였다.",
                                    f"양측은 {n}번 의제의 후속 조치를 점검하기로 합의하였다."]
        for area in db.session.scalars(select(FocusArea).where(FocusArea.agreement_id == committee.agreement_id)):
            entry = services.save_progress(us, minutes, area.id, "on_track", f"Progress in {area.code} is on schedule.")
            entry.narrative_ko = f"{area.code} 분야는 일정대로 추진되고 있음."
        services.set_next_meeting(us, minutes, "Washington, D.C., in the spring of 2028.")
        minutes.next_meeting_ko = "2028년 봄, 미국 워싱턴 D.C."
        db.session.commit()
    return meeting_id


def timed(call, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and median CPU time of this process (the latter less disturbed by a busy machine)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = call()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), statistics.median(cpu), result


def test_bench_minutes_render(app, client, auth, committee, make_meeting, make_action_item, figures):
    meeting_id = build_long_minutes(app, committee, make_meeting, make_action_item)
    auth.login(committee.us_delegate)
    html_url, pdf_url = f"/meetings/{meeting_id}/minutes.html", f"/meetings/{meeting_id}/minutes.pdf"

    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        first = client.get(html_url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert page.count('class="record"') >= AGENDA_ITEMS and "Carried-over action 30" in page
    assert "New action 30" in page and 'class="toc"' in page

    html_median, html_cpu, _response = timed(lambda: client.get(html_url), HTML_RUNS)
    pdf_median, pdf_cpu, response = timed(lambda: client.get(pdf_url), PDF_RUNS)
    assert response.status_code == 200
    pages = len(PdfReader(io.BytesIO(response.data)).pages)
    assert pages > 1

    print(f"\nminutes of {AGENDA_ITEMS} agenda items, {CARRIED} carried-over and {RAISED} new action items:")
    print(f"  HTML: median {html_median * 1000:.1f} ms of {HTML_RUNS} (CPU {html_cpu * 1000:.1f} ms; target < 100 ms), "
          f"{len(statements)} queries, {len(page) // 1024} KB")
    print(f"  PDF:  median {pdf_median:.2f} s of {PDF_RUNS} (CPU {pdf_cpu:.2f} s; target < 3 s), {pages} pages, "
          f"{len(response.data) // 1024} KB")

    figures.section(f"Draft minutes: {AGENDA_ITEMS} agenda items, {CARRIED} carried-over and {RAISED} new action items")
    figures.add(f"  HTML, median of {HTML_RUNS}", ms(html_median), ms(html_cpu), "< 100 ms",
                verdict(html_median < 0.1, html_cpu < 0.1))
    figures.add(f"  PDF ({pages} pages), median of {PDF_RUNS}", sec(pdf_median), sec(pdf_cpu), "< 3 s",
                verdict(pdf_median < 3, pdf_cpu < 3))
