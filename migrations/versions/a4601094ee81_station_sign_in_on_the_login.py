"""station sign-in on the login: auth_sessions.station_code (was a key of the session cookie)

Revision ID: a4601094ee81
Revises: b21196100945
Create Date: 2026-12-07 21:46:33.888945

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4601094ee81'
down_revision = 'b21196100945'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('station_code', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('station_code')
