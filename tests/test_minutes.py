"""Minutes: written section by section without losing text, reviewed by both sides, adopted by both co-chairs."""

from datetime import date

import pytest
from sqlalchemy import select

from jcm.accounts.services import get_user
from jcm.documents.records import minutes_record
from jcm.errors import Conflict, Invalid, PermissionDenied
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.minutes.models import MAX_TEXT
from jcm.records import digest
from jcm.mou.models import FocusArea
from tests.conftest import complete_both_texts


def person(committee, name):
    return get_user(getattr(committee, name).id)


def minutes_of(meeting_id, actor):
    return services.open_minutes(actor, get_meeting(meeting_id))


def test_the_minutes_have_a_section_per_agenda_item(app, committee, held_meeting):
    with app.app_context():
        minutes = minutes_of(held_meeting, person(committee, "us_secretariat"))
        sections = services.ordered_sections(minutes)
        assert [s.agenda_item.title for s in sections][:3] == [
            "Opening remarks by the co-chairs", "Adoption of the agenda", "Review of action items from previous meetings"]
        assert minutes.status == "draft"
        assert [a.code for a in services.discussed_focus_areas(get_meeting(held_meeting))] == ["A.1", "B.4"]


def test_an_item_added_to_the_agenda_after_the_minutes_were_started_gets_its_section(app, committee, make_meeting):
    from jcm.meetings.services import add_agenda_item

    meeting_id = make_meeting(ordinal=13, start_date="2027-03-10")
    with app.app_context():
        us = person(committee, "us_secretariat")
        minutes_of(meeting_id, us)  # started while the agenda is still being planned
        item_id = add_agenda_item(us, get_meeting(meeting_id), {"title": "Space weather data exchange"}).id
        db.session.commit()
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        assert item_id in {section.agenda_item_id for section in minutes.sections}
        assert len(minutes.sections) == len(get_meeting(meeting_id, with_agenda=True).items)


def test_two_edits_of_the_same_section_never_overwrite_each_other(app, committee, held_meeting):
    with app.app_context():
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        minutes = minutes_of(held_meeting, us)
        section = services.ordered_sections(minutes)[3]
        services.save_section(us, section, "The U.S. side presented NSF's AI testbeds.", ["Share testbed list"], 1)
        db.session.commit()
        with pytest.raises(Conflict) as conflict:
            services.save_section(kr, section, "한국 측은 데이터셋 현황을 설명하였다. 🙂", [], 1)
        current = conflict.value.current
        assert current["discussion"] == "The U.S. side presented NSF's AI testbeds."
        assert current["yours"]["discussion"] == "한국 측은 데이터셋 현황을 설명하였다. 🙂"
        db.session.rollback()
        section = services.get_section(section.id)
        assert section.discussion == "The U.S. side presented NSF's AI testbeds." and section.version == 2


def test_two_secretaries_write_different_sections_at_once(app, committee, held_meeting):
    with app.app_context():
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        sections = services.ordered_sections(minutes_of(held_meeting, us))
        services.save_section(us, sections[3], "AI for science.", [], 1)
        services.save_section(kr, sections[4], "양자 혁신.", [], 1)
        db.session.commit()
        assert services.get_section(sections[3].id).discussion == "AI for science."
        assert services.get_section(sections[4].id).discussion == "양자 혁신."


def test_every_saved_version_can_be_seen_and_restored(app, committee, held_meeting):
    with app.app_context():
        us = person(committee, "us_secretariat")
        section = services.ordered_sections(minutes_of(held_meeting, us))[0]
        services.save_section(us, section, "First text", [], 1)
        services.save_section(us, section, "Second text", [], 2)
        assert [r.version for r in services.revisions(section)] == [3, 2]
        services.restore_revision(us, section, 2)
        assert section.discussion == "First text" and section.version == 4
        assert [r.discussion for r in services.revisions(section)][:2] == ["First text", "Second text"]


def test_bad_input_is_refused_and_nothing_is_lost(app, committee, held_meeting):
    with app.app_context():
        us = person(committee, "us_secretariat")
        minutes = minutes_of(held_meeting, us)
        section = services.ordered_sections(minutes)[0]
        with pytest.raises(Invalid, match="Discussion may be at most 100000 characters"):
            services.save_section(us, section, "x" * (MAX_TEXT + 1), [], None)
        with pytest.raises(Invalid, match="“splendid” is not a progress status"):
            services.save_progress(us, minutes, _area(app, "A.1"), "splendid", "")
        with pytest.raises(PermissionDenied):
            services.save_section(person(committee, "kr_delegate"), section, "not mine to write", [], None)
        script = "<script>alert(1)</script> **bold**"
        services.save_section(us, section, script, ["The two sides agreed to <b>meet</b>."], None)
        assert section.discussion == script  # kept as typed; shown sanitised


def test_decisions_are_one_a_line_and_a_save_that_changes_nothing_keeps_the_version(app, committee, held_meeting):
    with app.app_context():
        us = person(committee, "us_secretariat")
        section = services.ordered_sections(minutes_of(held_meeting, us))[3]
        services.save_section(us, section, "The sides met.\r\nThey agreed.\r\n",
                              "Share the testbed list\r\n\r\n  Meet again in June  \r\n", 1)
        assert section.discussion == "The sides met.\nThey agreed."
        assert section.decisions == ["Share the testbed list", "Meet again in June"] and section.version == 2
        services.save_section(us, section, "The sides met.\nThey agreed.",
                              ["Share the testbed list", "", "Meet again in June"], 2)
        assert section.version == 2 and [r.version for r in services.revisions(section)] == [2]
        with pytest.raises(Invalid, match="Decisions may hold at most 50 entries."):
            services.save_section(us, section, "", [f"Decision {n}" for n in range(51)], 2)
        with pytest.raises(Invalid, match="Each of the decisions may be at most 5000 characters."):
            services.save_section(us, section, "", ["x" * 5001], 2)
        with pytest.raises(Invalid, match="Decisions must be a list of texts."):
            services.save_section(us, section, "", {"first": "a"}, 2)


def test_a_progress_entry_moves_its_version_once_per_change_and_the_audit_shows_it(app, committee, held_meeting):
    from jcm.audit.models import AuditEvent

    with app.app_context():
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        minutes = minutes_of(held_meeting, us)
        entry = services.save_progress(us, minutes, _area(app, "A.1"), "on_track", "Testbeds shared.")
        assert entry.version == 1
        services.save_progress(kr, minutes, _area(app, "A.1"), "at_risk", "Testbeds shared.", 1)
        services.save_progress(kr, minutes, _area(app, "A.1"), "at_risk", "  Testbeds shared. ", 2)
        db.session.commit()
        assert (entry.status, entry.version) == ("at_risk", 2)
        (changed,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "minutes.progress",
                                                                 AuditEvent.actor_id == kr.id)).all()
        assert [(key, before, after) for key, before, after in changed.changes()] == [
            ("status", "on_track", "at_risk")]
        with pytest.raises(Conflict) as stale:
            services.save_progress(us, minutes, _area(app, "A.1"), "completed", "Done.", 1)
        assert stale.value.current["status"] == "at_risk" and stale.value.current["version"] == 2
        assert stale.value.current["yours"] == {"status": "completed", "narrative": "Done."}


def _area(app, code):
    return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


def _ready_to_adopt(app, committee, meeting_id):
    us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
    minutes = minutes_of(meeting_id, us)
    services.set_attendance(us, minutes, "US", [{"user_id": committee.us_co_chair.id},
                                               {"name": "Dr. Jane Doe", "title": "Director", "organization": "NSF"}])
    services.set_attendance(kr, minutes, "KR", [{"user_id": committee.kr_co_chair.id}, "홍길동"])
    services.save_progress(us, minutes, _area(app, "A.1"), "on_track", "Testbeds shared.")
    complete_both_texts(app, committee, meeting_id)
    services.set_status(us, minutes, "circulated")
    return minutes


def test_adoption_needs_a_progress_entry_for_every_discussed_focus_area(app, committee, held_meeting):
    with app.app_context():
        minutes = _ready_to_adopt(app, committee, held_meeting)
        with pytest.raises(Conflict, match="no progress is recorded for B.4 Leading Quantum Innovation"):
            services.adopt(person(committee, "us_co_chair"), minutes)


def test_both_co_chairs_adopt_and_the_minutes_are_locked_with_their_digest(app, committee, held_meeting):
    with app.app_context():
        minutes = _ready_to_adopt(app, committee, held_meeting)
        us = person(committee, "us_secretariat")
        services.save_progress(us, minutes, _area(app, "B.4"), "at_risk", "양자 테스트베드 접근 지연")
        complete_both_texts(app, committee, held_meeting)
        with pytest.raises(PermissionDenied):
            services.adopt(person(committee, "kr_delegate"), minutes)
        services.adopt(person(committee, "us_co_chair"), minutes)
        assert minutes.status == "circulated"
        services.adopt(person(committee, "kr_co_chair"), minutes)
        db.session.commit()
        assert minutes.status == "adopted" and len(minutes.sha256) == 64
        assert get_meeting(held_meeting).status == "minutes_adopted"
        assert digest(minutes.adopted_content) == minutes.sha256  # the digest is the frozen record's
        section = services.ordered_sections(minutes)[0]
        with pytest.raises(Conflict, match="can no longer be changed"):
            services.save_section(us, section, "A late change", [], None)
        with pytest.raises(Conflict):
            services.set_attendance(us, minutes, "US", [])


def test_a_co_chair_adopts_only_for_their_own_side_and_only_the_named_one(app, committee, held_meeting):
    from jcm.accounts.services import create_user

    with app.app_context():
        minutes = _ready_to_adopt(app, committee, held_meeting)
        services.save_progress(person(committee, "us_secretariat"), minutes, _area(app, "B.4"), "on_track", "")
        approval = services.adopt(person(committee, "kr_co_chair"), minutes)
        assert approval.side == "KR"
        other = create_user(None, {"email": "other.cochair@msit.example.go.kr", "name": "다른 위원장", "side": "KR",
                                   "role": "co_chair"}, "correct horse battery")
        with pytest.raises(PermissionDenied, match="Only the meeting's co-chair"):
            services.adopt(other, minutes)
        assert services.approvals_by_side(minutes)["US"] is None


def test_comments_while_circulated_and_their_resolution(app, committee, held_meeting):
    with app.app_context():
        us = person(committee, "us_secretariat")
        minutes = minutes_of(held_meeting, us)
        section = services.ordered_sections(minutes)[3]
        with pytest.raises(Conflict, match="while the minutes are circulated"):
            services.add_comment(person(committee, "kr_delegate"), minutes, "Too early", section.id)
        services.set_status(us, minutes, "circulated")
        comment = services.add_comment(person(committee, "kr_delegate"), minutes, "데이터셋 수를 수정해 주세요.",
                                       section.id)
        assert comment.side == "KR"
        with pytest.raises(Invalid, match="Comment is required"):
            services.add_comment(person(committee, "us_co_chair"), minutes, "   ")
        with pytest.raises(PermissionDenied):
            services.add_comment(person(committee, "us_observer"), minutes, "An observer reads only")
        services.resolve_comment(person(committee, "kr_secretariat"), comment)
        assert services.comments(minutes)[0].resolved_at is not None
        with pytest.raises(PermissionDenied):
            services.resolve_comment(person(committee, "kr_delegate"), comment)


def test_a_comment_is_no_longer_resolved_once_the_minutes_are_adopted(app, committee, held_meeting):
    with app.app_context():
        minutes = _ready_to_adopt(app, committee, held_meeting)
        services.save_progress(person(committee, "us_secretariat"), minutes, _area(app, "B.4"), "on_track", "")
        comment = services.add_comment(person(committee, "kr_delegate"), minutes, "Spell out NRF.")
        services.adopt(person(committee, "us_co_chair"), minutes)
        services.adopt(person(committee, "kr_co_chair"), minutes)
        with pytest.raises(Conflict, match="adopted by both co-chairs"):
            services.resolve_comment(person(committee, "kr_secretariat"), comment)
        assert comment.resolved_at is None


def test_the_same_content_gives_the_same_digest(app, committee, held_meeting):
    with app.app_context():
        minutes = minutes_of(held_meeting, person(committee, "us_secretariat"))
        meeting = get_meeting(held_meeting)
        assert digest(minutes_record(meeting, minutes)) == digest(minutes_record(meeting, minutes))
        assert digest({"b": 1, "a": "한"}) == digest({"a": "한", "b": 1})  # key order is not content
        assert date.today()


def test_a_change_after_one_side_adopted_needs_that_side_to_adopt_again(app, committee, held_meeting):
    with app.app_context():
        minutes = _ready_to_adopt(app, committee, held_meeting)
        us = person(committee, "us_secretariat")
        services.save_progress(us, minutes, _area(app, "B.4"), "on_track", "")
        services.adopt(person(committee, "us_co_chair"), minutes)
        section = services.ordered_sections(minutes)[0]
        services.save_section(person(committee, "kr_secretariat"), section, "A late correction", [], None)
        assert services.approvals_by_side(minutes) == {"US": None, "KR": None}
        complete_both_texts(app, committee, held_meeting)
        services.adopt(person(committee, "kr_co_chair"), minutes)
        assert minutes.status == "circulated"  # the U.S. co-chair has not adopted the corrected text


def test_minutes_are_adopted_only_once_the_meeting_has_been_held(app, committee, make_meeting):
    meeting_id = make_meeting(ordinal=14, start_date="2027-03-10", focus_areas=())
    with app.app_context():
        us = person(committee, "us_secretariat")
        minutes = minutes_of(meeting_id, us)
        services.set_status(us, minutes, "circulated")
        with pytest.raises(Conflict, match="once the meeting has been held"):
            services.adopt(person(committee, "us_co_chair"), minutes)
