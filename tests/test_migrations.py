"""The schema comes only from the migrations, and the migrations match the models."""

from datetime import date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
import pytest
import sqlalchemy as sa

from jcm import create_app
from jcm.extensions import db
from jcm.search.index import autogenerate_includes
from tests.conftest import app_config, close_database


def _differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True,
                                                               "include_object": autogenerate_includes})
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


def test_meetings_already_planned_get_their_host_sides_capital_and_keep_their_agendas(empty_database, tmp_path):
    """0005 adds the time zone in place: a copy of the meeting table would cascade to everything under it."""
    app = create_app(app_config(empty_database(), tmp_path))
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection, only=["agreement", "meeting", "agenda_item"])
            agreement, meeting, item = (tables.tables[name] for name in ("agreement", "meeting", "agenda_item"))
            connection.execute(agreement.insert().values(
                id=1, code="us-rok-st", title="MOU", title_ko="양해각서", short_title="MOU", short_title_ko="양해각서",
                purpose="", purpose_ko="", language_note="", language_note_ko="", notice_period_days=180,
                discontinuation_notice_reference="", created_at=datetime(2026, 1, 5), version=1))
            for ordinal, host in ((11, "KR"), (12, "US")):
                connection.execute(meeting.insert().values(
                    id=ordinal, agreement_id=1, ordinal=ordinal, title=f"JCM {ordinal}", title_ko="",
                    start_date=date(2026, 3, ordinal), end_date=date(2026, 3, ordinal), venue="", venue_ko="",
                    city="", city_ko="", host_side=host, mode="in_person", status="planning", agenda_version=1,
                    created_at=datetime(2026, 1, 5), version=1))
                connection.execute(item.insert().values(
                    meeting_id=ordinal, position=0, day=date(2026, 3, ordinal), kind="opening", title="Opening",
                    title_ko="", description="", presenter_us="", presenter_kr="", duration_minutes=15, version=1))
        upgrade()
        with db.engine.connect() as connection:
            zones = connection.execute(sa.text("SELECT ordinal, time_zone FROM meeting ORDER BY ordinal")).all()
            assert [tuple(row) for row in zones] == [(11, "Asia/Seoul"), (12, "America/New_York")]
            assert connection.execute(sa.text("SELECT count(*) FROM agenda_item")).scalar() == 2
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE meeting SET time_zone = '' WHERE ordinal = 11"))
        downgrade(revision="0004")
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM agenda_item")).scalar() == 2
            assert "time_zone" not in {c["name"] for c in sa.inspect(connection).get_columns("meeting")}
    close_database(app)
