"""notifications: each person told of the acts that concern them, in the app and by e-mail, and their choices

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('to_act', sa.Boolean(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('action_item_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=200), nullable=False),
        sa.Column('actor_name_ko', sa.String(length=200), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('mail_state', sa.String(length=12), nullable=False),
        sa.Column('mail_attempts', sa.Integer(), nullable=False),
        sa.Column('mail_error', sa.Text(), nullable=False),
        sa.Column('mailed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['action_item_id'], ['action_item.id'], name=op.f('fk_notice_action_item_id_action_item'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_notice_actor_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_notice_meeting_id_meeting'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notice_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    )
    op.create_index('ix_notice_user_id_id', 'notice', ['user_id', 'id'])
    op.create_index('ix_notice_mail_state', 'notice', ['mail_state', 'user_id'])
    op.create_table(
        'notice_setting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('by_email', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notice_setting_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_setting')),
        sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notice_setting_user_id')),
    )
    op.create_index(op.f('ix_notice_setting_user_id'), 'notice_setting', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_notice_setting_user_id'), table_name='notice_setting')
    op.drop_table('notice_setting')
    op.drop_index('ix_notice_mail_state', table_name='notice')
    op.drop_index('ix_notice_user_id_id', table_name='notice')
    op.drop_table('notice')
