"""The audit trail: every change to accounts, agreements and focus areas, readable by administrators."""

import re

from sqlalchemy import select

from jcm.audit.models import AuditEvent
from jcm.extensions import db
from tests.conftest import PASSWORD, post_form


def _events(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()


def test_account_changes_record_who_when_and_before_and_after(app, client, auth, committee):
    auth.login(committee.us_admin)
    page = f"/admin/users/{committee.us_observer.id}"
    post_form(client, page, {"name": "Olivia Park", "email": committee.us_observer.email, "side": "US",
                             "role": "delegate", "organization_id": "", "locale": "ko", "title": "Program Officer",
                             "active": "y", "version": "1"})
    (event,) = _events(app, "user.update")
    assert event.actor_id == committee.us_admin.id and event.at is not None
    assert event.object_type == "User" and event.object_id == committee.us_observer.id
    changes = {key: (before, after) for key, before, after in event.changes()}
    assert changes["role"] == ("observer", "delegate")
    assert changes["locale"] == (None, "ko")
    assert "name" not in changes


def test_creating_accounts_and_tokens_is_recorded_and_secrets_never_are(app, client, auth, committee):
    created = {e.object_id for e in _events(app, "user.create")}
    assert {p.id for p in committee.people} <= created
    auth.login(committee.kr_delegate)
    post_form(client, "/account", {"password-current_password": PASSWORD, "password-password": "another long secret",
                                   "password-confirm": "another long secret"})
    page = post_form(client, "/account", {"token-label": "reporting script"}).get_data(as_text=True)
    token = re.search(r'<code class="token">(jcm_[^<]+)</code>', page).group(1)
    assert _events(app, "user.password") and _events(app, "token.create")
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent)):
            text = f"{event.before} {event.after}"
            assert "another long secret" not in text and "password_hash" not in text and token not in text


def test_an_admin_reads_the_log_with_before_and_after(app, client, auth, committee):
    auth.login(committee.us_admin)
    url = f"/mou/{committee.agreement_id}"
    post_form(client, f"{url}/notice", {"notice_date": "2026-05-01", "side": "US", "version": "1"}, page=url)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "agreement.notice" in page and "2026-05-01" in page and "Alice Admin" in page
    filtered = client.get("/admin/audit?type=FocusArea").get_data(as_text=True)
    assert "<code>focus_area.create</code>" in filtered and "<code>agreement.notice</code>" not in filtered
    assert client.get("/admin/audit?page=2").status_code == 200
    assert client.get("/admin/audit?page=nonsense").status_code == 200


def test_only_admins_read_the_audit_log(client, auth, committee):
    auth.login(committee.kr_co_chair)
    assert client.get("/admin/audit").status_code == 403
