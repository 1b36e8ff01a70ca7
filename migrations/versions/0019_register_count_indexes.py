"""register count indexes: the register's counts by status and due date, and per side, from indexes alone; an
owner's open items sorted from an index

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 07:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

# The register heads every page with counts over all it finds: the open, overdue and done, and on each side the open
# and overdue items it owns something of. Over ten thousand items SQLite read every item's row (titles and
# descriptions with it) to count by status and due date, and every owner's row to tell its side. With the status and
# the due date in one index it counts from the index alone (which serves every lookup by status the index on the
# status alone served, so that one is replaced), and with the item and the side in one index it finds whether an open
# item has an owner on a side with one look in it. The reference, last in the first, completes the lists' order (by
# due date, then reference): SQLite sorts an owner's open items from the index and reads the rows of one page alone
# ("My action items", the start page, the register of an owner's open items), where it read all of them.


def upgrade():
    op.create_index('ix_action_item_status_due', 'action_item', ['status', 'due_date', 'ref'])
    op.drop_index('ix_action_item_status', table_name='action_item')
    op.create_index('ix_action_owner_item_side', 'action_owner', ['action_item_id', 'side'])


def downgrade():
    op.drop_index('ix_action_owner_item_side', table_name='action_owner')
    op.create_index('ix_action_item_status', 'action_item', ['status'])
    op.drop_index('ix_action_item_status_due', table_name='action_item')
