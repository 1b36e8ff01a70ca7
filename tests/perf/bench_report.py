"""Benchmark: the implementation report over twelve meetings (draft minutes with progress and decisions on two focus
areas) and a hundred action items — implementation.html beside a bare endpoint, the statements it takes, and its
PDF: the first render beside plain WeasyPrint on the same HTML, and a second download of the unchanged report (the
draft cache, found by its record's digest). Every figure is a ratio to something measured in the same run; nothing
is asserted about time."""

from __future__ import annotations

from datetime import date

from flask import Flask, Response, current_app
from sqlalchemy import event

from jcm.accounts.services import get_user
from jcm.dashboard.report import ReportFilters, implementation_report
from jcm.dashboard.views import report_html
from jcm.documents.render import render_pdf
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from tests.perf.bench_adopted_record import Rounds, pages, plain
from tests.perf.bench_minutes import timed
from tests.perf.figures import ms, sec, verdict
from tests.test_minutes import DECISIONS, DECISIONS_KO, DISCUSSION, DISCUSSION_KO, _area

MEETINGS, ACTION_ITEMS = 12, 100
HTML_RUNS, SERVE_RUNS, RENDER_ROUNDS = 20, 30, 3
SERVE_WITHIN, RENDER_RATIO = 0.020, 1.2
STATUSES = ("on_track", "at_risk", "off_track", "completed", "not_started")


def build_history(app, committee, make_meeting, make_action_item) -> None:
    """Twelve yearly meetings, each with draft minutes recording A.1 and B.4 and two decisions; a hundred action
    items on the two areas, half of them overdue."""
    for n in range(MEETINGS):
        meeting_id = make_meeting(ordinal=n + 1, start_date=f"{2013 + n}-03-10", status="held")
        with app.app_context():
            us = get_user(committee.us_secretariat.id)
            minutes = services.open_minutes(us, get_meeting(meeting_id))
            services.save_section(us, services.ordered_sections(minutes)[3], DISCUSSION, DECISIONS, 1,
                                  discussion_ko=DISCUSSION_KO, decisions_ko=DECISIONS_KO)
            for code, shift in (("A.1", 0), ("B.4", 2)):
                services.save_progress(us, minutes, _area(app, code), STATUSES[(n + shift) % len(STATUSES)],
                                       f"Year {n + 1} of {code}.", narrative_ko=f"{code} {n + 1}년차.")
            db.session.commit()
    for n in range(ACTION_ITEMS):
        make_action_item(title=f"Joint action {n + 1}", title_ko=f"공동 조치 {n + 1}",
                         focus_area=("A.1", "B.4")[n % 2], due_date="2020-06-30" if n % 2 else "2099-06-30")


def test_bench_report(app, client, auth, committee, make_meeting, make_action_item, figures, quick):
    html_runs, serve_runs, rounds = (5, 10, 2) if quick else (HTML_RUNS, SERVE_RUNS, RENDER_ROUNDS)
    bare_app = Flask("bench")
    bare_app.add_url_rule("/bare", "bare", lambda: Response("<!doctype html><p>bare</p>", mimetype="text/html"))
    bare_client = bare_app.test_client()

    build_history(app, committee, make_meeting, make_action_item)
    auth.login(committee.us_delegate)
    html_url, pdf_url = "/reports/implementation.html?lang=en", "/reports/implementation.pdf?lang=en"
    with app.app_context():
        engine = db.engine
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(html_url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    bare_wall, bare_cpu, _ = timed(lambda: bare_client.get("/bare"), serve_runs)
    html_wall, html_cpu, _ = timed(lambda: client.get(html_url), html_runs)

    figures.section(f"The implementation report: {MEETINGS} meetings, {ACTION_ITEMS} action items")
    figures.add(f"  bare Flask endpoint, median of {serve_runs}", ms(bare_wall), ms(bare_cpu))
    figures.add(f"  implementation.html: {len(seen)} SQL, {len(response.data) // 1024} KB, median of {html_runs}",
                ms(html_wall), ms(html_cpu))
    # No target: the issue sets none for the report; the meetings' documents aim at 40× on a document of one meeting.
    figures.add("     ratio to the bare endpoint", f"{html_wall / bare_wall:.0f}×", f"{html_cpu / bare_cpu:.0f}×")

    first_wall, first_cpu, first = timed(lambda: client.get(pdf_url), 1)
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    again_wall, again_cpu, again = timed(lambda: client.get(pdf_url), serve_runs)
    assert again.data == first.data
    figures.add("  implementation.pdf: first download (rendered, waited for)", sec(first_wall), sec(first_cpu))
    figures.add(f"  the unchanged report again (the draft cache, by its record's digest), median of {serve_runs}",
                ms(again_wall), ms(again_cpu), f"≤ {SERVE_WITHIN * 1000:.0f} ms",
                verdict(again_wall <= SERVE_WITHIN, again_cpu <= SERVE_WITHIN))

    with app.test_request_context("/", base_url="http://localhost"):
        base_url = current_app.config["BASE_URL"]
        html = report_html(implementation_report(get_user(committee.us_delegate.id), ReportFilters(), date.today()),
                           "en")
        db.session.rollback()
        plain(html, base_url)  # warm up: fontconfig, the stylesheet, the fonts' first use
        renders = Rounds({"plain": lambda: plain(html, base_url), "report": lambda: render_pdf(html, base_url)},
                         rounds)
    assert pages(renders.result["plain"]) == pages(renders.result["report"])
    (plain_wall, plain_cpu), (report_wall, report_cpu) = (renders.median(name) for name in ("plain", "report"))
    ratio, cpu_ratio = renders.ratio("report", "plain")
    figures.add(f"  plain WeasyPrint on the report's HTML ({pages(renders.result['plain'])} pages, its SVG charts), "
                f"median of {rounds}", sec(plain_wall), sec(plain_cpu))
    figures.add("  render_pdf of the report as served (tagged, Hangul words kept)", sec(report_wall), sec(report_cpu))
    figures.add("     ratio: report / plain", f"{ratio:.2f}×", f"{cpu_ratio:.2f}×", f"≤ {RENDER_RATIO}×",
                verdict(ratio <= RENDER_RATIO, cpu_ratio <= RENDER_RATIO))
