"""Accounts and organizations: signing in, the first administrator, profiles and API tokens."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages for accounts, the API resources for people, `jcm users` and `jcm tokens`."""
    from jcm.accounts import cli, kept, views
    from jcm.accounts.api import blueprints
    from jcm.api import register_blueprints
    from jcm.i18n import locale_chosen

    locale_chosen.connect(views.remember_locale)  # connecting the same receiver again changes nothing
    app.register_blueprint(views.bp)
    kept.init_app(app)  # what a form held when its sign-in or security token ran out is kept and put back
    register_blueprints(blueprints)
    app.cli.add_command(cli.users_group)
    app.cli.add_command(cli.tokens_group)
