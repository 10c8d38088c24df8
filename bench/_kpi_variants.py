"""(helper) Candidate fixes for the KPI pages, measured on the databases ``kpi.py`` caches.

    .venv/bin/python bench/_kpi_variants.py sqlite|postgresql VARIANT[,VARIANT…] \
        [--pages "province summary 30,kota summary"] [--repeat 5] [--stmts 4]

Times the pages as they are, then with the variants, and checks every page's
figures are identical. Variants:

- indexes (created as ``bench_*`` in the cached database, dropped at the end):
  ``idx_done`` (kota / unit, first completion, handling minutes: the median and
  the completed count), ``idx_reporters`` (period, reporter hash: distinct
  reporters), ``idx_open`` (partial, open tickets by kota / by unit);
- ``analyze``: SQLite ANALYZE statistics (dropped at the end);
- query shapes, monkeypatched into ``dashboard.queries.kpis`` for this process
  only: ``split1`` (a unit's category and channel split in one pass, once a
  request), ``rank1`` (the ranking's province terms summed from the per-unit rows
  already read), ``backlog_sql`` (status × age counted by the database),
  ``reporters1`` (named and unnamed reporters in one scan), ``median1``
  (PostgreSQL: ``percentile_cont`` instead of COUNT + ORDER BY … OFFSET).

Needs the cached 1,000,000-ticket databases (run ``kpi.py --load-only`` first);
never run it while ``kpi.py`` is timing (its indexes would change the plans).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import kpi as bk  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from dashboard.extensions import db  # noqa: E402

OPEN = "status NOT IN ('verified', 'rejected')"

INDEXES = {
    # the median and the completed count of a kota / a unit: index-only range scans
    "idx_done": [
        "CREATE INDEX bench_tk_kota_done ON tickets (kota_id, first_completed_at, handling_min)",
        "CREATE INDEX bench_tk_unit_done ON tickets"
        " (assigned_unit_id, first_completed_at, handling_min)",
    ],
    # distinct reporters of a period: covering the hash
    "idx_reporters": [
        "CREATE INDEX bench_tk_recv_rep ON tickets (received_at, reporter_hash)",
        "CREATE INDEX bench_tk_kota_recv_rep ON tickets (kota_id, received_at, reporter_hash)",
        "CREATE INDEX bench_tk_unit_recv_rep ON tickets"
        " (assigned_unit_id, received_at, reporter_hash)",
    ],
    # open tickets of a kota / a unit (live counts, backlog, worst late)
    "idx_open": [
        f"CREATE INDEX bench_tk_open_kota ON tickets (kota_id) WHERE {OPEN}",
        f"CREATE INDEX bench_tk_open_unit ON tickets (assigned_unit_id) WHERE {OPEN}",
    ],
}

MEMO: dict = {}


def patch(variants: set[str]) -> None:
    from sqlalchemy import and_, case, func, or_, select

    from dashboard.domain import kpis, sla
    from dashboard.models import Ticket
    from dashboard.queries import kpis as q

    if "split1" in variants:  # the unit's category and channel split in one pass, once a request

        def _unit_split(dim, scope, period):
            key = ("split", scope.unit_ids, period)
            if key not in MEMO:
                from dashboard.services.kpi import facts_statement, row_facts

                stmt = facts_statement().where(
                    Ticket.assigned_unit_id.in_(scope.unit_ids),
                    or_(
                        and_(Ticket.received_at >= period.since, Ticket.received_at < period.until),
                        and_(
                            Ticket.first_completed_at >= period.since,
                            Ticket.first_completed_at < period.until,
                        ),
                    ),
                )
                outs = {"category": {}, "channel": {}}
                for row in db.session.execute(stmt):
                    f = row_facts(row)
                    parts = [
                        (day, vec)
                        for (d, _k, _s, day), vec in kpis.contributions(
                            f, sla.ESCALATION_BITS
                        ).items()
                        if d == "unit" and period.start <= day <= period.end
                    ]
                    for which, k in (("category", f.category_id), ("channel", f.channel_id)):
                        for _day, vec in parts:
                            cur = outs[which].setdefault(k, q._zero())
                            for name, n in zip(kpis.COUNTERS, vec, strict=True):
                                cur[name] += n
                MEMO[key] = outs
            return MEMO[key][dim]

        q._unit_split = _unit_split

    if "rank1" in variants:  # province terms summed from the per-unit rows already read
        orig_rollup, orig_live = q._rollup, q._live

        def _rollup(dim, period, *, keys=None, subs=None, group=None):
            if dim == "unit" and keys is None and subs is None and group == "key_id":
                key = ("rollup-unit", period)
                if key not in MEMO:
                    MEMO[key] = orig_rollup(dim, period, group="key_id")
                return MEMO[key]
            return orig_rollup(dim, period, keys=keys, subs=subs, group=group)

        def _live(period, now, where, group=None):
            if group is Ticket.assigned_unit_id and str(where) == "true":
                key = ("live-unit", period, now)
                if key not in MEMO:
                    MEMO[key] = orig_live(period, now, where, group)
                return MEMO[key]
            return orig_live(period, now, where, group)

        def _province_terms(period, now):
            totals = q._zero()
            for t in _rollup("unit", period, group="key_id").values():
                for name in kpis.COUNTERS:
                    totals[name] += t[name]
            live = [0, 0, 0, 0]
            for v in q._live(period, now, sa.true(), Ticket.assigned_unit_id).values():
                for i, n in enumerate(q._astuple(v)):
                    live[i] += n
            return kpis.weighted_terms(totals, kpis.Live(*live))

        q._rollup, q._province_terms = _rollup, _province_terms
        q._live = _live

    if "backlog_sql" in variants:  # status × age counted by the database, not in Python

        def backlog(scope, now):
            whens = [
                (Ticket.received_at > now - timedelta(days=limit), label)
                for label, limit in q.BACKLOG_AGES
                if limit is not None
            ]
            age = case(*whens, else_=q.BACKLOG_AGES[-1][0])
            rows = db.session.execute(
                select(Ticket.status, age, func.count())
                .where(Ticket.is_open_clause(), scope.ticket_filter())
                .group_by(Ticket.status, age)
            )
            counts = {(s, a): int(n) for s, a, n in rows}
            from dashboard.domain.workflow import Status

            statuses = [s.value for s in Status if s.is_open]
            return q.Backlog(statuses, [label for label, _ in q.BACKLOG_AGES], counts)

        q.backlog = backlog

    if "reporters1" in variants:  # named and unnamed reporters in one scan

        def _reporters(period, where):
            in_period = and_(
                Ticket.received_at >= period.since, Ticket.received_at < period.until, where
            )
            named, unnamed = db.session.execute(
                select(
                    func.count(func.distinct(Ticket.reporter_hash)),
                    func.coalesce(func.sum(case((Ticket.reporter_hash.is_(None), 1), else_=0)), 0),
                ).where(in_period)
            ).one()
            return int(named or 0) + int(unnamed or 0)

        q._reporters = _reporters

    if "median1" in variants and db.engine.dialect.name == "postgresql":  # one query, no OFFSET

        def _median_handling_min(period, where):
            cond = and_(
                Ticket.first_completed_at >= period.since,
                Ticket.first_completed_at < period.until,
                where,
            )
            value = db.session.scalar(
                select(func.percentile_cont(0.5).within_group(Ticket.handling_min)).where(cond)
            )
            return None if value is None else float(value)

        q._median_handling_min = _median_handling_min


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("backend")
    ap.add_argument("variants")
    ap.add_argument("--pages", default="")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--stmts", type=int, default=0)
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    variants = {v for v in args.variants.split(",") if v}
    app = bk.make_app(bk.db_url(args.backend, args.tickets))
    created: list[str] = []
    with app.app_context():
        from dashboard.models import User
        from dashboard.scope import actor_for_user

        sql = bk.SqlLog(db.engine)
        units = bk.busiest(bk.NOW)
        actor = actor_for_user(
            db.session.scalar(sa.select(User).where(User.username == bk.GOVERNOR[0]))
        )
        db.session.remove()
        plan = bk.page_plan(actor, units, bk.NOW)
        if args.pages:
            wanted = args.pages.split(",")
            plan = [p for p in plan if any(f"{p[0]} {p[1]}".startswith(w) for w in wanted)]

        def measure(label: str) -> dict:
            out = {}
            for name, period, runner in plan:
                runner(bk.Steps(sql))
                MEMO.clear()
                db.session.remove()
                times, steps = [], {}
                summary = None
                for _ in range(args.repeat):
                    st = bk.Steps(sql)
                    t0 = time.perf_counter()
                    summary = runner(st)
                    times.append((time.perf_counter() - t0) * 1000)
                    MEMO.clear()
                    db.session.remove()
                    steps = st.ms
                top = ", ".join(
                    f"{k} {v:.0f}" for k, v in sorted(steps.items(), key=lambda kv: -kv[1])[:4]
                )
                out[(name, period)] = (statistics.median(times), summary)
                print(
                    f"  {label:28s} {name[:30]:30s} {period:6s} "
                    f"p50 {statistics.median(times):7.1f} ms  [{top}]",
                    flush=True,
                )
            return out

        base = None if args.no_baseline else measure("as is")
        try:
            for v in sorted(variants):
                for ddl in INDEXES.get(v, []):
                    t0 = time.perf_counter()
                    db.session.execute(sa.text(ddl))
                    db.session.commit()
                    name = ddl.split()[2]
                    created.append(name)
                    print(f"  created {name} in {time.perf_counter() - t0:.1f} s", flush=True)
            if args.backend == "postgresql" and created:
                db.session.commit()
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.exec_driver_sql("VACUUM ANALYZE tickets")
            if "analyze" in variants and args.backend == "sqlite":
                t0 = time.perf_counter()
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
                print(f"  ANALYZE in {time.perf_counter() - t0:.1f} s", flush=True)
                db.session.remove()
                db.engine.dispose()
            patch(variants)
            after = measure("+" + "+".join(sorted(variants)))
            if args.stmts:
                for name, period, runner in plan:
                    stmts = bk.statement_times(runner, sql, runs=2)
                    MEMO.clear()
                    print(
                        f"  {name} {period}: {len(stmts)} statements, "
                        f"{sum(x[0] for x in stmts):.0f} ms alone"
                    )
                    for ms, step, statement, params in stmts[: args.stmts]:
                        print(f"    {ms:7.1f} ms [{step}] {bk.one_line(statement, 250)}")
                        if ms > 20:
                            print(bk.explain(statement, params))
            if base:
                same = all(base[k][1] == after[k][1] for k in base)
                print(f"  figures identical to 'as is': {'yes' if same else 'NO'}")
                for k in base:
                    if base[k][1] != after[k][1]:
                        print("   ", k, base[k][1], after[k][1])
            if created:
                sizes = []
                for name in created:
                    if args.backend == "postgresql":
                        n = db.session.scalar(sa.text(f"SELECT pg_relation_size('{name}')"))
                    else:
                        n = db.session.scalar(
                            sa.text("SELECT sum(pgsize) FROM dbstat WHERE name = :n"), {"n": name}
                        )
                    sizes.append(f"{name} {int(n or 0) / 1048576:.1f} MB")
                print("  index sizes: " + ", ".join(sizes))
        finally:
            db.session.rollback()
            if not args.keep:
                for name in created:
                    db.session.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
                db.session.commit()
                if "analyze" in variants and args.backend == "sqlite":
                    db.session.execute(sa.text("DROP TABLE IF EXISTS sqlite_stat1"))
                    db.session.commit()


if __name__ == "__main__":
    main()
