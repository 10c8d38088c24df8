"""The KPI rollup's writes: kept in step with every ticket change, and rebuilt.

Every use case that changes a ticket reads the ticket's KPI facts before the
change and after it (``record_change``) and adds the difference of their
contributions (``domain.kpis.delta``) to ``kpi_daily``, in the same
transaction: the rollup is never stale and never ahead. ``rebuild`` replaces
it with a recount. The reads (the facts, the recount, ``verify``) are
``queries.kpi_facts``; ``facts_for``, ``verify`` and ``is_empty`` are named here
too for the use cases and commands that call them beside a write.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.dialects import postgresql, sqlite

from ..domain import kpis, sla
from ..extensions import db
from ..models import KpiDaily
from ..queries.kpi_facts import facts_for, is_empty, recount, verify

__all__ = ["add", "facts_for", "is_empty", "rebuild", "record_change", "verify"]

_KEY_COLS = ("dim", "key_id", "day", "sub_id")
_TABLE: Any = KpiDaily.__table__


def record_change(ticket_id: int, before: kpis.TicketFacts | None) -> None:
    """Add one ticket's change to the rollup (flushes the session first)."""
    db.session.flush()
    after = facts_for(ticket_id)
    add(kpis.delta(before, after, sla.ESCALATION_BITS))


def add(changes: Mapping[kpis.RowKey, Sequence[int]]) -> None:
    """Upsert counter increments, in key order (no two writers wait on each other in a cycle).

    One statement of constant shape (every counter, zeros included) for all the
    rows: compiled once and cached, so a write transaction spends its time in the
    database, not in building SQL.
    """
    if not changes:
        return
    dialect = db.session.get_bind().dialect.name
    rows = []
    for (dim, key_id, sub_id, day), vec in sorted(changes.items()):
        row: dict[str, Any] = {"dim": dim, "key_id": key_id, "day": day, "sub_id": sub_id}
        row.update(zip(kpis.COUNTERS, vec, strict=True))
        rows.append(row)
    db.session.execute(_upsert(dialect), rows)


_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    if dialect not in _UPSERTS:
        stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_TABLE)
        _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=list(_KEY_COLS),
            set_={name: _TABLE.c[name] + stmt.excluded[name] for name in kpis.COUNTERS},
        )
    return _UPSERTS[dialect]


def rebuild(batch: int = 5_000) -> int:
    """Replace the rollup with a recount (after a bulk load or a migration). Commits."""
    from ..database import begin_write

    counts = recount()
    begin_write()
    db.session.execute(delete(KpiDaily))
    rows = _row_dicts(counts)
    written = 0
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            db.session.execute(insert(_TABLE), chunk)
            written += len(chunk)
            chunk = []
    if chunk:
        db.session.execute(insert(_TABLE), chunk)
        written += len(chunk)
    db.session.commit()
    return written


def _row_dicts(counts: Mapping[kpis.RowKey, Sequence[int]]) -> Iterator[dict[str, Any]]:
    for (dim, key_id, sub_id, day), vec in sorted(counts.items()):
        if any(vec):
            row: dict[str, Any] = {"dim": dim, "key_id": key_id, "day": day, "sub_id": sub_id}
            row.update(zip(kpis.COUNTERS, vec, strict=True))
            yield row
