"""A realistic demonstration committee: both sides, every role, past and upcoming meetings, action items — every text
in English and Korean, as the two secretariats write them, each language checked by the side that answers for it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from sqlalchemy import select

from jcm.accounts.models import Organization, User
from jcm.accounts.services import create_user
from jcm.actions import services as actions
from jcm.bilingual import LANGUAGES, pairs, text_state
from jcm.extensions import db
from jcm.meetings import services as meetings
from jcm.meetings.models import Meeting
from jcm.minutes import services as minutes_services
from jcm.mou.models import Agreement, FocusArea
from jcm.texts.services import check_text

DEMO_DOMAIN_US = "demo.state.example.gov"
DEMO_DOMAIN_KR = "demo.msit.example.go.kr"

PEOPLE = [
    # side, role, name, name in Hangul, title, title in Korean, e-mail local part, agency
    ("US", "admin", "Alex Morgan", "알렉스 모건", "JCM Administrator", "JCM 시스템 관리자", "admin", None),
    ("US", "secretariat", "Samuel Reyes", "새뮤얼 레예스", "Foreign Affairs Officer", "외무관", "secretariat", None),
    ("US", "co_chair", "Margaret Chen", "마거릿 첸", "Deputy Director", "부국장", "cochair", None),
    ("US", "delegate", "David Okafor", "데이비드 오카포", "Program Director", "프로그램 디렉터", "delegate", "NSF"),
    ("US", "delegate", "Rachel Kim", "레이철 김", "International Relations Specialist", "국제협력 전문관", "delegate2",
     "NASA"),
    ("US", "observer", "Olivia Park", "올리비아 박", "Policy Analyst", "정책분석관", "observer", "CAISI"),
    ("KR", "admin", "Jung Min-su", "정민수", "System Administrator", "시스템 관리자", "admin", None),
    ("KR", "secretariat", "Kim Seo-yeon", "김서연", "Deputy Director", "사무관", "secretariat", None),
    ("KR", "co_chair", "Lee Jun-ho", "이준호", "Director General", "국장", "cochair", None),
    ("KR", "delegate", "Park Ji-hoon", "박지훈", "Principal Researcher", "책임연구원", "delegate", "NRF"),
    ("KR", "delegate", "Choi Yu-na", "최유나", "Chief Researcher", "수석연구원", "delegate2", "IITP"),
    ("KR", "observer", "Han Ji-min", "한지민", "Researcher", "연구원", "observer", "AISI-KR"),
]

# Each focus area's agenda item: what it is about, in both languages, and who presents it for each side.
AGENDA = {
    "A.1": ("Progress on the exchange of AI-ready scientific datasets and on access to shared testbeds.",
            "AI 활용 가능 과학 데이터셋 교환 및 공동 테스트베드 접근 추진 현황", ("US", "delegate"), ("KR", "delegate")),
    "A.3": ("How the two sides can work together on exports of the full AI technology stack.",
            "풀스택 AI 기술 수출을 위한 양측 협력 방안", ("US", "delegate2"), ("KR", "delegate2")),
    "A.8": ("The partnership of CAISI and the Korea AI Safety Institute on AI evaluation and measurement.",
            "AI 평가 및 측정 분야의 미국 AI 표준혁신센터와 AI안전연구소 간 협력", ("US", "observer"), ("KR", "observer")),
    "B.1": ("Research security policies and the guidance each side gives its universities.",
            "양측의 연구보안 정책 및 대학 대상 지침", ("US", "delegate"), ("KR", "delegate2")),
    "B.2": ("Joint research on advanced radio access networks and 6G.",
            "첨단 무선접속망 및 6G 공동연구", ("US", "delegate"), ("KR", "delegate2")),
    "B.4": ("Joint research and exchanges of researchers in quantum information science.",
            "양자정보과학 분야 공동연구 및 연구자 교류", ("US", "delegate"), ("KR", "delegate")),
    "B.5": ("Cooperation in basic research and exchanges of STEM students and researchers.",
            "기초연구 협력 및 STEM 분야 학생·연구자 교류", ("US", "delegate"), ("KR", "delegate")),
    "B.6": ("The Korean cubesat on Artemis II and the interoperability of KPS with GPS.",
            "아르테미스 II 한국 큐브위성 부탑재 및 한국형 위성항법시스템(KPS)과 GPS 간 상호운용성",
            ("US", "delegate2"), ("KR", "delegate")),
}

ACTION_ITEMS = [
    # title, Korean title, focus area, due in days, owners, status
    ("Exchange inventories of AI-ready scientific datasets", "AI 활용 가능 과학 데이터셋 목록 교환", "A.1", 30,
     "nsf_nrf", "in_progress"),
    ("Draft a joint work plan on AI metrology best practices", "AI 측정 모범사례에 관한 공동 작업계획 초안 작성",
     "A.8", -10, "caisi_aisi", "open"),
    ("Hold a joint research security workshop for universities", "대학 대상 연구보안 공동 워크숍 개최", "B.1", 60,
     "people", "open"),
    ("Share the cubesat interface requirements for Artemis II", "아르테미스 II 큐브위성 인터페이스 요구사항 공유",
     "B.6.2", -40, "nasa", "done"),
    ("Report on KPS–GPS compatibility testing", "KPS–GPS 호환성 시험 결과 보고", "B.6.4", 120, "nasa", "open"),
]


@dataclass
class DemoAccount:
    email: str
    password: str
    role: str
    side: str
    name: str


def load_demo(today: date | None = None) -> list[DemoAccount]:
    """Create the demonstration data; returns the accounts with their passwords (shown once)."""
    today = today or date.today()
    agreement = db.session.scalar(select(Agreement).order_by(Agreement.id).limit(1))
    if agreement is None:
        raise RuntimeError("Load an MOU first (jcm init).")
    if db.session.scalar(select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN_US}")).limit(1)):
        raise RuntimeError("The demonstration data is already loaded.")
    organizations = {o.acronym: o.id for o in db.session.scalars(select(Organization))}
    accounts: list[DemoAccount] = []
    users: dict[tuple[str, str], User] = {}
    for side, role, name, name_ko, title, title_ko, local, agency in PEOPLE:
        password = secrets.token_urlsafe(9)
        email = f"{local}@{DEMO_DOMAIN_US if side == 'US' else DEMO_DOMAIN_KR}"
        user = create_user(None, {"email": email, "name": name, "name_ko": name_ko, "title": title,
                                  "title_ko": title_ko, "side": side, "role": role,
                                  "organization_id": organizations.get(agency) if agency else None,
                                  "locale": "ko" if side == "KR" else "en"}, password)
        users.setdefault((side, role), user)
        users[(side, local)] = user
        accounts.append(DemoAccount(email, password, role, side, name))
    area = {a.code: a.id for a in db.session.scalars(select(FocusArea).where(FocusArea.agreement_id == agreement.id))}
    secretariat_us, secretariat_kr = users[("US", "secretariat")], users[("KR", "secretariat")]
    co_chair = {side: {f"co_chair_{side.lower()}_id": users[(side, "co_chair")].id} for side in ("US", "KR")}

    past_start = today - timedelta(days=200)
    past = meetings.create_meeting(secretariat_kr, agreement, {
        "ordinal": 1, "start_date": past_start, "end_date": past_start + timedelta(days=1),
        "venue": "Government Complex Sejong", "venue_ko": "정부세종청사", "city": "Sejong", "city_ko": "세종",
        "host_side": "KR", "mode": "hybrid", **co_chair["KR"]}, [area["A.1"], area["A.8"], area["B.1"], area["B.6"]])
    meetings.update_meeting(secretariat_us, past, co_chair["US"])  # each side names its own co-chair
    _agenda_in_both_languages(users, past)
    past_full = meetings.get_meeting(past.id, with_agenda=True)
    meetings.agree_agenda(secretariat_us, past_full)
    meetings.agree_agenda(secretariat_kr, past_full)
    meetings.set_status(secretariat_kr, past_full, "held")

    owners = {
        "nsf_nrf": {"US": [{"organization_id": organizations["NSF"]}], "KR": [{"organization_id": organizations["NRF"]}]},
        "caisi_aisi": {"US": [{"organization_id": organizations["CAISI"]}],
                       "KR": [{"organization_id": organizations["AISI-KR"]}]},
        "nasa": {"US": [{"user_id": users[("US", "delegate2")].id}], "KR": [{"user_id": users[("KR", "delegate")].id}]},
        "people": {"US": [{"user_id": users[("US", "delegate")].id}], "KR": [{"user_id": users[("KR", "delegate2")].id}]},
    }
    for title, title_ko, code, due_in, owner_key, status in ACTION_ITEMS:
        item = actions.create_action_item(secretariat_us, agreement, {
            "title": title, "title_ko": title_ko, "focus_area_id": area[code], "meeting_id": past.id,
            "due_date": max(today + timedelta(days=due_in), past_start + timedelta(days=2)),
            "owners": owners[owner_key]})
        if status != "open":
            actions.post_update(secretariat_us, item, "Progress reported by both sides.", status)

    _adopted_minutes(users, meetings.get_meeting(past.id))

    upcoming_start = today + timedelta(days=45)
    upcoming = meetings.create_meeting(secretariat_us, agreement, {
        "ordinal": 2, "start_date": upcoming_start, "end_date": upcoming_start + timedelta(days=1),
        "venue": "U.S. Department of State, Harry S Truman Building", "venue_ko": "미 국무부 해리 S. 트루먼 빌딩",
        "city": "Washington, D.C.", "city_ko": "워싱턴 D.C.", "host_side": "US", "mode": "in_person", **co_chair["US"]},
        [area["A.1"], area["A.3"], area["B.2"], area["B.4"], area["B.5"]])
    meetings.update_meeting(secretariat_kr, upcoming, co_chair["KR"])
    _agenda_in_both_languages(users, upcoming)
    meetings.agree_agenda(secretariat_us, meetings.get_meeting(upcoming.id))
    db.session.flush()
    return accounts


def _presenter(user: User) -> tuple[str, str]:
    """How the agenda names a presenter in each language: “David Okafor (NSF)”, “데이비드 오카포(미국 국립과학재단)”."""
    organization = user.organization
    if organization is None:
        return user.name, user.name_ko
    return f"{user.name} ({organization.acronym})", f"{user.name_ko}({organization.name_ko or organization.acronym})"


def _agenda_in_both_languages(users: dict, meeting: Meeting) -> None:
    """The Korean secretariat gives the first draft its Korean texts (the co-chairs' names in Hangul, each focus
    area's description and presenters in both languages: each side names its own co-chair once the meeting exists,
    so the draft may not have them yet); then each side checks the language it answers for."""
    secretariat_kr = users[("KR", "secretariat")]
    co_chairs = {side: users[(side, "co_chair")] for side in ("US", "KR")}
    for item in meetings.get_meeting(meeting.id, with_agenda=True).items:
        changes: dict = {}
        if item.kind in ("opening", "closing"):
            changes = {"presenter_us": co_chairs["US"].name, "presenter_us_ko": co_chairs["US"].name_ko,
                       "presenter_kr": co_chairs["KR"].name, "presenter_kr_ko": co_chairs["KR"].name_ko}
        elif item.kind == "focus_area":
            description, description_ko, us, kr = AGENDA[item.focus_areas[0].code]
            (presenter_us, presenter_us_ko), (presenter_kr, presenter_kr_ko) = (_presenter(users[us]),
                                                                                _presenter(users[kr]))
            changes = {"description": description, "description_ko": description_ko,
                       "presenter_us": presenter_us, "presenter_us_ko": presenter_us_ko,
                       "presenter_kr": presenter_kr, "presenter_kr_ko": presenter_kr_ko}
        if changes:
            meetings.update_agenda_item(secretariat_kr, meetings.get_agenda_item(item.id), changes)
    _check_both_languages(users, meeting, [weighed.obj for weighed in meetings.agenda_texts(meeting)])


def _check_both_languages(users: dict, meeting: Meeting, records: Iterable) -> None:
    """Each side's secretariat checks every text of its language (this MOU: the U.S. English, Korea Korean)."""
    db.session.flush()
    agreement = db.session.get(Agreement, meeting.agreement_id)
    for obj in records:
        for pair in pairs(type(obj)):
            for language in LANGUAGES:
                if text_state(obj, pair.english, language).status in ("written", "stale"):
                    check_text(users[(agreement.answers_for(language), "secretariat")], obj, pair.english, language)


RECORDS = {
    # agenda item (its English title, or its focus area's code): discussion, decisions — in English, in Korean
    "Opening remarks by the co-chairs": (
        "The co-chairs opened the meeting and welcomed both delegations.", [],
        "양측 공동위원장은 개회를 선언하고 양국 대표단을 환영하였다.", []),
    "Adoption of the agenda": (
        "The provisional agenda was adopted without amendment.", [],
        "잠정 의제를 수정 없이 채택하였다.", []),
    "Review of action items from previous meetings": (
        "As this was the first meeting, there were no earlier action items to review.", [],
        "제1차 회의로서 점검할 이전 후속조치는 없었다.", []),
    "A.1": (
        "NSF and NRF reported on the inventories of AI-ready scientific datasets each side maintains and on access "
        "to shared testbeds.",
        ["The two sides agreed to exchange their dataset inventories within six months."],
        "미국 국립과학재단(NSF)과 한국연구재단(NRF)은 양측이 보유한 AI 활용 가능 과학 데이터셋 목록과 공동 테스트베드 "
        "접근 현황을 보고하였다.",
        ["양측은 6개월 이내에 데이터셋 목록을 교환하기로 합의하였다."]),
    "A.8": (
        "CAISI and the Korea AI Safety Institute presented their work on the evaluation and measurement of AI.",
        ["The two institutes will draft a joint work plan on AI metrology best practices."],
        "미국 AI 표준혁신센터(CAISI)와 AI안전연구소는 AI 평가 및 측정 분야의 활동을 발표하였다.",
        ["양 기관은 AI 측정 모범사례에 관한 공동 작업계획 초안을 작성하기로 하였다."]),
    "B.1": (
        "Both sides presented their research security policies and the guidance they give to universities.",
        ["The two sides agreed to hold a joint research security workshop for universities."],
        "양측은 각국의 연구보안 정책과 대학에 제공하는 지침을 소개하였다.",
        ["양측은 대학 대상 연구보안 공동 워크숍을 개최하기로 합의하였다."]),
    "B.6": (
        "NASA briefed the Korean side on the cubesat rideshare on Artemis II, and the two sides discussed the "
        "interoperability of KPS with GPS.",
        ["NASA will share the cubesat interface requirements.",
         "Both sides will report on KPS–GPS compatibility testing to the next meeting."],
        "미국 항공우주국(NASA)은 아르테미스 II 큐브위성 부탑재 현황을 한국 측에 설명하였으며, 양측은 한국형 "
        "위성항법시스템(KPS)과 GPS 간 상호운용성을 논의하였다.",
        ["NASA는 큐브위성 인터페이스 요구사항을 공유하기로 하였다.",
         "양측은 KPS–GPS 호환성 시험 결과를 차기 회의에 보고하기로 하였다."]),
    "Other business": (
        "No other business was raised.", [],
        "기타 안건은 없었다.", []),
    "Date and venue of the next meeting": (
        "The two sides agreed to hold the 2nd meeting in Washington, D.C.",
        ["The 2nd meeting will be held in Washington, D.C., next year, on dates to be agreed through diplomatic "
         "channels."],
        "양측은 제2차 회의를 미국 워싱턴 D.C.에서 개최하기로 합의하였다.",
        ["제2차 회의는 내년 미국 워싱턴 D.C.에서 개최하며, 구체적인 일자는 외교 경로를 통해 정하기로 하였다."]),
    "Closing remarks": (
        "The co-chairs thanked both delegations and closed the meeting.", [],
        "양측 공동위원장은 양국 대표단에 사의를 표하고 폐회를 선언하였다.", []),
}
PROGRESS = ("Work is proceeding as planned.", "계획대로 추진 중임.")
NEXT_MEETING = ("Washington, D.C., next year.", "내년, 미국 워싱턴 D.C.")


def _adopted_minutes(users: dict, meeting) -> None:
    """The first meeting's minutes, written in both languages by both secretariats, checked by each side for its
    own language and adopted by both co-chairs: a frozen record to print, verify and correct."""
    us, kr = users[("US", "secretariat")], users[("KR", "secretariat")]
    minutes = minutes_services.open_minutes(us, meeting)
    minutes_services.set_attendance(us, minutes, "US", [{"user_id": users[("US", "co_chair")].id},
                                                        {"user_id": users[("US", "delegate")].id}])
    minutes_services.set_attendance(kr, minutes, "KR", [{"user_id": users[("KR", "co_chair")].id},
                                                        {"user_id": users[("KR", "delegate")].id}])
    for attendee in minutes.attendees:  # their names, titles and agencies in Korean, from their accounts
        person = db.session.get(User, attendee.user_id)
        attendee.name_ko, attendee.title_ko = person.name_ko, person.title_ko
        attendee.organization_ko = person.organization.name_ko if person.organization else ""
    codes = {item.id: item.focus_areas[0].code
             for item in meetings.get_meeting(meeting.id, with_agenda=True).items if item.focus_areas}
    for section in minutes_services.ordered_sections(minutes):
        discussion, decisions, discussion_ko, decisions_ko = RECORDS[codes.get(section.agenda_item_id,
                                                                               section.agenda_item.title)]
        minutes_services.save_section(kr if meeting.host_side == "KR" else us, section, discussion, decisions, None)
        section.discussion_ko, section.decisions_ko = discussion_ko, decisions_ko
    for focus_area in minutes_services.discussed_focus_areas(meeting):
        entry = minutes_services.save_progress(kr, minutes, focus_area.id, "on_track", PROGRESS[0])
        entry.narrative_ko = PROGRESS[1]
    minutes_services.set_next_meeting(us, minutes, NEXT_MEETING[0])
    minutes.next_meeting_ko = NEXT_MEETING[1]
    _check_both_languages(users, meeting, [weighed.obj for weighed in minutes_services.minutes_texts(minutes, meeting)])
    minutes_services.set_status(us, minutes, "circulated")
    minutes_services.adopt(users[("US", "co_chair")], minutes)
    minutes_services.adopt(users[("KR", "co_chair")], minutes)

