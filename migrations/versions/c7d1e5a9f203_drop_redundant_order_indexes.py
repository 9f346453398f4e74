"""Drop three order indexes no query needs (each order insert maintained them for nothing; the
bulk import writes 100k at a time).

- ix_orders_channel_id: uq_order_channel_external (channel_id, external_id) leads with it;
- ix_orders_status: ix_orders_status_created (status, created_at) leads with it;
- ix_orders_buyer_name: the review desk searches names with LIKE '%text%', which a b-tree cannot
  serve, and nothing looks a buyer name up by equality (duplicates are found by phone).

Revision ID: c7d1e5a9f203
Revises: b41b02a75868
"""
from alembic import op

revision = "c7d1e5a9f203"
down_revision = "b41b02a75868"
branch_labels = None
depends_on = None

DROPPED = {"ix_orders_channel_id": ["channel_id"], "ix_orders_status": ["status"], "ix_orders_buyer_name": ["buyer_name"]}


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name in DROPPED:
            batch_op.drop_index(name)


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name, columns in DROPPED.items():
            batch_op.create_index(name, columns, unique=False)
