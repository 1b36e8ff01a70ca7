"""search: one index of every searched text, with each database's own full-text machinery over it

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# SQLite: an FTS5 table with the trigram tokenizer over search_entry.folded (external content: the text is held
# once, in search_entry), kept by triggers, so that whatever writes search_entry (the services' flushes, `jcm search
# reindex`, a restore) keeps it. The texts are folded by JCM (lower case, no accents, no spaces), so the tokenizer's
# own options are not needed — SQLite before 3.45 has no remove_diacritics for trigram.
# PostgreSQL: pg_trgm's GIN index on search_entry.folded serves `folded LIKE '%word%'` and ranks by similarity().
# Neither is declared on the model; the autogeneration ignores both (jcm.search.index.autogenerate_includes).

SQLITE_MACHINERY = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(folded, content='search_entry', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); "
    "INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
]


def _pg_trgm() -> None:
    bind = op.get_bind()
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
    if available is None:
        raise RuntimeError(
            "JCM's search needs PostgreSQL's pg_trgm extension, which this server does not have: install the "
            "server's contrib package (Debian: postgresql-contrib, part of the postgresql package since 10), then "
            "run `jcm init` again")
    try:
        with bind.begin_nested():
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as error:
        raise RuntimeError(
            "JCM's search needs PostgreSQL's pg_trgm extension and could not create it "
            f"({error.orig}): have a superuser run `CREATE EXTENSION pg_trgm;` in this database, or make JCM's "
            "role the database's owner (pg_trgm is a trusted extension), then run `jcm init` again") from error


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        _pg_trgm()
    op.create_table('search_entry',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('kind', sa.String(length=20), nullable=False),
                    sa.Column('object_id', sa.Integer(), nullable=False),
                    sa.Column('field', sa.String(length=20), nullable=False),
                    sa.Column('language', sa.String(length=2), nullable=False),
                    sa.Column('weight', sa.SmallInteger(), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('folded', sa.Text(), nullable=False),
                    sa.Column('side', sa.String(length=2), nullable=True),
                    sa.Column('meeting_id', sa.Integer(), nullable=True),
                    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
                    sa.Column('action_item_id', sa.Integer(), nullable=True),
                    sa.ForeignKeyConstraint(['action_item_id'], ['action_item.id'],
                                            name=op.f('fk_search_entry_action_item_id_action_item'),
                                            ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'],
                                            name=op.f('fk_search_entry_agenda_item_id_agenda_item'),
                                            ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'],
                                            name=op.f('fk_search_entry_meeting_id_meeting'), ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry')))
    op.create_index('ix_search_entry_kind_object', 'search_entry', ['kind', 'object_id'])
    op.create_index('ix_search_entry_meeting_id', 'search_entry', ['meeting_id'])
    op.create_index('ix_search_entry_agenda_item_id', 'search_entry', ['agenda_item_id'])
    op.create_index('ix_search_entry_action_item_id', 'search_entry', ['action_item_id'])
    if dialect == 'sqlite':
        for statement in SQLITE_MACHINERY:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute("CREATE INDEX ix_search_entry_folded_trgm ON search_entry USING gin (folded gin_trgm_ops)")
    # The entries of the records already held are made by `jcm init` (which runs this migration) or
    # `jcm search reindex`.


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('search_entry_au', 'search_entry_ad', 'search_entry_ai'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_search_entry_folded_trgm")
    op.drop_index('ix_search_entry_action_item_id', table_name='search_entry')
    op.drop_index('ix_search_entry_agenda_item_id', table_name='search_entry')
    op.drop_index('ix_search_entry_meeting_id', table_name='search_entry')
    op.drop_index('ix_search_entry_kind_object', table_name='search_entry')
    op.drop_table('search_entry')
    # pg_trgm stays: another schema in the database may use it.
