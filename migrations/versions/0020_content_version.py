"""content version: one number every committed change of the content moves on, by which drafts are made once

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 09:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

# A draft agenda or draft minutes is gathered from hundreds of records and printed on each request; the content's
# version (jcm/content.py) tells when nothing has changed since it was last made, so it is made once per version.


def upgrade():
    table = op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'number': 0}])


def downgrade():
    op.drop_table('content_version')
