"""`jcm demo` loads a realistic committee someone can sign in to and try."""

import re

from sqlalchemy import func, select

from jcm.actions.models import ActionItem
from jcm.extensions import db
from jcm.meetings.models import Meeting
from jcm.minutes.models import Minutes
from tests.conftest import post_form


def test_the_demo_gives_every_role_on_both_sides_and_past_and_upcoming_meetings(app, runner, mou):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if "@demo." in line]
    roles = {(parts[0], parts[1]) for parts in lines}
    assert roles >= {(side, role) for side in ("US", "KR")
                     for role in ("admin", "secretariat", "co_chair", "delegate", "observer")}
    with app.app_context():
        statuses = set(db.session.scalars(select(Meeting.status)))
        assert statuses == {"minutes_adopted", "planning"}  # the first meeting's minutes are adopted
        assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 5
    side, role, email, password = lines[1][:4]
    assert (side, role) == ("US", "secretariat")
    client = app.test_client()
    assert post_form(client, "/login", {"email": email, "password": password}).status_code == 302
    assert "The 2nd Joint Committee Meeting" in client.get("/meetings").get_data(as_text=True)
    with app.app_context():
        sha256 = db.session.scalar(select(Minutes.sha256))
    assert client.get(f"/api/v1/verify/{sha256}").get_json()["match"] is True
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0 and "already loaded" in again.output


def test_the_demos_meetings_hold_both_texts_each_checked_by_the_side_answering_for_it(app, runner, mou):
    from jcm.bilingual import gaps, pairs
    from jcm.meetings.services import agenda_texts
    from jcm.minutes.services import minutes_for, minutes_texts

    assert runner.invoke(args=["demo"]).exit_code == 0
    hangul = re.compile(r"[\uac00-\ud7a3]")
    with app.app_context():
        for meeting in db.session.scalars(select(Meeting)):
            records = [weighed.obj for weighed in agenda_texts(meeting)]
            minutes = minutes_for(meeting)
            if minutes is not None:
                records += [weighed.obj for weighed in minutes_texts(minutes, meeting)]
            assert gaps(records) == [], meeting.ordinal  # nothing missing, stale or unchecked
            for obj in records:
                for pair in pairs(type(obj)):
                    english, korean = (getattr(obj, pair.field(language)) for language in ("en", "ko"))
                    english, korean = (" ".join(text) if isinstance(text, list) else text for text in (english, korean))
                    assert not hangul.search(english), (pair.english, english)  # the English text is English
                    assert not korean or hangul.search(korean), (pair.korean, korean)  # the Korean text Korean
        assert {minutes.status for minutes in db.session.scalars(select(Minutes))} == {"adopted"}
