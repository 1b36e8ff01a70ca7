"""Sign-ins end on the server: signing out, signing out everywhere, an idle time and an absolute lifetime. A copy of
a browser's cookies taken before is refused after, and the cookies are made for a browser only."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from jcm import create_app
from jcm.accounts.models import SignInSession
from jcm.extensions import db
from jcm.models import utcnow
from tests.conftest import PASSWORD, Auth, app_config, close_database, post_form

SESSION, REMEMBER, DEVICE = "session", "remember_token", "jcm_device"


def sign_in(app, person, remember: bool = False, address: str = "127.0.0.1"):
    """A browser of its own, signed in through the real sign-in form."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    data = {"email": person.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert post_form(browser, "/login", data).status_code == 302
    return browser


def copy_of(app, browser, *names: str):
    """Another browser holding a copy of the named cookies, as someone who copied them would."""
    thief = app.test_client()
    for name in names:
        cookie = browser.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value)
    return thief


def signed_in(browser) -> bool:
    response = browser.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


def sessions_of(app, person) -> list[SignInSession]:
    with app.app_context():
        return list(db.session.scalars(select(SignInSession).where(SignInSession.user_id == person.id)
                                       .order_by(SignInSession.id)))


def move_clock(app, person, **back) -> None:
    """As if time had passed: the person's sign-ins began and were last used that much earlier."""
    with app.app_context():
        for record in db.session.scalars(select(SignInSession).where(SignInSession.user_id == person.id)):
            for column, delta in back.items():
                setattr(record, column, getattr(record, column) - delta)
        db.session.commit()


# --- signing out ---------------------------------------------------------------------------------------

def test_a_session_cookie_replayed_after_signing_out_is_refused(app, committee, held_meeting):
    browser = sign_in(app, committee.us_secretariat)
    copy = copy_of(app, browser, SESSION)
    assert signed_in(copy)  # the copy works while the sign-in holds ...

    Auth(browser).logout()
    assert not signed_in(browser)
    assert not signed_in(copy)  # ... and not after: the server has ended it
    # A document asked for by a program with the copied cookie: 401, not the document.
    response = copy.get(f"/meetings/{held_meeting}/agenda.pdf", headers={"Accept": "application/pdf"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    [record] = sessions_of(app, committee.us_secretariat)
    assert record.ended_at is not None


def test_a_remembered_sign_in_ends_on_the_server_too(app, committee):
    browser = sign_in(app, committee.kr_co_chair, remember=True)
    remembered = copy_of(app, browser, REMEMBER)  # a browser reopened with only the remember cookie
    assert signed_in(remembered)

    Auth(browser).logout()
    assert browser.get_cookie(REMEMBER) is None  # the browser forgets it ...
    assert not signed_in(remembered)  # ... and a copy of it is refused by the server


def test_a_cookie_of_the_old_form_or_a_forged_key_names_no_sign_in(app, client, committee):
    with client.session_transaction() as session:
        session["_user_id"] = f"{committee.us_admin.id}:0"  # what a session held before sign-ins were kept
    assert not signed_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = "x" * 5000
    assert not signed_in(client)


# --- idle time and lifetime ----------------------------------------------------------------------------

def test_a_sign_in_ends_after_30_minutes_without_use(app, committee):
    browser = sign_in(app, committee.us_delegate)
    move_clock(app, committee.us_delegate, last_seen_at=timedelta(minutes=29))
    assert signed_in(browser)  # used within the idle time: it holds, and its last use is now
    [record] = sessions_of(app, committee.us_delegate)
    assert utcnow() - record.last_seen_at < timedelta(minutes=1)

    move_clock(app, committee.us_delegate, last_seen_at=timedelta(minutes=30))
    response = browser.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your sign-in has expired. Please sign in again." in page
    assert not signed_in(browser)  # using it again does not bring it back


def test_a_sign_in_ends_12_hours_after_it_began_however_much_it_is_used(app, committee):
    browser = sign_in(app, committee.kr_secretariat, remember=True)
    move_clock(app, committee.kr_secretariat, created_at=timedelta(hours=11, minutes=58))
    assert signed_in(browser)
    move_clock(app, committee.kr_secretariat, created_at=timedelta(minutes=2))
    assert not signed_in(browser)
    assert not signed_in(copy_of(app, browser, REMEMBER))  # "keep me signed in" does not outlive it


def test_the_idle_time_and_the_lifetime_are_settings(app, committee):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_LIFETIME_HOURS=1)
    browser = sign_in(app, committee.us_observer)
    move_clock(app, committee.us_observer, last_seen_at=timedelta(minutes=6))
    assert not signed_in(browser)
    other = sign_in(app, committee.us_observer)
    move_clock(app, committee.us_observer, created_at=timedelta(minutes=61))
    assert not signed_in(other)


def test_reading_pages_keeps_the_last_use_apart_and_at_most_once_a_minute(app, committee):
    browser = sign_in(app, committee.us_co_chair)
    [before] = sessions_of(app, committee.us_co_chair)
    assert signed_in(browser) and signed_in(browser)
    [after] = sessions_of(app, committee.us_co_chair)
    assert after.last_seen_at == before.last_seen_at  # within the minute: nothing written


def test_an_expired_sign_in_leads_the_minutes_editor_to_sign_in_and_back_with_its_text_kept(
        app, committee, held_meeting):
    """The minutes editor keeps typed text in the browser (tests/browser/test_minutes_editor.py) and, as every form
    does, on the server: a sign-in ended on the server sends the save where an expired cookie does, to sign in and
    back to the section, with the text in it."""
    from jcm.accounts.services import get_user
    from jcm.meetings.services import get_meeting
    from jcm.minutes import services

    with app.app_context():
        minutes = services.open_minutes(get_user(committee.us_secretariat.id), get_meeting(held_meeting))
        section_id = services.ordered_sections(minutes)[0].id
        db.session.commit()
    browser = sign_in(app, committee.us_secretariat)
    page = f"/meetings/{held_meeting}/minutes"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      browser.get(page).get_data(as_text=True)).group(1)
    move_clock(app, committee.us_secretariat, last_seen_at=timedelta(minutes=45))

    response = browser.post(f"/minutes/sections/{section_id}", data={
        "csrf_token": token, "discussion": "Typed while the sign-in ran out.", "decisions": "", "version": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert f"section-{section_id}" in response.headers["Location"]
    login_page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Your sign-in expired; what you typed has been kept. Sign in again, then check it and save it again."
            in login_page)
    with app.app_context():
        assert services.get_section(section_id).discussion == ""  # nothing saved without a sign-in

    again = post_form(browser, response.headers["Location"], {"email": committee.us_secretariat.email,
                                                              "password": PASSWORD})
    assert again.headers["Location"].startswith(page)
    # Kept on the server too (tests/test_kept_forms.py): back in the section's form, even without JavaScript.
    assert "Typed while the sign-in ran out." in browser.get(again.headers["Location"]).get_data(as_text=True)


# --- signing out everywhere ----------------------------------------------------------------------------

def test_signing_out_everywhere_ends_every_browsers_sign_in_but_not_the_api_tokens(app, committee, api):
    office = sign_in(app, committee.kr_co_chair, address="192.0.2.10")
    laptop = sign_in(app, committee.kr_co_chair, remember=True, address="198.51.100.20")
    reopened = copy_of(app, laptop, REMEMBER)
    token = api.token(committee.kr_co_chair)

    page = office.get("/account").get_data(as_text=True)
    assert "192.0.2.10" in page and "198.51.100.20" in page and "(this browser)" in page
    assert "Your API tokens are not affected" in page

    response = post_form(office, "/account/sign-out-everywhere", {}, page="/account")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "You have been signed out everywhere." in office.get("/login").get_data(as_text=True)
    assert not signed_in(office) and not signed_in(laptop) and not signed_in(reopened)
    assert all(record.ended_at is not None for record in sessions_of(app, committee.kr_co_chair))
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert signed_in(sign_in(app, committee.kr_co_chair))  # and one signs in again as before


def test_signing_out_everywhere_needs_its_form_token(app, committee):
    browser = sign_in(app, committee.us_admin)
    assert browser.post("/account/sign-out-everywhere").status_code == 400  # no form token: refused
    assert signed_in(browser)


def test_a_deactivated_account_is_signed_out_everywhere(app, committee):
    browser = sign_in(app, committee.kr_observer)
    admin = sign_in(app, committee.kr_admin)
    from jcm.accounts.services import get_user

    with app.app_context():
        version = get_user(committee.kr_observer.id).version
    data = {"name": committee.kr_observer.name, "email": committee.kr_observer.email, "title": "", "side": "KR",
            "organization_id": "", "role": "observer", "locale": "", "password": "", "version": str(version)}
    assert post_form(admin, f"/admin/users/{committee.kr_observer.id}", data).status_code == 302  # active unticked
    assert not signed_in(browser)
    assert all(record.ended_at is not None for record in sessions_of(app, committee.kr_observer))


# --- the cookies ---------------------------------------------------------------------------------------

def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def _signed_in_cookies(app, person) -> dict[str, str]:
    browser = app.test_client()
    response = post_form(browser, "/login", {"email": person.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    return _set_cookies(response)


def test_cookies_are_http_only_and_same_site_lax_and_not_secure_over_http(app, committee):
    assert app.config["BASE_URL"].startswith("http://")
    cookies = _signed_in_cookies(app, committee.us_secretariat)
    assert set(cookies) == {SESSION, REMEMBER, DEVICE}
    for name, header in cookies.items():
        assert "HttpOnly" in header and "SameSite=Lax" in header, header
        assert "Secure" not in header, header


def test_cookies_are_secure_when_jcm_is_served_over_https(app, committee, database_url, tmp_path):
    served = create_app(app_config(database_url, tmp_path / "https", BASE_URL="https://jcm.example.gov"))
    try:
        cookies = _signed_in_cookies(served, committee.kr_secretariat)
    finally:
        close_database(served)
    assert set(cookies) == {SESSION, REMEMBER, DEVICE}
    for name, header in cookies.items():
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, header


def test_what_a_browser_sends_about_itself_is_kept_printable(app, committee):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0\x00\x07 (X11)"
    assert post_form(browser, "/login", {"email": committee.us_admin.email, "password": PASSWORD}).status_code == 302
    [record] = sessions_of(app, committee.us_admin)
    assert record.user_agent == "Mozilla/5.0 (X11)" and record.address == "127.0.0.1"


def test_changing_ones_password_keeps_this_browser_remembered_and_ends_the_others(app, committee):
    browser = sign_in(app, committee.us_delegate, remember=True)
    other = sign_in(app, committee.us_delegate, remember=True)
    new = "a new long password"
    response = post_form(browser, "/account", {"password-current_password": PASSWORD, "password-password": new,
                                               "password-confirm": new})
    assert response.status_code == 302
    assert not signed_in(other) and not signed_in(copy_of(app, other, REMEMBER))
    assert signed_in(copy_of(app, browser, REMEMBER))  # the browser reopened later is still signed in
