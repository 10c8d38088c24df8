"""Benchmark: the `escalate` sweep over 1,000,000 tickets with about 1 % open.

Fills a fresh database (SQLite temp file, and PostgreSQL when
BENCH_DATABASE_URL or TEST_DATABASE_URL is set) with five years of tickets
by bulk insert — 99 % closed, 1 % open: fresh, in progress, unworked past
24 h / 48 h, late, overdue — with the escalations already raised for the
ones that are due (the steady state the job keeps). Then it times:

- the steady-state sweep (nothing new is due: the minute-by-minute cost);
- a sweep one hour later, when a slice of the open tickets crosses a
  deadline and gets escalated (query plus raising each one);
- and prints the query plan, to show only the open tickets are read.

    .venv/bin/python bench/escalate.py [--tickets 1000000] [--open-share 0.01]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import database  # noqa: E402

from dashboard import create_app  # noqa: E402
from dashboard.domain import sla  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import Escalation, Ticket  # noqa: E402
from dashboard.services import escalation  # noqa: E402
from dashboard.services.workflow import no_publish  # noqa: E402

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
H = timedelta(hours=1)


def fill(n: int, open_share: float, seed: int = 1) -> tuple[int, int]:
    """Bulk-insert n tickets; returns (open tickets, escalations inserted)."""
    from dashboard.demo.seed import seed_reference
    from dashboard.models import Category, Channel, Unit

    seed_reference(NOW)
    rng = random.Random(seed)
    kel = list(db.session.execute(sa.select(Unit.id, Unit.kota_id).where(Unit.kind == "kelurahan")))
    cats = list(db.session.execute(sa.select(Category.id, Category.weight)))
    channel = db.session.scalar(sa.select(Channel.id).where(Channel.code == "jaki"))
    start = NOW - timedelta(days=5 * 365)
    span = (NOW - start).total_seconds()
    rows: list[dict] = []
    escalations: list[dict] = []
    n_open = 0
    batch = 20_000
    tickets = Ticket.__table__
    esc = Escalation.__table__
    for i in range(1, n + 1):
        unit, kota = rng.choice(kel)
        cat, weight = rng.choice(cats)
        is_open = rng.random() < open_share
        if is_open:
            n_open += 1
            age = timedelta(hours=rng.expovariate(1 / 40))  # open ones are mostly recent
            received = NOW - age
        else:
            received = start + timedelta(seconds=rng.random() * span)
        response_due = sla.response_due(received, 6)
        completion_due = sla.completion_due(received, weight)
        row = {
            "id": i,
            "tracking": f"B-{i:09d}",
            "channel_id": channel,
            "external_id": None,
            "payload_hash": None,
            "category_id": cat,
            "description": "Laporan uji beban.",
            "lat": None,
            "lon": None,
            "address": None,
            "kelurahan_id": unit,
            "kota_id": kota,
            "assigned_unit_id": unit,
            "handling_kota_id": kota,
            "routed_by": "nearest",
            "reopen_confirmed": False,
            "confidentiality": "anonymous",
            "reporter_id": None,
            "reporter_hash": None,
            "reported_at": received,
            "received_at": received,
            "clock_started_at": received,
            "clock_stopped_at": None,
            "first_response_at": None,
            "work_started_at": None,
            "first_completed_at": None,
            "completed_at": None,
            "validated_at": None,
            "closed_at": None,
            "ews_at": None,
            "redo_due_at": None,
            "response_due_at": response_due,
            "completion_due_at": completion_due,
            "response_margin_min": None,
            "completion_margin_min": None,
            "escalation_level": 0,
            "escalation_ack_at": None,
            "escalation_flags": 0,
            "rating": None,
            "duplicate_of_id": None,
            "last_reason": None,
            "updated_at": received,
            "event_count": 1,
            "version": 1,
        }
        worked = rng.random() < (0.55 if is_open else 1.0)
        if worked:
            responded = received + timedelta(hours=rng.expovariate(1 / 5))
            row.update(
                first_response_at=responded, clock_stopped_at=responded, work_started_at=responded
            )
        if not is_open:
            if row["first_response_at"] > response_due:
                # History: the job marked it late back then.
                escalations.append(
                    {
                        "ticket_id": i,
                        "level": "late",
                        "cycle_start": response_due,
                        "at": response_due,
                        "unit_id": unit,
                    }
                )
            done = received + timedelta(hours=rng.expovariate(1 / 40))
            row.update(
                status="verified",
                first_completed_at=done,
                completed_at=done,
                validated_at=done + 24 * H,
                closed_at=done + 24 * H,
            )
        else:
            row["status"] = "in_progress" if worked else "waiting"
            # The steady state: what is due has been raised already.
            clocks = sla.Clocks(
                status=sla.Status(row["status"]),
                assigned_unit_id=unit,
                received_at=received,
                response_due_at=response_due,
                first_response_at=row["first_response_at"],
                clock_started_at=received,
                clock_stopped_at=row["clock_stopped_at"],
                completion_due_at=completion_due,
            )
            for due in sla.due_escalations(clocks, NOW):
                escalations.append(
                    {
                        "ticket_id": i,
                        "level": due.level,
                        "cycle_start": due.cycle_start,
                        "at": due.due_at,
                        "unit_id": unit,
                    }
                )
                row["escalation_flags"] |= sla.ESCALATION_BITS[due.level]
                if due.level in ("level1", "level2"):
                    row["escalation_level"] = int(due.level[-1])
        rows.append(row)
        if len(rows) >= batch:
            db.session.execute(sa.insert(tickets), rows)
            if escalations:
                db.session.execute(sa.insert(esc), escalations)
            db.session.commit()
            rows.clear()
            escalations.clear()
    if rows:
        db.session.execute(sa.insert(tickets), rows)
    if escalations:
        db.session.execute(sa.insert(esc), escalations)
    db.session.commit()
    n_esc = db.session.scalar(sa.select(sa.func.count()).select_from(Escalation))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('tickets','id'), "
                "(SELECT max(id) FROM tickets))"
            )
        )
        db.session.execute(sa.text("ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return n_open, int(n_esc or 0)


def plan(now: datetime) -> str:
    stmt = escalation.candidates_statement(now, 2000)
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    lines = db.session.execute(sa.text(prefix + str(compiled))).all()
    db.session.rollback()
    return "\n".join("    " + " ".join(str(c) for c in line) for line in lines)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def bench(backend: str, n: int, open_share: float) -> None:
    with database(backend) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            n_open, n_esc = fill(n, open_share)
            fill_s = time.perf_counter() - t0
            print(
                f"{backend:10s} filled {n:,} tickets ({n_open:,} open, {n_esc:,} escalations "
                f"already raised) in {fill_s:.0f} s"
            )
            steady = timed(lambda: escalation.sweep(now=NOW, publish=no_publish), 7)
            print(
                f"{backend:10s} steady-state sweep (nothing new due): median "
                f"{statistics.median(steady):6.1f} ms  max {max(steady):6.1f} ms  (7 runs)"
            )
            later = NOW + H
            t0 = time.perf_counter()
            result = escalation.sweep(now=later, publish=no_publish)
            busy = (time.perf_counter() - t0) * 1000
            print(
                f"{backend:10s} sweep one hour later: raised {result.total} "
                f"{dict(result.raised)} in {busy:6.1f} ms "
                f"({busy / max(1, result.total):.1f} ms per escalation)"
            )
            again = timed(lambda: escalation.sweep(now=later, publish=no_publish), 3)
            print(
                f"{backend:10s} the same minute again: median {statistics.median(again):6.1f} ms"
                f", raised 0"
            )
            print(f"{backend:10s} candidate query plan:\n{plan(later)}")
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.01)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if "postgresql" in backends and not pg:
        print("postgresql skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL")
        backends.remove("postgresql")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for backend in backends:
        bench(backend, args.tickets, args.open_share)


if __name__ == "__main__":
    main()
