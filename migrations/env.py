"""Alembic environment: the app's engine, and metadata that sees every JCM model."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from jcm import import_models
from jcm.search.index import autogenerate_includes

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

import_models()
db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def run_migrations_offline() -> None:
    context.configure(url=db.engine.url.render_as_string(hide_password=False), target_metadata=target_metadata,
                      literal_binds=True, compare_type=True, render_as_batch=True,
                      include_object=autogenerate_includes)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("include_object", autogenerate_includes)  # the search's FTS5 table, its trigram index
    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
