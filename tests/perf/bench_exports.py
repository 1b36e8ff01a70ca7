"""Benchmark: the action-item register as CSV and XLSX (run with `make bench`; `make bench PYTEST_ARGS=--quick` for
a short run in CI).

Targets from the issue: the CSV of 10,000 rows to the last byte in at most 0.3 s and the workbook in at most 1.5 s,
in constant memory (peak RSS growth at most 50 MiB for 10,000 and for 100,000 rows), and two exports at once do not
stall other pages. The full run seeds 10,000 action items, then 100,000; the quick run 2,000.

Each export is measured in a fresh process through the real app (its test client), read block by block to the last
byte and thrown away as it comes: the time, rows per second, and how far the process's peak RSS rose above its RSS
before the request (the app started and one empty export served first, so that imports do not count). A bare Flask
app streaming the same number of bytes, measured the same way, gives the ratio; at the first size, one more export
under the profiler says where the time goes. Then JCM under gunicorn (2 workers,
sync and threaded): a small page (an action item's page, signed in) 20 times alone and 20 times while two exports
stream, p50 of each. The figures are printed; no time is asserted.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import requests
from sqlalchemy import func, insert, select

from jcm.accounts.models import Organization, User
from jcm.actions.models import ActionItem, ActionOwner
from jcm.extensions import db
from jcm.models import utcnow
from jcm.mou.models import FocusArea
from tests.conftest import PASSWORD
from tests.perf.bench_scale import random_owners
from tests.perf.bench_writers import Forms, gunicorn, value_of
from tests.perf.figures import ms, sec, verdict

ROOT = Path(__file__).resolve().parents[2]
SIZES, QUICK_SIZES = (10_000, 100_000), (2_000,)
TARGETS = {("csv", 10_000): 0.3, ("xlsx", 10_000): 1.5}  # seconds to the last byte
RSS_TARGET = 50 * 1024  # KiB of peak RSS growth, for every size
PAGE_RUNS = 20
BATCH = 5_000

# A committee's everyday titles, some in Korean only, some that a spreadsheet would take for a formula.
TITLES = [
    ("Exchange AI-ready dataset inventories", "AI 활용 가능 데이터셋 목록 교환"),
    ('Draft the joint quantum testbed call, "phase 2"', ""),
    ("Nominate experts for the AI safety workshop", "AI 안전 워크숍 전문가 추천"),
    ("Share the list of joint projects", ""),
    ("", "공동 워크숍 개최 검토"),
    ("=HYPERLINK(\"https://example.com\",\"details\")", ""),
    ("+1 555 0100 call the NSF desk", "NSF 담당자에게 연락"),
    ("Report on the Korean Cubesat rideshare on Artemis II", "아르테미스 II 큐브위성 부탑재 결과 보고"),
]
STATUSES = ["open"] * 8 + ["in_progress"] * 5 + ["done"] * 6 + ["dropped"]


# --- the register ----------------------------------------------------------------------------------------

def seed_action_items(app, committee, count: int, meetings: list[int] | None = None, seed: int = 12) -> None:
    """`count` more action items, inserted in bulk (not through the services): statuses, due dates a year either
    side of today, every focus area of the agreement, most raised at one of `meetings`, and one or two owners on each
    side, people and agencies."""
    rng = random.Random(seed + count)
    today, now = date.today(), utcnow()
    with app.app_context():
        areas = list(db.session.scalars(select(FocusArea.id).where(FocusArea.agreement_id == committee.agreement_id)
                                        .order_by(FocusArea.position)))
        people = {side: list(db.session.scalars(select(User.id).where(User.side == side))) for side in ("US", "KR")}
        agencies = {side: list(db.session.scalars(select(Organization.id).where(Organization.side == side)))
                    for side in ("US", "KR")}
        start = db.session.scalar(select(func.count()).select_from(ActionItem)) or 0
        for first in range(start, start + count, BATCH):
            items = []
            for n in range(first, min(first + BATCH, start + count)):
                title, title_ko = TITLES[n % len(TITLES)]
                meeting = meetings[n % len(meetings)] if meetings and n % 4 else None
                items.append({
                    "agreement_id": committee.agreement_id, "meeting_id": meeting, "number": n + 1,
                    "ref": f"JCM-S{n + 1:06d}", "title": f"{title} ({n + 1})" if title else "",
                    "title_ko": f"{title_ko} ({n + 1})" if title_ko else "", "description": "", "description_ko": "",
                    "focus_area_id": areas[n % len(areas)], "due_date": today + timedelta(days=rng.randint(-365, 365)),
                    "status": rng.choice(STATUSES), "created_at": now - timedelta(minutes=n),
                    "updated_at": now - timedelta(minutes=n), "version": 1, "language_state": {}})
            ids = db.session.scalars(insert(ActionItem).returning(ActionItem.id, sort_by_parameter_order=True),
                                     items).all()
            owners = []
            for item_id in ids:
                for side in ("US", "KR"):
                    owners += random_owners(rng, item_id, side, people, agencies)
            db.session.execute(insert(ActionOwner), owners)
        db.session.commit()


# --- one measurement, in a fresh process -------------------------------------------------------------------

def _status_kib(key: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key))


def _rss_kib() -> int:
    """The RSS now, having set the peak back to it (Linux: clear_refs 5), so that the peak after a request is that
    request's, not the app's start."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:  # the peak before counts too: the growth can only be understated
        pass
    return _status_kib("VmRSS:")


def _peak_kib() -> int:
    """The peak RSS since _rss_kib(): VmHWM, which clear_refs sets back. (getrusage's ru_maxrss is the same figure
    until a thread of the process ends: from then on it keeps that thread's peak too, the app's start, which no
    reset clears; it is the fallback.)"""
    try:
        return _status_kib("VmHWM:")
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _read(client, path: str, headers: dict) -> tuple[int, int]:
    """Reads the answer block by block, to the last byte, keeping none of it."""
    response = client.get(path, headers=headers, buffered=False)
    assert response.status_code == 200, response.status_code
    size = blocks = 0
    for block in response.response:
        size += len(block)
        blocks += 1
    response.close()
    return size, blocks


def measure(spec: dict) -> dict:
    """Run in a fresh process: one export of JCM (or the bare app's stream of as many bytes), its time to the last
    byte and how far the peak RSS rose above the RSS before it."""
    from flask import Flask, Response

    if spec["what"] == "bare":
        app = Flask("bare")
        size = spec["bytes"]

        @app.get("/bare")
        def bare():
            def stream():
                block = b"x" * 65536
                for _n in range(size // len(block)):
                    yield block
                yield b"x" * (size % len(block))
            return Response(stream(), mimetype="application/octet-stream")

        client, path, headers = app.test_client(), "/bare", {}
        _read(client, path, headers)
    else:
        from jcm import create_app
        from tests.conftest import app_config

        app = create_app(app_config(spec["database_url"], Path(spec["instance"])))
        client, path = app.test_client(), f"/action-items.{spec['what']}"
        headers = {"Authorization": f"Bearer {spec['token']}"}
        _read(client, path + "?due_before=1900-01-01", headers)  # the code imported and warm, no rows
    before = _rss_kib()
    wall, cpu = time.perf_counter(), time.process_time()
    size, blocks = _read(client, path, headers)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _peak_kib()
    figures = {"wall": wall, "cpu": cpu, "bytes": size, "blocks": blocks, "rss_growth": max(peak - before, 0)}
    if spec.get("profile"):  # once measured: where the time goes, in one more export under the profiler
        from tests.perf.bench_scale import profile

        areas, top = profile(client, path, headers, runs=1)
        figures["profile"] = {"areas": areas, "top": top}
    return figures


def measured(spec: dict) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, __file__, json.dumps(spec)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_profile(label: str, profile: dict) -> None:
    """Where an export's time goes, as the benchmark at scale says it for a page: each area's share of the
    functions' own time (a built-in's goes to its caller), and the functions that take most."""
    areas, top = profile["areas"], profile["top"]
    total = sum(areas.values()) or 1
    shares = " · ".join(f"{area} {own / total:.0%}" for area, own in sorted(areas.items(), key=lambda pair: -pair[1])
                        if own / total >= 0.02)
    print(f"    where the time goes in the {label} (profiled once more, in-process): {shares}")
    print("      most: " + "; ".join(f"{name} {own / total:.0%}" for own, name in top))


# --- two exports at once and a small page ---------------------------------------------------------------------

def p50_of_page(http: requests.Session, url: str) -> float:
    times = []
    for _n in range(PAGE_RUNS):
        start = time.perf_counter()
        answer = http.get(url, timeout=120)
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.status_code
    return statistics.median(times)


def page_while_exporting(base: str, email: str, token: str, item_id: int, what: str | None) -> tuple[float, int]:
    """p50 of the small page, alone or while two exports of `what` stream over and over; and how many exports
    finished meanwhile."""
    http = requests.Session()
    login = http.get(f"{base}/login", timeout=120)
    answer = http.post(f"{base}/login", data={"csrf_token": value_of(Forms(login.text).forms[""], "csrf_token"),
                                               "email": email, "password": PASSWORD}, allow_redirects=False,
                       timeout=120)
    assert answer.status_code in (302, 303), answer.status_code
    page = f"{base}/action-items/{item_id}"
    http.get(page, timeout=120)
    if what is None:
        return p50_of_page(http, page), 0
    stop, sent, failures = threading.Event(), [0], []

    def export() -> None:
        with requests.Session() as program:
            while not stop.is_set():
                with program.get(f"{base}/action-items.{what}", headers={"Authorization": f"Bearer {token}"},
                                 stream=True, timeout=300) as response:
                    if response.status_code != 200:
                        failures.append(response.status_code)
                    for _block in response.iter_content(65536):
                        pass
                sent[0] += 1

    exporters = [threading.Thread(target=export) for _n in range(2)]
    for thread in exporters:
        thread.start()
    time.sleep(0.3)  # both exports under way
    try:
        return p50_of_page(http, page), sent[0]
    finally:
        stop.set()
        for thread in exporters:
            thread.join()
        assert not failures, failures


# --- the run ------------------------------------------------------------------------------------------------

def test_bench_exports(app, committee, make_meeting, figures, quick, tmp_path):
    from jcm.accounts.services import create_token, get_user

    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    meetings = [make_meeting(ordinal=ordinal, start_date=f"{2014 + ordinal}-03-10") for ordinal in range(1, 6)]
    with app.app_context():
        token = create_token(None, get_user(committee.us_secretariat.id), "exports benchmark")[1]
        db.session.commit()
    spec = {"database_url": database_url, "instance": app.instance_path, "token": token}
    title = f"Exports of the action-item register on {database}{' (quick run)' if quick else ''}"
    figures.section(title)
    print(f"\n{title}:")
    seeded = 0
    for size in QUICK_SIZES if quick else SIZES:
        started = time.perf_counter()
        seed_action_items(app, committee, size - seeded, meetings)
        seeded = size
        print(f"  seeded {size:,} action items with their owners in {time.perf_counter() - started:.1f} s")
        first = size == (QUICK_SIZES if quick else SIZES)[0]
        for what in ("csv", "xlsx"):
            export = measured({**spec, "what": what, "profile": first})
            bare = measured({"what": "bare", "bytes": export["bytes"]})
            target = TARGETS.get((what, size))
            label = f"  {what.upper()} of {size:,} rows"
            figures.add(f"{label}: to the last byte", sec(export["wall"]), sec(export["cpu"]),
                        f"≤ {target} s" if target else "",
                        verdict(export["wall"] <= target, export["cpu"] <= target) if target else "")
            figures.add(f"{label}: rows per second", f"{size / export['wall']:,.0f}")
            figures.add(f"{label}: bytes, blocks sent", f"{export['bytes']:,}", f"{export['blocks']:,}")
            figures.add(f"{label}: peak RSS growth", f"{export['rss_growth'] / 1024:.1f} MiB", "",
                        "≤ 50 MiB", verdict(export["rss_growth"] <= RSS_TARGET))
            figures.add(f"{label}: a bare Flask app streaming as many bytes", ms(bare["wall"]), ms(bare["cpu"]))
            figures.add(f"{label}: ratio to the bare app", f"{export['wall'] / bare['wall']:,.0f}×")
            print(f"  {what.upper()} of {size:,} rows: {export['wall']:.2f} s to the last byte "
                  f"({size / export['wall']:,.0f} rows/s, {export['bytes']:,} bytes in {export['blocks']} blocks), "
                  f"peak RSS +{export['rss_growth'] / 1024:.1f} MiB; bare Flask {ms(bare['wall'])} "
                  f"(×{export['wall'] / bare['wall']:,.0f})")
            if "profile" in export:
                print_profile(f"{what.upper()} of {size:,} rows", export["profile"])
        if first:
            with app.app_context():
                item_id = db.session.scalar(select(func.min(ActionItem.id)))
            for threads in (1, 4):
                kind = "sync workers" if threads == 1 else f"workers of {threads} threads"
                folder = tmp_path / f"gunicorn-{threads}"
                folder.mkdir()
                with gunicorn(database_url, folder, threads) as (base, _log):
                    alone, _sent = page_while_exporting(base, committee.us_delegate.email, token, item_id, None)
                    lines = [("alone", alone, "")]
                    for what in ("csv", "xlsx"):
                        during, sent = page_while_exporting(base, committee.us_delegate.email, token, item_id, what)
                        lines.append((f"while two {what.upper()} exports stream", during,
                                      f"{sent} exports finished meanwhile"))
                for label, seconds, note in lines:
                    figures.add(f"  an action item's page, p50 of {PAGE_RUNS}, gunicorn, 2 {kind}: {label}",
                                ms(seconds), note)
                    print(f"  an action item's page (gunicorn, 2 {kind}), p50 of {PAGE_RUNS}, {label}: "
                          f"{ms(seconds)} {note}")


if __name__ == "__main__":
    print(json.dumps(measure(json.loads(sys.argv[1]))))
