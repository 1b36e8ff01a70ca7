"""public summary: the joint press summary of a meeting, in both languages, released by both co-chairs; and the
distribution marking of a meeting's documents

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'public_summary',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('headline', sa.String(length=300), nullable=False),
        sa.Column('headline_ko', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_ko', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('language_state', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('released_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'released')", name=op.f('ck_public_summary_status')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_public_summary_meeting_id_meeting'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_public_summary_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_summary')),
        sa.UniqueConstraint('meeting_id', name=op.f('uq_public_summary_meeting_id')),
    )
    op.create_table(
        'summary_release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('summary_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=2), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('summary_version', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['summary_id'], ['public_summary.id'],
                                name=op.f('fk_summary_release_summary_id_public_summary'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_summary_release_user_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_release')),
        sa.UniqueConstraint('summary_id', 'side', name='uq_summary_release_summary_side'),
    )
    op.create_index(op.f('ix_summary_release_summary_id'), 'summary_release', ['summary_id'])
    op.create_table(
        'document_marking',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('marking', sa.String(length=16), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("marking IN ('governments', 'unrestricted', 'us_only', 'kr_only')",
                           name=op.f('ck_document_marking_marking')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_document_marking_meeting_id_meeting'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_document_marking_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_marking')),
        sa.UniqueConstraint('meeting_id', name=op.f('uq_document_marking_meeting_id')),
    )


def downgrade():
    op.drop_table('document_marking')
    op.drop_index(op.f('ix_summary_release_summary_id'), table_name='summary_release')
    op.drop_table('summary_release')
    op.drop_table('public_summary')
