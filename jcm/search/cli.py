"""`jcm search reindex`: the search's index made again from the records."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from jcm.extensions import db

search_cli = AppGroup("search", help="The search's index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search's index from every record (after a bulk load, or to check it)."""
    from jcm.search.index import KINDS, rebuild

    with db.engine.begin() as connection:
        counts = rebuild(connection)
    click.echo("Indexed " + ", ".join(f"{counts[name]} {name.replace('_', ' ')}" for name in KINDS) + ".")
