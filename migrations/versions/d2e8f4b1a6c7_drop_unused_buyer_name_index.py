"""Drop ix_orders_buyer_name: no query can use it.

The review desk searches buyer names with LIKE '%text%', which a b-tree index cannot serve, and
nothing looks a buyer name up by equality (duplicates are found by phone). Each order insert
maintained it for nothing.

Revision ID: d2e8f4b1a6c7
Revises: c7d1e5a9f203
"""
from alembic import op

revision = "d2e8f4b1a6c7"
down_revision = "c7d1e5a9f203"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_buyer_name")


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_buyer_name", ["buyer_name"], unique=False)
