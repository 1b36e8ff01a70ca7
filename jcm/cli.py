"""The `jcm` command: the app's Flask CLI group, with the commands that span the features (init, demo, backup,
restore)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from jcm.extensions import db


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
    _fill_search_index()
    found, message = hangul_font_report()
    click.echo(message, err=not found)
    if db.session.scalar(select(Agreement.id).limit(1)) is None:
        path = bundled_mou_path(current_app.config["BUNDLED_MOU"])
        report = load_mou("jcm init", parse_mou_file(path))
        db.session.commit()
        click.echo(f"Loaded the MOU “{report.agreement.short_title}” from {path.name}.")
    else:
        click.echo("An MOU is already loaded.")


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


def _folders() -> dict:
    """The instance's folders a backup holds: the attachments' files and the kept documents."""
    from jcm.documents.views import kept_folder
    from jcm.meetings.attachments import upload_root

    return {"uploads": upload_root(), "documents": kept_folder()}


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file: str) -> None:
    """Write one consistent archive of the whole database, the uploaded papers and the kept documents to FILE."""
    from jcm.backup import BackupError, backup

    try:
        report = backup(file, _folders())
    except BackupError as error:
        _fail(f"No backup was made: {error}.")
    for name in report.vanished:
        click.echo(f"  ! {name} disappeared while the backup ran and is not in it.", err=True)
    click.echo(f"Backed up {report.rows} rows of {len(report.counts)} tables, {report.files['uploads']} uploaded "
               f"files and {report.files['documents']} kept documents to {report.path}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@with_appcontext
def restore_command(file: str) -> None:
    """Restore a backup made with `jcm backup` into this instance, whose database must hold no rows."""
    from jcm.backup import BackupError, restore

    try:
        report = restore(file, _folders())
    except BackupError as error:
        _fail(f"Nothing was restored: {error}.")
    click.echo(f"Restored {sum(report.counts.values())} rows of {len(report.counts)} tables, "
               f"{report.files['uploads']} uploaded files and {report.files['documents']} kept documents; the "
               f"database is at revision {report.revision}.")
    _fill_search_index()


def _fill_search_index() -> None:
    """The search's index, made from the records when they are there and it is not (jcm.search.index)."""
    from jcm.search.index import fill_if_empty

    with db.engine.begin() as connection:
        counts = fill_if_empty(connection)
    if counts is not None:
        click.echo(f"Built the search index of {sum(counts.values())} records.")


def init_app(app: Flask) -> None:
    """The commands that span the features; each feature adds its own in its init_app."""
    for command in (init_command, demo_command, backup_command, restore_command):
        app.cli.add_command(command)
