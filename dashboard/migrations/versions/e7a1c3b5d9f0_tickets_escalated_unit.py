"""tickets.escalated_unit_id: the unit a level-2 escalation named

The kecamatan above a kelurahan (or the walikota's office above a kecamatan)
that a level-2 escalation of the current clock warned: its officers see and
act on the ticket. Existing tickets take it from the escalations table (the
level-2 row of the current clock, when it named another unit than the lead).

Revision ID: e7a1c3b5d9f0
Revises: e5a7c9b1d3f6
Create Date: 2026-12-03 13:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e7a1c3b5d9f0'
down_revision = 'e5a7c9b1d3f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalated_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_tickets_escalated_unit_id_units', 'units', ['escalated_unit_id'], ['id']
        )
        batch_op.create_index('ix_tickets_escalated_unit', ['escalated_unit_id'], unique=False)
    op.execute(
        "UPDATE tickets SET escalated_unit_id = ("
        " SELECT e.unit_id FROM escalations e"
        " WHERE e.ticket_id = tickets.id AND e.level = 'level2'"
        " AND e.cycle_start = tickets.clock_started_at)"
        " WHERE escalation_level = 2"
    )
    op.execute(
        "UPDATE tickets SET escalated_unit_id = NULL"
        " WHERE escalated_unit_id IS NOT NULL AND assigned_unit_id IS NOT NULL"
        " AND escalated_unit_id = assigned_unit_id"
    )


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_escalated_unit')
        batch_op.drop_constraint('fk_tickets_escalated_unit_id_units', type_='foreignkey')
        batch_op.drop_column('escalated_unit_id')
