"""What each meeting's minutes record about the focus areas, read across meetings: the draft as it stands, the
adopted text once both co-chairs adopted it — and its latest correction, never the rows edited behind it."""

from __future__ import annotations

from sqlalchemy import event

from jcm.dashboard.services import recorded
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from tests.conftest import complete_both_texts
from tests.test_minutes import DECISIONS, DECISIONS_KO, DISCUSSION, DISCUSSION_KO, _area, _ready_to_adopt, person


def _decided(app, committee, meeting_id):
    """The minutes of the meeting with A.1 on track and the two decisions under the A.1 item (its fourth record)."""
    minutes = _ready_to_adopt(app, committee, meeting_id)
    us = person(committee, "us_secretariat")
    services.set_status(us, minutes, "draft")
    section = services.ordered_sections(minutes)[3]
    services.save_section(us, section, DISCUSSION, DECISIONS, 1, discussion_ko=DISCUSSION_KO, decisions_ko=DECISIONS_KO)
    services.save_progress(us, minutes, _area(app, "B.4"), "at_risk", "Funding delayed.", narrative_ko="예산 지연.")
    complete_both_texts(app, committee, meeting_id)
    return minutes, section


def test_draft_minutes_are_read_as_they_stand_by_every_reader(app, committee, held_meeting):
    with app.app_context():
        minutes, section = _decided(app, committee, held_meeting)
        db.session.commit()
        for reader in ("us_observer", "kr_delegate", "us_secretariat"):
            record = recorded(person(committee, reader), [held_meeting])[held_meeting]
            assert not record.adopted and record.digest is None and record.minutes_status == "draft"
            assert {code: p.status for code, p in record.progress.items()} == {"A.1": "on_track", "B.4": "at_risk"}
            assert record.progress["B.4"].narrative_ko == "예산 지연."
            assert [(d.record_number, d.text, d.text_ko) for d in record.decisions] == [
                (4, DECISIONS[0], DECISIONS_KO[0]), (4, DECISIONS[1], DECISIONS_KO[1])]
            assert record.decisions[0].agenda_item_id == section.agenda_item_id
            assert "A.1" in record.decisions[0].areas


def test_adopted_minutes_are_read_from_their_latest_adopted_text(app, committee, held_meeting):
    with app.app_context():
        minutes, section = _decided(app, committee, held_meeting)
        us = person(committee, "us_secretariat")
        services.set_status(us, minutes, "circulated")
        services.adopt(person(committee, "us_co_chair"), minutes)
        services.adopt(person(committee, "kr_co_chair"), minutes)
        db.session.commit()
        reader = person(committee, "kr_observer")
        adopted = recorded(reader, [held_meeting])[held_meeting]
        assert adopted.adopted and adopted.digest == minutes.sha256
        assert adopted.progress["A.1"].narrative == "Testbeds shared."
        assert [d.text for d in adopted.decisions] == DECISIONS

        correction = services.propose_correction(us, minutes, {
            "records": [{"agenda_item_id": section.agenda_item_id, "decisions": DECISIONS,
                         "decisions_ko": ["7월까지 테스트베드 목록을 공유한다.", DECISIONS_KO[1]]}],
            "progress": [{"focus_area": "A.1", "narrative": "Testbeds shared in July.",
                          "narrative_ko": "7월에 테스트베드를 공유하였다."}]}, "기한 오기 수정")
        services.adopt_correction(person(committee, "us_co_chair"), correction)
        services.adopt_correction(person(committee, "kr_co_chair"), correction)
        db.session.commit()
        corrected = recorded(reader, [held_meeting])[held_meeting]
        assert corrected.digest == correction.sha256 != minutes.sha256
        assert corrected.progress["A.1"].narrative_ko == "7월에 테스트베드를 공유하였다."
        assert [d.text_ko for d in corrected.decisions][0] == "7월까지 테스트베드 목록을 공유한다."


def test_many_meetings_are_read_with_as_many_statements_as_one(app, committee, make_meeting):
    meetings = [make_meeting(ordinal=n, start_date=f"20{10 + n}-03-10", status="held") for n in (1, 2, 3)]
    with app.app_context():
        us = person(committee, "us_secretariat")
        for n, meeting_id in enumerate(meetings):
            minutes = services.open_minutes(us, get_meeting(meeting_id))
            section = services.ordered_sections(minutes)[3]
            services.save_section(us, section, DISCUSSION, DECISIONS[:1], 1)
            services.save_progress(us, minutes, _area(app, "A.1"), "on_track", f"Year {n}.")
        db.session.commit()
        reader = person(committee, "kr_delegate")

        def statements(ids):
            seen = []
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                found = recorded(reader, ids)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            return found, len(seen)

        one, few = statements(meetings[:1]), statements(meetings)
        assert few[1] == one[1] and len(few[0]) == 3
        assert [few[0][m].progress["A.1"].narrative for m in meetings] == ["Year 0.", "Year 1.", "Year 2."]
