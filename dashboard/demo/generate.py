"""A year of demo tickets whose figures reproduce the published Jakarta baseline.

``generate_tickets(n, seed=..., now=...)`` fills the year ending at ``now``
with ``n`` tickets, in steps that each have their module:

- ``world``: the reference rows and staff read from the database;
- ``arrivals``: when tickets come in and of which category (weekly and
  seasonal variation, a rainy-season bump for floods and fallen trees, one
  busiest day ≈ 1.6 × the average);
- ``fates``: which are handled to the end, rejected, or left open in the live
  tail at ``now`` (stuck tickets, unworked past 24 h and 48 h);
- ``reports``: each ticket as reported (channel, place, Indonesian words from
  ``texts``, reporters reused the way real heavy users do);
- ``history``: each ticket's life, produced by the real state machine
  (``domain.workflow.transition``) and applied with the real rules
  (``services.workflow.apply_event``) onto a plain in-memory draft, never an
  ORM row, with the escalations the escalate job would have raised.

Rows are then written here with Core ``insert()`` executemany, one
transaction per batch.

Everything random comes from one ``random.Random(seed)``: the same seed, ``n``
and ``now`` give the same tickets, tracking numbers and histories.

The shape (DESIGN.md §5–6, WORKFLOW.md): ~96.8 % of tickets completed, ~95 %
of completions within 7 days, mean handling ≈ 40 h with the median far below,
first action within the response deadline for ~74 %, ~1 % rejected, most
completions verified within 2 days, a few reopened and redone, ratings on
about a third with mean ≈ 3.8 / 5 (≈ 3.1 on the 4-point Skala Mutu). Open
tickets are concentrated in the last weeks, with a live tail that gives every
page something to show: unworked tickets past 24 h and 48 h (escalated by the
system at the time the escalation job would have run), work in progress,
completions awaiting validation, reopened and overdue tickets.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from flask import current_app
from sqlalchemy import Table, func, insert, select, text

from ..extensions import db
from ..models import (
    Escalation,
    Reporter,
    Ticket,
    TicketEventRow,
    TicketSupport,
    ValidationFlag,
)
from .arrivals import arrivals
from .fates import fates
from .history import History, Rows
from .reports import Reporters, Reports
from .world import World

Progress = Callable[[int, int], None]

BATCH = 2_000
DAYS = 365
RATING_THRESHOLD_DEFAULT = 2


@dataclass
class GenerateStats:
    tickets: int
    events: int
    reporters: int
    seconds: float
    status_counts: dict[str, int] = field(default_factory=dict)
    supports: int = 0
    busiest_day: int = 0
    average_day: float = 0.0

    @property
    def tickets_per_second(self) -> float:
        return self.tickets / self.seconds if self.seconds else 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class _Generator:
    def __init__(
        self, n: int, seed: int, now: datetime, progress: Progress | None, days: int = DAYS
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        if days < 2:
            raise ValueError("days must be at least 2")
        self.n = n
        self.now = now
        self.days = days
        self.rng = random.Random(seed)
        self.progress = progress
        self.world = World()

    def run(self) -> GenerateStats:
        started = time.perf_counter()
        world, rng = self.world, self.rng
        year = arrivals(
            self.n,
            codes=[c.code for c in world.cats],
            shares=world.cat_shares,
            now=self.now,
            days=self.days,
            rng=rng,
        )
        ticket_fates = fates(year.tickets, world.cats, us_mean=world.us_mean, now=self.now, rng=rng)
        rows = Rows()
        reporters = Reporters(rng, rows.reporters)
        reports = Reports(world, rng, reporters)
        history = History(
            world,
            rng,
            now=self.now,
            threshold=int(current_app.config.get("RATING_THRESHOLD", RATING_THRESHOLD_DEFAULT)),
            rows=rows,
            next_event_id=(db.session.scalar(select(func.max(TicketEventRow.id))) or 0) + 1,
        )
        status_counts: Counter[str] = Counter()
        n_events = n_supports = 0
        last = len(year.tickets) - 1

        session = db.session()
        expire = session.expire_on_commit
        session.expire_on_commit = False
        try:
            session.commit()  # start the batches on a clean transaction
            for index, ((received, ci), fate) in enumerate(
                zip(year.tickets, ticket_fates, strict=True)
            ):
                report = reports.report(received, world.cats[ci])
                history.live(report, fate)
                draft = report.draft
                rows.tickets.append(draft.row())
                for s in draft.supporting:
                    rows.supports.append(
                        {"ticket_id": draft.id, "unit_id": s.unit_id, "added_at": s.added_at}
                    )
                status_counts[draft.status] += 1
                if len(rows.tickets) >= BATCH or index == last:
                    n_events += len(rows.events)
                    n_supports += len(rows.supports)
                    _flush(rows)
                    if self.progress is not None:
                        self.progress(index + 1, self.n)
            _fix_sequences()
        finally:
            session.expire_on_commit = expire
        return GenerateStats(
            tickets=len(year.tickets),
            events=n_events,
            reporters=len(reporters.persons),
            seconds=time.perf_counter() - started,
            status_counts=dict(status_counts),
            supports=n_supports,
            busiest_day=year.busiest_day,
            average_day=year.average_day,
        )


def _flush(rows: Rows) -> None:
    """Write a batch, parents before children, in one transaction; empty the lists."""
    for model, batch in (
        (Reporter, rows.reporters),
        (Ticket, rows.tickets),
        (TicketEventRow, rows.events),
        (TicketSupport, rows.supports),
        (Escalation, rows.escalations),
        (ValidationFlag, rows.flags),
    ):
        if batch:
            db.session.execute(insert(cast(Table, model.__table__)), batch)
            batch.clear()
    db.session.commit()


def _fix_sequences() -> None:
    """Explicit ids do not advance PostgreSQL's sequences: move them on."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("reporters", "tickets", "ticket_events"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
    db.session.commit()


def generate_tickets(
    n: int,
    *,
    seed: int,
    now: datetime,
    progress: Progress | None = None,
    days: int = DAYS,
) -> GenerateStats:
    """Fill the year ending at `now` with `n` demo tickets and their histories.

    Needs the reference data (``seed.seed_reference``); uses the demo accounts
    for actors when they exist. Reproducible: the same `n`, `seed` and `now`
    give the same tickets. Commits one transaction per batch of tickets.
    ``days`` spreads the tickets over that many days ending at `now` instead of
    a year (``bench/kpi.py`` uses 1826: five years).
    """
    if n <= 0:
        return GenerateStats(tickets=0, events=0, reporters=0, seconds=0.0)
    return _Generator(n, seed, now, progress, days).run()
