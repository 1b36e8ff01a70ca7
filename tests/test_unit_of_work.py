"""One unit of work per request: what a request changed is stored when it succeeds, and nothing of it when it is
refused or fails; a request that only reads changes nothing; only the request's end and the command line commit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select, update

from jcm.accounts.models import Organization
from jcm.errors import Invalid
from jcm.extensions import csrf, db
from jcm.web import WriteWhileReading


def _add_routes(app):
    def rename(acronym: str, then_refuse: bool):
        organization = db.session.scalar(select(Organization).where(Organization.acronym == "NSF"))
        organization.name = f"Renamed by {acronym}"
        db.session.flush()  # as services do: the change is sent, not committed
        if then_refuse:
            raise Invalid("refused after the change was sent", field="name")
        return {"ok": True}

    def succeeds():
        return rename("a success", False)

    def refused():
        return rename("a refusal", True)

    def at_once():
        db.session.execute(update(Organization).where(Organization.acronym == "NSF").values(name="Renamed at once"))
        return {"ok": True}

    for view, methods in ((succeeds, ["GET", "POST"]), (refused, ["POST"]), (at_once, ["GET"])):
        app.add_url_rule(f"/_test/{view.__name__.replace('_', '-')}", view.__name__, csrf.exempt(view),
                         methods=methods)


def stored_name(app) -> str:
    with app.app_context():
        db.session.remove()
        return db.session.scalar(select(Organization.name).where(Organization.acronym == "NSF"))


def test_a_refused_request_leaves_nothing_and_a_successful_one_is_stored(app, client, committee):
    _add_routes(app)
    before = stored_name(app)
    assert client.post("/_test/refused").status_code == 422
    assert stored_name(app) == before
    assert client.post("/_test/succeeds").status_code == 200
    assert stored_name(app) == "Renamed by a success"


def test_a_request_that_only_reads_is_refused_any_change_and_stores_none(app, client, committee):
    _add_routes(app)
    before = stored_name(app)
    for method in ("GET", "HEAD"):
        for address in ("/_test/succeeds", "/_test/at-once"):
            with pytest.raises(WriteWhileReading, match=f"{method} {address} tried to"):
                client.open(address, method=method)
            assert stored_name(app) == before


def test_a_test_or_a_command_may_still_change_things_in_a_request_context_of_its_own(app, committee):
    with app.test_request_context("/"):  # a GET context, but no request is being served
        db.session.scalar(select(Organization).where(Organization.acronym == "NSF")).name = "Renamed by a script"
        db.session.commit()
    assert stored_name(app) == "Renamed by a script"


def test_only_the_request_boundary_and_the_command_line_commit():
    package = Path(__file__).resolve().parent.parent / "jcm"
    committing = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                        if re.search(r"db\.session\.commit\(\)", path.read_text("utf-8")))
    # The senders of e-mail (reminders; notifications, after the commit) run outside any request and claim what
    # they send in commits of their own.
    allowed = {"web.py", "cli.py", "accounts/cli.py", "mou/cli.py", "actions/reminders.py", "notifications/sending.py"}
    assert set(committing) <= allowed, set(committing) - allowed
    # Transactions of their own, outside any request's: bookkeeping — a token's last use (services), a sign-in's
    # last use (sessions), the count of failed sign-ins (throttle) and the audit trail's record of a refusal or a
    # failed sign-in, each of which stands whatever the request — and the backup and restore commands, which read the
    # whole database at one moment and load an archive in one transaction; and the commands that build the search's
    # index whole (`jcm search reindex`, and `jcm init` and `jcm restore` when a database has records and no index).
    apart = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                   if re.search(r"engine\.(begin|connect)\(", path.read_text("utf-8")))
    assert apart == ["accounts/services.py", "accounts/sessions.py", "accounts/throttle.py", "audit/services.py",
                     "backup.py", "cli.py", "search/cli.py"]
