"""Benchmark: the implementation dashboard at the scale of a long-running agreement (run with `make bench`;
`--quick` for CI).

From the issue (point 5): at 100 meetings, 4,000 agenda items and 10,000 action items, the dashboard answers in
≤ 100 ms p95 on this machine, with a constant number of queries, its figures printed beside a bare endpoint's in the
same run. The committee is seeded in bulk as tests/perf/bench_scale.py seeds it (minutes of every past meeting, with
progress per focus area on the agenda, action items raised at them and carried over); then the minutes of all but
the last three past meetings are adopted as the second co-chair's adoption leaves them (the record frozen, its
digest fixed, the meeting's status moved on), so the dashboard reads most meetings from their adopted texts and the
recent ones from the rows, as it would after years of meetings. What it reads of an adopted text is kept by the
text's digest for as long as a worker lives: a worker's first request reads and parses them all, printed apart as
"cold"; the requests timed are those after (each worker warmed). JCM and a bare Flask app are served by gunicorn
with 2 sync workers; each address is asked N times in a row after the warm-up, by the signed-in delegate (the
page) or with their token (the API, the CSV). For each: p50, p95, the multiple of the bare endpoint's p50, the SQL
statements (counted in-process) at the small and the large dataset. On SQLite by default, PostgreSQL when
JCM_DATABASE_URL names a server. No time is asserted; what is asserted is that every answer was 200 and showed the
meetings it should."""

from __future__ import annotations

import statistics
import time

import requests
from sqlalchemy import select

from jcm.documents.records import freeze_minutes
from jcm.extensions import db
from jcm.meetings.models import Meeting
from jcm.meetings.services import get_meeting
from jcm.minutes.models import Minutes
from jcm.minutes.services import minutes_of
from tests.perf.bench_scale import (LARGE, QUICK_LARGE, SMALL, WORKERS, bare_timing, build, database_name, gunicorn,
                                    jcm_env, let_go, scale_folder, statements, timed_pages)
from tests.perf.bench_writers import percentile
from tests.perf.figures import ms

REQUESTS, QUICK_REQUESTS = 40, 10
TARGET = 0.100  # seconds, p95
DRAFTS = 3  # the most recent past meetings whose minutes are still drafts

PAGES = [  # (label, who, path)
    ("/dashboard (the whole MOU)", "delegate", "/dashboard"),
    ("/dashboard, an area and a period", "delegate", "/dashboard?area=B&from=2000-01-01&side=KR"),
    ("/api/v1/progress", "api", "/api/v1/progress"),
    ("/api/v1/progress?area=A.1", "api", "/api/v1/progress?area=A.1"),
    ("/dashboard.csv", "api", "/dashboard.csv"),
]


def adopt_past_minutes(app) -> tuple[int, float]:
    """The minutes of every past meeting but the last DRAFTS (at least one adopted), adopted as the second co-chair's adoption leaves them
    (jcm.minutes.services.adopt: the record frozen and its digest fixed, the minutes and the meeting adopted); how
    many, and how long freezing them took."""
    started = time.perf_counter()
    with app.app_context():
        meeting_ids = list(db.session.scalars(select(Minutes.meeting_id).join(Meeting, Meeting.id == Minutes.meeting_id)
                                              .order_by(Meeting.start_date)))
        drafts = min(DRAFTS, len(meeting_ids) - 1)  # the small dataset's two: one adopted, one in draft
        adopted = meeting_ids[:len(meeting_ids) - drafts]
        for meeting_id in adopted:
            meeting, minutes = get_meeting(meeting_id), minutes_of(meeting_id)
            freeze_minutes(minutes, meeting)
            minutes.status, meeting.status = "adopted", "minutes_adopted"
            db.session.commit()
            db.session.expunge_all()
        db.session.remove()
    return len(adopted), time.perf_counter() - started


def _timed(http: requests.Session, url: str, runs: int, headers: dict | None = None) -> tuple[float, float, float,
                                                                                              int]:
    """p50 and p95 of `runs` requests after a warm-up of two per worker (each worker's first reads the adopted
    texts), the slowest warm-up (cold), and the meetings shown."""
    times, warm, shown = [], [], 0
    for n in range(runs + 2 * WORKERS):
        started = time.perf_counter()
        answer = http.get(url, headers=headers, timeout=300)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
        if n == 0:
            if "/api/" in url:
                shown = len(answer.json()["meetings"])
            elif url.split("?")[0].endswith(".csv"):
                shown = len(answer.content.decode("utf-8-sig").split("\r\n", 1)[0].split(",")) - 7
            else:
                shown = answer.text.count('class="progress-board__meeting"')
        if n < 2 * WORKERS:
            warm.append(elapsed)
        else:
            times.append(elapsed)
    return statistics.median(times), percentile(times, 95), max(warm), shown



def test_bench_dashboard(empty_database, figures, quick, tmp_path):
    runs = QUICK_REQUESTS if quick else REQUESTS
    scales = (SMALL, QUICK_LARGE if quick else LARGE)
    database = database_name()
    title = (f"The dashboard at scale on {database}: gunicorn, {WORKERS} sync workers, p50 and p95 of {runs} "
             f"requests after a warm-up{' (quick run)' if quick else ''}")
    print(f"\n{title}:")
    figures.section(title.split(": ", 1)[0])
    figures.section(f"  {title.split(': ', 1)[1]}")
    measured: dict[str, dict] = {}
    with gunicorn("tests.perf.bench_scale:bare_app()", tmp_path / "bare") as bare_url:
        for scale in scales:
            folder = scale_folder(tmp_path, scale)
            url, app, ids, seeded, token, seconds = build(empty_database, scale, folder)
            adopted, freezing = adopt_past_minutes(app)
            sql = statements(app, ids, token, PAGES)
            env = jcm_env(url, folder, "dashboard-bench")
            bare = bare_timing(bare_url, runs * 3).p50
            with gunicorn("jcm:create_app()", folder / "gunicorn", env) as base:
                results = timed_pages(base, ids, token, PAGES,
                                      lambda http, url, headers: _timed(http, url, runs, headers))
            measured[scale.name] = {"bare": bare, "results": results, "sql": sql}
            print(f"  {scale.name}: {scale.meetings} meetings × {scale.agenda_items} agenda items, "
                  f"{scale.action_items:,} action items; minutes of {adopted} meetings adopted (frozen in "
                  f"{freezing:.1f} s), the others in draft; bare Flask p50 {ms(bare)}")
            let_go(app)
    small, large = (measured[scale.name] for scale in scales)
    for scale in scales:
        figures.add(f"  bare Flask endpoint, p50 in the {scale.name} run", ms(measured[scale.name]["bare"]))
    print(f"  {'address':<36} {'meetings':>8} {'p50':>9} {'p95':>9} {'cold':>9} {'×bare':>6} {'SQL':>7}")
    for label, _who, _path in PAGES:
        s_p50 = small["results"][label][0]
        p50, p95, cold, shown = large["results"][label]
        assert shown > 0, label
        times_bare = p50 / large["bare"]
        same_sql = small["sql"][label] == large["sql"][label]
        print(f"  {label:<36} {shown:>8} {ms(p50):>9} {ms(p95):>9} {ms(cold):>9} {times_bare:>5.0f}× "
              f"{small['sql'][label]:>3}→{large['sql'][label]:<3}")
        figures.add(f"  dashboard, {label}: p50 {ms(p50)}, {times_bare:.0f}× bare, growth {p50 / s_p50:.1f}×, "
                    f"a worker's first {ms(cold)}, SQL {small['sql'][label]}→{large['sql'][label]}", f"p95 {ms(p95)}",
                    "", "p95 ≤ 100 ms, same SQL", "met" if p95 <= TARGET and same_sql else "not met")
