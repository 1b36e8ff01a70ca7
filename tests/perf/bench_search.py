"""Benchmark: the search at the scale of a long-running agreement (run with `make bench`; `--quick` for CI).

From the issue (point 5): at 100 meetings, 4,000 agenda items and 10,000 action items, a search answers in ≤ 50 ms
p95 on this machine, with a constant number of queries, its figures printed beside a bare endpoint's in the same
run. The committee is seeded in bulk as tests/perf/bench_scale.py seeds it (minutes of every past meeting, updates
and reviews of the action items, in English and Korean), past the services, so the index is then built whole by
`jcm search reindex`'s rebuild — itself a figure. JCM and a bare Flask app are served by gunicorn with 2 sync
workers; each search is asked N times in a row after a warm-up, by the signed-in delegate (the page) or with their
token (the API): English words found in thousands of records, Hangul with and without spaces, a two-syllable word
and a two-letter one (which the trigram index cannot serve: found through the index of the texts' pairs of
characters), a reference found once, one kind paged.
For each: p50, p95, the multiple of the bare endpoint's p50, the SQL statements (counted in-process) at the small
and the large dataset. On SQLite by default, PostgreSQL when JCM_DATABASE_URL names a server. No time is asserted;
what is asserted is that every search answered 200 and found what it looks for."""

from __future__ import annotations

import statistics
import time
from urllib.parse import quote

import requests

from jcm.extensions import db
from jcm.search.index import rebuild
from tests.perf.bench_scale import (LARGE, QUICK_LARGE, SMALL, WORKERS, bare_timing, build, database_name, gunicorn,
                                    jcm_env, let_go, scale_folder, statements, timed_pages)
from tests.perf.bench_writers import percentile
from tests.perf.figures import ms

REQUESTS, QUICK_REQUESTS = 40, 10
TARGET = 0.050  # seconds, p95

SEARCHES = [  # (label, who, query, extra arguments)
    ("English, two words (thousands found)", "delegate", "quantum testbed", ""),
    ("Hangul word (thousands found)", "delegate", "큐브위성", ""),
    ("Hangul without its spaces", "delegate", "데이터셋목록", ""),
    ("two-syllable Hangul word (pairs)", "delegate", "양자", ""),
    ("two-letter word (pairs)", "delegate", "AI", ""),
    ("a reference, found once", "delegate", "JCM2-A03", ""),
    ("one kind, page 3", "delegate", "workshop", "&kind=action_item&page=3"),
    ("API: English, two words", "api", "quantum testbed", ""),
    ("API: Hangul word", "api", "큐브위성", ""),
]


def _path(who: str, query: str, extra: str) -> str:
    base = "/api/v1/search" if who == "api" else "/search"
    return f"{base}?q={quote(query)}{extra}"


def _timed(http: requests.Session, url: str, runs: int, headers: dict | None = None) -> tuple[float, float, int]:
    times, found = [], 0
    for n in range(runs + 1):
        started = time.perf_counter()
        answer = http.get(url, headers=headers, timeout=300)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
        if n == 0:
            found = answer.json()["total"] if "/api/" in url else answer.text.count('class="search-hit"')
        else:
            times.append(elapsed)
    return statistics.median(times), percentile(times, 95), found


def _indexed(app) -> tuple[float, int]:
    """The index built whole from the seeded records, timed; how many entries it holds."""
    from sqlalchemy import func, select

    from jcm.search.models import SearchEntry

    with app.app_context():
        started = time.perf_counter()
        with db.engine.begin() as connection:
            rebuild(connection)
        seconds = time.perf_counter() - started
        entries = db.session.scalar(select(func.count()).select_from(SearchEntry))
        db.session.remove()
    return seconds, entries


def test_bench_search(empty_database, figures, quick, tmp_path):
    runs = QUICK_REQUESTS if quick else REQUESTS
    scales = (SMALL, QUICK_LARGE if quick else LARGE)
    database = database_name()
    title = (f"Search at scale on {database}: gunicorn, {WORKERS} sync workers, p50 and p95 of {runs} requests after "
             f"a warm-up{' (quick run)' if quick else ''}")
    print(f"\n{title}:")
    figures.section(title.split(": ", 1)[0])
    figures.section(f"  {title.split(': ', 1)[1]}")
    pages = [(label, who, _path(who, query, extra)) for label, who, query, extra in SEARCHES]
    measured: dict[str, dict] = {}
    with gunicorn("tests.perf.bench_scale:bare_app()", tmp_path / "bare") as bare_url:
        for scale in scales:
            folder = scale_folder(tmp_path, scale)
            url, app, ids, seeded, token, seconds = build(empty_database, scale, folder)
            indexing, entries = _indexed(app)
            sql = statements(app, ids, token, pages)
            env = jcm_env(url, folder, "search-bench")
            bare = bare_timing(bare_url, runs * 3).p50
            with gunicorn("jcm:create_app()", folder / "gunicorn", env) as base:
                results = timed_pages(base, ids, token, pages,
                                      lambda http, url, headers: _timed(http, url, runs, headers))
            measured[scale.name] = {"bare": bare, "results": results, "sql": sql, "indexing": indexing,
                                    "entries": entries, "seeded": seeded}
            print(f"  {scale.name}: {scale.meetings} meetings × {scale.agenda_items} agenda items, "
                  f"{scale.action_items:,} action items ({seeded['updates']:,} updates, {seeded['sections']:,} minutes "
                  f"records): {entries:,} index entries, built in {indexing:.1f} s; bare Flask p50 {ms(bare)}")
            let_go(app)
    small, large = (measured[scale.name] for scale in scales)
    for scale in scales:
        figure = measured[scale.name]
        figures.add(f"  index built whole ({scale.name}: {figure['entries']:,} entries)", f"{figure['indexing']:.1f} s")
        figures.add(f"  bare Flask endpoint, p50 in the {scale.name} run", ms(figure["bare"]))
    print(f"  {'search':<40} {'found':>6} {'p50':>9} {'p95':>9} {'×bare':>6} {'SQL':>7}")
    for label, _who, _path_ in pages:
        s_p50, _s_p95, _s_found = small["results"][label]
        p50, p95, found = large["results"][label]
        assert found > 0, label
        times_bare = p50 / large["bare"]
        same_sql = small["sql"][label] == large["sql"][label]
        print(f"  {label:<40} {found:>6} {ms(p50):>9} {ms(p95):>9} {times_bare:>5.0f}× "
              f"{small['sql'][label]:>3}→{large['sql'][label]:<3}")
        figures.add(f"  search, {label}: p50 {ms(p50)}, {times_bare:.0f}× bare, growth {p50 / s_p50:.1f}×, "
                    f"SQL {small['sql'][label]}→{large['sql'][label]}", f"p95 {ms(p95)}", "",
                    "p95 ≤ 50 ms, same SQL", "met" if p95 <= TARGET and same_sql else "not met")

