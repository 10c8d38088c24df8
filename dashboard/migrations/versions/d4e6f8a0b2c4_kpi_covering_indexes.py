"""KPI pages read indexes alone: open tickets, medians, distinct reporters

The partial index ix_tickets_open_kpi holds every column the KPI pages count
live from the open tickets; the handling-time index gains the kota and unit
(medians of a kota or a unit without the table) and replaces the plain
first_completed_at index; the received_at index gains the reporter hash.

Revision ID: d4e6f8a0b2c4
Revises: a1c3e5f7b9d2
Create Date: 2026-12-03 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4e6f8a0b2c4'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None

OPEN = "status NOT IN ('verified', 'rejected')"
OPEN_KPI_COLUMNS = [
    "kota_id",
    "kelurahan_id",
    "assigned_unit_id",
    "category_id",
    "channel_id",
    "status",
    "received_at",
    "first_response_at",
    "response_due_at",
    "first_completed_at",
    "completion_due_at",
]


def upgrade():
    op.create_index(
        "ix_tickets_open_kpi",
        "tickets",
        OPEN_KPI_COLUMNS,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.drop_index("ix_tickets_first_completed_handling", table_name="tickets")
    op.drop_index("ix_tickets_first_completed", table_name="tickets")
    op.create_index(
        "ix_tickets_first_completed_handling",
        "tickets",
        ["first_completed_at", "handling_min", "kota_id", "assigned_unit_id"],
    )
    op.drop_index("ix_tickets_received", table_name="tickets")
    op.create_index("ix_tickets_received_reporter", "tickets", ["received_at", "reporter_hash"])


def downgrade():
    op.drop_index("ix_tickets_received_reporter", table_name="tickets")
    op.create_index("ix_tickets_received", "tickets", ["received_at"])
    op.drop_index("ix_tickets_first_completed_handling", table_name="tickets")
    op.create_index(
        "ix_tickets_first_completed_handling", "tickets", ["first_completed_at", "handling_min"]
    )
    op.create_index("ix_tickets_first_completed", "tickets", ["first_completed_at"])
    op.drop_index("ix_tickets_open_kpi", table_name="tickets")
