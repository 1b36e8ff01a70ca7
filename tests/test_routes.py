"""Every route of the application refuses a visitor who has not signed in, except the few that are public by
design; the walk goes over the URL map itself, so a new route is covered the day it is added."""

from __future__ import annotations

import re

import pytest

# Public by design: signing in and the first administrator, the language switch, the health check, the static
# files, a calendar feed (its secret token is in its address), verification of a copy, and the API's description.
PUBLIC = {"static", "healthz", "accounts.login", "accounts.setup", "i18n.set_locale", "verification.verify",
          "feeds.calendar_feed", "api_verify.verify_digest", "api-docs.openapi_json"}
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
