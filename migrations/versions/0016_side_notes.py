"""side notes: each side's internal notes on meetings, agenda items, minutes sections and action items, with revisions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'side_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=2), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('minutes_section_id', sa.Integer(), nullable=True),
        sa.Column('action_item_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("side IN ('US', 'KR')", name=op.f('ck_side_note_side')),
        sa.CheckConstraint("kind IN ('meeting', 'agenda_item', 'minutes_section', 'action_item')",
                           name=op.f('ck_side_note_kind')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_side_note_meeting_id_meeting'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'],
                                name=op.f('fk_side_note_agenda_item_id_agenda_item'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['minutes_section_id'], ['minutes_section.id'],
                                name=op.f('fk_side_note_minutes_section_id_minutes_section'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['action_item_id'], ['action_item.id'],
                                name=op.f('fk_side_note_action_item_id_action_item'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_side_note_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_side_note')),
        sa.UniqueConstraint('side', 'kind', 'target_id', name='uq_side_note_side_kind_target'),
    )
    for column in ('meeting_id', 'agenda_item_id', 'minutes_section_id', 'action_item_id'):
        op.create_index(op.f(f'ix_side_note_{column}'), 'side_note', [column])
    op.create_table(
        'side_note_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['side_note.id'], name=op.f('fk_side_note_revision_note_id_side_note'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_side_note_revision_author_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_side_note_revision')),
        sa.UniqueConstraint('note_id', 'version', name='uq_side_note_revision_note_version'),
    )
    op.create_index(op.f('ix_side_note_revision_note_id'), 'side_note_revision', ['note_id'])


def downgrade():
    op.drop_index(op.f('ix_side_note_revision_note_id'), table_name='side_note_revision')
    op.drop_table('side_note_revision')
    for column in ('meeting_id', 'agenda_item_id', 'minutes_section_id', 'action_item_id'):
        op.drop_index(op.f(f'ix_side_note_{column}'), table_name='side_note')
    op.drop_table('side_note')
