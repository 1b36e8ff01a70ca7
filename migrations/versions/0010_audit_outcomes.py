"""audit outcomes: where each audited act came from, whether it succeeded, failed or was refused, and why; and on
PostgreSQL, audit rows that cannot be changed or deleted

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# On PostgreSQL the database itself keeps the trail as written: a row is never deleted, and never updated but for the
# one change the schema makes on its own — an account deleted sets its events' actor_id to NULL (ON DELETE SET NULL),
# the actor's name staying in actor_label. Restoring a backup INSERTs, which the trigger leaves alone; TRUNCATE (an
# operator emptying the whole database) is not a row's change and is not refused either.
UNCHANGEABLE = """
CREATE FUNCTION audit_event_unchangeable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_event rows cannot be changed or deleted (% of event %)', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_unchangeable BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_unchangeable();
"""


def upgrade():
    # Added in place, as 0007 does: the NOT NULL column with its default and its CHECK inline.
    op.add_column('audit_event', sa.Column('address', sa.String(64), nullable=True))
    op.execute("ALTER TABLE audit_event ADD COLUMN outcome VARCHAR(16) DEFAULT 'succeeded' NOT NULL "
               "CONSTRAINT ck_audit_event_outcome CHECK (outcome IN ('succeeded', 'failed', 'refused'))")
    op.add_column('audit_event', sa.Column('reason', sa.String(1000), nullable=True))
    op.create_index(op.f('ix_audit_event_outcome'), 'audit_event', ['outcome'], unique=False)
    op.create_index('ix_audit_event_object', 'audit_event', ['object_type', 'object_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(UNCHANGEABLE)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_event_unchangeable ON audit_event")
        op.execute("DROP FUNCTION audit_event_unchangeable()")
    op.drop_index('ix_audit_event_object', table_name='audit_event')
    op.drop_index(op.f('ix_audit_event_outcome'), table_name='audit_event')
    for column in ('reason', 'outcome', 'address'):
        op.drop_column('audit_event', column)
