"""KPI of the validator bodies: each body's decisions in a period, on time or late."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..domain import kpis, sla
from ..extensions import db
from ..models import Ticket, TicketEventRow
from . import kpis as kpi_reads


@dataclass(frozen=True)
class ValidatorRow:
    unit_id: int
    label: str
    figures: kpis.ValidatorFigures


def validator_bodies(scope: kpi_reads.Scope, o: kpi_reads.Org) -> list[kpi_reads.UnitInfo]:
    """The validator bodies a scope covers: all of them for the province, a kota's
    Bagian Pemerintahan for that kota, the body itself (or those below) for a unit."""
    bodies = o.of_kind("validator")
    if scope.kind == "province":
        return bodies
    if scope.kind == "kota":
        return [b for b in bodies if b.kota_id == scope.id]
    if scope.kind == "unit":
        inside = set(scope.unit_ids)
        return [b for b in bodies if b.id in inside]
    return []


def per_validator(
    scope: kpi_reads.Scope, period: kpi_reads.Period, o: kpi_reads.Org
) -> list[ValidatorRow]:
    """Each body's decisions (verified / reopened) in the period, from the history rows:
    the deciding body and the margin to the deadline are frozen on each row."""
    bodies = validator_bodies(scope, o)
    if not bodies:
        return []
    by_kota = {b.kota_id: b for b in bodies}
    rows = db.session.execute(
        select(TicketEventRow.kind, TicketEventRow.data, Ticket.handling_kota_id)
        .join(Ticket, Ticket.id == TicketEventRow.ticket_id)
        .where(
            TicketEventRow.kind.in_(("verified", "reopened")),
            TicketEventRow.at >= period.since,
            TicketEventRow.at < period.until,
        )
    )
    decisions: dict[int, list[kpis.Decision]] = {b.id: [] for b in bodies}
    for kind, data, handling_kota_id in rows:
        data = data or {}
        # Rows written before the body was recorded: the ticket's body now.
        body = by_kota.get(data.get("validation_kota_id", handling_kota_id))
        if body is None:
            continue
        margin = data.get("margin_min")
        decisions[body.id].append(
            kpis.Decision(kind, int(margin) if isinstance(margin, int | float) else None)
        )
    days = sla.SlaRules().validation_days
    return [
        ValidatorRow(b.id, b.display_name, kpis.validator_figures(decisions[b.id], days))
        for b in bodies
    ]
