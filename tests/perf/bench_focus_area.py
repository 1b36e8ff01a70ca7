"""Benchmark: a focus area's page at the scale of a long-running agreement (run with `make bench`; `--quick` for CI).

From the issue (point 5): at 100 meetings, 4,000 agenda items and 10,000 action items, a focus area's page answers in
≤ 100 ms p95 on this machine, with a constant number of queries, its figures printed beside a bare endpoint's in the
same run. The committee is seeded in bulk as tests/perf/bench_scale.py seeds it (minutes of every past meeting, the
action items reviewed and carried over), with a paper on every agenda item that takes up a focus area; then the
minutes of every past meeting but the last are adopted, frozen as the second co-chair's adoption freezes them,
as a committee that has met for decades has them — so the page reads most meetings from their adopted text and the
latest from the rows of its draft. JCM and a bare Flask app are served by gunicorn with 2 sync workers; each page
is asked N times in a row by the signed-in delegate after a warm-up of a few requests (each worker reads the adopted
texts once, then keeps what it read: the first request of each is printed apart). Pages: an area of cooperation
(depth 0, "A": nine focus areas rolled up, about half the agreement's meetings, items and papers) and a focus area
(depth 1, "A.1"). For each: p50, p95, the multiple of the bare endpoint's p50, the SQL statements (counted
in-process) at the small and the large dataset, what the page shows. On SQLite by default, PostgreSQL when
JCM_DATABASE_URL names a server. No time is asserted; what is asserted is that every page answered 200."""

from __future__ import annotations

import statistics
import time

import requests
from sqlalchemy import insert, select

from jcm.documents.records import freeze_minutes
from jcm.extensions import db
from jcm.meetings.models import Attachment, Meeting, agenda_item_focus_area
from jcm.meetings.services import get_meeting
from jcm.minutes.models import Minutes
from jcm.minutes.services import minutes_for
from jcm.models import utcnow
from jcm.mou.models import FocusArea
from tests.perf.bench_scale import (LARGE, QUICK_LARGE, SMALL, WORKERS, bare_timing, build, database_name, gunicorn,
                                    jcm_env, let_go, scale_folder, signed_in, statements)
from tests.perf.bench_writers import percentile
from tests.perf.figures import ms
from tests.test_focus_area_page import PROGRESS_BADGE

REQUESTS, QUICK_REQUESTS = 40, 10
WARM_UP = 2 * WORKERS  # so that each worker has most likely read the adopted texts once before the timed runs
TARGET = 0.100  # seconds, p95
DRAFTS = 1  # the latest past meeting, whose minutes stay a draft

PAGES = [("area of cooperation A (depth 0, nine focus areas)", "A"), ("focus area A.1 (depth 1)", "A.1")]


def add_papers(app) -> int:
    """A paper on every agenda item that takes up a focus area, as its presenters bring one (rows only: the page
    lists papers, it never opens them)."""
    with app.app_context():
        items = db.session.scalars(select(agenda_item_focus_area.c.agenda_item_id).distinct()).all()
        now = utcnow()
        db.session.execute(insert(Attachment), [
            {"agenda_item_id": item, "filename": f"Briefing paper {item}.pdf", "content_type": "application/pdf",
             "size": 180_000 + item, "sha256": f"{item:064x}", "uploaded_at": now} for item in items])
        db.session.commit()
    return len(items)


def adopt_the_past(app) -> tuple[int, float]:
    """The minutes of every past meeting but the last (DRAFTS) adopted: frozen as the second co-chair's adoption
    freezes them (jcm.documents.records.freeze_minutes), their meeting closed; written past the services (the
    approvals, the parity gate and the kept PDFs are not what is measured). How many, and how long it took."""
    started = time.perf_counter()
    with app.app_context():
        meeting_ids = db.session.scalars(select(Minutes.meeting_id).join(Meeting, Meeting.id == Minutes.meeting_id)
                                         .order_by(Meeting.start_date)).all()
        adopted = meeting_ids[:-DRAFTS] if len(meeting_ids) > DRAFTS else []
        for meeting_id in adopted:
            meeting = get_meeting(meeting_id)
            minutes = minutes_for(meeting)
            freeze_minutes(minutes, meeting)
            minutes.status, minutes.adopted_at, meeting.status = "adopted", utcnow(), "minutes_adopted"
            db.session.commit()
    return len(adopted), time.perf_counter() - started


def _timed(http: requests.Session, url: str, runs: int) -> tuple[list[float], float, float, str]:
    """The first requests (the warm-up) and N more: their times, p50 and p95 of the N, and the page's text."""
    first, times, text = [], [], ""
    for n in range(WARM_UP + runs):
        started = time.perf_counter()
        answer = http.get(url, timeout=300)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
        if n < WARM_UP:
            first.append(elapsed)
            text = answer.text
        else:
            times.append(elapsed)
    return first, statistics.median(times), percentile(times, 95), text


def _shown(text: str) -> str:
    """What the page shows: meetings, progress lines, decisions, action items listed, papers."""
    actions = text[text.find('id="action-items"'):text.find('id="papers"')]
    counts = (text.count('class="fa-meeting"'), len(PROGRESS_BADGE.findall(text)),
              text.count('class="fa-decisions__record"'), actions.count("<tr") - actions.count("<thead>"),
              text.count('href="/attachments/'), len(text.encode()) // 1024)
    return "{} meetings, {} progress lines, {} decisions, {} action items listed, {} papers, {} KB".format(*counts)


def test_bench_focus_area(empty_database, figures, quick, tmp_path):
    runs = QUICK_REQUESTS if quick else REQUESTS
    scales = (SMALL, QUICK_LARGE if quick else LARGE)
    database = database_name()
    title = (f"A focus area's page at scale on {database}: gunicorn, {WORKERS} sync workers, p50 and p95 of {runs} "
             f"requests after {WARM_UP}{' (quick run)' if quick else ''}")
    print(f"\n{title}:")
    figures.section(title.split(": ", 1)[0])
    figures.section(f"  {title.split(': ', 1)[1]}")
    measured: dict[str, dict] = {}
    with gunicorn("tests.perf.bench_scale:bare_app()", tmp_path / "bare") as bare_url:
        for scale in scales:
            folder = scale_folder(tmp_path, scale)
            url, app, ids, seeded, token, seconds = build(empty_database, scale, folder)
            papers = add_papers(app)
            adopted, adopting = adopt_the_past(app)
            with app.app_context():
                areas = dict(db.session.execute(select(FocusArea.code, FocusArea.id)).all())
                db.session.remove()
            pages = [(label, "delegate", f"/focus-areas/{areas[code]}") for label, code in PAGES]
            sql = statements(app, ids, token, pages)
            env = jcm_env(url, folder, "focus-area-bench")
            bare = bare_timing(bare_url, runs * 3).p50
            results = {}
            with gunicorn("jcm:create_app()", folder / "gunicorn", env) as base:
                http = signed_in(base, ids["us_delegate_email"])
                for label, _who, path in pages:
                    results[label] = _timed(http, f"{base}{path}", runs)
                http.close()
            measured[scale.name] = {"bare": bare, "results": results, "sql": sql}
            print(f"  {scale.name}: {scale.meetings} meetings × {scale.agenda_items} agenda items, "
                  f"{scale.action_items:,} action items ({seeded['reviews']:,} reviews), {papers:,} papers; "
                  f"{adopted} minutes adopted (frozen in {adopting:.1f} s); bare Flask p50 {ms(bare)}")
            let_go(app)
    small, large = (measured[scale.name] for scale in scales)
    for scale in scales:
        figures.add(f"  bare Flask endpoint, p50 in the {scale.name} run", ms(measured[scale.name]["bare"]))
    print(f"  {'page':<50} {'p50':>9} {'p95':>9} {'×bare':>6} {'SQL':>7}  first requests")
    for label, _code in PAGES:
        _first, s_p50, _s_p95, _text = small["results"][label]
        first, p50, p95, text = large["results"][label]
        times_bare = p50 / large["bare"]
        same_sql = small["sql"][label] == large["sql"][label]
        print(f"  {label:<50} {ms(p50):>9} {ms(p95):>9} {times_bare:>5.0f}× "
              f"{small['sql'][label]:>3}→{large['sql'][label]:<3}  {', '.join(ms(t) for t in first)}")
        print(f"  {'':<50} shows {_shown(text)}")
        figures.add(f"  {label}: p50 {ms(p50)}, {times_bare:.0f}× bare, growth {p50 / s_p50:.1f}×, "
                    f"SQL {small['sql'][label]}→{large['sql'][label]}", f"p95 {ms(p95)}", "",
                    "p95 ≤ 100 ms, same SQL", "met" if p95 <= TARGET and same_sql else "not met")

