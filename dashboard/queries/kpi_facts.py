"""The KPI facts of tickets, as stored, and the rollup they add up to (read only).

A ticket's *facts* (``domain.kpis.TicketFacts``) are the fields its KPI
contributions are computed from. The write side (``services.kpi``) reads them
before and after each change; ``recount`` sums every ticket's contributions from
scratch, ``stored`` reads the rollup as it is, and ``verify`` compares the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from ..domain import kpis, sla
from ..extensions import db
from ..models import Category, KpiDaily, Ticket, Unit

_kelurahan = aliased(Unit, name="kel")


def facts_statement() -> Select[Any]:
    """Ticket id and every field of ``kpis.TicketFacts``, in its order."""
    stmt: Select[Any] = (
        select(  # type: ignore[assignment]
            Ticket.id,
            Ticket.received_at,
            Ticket.status,
            Ticket.assigned_unit_id,
            Ticket.kota_id,
            _kelurahan.parent_id,
            Ticket.category_id,
            Ticket.channel_id,
            Category.weight,
            Ticket.first_response_at,
            Ticket.response_margin_min,
            Ticket.first_completed_at,
            Ticket.completion_margin_min,
            Ticket.ews_at.is_not(None),
            Ticket.escalations_ever,
            Ticket.reopens,
            Ticket.first_validation,
            Ticket.rating,
        )
        .join(Category, Category.id == Ticket.category_id)
        .outerjoin(_kelurahan, _kelurahan.id == Ticket.kelurahan_id)
    )
    return stmt


def facts_for(ticket_id: int) -> kpis.TicketFacts | None:
    """The stored KPI facts of one ticket (what the database holds right now)."""
    row = db.session.execute(facts_statement().where(Ticket.id == ticket_id)).first()
    return None if row is None else row_facts(row)


def row_facts(row: Sequence[Any]) -> kpis.TicketFacts:
    (
        _id,
        received_at,
        status,
        unit_id,
        kota_id,
        kecamatan_id,
        category_id,
        channel_id,
        weight,
        first_response_at,
        response_margin_min,
        first_completed_at,
        completion_margin_min,
        ews,
        escalations_ever,
        reopens,
        first_validation,
        rating,
    ) = row
    return kpis.TicketFacts(
        received_at=received_at,
        status=status,
        unit_id=unit_id,
        kota_id=kota_id,
        kecamatan_id=kecamatan_id,
        category_id=category_id,
        channel_id=channel_id,
        weight=weight,
        first_response_at=first_response_at,
        response_margin_min=response_margin_min,
        first_completed_at=first_completed_at,
        completion_margin_min=completion_margin_min,
        ews=bool(ews),
        escalations_ever=escalations_ever or 0,
        reopens=reopens or 0,
        first_validation=first_validation,
        rating=rating,
    )


def recount(batch: int = 20_000) -> dict[kpis.RowKey, list[int]]:
    """The rollup as it should be, summed from every ticket's stored facts."""
    total: dict[kpis.RowKey, list[int]] = {}
    last_id = 0
    while True:
        rows = db.session.execute(
            facts_statement().where(Ticket.id > last_id).order_by(Ticket.id).limit(batch)
        ).all()
        if not rows:
            return total
        for row in rows:
            kpis.add_into(total, kpis.contributions(row_facts(row), sla.ESCALATION_BITS))
        last_id = rows[-1][0]


def stored() -> dict[kpis.RowKey, list[int]]:
    """The rollup as stored (rows of all zeros left out)."""
    table: Any = KpiDaily.__table__
    cols = [table.c[name] for name in kpis.COUNTERS]
    out: dict[kpis.RowKey, list[int]] = {}
    for row in db.session.execute(
        select(table.c.dim, table.c.key_id, table.c.sub_id, table.c.day, *cols)
    ):
        vec = [int(n) for n in row[4:]]
        if any(vec):
            out[(row[0], row[1], row[2], _as_date(row[3]))] = vec
    return out


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass
class Verification:
    rows_expected: int = 0
    rows_stored: int = 0
    mismatches: list[tuple[kpis.RowKey, dict[str, tuple[int, int]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def verify(limit: int = 50) -> Verification:
    """Compare the stored rollup with a recount from the tickets, counter by counter."""
    expected = {k: v for k, v in recount().items() if any(v)}
    have = stored()
    result = Verification(rows_expected=len(expected), rows_stored=len(have))
    zero = [0] * len(kpis.COUNTERS)
    for key in sorted(expected.keys() | have.keys()):
        want, got = expected.get(key, zero), have.get(key, zero)
        if want != got:
            diff = {
                name: (w, g) for name, w, g in zip(kpis.COUNTERS, want, got, strict=True) if w != g
            }
            result.mismatches.append((key, diff))
    del result.mismatches[limit:]
    return result


def is_empty() -> bool:
    return db.session.scalar(select(KpiDaily.dim).limit(1)) is None
