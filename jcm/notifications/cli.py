"""`jcm notify --flush`: send the notifications still waiting (after a mail server outage, or from cron for the
digests the hour held back)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("notify")
@click.option("--flush", is_flag=True, help="Send the e-mails of the notifications still waiting.")
@with_appcontext
def notify_command(flush: bool) -> None:
    """Notifications by e-mail: `--flush` sends what waits (each person at most one e-mail an hour; what the hour
    holds back goes with their next run after it). Exit status 1 when the mail server refused or could not be
    reached; what was not sent stays waiting for the next run."""
    from jcm.notifications.sending import flush_pending

    if not flush:
        raise click.UsageError("Say what to do: --flush sends the notifications still waiting.")
    summary = flush_pending()
    for line in summary.errors:
        click.echo(line, err=True)
    click.echo(str(summary))
    if summary.failed:
        raise SystemExit(1)
