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


# --- two authentic texts --------------------------------------------------------------------------------

DISCUSSION = "The U.S. side presented NSF's AI testbeds."
DISCUSSION_KO = "미국 측은 국립과학재단(NSF)의 인공지능 테스트베드를 소개하였다."
DECISIONS = ["Share the testbed list by June.", "Hold a joint workshop in the autumn."]
DECISIONS_KO = ["6월까지 테스트베드 목록을 공유한다.", "가을에 공동 워크숍을 개최한다."]


def _statuses(obj) -> dict[str, dict[str, str]]:
    from jcm.bilingual import states

    return {field: {language: state.status for language, state in by_language.items()}
            for field, by_language in states(obj).items()}


def test_a_section_is_written_in_both_languages_and_every_revision_keeps_and_restores_both(app, committee,
                                                                                          held_meeting):
    with app.app_context():
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        section = services.ordered_sections(minutes_of(held_meeting, us))[3]
        services.save_section(us, section, DISCUSSION, DECISIONS, 1)
        assert _statuses(section) == {"discussion": {"en": "written", "ko": "missing"},
                                      "decisions": {"en": "written", "ko": "missing"}}
        services.save_section(kr, section, expected_version=2, discussion_ko=DISCUSSION_KO, decisions_ko=DECISIONS_KO)
        db.session.commit()
        section = services.get_section(section.id)
        assert (section.discussion, section.decisions) == (DISCUSSION, DECISIONS)  # the Korean writer left them be
        assert (section.discussion_ko, section.decisions_ko, section.version) == (DISCUSSION_KO, DECISIONS_KO, 3)
        assert _statuses(section)["discussion"] == {"en": "written", "ko": "written"}

        services.save_section(us, section, "Both sides met in Sejong.", DECISIONS, 3, discussion_ko="양측은 세종에서 만났다.",
                              decisions_ko=DECISIONS_KO)
        latest, translated, first = services.revisions(section)[:3]
        assert (latest.discussion, latest.discussion_ko) == ("Both sides met in Sejong.", "양측은 세종에서 만났다.")
        assert (translated.discussion_ko, translated.decisions_ko) == (DISCUSSION_KO, DECISIONS_KO)
        assert (first.discussion, first.discussion_ko, first.decisions_ko) == (DISCUSSION, "", [])

        services.restore_revision(us, section, translated.version)
        assert (section.discussion, section.discussion_ko, section.decisions_ko, section.version) == (
            DISCUSSION, DISCUSSION_KO, DECISIONS_KO, 5)
        services.restore_revision(us, section, first.version)  # before the Korean text was written: none again
        assert (section.discussion_ko, section.decisions_ko) == ("", [])
        assert _statuses(section)["discussion"] == {"en": "written", "ko": "missing"}


def test_the_korean_decisions_follow_the_english_one_for_one(app, committee, held_meeting):
    with app.app_context():
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        section = services.ordered_sections(minutes_of(held_meeting, us))[3]
        services.save_section(us, section, DISCUSSION, DECISIONS, 1)
        with pytest.raises(Invalid, match="one for one: 2 expected, 1 given") as refused:
            services.save_section(kr, section, expected_version=2, decisions_ko=DECISIONS_KO[:1])
        assert refused.value.field == "decisions_ko"
        with pytest.raises(Invalid) as both_at_once:  # written together, they must agree too
            services.save_section(us, section, DISCUSSION, DECISIONS[:1], 2, decisions_ko=DECISIONS_KO)
        assert both_at_once.value.field == "decisions_ko"
        assert (section.decisions_ko, section.version) == ([], 2)

        services.save_section(kr, section, expected_version=2, decisions_ko=DECISIONS_KO)
        # The English moves on alone, a third decision: the Korean is stale until it follows, and only then.
        services.save_section(us, section, DISCUSSION, [*DECISIONS, "Meet again in 2027."], 3,
                              decisions_ko=DECISIONS_KO)
        assert section.decisions_ko == DECISIONS_KO and _statuses(section)["decisions"]["ko"] == "stale"
        with pytest.raises(Invalid, match="3 expected, 2 given"):
            services.save_section(kr, section, expected_version=4, decisions_ko=[DECISIONS_KO[0], "수정된 결정"])
        services.save_section(kr, section, expected_version=4, decisions_ko=[*DECISIONS_KO, "2027년에 다시 만난다."])
        assert _statuses(section)["decisions"] == {"en": "written", "ko": "written"}


def test_a_stale_save_of_the_korean_text_shows_the_stored_texts_and_the_writers_own_per_language(app, committee,
                                                                                                 held_meeting):
    with app.app_context():
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        section = services.ordered_sections(minutes_of(held_meeting, us))[3]
        services.save_section(kr, section, expected_version=1, discussion_ko=DISCUSSION_KO)
        services.save_section(us, section, DISCUSSION, DECISIONS, 2)  # meanwhile, the English
        db.session.commit()
        with pytest.raises(Conflict) as stale:  # the Korean secretariat's page was read at version 2
            services.save_section(kr, section, "", [], 2, discussion_ko="양측은 협력을 논의하였다.", decisions_ko=[])
        current = stale.value.current
        assert (current["discussion"], current["decisions"], current["version"]) == (DISCUSSION, DECISIONS, 3)
        assert current["discussion_ko"] == DISCUSSION_KO
        assert current["yours"] == {"discussion": "", "decisions": [], "discussion_ko": "양측은 협력을 논의하였다.",
                                    "decisions_ko": []}
        db.session.rollback()
        assert services.get_section(section.id).discussion_ko == DISCUSSION_KO


def test_the_text_states_move_as_each_side_writes_and_checks_its_language(app, committee, held_meeting):
    from jcm.texts.services import check_text

    with app.app_context():
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        minutes = minutes_of(held_meeting, us)
        section = services.ordered_sections(minutes)[3]
        services.save_section(us, section, DISCUSSION, [], 1, discussion_ko=DISCUSSION_KO)
        check_text(kr, section, "discussion", "ko")
        check_text(us, section, "discussion", "en")
        assert _statuses(section)["discussion"] == {"en": "checked", "ko": "checked"}
        services.save_section(us, section, "The U.S. side presented NSF's AI testbeds in detail.", [], 2)
        assert _statuses(section)["discussion"] == {"en": "written", "ko": "stale"}
        services.save_section(kr, section, expected_version=3, discussion_ko=DISCUSSION_KO + " 상세히 설명하였다.")
        assert _statuses(section)["discussion"] == {"en": "written", "ko": "written"}

        area = _area(app, "A.1")
        entry = services.save_progress(us, minutes, area, "on_track", "Testbeds shared.")
        assert _statuses(entry) == {"narrative": {"en": "written", "ko": "missing"}}
        services.save_progress(kr, minutes, area, "on_track", expected_version=1, narrative_ko="테스트베드를 공유하였다.")
        assert (entry.narrative, entry.narrative_ko, entry.version) == ("Testbeds shared.", "테스트베드를 공유하였다.", 2)
        assert _statuses(entry) == {"narrative": {"en": "written", "ko": "written"}}

        services.set_next_meeting(us, minutes, "Washington, D.C., spring 2027", minutes.next_meeting_version)
        services.set_next_meeting(kr, minutes, None, minutes.next_meeting_version, korean="2027년 봄, 워싱턴 D.C.")
        assert (minutes.next_meeting, minutes.next_meeting_ko) == ("Washington, D.C., spring 2027",
                                                                   "2027년 봄, 워싱턴 D.C.")
        with pytest.raises(Conflict) as stale:
            services.set_next_meeting(kr, minutes, None, 1, korean="2027년 봄, 서울")
        assert stale.value.current["next_meeting_ko"] == "2027년 봄, 워싱턴 D.C."
        assert stale.value.current["yours_ko"] == "2027년 봄, 서울" and "yours" not in stale.value.current


def test_a_delegation_in_both_languages_keeps_each_persons_checked_texts_while_they_stay(app, committee,
                                                                                        held_meeting):
    from jcm.accounts.models import User
    from jcm.texts.services import check_text

    with app.app_context():
        co_chair = db.session.get(User, committee.kr_co_chair.id)
        co_chair.name_ko, co_chair.title_ko, co_chair.name = "이준호", "공동위원장", "Lee Joon-ho"
        us, kr = person(committee, "us_secretariat"), person(committee, "kr_secretariat")
        minutes = minutes_of(held_meeting, us)
        services.set_attendance(kr, minutes, "KR", [
            {"user_id": co_chair.id, "title": "Director General"},
            {"name": "Hong Gil-dong", "name_ko": "홍길동", "title": "Deputy Director", "title_ko": "과장",
             "organization": "Ministry of Science and ICT", "organization_ko": "과학기술정보통신부"}])
        lee, hong = sorted((a for a in minutes.attendees if a.side == "KR"), key=lambda a: a.position)
        assert (lee.name, lee.name_ko, lee.title, lee.title_ko) == ("Lee Joon-ho", "이준호", "Director General",
                                                                    "공동위원장")
        assert (hong.name_ko, hong.title_ko, hong.organization_ko) == ("홍길동", "과장", "과학기술정보통신부")
        check_text(kr, hong, "name", "ko")
        assert _statuses(hong)["name"]["ko"] == "checked"

        services.set_attendance(kr, minutes, "KR", [  # another delegate joins; the others stay as they were
            {"name": "Park Ji-hoon", "name_ko": "박지훈"}, {"user_id": co_chair.id, "title": "Director General"},
            {"name": "Hong Gil-dong", "name_ko": "홍길동", "title": "Deputy Director", "title_ko": "과장",
             "organization": "Ministry of Science and ICT", "organization_ko": "과학기술정보통신부"}])
        db.session.commit()
        rows = sorted((a for a in services.minutes_for(get_meeting(held_meeting)).attendees if a.side == "KR"),
                      key=lambda a: a.position)
        assert [(a.name, a.name_ko) for a in rows] == [("Park Ji-hoon", "박지훈"), ("Lee Joon-ho", "이준호"),
                                                       ("Hong Gil-dong", "홍길동")]
        assert rows[2].id == hong.id and _statuses(rows[2])["name"]["ko"] == "checked"
        with pytest.raises(Invalid, match="may be at most 200 characters"):
            services.set_attendance(kr, minutes, "KR", [{"name": "Hong", "name_ko": "홍" * 201}])


def test_a_correction_changes_a_korean_text_of_adopted_minutes(app, committee, held_meeting):
    with app.app_context():
        minutes = _ready_to_adopt(app, committee, held_meeting)
        us = person(committee, "us_secretariat")
        section = services.ordered_sections(minutes)[3]
        services.save_section(us, section, DISCUSSION, DECISIONS, 1, discussion_ko=DISCUSSION_KO,
                              decisions_ko=DECISIONS_KO)
        services.save_progress(us, minutes, _area(app, "B.4"), "on_track", "", narrative_ko="")
        complete_both_texts(app, committee, held_meeting)
        services.adopt(person(committee, "us_co_chair"), minutes)
        services.adopt(person(committee, "kr_co_chair"), minutes)
        item = section.agenda_item_id
        with pytest.raises(Invalid) as misaligned:
            services.propose_correction(us, minutes, {"records": [
                {"agenda_item_id": item, "decisions_ko": ["6월까지 목록을 공유한다."]}]}, "국문 오기 수정")
        assert misaligned.value.field == "changes.records[0].decisions_ko"
        korean_only = {"records": [{"agenda_item_id": item,
                                    "decisions_ko": ["7월까지 테스트베드 목록을 공유한다.", DECISIONS_KO[1]]}],
                       "progress": [{"focus_area": "A.1", "narrative_ko": "테스트베드를 예정대로 공유하였다."}],
                       "next_meeting": "Washington, D.C., in the spring of 2027.",
                       "next_meeting_ko": "2027년 봄, 워싱턴 D.C."}
        with pytest.raises(Invalid) as one_language:  # the English left out: are the two texts to disagree?
            services.propose_correction(us, minutes, korean_only, "국문 합의 사항의 기한 오기 수정")
        assert one_language.value.field == "changes.records[0].decisions"
        assert set(one_language.value.fields) == {"changes.records[0].decisions", "changes.progress[0].narrative"}
        # The English given as adopted says on purpose that it already reads right: only the Korean was wrong.
        korean_only["records"][0]["decisions"] = DECISIONS
        korean_only["progress"][0]["narrative"] = "Testbeds shared."
        correction = services.propose_correction(us, minutes, korean_only, "국문 합의 사항의 기한 오기 수정")
        assert correction.changes["records"] == [{"agenda_item_id": item, "decisions": DECISIONS, "decisions_ko": [
            "7월까지 테스트베드 목록을 공유한다.", DECISIONS_KO[1]]}]
        services.adopt_correction(person(committee, "us_co_chair"), correction)
        services.adopt_correction(person(committee, "kr_co_chair"), correction)
        record, digest_ = services.current_record(minutes)
        entry = next(r for r in record["records"] if r["agenda_item_id"] == item)
        assert entry["decisions_ko"] == ["7월까지 테스트베드 목록을 공유한다.", DECISIONS_KO[1]]
        assert entry["decisions"] == DECISIONS  # the English stays as adopted
        assert record["next_meeting_ko"] == "2027년 봄, 워싱턴 D.C."
        progress = next(p for r in record["records"] for p in r["progress"] if p["focus_area"] == "A.1")
        assert progress["narrative_ko"] == "테스트베드를 예정대로 공유하였다."
        assert services.adopted_text(minutes, "0")[0].get("next_meeting_ko", "") == ""  # as first adopted
        assert digest(record) == digest_ and digest_ != minutes.sha256
        with pytest.raises(Invalid, match="changes nothing"):
            services.propose_correction(us, minutes, {"next_meeting": "Washington, D.C., in the spring of 2027.",
                                                      "next_meeting_ko": "2027년 봄, 워싱턴 D.C."}, "같은 문안")
