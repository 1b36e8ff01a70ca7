"""Benchmark: every key page, document, export and API list at the scale of a long-running agreement (run with
`make bench`; `make bench PYTEST_ARGS=--quick` for a short run in CI).

From the issue (point 1): a committee after a hundred meetings — 100 meetings of 40 agenda items each, 10,000 action
items raised at them and carried over (reviewed and continued at the meetings after, done or dropped at one of them),
open, in progress, done and dropped, due in the past and in the future, owned on both sides by people and agencies; a
delegate owning 800 open items; a meeting to which some 300 items are carried over; minutes of every past meeting
with a record per agenda item and progress per focus area. The agendas and minutes are left as drafts, so that
the meeting's documents are rendered from the live data, the case that grows (a kept copy of an agreed or adopted
version is served as it was kept: bench_documents.py). It is seeded in bulk (Core inserts that keep the models'
constraints: references like JCM12-A07 unique, agenda positions unique, versions as the services leave them), not
through the services, which are far too slow at that scale. A small dataset, a young committee (3 meetings of the
same 40 agenda items, 60 action items), gives the growth: what grows with the committee's history, a meeting's own
pages holding forty items at both sizes, as a meeting of either committee would.

JCM and a bare Flask app ("hello") are served the same way, by gunicorn with 2 sync workers, and loaded the same way,
by wrk (one connection per worker, a new one for each request as the workers close them, for WRK_SECONDS after a
warm-up; `make bench` installs Debian's wrk): each key page
and API list signed in through the login form (its session cookie) or with a Bearer token. Without wrk, each is
requested N times in a row by a `requests` session instead, whose own time, some 0.7 ms a request, lifts the floor
and so flatters every multiple: the figures say which was used. The exports are loaded by wrk too, one download at
a time (one connection), each read to its last byte, their targets being seconds. For each: p50, p99, the multiple of the bare endpoint's p50 (the bare endpoint timed again for a second
right after each page, so that what the shared machine was doing weighs on both alike), the growth from
small to large (the large multiple over the small one: each is a ratio to the bare endpoint in its own run, so what
the shared machine did between the two runs cancels out), the SQL statements it takes (counted in-process, through
the test client, apart from the timed runs, as they serve it: after a first request), its bytes, and what it takes
made afresh (in-process, with nothing kept: the first request after a change of the content). Then the EXPLAIN
(SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE) of the register's query filtered by owner and status, as
jcm/actions/services.py builds it.

On SQLite by default, on PostgreSQL when JCM_DATABASE_URL names a server (a database of its own, dropped after). The
quick run takes the small dataset and a tenth of the large one, with fewer requests. No time is asserted; what is
asserted is that every page answered 200, so that the figures are of the pages and not of error pages.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import requests
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, insert, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from jcm import create_app
from jcm.accounts.models import Organization, User
from jcm.actions.models import ActionItem, ActionOwner, ActionReview, ActionUpdate
from jcm.extensions import db
from jcm.meetings.models import AgendaItem, Meeting, MeetingDay, agenda_item_focus_area
from jcm.meetings.services import SKELETON, default_titles, english_ordinal
from jcm.minutes.models import Attendee, Minutes, MinutesSection, ProgressEntry, SectionRevision
from jcm.models import utcnow
from jcm.mou.models import FocusArea
from jcm.zones import DEFAULT_TIME_ZONES
from tests.conftest import PASSWORD, app_config, post_form
from tests.perf.bench_writers import WORKERS, Forms, percentile, serve, value_of
from tests.perf.figures import ms

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300


@dataclass(frozen=True)
class Scale:
    name: str
    meetings: int
    agenda_items: int  # per meeting
    action_items: int
    delegate_open: int  # open items the U.S. delegate owns
    carried: int  # items carried over to the meeting whose pages are loaded (the nearest a meeting has)


SMALL = Scale("small", 3, 40, 60, 10, 5)
LARGE = Scale("large", 100, 40, 10_000, 800, 300)
QUICK_LARGE = Scale("large ÷ 10", 10, 40, 1_000, 80, 30)
REQUESTS, QUICK_REQUESTS = 20, 5  # per page after the warm-up; `--scale-requests N` sets it
WRK_SECONDS, QUICK_WRK_SECONDS = 3, 1  # wrk's run on each page
EXPORT_SECONDS = 5  # wrk's run on each export: a few downloads of the largest
BESIDE_SECONDS = 1  # wrk's run on the bare endpoint right after each page
# Requests to warm each page up: enough that both workers have most likely served it once (compiled its templates
# and statements) before the timed ones, whichever worker the system hands each connection to (with 8, both have
# but for one time in 128).
WARM_UP = 8

# The people and agencies of a realistic committee besides the test committee's, so that owners spread as they do.
PEOPLE = [("US", "NSF"), ("US", "NASA"), ("US", "NIST"), ("US", "DOE"), ("US", None),
          ("KR", "NRF"), ("KR", "IITP"), ("KR", "KISTI"), ("KR", "KAIST"), ("KR", None)]
TITLES = [
    ("Exchange AI-ready dataset inventories", "AI 활용 가능 데이터셋 목록 교환"),
    ("Draft the joint quantum testbed call", "양자 테스트베드 공동 공모안 작성"),
    ("Nominate experts for the AI safety workshop", "AI 안전 워크숍 전문가 추천"),
    ("Share the list of joint projects", "공동 연구 과제 목록 공유"),
    ("Report on the Korean Cubesat rideshare on Artemis II", "아르테미스 II 큐브위성 부탑재 결과 보고"),
    ("Propose the next young researchers' exchange", "차기 신진 연구자 교류 제안"),
]
SITTINGS = [  # titles of the agenda's other business, as committees word them
    ("Joint research programme", "공동 연구 사업"), ("Researcher exchange", "연구자 교류"),
    ("Open science and data sharing", "오픈 사이언스 및 데이터 공유"), ("Standards cooperation", "표준 협력"),
]
PROGRESS = ["not_started", "on_track", "on_track", "on_track", "at_risk", "off_track", "completed"]


# --- the committee at scale -----------------------------------------------------------------------------------

def _status(age: int | None, rng: random.Random) -> str:
    """The status now of an item raised `age` meetings ago (None: at no meeting): the recent are mostly open, the
    old mostly done or dropped."""
    weights = {None: (30, 15, 45, 10), 0: (55, 35, 8, 2), 1: (50, 35, 12, 3), 2: (40, 30, 25, 5)}.get(age)
    if weights is None:
        weights = (30, 25, 38, 7) if age <= 8 else (8, 7, 75, 10) if age <= 20 else (2, 1, 85, 12)
    return rng.choices(("open", "in_progress", "done", "dropped"), weights)[0]


def random_owners(rng: random.Random, item_id: int, side: str, people: dict, agencies: dict) -> list[dict]:
    """One or two owners of an item on a side, people more often than agencies, as committees assign them."""
    owners = []
    for _owner in range(rng.choice((1, 1, 2))):
        if rng.random() < 0.6:
            owners.append({"action_item_id": item_id, "side": side, "user_id": rng.choice(people[side]),
                           "organization_id": None})
        else:
            owners.append({"action_item_id": item_id, "side": side, "user_id": None,
                           "organization_id": rng.choice(agencies[side])})
    return owners


def seed(app, committee_ids: dict, scale: Scale, seed_: int = 12) -> dict:
    """The committee's meetings, agendas, minutes and action items at `scale`, inserted in bulk. Returns the ids the
    benchmark loads: the meeting with about scale.carried items carried over, an action item of it, and counts."""
    rng = random.Random(seed_)
    today, now = date.today(), utcnow()
    upcoming = 2 if scale.meetings >= 10 else 1
    past = scale.meetings - upcoming
    with app.app_context():
        agreement_id = committee_ids["agreement_id"]
        areas = [area for area in db.session.execute(  # the focus areas (A.1), not the fields (A) or sub-topics
            select(FocusArea.id, FocusArea.code, FocusArea.title, FocusArea.title_ko).where(
                FocusArea.agreement_id == agreement_id).order_by(FocusArea.position)) if area.code.count(".") == 1]
        all_areas = list(db.session.scalars(select(FocusArea.id).where(FocusArea.agreement_id == agreement_id)))
        people = {side: list(db.session.scalars(select(User.id).where(
            User.side == side, User.active.is_(True), User.id != committee_ids["us_delegate"]))) for side in ("US", "KR")}
        agencies = {side: list(db.session.scalars(select(Organization.id).where(Organization.side == side)))
                    for side in ("US", "KR")}
        names = {side: list(db.session.execute(select(User.id, User.name, User.name_ko).where(User.side == side)))
                 for side in ("US", "KR")}

        # meetings, about every four months; the last `upcoming` ahead
        starts = {k: today + timedelta(days=round((k - past - 0.5) * 120)) for k in range(1, scale.meetings + 1)}
        meeting_rows = []
        for k in range(1, scale.meetings + 1):
            title, title_ko = default_titles(k)
            host = "KR" if k % 2 else "US"
            meeting_rows.append({
                "agreement_id": agreement_id, "ordinal": k, "title": title, "title_ko": title_ko,
                "start_date": starts[k], "end_date": starts[k] + timedelta(days=1), "time_zone": DEFAULT_TIME_ZONES[host],
                "venue": "Ministry of Science and ICT" if host == "KR" else "National Science Foundation",
                "venue_ko": "과학기술정보통신부" if host == "KR" else "미국 국립과학재단",
                "city": "Sejong" if host == "KR" else "Alexandria", "city_ko": "세종" if host == "KR" else "알렉산드리아",
                "host_side": host, "mode": rng.choice(("in_person", "hybrid", "virtual")),
                "co_chair_us_id": committee_ids["us_co_chair"], "co_chair_kr_id": committee_ids["kr_co_chair"],
                "status": "held" if k <= past else "planning", "agenda_version": 1,
                "created_at": now - timedelta(days=(scale.meetings - k + 1) * 120), "version": 1,
                "language_state": {}})
        meeting_ids = dict(zip(range(1, scale.meetings + 1), db.session.scalars(
            insert(Meeting).returning(Meeting.id, sort_by_parameter_order=True), meeting_rows).all()))
        db.session.execute(insert(MeetingDay), [
            {"meeting_id": meeting_ids[k], "day": starts[k] + timedelta(days=d)}
            for k in meeting_ids for d in range(2)])

        # agendas: the first draft's skeleton, each top-level focus area, and the committee's other business
        item_rows, item_areas = [], []
        for k, meeting_id in meeting_ids.items():
            on_agenda = rng.sample(areas, min(len(areas), max(1, scale.agenda_items // 5)))
            body = [(kind, t, t_ko, minutes, None) for kind, t, t_ko, minutes in SKELETON[:3]]
            body += [("focus_area", area.title, area.title_ko, 30, area.id) for area in on_agenda]
            n = 0
            while len(body) < scale.agenda_items - 3:
                title, title_ko = SITTINGS[n % len(SITTINGS)]
                n += 1
                body.append(("other_business", f"{title} {n}", f"{title_ko} {n}", 10, None))
            body += [(kind, t, t_ko, minutes, None) for kind, t, t_ko, minutes in SKELETON[3:]]
            for position, (kind, title, title_ko, minutes, area) in enumerate(body[:scale.agenda_items]):
                chair = kind in ("opening", "closing")
                item_rows.append({
                    "meeting_id": meeting_id, "position": position, "day": starts[k] + timedelta(days=position * 2 //
                                                                                                   scale.agenda_items),
                    "kind": kind, "title": title, "title_ko": title_ko,
                    "description": f"Background paper for {title.lower()}." if kind == "other_business" else "",
                    "description_ko": f"{title_ko} 배경 자료." if kind == "other_business" else "",
                    "presenter_us": "Margaret Chen" if chair else "", "presenter_us_ko": "",
                    "presenter_kr": "이준호" if chair else "", "presenter_kr_ko": "이준호" if chair else "",
                    "duration_minutes": minutes, "version": 1, "language_state": {}})
                item_areas.append(area)
        item_ids = db.session.scalars(insert(AgendaItem).returning(AgendaItem.id, sort_by_parameter_order=True),
                                      item_rows).all()
        db.session.execute(insert(agenda_item_focus_area), [
            {"agenda_item_id": item_id, "focus_area_id": area} for item_id, area in zip(item_ids, item_areas) if area])
        area_items: dict[int, list[tuple[int, int]]] = {}  # meeting → its focus-area agenda items and their area
        for row, item_id, area in zip(item_rows, item_ids, item_areas):
            if area:
                area_items.setdefault(row["meeting_id"], []).append((item_id, area))
        agenda_of: dict[int, list[int]] = {}
        for row, item_id in zip(item_rows, item_ids):
            agenda_of.setdefault(row["meeting_id"], []).append(item_id)

        # minutes of every past meeting: attendance, a record per agenda item (saved once: version 2 and its
        # revision), progress per focus area on the agenda; drafts, as a secretariat leaves them
        minutes_ids = dict(zip(range(1, past + 1), db.session.scalars(
            insert(Minutes).returning(Minutes.id, sort_by_parameter_order=True),
            [{"meeting_id": meeting_ids[k], "status": "draft", "next_meeting": "", "next_meeting_ko": "",
              "version": 1, "language_state": {}} for k in range(1, past + 1)]).all()))
        db.session.execute(insert(Attendee), [
            {"minutes_id": minutes_id, "side": side, "position": position, "user_id": user.id, "name": user.name,
             "name_ko": user.name_ko or "", "title": "", "title_ko": "", "organization": "", "organization_ko": "",
             "language_state": {}}
            for minutes_id in minutes_ids.values() for side in ("US", "KR")
            for position, user in enumerate(names[side])])
        section_rows = []
        for k, minutes_id in minutes_ids.items():
            for n, item_id in enumerate(agenda_of[meeting_ids[k]]):
                text = (f"The delegations reviewed item {n + 1} of the {default_titles(k)[0]}; both sides reported "
                        f"progress and agreed on the next steps.")
                section_rows.append({
                    "minutes_id": minutes_id, "agenda_item_id": item_id, "discussion": text,
                    "discussion_ko": f"양측은 제{k}차 회의 {n + 1}번 안건을 검토하고 다음 단계에 합의하였다.",
                    "decisions": ["The two sides agreed to continue."], "decisions_ko": ["양측은 계속 추진하기로 합의하였다."],
                    "version": 2, "language_state": {}, "updated_at": now, "updated_by_id": committee_ids["us_secretariat"]})
        section_ids = db.session.scalars(insert(MinutesSection).returning(MinutesSection.id,
                                                                          sort_by_parameter_order=True),
                                         section_rows).all()
        db.session.execute(insert(SectionRevision), [
            {"section_id": section_id, "version": 2, "discussion": row["discussion"],
             "discussion_ko": row["discussion_ko"], "decisions": row["decisions"], "decisions_ko": row["decisions_ko"],
             "author_id": committee_ids["us_secretariat"], "at": now} for section_id, row in zip(section_ids, section_rows)])
        db.session.execute(insert(ProgressEntry), [
            {"minutes_id": minutes_id, "focus_area_id": area, "status": rng.choice(PROGRESS),
             "narrative": "Joint calls launched; two workshops held.", "narrative_ko": "공동 공모 착수, 워크숍 2회 개최.",
             "version": 1, "language_state": {}, "updated_at": now}
            for k, minutes_id in minutes_ids.items() for _item, area in area_items.get(meeting_ids[k], [])])

        # action items: raised at the past meetings (a few at none), reviewed at up to three meetings after
        raised_at = [1 + n * past // scale.action_items for n in range(scale.action_items)]
        no_meeting = set(rng.sample(range(scale.action_items), scale.action_items // 50))
        numbers: dict[int | None, int] = {}
        items, reviews_of = [], []
        for n in range(scale.action_items):
            k = None if n in no_meeting else raised_at[n]
            numbers[k] = number = numbers.get(k, 0) + 1
            status = _status(None if k is None else past - k, rng)
            title, title_ko = TITLES[n % len(TITLES)]
            origin = starts[k] if k else today - timedelta(days=rng.randint(0, past * 120))
            due = origin + timedelta(days=rng.randint(60, 400))
            reviews = []
            if k is not None:
                later = list(range(k + 1, min(past, k + 3) + 1))
                count = len(later) if status in ("open", "in_progress") else min(len(later), rng.choice((1, 1, 2, 3)))
                for r, m in enumerate(later[:count]):
                    last = r == count - 1
                    outcome = status if last and status in ("done", "dropped") else "continued"
                    new_due = starts[m] + timedelta(days=rng.randint(60, 300)) if outcome == "continued" else None
                    reviews.append((m, outcome, new_due, due))
                    due = new_due or due
            reviewed = next((r[1] for r in reversed(reviews) if r[1] != "continued"), "open")  # the status reviews left
            items.append({
                "agreement_id": agreement_id, "meeting_id": meeting_ids[k] if k else None,
                "agenda_item_id": None, "number": number,
                "ref": f"JCM{k}-A{number:02d}" if k else f"JCM-X{number:03d}",
                "title": f"{title} ({n + 1})", "title_ko": f"{title_ko} ({n + 1})",
                "description": "Owners on both sides report at the next meeting." if n % 3 == 0 else "",
                "description_ko": "양측 담당자는 차기 회의에서 보고한다." if n % 3 == 0 else "",
                "focus_area_id": rng.choice(all_areas), "due_date": due, "status": status,
                "closed_in_meeting_id": meeting_ids[reviews[-1][0]] if reviews and reviews[-1][1] != "continued" else None,
                "created_by_id": committee_ids["us_secretariat"], "created_at": now, "updated_at": now,
                "version": 1 + len(reviews) + (status != reviewed), "language_state": {}})
            if k is not None and area_items.get(meeting_ids[k]):
                agenda_item, area = rng.choice(area_items[meeting_ids[k]])
                items[-1]["agenda_item_id"], items[-1]["focus_area_id"] = agenda_item, area
            reviews_of.append(reviews)
        ids = db.session.scalars(insert(ActionItem).returning(ActionItem.id, sort_by_parameter_order=True),
                                 items).all()

        open_ = [i for i, row in enumerate(items) if row["status"] in ("open", "in_progress")]
        delegate = set(rng.sample(open_, min(scale.delegate_open, len(open_))))
        owners = []
        for i, item_id in enumerate(ids):
            for side in ("US", "KR"):
                if side == "US" and i in delegate:
                    owners.append({"action_item_id": item_id, "side": side, "user_id": committee_ids["us_delegate"],
                                   "organization_id": None})
                    continue
                owners += random_owners(rng, item_id, side, people, agencies)
        db.session.execute(insert(ActionOwner), owners)

        review_rows, updates = [], []
        for i, (item_id, reviews) in enumerate(zip(ids, reviews_of)):
            status = "open"
            for m, outcome, new_due, old_due in reviews:
                title = default_titles(m)[0]
                at = utcnow().replace(year=starts[m].year, month=starts[m].month, day=starts[m].day)
                review_rows.append({"action_item_id": item_id, "meeting_id": meeting_ids[m], "outcome": outcome,
                                    "new_due_date": new_due, "note": "", "recorded_by_id": committee_ids["us_secretariat"],
                                    "recorded_at": at})
                new_status = outcome if outcome != "continued" else status
                updates.append({"action_item_id": item_id, "author_id": committee_ids["us_secretariat"], "at": at,
                                "text": f"Reviewed at {title}: {outcome}.",
                                "status_from": status if new_status != status else None,
                                "status_to": new_status if new_status != status else None,
                                "due_date_from": old_due if new_due else None, "due_date_to": new_due})
                status = new_status
            final = items[i]["status"]
            if final != status:  # moved by an owner's progress report
                updates.append({"action_item_id": item_id, "author_id": committee_ids["us_delegate"], "at": now,
                                "text": "The joint call closed with 24 proposals; the panel meets next month.",
                                "status_from": status, "status_to": final, "due_date_from": None,
                                "due_date_to": None})
        if review_rows:
            db.session.execute(insert(ActionReview), review_rows)
        db.session.execute(insert(ActionUpdate), updates)

        # the meeting whose pages are loaded: a past one (with minutes) with about scale.carried items carried over
        origin_start = {None: None, **{k: starts[k] for k in meeting_ids}}
        item_meeting = [None if row["meeting_id"] is None else raised_at[i] for i, row in enumerate(items)]
        reviewed_at: dict[int, set[int]] = {}
        for i, reviews in enumerate(reviews_of):
            for m, *_rest in reviews:
                reviewed_at.setdefault(m, set()).add(i)

        def carried(m: int) -> int:
            return sum(1 for i, row in enumerate(items)
                       if (item_meeting[i] is None or origin_start[item_meeting[i]] < starts[m]) and item_meeting[i] != m
                       and (row["status"] in ("open", "in_progress") or i in reviewed_at.get(m, ())))

        counts = {m: carried(m) for m in range(2 if past > 1 else 1, past + 1)}
        chosen = min(counts, key=lambda m: (abs(counts[m] - scale.carried), -m))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # as its autovacuum does soon after so many new rows: done now,
            # not while the pages are timed
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        shown = next(item_id for item_id, k in zip(ids, item_meeting) if k == chosen) if chosen in item_meeting \
            else ids[0]
        return {"meeting": meeting_ids[chosen], "ordinal": chosen, "carried": counts[chosen], "action_item": shown,
                "open": len(open_), "delegate_open": len(delegate), "reviews": len(review_rows),
                "updates": len(updates), "sections": len(section_rows)}


def seed_committee(app) -> dict:
    """The real MOU, loaded as `jcm init` loads it, and the test committee's people (both sides, every role)."""
    from jcm.accounts.services import create_user
    from tests.conftest import PEOPLE as COMMITTEE, load_bundled_mou

    with app.app_context():
        report = load_bundled_mou()
        db.session.flush()
        organizations = {o.acronym: o.id for o in db.session.scalars(select(Organization))}
        ids = {"agreement_id": report.agreement.id}
        for side, role, name, email, agency in COMMITTEE:
            user = create_user(None, {"email": email, "name": name, "side": side, "role": role,
                                      "organization_id": organizations.get(agency)}, PASSWORD)
            ids[f"{side.lower()}_{role}"] = user.id
            ids[f"{side.lower()}_{role}_email"] = email
        for n, (side, agency) in enumerate(PEOPLE * 3):
            create_user(None, {"email": f"member{n:02d}@{side.lower()}.example.gov", "name": f"Member {n:02d}",
                               "side": side, "role": "delegate", "organization_id": organizations.get(agency)}, PASSWORD)
        db.session.commit()
    return ids


# --- serving ----------------------------------------------------------------------------------------------

def bare_app() -> Flask:
    """The floor: a bare Flask app, served by gunicorn the same way as JCM."""
    app = Flask("bare")
    app.add_url_rule("/", "hello", lambda: "hello")
    app.add_url_rule("/healthz", "healthz", lambda: "ok")
    return app


def gunicorn(spec: str, folder: Path, env: dict | None = None):
    """`spec` (JCM's create_app() or the bare app) under gunicorn, 2 sync workers, until the block ends."""
    return serve(spec, folder, env, timeout=TIMEOUT)


def signed_in(base: str, email: str) -> requests.Session:
    http = requests.Session()
    login = http.get(f"{base}/login", timeout=TIMEOUT)
    answer = http.post(f"{base}/login", data={"csrf_token": value_of(Forms(login.text).forms[""], "csrf_token"),
                                              "email": email, "password": PASSWORD},
                       allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
    return http


@dataclass
class Timing:
    p50: float
    p99: float
    size: int


def timed(http: requests.Session, url: str, runs: int, headers: dict | None = None) -> Timing:
    """N requests in a row after WARM_UP to warm up; each read to the last byte."""
    times, size = [], 0
    for n in range(runs + WARM_UP):
        started = time.perf_counter()
        answer = http.get(url, headers=headers, timeout=TIMEOUT)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
        size = len(answer.content)
        if n >= WARM_UP:
            times.append(elapsed)
    return Timing(statistics.median(times), percentile(times, 99), size)


def wrk_timed(http: requests.Session, url: str, seconds: int, headers: dict | None = None,
              connections: int = WORKERS, warm_up: bool = True) -> Timing:
    """wrk on `url` for `seconds`, one connection per worker (or `connections`), as `http` is signed in (its
    cookies) or with `headers`, after WARM_UP requests by `http` (which give the page's size and check it answers
    200) and a second of wrk (unless not `warm_up`: an endpoint timed again, its workers warm)."""
    timing = timed(http, url, 1, headers)
    # gunicorn's sync workers close every connection after its answer, and say so: told as much up front, wrk opens a
    # new one for each request, as it must, rather than now and then sending a request on a connection the worker is
    # closing, which then waits out TCP's retransmission (some 200 ms, for 1 in 100 or so of the larger pages).
    sent = {"Connection": "close", **(headers or {})}
    if http.cookies:
        sent["Cookie"] = "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)
    command = ["wrk", "--threads", str(connections), "--connections", str(connections), "--duration", f"{seconds}s",
               "--timeout", f"{TIMEOUT}s", "--latency",
               *[part for name, value in sent.items() for part in ("--header", f"{name}: {value}")], url]
    # First a second of the same load, not counted: both workers have then served the page. A worker's first answer
    # (its templates compiled, its statements cached, the page made) takes a hundred times the others, and wrk counts
    # a slow answer again for each request it kept waiting, so that one such answer alone would set the p99.
    if warm_up:
        first = [*command[:command.index("--duration") + 1], "1s", *command[command.index("--duration") + 2:]]
        subprocess.run(first, capture_output=True, text=True, timeout=60, check=True)
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    assert "Non-2xx" not in output, output

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1}[unit]

    return Timing(latency("50"), latency("99"), timing.size)


# --- the key pages ------------------------------------------------------------------------------------------

def key_pages(ids: dict, seeded: dict) -> list[tuple[str, str, str]]:
    """(label, who, path): who is "delegate" or "secretariat" (signed in) or "api" (the delegate's token)."""
    meeting, item, today = seeded["meeting"], seeded["action_item"], date.today()
    register = f"/action-items?owner={ids['us_delegate']}&status=open,in_progress"
    return [
        ("home (a secretariat's: the MOU)", "secretariat", "/"),  # a delegate's is my action items
        ("my action items (the delegate's)", "delegate", "/my-action-items"),
        ("register", "delegate", "/action-items"),
        ("register: owner and status filter", "delegate", register),
        ("meeting page (its carried-over items)", "delegate", f"/meetings/{meeting}"),
        ("meetings list", "delegate", "/meetings"),
        ("minutes page", "delegate", f"/meetings/{meeting}/minutes"),
        ("minutes editor", "secretariat", f"/meetings/{meeting}/minutes"),
        ("action item page", "delegate", f"/action-items/{item}"),
        ("agenda.html", "delegate", f"/meetings/{meeting}/agenda.html?lang=en"),
        ("minutes.html", "delegate", f"/meetings/{meeting}/minutes.html?lang=en"),
        ("/api/v1/meetings", "api", "/api/v1/meetings"),
        ("/api/v1/action-items", "api", "/api/v1/action-items"),
        ("/api/v1/meetings/<id>/minutes", "api", f"/api/v1/meetings/{meeting}/minutes"),
        ("/api/v1/meetings/<id>/agenda-items", "api", f"/api/v1/meetings/{meeting}/agenda-items"),
        ("/api/v1/action-items?overdue", "api", f"/api/v1/action-items?due_before={today.isoformat()}"),
        # last: wrk stops with a download under way, which would weigh on the page timed after it
        ("action-items.csv", "api", "/action-items.csv"),
        ("action-items.xlsx", "api", "/action-items.xlsx"),
    ]


@dataclass(frozen=True)
class Target:
    """The issue's targets at the large dataset: p50 and p99 as multiples of the bare endpoint, or seconds to the
    last byte for the exports."""
    p50: float | None = None
    p99: float | None = None
    seconds: float | None = None

    def __str__(self) -> str:
        if self.seconds is not None:
            return f"≤ {self.seconds:g} s"
        return f"≤ {self.p50:g}×" + (f", p99 ≤ {self.p99:g}×" if self.p99 else "")

    def met(self, timing: "Timing", bare: float) -> bool:
        if self.seconds is not None:
            return timing.p50 <= self.seconds
        return timing.p50 <= self.p50 * bare and (self.p99 is None or timing.p99 <= self.p99 * bare)


def target_of(path: str) -> Target:
    if path.startswith("/api/"):
        return Target(10)
    if path.endswith((".html?lang=en", ".html")):
        return Target(40)
    if path.endswith(".csv"):
        return Target(seconds=0.3)
    if path.endswith(".xlsx"):
        return Target(seconds=1.5)
    return Target(15, 25)


def statements(app, ids: dict, token: str, pages: list[tuple[str, str, str]]) -> dict[str, int]:
    """SQL statements of each page, counted in-process through the test client (not in the timed runs), as the timed
    runs serve it: after a first request, which made what is kept once per version of the content."""
    counts = {}
    clients = {}
    for who in ("delegate", "secretariat"):
        clients[who] = app.test_client()
        answer = post_form(clients[who], "/login", {"email": ids[f"us_{who}_email"], "password": PASSWORD})
        assert answer.status_code in (302, 303), answer.status_code
    clients["api"] = app.test_client()
    with app.app_context():
        engine = db.engine
    for label, who, path in pages:
        seen: list[str] = []
        listener = lambda *args, seen=seen: seen.append(args[2])  # noqa: E731
        headers = {"Authorization": f"Bearer {token}"} if who == "api" else {}
        clients[who].get(path, headers=headers).get_data()
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = clients[who].get(path, headers=headers)
            response.get_data()  # a streamed export's statements run as it is read
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (path, response.status_code)
        counts[label] = len(seen)
    return counts


# --- where the time goes ------------------------------------------------------------------------------------

AREAS = [  # (area, fragments of a file's path): the first that matches names the area of a function's own time
    ("database driver", ("/psycopg/",)), ("SQLAlchemy", ("/sqlalchemy/",)), ("templates", ("/jinja2/", "/templates/", "<template>")),
    ("MarkupSafe", ("/markupsafe/",)), ("Babel", ("/babel/", "/flask_babel/")),
    ("marshmallow", ("/marshmallow/", "/flask_smorest/", "/webargs/")), ("WTForms", ("/wtforms/", "/flask_wtf/")),
    ("openpyxl", ("/openpyxl/", "/et_xmlfile/")), ("Flask, Werkzeug", ("/flask/", "/werkzeug/", "/flask_login/")),
    ("JCM", ("/jcm/",)),
]
DRIVERS = ("sqlite3", "psycopg")


def area_of(function: tuple[str, int, str]) -> str:
    filename, _line, name = function
    if filename == "~":
        return "database driver" if any(driver in name for driver in DRIVERS) else ""
    return next((area for area, fragments in AREAS if any(f in filename for f in fragments)), "other")


def profile(client, path: str, headers: dict, runs: int = 3) -> tuple[dict[str, float], list[tuple[float, str]]]:
    """Where one page's time goes, in-process through the test client: each function's own time by area (the
    time of Python's built-ins goes to the area of their callers), and the functions that take most."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for _ in range(runs):
        profiler.enable()
        client.get(path, headers=headers).get_data()
        profiler.disable()
    stats = pstats.Stats(profiler).stats
    areas: dict[str, float] = {}
    for function, (_cc, _nc, own, _cumulative, callers) in stats.items():
        area = area_of(function)
        if area:
            areas[area] = areas.get(area, 0) + own
            continue
        for caller, caller_figures in callers.items():  # a built-in: its time, caller by caller
            caller_area = area_of(caller) or "other"
            areas[caller_area] = areas.get(caller_area, 0) + caller_figures[2]
    top = sorted(((own, f"{Path(f[0]).name}:{f[1]} {f[2]}") for f, (_cc, _nc, own, _ct, _c) in stats.items()),
                 reverse=True)[:5]
    return areas, top


def profiles(app, ids: dict, token: str, pages: list[tuple[str, str, str]], labels: set[str]) -> dict[str, tuple]:
    clients = {}
    for who in ("delegate", "secretariat"):
        clients[who] = app.test_client()
        post_form(clients[who], "/login", {"email": ids[f"us_{who}_email"], "password": PASSWORD})
    clients["api"] = app.test_client()
    found = {}
    for label, who, path in pages:
        if label in labels:
            headers = {"Authorization": f"Bearer {token}"} if who == "api" else {}
            found[label] = profile(clients[who], path, headers)
    return found


# --- EXPLAIN of the register's filtered query -------------------------------------------------------------------

class Explain(Executable, ClauseElement):
    inherit_cache = False

    def __init__(self, statement):
        self.statement = statement


@compiles(Explain)
def _explain(element, compiler, **kw):
    prefix = "EXPLAIN QUERY PLAN " if compiler.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    return prefix + compiler.process(element.statement, **kw)


def explain_register(app, ids: dict) -> list[str]:
    """The plan of the register filtered by an owner (the delegate, and so their agency too) and the open statuses,
    as register_query builds it, one page of it as the register reads it."""
    from jcm.actions.services import RegisterFilter, register_query

    with app.app_context():
        filters = RegisterFilter(owner_user=ids["us_delegate"], status=["open", "in_progress"])
        query = register_query(filters, date.today()).limit(app.config["PAGE_SIZE"])
        rows = db.session.execute(Explain(query)).all()
        db.session.rollback()
    if rows and len(rows[0]) == 1:  # PostgreSQL: one line of text per row
        return [row[0] for row in rows]
    parents: dict[int, int] = {}
    lines = []
    for node, parent, _unused, detail in rows:  # SQLite: (id, parent, notused, detail), indented by depth
        parents[node] = parents.get(parent, -1) + 1
        lines.append("  " * parents[node] + detail)
    return lines


# --- the run ----------------------------------------------------------------------------------------------------

def build(empty_database, scale: Scale, folder: Path) -> tuple[str, object, dict, dict, str, float]:
    """A database of its own at `scale`: migrated, the committee, the seeding (timed)."""
    from jcm.accounts.services import create_token, get_user

    url = empty_database()
    app = create_app(app_config(url, folder / "instance"))
    with app.app_context():
        upgrade()
    ids = seed_committee(app)
    started = time.perf_counter()
    seeded = seed(app, ids, scale)
    seconds = time.perf_counter() - started
    with app.app_context():
        token = create_token(None, get_user(ids["us_delegate"]), "scale benchmark")[1]
        db.session.commit()
    return url, app, ids, seeded, token, seconds


def database_name() -> str:
    return "PostgreSQL" if os.environ.get("JCM_DATABASE_URL", "").startswith("postgres") else "SQLite"


def scale_folder(tmp_path: Path, scale: Scale) -> Path:
    return tmp_path / scale.name.replace(" ", "").replace("÷", "-")


def jcm_env(url: str, folder: Path, secret: str) -> dict[str, str]:
    """What JCM's gunicorn workers are started with: the seeded database, their own instance folder; no kept
    documents prepared in the background while the pages are timed."""
    return {"JCM_DATABASE_URL": url, "JCM_INSTANCE_PATH": str(folder / "instance"), "JCM_SECRET_KEY": secret,
            "JCM_PREPARE_DOCUMENTS": "false"}


def timed_pages(base: str, ids: dict, token: str, pages: list[tuple[str, str, str]], timed) -> dict:
    """Each page timed by `timed(session, url, headers)` against JCM at `base`: signed in as the delegate, or with the
    delegate's token for "api"."""
    sessions = {"delegate": signed_in(base, ids["us_delegate_email"]), "api": requests.Session()}
    try:
        return {label: timed(sessions[who], f"{base}{path}",
                             {"Authorization": f"Bearer {token}"} if who == "api" else None)
                for label, who, path in pages}
    finally:
        for http in sessions.values():
            http.close()


def loading(runs: int, seconds: int):
    """How each page and the bare endpoint are loaded: by wrk where it is installed, else by `requests`."""
    if shutil.which("wrk"):
        return lambda http, url, headers=None: wrk_timed(http, url, seconds, headers)
    return lambda http, url, headers=None: timed(http, url, runs, headers)


def bare_beside(bare_url: str, runs: int) -> Timing:
    """The bare endpoint timed again right after a page, for a second (or `runs` requests): what the shared machine
    was doing then weighs on both alike, and the page's multiple is of this."""
    with requests.Session() as plain:
        if shutil.which("wrk"):
            return wrk_timed(plain, f"{bare_url}/", BESIDE_SECONDS, warm_up=False)
        return timed(plain, f"{bare_url}/", runs)


def bare_timing(bare_url: str, runs: int, load=None) -> Timing:
    """The bare Flask endpoint, timed as the pages are (`load`, or `runs` requests by `requests`): the floor every
    figure is a multiple of."""
    with requests.Session() as plain:
        return load(plain, f"{bare_url}/") if load else timed(plain, f"{bare_url}/", runs)


def made_afresh(app, ids: dict, token: str, pages: list[tuple[str, str, str]], runs: int = 3) -> dict[str, float]:
    """What each page (not the exports) takes in-process, through the test client, made with nothing kept, as the
    first request after a change of the content makes it: the median of `runs`."""
    from jcm.content import KEPT, KEPT_BULKY, Remembered, kept_pages

    def forget() -> None:  # every process's memory of what it made, as after a change of the content
        budget = app.extensions["jcm.content.pages"].size
        app.extensions.update({"jcm.content.made": Remembered(KEPT), "jcm.content.made.bulky": Remembered(KEPT_BULKY),
                               "jcm.content.pages": kept_pages(budget)})

    clients = {"api": app.test_client()}
    for who in ("delegate", "secretariat"):
        clients[who] = app.test_client()
        post_form(clients[who], "/login", {"email": ids[f"us_{who}_email"], "password": PASSWORD})
    found = {}
    for label, who, path in pages:
        if path.startswith("/action-items."):
            continue
        headers = {"Authorization": f"Bearer {token}"} if who == "api" else {}
        times = []
        for _ in range(runs):
            forget()
            started = time.perf_counter()
            assert clients[who].get(path, headers=headers).status_code == 200
            times.append(time.perf_counter() - started)
        found[label] = statistics.median(times)
    return found


def let_go(app) -> None:
    """The seeding app's connections closed, before the next scale's database is built."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run(url: str, app, ids: dict, seeded: dict, token: str, runs: int, seconds: int, bare_url: str,
        folder: Path) -> dict:
    pages = key_pages(ids, seeded)
    sql = statements(app, ids, token, pages)
    afresh = made_afresh(app, ids, token, pages)
    env = jcm_env(url, folder, "scale-bench")
    load = loading(runs, seconds)
    before = bare_timing(bare_url, runs * 5, load)
    results = {}
    with gunicorn("jcm:create_app()", folder / "gunicorn", env) as base:
        sessions = {"delegate": signed_in(base, ids["us_delegate_email"]),
                    "secretariat": signed_in(base, ids["us_secretariat_email"]), "api": requests.Session()}
        for label, who, path in pages:
            headers = {"Authorization": f"Bearer {token}"} if who == "api" else None
            if path.startswith("/action-items."):  # seconds to the last byte, one download at a time
                timing = (wrk_timed(sessions[who], f"{base}{path}", EXPORT_SECONDS, headers, connections=1)
                          if shutil.which("wrk") else timed(sessions[who], f"{base}{path}", max(3, runs // 4), headers))
                beside = None
            else:
                timing = load(sessions[who], f"{base}{path}", headers)
                beside = bare_beside(bare_url, runs * 5)
            results[label] = (timing, sql[label], afresh.get(label), beside)
        for http in sessions.values():
            http.close()
    # The floor timed before and after the pages, and taken as the mean (each page's own multiple is of the floor timed
    # right after it, where there is one): what the shared machine did meanwhile weighs on it as on the pages.
    after = bare_timing(bare_url, runs * 5, load)
    bare = Timing((before.p50 + after.p50) / 2, (before.p99 + after.p99) / 2, before.size)
    return {"bare": bare, "pages": results}


def test_bench_scale(empty_database, figures, quick, request, tmp_path):
    runs = request.config.getoption("--scale-requests") or (QUICK_REQUESTS if quick else REQUESTS)
    scales = (SMALL, QUICK_LARGE if quick else LARGE)
    database = database_name()
    seconds = QUICK_WRK_SECONDS if quick else WRK_SECONDS
    how, exports = ((f"wrk, {WORKERS} connections for {seconds} s", f"1 connection for {EXPORT_SECONDS} s")
                    if shutil.which("wrk") else
                    (f"{runs} requests in a row by `requests` (no wrk: the floor is the client's)",
                     f"{max(3, runs // 4)} requests"))
    title = (f"Key pages at scale on {database}: gunicorn, {WORKERS} sync workers, p50 and p99 of {how} "
             f"(exports: {exports}) after a warm-up{' (quick run)' if quick else ''}")
    print(f"\n{title}:")
    measured, seeding, explained, profiled, paths = {}, {}, [], {}, {}
    with gunicorn("tests.perf.bench_scale:bare_app()", tmp_path / "bare") as bare_url:
        for scale in scales:
            folder = scale_folder(tmp_path, scale)
            url, app, ids, seeded, token, seeded_in = build(empty_database, scale, folder)
            seeding[scale.name] = (seeded_in, seeded)
            print(f"  {scale.name}: seeded {scale.meetings} meetings × {scale.agenda_items} agenda items, "
                  f"{scale.action_items:,} action items ({seeded['open']:,} open, {seeded['delegate_open']} of them the "
                  f"U.S. delegate's; {seeded['reviews']:,} reviews, {seeded['updates']:,} updates), minutes with "
                  f"{seeded['sections']:,} records; the {english_ordinal(seeded['ordinal'])} meeting has {seeded['carried']} items "
                  f"carried over — in {seeded_in:.1f} s")
            measured[scale.name] = run(url, app, ids, seeded, token, runs, seconds, bare_url, folder)
            if scale is scales[-1]:
                explained = explain_register(app, ids)
                pages = key_pages(ids, seeded)
                missed = {label for label, _who, path in pages if not target_of(path).met(
                    measured[scale.name]["pages"][label][0], floor_of(measured[scale.name], label))}
                profiled = profiles(app, ids, token, pages, missed)
                paths = {label: path for label, _who, path in pages}
            let_go(app)
    report(figures, title, scales, measured, seeding, explained, database, profiled, paths)


def floor_of(measured: dict, label: str) -> float:
    """The bare endpoint's p50 a page is a multiple of: timed right after it, else over the run."""
    beside = measured["pages"][label][3]
    return (beside or measured["bare"]).p50


def report(figures, title: str, scales: tuple[Scale, Scale], measured: dict, seeding: dict, explained: list[str],
           database: str, profiled: dict[str, tuple], paths: dict[str, str]) -> None:
    small, large = (measured[scale.name] for scale in scales)
    header = (f"  {'page':<44} {'p50':>9} {'p99':>9} {'×bare':>6}  {'p50':>9} {'p99':>9} {'×bare':>6} {'growth':>7} "
              f"{'SQL':>9} {'bytes':>21} {'made afresh':>12}")
    print(f"  bare Flask endpoint: p50 {ms(small['bare'].p50)} ({scales[0].name}), {ms(large['bare'].p50)} "
          f"({scales[1].name}), before and after the pages; each page's multiple is of the bare endpoint timed for "
          f"{BESIDE_SECONDS} s right after it")
    print(f"  {'':<44} {scales[0].name:^26}  {scales[1].name:^26}")
    print(header)
    heading, detail = title.split(": ", 1)
    figures.section(heading)
    figures.section(f"  {detail}")
    for scale in scales:
        seconds, seeded = seeding[scale.name]
        figures.add(f"  seeding {scale.name}: {scale.meetings} meetings × {scale.agenda_items} items × "
                    f"{scale.action_items:,} action items", f"{seconds:.1f} s", "",
                    "< 120 s" if scale.action_items >= 10_000 else "",
                    ("met" if seconds < 120 else "not met") if scale.action_items >= 10_000 else "")
    for scale in scales:
        figures.add(f"  bare Flask endpoint, p50 in the {scale.name} run", ms(measured[scale.name]["bare"].p50))
    for label in small["pages"]:
        (s, s_sql, _, _), (g, g_sql, afresh, _) = small["pages"][label], large["pages"][label]
        g_floor = floor_of(large, label)
        s_x, g_x = s.p50 / floor_of(small, label), g.p50 / g_floor
        growth = g_x / s_x
        print(f"  {label:<44} {ms(s.p50):>9} {ms(s.p99):>9} {s_x:>5.0f}×  {ms(g.p50):>9} {ms(g.p99):>9} {g_x:>5.0f}× "
              f"{growth:>6.1f}× {f'{s_sql}→{g_sql}':>9} {f'{s.size:,}→{g.size:,}':>21} "
              f"{ms(afresh) if afresh is not None else '':>12}")
        target = target_of(paths[label])
        figures.add(f"  {label}: p50 (p99 {ms(g.p99)}), {g_x:.0f}× bare ({s_x:.0f}× {scales[0].name}), "
                    f"growth {growth:.1f}×, SQL {s_sql}→{g_sql}, {g.size:,} B"
                    + (f", made afresh {ms(afresh)}" if afresh is not None else ""), ms(g.p50), "",
                    f"{target}" if target.seconds else f"{target}, growth ≤ 1.5×, same SQL",
                    "met" if target.met(g, g_floor) and (target.seconds or growth <= 1.5 and s_sql == g_sql)
                    else "not met")
    print(f"  EXPLAIN of the register filtered by owner and status ({scales[1].name}, {database}):")
    for line in explained:  # printed only: its lines would widen the whole table
        print(f"    {line}")
    figures.section("  (the EXPLAIN of the register filtered by owner and status is printed above)")
    if profiled:
        print(f"  Where the time goes in the pages that miss their target ({scales[1].name}, in-process, "
              "each function's own time; a built-in's goes to its caller):")
    for label, (areas, top) in profiled.items():
        total = sum(areas.values()) or 1
        shares = " · ".join(f"{area} {own / total:.0%}" for area, own in
                            sorted(areas.items(), key=lambda pair: -pair[1]) if own / total >= 0.02)
        print(f"    {label}: {shares}")
        print("      most: " + "; ".join(f"{name} {own / total:.0%}" for own, name in top))
