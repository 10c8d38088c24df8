"""handover_notes and handover_acks: the MRO shift handover (serah terima)

The outgoing MRO's notes for the next shift and the incoming MRO's
acceptance, keyed by the shift's start (UTC). The report itself is computed
from the tickets and their history.

Revision ID: a12b3c4d5e6f
Revises: e7b1c3d5f9a2
Create Date: 2026-12-03 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import dashboard.models


# revision identifiers, used by Alembic.
revision = 'a12b3c4d5e6f'
down_revision = 'e7b1c3d5f9a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('handover_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_start', dashboard.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=False),
    sa.Column('author_label', sa.String(length=200), nullable=False),
    sa.Column('at', dashboard.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handover_notes', schema=None) as batch_op:
        batch_op.create_index('ix_handover_notes_shift', ['shift_start'], unique=False)

    op.create_table('handover_acks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_start', dashboard.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('user_label', sa.String(length=200), nullable=False),
    sa.Column('at', dashboard.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shift_start', 'user_id', name='uq_handover_acks_once')
    )


def downgrade():
    op.drop_table('handover_acks')
    with op.batch_alter_table('handover_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_handover_notes_shift')
    op.drop_table('handover_notes')
