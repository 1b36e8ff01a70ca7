"""Failed sign-ins slow down whoever makes them and never lock an account: a client spraying passwords over many
accounts waits longer and longer; a co-chair whose account is being guessed from elsewhere still signs in from their
own browser on adoption day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jcm import create_app
from jcm.accounts.models import SignInThrottle
from jcm.extensions import db
from tests.conftest import PASSWORD, Auth, app_config, close_database, post_form

SPRAYER = "203.0.113.66"


def browser_at(app, address: str):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def attempt(browser, email: str, password: str):
    return post_form(browser, "/login", {"email": email, "password": password})


def time_passes(app, seconds: float) -> None:
    """As if that long had passed since every failure counted."""
    with app.app_context():
        for count in db.session.scalars(select(SignInThrottle)):
            count.last_failure_at -= timedelta(seconds=seconds)
        db.session.commit()


def waits_about(answer, seconds: int) -> bool:
    """Refused with a wait of `seconds` from the last failure counted: less the moments the test took since."""
    return answer.status_code == 429 and seconds - 60 < int(answer.headers["Retry-After"]) <= seconds


def test_a_client_spraying_passwords_over_many_accounts_is_slowed_more_and_more(app, committee):
    sprayer = browser_at(app, SPRAYER)
    targets = [person.email for person in committee.people] + ["nobody@state.example.gov"]
    free = app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"]
    assert free == 10
    for email in targets[:free]:  # one guess per account: no account is tried twice
        assert attempt(sprayer, email, "Spring2027!").status_code == 401

    refused = attempt(sprayer, targets[free], "Spring2027!")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    page = refused.get_data(as_text=True)
    assert "Too many failed sign-in attempts. Wait 2 seconds before trying again." in page
    assert f'value="{targets[free]}"' in page  # the sign-in form again, with the name typed kept
    # While it waits, even a right password from that address is not tried.
    assert attempt(sprayer, committee.us_observer.email, PASSWORD).status_code == 429

    time_passes(app, 2)
    assert attempt(sprayer, targets[free], "Summer2027!").status_code == 401
    assert attempt(sprayer, targets[0], "Autumn2027!").headers["Retry-After"] == "4"  # and the wait grows
    time_passes(app, 4)
    assert attempt(sprayer, targets[1], "Winter2027!").status_code == 401
    assert attempt(sprayer, targets[2], "x").headers["Retry-After"] == "8"

    # Each account was tried only once or twice: their owners, elsewhere, are not slowed at all.
    elsewhere = browser_at(app, "192.0.2.44")
    assert attempt(elsewhere, committee.us_observer.email, PASSWORD).status_code == 302


def test_the_wait_is_capped_and_forgotten_after_a_quiet_hour(app, committee):
    sprayer = browser_at(app, SPRAYER)
    for number in range(40):
        time_passes(app, 3600 * 0.9)  # each time waiting long enough, never quiet for an hour
        assert attempt(sprayer, f"guess{number}@state.example.gov", "x").status_code == 401
    refused = attempt(sprayer, "guess@state.example.gov", "x")
    assert waits_about(refused, 900)
    assert "Wait 15 minutes before trying again." in refused.get_data(as_text=True)
    time_passes(app, 3600)
    assert attempt(sprayer, committee.kr_delegate.email, PASSWORD).status_code == 302


def test_a_targeted_co_chair_still_signs_in_from_their_own_browser(app, committee):
    co_chair = committee.kr_co_chair
    own = browser_at(app, "198.51.100.7")
    assert attempt(own, co_chair.email, PASSWORD).status_code == 302  # an earlier day: this browser is known
    Auth(own).logout()

    # Adoption day: the co-chair's account is guessed at from many addresses, one of them the hotel's.
    for number in range(1, 31):
        time_passes(app, 900)  # patiently, each time after the wait
        assert attempt(browser_at(app, f"203.0.113.{number}"), co_chair.email, "guess").status_code == 401
    for number in range(20):
        attempt(browser_at(app, SPRAYER), f"someone{number}@msit.example.go.kr", "guess")

    # A browser the account never signed in from is slowed, whatever its address ...
    stranger = attempt(browser_at(app, "192.0.2.99"), co_chair.email, PASSWORD)
    assert waits_about(stranger, 900)
    # ... while the co-chair's own browser signs in at once, even from the address the guesses came from.
    own.environ_base["REMOTE_ADDR"] = SPRAYER
    assert attempt(own, co_chair.email, PASSWORD).status_code == 302
    assert own.get("/account").status_code == 200


def test_a_known_browser_is_counted_on_its_own_and_a_forged_one_is_not_known(app, committee):
    co_chair = committee.us_co_chair
    own = browser_at(app, "198.51.100.8")
    assert attempt(own, co_chair.email, PASSWORD).status_code == 302
    Auth(own).logout()
    for _typo in range(app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]):
        assert attempt(own, co_chair.email, "typo").status_code == 401
    assert attempt(own, co_chair.email, PASSWORD).status_code == 429  # its own failures slow it

    forged = browser_at(app, "192.0.2.5")
    forged.set_cookie("jcm_device", own.get_cookie("jcm_device").value[:-4] + "AAAA")
    for _guess in range(app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]):
        attempt(forged, committee.kr_co_chair.email, "guess")
    assert attempt(forged, committee.kr_co_chair.email, PASSWORD).status_code == 429

    # A browser known to one account is a stranger to another: someone's own account gives no way around.
    delegate = browser_at(app, "192.0.2.6")
    assert attempt(delegate, committee.kr_delegate.email, PASSWORD).status_code == 302
    Auth(delegate).logout()
    refused = attempt(delegate, committee.kr_co_chair.email, "guess")
    assert refused.status_code == 429


def test_the_policy_is_set_in_the_configuration(app, committee):
    app.config.update(LOGIN_FREE_FAILURES_PER_ACCOUNT=2, LOGIN_MAX_DELAY_SECONDS=3)
    browser = browser_at(app, "192.0.2.7")
    for _guess in range(2):
        assert attempt(browser, committee.us_delegate.email, "guess").status_code == 401
    assert attempt(browser, committee.us_delegate.email, PASSWORD).headers["Retry-After"] == "2"
    time_passes(app, 2)
    attempt(browser, committee.us_delegate.email, "guess")
    assert attempt(browser, committee.us_delegate.email, PASSWORD).headers["Retry-After"] == "3"  # the cap


def test_failures_are_counted_in_the_database_so_every_worker_sees_them(app, committee, database_url, tmp_path):
    other_worker = create_app(app_config(database_url, tmp_path / "worker-2"))
    try:
        for _guess in range(app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]):
            assert attempt(browser_at(app, "192.0.2.8"), committee.us_admin.email, "guess").status_code == 401
        response = attempt(browser_at(other_worker, "192.0.2.9"), committee.us_admin.email, PASSWORD)
        assert response.status_code == 429
    finally:
        close_database(other_worker)


def test_a_deactivated_account_is_told_so_only_with_the_right_password_and_nothing_is_locked(app, committee):
    from jcm.accounts.services import get_user

    with app.app_context():
        get_user(committee.kr_observer.id).active = False
        db.session.commit()
    browser = browser_at(app, "192.0.2.10")
    wrong = attempt(browser, committee.kr_observer.email, "guess")
    assert wrong.status_code == 401 and "not correct" in wrong.get_data(as_text=True)
    right = attempt(browser, committee.kr_observer.email, PASSWORD)
    assert right.status_code == 401 and "deactivated" in right.get_data(as_text=True)
