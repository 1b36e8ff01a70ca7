"""The `jcm` command: the app's Flask CLI group, with JCM's own commands."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from jcm.extensions import db
from jcm.models import ROLES, SIDES


def _create_app() -> Flask:
    from jcm import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="JCM, the Joint Committee Meeting tool.")
def main() -> None:
    """Entry point of the `jcm` console script."""


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and load the bundled MOU if none is loaded. Safe to run again."""
    from jcm.mou.loader import bundled_mou_path, parse_mou_file
    from jcm.mou.models import Agreement
    from jcm.mou.services import load_mou

    from jcm.fonts import hangul_font_report

    upgrade()
    click.echo("Database is at the newest schema.")
    found, message = hangul_font_report()
    click.echo(message, err=not found)
    if db.session.scalar(select(Agreement.id).limit(1)) is None:
        path = bundled_mou_path(current_app.config["BUNDLED_MOU"])
        report = load_mou("jcm init", parse_mou_file(path))
        db.session.commit()
        click.echo(f"Loaded the MOU “{report.agreement.short_title}” from {path.name}.")
    else:
        click.echo("An MOU is already loaded.")


@click.group("mou")
def mou_group() -> None:
    """The MOU taxonomy."""


@mou_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def mou_load(file: str) -> None:
    """Load or update an MOU taxonomy file (updates by code; nothing linked is lost)."""
    from jcm.mou.loader import MouFileError, parse_mou_file
    from jcm.mou.services import load_mou

    try:
        spec = parse_mou_file(file)
    except MouFileError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{file}: {len(error.problems)} problem(s); nothing was loaded.") from None
    report = load_mou("jcm mou load", spec)
    db.session.commit()
    if not report.changed:
        click.echo(f"{report.agreement.code}: no changes.")
    else:
        click.echo(f"{report.agreement.code}: {len(report.created)} created, {len(report.updated)} updated.")
        for line in report.created:
            click.echo(f"  + {line}")
        for line in report.updated:
            click.echo(f"  ~ {line}")
    for code in report.not_in_file:
        click.echo(f"  ! focus area {code} is no longer in the file; it is kept for what links to it.")


@click.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--side", required=True, type=click.Choice(SIDES))
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--organization", "organization", help="The acronym of the user's agency, e.g. NSF.")
@click.option("--title", default="", help="Title or position.")
@click.option("--locale", type=click.Choice(["en", "ko"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@with_appcontext
def users_create(email, name, side, role, organization, title, locale, password_stdin) -> None:
    """Create an account."""
    from jcm.accounts.models import Organization
    from jcm.accounts.services import create_user
    from jcm.errors import JCMError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    organization_id = None
    if organization:
        org = db.session.scalar(select(Organization).where(Organization.acronym == organization,
                                                           Organization.side == side))
        if org is None:
            _fail(f"No {side} organization has the acronym {organization}.")
        organization_id = org.id
    try:
        user = create_user(None, {"email": email, "name": name, "side": side, "role": role, "title": title,
                                  "organization_id": organization_id, "locale": locale}, password)
    except JCMError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(f"Created {user.role} {user.name} <{user.email}> ({user.side}), id {user.id}.")


@users_group.command("list")
@with_appcontext
def users_list() -> None:
    """List the accounts."""
    from jcm.accounts.models import User

    for user in db.session.scalars(select(User).order_by(User.side.desc(), User.role, User.name)):
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.id}\t{user.side}\t{user.role}\t{user.email}\t{user.name}{state}")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens."""


@tokens_group.command("create")
@click.option("--email", required=True)
@click.option("--label", default="", help="What the token is for.")
@with_appcontext
def tokens_create(email: str, label: str) -> None:
    """Print a new API token for the account; it is shown only this once."""
    from jcm.accounts.services import create_token, get_user_by_email
    from jcm.errors import JCMError

    try:
        user = get_user_by_email(email)
        if not user.active:
            _fail(f"The account {user.email} is deactivated.")
        _token, plain = create_token(None, user, label)
    except JCMError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(plain)


@tokens_group.command("revoke")
@click.argument("prefix")
@with_appcontext
def tokens_revoke(prefix: str) -> None:
    """Revoke the token that begins with PREFIX (as listed on the account page)."""
    from jcm.accounts.models import ApiToken
    from jcm.accounts.services import revoke_token

    if len(prefix) < 8:
        _fail("Give at least the first 8 characters of the token.")
    matches = list(db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix[:12])))
    if len(matches) != 1:
        _fail("No single token begins with that prefix.")
    revoke_token(None, matches[0])
    db.session.commit()
    click.echo(f"Revoked {matches[0].prefix}… of {matches[0].user.email}.")


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="Print each message (recipient, subject, body) instead of sending; "
                                              "nothing is recorded.")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Remind of what falls due within this many days (default: REMINDER_DAYS, 14).")
@with_appcontext
def remind_command(dry_run: bool, days: int | None) -> None:
    """E-mail each owner one digest of their overdue and soon-due action items (at most once a day)."""
    from datetime import date

    from jcm.actions.reminders import send_reminders

    if days is None:
        days = int(current_app.config["REMINDER_DAYS"])
    summary = send_reminders(date.today(), days, dry_run, sys.stdout, sys.stderr)
    click.echo(str(summary))
    if summary.failed:
        raise SystemExit(1)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load a realistic demonstration committee: accounts for each role and side, meetings, action items."""
    from jcm.demo import load_demo

    try:
        accounts = load_demo()
    except RuntimeError as error:
        _fail(str(error))
    db.session.commit()
    click.echo("Demonstration data loaded. Accounts (the passwords are shown only now):")
    for account in accounts:
        click.echo(f"  {account.side}  {account.role:<12} {account.email:<36} {account.password}  {account.name}")


def register_commands(app: Flask) -> None:
    for command in (init_command, mou_group, users_group, tokens_group, remind_command, demo_command):
        app.cli.add_command(command)
