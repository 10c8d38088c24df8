"""Benchmark: the KPI pages at 1,000,000 tickets (five years of Jakarta), SQLite and PostgreSQL.

Loads the tickets with the real demo generator (``generate_tickets(...,
days=1826)``: the real state machine, five years ending at a fixed instant),
rebuilds the KPI rollup, and keeps the databases for the next run:

- SQLite: ``/tmp/pantau-bench-kpi/kpi-<N>.sqlite``;
- PostgreSQL: schema ``bench_kpi_<N>`` in the database of ``BENCH_DATABASE_URL``
  or ``TEST_DATABASE_URL`` (only that schema is ever dropped).

A cached database is reused when it holds N tickets from a finished load and
its tables have the columns of today's models; indexes the models gained
since are created, and a changed ``kpi_daily`` is recreated and rebuilt.
``--rebuild-data`` loads afresh.

Then it times, warm (one warm-up, then ``--repeat`` runs; p50 / p95 / max),
the read side (``dashboard.queries.kpis``) the way each page calls it, for
the last 30 days and the last 365 days:

- the province executive summary (figures for the period and the previous
  one, trend, backlog, per kota, per kecamatan, per category, per channel,
  the worst late tickets), the busiest kota's summary;
- the busiest kelurahan's unit page and the busiest agency's unit page
  (figures + previous, trend, its ranking line, per category, per channel,
  backlog);
- the rankings pages (kelurahan, kecamatan, agency: a fixed 30-day window);

then the same pages through the Flask test client (log-in as a governor:
an executive with no kota) when ``/kpi/`` exists — server time is the
in-process handling of the request. It prints the figures, a cross-check of
a few against plain counts from the tickets, the rollup's size,
``kpi.verify()`` and ``kpi.rebuild()`` times, a per-query breakdown of the
slowest page and the plans (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) of the
slowest statements. With both engines it checks they print the same figures.

    .venv/bin/python bench/kpi.py [--tickets 1000000] [--backend both] [--repeat 15]

Loading 1,000,000 tickets took 24 min on SQLite and 27 min on PostgreSQL
here (683 and 621 tickets/s, both engines loading at once on two shared
cores), plus 1.5–3 min for the rollup; ``--load-only`` builds the caches and
stops. SQLite runs without ``ANALYZE`` statistics, as the app leaves it
(``--sqlite-analyze`` adds them); on PostgreSQL the bench runs ``VACUUM
ANALYZE`` first, as autovacuum would (the test server has it off).
Every loop is bounded; the only server is PostgreSQL on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import create_app  # noqa: E402
from dashboard.extensions import db  # noqa: E402

# Monday 10:00 WIB: both engines get the same five years, so the same figures.
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
DAYS = 1826
SEED = 2024
DATA_DIR = Path("/tmp/pantau-bench-kpi")
META = "bench_kpi_meta"
BUDGET_MS = 300.0
GOVERNOR = ("bench-gubernur", "bench-gubernur-pw-1")
ADMIN = ("bench-admin", "bench-admin-pw-1")


def log(msg: str) -> None:
    print(msg, flush=True)


# --- databases -------------------------------------------------------------------------


def pg_base_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(n: int) -> Path:
    return DATA_DIR / f"kpi-{n}.sqlite"


def pg_schema(n: int) -> str:
    return f"bench_kpi_{n}"


def db_url(backend: str, n: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{sqlite_path(n)}"
    base = pg_base_url()
    assert base is not None
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{pg_schema(n)}"


def make_app(url: str) -> Any:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",  # the reporter hash key derives from it: same on both
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_FAST": True,
            "SOCKETIO_ASYNC_MODE": "threading",
            "RATELIMIT_ENABLED": False,
        }
    )


def drop_database(backend: str, n: int) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite_path(n)}{suffix}").unlink(missing_ok=True)
        return
    base = pg_base_url()
    assert base is not None
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {pg_schema(n)} CASCADE"))
    admin.dispose()


def create_database(backend: str, n: int) -> None:
    if backend == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return
    base = pg_base_url()
    assert base is not None
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {pg_schema(n)}"))
    admin.dispose()


def read_meta() -> dict[str, Any] | None:
    insp = sa.inspect(db.engine)
    if not insp.has_table(META):
        return None
    rows = db.session.execute(sa.text(f"SELECT k, v FROM {META}")).all()
    db.session.rollback()
    return {k: json.loads(v) for k, v in rows}


def write_meta(values: dict[str, Any]) -> None:
    db.session.execute(
        sa.text(f"CREATE TABLE IF NOT EXISTS {META} (k VARCHAR(40) PRIMARY KEY, v TEXT)")
    )
    for k, v in values.items():
        db.session.execute(sa.text(f"DELETE FROM {META} WHERE k = :k"), {"k": k})
        db.session.execute(
            sa.text(f"INSERT INTO {META} (k, v) VALUES (:k, :v)"), {"k": k, "v": json.dumps(v)}
        )
    db.session.commit()


def schema_drift() -> tuple[set[str], list[str], list[str]]:
    """Tables whose columns differ from the models; model indexes missing; extra indexes."""
    insp = sa.inspect(db.engine)
    have_tables = set(insp.get_table_names())
    changed: set[str] = set()
    missing_idx: list[str] = []
    extra_idx: list[str] = []
    for table in db.metadata.sorted_tables:
        if table.name not in have_tables:  # a table the models gained: create it, empty
            log(f"{db.engine.dialect.name:10s} creating table {table.name}")
            table.create(db.engine)
            continue
        cols = {c["name"] for c in insp.get_columns(table.name)}
        added = [c for c in table.columns if c.name not in cols]
        if (
            table.name == "kpi_daily"
            and added
            or cols - {c.name for c in table.columns}
            or any(not c.nullable and c.server_default is None for c in added)
        ):
            changed.add(table.name)
            continue
        for col in added:  # a nullable column the models gained: add it in place
            ddl = sa.schema.CreateColumn(col).compile(dialect=db.engine.dialect)
            log(f"{db.engine.dialect.name:10s} adding column {table.name}.{col.name}")
            db.session.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))
            db.session.commit()
        have = {
            i["name"]: list(i["column_names"])
            for i in insp.get_indexes(table.name)
            if not i.get("duplicates_constraint")
        }
        want = {i.name: [c.name for c in i.columns] for i in table.indexes}
        # An index whose columns changed is dropped and created anew.
        redo = sorted(n for n in set(have) & set(want) if have[n] != want[n])
        missing_idx += [f"{table.name}.{name}" for name in sorted(set(want) - set(have))]
        missing_idx += [f"{table.name}.{name}" for name in redo]
        extra_idx += [f"{table.name}.{name}" for name in sorted(set(have) - set(want))]
        extra_idx += [f"{table.name}.{name}" for name in redo]
    return changed, missing_idx, extra_idx


# --- loading ----------------------------------------------------------------------------------


def load(n: int, backend: str) -> dict[str, Any]:
    """Fill an empty database: reference data, accounts, N tickets over five years, rollup."""
    from dashboard.demo.generate import generate_tickets
    from dashboard.demo.seed import create_demo_accounts, seed_reference
    from dashboard.domain import kpis
    from dashboard.services import accounts, kpi

    db.create_all()
    write_meta({"tickets": n, "complete": False})
    seed_reference(NOW)
    create_demo_accounts(NOW)
    accounts.create_user(
        username=GOVERNOR[0], password=GOVERNOR[1], display_name="Gubernur (bench)",
        role="executive", now=NOW,
    )  # fmt: skip
    accounts.create_user(
        username=ADMIN[0], password=ADMIN[1], display_name="Admin (bench)", role="admin", now=NOW
    )
    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        t = time.perf_counter()
        if t - last[0] >= 30 or done == total:
            last[0] = t
            log(
                f"  {backend:10s} {done:>9,} / {total:,} tickets  {t - started:6.0f} s "
                f"({done / (t - started):,.0f}/s)"
            )

    stats = generate_tickets(n, seed=SEED, now=NOW, progress=progress, days=DAYS)
    gen_s = time.perf_counter() - started
    t0 = time.perf_counter()
    rows = kpi.rebuild()
    rebuild_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    if backend == "postgresql":
        pg_vacuum()
    analyze_s = time.perf_counter() - t0
    meta = {
        "tickets": stats.tickets,
        "events": stats.events,
        "reporters": stats.reporters,
        "status_counts": stats.status_counts,
        "seed": SEED,
        "days": DAYS,
        "now": NOW.isoformat(),
        "generate_s": round(gen_s, 1),
        "rebuild_s": round(rebuild_s, 1),
        "rollup_rows": rows,
        "counters": list(kpis.COUNTERS),
        "analyze_s": round(analyze_s, 1),
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "complete": True,
    }
    write_meta(meta)
    return meta


def pg_vacuum() -> float:
    """VACUUM ANALYZE the schema, as autovacuum would have done on a live server.

    The visibility map it sets is what lets index-only scans skip the table.
    """
    db.session.commit()
    t0 = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - t0


def ensure_data(backend: str, n: int, rebuild_data: bool) -> tuple[Any, dict[str, Any]]:
    """The app on a database holding N tickets (built or reused); returns (app, meta)."""
    from dashboard.domain import kpis as dk
    from dashboard.services import kpi

    url = db_url(backend, n)
    if rebuild_data:
        drop_database(backend, n)
    create_database(backend, n)
    app = make_app(url)
    with app.app_context():
        meta = read_meta()
        reason = None
        if meta is None:
            reason = "no cached database"
        elif not meta.get("complete"):
            reason = "the cached load did not finish"
        elif (
            meta.get("tickets") != n
            or meta.get("days") != DAYS
            or meta.get("now") != NOW.isoformat()
        ):
            reason = "the cached database holds other data"
        else:
            changed, missing, extra = schema_drift()
            if meta.get("counters") != list(dk.COUNTERS):
                changed.add("kpi_daily")  # same columns, other contributions: rebuild
            if changed - {"kpi_daily"}:
                reason = f"the models changed ({', '.join(sorted(changed))})"
            else:
                if "kpi_daily" in changed:
                    log(f"{backend:10s} KPI counters changed: recreating and rebuilding kpi_daily")
                    db.session.commit()
                    db.metadata.tables["kpi_daily"].drop(db.engine, checkfirst=True)
                    db.metadata.tables["kpi_daily"].create(db.engine)
                    t0 = time.perf_counter()
                    meta["rollup_rows"] = kpi.rebuild()
                    meta["rebuild_s"] = round(time.perf_counter() - t0, 1)
                    meta["counters"] = list(dk.COUNTERS)
                    write_meta(meta)
                    log(
                        f"{backend:10s} rollup rebuilt: {meta['rollup_rows']:,} rows in "
                        f"{meta['rebuild_s']:.1f} s"
                    )
                for name in extra:  # the database mirrors the models: no index they lack
                    log(f"{backend:10s} dropping index the models no longer have: {name}")
                    db.session.execute(sa.text(f"DROP INDEX {name.split('.', 1)[1]}"))
                    db.session.commit()
                for name in missing:
                    table, idx = name.split(".", 1)
                    log(f"{backend:10s} creating index the models gained: {name}")
                    next(i for i in db.metadata.tables[table].indexes if i.name == idx).create(
                        db.engine
                    )
        if reason is None:
            log(
                f"{backend:10s} reusing cached database: {meta['tickets']:,} tickets, loaded "
                f"{meta['loaded_at']} in {meta['generate_s']:.0f} s"
            )
            return app, meta
        db.session.remove()
        db.engine.dispose()
    log(f"{backend:10s} loading {n:,} tickets over {DAYS} days ({reason}) …")
    drop_database(backend, n)
    create_database(backend, n)
    app = make_app(url)
    with app.app_context():
        meta = load(n, backend)
        db.session.remove()
        db.engine.dispose()
    log(
        f"{backend:10s} loaded {meta['tickets']:,} tickets, {meta['events']:,} events in "
        f"{meta['generate_s']:.0f} s ({meta['tickets'] / meta['generate_s']:,.0f} tickets/s); "
        f"rollup rebuilt: {meta['rollup_rows']:,} rows in {meta['rebuild_s']:.1f} s"
    )
    return app, meta


# --- timing ---------------------------------------------------------------------------------


class SqlLog:
    """Every statement the engine runs, tagged with the page step that ran it."""

    def __init__(self, engine: sa.Engine) -> None:
        self.label = ""
        self.on = False
        self.records: list[tuple[str, str, Any]] = []
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.count += 1
        if self.on:
            self.records.append((self.label, statement, parameters))


class Steps:
    """Times the steps of one page run (wall time, rows fetched and Python included)."""

    def __init__(self, sql: SqlLog) -> None:
        self.sql = sql
        self.ms: dict[str, float] = {}

    def __call__(self, name: str, fn: Callable[..., Any], *args: Any) -> Any:
        self.sql.label = name
        t0 = time.perf_counter()
        out = fn(*args)
        self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000
        return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fig_summary(f: Any) -> dict[str, Any]:
    def r(x: float | None, k: int = 4) -> float | None:
        return None if x is None else round(x, k)

    return {
        "received": f.received,
        "reporters": f.reporters,
        "completed": f.completed,
        "completion_rate": r(f.completion_rate),
        "response_rate": r(f.response_rate),
        "on_time_rate": r(f.on_time_rate),
        "mean_h": r(f.mean_handling_h, 2),
        "median_h": r(f.median_handling_h, 2),
        "rating": r(f.mean_rating, 3),
        "open_overdue": f.open_overdue,
        "escalations": sum(f.escalations.values()),
    }


def summary_page(step: Steps, actor: Any, kota_id: int | None, period: Any, now: datetime) -> dict:
    from dashboard.queries import kpi_tickets
    from dashboard.queries import kpis as q

    o = step("org", q.org)
    scope = step("area_scope", q.area_scope, actor, kota_id, o)
    fig = step("figures_for", q.figures_for, scope, period, now)
    prev = step("figures_for (previous)", q.figures_for, scope, period.previous(), now)
    trend = step("trend", q.trend, scope, period)
    backlog = step("backlog", q.backlog, scope, now)
    kota = step("per_kota", q.per_kota, period, now, o) if scope.kind == "province" else []
    kec = step("per_kecamatan", q.per_kecamatan, scope, period, now, o)
    cat = step("per_category", q.per_category, scope, period, now)
    chan = step("per_channel", q.per_channel, scope, period, now)
    late = step("worst_late", kpi_tickets.worst_late, scope, actor, now, o)
    return {
        "figures": fig_summary(fig),
        "previous": fig_summary(prev),
        "trend_received": sum(p.received for p in trend),
        "backlog": backlog.total,
        "kota_rows": len(kota),
        "kecamatan_rows": len(kec),
        "category_received": sum(r.figures.received for r in cat),
        "channel_received": sum(r.figures.received for r in chan),
        "worst_late_h": round(late[0].hours_late, 1) if late else None,
    }


def unit_page(step: Steps, actor: Any, unit_id: int, period: Any, now: datetime) -> dict:
    from dashboard.queries import kpi_rankings
    from dashboard.queries import kpis as q

    o = step("org", q.org)
    scope = step("unit_scope", q.unit_scope, actor, unit_id, o)
    fig = step("figures_for", q.figures_for, scope, period, now)
    prev = step("figures_for (previous)", q.figures_for, scope, period.previous(), now)
    trend = step("trend", q.trend, scope, period)
    rank = step("unit_rank", kpi_rankings.unit_rank, unit_id, now, o)
    split = step("unit_split", q.unit_split, scope, period)  # read once, as the page does
    cat = step("per_category", q.per_category, scope, period, now, split)
    chan = step("per_channel", q.per_channel, scope, period, now, split)
    backlog = step("backlog", q.backlog, scope, now)
    return {
        "figures": fig_summary(fig),
        "previous": fig_summary(prev),
        "trend_received": sum(p.received for p in trend),
        "rank": None
        if rank is None
        else [rank[0], rank[1].entry.rank, rank[2], round(rank[1].entry.score.total, 2)],
        "category_received": sum(r.figures.received for r in cat),
        "channel_received": sum(r.figures.received for r in chan),
        "backlog": backlog.total,
    }


def rankings_page(step: Steps, group: str, now: datetime) -> dict:
    from dashboard.queries import kpi_rankings
    from dashboard.queries import kpis as q

    o = step("org", q.org)
    table = step("ranking", kpi_rankings.ranking, group, now, o)
    top = [(r.unit.display_name, round(r.entry.score.total, 2)) for r in table.rows[:3]]
    return {
        "rows": len(table.rows),
        "ranked": sum(1 for r in table.rows if r.entry.ranked),
        "top3": top,
    }


def busiest(now: datetime) -> dict[str, tuple[int, str]]:
    """The kota, kelurahan and agency (with its subtree) that received most in the last year."""
    from dashboard.domain import kpis as dk
    from dashboard.models import KpiDaily
    from dashboard.queries import kpis as q

    o = q.org()
    year = q.Period.last_days(dk.wib_day(now), 365)
    t = KpiDaily.__table__

    def received(dim: str) -> dict[int, int]:
        rows = db.session.execute(
            sa.select(t.c.key_id, sa.func.sum(t.c.received))
            .where(t.c.dim == dim, t.c.day >= year.start, t.c.day <= year.end)
            .group_by(t.c.key_id)
        )
        return {k: int(n or 0) for k, n in rows}

    by_unit, by_area = received("unit"), received("area")
    kota = max((u for u in o.of_kind("kota", "kabupaten")), key=lambda u: by_area.get(u.id, 0))
    kel = max(o.of_kind("kelurahan"), key=lambda u: by_unit.get(u.id, 0))
    agency = max(o.of_kind("agency"), key=lambda u: sum(by_unit.get(x, 0) for x in o.subtree(u.id)))
    db.session.rollback()
    return {
        "kota": (kota.id, kota.display_name),
        "kelurahan": (kel.id, kel.display_name),
        "agency": (agency.id, agency.display_name),
    }


def page_plan(actor: Any, units: dict[str, tuple[int, str]], now: datetime) -> list[tuple]:
    """(name, period label, runner) for every page timed."""
    from dashboard.domain import kpis as dk
    from dashboard.queries import kpis as q

    today = dk.wib_day(now)
    out: list[tuple] = []
    for days in (30, 365):
        period = q.Period.last_days(today, days)
        label = f"{days} d"
        out += [
            ("province summary", label,
             lambda st, p=period: summary_page(st, actor, None, p, now)),
            (f"kota summary ({units['kota'][1]})", label,
             lambda st, p=period: summary_page(st, actor, units["kota"][0], p, now)),
            (f"kelurahan page ({units['kelurahan'][1]})", label,
             lambda st, p=period: unit_page(st, actor, units["kelurahan"][0], p, now)),
            (f"agency page ({units['agency'][1]})", label,
             lambda st, p=period: unit_page(st, actor, units["agency"][0], p, now)),
        ]  # fmt: skip
    for group in ("kelurahan", "kecamatan", "agency"):
        out.append((f"rankings ({group})", "30 d*", lambda st, g=group: rankings_page(st, g, now)))
    return out


def run_pages(plan: list[tuple], sql: SqlLog, repeat: int) -> list[dict[str, Any]]:
    results = []
    for name, label, runner in plan:
        runner(Steps(sql))  # warm-up
        db.session.remove()
        totals: list[float] = []
        steps: dict[str, list[float]] = defaultdict(list)
        queries = 0
        summary: dict = {}
        for _ in range(repeat):
            st = Steps(sql)
            before = sql.count
            t0 = time.perf_counter()
            summary = runner(st)
            totals.append((time.perf_counter() - t0) * 1000)
            queries = sql.count - before
            db.session.remove()  # the request's teardown
            for k, v in st.ms.items():
                steps[k].append(v)
        results.append(
            {
                "page": name,
                "period": label,
                "runner": runner,
                "ms": totals,
                "steps": {k: statistics.median(v) for k, v in steps.items()},
                "queries": queries,
                "summary": summary,
            }
        )
        log(
            f"  {name:44s} {label:6s} p50 {pct(totals, 0.5):7.1f}  p95 {pct(totals, 0.95):7.1f}"
            f"  max {max(totals):7.1f} ms  ({queries} queries)"
            + ("  OVER 300 ms" if pct(totals, 0.5) > BUDGET_MS else "")
        )
    return results


def statement_times(
    runner: Callable, sql: SqlLog, runs: int = 3
) -> list[tuple[float, str, str, Any]]:
    """Each statement of one page run, re-run alone (rows fetched): (ms, step, sql, params)."""
    sql.records.clear()
    sql.on = True
    try:
        runner(Steps(sql))
    finally:
        sql.on = False
        db.session.remove()
    seen: dict[tuple[str, str], tuple[float, str, str, Any]] = {}
    conn = db.session.connection()
    for step, statement, params in sql.records:
        if statement.strip().upper() in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
            continue
        key = (statement, repr(params))
        if key in seen:
            continue
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            conn.exec_driver_sql(statement, params).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        seen[key] = (statistics.median(times), step, statement, params)
    db.session.rollback()
    return sorted(seen.values(), key=lambda x: -x[0])


def explain(statement: str, params: Any) -> str:
    conn = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        depth: dict[int, int] = {0: 0}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * depth[node] + str(detail))
    else:
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
        lines = [r[0] for r in rows]
    db.session.rollback()
    return "\n".join("      " + line for line in lines)


def one_line(statement: str, limit: int = 400) -> str:
    text = " ".join(statement.split())
    return text if len(text) <= limit else text[:limit] + " …"


def spot_check(units: dict[str, tuple[int, str]], now: datetime) -> list[str]:
    """A few rollup figures against plain counts over the tickets table."""
    from dashboard.domain import kpis as dk
    from dashboard.models import Ticket
    from dashboard.queries import kpis as q
    from dashboard.scope import actor_for_user  # noqa: F401

    o = q.org()
    out = []
    for days in (30, 365):
        period = q.Period.last_days(dk.wib_day(now), days)
        for label, scope in (
            ("province", q.Scope("province", None, "")),
            ("kelurahan", q.Scope("unit", units["kelurahan"][0], "",
                                  tuple(o.subtree(units["kelurahan"][0])))),
            ("agency", q.Scope("unit", units["agency"][0], "",
                               tuple(o.subtree(units["agency"][0])))),
        ):  # fmt: skip
            totals = scope.totals(period)
            where = scope.ticket_filter()
            rec = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Ticket)
                .where(where, Ticket.received_at >= period.since, Ticket.received_at < period.until)
            )
            done = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Ticket)
                .where(
                    where,
                    Ticket.first_completed_at >= period.since,
                    Ticket.first_completed_at < period.until,
                )
            )
            ok = rec == totals["received"] and done == totals["completed"]
            out.append(
                f"{label} {days} d: received {totals['received']:,} (tickets: {rec:,}), "
                f"completed {totals['completed']:,} (tickets: {done:,}) "
                + ("OK" if ok else "MISMATCH")
            )
    db.session.rollback()
    return out


def rollup_size() -> str:
    t = "kpi_daily"
    by_dim = dict(db.session.execute(sa.text(f"SELECT dim, count(*) FROM {t} GROUP BY dim")).all())
    total = sum(by_dim.values())
    dims = ", ".join(f"{k} {v:,}" for k, v in sorted(by_dim.items()))
    if db.engine.dialect.name == "postgresql":
        heap, idx = db.session.execute(
            sa.text(f"SELECT pg_relation_size('{t}'), pg_indexes_size('{t}')")
        ).one()
        tickets = db.session.scalar(sa.text("SELECT pg_total_relation_size('tickets')"))
        whole = db.session.scalar(
            sa.text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM "
                "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        )
    else:
        try:
            sizes = dict(
                db.session.execute(
                    sa.text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")
                ).all()
            )
            heap = sizes.get(t, 0)
            idx = sum(
                v
                for k, v in sizes.items()
                if k.startswith(("sqlite_autoindex_kpi_daily", "ix_kpi_daily"))
            )
            tickets = sizes.get("tickets", 0) + sum(
                v
                for k, v in sizes.items()
                if k.startswith(("ix_tickets", "sqlite_autoindex_tickets"))
            )
        except sa.exc.OperationalError:
            heap = idx = tickets = 0
        whole = os.path.getsize(db.engine.url.database or "")
    db.session.rollback()
    mb = 1024 * 1024
    return (
        f"{total:,} rows ({dims}); table {heap / mb:.1f} MB + indexes {idx / mb:.1f} MB "
        f"(tickets with indexes: {tickets / mb:,.0f} MB; database {int(whole or 0) / mb:,.0f} MB)"
    )


# --- HTTP ---------------------------------------------------------------------------------------


def http_pages(app: Any, units: dict[str, tuple[int, str]], repeat: int) -> list[dict] | None:
    """The real pages through the test client, logged in as the governor; None if absent."""
    import time_machine

    rules = {r.rule for r in app.url_map.iter_rules()}
    if "/kpi/" not in rules:
        return None
    from dashboard.domain import kpis as dk

    today = dk.wib_day(NOW)
    urls: list[tuple[str, str, str]] = []
    for days in (30, 365):
        qs = "" if days == 30 else f"from={today - timedelta(days=days - 1)}&to={today}"
        amp = f"&{qs}" if qs else ""
        q1 = f"?{qs}" if qs else ""
        label = f"{days} d"
        urls += [
            ("GET /kpi/ (province)", label, f"/kpi/{q1}"),
            (f"GET /kpi/?kota= ({units['kota'][1]})", label, f"/kpi/?kota={units['kota'][0]}{amp}"),
            ("GET /kpi/unit/<kelurahan>", label, f"/kpi/unit/{units['kelurahan'][0]}{q1}"),
            ("GET /kpi/unit/<agency>", label, f"/kpi/unit/{units['agency'][0]}{q1}"),
        ]
    for group in ("kelurahan", "kecamatan", "agency"):
        urls.append((f"GET /kpi/rankings?group={group}", "30 d*", f"/kpi/rankings?group={group}"))
    out = []
    with time_machine.travel(NOW, tick=True):
        client = app.test_client()
        resp = client.post("/login", data={"username": GOVERNOR[0], "password": GOVERNOR[1]})
        if resp.status_code != 302:
            log(f"  log-in failed: HTTP {resp.status_code}")
            return []
        for name, label, url in urls:
            resp = client.get(url)  # warm-up
            status, size = resp.status_code, len(resp.data)
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                resp = client.get(url)
                _ = resp.data
                times.append((time.perf_counter() - t0) * 1000)
            out.append({"page": name, "period": label, "url": url, "ms": times,
                        "status": status, "bytes": size})  # fmt: skip
            log(
                f"  {name:44s} {label:6s} p50 {pct(times, 0.5):7.1f}  p95 {pct(times, 0.95):7.1f}"
                f"  max {max(times):7.1f} ms  HTTP {status}, {size / 1024:.0f} KB  {url}"
                + ("  OVER 300 ms" if pct(times, 0.5) > BUDGET_MS else "")
            )
    return out


# --- one engine ---------------------------------------------------------------------------------


def sqlite_stats(want: bool) -> str:
    """Put SQLite's ANALYZE statistics in the wanted state (the app never runs ANALYZE)."""
    insp = sa.inspect(db.engine)
    has = insp.has_table("sqlite_stat1")
    if want and not has:
        t0 = time.perf_counter()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        msg = f"ANALYZE run ({time.perf_counter() - t0:.1f} s)"
    elif not want and has:
        db.session.execute(sa.text("DROP TABLE sqlite_stat1"))
        db.session.commit()
        msg = "ANALYZE statistics dropped (the app never runs ANALYZE)"
    else:
        msg = "with ANALYZE statistics" if want else "no ANALYZE statistics (as the app leaves it)"
    db.session.remove()
    db.engine.dispose()
    return msg


def bench(backend: str, app: Any, meta: dict, args: argparse.Namespace) -> dict[str, Any]:
    from dashboard.models import Ticket, User
    from dashboard.scope import actor_for_user
    from dashboard.services import kpi

    report: dict[str, Any] = {"backend": backend, "meta": meta}
    with app.app_context():
        if backend == "sqlite":
            log(f"{backend:10s} {sqlite_stats(args.sqlite_analyze)}")
        else:
            report["version"] = db.session.scalar(sa.text("SHOW server_version"))
            autovacuum = db.session.scalar(sa.text("SHOW autovacuum"))
            db.session.rollback()
            log(
                f"{backend:10s} VACUUM ANALYZE ({pg_vacuum():.1f} s; autovacuum is "
                f"{autovacuum} on this server)"
            )
        sql = SqlLog(db.engine)
        n_open = db.session.scalar(
            sa.select(sa.func.count()).select_from(Ticket).where(Ticket.is_open_clause())
        )
        log(
            f"{backend:10s} {meta['tickets']:,} tickets ({n_open:,} open), "
            f"{meta['events']:,} events, {meta['reporters']:,} reporters; "
            f"now = {NOW:%Y-%m-%d %H:%M} UTC"
        )
        log(f"{backend:10s} rollup: {rollup_size()}")
        units = busiest(NOW)
        names = ", ".join(f"{k} {v[1]} (#{v[0]})" for k, v in units.items())
        log(f"{backend:10s} units: {names}")
        user = db.session.scalar(sa.select(User).where(User.username == GOVERNOR[0]))
        actor = actor_for_user(user)
        db.session.remove()

        log(
            f"{backend:10s} query layer (dashboard.queries.kpis), warm, "
            f"1 warm-up + {args.repeat} runs; load average {load_average()}:"
        )
        results = run_pages(page_plan(actor, units, NOW), sql, args.repeat)
        report["pages"] = results
        report["units"] = units

        # Why the slow ones are slow: steps, then statements, then plans.
        slow = [r for r in results if pct(r["ms"], 0.5) > BUDGET_MS]
        look = sorted(slow or results, key=lambda r: -pct(r["ms"], 0.5))[: args.analyse]
        if len(slow) > len(look):
            log(
                f"{backend:10s} {len(slow)} pages over {BUDGET_MS:.0f} ms; the {len(look)} slowest:"
            )
        explained: set[str] = set()
        for r in look:
            steps = ", ".join(
                f"{k} {v:.0f}" for k, v in sorted(r["steps"].items(), key=lambda kv: -kv[1])
            )
            log(f"{backend:10s} {r['page']} {r['period']} — steps (median ms): {steps}")
            stmts = statement_times(r["runner"], sql, runs=2)
            total_sql = sum(s[0] for s in stmts)
            log(
                f"{backend:10s}   {len(stmts)} distinct statements, {total_sql:.0f} ms when re-run "
                f"alone; the slowest:"
            )
            for ms, step, statement, params in stmts[:4]:
                log(f"      {ms:7.1f} ms  [{step}]  {one_line(statement)}  params={params!r}"[:900])
                if ms >= 20 and statement not in explained and len(explained) < 6:
                    explained.add(statement)
                    log(explain(statement, params))

        log(f"{backend:10s} figures = plain counts over the tickets:")
        report["spot"] = spot_check(units, NOW)
        for line in report["spot"]:
            log(f"      {line}")

        log(
            f"{backend:10s} HTTP pages (Flask test client, in-process, governor), "
            f"1 warm-up + {args.repeat} runs; load average {load_average()}:"
        )
        report["http"] = http_pages(app, units, args.repeat)
        if report["http"] is None:
            log("      /kpi/ is not there yet: pages not timed")

        if not args.skip_maintenance:
            t0 = time.perf_counter()
            v = kpi.verify()
            verify_s = time.perf_counter() - t0
            db.session.remove()
            t0 = time.perf_counter()
            rows = kpi.rebuild()
            rebuild_s = time.perf_counter() - t0
            db.session.remove()
            report["verify"] = (v.ok, v.rows_expected, v.rows_stored, len(v.mismatches), verify_s)
            report["rebuild"] = (rows, rebuild_s)
            log(
                f"{backend:10s} kpi.verify(): {'agrees' if v.ok else 'MISMATCH'} "
                f"({v.rows_expected:,} rows expected, {v.rows_stored:,} stored, "
                f"{len(v.mismatches)} mismatches) in {verify_s:.1f} s"
            )
            for key, diff in v.mismatches[:5]:
                log(f"      {key}: {diff}")
            log(f"{backend:10s} kpi.rebuild(): {rows:,} rows in {rebuild_s:.1f} s")
        db.session.remove()
        db.engine.dispose()
    return report


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def fmt(ms: list[float]) -> str:
    return f"{pct(ms, 0.5):.0f} / {pct(ms, 0.95):.0f}"


def final_table(reports: list[dict[str, Any]]) -> None:
    log("")
    log("Summary (ms, p50 / p95; * rankings use their own fixed 30-day window; ! over 300 ms):")
    names = [b["backend"] for b in reports]
    for kind in ("pages", "http"):
        if not any(r.get(kind) for r in reports):
            continue
        log(f"  {'query layer' if kind == 'pages' else 'HTTP (test client)'}:")
        header = "  | page | " + " | ".join(f"{n} 30 d | {n} 365 d" for n in names) + " |"
        log(header)
        log("  |---|" + "---|" * (2 * len(names)))
        rows: dict[str, dict[tuple[str, str], list[float]]] = {}
        for r in reports:
            for p in r.get(kind) or []:
                rows.setdefault(p["page"], {})[(r["backend"], p["period"])] = p["ms"]
        for page, cells in rows.items():
            out = []
            for n in names:
                for period in ("30 d", "365 d"):
                    ms = cells.get((n, period)) or cells.get((n, period + "*"))
                    if ms is None and period == "30 d":
                        ms = cells.get((n, "30 d*"))
                    out.append(
                        "–" if ms is None else fmt(ms) + (" !" if pct(ms, 0.5) > BUDGET_MS else "")
                    )
            log(f"  | {page} | " + " | ".join(out) + " |")
    if len(reports) == 2:
        a, b = ({(p["page"], p["period"]): p["summary"] for p in r["pages"]} for r in reports)
        same = a == b
        log(f"Same figures on {names[0]} and {names[1]}: {'yes' if same else 'NO'}")
        if not same:
            for k in a:
                if a[k] != b.get(k):
                    log(f"  {k}: {a[k]} vs {b.get(k)}")


def print_figures(report: dict[str, Any]) -> None:
    log(f"{report['backend']:10s} figures:")
    for p in report["pages"]:
        s = dict(p["summary"])
        f = s.pop("figures", None)
        s.pop("previous", None)
        if f:
            pretty = ", ".join(
                f"{k} {v:.1%}" if k.endswith("rate") and v is not None else f"{k} {v}"
                for k, v in f.items()
            )
            log(f"      {p['page']} {p['period']}: {pretty}; {s}")
        else:
            log(f"      {p['page']} {p['period']}: {s}")


def machine() -> str:
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
    except OSError:
        commit, dirty = "?", ""
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores{mem}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sa.__version__}; commit {commit}{' + uncommitted changes' if dirty else ''}"
    )


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--repeat", type=int, default=15, help="timed runs per page (after 1 warm-up)"
    )
    parser.add_argument("--rebuild-data", action="store_true", help="load afresh, ignore the cache")
    parser.add_argument("--load-only", action="store_true", help="build the caches and stop")
    parser.add_argument(
        "--analyse", type=int, default=3, help="slow pages to break down by step and statement"
    )
    parser.add_argument("--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite first")
    parser.add_argument(
        "--skip-maintenance", action="store_true", help="skip verify() / rebuild() timing"
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not pg_base_url():
        log("postgresql skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL")
        backends.remove("postgresql")
    log(machine())
    reports = []
    for backend in backends:
        app, meta = ensure_data(backend, args.tickets, args.rebuild_data)
        if args.load_only:
            continue
        report = bench(backend, app, meta, args)
        if backend == "postgresql":
            log(f"postgresql server {report.get('version')}")
        reports.append(report)
    for report in reports:
        print_figures(report)
    if reports:
        final_table(reports)
        for r in reports:
            m = r["meta"]
            line = (
                f"{r['backend']:10s} load: {m['tickets']:,} tickets in {m['generate_s']:.0f} s "
                f"({m['tickets'] / m['generate_s']:,.0f}/s); rollup rebuilt at load in "
                f"{m['rebuild_s']:.1f} s"
            )
            if "verify" in r:
                ok, exp, got, bad, vs = r["verify"]
                rows, rs = r["rebuild"]
                line += (
                    f"; verify {vs:.1f} s ({'agrees' if ok else f'{bad} MISMATCHES'}, {exp:,} rows)"
                    f"; rebuild {rs:.1f} s ({rows:,} rows)"
                )
            log(line)


if __name__ == "__main__":
    main()
