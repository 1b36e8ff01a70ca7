"""A realistic demonstration committee: both sides, every role, past and upcoming meetings, action items."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from jcm.accounts.models import Organization, User
from jcm.accounts.services import create_user
from jcm.actions import services as actions
from jcm.extensions import db
from jcm.meetings import services as meetings
from jcm.minutes import services as minutes_services
from jcm.mou.models import Agreement, FocusArea

DEMO_DOMAIN_US = "demo.state.example.gov"
DEMO_DOMAIN_KR = "demo.msit.example.go.kr"

PEOPLE = [
    # side, role, name, title, e-mail local part, agency
    ("US", "admin", "Alex Morgan", "JCM Administrator", "admin", None),
    ("US", "secretariat", "Samuel Reyes", "Foreign Affairs Officer", "secretariat", None),
    ("US", "co_chair", "Margaret Chen", "Deputy Director", "cochair", None),
    ("US", "delegate", "David Okafor", "Program Director", "delegate", "NSF"),
    ("US", "delegate", "Rachel Kim", "International Relations Specialist", "delegate2", "NASA"),
    ("US", "observer", "Olivia Park", "Policy Analyst", "observer", "CAISI"),
    ("KR", "admin", "정민수", "시스템 관리자", "admin", None),
    ("KR", "secretariat", "김서연", "사무관", "secretariat", None),
    ("KR", "co_chair", "이준호", "국장", "cochair", None),
    ("KR", "delegate", "박지훈", "책임연구원", "delegate", "NRF"),
    ("KR", "delegate", "최유나", "수석연구원", "delegate2", "IITP"),
    ("KR", "observer", "한지민", "연구원", "observer", "AISI-KR"),
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
    for side, role, name, title, local, agency in PEOPLE:
        password = secrets.token_urlsafe(9)
        email = f"{local}@{DEMO_DOMAIN_US if side == 'US' else DEMO_DOMAIN_KR}"
        user = create_user(None, {"email": email, "name": name, "title": title, "side": side, "role": role,
                                  "organization_id": organizations.get(agency) if agency else None,
                                  "locale": "ko" if side == "KR" else "en"}, password)
        users.setdefault((side, role), user)
        users[(side, local)] = user
        accounts.append(DemoAccount(email, password, role, side, name))
    area = {a.code: a.id for a in db.session.scalars(select(FocusArea).where(FocusArea.agreement_id == agreement.id))}
    secretariat_us, secretariat_kr = users[("US", "secretariat")], users[("KR", "secretariat")]
    common = {"co_chair_us_id": users[("US", "co_chair")].id, "co_chair_kr_id": users[("KR", "co_chair")].id}

    past_start = today - timedelta(days=200)
    past = meetings.create_meeting(secretariat_kr, agreement, {
        "ordinal": 1, "start_date": past_start, "end_date": past_start + timedelta(days=1),
        "venue": "Government Complex Sejong", "venue_ko": "정부세종청사", "city": "Sejong", "city_ko": "세종",
        "host_side": "KR", "mode": "hybrid", **common}, [area["A.1"], area["A.8"], area["B.1"], area["B.6"]])
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
    items = [
        ("Exchange inventories of AI-ready scientific datasets", "A.1", 30, "nsf_nrf", "in_progress"),
        ("Draft a joint work plan on AI metrology best practices", "A.8", -10, "caisi_aisi", "open"),
        ("Hold a joint research security workshop for universities", "B.1", 60, "people", "open"),
        ("Share the cubesat interface requirements for Artemis II", "B.6.2", -40, "nasa", "done"),
        ("Report on KPS–GPS compatibility testing", "B.6.4", 120, "nasa", "open"),
    ]
    for title, code, due_in, owner_key, status in items:
        item = actions.create_action_item(secretariat_us, agreement, {
            "title": title, "focus_area_id": area[code], "meeting_id": past.id,
            "due_date": max(today + timedelta(days=due_in), past_start + timedelta(days=2)),
            "owners": owners[owner_key]})
        if status != "open":
            actions.post_update(secretariat_us, item, "Progress reported by both sides.", status)

    _adopted_minutes(users, meetings.get_meeting(past.id))

    upcoming_start = today + timedelta(days=45)
    upcoming = meetings.create_meeting(secretariat_us, agreement, {
        "ordinal": 2, "start_date": upcoming_start, "end_date": upcoming_start + timedelta(days=1),
        "venue": "U.S. Department of State, Harry S Truman Building", "venue_ko": "미 국무부 해리 S. 트루먼 빌딩",
        "city": "Washington, D.C.", "city_ko": "워싱턴 D.C.", "host_side": "US", "mode": "in_person", **common},
        [area["A.1"], area["A.3"], area["B.2"], area["B.4"], area["B.5"]])
    meetings.agree_agenda(secretariat_us, meetings.get_meeting(upcoming.id))
    db.session.flush()
    return accounts


RECORDS = {
    "opening": ("The co-chairs opened the meeting and welcomed both delegations.", []),
    "focus_area": ("Both sides reviewed progress and agreed on next steps. 양측은 추진 현황을 점검하고 향후 계획에 "
                   "합의하였다.", ["The two sides agreed to report progress to the next meeting."]),
}


def _adopted_minutes(users: dict, meeting) -> None:
    """The first meeting's minutes, written by both secretariats and adopted by both co-chairs: a frozen record
    to print, verify and correct."""
    us, kr = users[("US", "secretariat")], users[("KR", "secretariat")]
    minutes = minutes_services.open_minutes(us, meeting)
    minutes_services.set_attendance(us, minutes, "US", [{"user_id": users[("US", "co_chair")].id},
                                                        {"user_id": users[("US", "delegate")].id}])
    minutes_services.set_attendance(kr, minutes, "KR", [{"user_id": users[("KR", "co_chair")].id},
                                                        {"user_id": users[("KR", "delegate")].id}])
    for section in minutes_services.ordered_sections(minutes):
        discussion, decisions = RECORDS.get(section.agenda_item.kind, ("", []))
        if discussion:
            minutes_services.save_section(us, section, discussion, decisions, None)
    for focus_area in minutes_services.discussed_focus_areas(meeting):
        minutes_services.save_progress(kr, minutes, focus_area.id, "on_track", "Work is proceeding as planned.")
    minutes_services.set_next_meeting(us, minutes, "Washington, D.C., next year.")
    minutes_services.set_status(us, minutes, "circulated")
    minutes_services.adopt(users[("US", "co_chair")], minutes)
    minutes_services.adopt(users[("KR", "co_chair")], minutes)
