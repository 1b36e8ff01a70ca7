"""Whole journeys through JCM in Chromium, as the people of both sides make them, each in their own browser with
their own language: a meeting set up and its agenda agreed by both sides; minutes written, circulated, commented
and adopted; the minutes of a ten-item meeting written live, with an action item raised from a section, in the one
page load of the minutes page; a delegate updating their action item from the link in the e-mail that told them of
it.

Each journey counts what the people did — the clicks (a link, a button, a box ticked, a choice in a list), the key
presses that submit a form, the fields typed and the addresses opened by hand — and the full page loads their
browsers made (each page's "load" event), prints them (`pytest -s`) and writes them, with screenshots of the key
screens, to test-artifacts/journeys/ (or the folder JCM_TEST_ARTIFACTS names). What the journeys assert is what
they achieve — the states in the database and on the pages — never how long they took.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from jcm.extensions import db
from jcm.notifications.sending import sender_of
from tests.conftest import PASSWORD, Person, complete_both_texts
from tests.test_notifications import MailServer
from tests.test_reminders import html_of, text_of

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
U_S = {"locale": "en-US", "timezone_id": "America/New_York"}
KOREA = {"locale": "ko-KR", "timezone_id": "Asia/Seoul"}


# --- counting a journey ---------------------------------------------------------------------------------------

@dataclass
class Traveller:
    """One person in their own browser: what they did, and the pages their browser loaded."""

    label: str
    person: Person
    page: Page
    journey: "Journey"
    clicks: int = 0
    keys: int = 0  # key presses that submit a form
    typed: int = 0  # fields typed into
    addresses: int = 0  # addresses opened by hand (the first visit, a link from an e-mail)
    loads: int = 0

    def _done(self) -> None:
        self.page.wait_for_load_state()

    def _at(self, target: str | Locator) -> Locator:
        return self.page.locator(target) if isinstance(target, str) else target

    def open(self, address: str) -> None:
        self.addresses += 1
        self.page.goto(address)

    def click(self, target: str | Locator) -> None:
        self.clicks += 1
        self._at(target).click()
        self._done()

    def tick(self, target: str | Locator) -> None:
        self.clicks += 1
        self._at(target).check()

    def choose(self, target: str | Locator, **option) -> None:
        self.clicks += 1
        self._at(target).select_option(**option)

    def type(self, target: str | Locator, text: str) -> None:
        self.typed += 1
        self._at(target).fill(text)

    def enter(self, target: str | Locator) -> None:
        self.keys += 1
        self._at(target).press("Enter")
        self._done()

    def sign_in(self) -> None:
        """Through the sign-in form, submitted with Enter, as most people do; the page asked for it or not."""
        if "/login" not in self.page.url:
            self.open("/login")
        self.type("input[name=email]", self.person.email)
        self.type("input[name=password]", PASSWORD)
        self.enter("input[name=password]")
        assert "/login" not in self.page.url, f"sign-in failed for {self.person.email}"

    def home(self) -> None:
        """Back to the start page, by the name of the site in the header."""
        self.click("a.brand")

    def waiting(self, label: str) -> Locator:
        """An entry of "Waiting for you" on the start page."""
        return self.page.locator("#acts-heading + .waiting__list .waiting__item").filter(
            has=self.page.locator(".status", has_text=label))

    def shot(self, name: str) -> None:
        self.journey.shot(self, name)

    def summary(self) -> str:
        return f"{self.label} {counted(self.clicks, 'click')}, {counted(self.keys, 'key press', 'key presses')}, " \
               f"{counted(self.loads, 'page load')}"


@dataclass
class Journey:
    name: str
    folder: Path
    make_context: Callable
    people: list[Traveller] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # figures of a part of the journey, printed with the rest

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def join(self, label: str, person: Person, where: dict) -> Traveller:
        page = self.make_context(**where).new_page()
        traveller = Traveller(label, person, page, self)

        def loaded(_page) -> None:
            traveller.loads += 1

        page.on("load", loaded)
        self.people.append(traveller)
        return traveller

    def shot(self, traveller: Traveller, name: str) -> None:
        self.shot_of(traveller.page, name)

    def shot_of(self, page: Page, name: str) -> None:
        path = self.folder / f"{self.slug}-{len(self.screens) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.screens.append(path.name)

    def report(self) -> str:
        total = {key: sum(getattr(t, key) for t in self.people) for key in ("clicks", "keys", "typed", "addresses",
                                                                              "loads")}
        line = (f'journey "{self.name}": {counted(total["clicks"], "click")}, '
                f'{counted(total["keys"], "key press", "key presses")}, {counted(total["loads"], "page load")} '
                f'({counted(total["typed"], "field")} typed, {counted(total["addresses"], "address", "addresses")} '
                f'opened by hand)')
        details = "\n".join([*(f"  {t.summary()}" for t in self.people), *(f"  {note}" for note in self.notes)])
        text = f"{line}\n{details}\n  screenshots: {', '.join(self.screens)}\n"
        (self.folder / f"{self.slug}.txt").write_text(text, encoding="utf-8")
        every = sorted(path for path in self.folder.glob("*.txt") if path.name != "journeys.txt")
        (self.folder / "journeys.txt").write_text("".join(path.read_text(encoding="utf-8") for path in every),
                                                  encoding="utf-8")
        print(f"\n{text}", end="")
        return line


@pytest.fixture
def journey(new_context):
    folder = Path(os.environ.get("JCM_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "journeys"
    folder.mkdir(parents=True, exist_ok=True)

    def start(name: str) -> Journey:
        made = Journey(name, folder, new_context)
        for old in folder.glob(f"{made.slug}*"):
            old.unlink()
        return made

    return start


def counted(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def eventually(check: Callable[[], bool], what: str, seconds: float = 5.0) -> None:
    """A saved state the server holds, whether the page reloaded to save it or saved it in place."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not done: {what}"
        time.sleep(0.05)


# --- reading the database ------------------------------------------------------------------------------------

def meeting_state(app, meeting_id: int) -> dict:
    from jcm.meetings.services import approvals_by_side, get_meeting

    with app.app_context():
        meeting = get_meeting(meeting_id)
        agreed = sorted(side for side, approval in approvals_by_side(meeting).items() if approval)
        return {"status": meeting.status, "agreed_by": agreed,
                "co_chair_kr": meeting.co_chair_kr_id, "version": meeting.agenda_version}


def agenda_items(app, meeting_id: int) -> list[tuple[int, str, str]]:
    from jcm.meetings.models import AgendaItem

    with app.app_context():
        return [(item.id, item.kind, item.title) for item in db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position))]


def minutes_state(app, meeting_id: int) -> dict:
    from jcm.meetings.services import get_meeting
    from jcm.minutes.models import MinutesComment
    from jcm.minutes.services import minutes_for, ordered_sections

    with app.app_context():
        minutes = minutes_for(get_meeting(meeting_id))
        if minutes is None:
            return {"status": None}
        comments = db.session.scalars(select(MinutesComment).where(MinutesComment.minutes_id == minutes.id)
                                      .order_by(MinutesComment.id)).all()
        return {"status": minutes.status, "meeting": get_meeting(meeting_id).status,
                "sections": {s.agenda_item_id: (s.id, s.discussion, s.discussion_ko, list(s.decisions),
                                                list(s.decisions_ko)) for s in ordered_sections(minutes)},
                "progress": {e.focus_area_id: (e.status, e.narrative, e.narrative_ko) for e in minutes.progress},
                "next": (minutes.next_meeting, minutes.next_meeting_ko),
                "comments": [(c.section_id, c.text, c.resolved_at is not None) for c in comments],
                "adopted_by": sorted(a.side for a in minutes.approvals)}


def area_id(app, code: str) -> int:
    from jcm.mou.models import FocusArea

    with app.app_context():
        return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


# --- 1. a meeting set up and its agenda agreed across both sides ----------------------------------------------

NEW_ITEM = "Joint call for proposals on AI for science"
NEW_ITEM_KO = "과학을 위한 인공지능 공동 연구과제 공모"


def test_journey_set_up_a_meeting_and_agree_its_agenda(app, committee, journey):
    """The U.S. secretariat sets up the 23rd meeting, hosted by Korea in Seoul, and adds an item; the Korean
    secretariat, told on their start page that an agenda awaits Korea's agreement, names Korea's co-chair, writes
    the Korean texts and checks them; the U.S. secretariat checks the English and agrees; Korea agrees: agreed.
    Every text is written through the pages (the first draft gives most of them in both languages)."""
    trip = journey("set up a meeting and agree its agenda")
    us = trip.join("U.S. secretariat:", committee.us_secretariat, U_S)
    kr = trip.join("Korean secretariat:", committee.kr_secretariat, KOREA)

    # The U.S. secretariat sets up the meeting.
    us.sign_in()
    us.click("nav.site-nav a[href='/meetings']")
    us.click("main a[href='/meetings/new']")
    us.type("#ordinal", "23")
    us.type("#start_date", "2027-05-12")
    us.type("#end_date", "2027-05-13")
    us.type("#venue", "Korea Institute of Science and Technology")
    us.type("#city", "Seoul")
    us.choose("#host_side", value="KR")
    us.choose("#co_chair_us_id", value=str(committee.us_co_chair.id))
    a1 = us.page.locator("#focus_area_ids option", has_text=re.compile(r"^A\.1 ")).get_attribute("value")
    us.choose("#focus_area_ids", value=[a1])
    us.shot("new-meeting")
    us.click("main form button[type=submit]")
    match = re.search(r"/meetings/(\d+)$", us.page.url)
    assert match, us.page.url
    meeting_id = int(match.group(1))
    expect(us.page.locator("h1")).to_have_text("The 23rd Joint Committee Meeting")

    us.click("#schedule a[href$='/items/new']")
    us.type("#title", NEW_ITEM)
    us.type("#presenter_us", "David Okafor")
    us.type("#duration_minutes", "30")
    us.click("main form button.button--primary")
    items = agenda_items(app, meeting_id)
    [(new_id, _kind, _title)] = [item for item in items if item[2] == NEW_ITEM]
    expect(us.page.locator(f"#item-{new_id}")).to_contain_text(NEW_ITEM)
    us.shot("first-draft")
    opening, closing = (next(i for i, kind, _t in items if kind == k) for k in ("opening", "closing"))

    # The Korean secretariat finds the agenda waiting for Korea's agreement.
    kr.sign_in()
    waiting = kr.waiting("동의할 의제")
    expect(waiting).to_contain_text("제23차 공동위원회")
    kr.shot("agenda-to-agree-on-the-start-page")
    kr.click(waiting.locator("a").first)
    expect(kr.page.locator(".agreement-panel .text-gaps")).to_contain_text("국문 문안 없음")
    kr.shot("what-keeps-korea-from-agreeing")

    kr.click(f"main a[href='/meetings/{meeting_id}/edit']")  # names Korea's co-chair, writes the place in Korean
    kr.choose("#co_chair_kr_id", value=str(committee.kr_co_chair.id))
    kr.type("#venue_ko", "한국과학기술연구원")
    kr.type("#city_ko", "서울")
    kr.click("main form button.button--primary")
    assert meeting_state(app, meeting_id)["co_chair_kr"] == committee.kr_co_chair.id

    for item_id, fields in ((opening, {"#presenter_us_ko": "마거릿 첸", "#presenter_kr": "Lee Jun-ho",
                                       "#presenter_kr_ko": "이준호"}),
                            (closing, {"#presenter_us_ko": "마거릿 첸", "#presenter_kr": "Lee Jun-ho",
                                       "#presenter_kr_ko": "이준호"}),
                            (new_id, {"#title_ko": NEW_ITEM_KO, "#presenter_us_ko": "데이비드 오카포"})):
        kr.click(f"#item-{item_id} a[href='/agenda-items/{item_id}/edit']")
        for selector, text in fields.items():
            kr.type(selector, text)
        kr.click("main form button.button--primary")
    expect(kr.page.locator(f"#item-{new_id}")).to_contain_text(NEW_ITEM_KO)

    kr.click(f".facts a[href='/meetings/{meeting_id}/texts']")
    kr.shot("korean-texts-to-check")
    kr.click(".text-check-all button")
    expect(kr.page.locator(".text-checks-mine")).to_contain_text("모두 확인되었습니다")  # every Korean text checked

    # The U.S. secretariat checks the English and agrees for the United States.
    us.home()
    waiting = us.waiting("Agenda to agree")
    expect(waiting).to_contain_text("The 23rd Joint Committee Meeting")
    us.click(waiting.locator("a").first)
    expect(us.page.locator(".agreement-panel .text-gaps")).to_contain_text("not yet checked")
    us.click(".agreement-panel .text-gaps a[href$='/texts']")
    us.click(".text-check-all button")
    expect(us.page.locator(".text-checks-mine")).to_contain_text("Every text in your side's language is checked.")
    us.click(f".breadcrumb a[href='/meetings/{meeting_id}']")
    expect(us.page.locator(".agreement-panel .text-gaps")).to_have_count(0)
    expect(us.page.locator("label[for=confirm-agree]")).to_be_visible()
    us.tick("#confirm-agree")
    us.shot("the-united-states-agrees")
    us.click(".agreement-panel button[type=submit]")
    expect(us.page.locator(".approvals")).to_contain_text("Agreed by Samuel Reyes")
    assert meeting_state(app, meeting_id)["agreed_by"] == ["US"]

    # Korea finds the agenda still waiting for its agreement, and agrees.
    kr.home()
    waiting = kr.waiting("동의할 의제")
    expect(waiting).to_contain_text("제23차 공동위원회")
    kr.click(waiting.locator("a").first)
    kr.tick("#confirm-agree")
    kr.click(".agreement-panel button[type=submit]")
    expect(kr.page.locator(".agreed-banner")).to_have_text("의제 동의 완료")
    kr.shot("agenda-agreed")

    state = meeting_state(app, meeting_id)
    assert (state["status"], state["agreed_by"]) == ("agenda_agreed", ["KR", "US"])
    kr.home()
    expect(kr.waiting("동의할 의제")).to_have_count(0)  # nothing of this agenda waits any more
    trip.report()


# --- 2. minutes written, circulated, commented and adopted ----------------------------------------------------

NEXT_MEETING_FORM = "#next-meeting form[action$='/minutes/next-meeting']"


def progress_form(area: int) -> str:
    return f"#progress-{area} form[action$='/minutes/progress/{area}']"


@pytest.fixture
def agreed_past_meeting(app, api, committee, make_meeting) -> int:
    """The 21st meeting, hosted by Korea in Sejong on 4 November 2026 with A.1 and B.4 on its agenda, agreed by both
    sides (journey 1 shows how): the day has passed, the minutes are still to write."""
    meeting_id = make_meeting(ordinal=21, start_date="2026-11-04", focus_areas=("A.1", "B.4"))
    complete_both_texts(app, committee, meeting_id)
    for person in (committee.us_secretariat, committee.kr_secretariat):
        assert api.post(f"/api/v1/meetings/{meeting_id}/agenda/approvals", person).status_code == 201
    assert meeting_state(app, meeting_id)["status"] == "agenda_agreed"
    return meeting_id


def test_journey_write_circulate_comment_and_adopt_minutes(app, committee, journey, agreed_past_meeting):
    """The U.S. secretariat marks the meeting held and writes the minutes in English — three records, the progress
    of both focus areas, the next meeting — and the Korean secretariat writes their Korean, each through the minutes
    page; each side checks its language and the draft is circulated. A Korean delegate, told on their start page,
    comments on a record and on the whole; the U.S. secretariat resolves the first; each co-chair finds the minutes
    to adopt, is warned of the comment left open, ticks the box and adopts. The adopted minutes' PDF is served."""
    meeting_id = agreed_past_meeting
    trip = journey("write, circulate, comment and adopt minutes")
    us = trip.join("U.S. secretariat:", committee.us_secretariat, U_S)
    kr = trip.join("Korean secretariat:", committee.kr_secretariat, KOREA)
    delegate = trip.join("Korean delegate:", committee.kr_delegate, KOREA)
    us_chair = trip.join("U.S. co-chair:", committee.us_co_chair, U_S)
    kr_chair = trip.join("Korean co-chair:", committee.kr_co_chair, KOREA)
    minutes_page = f"/meetings/{meeting_id}/minutes"

    us.sign_in()
    us.click("nav.site-nav a[href='/meetings']")
    us.click(f"main a[href='/meetings/{meeting_id}']")
    us.click(us.page.get_by_role("button", name="Mark as held"))
    assert meeting_state(app, meeting_id)["status"] == "held"
    us.click(f".facts a[href='{minutes_page}']")
    us.click(us.page.get_by_role("button", name="Start the minutes"))
    state = minutes_state(app, meeting_id)
    assert state["status"] == "draft"
    items = {kind: item_id for item_id, kind, _title in agenda_items(app, meeting_id) if kind != "focus_area"}
    areas = {code: area_id(app, code) for code in ("A.1", "B.4")}
    focus_items = [item_id for item_id, kind, _title in agenda_items(app, meeting_id) if kind == "focus_area"]
    records = {  # agenda item → (English discussion, English decisions, Korean discussion, Korean decisions)
        items["opening"]: ("The co-chairs opened the meeting and welcomed both delegations.", [],
                           "양측 공동위원장은 회의를 개회하고 양국 대표단을 환영하였다.", []),
        focus_items[0]: ("NSF presented its AI testbeds; NRF described Korea's dataset inventory.",
                         ["Exchange AI-ready dataset inventories by June 2027"],
                         "미국 국립과학재단은 AI 테스트베드를, 한국연구재단은 데이터셋 현황을 발표하였다.",
                         ["2027년 6월까지 AI 활용 가능 데이터셋 목록 교환"]),
        focus_items[1]: ("Access to the quantum testbeds has been delayed by export-control reviews.", [],
                         "수출 통제 검토로 양자 테스트베드 접근이 지연되었다.", []),
    }
    progress = {areas["A.1"]: ("on_track", "Testbeds shared as planned.", "테스트베드가 계획대로 공유되었다."),
                areas["B.4"]: ("at_risk", "Testbed access delayed.", "테스트베드 접근 지연.")}
    next_meeting = ("Washington, D.C., in the spring of 2027.", "2027년 봄, 워싱턴 D.C.")
    section = {item: state["sections"][item][0] for item in records}

    def save(traveller: Traveller, form: str, done: Callable[[dict], bool], what: str) -> None:
        traveller.click(f"{form} button[type=submit]:not([form])")
        eventually(lambda: done(minutes_state(app, meeting_id)), what)

    # The U.S. secretariat writes the English: each record, each focus area's progress, the next meeting.
    for item, (discussion, decisions, _ko, _decisions_ko) in records.items():
        sid = section[item]
        us.type(f"#discussion-{sid}", discussion)
        if decisions:
            us.type(f"#decisions-{sid}", "\n".join(decisions))
        save(us, f"#section-{sid} .minutes-section-form",
             lambda s, item=item, text=discussion: s["sections"][item][1] == text, f"the record of item {item}")
    for area, (status, narrative, _ko) in progress.items():
        us.choose(f"#progress-status-{area}", value=status)
        us.type(f"#progress-narrative-{area}", narrative)
        save(us, progress_form(area), lambda s, area=area, status=status: area in s["progress"]
             and s["progress"][area][0] == status, f"the progress of area {area}")
    us.type("#next-meeting-text", next_meeting[0])
    save(us, NEXT_MEETING_FORM, lambda s: s["next"][0] == next_meeting[0], "the next meeting")
    us.shot("the-english-written")

    # The Korean secretariat writes the Korean beside it and checks it.
    kr.sign_in()
    kr.click("nav.site-nav a[href='/meetings']")
    kr.click(f"main a[href='/meetings/{meeting_id}']")
    kr.click(f".facts a[href='{minutes_page}']")
    for item, (_en, _decisions, discussion_ko, decisions_ko) in records.items():
        sid = section[item]
        kr.type(f"#discussion-ko-{sid}", discussion_ko)
        if decisions_ko:
            kr.type(f"#decisions-ko-{sid}", "\n".join(decisions_ko))
        save(kr, f"#section-{sid} .minutes-section-form",
             lambda s, item=item, text=discussion_ko: s["sections"][item][2] == text, f"the Korean of item {item}")
    for area, (_status, _narrative, narrative_ko) in progress.items():
        kr.type(f"#progress-narrative-ko-{area}", narrative_ko)
        save(kr, progress_form(area), lambda s, area=area, text=narrative_ko: s["progress"][area][2] == text,
             f"the Korean progress of area {area}")
    kr.type("#next-meeting-text-ko", next_meeting[1])
    save(kr, NEXT_MEETING_FORM, lambda s: s["next"][1] == next_meeting[1], "the Korean next meeting")
    kr.shot("both-texts-written")
    kr.click("#review .text-gaps a[href$='/texts']")
    kr.click(".text-check-all button")
    expect(kr.page.locator(".text-checks-mine")).to_contain_text("모두 확인되었습니다")

    # The U.S. secretariat checks the English and circulates the draft. Their page saved each text in place, each
    # save refreshing its review panel, which links the texts to check.
    us.click(us.page.locator("#review a[href$='/texts']").first)
    us.click(".text-check-all button")
    expect(us.page.locator(".text-checks-mine")).to_contain_text("Every text in your side's language is checked.")
    us.click(f".breadcrumb a[href='/meetings/{meeting_id}']")  # the texts page no longer lists the minutes' texts
    us.click(f".facts a[href='{minutes_page}']")
    expect(us.page.locator("#review .text-gaps")).to_have_count(0)
    us.click(us.page.get_by_role("button", name="Circulate the draft for review"))
    expect(us.page.locator(".page-head .status")).to_have_text("Circulated for review")
    assert minutes_state(app, meeting_id)["status"] == "circulated"

    # A Korean delegate finds the minutes on their start page and comments.
    delegate.sign_in()
    waiting = delegate.waiting("의견 제출 대상 회의록")
    expect(waiting).to_contain_text("제21차 공동위원회")
    delegate.shot("minutes-for-comment-on-the-start-page")
    delegate.click(waiting.locator("a").first)
    on_record = section[focus_items[0]]
    delegate.type(f"#comment-text-{on_record}", "한국 측 데이터셋 수를 120건으로 수정해 주십시오.")
    delegate.click(f"#section-{on_record} .minutes-comment-form button[type=submit]")
    delegate.type("#comment-text-whole", "전반적으로 이견 없습니다.")
    delegate.click("#comments .minutes-comment-form button[type=submit]")
    comments = minutes_state(app, meeting_id)["comments"]
    assert [(where, resolved) for where, _text, resolved in comments] == [(on_record, False), (None, False)]
    expect(delegate.page.locator("#comments .minutes-comment")).to_contain_text("전반적으로 이견 없습니다.")

    # The U.S. secretariat is told of the comments and resolves the one on the record.
    us.home()
    waiting = us.waiting("2 comments to resolve")
    expect(waiting).to_contain_text("Minutes of The 21st Joint Committee Meeting")
    us.click(waiting.locator("a").first)
    us.shot("comments-to-resolve")
    us.click(us.page.locator(f"#section-{on_record} .minutes-comment").get_by_role("button", name="Mark resolved"))
    comments = minutes_state(app, meeting_id)["comments"]
    assert [(where, resolved) for where, _text, resolved in comments] == [(on_record, True), (None, False)]

    # Each co-chair finds the minutes to adopt, is warned of the comment still open, and adopts.
    for chair, label, warning, button, side in (
            (us_chair, "Minutes to adopt", "1 comment on these minutes is not resolved.", "Adopt for", "US"),
            (kr_chair, "채택할 회의록", "이 회의록에 해결되지 않은 의견이 1건 있습니다.", "측 채택", "KR")):
        chair.sign_in()
        waiting = chair.waiting(label)
        expect(waiting).to_have_count(1)
        chair.click(waiting.locator("a").first)
        expect(chair.page.locator("#review .notice--warning")).to_have_text(warning)
        chair.tick("#confirm-adopt")
        chair.shot(f"the-{side.lower()}-co-chair-adopts")
        chair.click(chair.page.locator("#review").get_by_role("button", name=re.compile(button)))
        assert side in minutes_state(app, meeting_id)["adopted_by"]

    state = minutes_state(app, meeting_id)
    assert (state["status"], state["meeting"], state["adopted_by"]) == ("adopted", "minutes_adopted", ["KR", "US"])
    expect(kr_chair.page.locator(".minutes-adopted")).to_be_visible()
    kr_chair.shot("minutes-adopted")

    # The PDF of the adopted minutes: the link opens it in the browser (made on the first request: given time).
    kr_chair.page.set_default_navigation_timeout(120_000)
    with kr_chair.page.expect_response(lambda r: r.url.endswith(f"{minutes_page}.pdf"), timeout=120_000) as opened:
        kr_chair.click(f"#review a[href='{minutes_page}.pdf']")
    response = opened.value
    assert response.status == 200 and response.header_value("content-type") == "application/pdf"
    assert kr_chair.page.url.endswith(f"{minutes_page}.pdf")  # shown in the browser's PDF viewer
    body = kr_chair.page.request.get(response.url).body()  # the file itself, as "Save" in the viewer gets it
    assert body.startswith(b"%PDF-")
    (trip.folder / f"{trip.slug}-minutes.pdf").write_bytes(body)
    trip.report()


# --- 3. the minutes of a ten-item meeting written live, an action item raised from a section -------------------

@pytest.fixture
def ten_item_meeting(app, committee, make_meeting) -> tuple[int, list[int]]:
    """The 12th meeting, held, with ten agenda items (four focus areas), its minutes started: the sections' ids."""
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting
    from jcm.minutes.services import open_minutes, ordered_sections

    meeting_id = make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "A.2", "A.3", "A.4"),
                              status="held")
    with app.app_context():
        minutes = open_minutes(get_user(committee.us_secretariat.id), get_meeting(meeting_id))
        ids = [section.id for section in ordered_sections(minutes)]
        db.session.commit()
    assert len(ids) == 10
    return meeting_id, ids


def test_journey_write_ten_sections_live_and_raise_an_action_item(app, committee, journey, ten_item_meeting):
    """The U.S. secretariat opens the minutes of a ten-item meeting and writes each record, saved in place; from the
    record of the A.2 discussion they raise an action item owned by a delegate on each side, which joins the
    section's list. Writing it all takes one page load: the minutes page's own."""
    from jcm.actions.models import ActionItem
    from jcm.actions.services import item_query

    meeting_id, sections = ten_item_meeting
    trip = journey("write ten sections of minutes live and raise an action item")
    us = trip.join("U.S. secretariat:", committee.us_secretariat, U_S)
    minutes_page = f"/meetings/{meeting_id}/minutes"
    us.sign_in()
    us.click("nav.site-nav a[href='/meetings']")
    us.click(f"main a[href='/meetings/{meeting_id}']")
    before = us.loads
    us.click(f".facts a[href='{minutes_page}']")
    expect(us.page.locator("html")).to_have_class(re.compile(r"\bjs\b"))

    for number, section_id in enumerate(sections, start=1):
        us.type(f"#discussion-{section_id}", f"Record of item {number}: the sides agreed.")
        us.type(f"#discussion-ko-{section_id}", f"{number}번 안건 기록: 양측은 합의하였다.")
        us.click(f"#section-{section_id} .minutes-section-form button[type=submit]:not([form])")
        expect(us.page.locator(f"#section-{section_id} .minutes-section-form [data-save-state]")).to_have_text(
            re.compile(r"^Saved "))
    area = area_id(app, "A.2")
    raised_in = next(section_id for section_id in sections
                     if us.page.locator(f"#action-focus-area-{section_id} option:checked").get_attribute("value")
                     == str(area))
    article = us.page.locator(f"#section-{raised_in}")
    us.click(article.locator("summary", has_text="Raise an action item"))
    us.type(f"#action-title-{raised_in}", ITEM)
    us.type(f"#action-title-ko-{raised_in}", "AI 활용 가능 데이터셋 목록 교환")
    us.choose(f"#action-owners-us-{raised_in}", value=f"user:{committee.us_delegate.id}")
    us.choose(f"#action-owners-kr-{raised_in}", value=f"user:{committee.kr_delegate.id}")
    us.type(f"#action-due-{raised_in}", "2026-06-30")
    us.click(article.locator("form.raise-action-form button[type=submit]"))
    expect(article.locator("[data-section-actions] li")).to_contain_text("JCM12-A01")
    us.shot("ten-sections-written-and-an-action-item-raised")

    writing = us.loads - before
    trip.notes.append(f"writing the ten sections and raising the action item: {counted(writing, 'page load')} "
                      "(the minutes page's own)")
    assert writing <= 1, writing
    with app.app_context():
        [item] = db.session.scalars(item_query().where(ActionItem.meeting_id == meeting_id)).unique().all()
        assert (item.ref, item.title, item.focus_area_id) == ("JCM12-A01", ITEM, area)
        assert sorted((o.side, o.user_id) for o in item.owners) == [("KR", committee.kr_delegate.id),
                                                                   ("US", committee.us_delegate.id)]
    stored = minutes_state(app, meeting_id)["sections"]
    assert sorted(text for _id, text, _ko, _d, _dk in stored.values()) == sorted(
        f"Record of item {number}: the sides agreed." for number in range(1, 11))
    trip.report()


# --- 4. a delegate updates their item from the link in the e-mail ----------------------------------------------

@pytest.fixture
def mail(app, live_server):
    """A real SMTP server on a local port, the notices e-mailed after each commit as in production, their links to
    the live server."""
    server = MailServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5,
                      MAIL_DEFAULT_SENDER="JCM <jcm@state.example.gov>", BASE_URL=live_server + "/",
                      NOTIFY_IN_BACKGROUND=True)
    try:
        yield server
    finally:
        sender_of(app).stop()
        server.stop()


ITEM = "Exchange AI-ready dataset inventories"
UPDATE = "NSF has compiled its inventory: 40 AI-ready datasets, listed with their licences."


def test_journey_a_delegate_updates_their_item_from_the_e_mail(app, committee, journey, mail, live_server):
    """The U.S. secretariat records an action item owned by a delegate on each side; the U.S. delegate's e-mail
    reaches the mail server with a link to it; opened in the delegate's browser, the link asks them to sign in, then
    shows the item, on which they post an update that moves it to "In progress"."""
    from jcm.actions.models import ActionItem, ActionUpdate

    trip = journey("a delegate updates their item from a notification link")
    secretariat = trip.join("U.S. secretariat:", committee.us_secretariat, U_S)
    delegate = trip.join("U.S. delegate:", committee.us_delegate, U_S)

    secretariat.sign_in()
    secretariat.click("nav.site-nav a[href='/action-items']")
    secretariat.click("main a[href='/action-items/new']")
    secretariat.type("#title", ITEM)
    a1 = secretariat.page.locator("#focus_area_id option", has_text=re.compile(r"^A\.1 ")).get_attribute("value")
    secretariat.choose("#focus_area_id", value=a1)
    secretariat.type("#due_date", "2027-06-30")
    secretariat.choose("#owners_us", value=f"user:{committee.us_delegate.id}")
    secretariat.choose("#owners_kr", value=f"user:{committee.kr_delegate.id}")
    secretariat.click(secretariat.page.locator("main").get_by_role("button", name="Save", exact=True))
    match = re.search(r"/action-items/(\d+)$", secretariat.page.url)
    assert match, secretariat.page.url
    item_id = int(match.group(1))
    secretariat.shot("the-item-recorded")

    sender_of(app).wait()  # e-mailed after the commit, by the sender's thread
    [message] = mail.inbox.to(committee.us_delegate.email)
    assert re.fullmatch(rf"\[JCM\] Action item JCM-\S+ is yours: {ITEM}", message["Subject"]), message["Subject"]
    links = re.findall(rf"{re.escape(live_server)}/action-items/\d+", text_of(message))
    assert links == [f"{live_server}/action-items/{item_id}"]
    assert f'href="{links[0]}"' in html_of(message)
    letter = delegate.page.context.new_page()  # the e-mail as the delegate's mail program shows it
    letter.set_content(html_of(message))
    trip.shot_of(letter, "the-e-mail")
    letter.close()

    delegate.open(links[0])  # from the e-mail: not signed in in this browser, so asked to first
    assert "/login" in delegate.page.url and "next=" in delegate.page.url
    delegate.sign_in()
    assert delegate.page.url == links[0]
    expect(delegate.page.locator("h1")).to_contain_text(ITEM)
    delegate.type("#text", UPDATE)
    delegate.choose("#status", value="in_progress")
    delegate.shot("the-update-written")
    delegate.click(delegate.page.get_by_role("button", name="Post update"))

    expect(delegate.page.locator(".history")).to_contain_text(UPDATE)
    expect(delegate.page.locator(".history")).to_contain_text("In progress")
    delegate.shot("the-item-updated")
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        updates = db.session.scalars(select(ActionUpdate).where(ActionUpdate.action_item_id == item_id)).all()
        assert item.status == "in_progress"
        assert [(u.author_id, u.text, u.status_to) for u in updates] == [
            (committee.us_delegate.id, UPDATE, "in_progress")]
    trip.report()
