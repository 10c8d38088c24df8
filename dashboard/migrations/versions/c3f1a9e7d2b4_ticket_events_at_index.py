"""ticket_events(at) index for Open311 servicerequestupdates

Revision ID: c3f1a9e7d2b4
Revises: a98d25eb24c3
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f1a9e7d2b4'
down_revision = 'a98d25eb24c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_at')
