"""ratings.public_comment; citizens' words redacted for staff other than admin and MRO

Revision ID: e7b1c3d5f9a2
Revises: e7a1c3b5d9f0
Create Date: 2026-12-03 13:30:00

Adds the redacted copy of each rating comment and fills it; rewrites the notes
of ``rated`` history events (and the tickets' ``last_reason`` taken from them)
to their redacted text, as new ratings are now stored; and recomputes every
public description with the redaction that now also catches the reporter's
own phone and e-mail in other spellings.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b1c3d5f9a2'
down_revision = 'e7a1c3b5d9f0'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_comment', sa.Text(), nullable=True))
    _backfill()


def _backfill():
    from dashboard.domain.redaction import redact

    bind = op.get_bind()
    t = sa.table('tickets', sa.column('id', sa.Integer()), sa.column('description', sa.Text()),
                 sa.column('reporter_id', sa.Integer()),
                 sa.column('public_description', sa.Text()),
                 sa.column('last_reason', sa.Text()))
    r = sa.table('reporters', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                 sa.column('phone', sa.String()), sa.column('email', sa.String()))
    g = sa.table('ratings', sa.column('id', sa.Integer()), sa.column('ticket_id', sa.Integer()),
                 sa.column('comment', sa.Text()), sa.column('public_comment', sa.Text()))
    e = sa.table('ticket_events', sa.column('id', sa.BigInteger()),
                 sa.column('ticket_id', sa.Integer()), sa.column('kind', sa.String()),
                 sa.column('note', sa.Text()))

    def mask(text, x):
        return redact(text, names=[x.name], extra=[x.phone, x.email])

    def each(select, key):
        last = 0
        while True:
            rows = bind.execute(select.where(key > last).order_by(key).limit(BATCH)).all()
            if not rows:
                return
            yield rows
            last = rows[-1].id

    people = t.outerjoin(r, r.c.id == t.c.reporter_id)
    for rows in each(sa.select(t.c.id, t.c.description, r.c.name, r.c.phone, r.c.email)
                     .select_from(people), t.c.id):
        bind.execute(
            t.update().where(t.c.id == sa.bindparam('tid'))
            .values(public_description=sa.bindparam('pd')),
            [{'tid': x.id, 'pd': mask(x.description, x)} for x in rows],
        )
    for rows in each(sa.select(g.c.id, g.c.comment, r.c.name, r.c.phone, r.c.email)
                     .select_from(g.join(people, t.c.id == g.c.ticket_id)), g.c.id):
        bind.execute(
            g.update().where(g.c.id == sa.bindparam('gid'))
            .values(public_comment=sa.bindparam('pc')),
            [{'gid': x.id, 'pc': mask(x.comment or '', x)} for x in rows],
        )
    rated = (sa.select(e.c.id, e.c.ticket_id, e.c.note, r.c.name, r.c.phone, r.c.email)
             .select_from(e.join(people, t.c.id == e.c.ticket_id))
             .where(e.c.kind == 'rated', e.c.note != ''))
    for rows in each(rated, e.c.id):
        changed = [(x, mask(x.note, x)) for x in rows]
        changed = [(x, masked) for x, masked in changed if masked != x.note]
        if not changed:
            continue
        bind.execute(
            e.update().where(e.c.id == sa.bindparam('eid')).values(note=sa.bindparam('n')),
            [{'eid': x.id, 'n': masked} for x, masked in changed],
        )
        for x, masked in changed:
            bind.execute(
                t.update().where(t.c.id == x.ticket_id, t.c.last_reason == x.note)
                .values(last_reason=masked)
            )


def downgrade():
    # The redacted notes and descriptions stay redacted (the text as written is
    # kept in tickets.description and ratings.comment).
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('public_comment')
