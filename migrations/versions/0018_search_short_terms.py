"""search short terms: the pairs of characters of each indexed text, which find a word of two characters

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# search_entry.grams: the pairs of characters next to each other in `folded`, each once, separated by spaces (a pair
# with an ASCII sign or control in it left out), as jcm.search.index.grams makes them for new entries.
# SQLite: an FTS5 table over it (external content, kept by triggers as search_fts is) with the ascii tokenizer, for
# which every character past ASCII is part of a word and ASCII letters and digits are: each pair is one token.
# Only whether a row holds a pair is asked, so neither positions (detail=none) nor sizes (columnsize=0) are kept.
# PostgreSQL: a GIN index on the array of the pairs, which `string_to_array(grams, ' ') @> ARRAY[…]` uses.
# Neither is declared on the model; the autogeneration ignores both (jcm.search.index.autogenerate_includes).

SQLITE_MACHINERY = [
    "CREATE VIRTUAL TABLE search_grams USING fts5(grams, content='search_entry', content_rowid='id', "
    "tokenize='ascii', detail=none, columnsize=0)",
    "CREATE TRIGGER search_entry_grams_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_grams(rowid, grams) VALUES (new.id, new.grams); END",
    "CREATE TRIGGER search_entry_grams_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.id, old.grams); END",
    "CREATE TRIGGER search_entry_grams_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.id, old.grams); "
    "INSERT INTO search_grams(rowid, grams) VALUES (new.id, new.grams); END",
    # The entries already held, indexed from their content.
    "INSERT INTO search_grams(search_grams) VALUES ('rebuild')",
]
BATCH = 1000


def _grams(folded):
    """jcm.search.index.grams as it is when this migration is written."""
    def kept(pair):
        return all(not character.isascii() or character.isalnum() for character in pair)

    pairs = (folded[at:at + 2] for at in range(len(folded) - 1))
    return " ".join(dict.fromkeys(pair for pair in pairs if kept(pair)))


def _fill(bind):
    """The pairs of the entries already held, made from their folded texts."""
    entry = sa.table('search_entry', sa.column('id', sa.Integer), sa.column('folded', sa.Text),
                     sa.column('grams', sa.Text))
    last = 0
    while True:
        rows = bind.execute(sa.select(entry.c.id, entry.c.folded).where(entry.c.id > last)
                            .order_by(entry.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(entry.update().where(entry.c.id == sa.bindparam('entry_id')).values(grams=sa.bindparam('pairs')),
                     [{'entry_id': row.id, 'pairs': _grams(row.folded)} for row in rows])
        last = rows[-1].id


def upgrade():
    bind = op.get_bind()
    op.add_column('search_entry', sa.Column('grams', sa.Text(), nullable=False, server_default=''))
    _fill(bind)
    if bind.dialect.name == 'sqlite':
        for statement in SQLITE_MACHINERY:
            op.execute(statement)
    elif bind.dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_search_entry_grams ON search_entry USING gin (string_to_array(grams, ' '))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('search_entry_grams_au', 'search_entry_grams_ad', 'search_entry_grams_ai'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_grams")
    elif dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_search_entry_grams")
    # In place (SQLite 3.35+ drops a column itself): batch mode's copy of the table would lose search_fts's triggers.
    op.drop_column('search_entry', 'grams')
