"""Indexes for issue 12's new reads: KPI cohorts, the unit picker, past handovers

ix_tickets_received_cohort lets the KPI summary's cohort and same-age
comparison (queries/kpi_briefing._shares) read one index over a period's
tickets; ix_tickets_category_received the disposition picker's "usual units"
of a category over the last 90 days; ix_tickets_closed_at a past shift's
handover (tickets closed since the shift ended).

Revision ID: b34c5d6e7f80
Revises: a12b3c4d5e6f
Create Date: 2026-12-03 20:35:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b34c5d6e7f80'
down_revision = 'a12b3c4d5e6f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_tickets_received_cohort",
        "tickets",
        ["received_at", "handling_min", "first_completed_at", "kota_id", "assigned_unit_id"],
    )
    op.create_index(
        "ix_tickets_category_received",
        "tickets",
        ["category_id", "received_at", "assigned_unit_id"],
    )
    op.create_index("ix_tickets_closed_at", "tickets", ["closed_at"])


def downgrade():
    op.drop_index("ix_tickets_closed_at", table_name="tickets")
    op.drop_index("ix_tickets_category_received", table_name="tickets")
    op.drop_index("ix_tickets_received_cohort", table_name="tickets")
