"""owner indexes: each action item of an owner found with one look in an index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-11 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# The owner filter of "my action items" and of the register checks each open item against its owners. With only the
# owner indexed, SQLite read all of an owner's rows for each item (a delegate owning 800 items: most of a second);
# with the owner and the item together it finds the one row in the index. The indexes on the owner alone are
# replaced: the new ones serve every lookup by owner they served.


def upgrade():
    op.create_index('ix_action_owner_user_item', 'action_owner', ['user_id', 'action_item_id'])
    op.create_index('ix_action_owner_organization_item', 'action_owner', ['organization_id', 'action_item_id'])
    op.drop_index('ix_action_owner_user_id', table_name='action_owner')
    op.drop_index('ix_action_owner_organization_id', table_name='action_owner')


def downgrade():
    op.create_index('ix_action_owner_organization_id', 'action_owner', ['organization_id'])
    op.create_index('ix_action_owner_user_id', 'action_owner', ['user_id'])
    op.drop_index('ix_action_owner_organization_item', table_name='action_owner')
    op.drop_index('ix_action_owner_user_item', table_name='action_owner')
