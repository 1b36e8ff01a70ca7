"""`jcm mou load`: loading or updating an MOU taxonomy file."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from jcm.extensions import db


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
