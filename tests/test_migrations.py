"""The schema comes only from the migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
import sqlalchemy as sa

from jcm import create_app
from jcm.extensions import db
from tests.conftest import app_config, close_database


def _differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    close_database(app)
    return differences


def test_migrations_build_an_empty_database_that_matches_the_models(empty_database, tmp_path):
    app = create_app(app_config(empty_database(), tmp_path))
    with app.app_context():
        upgrade()
    assert _differences(app) == []
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    close_database(app)
    assert {"agreement", "participant", "focus_area", "organization", "user", "api_token", "audit_event"} <= tables


def test_migrations_go_down_and_up_again(empty_database, tmp_path):
    app = create_app(app_config(empty_database(), tmp_path))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    close_database(app)
    assert _differences(app) == []


def test_jcm_init_creates_the_schema_and_loads_the_bundled_mou_once(empty_database, tmp_path):
    app = create_app(app_config(empty_database(), tmp_path))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Loaded the MOU" in first.output
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output
    from jcm.mou.models import Agreement, FocusArea

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FocusArea)) == 22
    close_database(app)
