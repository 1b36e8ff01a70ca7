"""Benchmark: writers in parallel (run with `make bench`; `make bench PYTEST_ARGS=--quick` for a short run in CI).

From the issue: on the embedded SQLite, 20 simultaneous writers for 30 s under gunicorn with 2 workers get no 5xx
(a busy database is waited for, then answered with a clear 503 and `Retry-After`); on PostgreSQL
(JCM_DATABASE_URL), 50 simultaneous writers for 60 s get no 5xx and lose no update: every write answered 2xx is
there at the end, and every write based on a stale version got a 409. The quick run has 6 writers for 5 s.

JCM runs under gunicorn, 2 workers, on the test database; each writer is a thread with an account of its own — half
of them a program with an API token, half a secretariat in a browser, signed in, sending the pages' forms — and
writes the committee's everyday mix: progress reports on action items, comments on circulated minutes, agenda
items' descriptions and minutes records, the last two with the version read just before (so that writers on the
same record meet stale versions, which must be refused). The figures are printed; no time is asserted. What is
asserted is what the issue asks: no 5xx (but a 503 with Retry-After on SQLite), no lost update, and nothing of a
refused write stored.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import requests
from sqlalchemy import select

from jcm.accounts.models import Organization
from jcm.accounts.services import create_token, create_user, get_user
from jcm.actions.models import ActionUpdate
from jcm.extensions import db
from jcm.meetings.models import AgendaItem
from jcm.meetings.services import get_meeting
from jcm.minutes import services as minutes_services
from jcm.minutes.models import MinutesComment, MinutesSection, SectionRevision
from tests.conftest import PASSWORD, complete_both_texts
from tests.perf.figures import ms

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2  # gunicorn's
FULL = {"sqlite": (20, 30.0), "postgresql": (50, 60.0)}  # writers, seconds
QUICK = (6, 5.0)
CONTENDED = 3  # agenda items and minutes records the writers share
KINDS = {"update": 35, "comment": 25, "agenda": 20, "section": 20}  # the mix, in percent
LABELS = {"update": "action item updates", "comment": "comments on circulated minutes",
          "agenda": "agenda item edits (with version)", "section": "minutes records (with version)"}
TIMEOUT = 120  # seconds a writer waits for an answer before counting it as none


# --- the scene -----------------------------------------------------------------------------------------

@dataclass
class Scene:
    action_items: list[int]
    agenda_meeting: int
    agenda_items: list[int]  # of the upcoming meeting, whose agenda is open
    minutes_meeting: int
    sections: dict[int, int]  # section id → its agenda item, in the held meeting's draft minutes
    review_meeting: int  # its minutes circulated for comments
    review_minutes: int
    versions: dict[tuple[str, int], int]  # ("agenda" | "section", id) → the version before the run


def build_scene(app, committee, make_meeting, make_action_item) -> Scene:
    review = make_meeting(ordinal=11, start_date="2026-03-10", focus_areas=("A.1", "B.4"), status="held")
    held = make_meeting(ordinal=12, start_date="2026-09-15", focus_areas=("A.1", "B.4"), status="held")
    upcoming = make_meeting(ordinal=13, start_date="2027-03-10", focus_areas=("A.1", "B.4"))
    items = [make_action_item(title=f"Exchange dataset inventories, part {n + 1}",
                              title_ko=f"데이터셋 목록 교환 ({n + 1}부)", meeting_id=review) for n in range(4)]
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        minutes_services.open_minutes(us, get_meeting(review))
        minutes_services.open_minutes(us, get_meeting(held))
        db.session.commit()
    complete_both_texts(app, committee, review)
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        review_minutes = minutes_services.minutes_for(get_meeting(review))
        minutes_services.set_status(us, review_minutes, "circulated")
        db.session.commit()
        agenda = [item.id for item in get_meeting(upcoming, with_agenda=True).items][:CONTENDED]
        sections = {section.id: section.agenda_item_id
                    for section in minutes_services.ordered_sections(minutes_services.minutes_for(
                        get_meeting(held)))[:CONTENDED]}
        versions = {("agenda", item.id): item.version
                    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(agenda)))}
        versions |= {("section", section.id): section.version
                     for section in db.session.scalars(select(MinutesSection).where(MinutesSection.id.in_(sections)))}
        scene = Scene(items, upcoming, agenda, held, sections, review, review_minutes.id, versions)
        db.session.rollback()
    assert len(scene.agenda_items) == len(scene.sections) == CONTENDED
    return scene


@dataclass
class Account:
    n: int
    email: str
    token: str | None  # a program's; None for a person in a browser


def make_writers(app, count: int) -> list[Account]:
    """One account per writer, secretariats of either side in turn (they write every kind of the mix)."""
    accounts = []
    with app.app_context():
        agencies = {o.acronym: o.id for o in db.session.scalars(select(Organization))}
        for n in range(count):
            side = "US" if n % 2 == 0 else "KR"
            user = create_user(None, {"email": f"writer{n:02d}@{side.lower()}.example.gov", "name": f"Writer {n:02d}",
                                      "side": side, "role": "secretariat",
                                      "organization_id": agencies.get("NSF" if side == "US" else "NRF")}, PASSWORD)
            token = create_token(None, user, "writers in parallel")[1] if n % 4 in (0, 1) else None
            accounts.append(Account(n, user.email, token))
        db.session.commit()
    return accounts


# --- JCM under gunicorn --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(spec: str, folder: Path, env: dict | None = None, threads: int = 1, timeout: int = 120) -> Iterator[str]:
    """`spec` (JCM's create_app() or a bare app) under gunicorn, 2 workers, until the block ends: sync workers
    (gunicorn's default), or threaded ones with `threads` > 1; each worker freezes what it loaded
    (tests/perf/gunicorn_conf.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), folder / "gunicorn.log"
    env = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--timeout", str(timeout), "--threads", str(threads), "--error-logfile", str(log),
         "--config", str(ROOT / "tests" / "perf" / "gunicorn_conf.py"), spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or its workers still starting
                pass
            assert process.poll() is None and time.monotonic() < deadline, log_tail(log)
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def gunicorn(database_url: str, folder: Path, threads: int = 1) -> Iterator[tuple[str, Path]]:
    """JCM under gunicorn, on the test database, until the block ends: with threads, more writers on the database
    at once."""
    env = {"JCM_DATABASE_URL": database_url, "JCM_INSTANCE_PATH": str(folder / "instance"),
           "JCM_SECRET_KEY": "writers-in-parallel", "JCM_PREPARE_DOCUMENTS": "false"}
    with serve("jcm:create_app()", folder, env, threads) as url:
        yield url, folder / "gunicorn.log"


def log_tail(log: Path, lines: int = 60) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return "gunicorn's log ends:\n" + "\n".join(text.splitlines()[-lines:])


# --- the writers ---------------------------------------------------------------------------------------

@dataclass
class Write:
    kind: str  # one of KINDS, or "read" for the version read before a version-checked write
    via: str  # "api" or "page"
    status: int  # 0: no answer
    seconds: float
    text: str = ""
    target: int = 0  # the action item, minutes, agenda item or section written to
    based_on: int | None = None  # the version a version-checked write was based on
    retry_after: str | None = None

    @property
    def saved(self) -> bool:
        """2xx, or a page's redirect after saving (a page that refuses shows itself again with 4xx)."""
        return 200 <= self.status < 300 or (self.via == "page" and self.status in (302, 303))

    @property
    def refused(self) -> bool:
        return 400 <= self.status < 600


class Forms(HTMLParser):
    """A page's forms as a browser submits them: {action: [(name, value), ...]}; a form without an action is
    under ''."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._form: list | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action", ""), [])
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._form.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.append((self._textarea[0], "".join(self._textarea[1]).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def with_value(form: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(key, value if key == name else old) for key, old in form]


def value_of(form: list[tuple[str, str]], name: str) -> str:
    return next(value for key, value in form if key == name)


class Writer:
    def __init__(self, account: Account, base: str, scene: Scene, until: float, writes: list[Write]):
        self.account, self.base, self.scene, self.until, self.writes = account, base, scene, until, writes
        self.via = "api" if account.token else "page"
        self.random = random.Random(account.n)
        self.http = requests.Session()
        if account.token:
            self.http.headers["Authorization"] = f"Bearer {account.token}"
        self.csrf = ""
        self.count = 0

    def run(self) -> None:
        try:
            if self.via == "page":
                self.sign_in()
            kinds, weights = zip(*KINDS.items())
            while time.monotonic() < self.until:
                getattr(self, self.random.choices(kinds, weights)[0])()
        finally:
            self.http.close()

    def sign_in(self) -> None:
        login = self.http.get(f"{self.base}/login", timeout=TIMEOUT)
        token = value_of(Forms(login.text).forms[""], "csrf_token")
        answer = self.http.post(f"{self.base}/login", data={"csrf_token": token, "email": self.account.email,
                                                           "password": PASSWORD}, allow_redirects=False,
                                timeout=TIMEOUT)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        page = self.http.get(f"{self.base}/action-items/{self.scene.action_items[0]}", timeout=TIMEOUT)
        self.csrf = value_of(Forms(page.text).forms[f"/action-items/{self.scene.action_items[0]}/updates"],
                             "csrf_token")

    def text(self, kind: str) -> str:
        self.count += 1
        return (f"Writer {self.account.n:02d}, {kind} {self.count}: the joint call closed with "
                f"{self.random.randint(5, 40)} proposals; 공동 연구 과제 {self.count}건 검토.")

    def send(self, kind: str, method: str, path: str, **kwargs) -> tuple[Write, requests.Response | None]:
        started = time.perf_counter()
        try:
            answer = self.http.request(method, f"{self.base}{path}", allow_redirects=False, timeout=TIMEOUT, **kwargs)
        except requests.RequestException:
            answer = None
        write = Write(kind, self.via, answer.status_code if answer is not None else 0, time.perf_counter() - started,
                      retry_after=answer.headers.get("Retry-After") if answer is not None else None)
        self.writes.append(write)  # list.append is atomic
        return write, answer

    def read(self, path: str) -> requests.Response | None:
        write, answer = self.send("read", "GET", path)
        return answer if write.status == 200 else None

    # the mix

    def update(self) -> None:
        item, text = self.random.choice(self.scene.action_items), self.text("update")
        if self.via == "api":
            write, _ = self.send("update", "POST", f"/api/v1/action-items/{item}/updates", json={"text": text})
        else:
            write, _ = self.send("update", "POST", f"/action-items/{item}/updates",
                                 data={"csrf_token": self.csrf, "text": text, "status": ""})
        write.text, write.target = text, item

    def comment(self) -> None:
        meeting, text = self.scene.review_meeting, self.text("comment")
        if self.via == "api":
            write, _ = self.send("comment", "POST", f"/api/v1/meetings/{meeting}/minutes/comments", json={"text": text})
        else:
            write, _ = self.send("comment", "POST", f"/meetings/{meeting}/minutes/comments",
                                 data={"csrf_token": self.csrf, "text": text, "section_id": ""})
        write.text, write.target = text, self.scene.review_minutes

    def agenda(self) -> None:
        item, text = self.random.choice(self.scene.agenda_items), self.text("agenda")
        if self.via == "api":
            answer = self.read(f"/api/v1/agenda-items/{item}")
            if answer is None:
                return
            version = answer.json()["version"]
            write, _ = self.send("agenda", "PATCH", f"/api/v1/agenda-items/{item}",
                                 json={"description": text, "version": version})
        else:
            answer = self.read(f"/agenda-items/{item}/edit")
            if answer is None:
                return
            form = Forms(answer.text).forms[""]
            version = int(value_of(form, "version"))
            write, _ = self.send("agenda", "POST", f"/agenda-items/{item}/edit",
                                 data=with_value(form, "description", text))
        write.text, write.target, write.based_on = text, item, version

    def section(self) -> None:
        section = self.random.choice(list(self.scene.sections))
        text = self.text("section")
        if self.via == "api":
            answer = self.read(f"/api/v1/meetings/{self.scene.minutes_meeting}/minutes")
            if answer is None:
                return
            record = next(r for r in answer.json()["records"] if r["agenda_item_id"] == self.scene.sections[section])
            version = record["version"]
            write, _ = self.send("section", "PUT", f"/api/v1/meetings/{self.scene.minutes_meeting}/minutes", json={
                "records": [{"agenda_item_id": record["agenda_item_id"], "version": version, "discussion": text}]})
        else:
            answer = self.read(f"/meetings/{self.scene.minutes_meeting}/minutes")
            if answer is None:
                return
            form = Forms(answer.text).forms[f"/minutes/sections/{section}"]
            version = int(value_of(form, "version"))
            write, _ = self.send("section", "POST", f"/minutes/sections/{section}",
                                 data=with_value(form, "discussion", text))
        write.text, write.target, write.based_on = text, section, version


def run_writers(accounts: list[Account], base: str, scene: Scene, seconds: float) -> tuple[list[Write], float]:
    writes: list[Write] = []
    until = time.monotonic() + seconds
    writers = [Writer(account, base, scene, until, writes) for account in accounts]
    threads = [threading.Thread(target=writer.run, name=f"writer-{writer.account.n}") for writer in writers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return writes, time.perf_counter() - started


# --- what is stored at the end -------------------------------------------------------------------------

def lost_updates(app, scene: Scene, writes: list[Write]) -> list[str]:
    """Every saved write is stored, and nothing of a refused one: appended texts once each; version-checked edits
    each based on the version the one before made (a stale one saved would repeat a version), each kept (a minutes
    record as its revision), the last one the text that stands."""
    problems: list[str] = []
    with app.app_context():
        appended = {
            "update": Counter(db.session.scalars(select(ActionUpdate.text).where(
                ActionUpdate.action_item_id.in_(scene.action_items)))),
            "comment": Counter(db.session.scalars(select(MinutesComment.text).where(
                MinutesComment.minutes_id == scene.review_minutes))),
        }
        for write in writes:
            if write.kind in appended:
                stored = appended[write.kind][write.text]
                if write.saved and stored != 1:
                    problems.append(f"{write.kind} answered {write.status} is stored {stored} times: {write.text}")
                if write.refused and stored:
                    problems.append(f"{write.kind} refused with {write.status} is stored: {write.text}")

        edited = [("agenda", id_) for id_ in scene.agenda_items] + [("section", id_) for id_ in scene.sections]
        for kind, id_ in edited:
            if kind == "agenda":
                item = db.session.get(AgendaItem, id_)
                version, standing, kept = item.version, item.description, {}
            else:
                section = db.session.get(MinutesSection, id_)
                version, standing = section.version, section.discussion
                kept = {r.version: r.discussion for r in db.session.scalars(
                    select(SectionRevision).where(SectionRevision.section_id == id_))}
            mine = [w for w in writes if w.kind == kind and w.target == id_]
            saved = sorted((w for w in mine if w.saved), key=lambda w: w.based_on)
            based = [w.based_on for w in saved]
            expected = list(range(scene.versions[(kind, id_)], version))
            if based != expected:
                problems.append(f"{kind} {id_}: saved edits were based on versions {based}, "
                                f"the stored version {version} needs one on each of {expected}")
            if saved and standing != saved[-1].text:
                problems.append(f"{kind} {id_}: the last saved edit (on version {saved[-1].based_on}) is not what "
                                f"stands: {saved[-1].text!r} ≠ {standing!r}")
            for write in saved:
                if kind == "section" and kept.get(write.based_on + 1) != write.text:
                    problems.append(f"section {id_}: the edit saved on version {write.based_on} is not kept as "
                                    f"revision {write.based_on + 1}")
            refused = {w.text for w in mine if w.refused}
            if standing in refused or refused & set(kept.values()):
                problems.append(f"{kind} {id_}: a refused edit is stored")
        db.session.rollback()
    return problems


# --- the run -------------------------------------------------------------------------------------------

def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def test_bench_writers_in_parallel(app, committee, make_meeting, make_action_item, figures, quick, request, tmp_path):
    database = "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"
    count, seconds = QUICK if quick else FULL[database]
    scene = build_scene(app, committee, make_meeting, make_action_item)
    accounts = make_writers(app, count)
    threads = request.config.getoption("--gunicorn-threads")
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, threads) as (base, log):
        writes, wall = run_writers(accounts, base, scene, seconds)
    problems = lost_updates(app, scene, writes)

    sent = [w for w in writes if w.kind != "read"]
    reads = [w for w in writes if w.kind == "read"]
    saved = [w for w in sent if w.saved]
    stale = [w for w in sent if w.status == 409]
    busy = [w for w in writes if w.status == 503 and w.retry_after]
    failed = [w for w in writes if w.status >= 500 and not (w.status == 503 and w.retry_after)]
    unanswered = [w for w in writes if w.status == 0]
    other = [w for w in sent if not w.saved and w.status not in (409, 503) and w.status < 500 and w.status]
    unreadable = [w for w in reads if w.status not in (200, 503)]
    latency = [w.seconds for w in sent]
    by_kind = Counter((w.kind, w.via) for w in saved)

    title = (f"Writers in parallel on {'SQLite' if database == 'sqlite' else 'PostgreSQL'}: {count} writers for "
             f"{seconds:.0f} s, gunicorn with {WORKERS} workers{f' of {threads} threads' if threads > 1 else ''}"
             f"{' (quick run)' if quick else ''}")
    lines = [
        ("writes sent", f"{len(sent)}"),
        ("saved: 2xx (a page's redirect after saving counted here)", f"{len(saved)}"),
        ("stale: 409", f"{len(stale)}"),
        ("busy: 503 with Retry-After", f"{len(busy)}"),
        ("5xx other", f"{len(failed)}"),
        ("no answer", f"{len(unanswered)}"),
        ("other refusals (4xx but 409)", f"{len(other)}"),
        ("lost updates", f"{len(problems)}"),
        ("write latency p50", ms(percentile(latency, 50)) if latency else "-"),
        ("write latency p99", ms(percentile(latency, 99)) if latency else "-"),
        ("writes per second", f"{len(sent) / wall:.1f}"),
        ("reads of a version before an edit", f"{len(reads)}"),
    ]
    print(f"\n{title}:")
    for label, value in lines:
        print(f"  {label}: {value}")
    if busy:  # a busy answer comes after the whole busy timeout: one that came sooner was not waited for
        print(f"  the busy answers came after {min(w.seconds for w in busy):.2f} to {max(w.seconds for w in busy):.2f} s")
    for kind in KINDS:
        print(f"  saved {LABELS[kind]}: {by_kind[(kind, 'api')]} through the API, {by_kind[(kind, 'page')]} "
              f"through the pages")
    figures.section(title)
    for label, value in lines:
        target = {"5xx other": "0", "no answer": "0", "lost updates": "0", "other refusals (4xx but 409)": "0"}.get(
            label, "0" if label.startswith("busy") and database == "postgresql" else "")
        met = "" if not target else ("met" if value == "0" else "not met")
        figures.add(f"  {label}", value, "", target, met)

    assert sent and saved, "the writers wrote nothing"
    assert not failed and not unanswered, (
        f"{len(failed)} answers 5xx (not a 503 with Retry-After), {len(unanswered)} unanswered: "
        f"{Counter((w.kind, w.via, w.status) for w in failed + unanswered)}\n{log_tail(log)}")
    if database == "postgresql":
        assert not busy, f"{len(busy)} answers 503 on PostgreSQL"
    assert not other and not unreadable, (
        f"unexpected refusals: {Counter((w.kind, w.via, w.status) for w in other + unreadable)}")
    assert not problems, "\n".join(problems[:20])
