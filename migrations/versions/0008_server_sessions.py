"""server sessions and sign-in throttling: sign-ins kept on the server so they can end there; failed sign-ins
counted per address and per account, replacing the account lock

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sign_in_session_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_sign_in_session_key_hash')),
    )
    op.create_index(op.f('ix_sign_in_session_user_id'), 'sign_in_session', ['user_id'], unique=False)
    op.create_table(
        'sign_in_throttle',
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle')),
    )
    # The account lock is gone. Dropped in place (SQLite 3.35+ drops a column itself), never through batch mode's
    # copy of the table, which on SQLite with foreign keys on would cascade deletes from the account table.
    op.drop_column('user', 'failed_logins')
    op.drop_column('user', 'last_failed_login_at')


def downgrade():
    op.add_column('user', sa.Column('last_failed_login_at', sa.DateTime(), nullable=True))
    op.add_column('user', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    op.drop_table('sign_in_throttle')
    op.drop_index(op.f('ix_sign_in_session_user_id'), table_name='sign_in_session')
    op.drop_table('sign_in_session')
