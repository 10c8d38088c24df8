"""reporter access log: append-only triggers; KPI counter cohort_verified

Revision ID: a1c3e5f7b9d2
Revises: c3f1a9e7d2b4
Create Date: 2026-12-01 22:30:00

"""
from alembic import op
import sqlalchemy as sa

from dashboard.models import APPEND_ONLY_POSTGRESQL, APPEND_ONLY_SQLITE

# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b9d2'
down_revision = 'c3f1a9e7d2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kpi_daily', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_verified', sa.Integer(), server_default='0', nullable=False))
    # The rollup gains a counter: empty it, and `flask kpi rebuild --if-empty`
    # (scripts/run.sh runs it) recounts it whole from the tickets.
    op.execute("DELETE FROM kpi_daily")
    dialect = op.get_bind().dialect.name
    for sql in {"sqlite": APPEND_ONLY_SQLITE, "postgresql": APPEND_ONLY_POSTGRESQL}.get(dialect, ()):
        op.execute(sql)


def downgrade():
    with op.batch_alter_table('kpi_daily', schema=None) as batch_op:
        batch_op.drop_column('cohort_verified')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS reporter_access_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS reporter_access_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS reporter_access_log_append_only ON reporter_access_log")
        op.execute("DROP TRIGGER IF EXISTS reporter_access_log_no_truncate ON reporter_access_log")
        op.execute("DROP FUNCTION IF EXISTS pantau_append_only()")
