"""`jcm remind`: e-mailing each owner a digest of their overdue and soon-due action items."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


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
