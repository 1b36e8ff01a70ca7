"""Accounts: the first administrator, signing in and out, and administrators managing accounts."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from jcm import create_app
from jcm.accounts.models import Organization, User
from jcm.extensions import db
from tests.conftest import PASSWORD, post_form


def _user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


# --- the first administrator --------------------------------------------------------------------------

def test_a_new_installation_leads_every_page_to_the_setup_of_the_first_administrator(client, mou):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/setup")
    assert client.get("/login").headers["Location"].endswith("/setup")
    assert "Set up JCM" in client.get("/setup").get_data(as_text=True)


def test_the_first_administrator_is_created_and_signed_in_and_setup_is_gone(app, client, mou):
    response = post_form(client, "/setup", {"name": "Alice Admin", "email": "Alice@State.example.gov",
                                            "side": "US", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user = _user(app, "alice@state.example.gov")
    assert user.role == "admin" and user.side == "US"
    assert client.get("/setup").status_code == 404
    assert app.test_client().get("/setup").status_code == 404


def test_setup_with_a_short_password_keeps_what_was_typed(client, mou):
    response = post_form(client, "/setup", {"name": "김서연", "email": "sy.kim@msit.example.go.kr", "side": "KR",
                                            "password": "short", "confirm": "short"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "at least 10 characters" in page
    assert 'value="김서연"' in page and 'value="sy.kim@msit.example.go.kr"' in page


def test_passwords_are_hashed_with_a_slow_kdf_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("JCM_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.test_request_context():
        from jcm.accounts.services import hash_password

        assert hash_password(PASSWORD).startswith("scrypt:")


# --- signing in -----------------------------------------------------------------------------------------

def test_a_delegate_signs_in_and_out(client, auth, committee):
    response = auth.login(committee.kr_delegate)
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "What needs you" in home and "/my-action-items" in home  # a delegate starts from what they owe
    assert "박지훈" in client.get("/my-action-items").get_data(as_text=True)
    auth.logout()
    assert client.get("/").status_code == 302


def test_the_email_is_matched_whatever_its_case(client, auth, committee):
    assert auth.login(committee.us_secretariat.email.upper()).status_code == 302


def test_a_wrong_password_is_refused_with_a_clear_message(client, auth, committee):
    response = auth.login(committee.us_delegate, password="not the password")
    assert response.status_code == 401
    assert "e-mail address or password is not correct" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_an_unknown_account_gets_the_same_answer_as_a_wrong_password(auth, committee):
    response = auth.login("nobody@example.gov")
    assert response.status_code == 401
    assert "e-mail address or password is not correct" in response.get_data(as_text=True)


def test_repeated_failures_slow_the_next_attempt_instead_of_locking_the_account(app, auth, committee):
    """Past the free failures, the next attempt from a browser the account has not signed in from waits: even the
    right password, for now. The wait is seconds, not a lock, and passes by itself."""
    from jcm.accounts.models import SignInThrottle

    for _attempt in range(app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]):
        assert auth.login(committee.kr_secretariat, password="guess").status_code == 401
    response = auth.login(committee.kr_secretariat)
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert "Too many failed sign-in attempts. Wait 2 seconds before trying again." in response.get_data(as_text=True)
    with app.app_context():  # the two seconds pass
        for count in db.session.scalars(select(SignInThrottle)):
            count.last_failure_at -= timedelta(seconds=2)
        db.session.commit()
    assert auth.login(committee.kr_secretariat).status_code == 302


def test_a_form_without_its_csrf_token_is_refused(client, committee):
    response = client.post("/login", data={"email": committee.us_admin.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_after_sign_in_only_a_local_page_is_followed(client, committee):
    token_page = "/login?next=//evil.example.com/"
    response = post_form(client, token_page, {"email": committee.us_admin.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_signing_in_returns_to_the_page_asked_for(client, committee):
    response = client.get("/account")
    assert response.status_code == 302 and "next=" in response.headers["Location"]
    response = post_form(client, "/login?next=/account", {"email": committee.us_observer.email,
                                                          "password": PASSWORD})
    assert response.headers["Location"] == "/account"


# --- one's own account ----------------------------------------------------------------------------------

def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(app, auth, client, committee):
    other = app.test_client()
    post_form(other, "/login", {"email": committee.us_delegate.email, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    auth.login(committee.us_delegate)
    wrong = post_form(client, "/account", {"password-current_password": "wrong", "password-password": "a new long password",
                                           "password-confirm": "a new long password"})
    assert wrong.status_code == 422 and "current password is not correct" in wrong.get_data(as_text=True)
    right = post_form(client, "/account", {"password-current_password": PASSWORD,
                                           "password-password": "a new long password",
                                           "password-confirm": "a new long password"})
    assert right.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    assert other.get("/account").status_code == 302  # the other one has ended


def test_a_delegate_sets_a_title_and_korean_as_language(app, auth, client, committee):
    auth.login(committee.kr_delegate)
    response = post_form(client, "/account", {"profile-name": "박지훈", "profile-title": "책임연구원",
                                              "profile-locale": "ko", "profile-version": "1"})
    assert response.status_code == 302
    user = _user(app, committee.kr_delegate.email)
    assert (user.title, user.locale) == ("책임연구원", "ko")


def test_an_account_is_checked_against_its_declared_fields_and_a_refusal_changes_nothing(app, committee):
    from jcm.accounts import services
    from jcm.audit.models import AuditEvent
    from jcm.errors import Invalid

    with app.app_context():
        admin, user = services.get_user(committee.us_admin.id), services.get_user(committee.kr_delegate.id)
        for data, message in (({"locale": "fr"}, "“fr” is not a language: use en, ko."),
                              ({"name": "   "}, "Name is required."),
                              ({"title": "x" * 201}, "Title or position may be at most 200 characters."),
                              ({"role": "emperor"}, "“emperor” is not a role: use admin, secretariat, co_chair, "
                                                    "delegate, observer."),
                              ({"active": "perhaps"}, "Active must be true or false.")):
            with pytest.raises(Invalid) as refused:
                services.update_user(admin, user, {"name": user.name, **data}, expected_version=1)
            assert refused.value.message == message and refused.value.field == next(iter(data))
            db.session.rollback()
        user = services.get_user(committee.kr_delegate.id)
        assert (user.locale, user.role, user.version) == (None, "delegate", 1)
        services.update_user(admin, user, {"name": f"  {user.name} ", "title": ""}, expected_version=1)
        assert user.version == 1  # the same name, spaces aside: nothing changed, nothing recorded
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update")) is None
        services.update_user(admin, user, {"active": False}, expected_version=1)
        assert (user.active, user.version, user.session_epoch) == (False, 2, 1)


# --- administration -------------------------------------------------------------------------------------

def _org_id(app, acronym):
    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.acronym == acronym))


def new_account(client, **fields):
    data = {"name": "Grace Hopper", "email": "g.hopper@nsf.example.gov", "title": "", "side": "US",
            "organization_id": "", "role": "delegate", "locale": "", "active": "y", "password": PASSWORD}
    data.update(fields)
    return post_form(client, "/admin/users/new", data)


def test_an_administrator_creates_an_account_that_can_sign_in(app, auth, client, committee):
    auth.login(committee.us_admin)
    response = new_account(client, organization_id=str(_org_id(app, "NSF")))
    assert response.status_code == 302
    user = _user(app, "g.hopper@nsf.example.gov")
    assert user.organization.acronym == "NSF" and user.role == "delegate"
    assert post_form(app.test_client(), "/login", {"email": "G.Hopper@nsf.example.gov",
                                                   "password": PASSWORD}).status_code == 302


def test_a_duplicate_email_in_another_case_is_refused_and_the_form_kept(auth, client, committee):
    auth.login(committee.us_admin)
    response = new_account(client, email=committee.us_secretariat.email.upper(), name="Sam Again")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"An account with the e-mail address {committee.us_secretariat.email} already exists." in page
    assert 'value="Sam Again"' in page


def test_an_agency_of_the_other_side_is_refused(app, auth, client, committee):
    auth.login(committee.kr_admin)
    response = new_account(client, side="KR", organization_id=str(_org_id(app, "NSF")))
    assert response.status_code == 422
    assert "is an agency of the other side" in response.get_data(as_text=True)


def test_hangul_and_markup_in_names_are_kept_and_shown_as_text(app, auth, client, committee):
    auth.login(committee.kr_admin)
    name = '<script>alert("x")</script> 김민지'
    assert new_account(client, name=name, side="KR", email="mj.kim@msit.example.go.kr").status_code == 302
    assert _user(app, "mj.kim@msit.example.go.kr").name == name
    page = client.get("/admin/users").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 김민지" in page
    assert "<script>alert" not in page


def test_a_bad_email_side_or_role_is_refused(auth, client, committee):
    auth.login(committee.us_admin)
    assert new_account(client, email="not-an-address").status_code == 422
    assert new_account(client, side="JP").status_code == 422
    assert new_account(client, role="emperor").status_code == 422


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(app, auth, client, committee, api):
    victim = app.test_client()
    post_form(victim, "/login", {"email": committee.us_delegate.email, "password": PASSWORD})
    assert victim.get("/meetings").status_code == 200
    assert api.get("/api/v1/me", committee.us_delegate).status_code == 200
    auth.login(committee.us_admin)
    page = f"/admin/users/{committee.us_delegate.id}"
    form = client.get(page).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    response = post_form(client, page, {"name": committee.us_delegate.name, "email": committee.us_delegate.email,
                                        "side": "US", "role": "delegate", "organization_id": "", "locale": "",
                                        "title": "", "version": version})  # "active" unticked
    assert response.status_code == 302
    assert victim.get("/meetings").status_code == 302
    refused = post_form(app.test_client(), "/login", {"email": committee.us_delegate.email, "password": PASSWORD})
    assert "deactivated" in refused.get_data(as_text=True)
    assert api.get("/api/v1/me", committee.us_delegate).status_code == 401


def test_a_stale_account_edit_is_a_conflict_that_keeps_both_versions(app, auth, client, committee):
    auth.login(committee.us_admin)
    page = f"/admin/users/{committee.kr_delegate.id}"
    base = {"email": committee.kr_delegate.email, "side": "KR", "role": "delegate", "organization_id": "",
            "locale": "", "title": "", "active": "y", "version": "1"}
    assert post_form(client, page, {**base, "name": "박지훈 (first)"}).status_code == 302
    response = post_form(client, page, {**base, "name": "박지훈 (second)"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Someone else changed this account meanwhile" in text
    assert "박지훈 (first)" in text and 'value="박지훈 (second)"' in text
    assert _user(app, committee.kr_delegate.email).name == "박지훈 (first)"


def test_an_administrator_cannot_deactivate_themself(auth, client, committee):
    auth.login(committee.us_admin)
    page = f"/admin/users/{committee.us_admin.id}"
    response = post_form(client, page, {"name": "Alice Admin", "email": committee.us_admin.email, "side": "US",
                                        "role": "admin", "organization_id": "", "locale": "", "title": "",
                                        "version": "1"})
    assert response.status_code == 422
    assert "cannot deactivate your own account" in response.get_data(as_text=True)


def test_people_who_are_not_administrators_cannot_manage_accounts(client, auth, committee):
    auth.login(committee.kr_secretariat)
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{committee.us_delegate.id}").status_code == 403
    response = new_account(client)
    assert response.status_code == 403


def test_an_unknown_account_id_is_a_404(client, auth, committee):
    auth.login(committee.us_admin)
    assert client.get("/admin/users/999999").status_code == 404


def test_the_cli_creates_an_account_from_a_script(app, runner, mou):
    result = runner.invoke(args=["users", "create", "--email", "Kim@MSIT.example.go.kr", "--name", "김서연",
                                 "--side", "KR", "--role", "secretariat", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = _user(app, "kim@msit.example.go.kr")
    assert user.name == "김서연" and user.role == "secretariat"
    again = runner.invoke(args=["users", "create", "--email", "KIM@msit.example.go.kr", "--name", "Again",
                                "--side", "KR", "--role", "delegate", "--password-stdin"], input=PASSWORD + "\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["users", "create", "--email", "x@example.gov", "--name", "X", "--side", "US",
                                "--role", "observer", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
