"""user time zone: each account reads times in its own zone, by default its side's capital

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 01:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# Empty: the account's side's capital (America/New_York, Asia/Seoul), so every account reads its own capital's
# time from the start without anything stored.


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('user') as batch:
        batch.drop_column('time_zone')
