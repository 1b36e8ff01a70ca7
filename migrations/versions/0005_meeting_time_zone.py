"""meeting time zone

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 13:27:58.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Existing meetings get their host side's capital (the app's DEFAULT_TIME_ZONES when this was written).
HOST_CAPITALS = {'KR': 'Asia/Seoul', 'US': 'America/New_York'}


def upgrade():
    # The column is added in place, never through batch mode's copy of the table: on SQLite, with foreign
    # keys on, dropping the old meeting table would delete its days, agenda and minutes (ON DELETE CASCADE)
    # and trip over its action items. SQLite adds a NOT NULL column only with a default and a CHECK only
    # inline, hence this one statement; PostgreSQL then drops the default (SQLite cannot without the copy;
    # the app always sets the zone).
    op.execute("ALTER TABLE meeting ADD COLUMN time_zone VARCHAR(64) DEFAULT 'Asia/Seoul' NOT NULL "
               "CONSTRAINT ck_meeting_time_zone CHECK (time_zone <> '')")
    meeting = sa.table('meeting', sa.column('host_side', sa.String), sa.column('time_zone', sa.String))
    for side, zone in HOST_CAPITALS.items():
        op.execute(meeting.update().where(meeting.c.host_side == side).values(time_zone=zone))
    if op.get_context().dialect.name != 'sqlite':
        op.alter_column('meeting', 'time_zone', existing_type=sa.String(length=64), server_default=None)


def downgrade():
    # In place too (SQLite 3.35+ drops a column itself), for the same reason.
    op.drop_column('meeting', 'time_zone')
