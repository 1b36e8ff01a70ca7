"""Search: finding agendas, minutes, progress, action items, their updates and papers by their words, in English
and Korean, with each database's own full-text machinery; the index kept current by every change."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The search page, `GET /api/v1/search`, `jcm search reindex`, and the listener that keeps the index."""
    from jcm.api import register_blueprints
    from jcm.search import cli, views
    from jcm.search.api import blueprints
    from jcm.search.index import keep_index_current

    keep_index_current()
    app.register_blueprint(views.bp)
    register_blueprints(blueprints)
    app.cli.add_command(cli.search_cli)
