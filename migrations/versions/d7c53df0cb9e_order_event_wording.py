"""order_events.wording: the wording (English template + values, wms/wording.py) of a reason the
server made, so the order timeline tells it in each reader's language. NULL for a reason a person
typed and for the rows written before (those show their English `reason`).

Revision ID: d7c53df0cb9e
Revises: c7d1e5a9f203
"""
import sqlalchemy as sa
from alembic import op

revision = "d7c53df0cb9e"
down_revision = "c7d1e5a9f203"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wording", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.drop_column("wording")
