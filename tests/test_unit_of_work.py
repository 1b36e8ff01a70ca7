"""One unit of work per request: what a request changed is stored when it succeeds, and nothing of it when it is
refused or fails; only the request's end and the command line commit."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from jcm.accounts.models import Organization
from jcm.errors import Invalid
from jcm.extensions import db


def _add_routes(app):
    def rename(acronym: str, then_refuse: bool):
        organization = db.session.scalar(select(Organization).where(Organization.acronym == "NSF"))
        organization.name = f"Renamed by {acronym}"
        db.session.flush()  # as services do: the change is sent, not committed
        if then_refuse:
            raise Invalid("refused after the change was sent", field="name")
        return {"ok": True}

    app.add_url_rule("/_test/succeeds", "succeeds", lambda: rename("a success", False))
    app.add_url_rule("/_test/refused", "refused", lambda: rename("a refusal", True))


def stored_name(app) -> str:
    with app.app_context():
        db.session.remove()
        return db.session.scalar(select(Organization.name).where(Organization.acronym == "NSF"))


def test_a_refused_request_leaves_nothing_and_a_successful_one_is_stored(app, client, committee):
    _add_routes(app)
    before = stored_name(app)
    assert client.get("/_test/refused").status_code == 422
    assert stored_name(app) == before
    assert client.get("/_test/succeeds").status_code == 200
    assert stored_name(app) == "Renamed by a success"


def test_only_the_request_boundary_and_the_command_line_commit():
    package = Path(__file__).resolve().parent.parent / "jcm"
    committing = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                        if re.search(r"db\.session\.commit\(\)", path.read_text("utf-8")))
    allowed = {"web.py", "cli.py", "accounts/cli.py", "mou/cli.py", "actions/reminders.py"}
    assert set(committing) <= allowed, set(committing) - allowed
