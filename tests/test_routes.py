"""Every route of the application refuses a visitor who has not signed in, except the few that are public by
design; and every route that writes refuses, signed in as each role of each side, whom the rules refuse for the
object in the state it is in, and changes nothing. The walks go over the URL map itself, so a new route is covered
the day it is added. The pages offer an act exactly when the rules allow it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from tests.conftest import complete_both_texts

# Public by design: signing in and the first administrator, the language switch, the health check, the static
# files, a calendar feed (its secret token is in its address), verification of a copy, and the API's description.
PUBLIC = {"static", "healthz", "accounts.login", "accounts.setup", "i18n.set_locale", "verification.verify",
          "feeds.calendar_feed", "api_verify.verify_digest", "api-docs.openapi_json",
          # the released press summaries: their pages, their feed and their list for programs
          "public.index", "public.show", "public.feed", "api_public_summary.public_summaries"}
REFUSED = {302, 400, 401}  # sent to sign in, a form without its CSRF token, or a program without a token


@pytest.fixture
def everything(app, committee, make_meeting, make_action_item, held_meeting):
    """A committee with a meeting, minutes, an action item and an attachment, so that ids in addresses exist."""
    from jcm.accounts.services import get_user
    from jcm.extensions import db
    from jcm.meetings.services import get_meeting
    from jcm.minutes import services

    make_action_item(meeting_id=held_meeting)
    with app.app_context():
        services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(held_meeting))
        db.session.commit()
    return held_meeting


def _address(rule) -> str:
    def fill(match):
        converter = match.group(1) or "string"
        return "1" if converter in ("int", "path") or "id" in match.group(2) or match.group(2) == "number" else "x"
    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule.rule)


def test_every_route_refuses_a_visitor_who_has_not_signed_in(app, client, everything):
    assert PUBLIC <= {rule.endpoint for rule in app.url_map.iter_rules()}  # each exception names a real route
    seen = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_address(rule), method=method, json={} if rule.rule.startswith("/api/") else None)
            seen += 1
            assert response.status_code in REFUSED, (method, rule.rule, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], (method, rule.rule)
    assert seen > 80  # the whole application, not a corner of it


# --- signed in: every write refuses whom the rules refuse, in every state ---------------------------------------

@dataclass(frozen=True)
class Write:
    """What a write route asks of the rules: the action, and the kind of object its address names."""

    action: str
    target: str | None = None  # a kind of object of the scene (see `stages`); None: the address names none
    json: dict | None = None  # a body that passes the API's schema, so that only the rule can refuse it
    args: tuple = ()  # further parts of the address


# Every route that changes something, and the permission it asks. A route missing here fails the walk, so a new one
# is covered the day it is added.
WRITES: dict[str, tuple[Write, ...]] = {
    "accounts.new_user": (Write("user.manage"),),
    "accounts.edit_user": (Write("user.manage", "user"),),
    "accounts.revoke_token": (Write("token.manage", "token"),),
    "mou.record_notice": (Write("agreement.edit", "agreement"),),
    "mou.withdraw_notice": (Write("agreement.withdraw_notice", "agreement"),),
    "mou.record_modification": (Write("agreement.edit", "agreement"),),
    "mou.edit_focus_area": (Write("focus_area.edit", "focus_area"),),
    "meetings.new": (Write("meeting.create"),),
    "meetings.edit": (Write("meeting.edit", "meeting"),),
    "meetings.set_status": (Write("meeting.set_status", "meeting"),),
    "meetings.agree": (Write("agenda.agree", "meeting"),),
    "meetings.day_hours": (Write("agenda.edit", "meeting"),),
    "meetings.new_item": (Write("agenda.edit", "meeting"),),
    "meetings.reorder": (Write("agenda.edit", "meeting", json={"ids": []}),),
    "meetings.edit_item": (Write("agenda.edit", "agenda_item"),),
    "meetings.move_item": (Write("agenda.edit", "agenda_item"),),
    "meetings.delete_item": (Write("agenda.edit", "agenda_item"),),
    "meetings.upload": (Write("attachment.upload", "agenda_item"),),
    "meetings.delete_attachment": (Write("attachment.upload", "attachment"),),
    "meetings.propose": tuple(Write(f"meeting.propose_{kind}", "meeting", args=(("kind", kind),))
                              for kind in ("cancel", "delete", "change")),
    "meetings.confirm_proposal": (Write("proposal.confirm", "proposal"),),
    "meetings.withdraw_proposal": (Write("proposal.withdraw", "proposal"),),
    "meetings.decline_proposal": (Write("proposal.decline", "proposal"),),
    "actions.new": (Write("action.create"),),
    "actions.edit": (Write("action.edit", "action_item"),),
    "actions.post_update": (Write("action.update", "action_item"),),
    "actions.review": (Write("action.review", "meeting"),),
    "minutes.start": (Write("minutes.start", "meeting"),),
    "texts.check": (Write("text.check", "text", args=(("field", "title"), ("language", "ko"))),),
    "api_texts.check_text": (Write("text.check", "text", json={"field": "title", "language": "ko"}),),
    "texts.check_written": (Write("text.check", "written_texts", args=(("language", "ko"),)),),
    "minutes.save_section": (Write("minutes.edit", "section"),),
    "minutes.raise_action_item": (Write("minutes.edit", "section"),),
    "minutes.restore": (Write("minutes.edit", "section", args=(("version", 1),)),),
    "minutes.attendance": (Write("minutes.delegation", "kr_delegation", args=(("side", "KR"),)),),
    "minutes.progress": (Write("minutes.edit", "minutes", args=(("focus_area_id", "A.1"),)),),
    "minutes.next_meeting": (Write("minutes.edit", "minutes"),),
    "minutes.set_status": (Write("minutes.edit", "minutes"),),
    "minutes.comment": (Write("minutes.comment", "minutes"),),
    "minutes.resolve": (Write("minutes.edit", "comment"),),
    "minutes.adopt": (Write("minutes.adopt", "minutes"),),
    "minutes.propose_correction": (Write("minutes.correct", "minutes"),),
    "minutes.withdraw_correction": (Write("correction.edit", "correction"),),
    "minutes.adopt_correction": (Write("correction.adopt", "correction"),),
    "api_meetings.create_meeting": (Write("meeting.create", json={"agreement_id": 0, "ordinal": 40,
                                                                  "start_date": "2028-03-10", "host_side": "US"}),),
    "api_meetings.update_meeting": (Write("meeting.edit", "meeting", json={"venue": "Daejeon"}),
                                    Write("meeting.set_status", "meeting", json={"status": "planning"}),
                                    Write("meeting.cancel", "meeting", json={"status": "cancelled"}),
                                    Write("meeting.reschedule", "meeting", json={"host_side": "US"}),
                                    Write("meeting.name_co_chair", "kr_co_chair", json={"co_chairs": {"KR": None}})),
    "api_meetings.delete_meeting": (Write("meeting.delete", "meeting"),),
    "api_meetings.propose": (
        Write("meeting.propose_cancel", "meeting", json={"kind": "cancel", "reason": "A typhoon."}),
        Write("meeting.propose_delete", "meeting", json={"kind": "delete", "reason": "Entered twice."}),
        Write("meeting.propose_change", "meeting", json={"kind": "change", "host_side": "US", "reason": "Swap."})),
    "api_meetings.confirm_proposal": (Write("proposal.confirm", "proposal"),),
    "api_meetings.withdraw_proposal": (Write("proposal.withdraw", "proposal"),),
    "api_meetings.decline_proposal": (Write("proposal.decline", "proposal"),),
    "api_agenda.add_agenda_item": (Write("agenda.edit", "meeting", json={"title": "Space weather"}),),
    "api_agenda.update_agenda_item": (Write("agenda.edit", "agenda_item", json={"title": "Space weather"}),),
    "api_agenda.delete_agenda_item": (Write("agenda.edit", "agenda_item"),),
    "api_agenda.reorder_agenda": (Write("agenda.edit", "meeting", json={"ids": []}),),
    "api_agenda.agree_agenda": (Write("agenda.agree", "meeting", json={}),),
    "api_attachments.upload_attachment": (Write("attachment.upload", "agenda_item"),),
    "api_attachments.delete_attachment": (Write("attachment.upload", "attachment"),),
    "api_actions.create_action_item": (Write("action.create", json={
        "title": "Map shared testbeds", "focus_area_id": 1, "due_date": "2028-01-31",
        "owners": {"US": [{"user_id": 1}], "KR": [{"user_id": 1}]}}),),
    "api_actions.update_action_item": (Write("action.edit", "action_item", json={"title": "Map shared testbeds"}),),
    "api_actions.post_update": (Write("action.update", "action_item", json={"text": "Inventory shared."}),),
    "api_minutes.update_minutes": (Write("minutes.edit", "minutes", json={"next_meeting": "Seoul"}),
                                   Write("minutes.delegation", "kr_delegation", json={"attendance": {"KR": [
                                       {"name": "Kim Seo-yeon"}]}})),
    "api_minutes.add_comment": (Write("minutes.comment", "minutes", json={"text": "Please check the date."}),),
    "api_minutes.adopt_minutes": (Write("minutes.adopt", "minutes", json={}),),
    "api_minutes.propose_correction": (Write("minutes.correct", "minutes", json={
        "reason": "A typo", "changes": {"next_meeting": "Seoul, 2027", "next_meeting_ko": "2027년, 서울"}}),),
    "api_minutes.update_correction": (Write("correction.edit", "correction", json={"version": 1, "reason": "A typo"}),
                                      Write("correction.edit", "correction", json={"version": 1,
                                                                                   "status": "withdrawn"})),
    "api_minutes.adopt_correction": (Write("correction.adopt", "correction", json={}),),
    "documents.mark": (Write("document.mark", "meeting"),),
    "api_documents.put_marking": (Write("document.mark", "meeting", json={"marking": "unrestricted"}),),
    "public.save": (Write("summary.edit", "summary"),),
    "public.release": (Write("summary.release", "summary"),),
    "api_public_summary.put_summary": (Write("summary.edit", "summary", json={"headline": "Joint statement"}),),
    "api_public_summary.release_summary": (Write("summary.release", "summary", json={}),),
    "api_public_summary.check_summary": (Write("text.check", "summary_text", json={"field": "headline",
                                                                                  "language": "ko"}),),
    # One side's notes: every role but observer writes its own side's; an observer is refused.
    "notes.save": (Write("note.write", "noted"),),
    "api_notes.save_meeting_note": (Write("note.write", "noted_meeting", json={"text": "x", "version": 0}),),
    "api_notes.save_agenda_item_note": (Write("note.write", "noted_agenda_item", json={"text": "x", "version": 0}),),
    "api_notes.save_minutes_section_note": (Write("note.write", "noted_minutes_section",
                                                  json={"text": "x", "version": 0}),),
    "api_notes.save_action_item_note": (Write("note.write", "noted_action_item", json={"text": "x", "version": 0}),),
}
# Writes to a note by its id: the other side is answered as if there were no such note (404), its observers too, so
# that the answer tells nothing; tests/test_side_notes.py and tests/test_side_notes_leaks.py walk them.
BY_NOTE_ID = {"api_notes.put_note", "notes.restore"}
# Writes no rule governs: signing in and out, setting up the first account, one's own language, profile, password,
# tokens and calendar address, and checking a copy of a document.
OWN_OR_PUBLIC = {"accounts.login", "accounts.logout", "accounts.setup", "i18n.set_locale", "accounts.account",
                 "accounts.sign_out_everywhere", "feeds.calendar_page", "verification.verify",
                 # one's own notifications and their settings; the unsubscribe link, whose signature is its permission
                 "notifications.mark_all_read", "notifications.open_notice", "notifications.settings",
                 "notifications.unsubscribe", "api_notifications.mark_read"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# A sign-in, a token's use and a sign-in's last request, not data.
VOLATILE = {("user", "last_login_at"), ("api_token", "last_used_at"), ("sign_in_session", "last_seen_at")}


@dataclass
class Target:
    label: str
    address: dict
    load: Callable[[], Any]  # the object the rule is asked about, as the route loads it


@pytest.fixture
def stages(app, committee, make_meeting, make_action_item, api) -> dict[str, list[Target]]:
    """One committee whose meetings stand at every stage of their life, with what each stage holds: an agenda
    nobody, one side or both sides agreed; minutes in draft, circulated and adopted by one co-chair, adopted with a
    correction proposed (and one withdrawn); a cancelled meeting; an action item its owners share with two
    observers' agencies; a paper of the meeting in planning and one of the meeting whose minutes are adopted; and a
    comment, an account and a token."""
    from io import BytesIO

    from sqlalchemy import select

    from jcm.accounts.models import ApiToken, Organization
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item
    from jcm.extensions import db
    from jcm.meetings import attachments, services as meetings
    from jcm.minutes import services as minutes
    from jcm.mou.models import FocusArea
    from jcm.mou.services import get_agreement
    from jcm.texts.services import TextCheck, what_is_checked

    meeting_ids = {"planning": make_meeting(ordinal=20, start_date="2027-09-01"),
                   "agreed by the U.S.": make_meeting(ordinal=21, start_date="2027-10-01"),
                   "agenda agreed": make_meeting(ordinal=22, start_date="2027-11-01"),
                   "cancelled": make_meeting(ordinal=25, start_date="2027-12-01"),
                   "held, minutes in draft": make_meeting(ordinal=12, start_date="2026-03-10", status="held"),
                   "held, minutes circulated": make_meeting(ordinal=13, start_date="2026-05-10", status="held"),
                   "minutes adopted": make_meeting(ordinal=14, start_date="2026-07-10", status="held")}
    with app.app_context():
        who = {name: get_user(getattr(committee, name).id) for name in (
            "us_secretariat", "kr_secretariat", "us_co_chair", "kr_co_chair", "kr_delegate")}
        a1, b4 = (db.session.scalar(select(FocusArea.id).where(FocusArea.code == code)) for code in ("A.1", "B.4"))
        for stage in ("planning", "agreed by the U.S.", "agenda agreed"):
            complete_both_texts(app, committee, meeting_ids[stage])
        meeting = meetings.get_meeting(meeting_ids["agreed by the U.S."])
        meetings.agree_agenda(who["us_secretariat"], meeting)
        meeting = meetings.get_meeting(meeting_ids["agenda agreed"])
        meetings.agree_agenda(who["us_co_chair"], meeting)
        meetings.agree_agenda(who["kr_secretariat"], meeting)
        meetings.set_status(who["kr_secretariat"], meetings.get_meeting(meeting_ids["cancelled"]), "cancelled")
        # What takes both sides: an open proposal of each kind, one withdrawn, one declined, one made stale.
        from jcm.meetings import proposals
        agreed = meetings.get_meeting(meeting_ids["agenda agreed"])
        proposals.propose(who["kr_secretariat"], agreed, "cancel", {"reason": "A typhoon."})
        proposals.withdraw(who["us_secretariat"], proposals.propose(who["us_secretariat"], agreed, "change", {
            "host_side": "US", "reason": "Washington offers."}))
        proposals.propose(who["us_secretariat"], meetings.get_meeting(meeting_ids["cancelled"]), "delete",
                          {"reason": "Entered twice."})
        proposals.decline(who["kr_secretariat"], proposals.propose(
            who["us_secretariat"], meetings.get_meeting(meeting_ids["held, minutes in draft"]), "cancel",
            {"reason": "Not held after all."}))
        planning = meetings.get_meeting(meeting_ids["planning"])
        proposals.propose(who["us_secretariat"], planning, "cancel", {"reason": "Budget."})
        meetings.update_meeting(who["kr_secretariat"], planning, {"mode": "virtual"})  # the proposal is stale now
        proposal_ids = [("open, on an agreed agenda", "agenda agreed", 1), ("withdrawn", "agenda agreed", 2),
                        ("open, to delete", "cancelled", 1), ("declined", "held, minutes in draft", 1),
                        ("stale", "planning", 1)]
        papers = {}
        for stage in ("planning", "minutes adopted"):  # the paper of a meeting whose minutes are adopted is kept
            paper_item = meetings.get_meeting(meeting_ids[stage], with_agenda=True).items[3].id
            papers[stage] = attachments.add_attachment(who["us_secretariat"], meetings.get_agenda_item(paper_item),
                                                       "testbeds.txt", BytesIO(b"Shared AI testbeds\n")).id
        minutes.open_minutes(who["us_secretariat"], meetings.get_meeting(meeting_ids["held, minutes in draft"]))
        comments = {}
        for stage in ("held, minutes circulated", "minutes adopted"):
            held = meetings.get_meeting(meeting_ids[stage])
            record = minutes.open_minutes(who["us_secretariat"], held)
            for area in (a1, b4):
                minutes.save_progress(who["kr_secretariat"], record, area, "on_track", "On track.")
            complete_both_texts(app, committee, held.id)
            minutes.set_status(who["us_secretariat"], record, "circulated")
            comments[stage] = minutes.add_comment(who["kr_delegate"], record, "Check the date.").id
            minutes.adopt(who["us_co_chair"], record)
            if stage == "minutes adopted":
                minutes.adopt(who["kr_co_chair"], record)
                first = minutes.propose_correction(who["kr_secretariat"], record,
                                                   {"next_meeting": "Seoul", "next_meeting_ko": "서울"}, "Typo")
                minutes.withdraw_correction(who["kr_secretariat"], first)
                second = minutes.propose_correction(who["us_secretariat"], record,
                                                    {"next_meeting": "Sejong", "next_meeting_ko": "세종"}, "Typo")
                minutes.adopt_correction(who["us_co_chair"], second)
        # The press summary of the meeting whose minutes are adopted, drafted in English only.
        from jcm.public import services as public
        public.save_summary(who["us_secretariat"], meetings.get_meeting(meeting_ids["minutes adopted"]),
                            {"headline": "Joint statement", "body": "The two sides met."})
        agencies = {o.acronym: o.id for o in db.session.scalars(select(Organization))}
        db.session.commit()
        sections = {stage: minutes.ordered_sections(minutes.minutes_for(meetings.get_meeting(meeting_ids[stage])))[0].id
                    for stage in ("held, minutes in draft", "held, minutes circulated", "minutes adopted")}
        items = {stage: meetings.get_meeting(meeting_id, with_agenda=True).items[-1].id
                 for stage, meeting_id in meeting_ids.items()}
    item = make_action_item(meeting_id=meeting_ids["held, minutes in draft"], owners={
        "US": [{"user_id": committee.us_delegate.id}, {"organization_id": agencies["NASA"]}],
        "KR": [{"organization_id": agencies["IITP"]}]})
    api.token(committee.us_secretariat)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == committee.us_secretariat.id))

    def minutes_of(meeting_id):
        return lambda: minutes.minutes_for(meetings.get_meeting(meeting_id))

    with_minutes = [stage for stage in meeting_ids if "minutes" in stage]
    from jcm.meetings.proposals import get_proposal
    from jcm.permissions import SidePart
    return {
        "kr_co_chair": [Target(stage, {"meeting_id": meeting_id},
                               lambda m=meeting_id: SidePart(meetings.get_meeting(m), "KR"))
                        for stage, meeting_id in meeting_ids.items()],
        "kr_delegation": [Target(stage, {"meeting_id": meeting_ids[stage]},
                                 lambda m=meeting_ids[stage]: SidePart(minutes_of(m)(), "KR"))
                          for stage in with_minutes],
        "proposal": [Target(label, {"meeting_id": meeting_ids[stage], "number": number},
                            lambda m=meeting_ids[stage], n=number: get_proposal(meetings.get_meeting(m), n))
                     for label, stage, number in proposal_ids],
        "meeting": [Target(stage, {"meeting_id": meeting_id}, lambda m=meeting_id: meetings.get_meeting(m))
                    for stage, meeting_id in meeting_ids.items()],
        "agenda_item": [Target(stage, {"item_id": items[stage]}, lambda m=meeting_id: meetings.get_meeting(m))
                        for stage, meeting_id in meeting_ids.items()],
        "attachment": [Target(stage, {"attachment_id": paper}, lambda m=meeting_ids[stage]: meetings.get_meeting(m))
                       for stage, paper in papers.items()],
        "minutes": [Target(stage, {"meeting_id": meeting_ids[stage]}, minutes_of(meeting_ids[stage]))
                    for stage in with_minutes],
        "section": [Target(stage, {"section_id": sections[stage]}, minutes_of(meeting_ids[stage]))
                    for stage in with_minutes],
        "comment": [Target(stage, {"comment_id": comment_id}, minutes_of(meeting_ids[stage]))
                    for stage, comment_id in comments.items()],
        "correction": [Target(f"correction {number}", {"meeting_id": meeting_ids["minutes adopted"], "number": number},
                              lambda n=number: minutes.get_correction(minutes_of(meeting_ids["minutes adopted"])(), n))
                       for number in (1, 2)],
        "action_item": [Target("owned by a delegate and two observers' agencies", {"item_id": item},
                               lambda: get_action_item(item))],
        "text": [Target("an action item's title, Korean text missing", {"kind": "action_item", "record_id": item},
                        lambda: what_is_checked(get_action_item(item), "title", "ko"))],
        "written_texts": [Target(f"the Korean texts written in the {stage} meeting", {"meeting_id": meeting_id},
                                 lambda: TextCheck("ko", "KR", "written"))
                          for stage, meeting_id in meeting_ids.items()],
        "summary": [Target(stage, {"meeting_id": meeting_id},
                           lambda m=meeting_id: public.draft_of(meetings.get_meeting(m)))
                    for stage, meeting_id in meeting_ids.items()],
        "summary_text": [Target("the press summary's headline, Korean text missing",
                                {"meeting_id": meeting_ids["minutes adopted"]},
                                lambda: what_is_checked(public.draft_of(meetings.get_meeting(
                                    meeting_ids["minutes adopted"])), "headline", "ko"))],
        "agreement": [Target("no notice given", {"agreement_id": committee.agreement_id},
                             lambda: get_agreement(committee.agreement_id))],
        "focus_area": [Target("A.1", {"focus_area_id": a1}, lambda: None)],
        "user": [Target("the Korean delegate", {"user_id": committee.kr_delegate.id},
                        lambda: get_user(committee.kr_delegate.id))],
        "token": [Target("the U.S. secretariat's token", {"token_id": token_id},
                         lambda: get_user(committee.us_secretariat.id))],
        None: [Target("", {}, lambda: None)],
        **_noted(meeting_ids["planning"], items["planning"], sections["held, minutes in draft"], item),
    }


def _noted(meeting_id: int, agenda_item_id: int, section_id: int, action_item_id: int) -> dict[str, list[Target]]:
    """The records a side's note is written on: the rule asks only who writes (any role of the side but observer)."""
    records = {"meeting": meeting_id, "agenda_item": agenda_item_id, "minutes_section": section_id,
               "action_item": action_item_id}
    noted = {f"noted_{kind}": [Target(kind, {"target_id": record_id}, lambda: None)]
             for kind, record_id in records.items()}
    noted["noted"] = [Target(kind, {"word": kind.replace("_", "-"), "target_id": record_id}, lambda: None)
                      for kind, record_id in records.items()]
    return noted


def stored(app) -> str:
    """A digest of everything the database holds (but the time of a sign-in and of a token's use, and the audit
    trail's record of refusals: a refused act is recorded, in a transaction of its own, and refusals_recorded()
    counts them)."""
    import hashlib

    from sqlalchemy import select

    from jcm.extensions import db

    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            order = list(table.primary_key.columns) or columns
            query = select(*columns).order_by(*order)
            if table.name == "audit_event":
                query = query.where(table.c.outcome != "refused")
            digest.update(repr((table.name, db.session.execute(query).all())).encode())
    return digest.hexdigest()


def refusals_recorded(app) -> int:
    """How many refused acts the audit trail holds."""
    from sqlalchemy import func, select

    from jcm.audit.models import AuditEvent
    from jcm.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "refused"))


def db_id(model, code: str) -> int:
    from sqlalchemy import select

    from jcm.extensions import db

    return db.session.scalar(select(model.id).where(model.code == code))


def signed_in(app, committee) -> dict[int, tuple[Any, str]]:
    """A browser signed in for every person of the committee, with its form token."""
    from tests.conftest import Auth, csrf_token

    browsers = {}
    for person in committee.people:
        browser = app.test_client()
        Auth(browser).login(person)
        browsers[person.id] = (browser, csrf_token(browser, "/account"))
    return browsers


def test_every_write_is_listed_with_the_permission_it_asks(app):
    writes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS}
    assert writes - OWN_OR_PUBLIC - BY_NOTE_ID - set(WRITES) == set(), "a write route the walk does not know"
    assert BY_NOTE_ID <= writes
    assert set(WRITES) | OWN_OR_PUBLIC <= writes, "the walk names a route that does not exist"


def test_every_write_refuses_whom_the_rules_refuse_in_every_state_and_changes_nothing(app, api, committee, stages):
    """Signed in as each role of each side, for each object in each state: when `can` says no, the route says no —
    403 for who is asking, the state's 409 (or 422) with its reason — and the database is as it was, but for the
    audit trail's record of each refusal (one for each refused request)."""
    from flask import url_for
    from markupsafe import escape

    from jcm.accounts.services import get_user
    from jcm.mou.models import FocusArea
    from jcm.permissions import AlreadyDone, refusal

    browsers = signed_in(app, committee)
    for person in committee.people:
        api.token(person)
    before, recorded = stored(app), refusals_recorded(app)
    refused = 0
    walked: dict[str, int] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in WRITES:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):  # a form page's GET asks the same
            for write, target in ((w, t) for w in WRITES[rule.endpoint] for t in stages[w.target]):
                with app.app_context():
                    obj = target.load()
                    args = dict(write.args)
                    if args.get("focus_area_id"):
                        args["focus_area_id"] = db_id(FocusArea, args["focus_area_id"])
                    with app.test_request_context():
                        address = url_for(rule.endpoint, **target.address, **args)
                    refusals = {person.id: refusal(get_user(person.id), write.action, obj)
                                for person in committee.people}
                    expected = {pid: (r.error, r.exception().message) for pid, r in refusals.items() if r is not None}
                body = write.json
                if body and "agreement_id" in body:  # the committee's agreement, whatever id the database gave it
                    body = {**body, "agreement_id": committee.agreement_id}
                for person in committee.people:
                    if person.id not in expected:
                        continue  # allowed: the stories of each feature do it
                    error, message = expected[person.id]
                    where = (method, address, target.label, person.side, person.role)
                    if rule.rule.startswith("/api/"):
                        response = api.client.open(address, method=method, headers=api.headers(person),
                                                   json=body if method != "GET" else None)
                        if error is AlreadyDone:  # a repeat is answered with what stands
                            assert response.status_code in (200, 201), where
                        else:
                            assert response.status_code == error.status, (*where, response.get_json())
                            assert response.get_json()["error"]["message"] == message, where
                    else:
                        browser, token = browsers[person.id]
                        if body is not None:
                            response = browser.open(address, method=method, json=body,
                                                    headers={"X-CSRFToken": token})
                        else:
                            response = browser.open(address, method=method,
                                                    data={"csrf_token": token} if method != "GET" else None)
                        assert response.status_code == error.status, (*where, response.status_code)
                        if response.is_json:
                            assert response.get_json()["error"]["message"] == message, where
                        else:
                            assert str(escape(message)) in response.get_data(as_text=True), where
                    walked[rule.endpoint] = walked.get(rule.endpoint, 0) + 1
                    refused += response.status_code >= 400
                if expected:  # nothing any of them sent changed anything
                    assert stored(app) == before, ("changed", method, address, target.label)
    assert set(walked) == set(WRITES), f"never refused anyone: {set(WRITES) - set(walked)}"
    assert sum(walked.values()) > 1000
    assert refusals_recorded(app) - recorded == refused  # every refused request left its record in the audit trail



# --- a page offers an act exactly when the rules allow it, and the service then accepts it ----------------------

def offered(browser, page: str, action: str) -> bool:
    response = browser.get(page)
    assert response.status_code == 200, page
    return f'action="{action}"' in response.get_data(as_text=True)


def test_the_agenda_page_offers_agreement_exactly_to_whom_may_agree_now(app, committee, stages):
    from jcm.accounts.services import get_user
    from jcm.meetings.services import approvals_by_side, get_meeting
    from jcm.permissions import can

    browsers = signed_in(app, committee)

    def may_agree(person, meeting_id):
        with app.app_context():
            return can(get_user(person.id), "agenda.agree", get_meeting(meeting_id))

    for target in stages["meeting"]:
        meeting_id = target.address["meeting_id"]
        for person in committee.people:
            shown = offered(browsers[person.id][0], f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/agree")
            assert shown is may_agree(person, meeting_id), (target.label, person.side, person.role)
    # The meeting in planning: each side agrees once, through the button it is offered; then no one is offered it.
    meeting_id = next(t.address["meeting_id"] for t in stages["meeting"] if t.label == "planning")
    agreed = []
    for person in committee.people:
        browser, token = browsers[person.id]
        if not offered(browser, f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/agree"):
            continue
        response = browser.post(f"/meetings/{meeting_id}/agree", data={"csrf_token": token, "agenda_version": "1",
                                                                         "confirmed": "y"})
        assert response.status_code == 302
        agreed.append((person.side, person.role))
        assert not offered(browser, f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/agree")
    assert agreed == [("US", "secretariat"), ("KR", "secretariat")]  # the first of each side; the co-chairs see it done
    with app.app_context():
        meeting = get_meeting(meeting_id)
        assert meeting.status == "agenda_agreed" and all(approvals_by_side(meeting).values())


def test_the_minutes_page_offers_adoption_exactly_to_the_co_chair_who_may_adopt_now(app, committee, stages):
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting
    from jcm.minutes.services import minutes_for
    from jcm.permissions import can

    browsers = signed_in(app, committee)

    def may_adopt(person, meeting_id):
        with app.app_context():
            return can(get_user(person.id), "minutes.adopt", minutes_for(get_meeting(meeting_id)))

    offers = {}
    for target in stages["minutes"]:
        meeting_id = target.address["meeting_id"]
        page, adopt = f"/meetings/{meeting_id}/minutes", f"/meetings/{meeting_id}/minutes/adopt"
        for person in committee.people:
            shown = offered(browsers[person.id][0], page, adopt)
            assert shown is may_adopt(person, meeting_id), (target.label, person.side, person.role)
            if shown:
                offers.setdefault(target.label, []).append(person)
    # Circulated and adopted for the U.S.: only the Korean co-chair is offered it; adopting it makes them final.
    assert {label: [(p.side, p.role) for p in people] for label, people in offers.items()} == {
        "held, minutes circulated": [("KR", "co_chair")]}
    meeting_id = next(t.address["meeting_id"] for t in stages["minutes"] if t.label == "held, minutes circulated")
    browser, token = browsers[committee.kr_co_chair.id]
    assert browser.post(f"/meetings/{meeting_id}/minutes/adopt",
                        data={"csrf_token": token, "confirmed": "y"}).status_code == 302
    with app.app_context():
        assert minutes_for(get_meeting(meeting_id)).status == "adopted"
    assert not offered(browser, f"/meetings/{meeting_id}/minutes", f"/meetings/{meeting_id}/minutes/adopt")


def test_an_action_item_offers_its_update_form_to_its_owners_and_the_secretariats_never_to_observers(
        app, committee, stages):
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item
    from jcm.permissions import can

    browsers = signed_in(app, committee)
    item_id = stages["action_item"][0].address["item_id"]
    form = f"/action-items/{item_id}/updates"
    writers = []
    for person in committee.people:
        browser, _token = browsers[person.id]
        with app.app_context():
            allowed = can(get_user(person.id), "action.update", get_action_item(item_id))
        assert offered(browser, f"/action-items/{item_id}", form) is allowed, (person.side, person.role)
        mine = browser.get("/my-action-items").get_data(as_text=True)
        if person.role == "observer":  # their agency owns it: they see it among theirs, without the form
            assert f'id="action-{item_id}"' in mine and form not in mine
        if allowed:
            writers.append((person.side, person.role))
    assert writers == [("US", "secretariat"), ("US", "delegate"), ("KR", "secretariat")]
    browser, token = browsers[committee.us_delegate.id]
    response = browser.post(form, data={"csrf_token": token, "text": "Inventory shared with NRF.", "next": "mine"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-action-items")
    with app.app_context():
        assert get_action_item(item_id, with_updates=True).updates[-1].text == "Inventory shared with NRF."
