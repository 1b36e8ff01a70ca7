"""Browser tests: the app served over real HTTP in a thread, driven by Debian's Chromium through Playwright.

Playwright's own browser downloads are never used (`playwright install` is not needed): the tests launch
/usr/bin/chromium, and are skipped, with the reason, when it is not installed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, Person, close_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 5_000  # everything here is local: a step that takes longer is a failure, not a slow machine


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def read_whole(app):
    """Each answer read (and its iterable closed) before a byte is sent.

    Werkzeug's development server skips the iterable's close() when the browser hangs up while it drains the
    socket, and a static file's handle would then be left for the garbage collector to close in a later test.
    """

    def whole(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return whole


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app (and its database) behind a real HTTP server on a free port, in a background thread."""
    server = make_server("127.0.0.1", 0, read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="jcm-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()  # also waits for the request threads
        thread.join(timeout=10)
        close_database(app)


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable]:
    """Makes browser contexts on the live server; all are closed before the server stops."""
    contexts = []

    def make(**options):
        options = {"base_url": live_server, "locale": "en-US", "viewport": {"width": 1280, "height": 1400},
                   **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def sign_in(page, person: Person, password: str = PASSWORD) -> None:
    """Through the real sign-in form, as a person would."""
    page.goto("/login")
    page.fill("input[name=email]", person.email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login" not in page.url, f"sign-in failed for {person.email}"
