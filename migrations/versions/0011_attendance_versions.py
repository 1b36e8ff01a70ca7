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
# rules it out from now on is added. The places are counted here, not in one UPDATE with a subquery, which SQLite
# would run on the places it has already changed. Everything is done in place (no copy of a table through batch
# mode, as 0007 explains).


def renumber(connection) -> None:
    """Places 0, 1, 2 … in each side's list of each minutes, in the order the list showed."""
    attendee = sa.table('attendee', sa.column('id'), sa.column('minutes_id'), sa.column('side'), sa.column('position'))
    rows = connection.execute(sa.select(attendee.c.id, attendee.c.minutes_id, attendee.c.side, attendee.c.position)
                              .order_by(attendee.c.minutes_id, attendee.c.side, attendee.c.position, attendee.c.id))
    places: dict[tuple, int] = {}
    moves = []
    for row in rows.all():
        place = places[row.minutes_id, row.side] = places.get((row.minutes_id, row.side), -1) + 1
        if place != row.position:
            moves.append({'row_id': row.id, 'place': place})
    if moves:
        connection.execute(attendee.update().where(attendee.c.id == sa.bindparam('row_id'))
                           .values(position=sa.bindparam('place')), moves)


def upgrade():
    for side in ('us', 'kr'):
        op.add_column('minutes', sa.Column(f'attendance_version_{side}', sa.Integer(), nullable=False,
                                           server_default='1'))
    renumber(op.get_bind())
    op.create_index('uq_attendee_minutes_side_position', 'attendee', ['minutes_id', 'side', 'position'], unique=True)


def downgrade():
    op.drop_index('uq_attendee_minutes_side_position', table_name='attendee')
    for side in ('kr', 'us'):
        op.drop_column('minutes', f'attendance_version_{side}')
