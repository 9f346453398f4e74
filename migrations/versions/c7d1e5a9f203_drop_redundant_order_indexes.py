"""Drop the two order indexes other indexes already lead with.

ix_orders_channel_id is covered by uq_order_channel_external (channel_id, external_id) and
ix_orders_status by ix_orders_status_created (status, created_at); each order insert (the bulk
import writes 100k at a time) maintained both for nothing.

Revision ID: c7d1e5a9f203
Revises: b41b02a75868
"""
from alembic import op

revision = "c7d1e5a9f203"
down_revision = "b41b02a75868"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_channel_id")
        batch_op.drop_index("ix_orders_status")


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_status", ["status"], unique=False)
        batch_op.create_index("ix_orders_channel_id", ["channel_id"], unique=False)
