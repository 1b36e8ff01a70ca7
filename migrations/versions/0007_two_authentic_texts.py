"""two authentic texts: the Korean text beside each English one, the state of each text, who answers for which

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Every column is added in place (never through batch mode's copy of a table, which on SQLite with foreign keys on
# would cascade deletes from the copied table): a NOT NULL column with a default, a CHECK inline.
KOREAN = {
    'agenda_item': [('description_ko', sa.Text()), ('presenter_us_ko', sa.String(300)),
                    ('presenter_kr_ko', sa.String(300))],
    'action_item': [('title_ko', sa.String(300)), ('description_ko', sa.Text())],
    'minutes': [('next_meeting_ko', sa.Text())],
    'minutes_section': [('discussion_ko', sa.Text())],
    'section_revision': [('discussion_ko', sa.Text())],
    'progress_entry': [('narrative_ko', sa.Text())],
    'attendee': [('name_ko', sa.String(200)), ('title_ko', sa.String(200)), ('organization_ko', sa.String(300))],
    'user': [('name_ko', sa.String(200)), ('title_ko', sa.String(200))],
}
LISTS = {'minutes_section': ['decisions_ko'], 'section_revision': ['decisions_ko']}
STATES = ['meeting', 'agenda_item', 'action_item', 'minutes', 'minutes_section', 'progress_entry', 'attendee']


def upgrade():
    for table, columns in KOREAN.items():
        for name, type_ in columns:
            op.add_column(table, sa.Column(name, type_, nullable=False, server_default=''))
    for table, names in LISTS.items():
        for name in names:
            op.add_column(table, sa.Column(name, sa.JSON(), nullable=False, server_default='[]'))
    for table in STATES:
        op.add_column(table, sa.Column('language_state', sa.JSON(), nullable=False, server_default='{}'))
    for column, side in (('english_side', 'US'), ('korean_side', 'KR')):
        op.execute(f"ALTER TABLE agreement ADD COLUMN {column} VARCHAR(2) DEFAULT '{side}' NOT NULL "
                   f"CONSTRAINT ck_agreement_{column} CHECK ({column} IN ('US', 'KR'))")


def downgrade():
    for column in ('korean_side', 'english_side'):
        op.drop_column('agreement', column)
    for table in reversed(STATES):
        op.drop_column(table, 'language_state')
    for table, names in LISTS.items():
        for name in names:
            op.drop_column(table, name)
    for table, columns in KOREAN.items():
        for name, _type in reversed(columns):
            op.drop_column(table, name)
