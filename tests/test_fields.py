"""One declaration per field: what a column declares — its length, its vocabulary, whether it is required — is what
the database holds, what the API's document states, what a page's form refuses and what a service refuses, in the
same words; and a change to a declared field moves the version once and is audited once."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from jcm.extensions import db


def _models():
    return [mapper.class_ for mapper in db.Model.registry.mappers]


def test_every_declared_length_is_the_columns_own(app):
    from jcm.fields import declared

    for model in _models():
        for name, spec in declared(model).items():
            column = model.__table__.c[name]
            if spec.kind == "line":
                assert isinstance(column.type, String) and column.type.length == spec.max_length, (model, name)
            if spec.kind == "choice":
                assert all(len(value) <= column.type.length for value in spec.vocabulary), (model, name)


def test_the_api_document_states_the_declared_limits(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    create = schemas["ActionItemCreate"]
    assert create["properties"]["title"]["maxLength"] == 300
    assert create["properties"]["title_ko"]["maxLength"] == 300
    assert create["properties"]["status"]["enum"] == ["open", "in_progress", "done", "dropped"]
    assert {"title", "focus_area_id", "due_date", "owners"} <= set(create["required"])
    assert schemas["MeetingCreate"]["properties"]["ordinal"]["maximum"] == 999


def test_the_form_the_api_and_the_service_refuse_a_long_title_in_the_same_words(app, client, auth, api, committee,
                                                                                make_action_item):
    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, update_action_item
    from jcm.errors import Invalid
    from tests.conftest import post_form

    item = make_action_item()
    message = "Action may be at most 300 characters."
    with app.app_context(), pytest.raises(Invalid, match=message):
        update_action_item(get_user(committee.us_secretariat.id), get_action_item(item), {"title": "x" * 301})
    auth.login(committee.us_secretariat)
    with app.app_context():
        stored = get_action_item(item)
        fields = {"title": "x" * 301, "focus_area_id": stored.focus_area_id, "due_date": "2027-06-30",
                  "status": "open", "owners_us": [f"user:{committee.us_delegate.id}"],
                  "owners_kr": [f"user:{committee.kr_delegate.id}"], "version": stored.version}
    page = post_form(client, f"/action-items/{item}/edit", fields)
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    refused = api.client.patch(f"/api/v1/action-items/{item}", headers=api.headers(committee.us_secretariat),
                               json={"title": "x" * 301})
    assert refused.status_code == 422


def test_a_change_moves_the_version_once_and_is_audited_once_and_no_change_does_neither(app, committee,
                                                                                        make_action_item):
    from sqlalchemy import select

    from jcm.accounts.services import get_user
    from jcm.actions.services import get_action_item, update_action_item
    from jcm.audit.models import AuditEvent

    item = make_action_item()

    def edit(**fields):
        with app.app_context():
            update_action_item(get_user(committee.us_secretariat.id), get_action_item(item), fields)
            db.session.commit()
            found = get_action_item(item)
            events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "action_item.update",
                                                                 AuditEvent.object_id == item)).all()
            return found.version, len(events), events[-1] if events else None

    version, count, last = edit(title="Exchange the inventories", description="Twice a year.", title_ko="목록 교환")
    assert (version, count) == (2, 1)
    assert last.before["title"] == "Exchange AI-ready dataset inventories"
    assert last.after["title"] == "Exchange the inventories" and last.after["title_ko"] == "목록 교환"
    assert edit(title="Exchange the  inventories ")[:2] == (2, 1)  # the same line once its spaces are collapsed


def test_a_rule_between_fields_that_refuses_leaves_the_record_as_it_was(app, committee, make_meeting):
    from jcm.accounts.services import get_user
    from jcm.errors import Invalid
    from jcm.meetings.services import get_meeting, update_meeting

    meeting_id = make_meeting(ordinal=30, start_date="2027-09-01")
    with app.app_context():
        meeting = get_meeting(meeting_id)
        with pytest.raises(Invalid, match="cannot end"):
            update_meeting(get_user(committee.us_secretariat.id), meeting,
                           {"venue": "Sejong", "end_date": "2027-08-01"})
        assert (meeting.venue, meeting.end_date.isoformat()) != ("Sejong", "2027-08-01")
        assert meeting.end_date.isoformat() == "2027-09-01"
