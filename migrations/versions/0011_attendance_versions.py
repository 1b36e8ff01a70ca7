"""attendance versions: each side's delegation saved with a version of its own, and one person a place in a list

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Two saves of one side's delegation made at the same moment could interleave their lists, leaving two people at one
# place. Such a list is kept whole, in the order it showed (by place, then as entered), before the unique index that
# rules it out from now on is added. Everything is done in place (no copy of a table through batch mode, as 0007).
RENUMBER = """
UPDATE attendee SET position = (
    SELECT count(*) FROM attendee AS earlier
    WHERE earlier.minutes_id = attendee.minutes_id AND earlier.side = attendee.side
      AND (earlier.position < attendee.position OR (earlier.position = attendee.position AND earlier.id < attendee.id)))
"""


def upgrade():
    for side in ('us', 'kr'):
        op.add_column('minutes', sa.Column(f'attendance_version_{side}', sa.Integer(), nullable=False,
                                           server_default='1'))
    op.execute(RENUMBER)
    op.create_index('uq_attendee_minutes_side_position', 'attendee', ['minutes_id', 'side', 'position'], unique=True)


def downgrade():
    op.drop_index('uq_attendee_minutes_side_position', table_name='attendee')
    for side in ('kr', 'us'):
        op.drop_column('minutes', f'attendance_version_{side}')
