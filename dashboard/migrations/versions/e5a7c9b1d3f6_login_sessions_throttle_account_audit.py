"""Server-side log-in sessions, failed log-ins per username, the account audit log

Revision ID: e5a7c9b1d3f6
Revises: e5f7a9b1c3d5
Create Date: 2026-12-03 13:30:00

"""
import sqlalchemy as sa
from alembic import op

from dashboard.models import AUDIT_APPEND_ONLY_POSTGRESQL, AUDIT_APPEND_ONLY_SQLITE, UtcDateTime

# revision identifiers, used by Alembic.
revision = 'e5a7c9b1d3f6'
down_revision = 'e5f7a9b1c3d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('started_at', UtcDateTime(), nullable=False),
        sa.Column('ended_at', UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_login_sessions_user_id', 'login_sessions', ['user_id'])
    op.create_index('ix_login_sessions_started_at', 'login_sessions', ['started_at'])
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username_key', sa.String(length=80), nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_failures_at', 'login_failures', ['at'])
    op.create_index('ix_login_failures_key_at', 'login_failures', ['username_key', 'at'])
    op.create_table(
        'account_audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.Column('actor_user_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=200), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=24), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_account_audit_log_at', 'account_audit_log', ['at'])
    op.create_index('ix_account_audit_log_user_id', 'account_audit_log', ['user_id'])
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": AUDIT_APPEND_ONLY_SQLITE, "postgresql": AUDIT_APPEND_ONLY_POSTGRESQL}
    for sql in statements.get(dialect, ()):
        op.execute(sql)


def downgrade():
    # Dropping the table drops its triggers; pantau_append_only() stays (the
    # reporter access log's migration owns it).
    op.drop_index('ix_account_audit_log_user_id', table_name='account_audit_log')
    op.drop_index('ix_account_audit_log_at', table_name='account_audit_log')
    op.drop_table('account_audit_log')
    op.drop_index('ix_login_failures_key_at', table_name='login_failures')
    op.drop_index('ix_login_failures_at', table_name='login_failures')
    op.drop_table('login_failures')
    op.drop_index('ix_login_sessions_started_at', table_name='login_sessions')
    op.drop_index('ix_login_sessions_user_id', table_name='login_sessions')
    op.drop_table('login_sessions')
