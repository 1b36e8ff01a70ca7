"""meeting proposals: cancelling, deleting, or new dates or host, proposed by one side and confirmed by the other

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('host_side', sa.String(length=2), nullable=True),
    sa.Column('was', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('side', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('meeting_version', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('cancel', 'delete', 'change')", name=op.f('ck_meeting_proposal_kind')),
    sa.CheckConstraint("host_side IN ('US', 'KR')", name=op.f('ck_meeting_proposal_host_side')),
    sa.CheckConstraint("side IN ('US', 'KR')", name=op.f('ck_meeting_proposal_side')),
    sa.CheckConstraint("status IN ('proposed', 'confirmed', 'withdrawn', 'declined')",
                       name=op.f('ck_meeting_proposal_status')),
    sa.CheckConstraint('number > 0', name=op.f('ck_meeting_proposal_number')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_proposal_meeting_id_meeting'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_meeting_proposal_proposed_by_id_user'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_meeting_proposal_decided_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_proposal')),
    sa.UniqueConstraint('meeting_id', 'number', name='uq_meeting_proposal_meeting_number')
    )
    with op.batch_alter_table('meeting_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_proposal_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_proposal_meeting_id'))
    op.drop_table('meeting_proposal')
