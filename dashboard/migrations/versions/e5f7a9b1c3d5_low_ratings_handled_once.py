"""Low ratings are handled once: a partial index of the unhandled ones, and the
marks of ratings already handled cleared

Before, ``low_rated_at`` stayed set after the completion was returned to its
validator, so every handled low rating stayed a candidate of the
reopen-low-rated job for ever (the job read the oldest 1,000 and new ratings
starved behind them). The mark now means "not yet handled"; this clears it
where the rating was handled already: a low-rating flag exists for the
ticket's current completion, or the validator has sent the ticket back to
its unit (or it was rejected), where a rating can change nothing. The rest
(a review already under way for another reason) the job settles once.

Revision ID: e5f7a9b1c3d5
Revises: d4e6f8a0b2c4
Create Date: 2026-12-03 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5f7a9b1c3d5'
down_revision = 'd4e6f8a0b2c4'
branch_labels = None
depends_on = None

HANDLED = """
UPDATE tickets SET low_rated_at = NULL
WHERE low_rated_at IS NOT NULL AND (
    EXISTS (
        SELECT 1 FROM validation_flags f
        WHERE f.ticket_id = tickets.id AND f.reason = 'low_rating'
          AND f.completion_at = tickets.completed_at
    )
    OR status NOT IN ('awaiting_validation', 'verified', 'reopened')
    OR (status = 'reopened' AND reopen_confirmed)
)
"""


def upgrade():
    op.execute(sa.text(HANDLED))
    op.create_index(
        'ix_tickets_low_rated_pending',
        'tickets',
        ['low_rated_at'],
        unique=False,
        sqlite_where=sa.text('low_rated_at IS NOT NULL'),
        postgresql_where=sa.text('low_rated_at IS NOT NULL'),
    )


def downgrade():
    op.drop_index(
        'ix_tickets_low_rated_pending',
        table_name='tickets',
        sqlite_where=sa.text('low_rated_at IS NOT NULL'),
        postgresql_where=sa.text('low_rated_at IS NOT NULL'),
    )
