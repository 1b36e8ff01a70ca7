"""`jcm users` and `jcm tokens`: accounts and API tokens from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from jcm.extensions import db
from jcm.i18n import Language
from jcm.models import ROLES, SIDES


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


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
@click.option("--locale", type=click.Choice([language.value for language in Language]))
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
