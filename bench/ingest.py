"""Benchmark: ingest throughput through the HTTP API, and the demo-data load rate.

Runs on SQLite (a temp file) and on PostgreSQL (a fresh schema in the
database of ``BENCH_DATABASE_URL`` or ``TEST_DATABASE_URL``). For each engine
it builds the schema with the migrations, seeds the reference data, starts the
embedded server (``python wsgi.py``) as a separate process on 127.0.0.1, posts
N distinct reports from C concurrent keep-alive clients, then re-delivers a
share of them (the idempotent path), checks the database holds exactly N
tickets, and prints the figures. Then it times ``generate_tickets`` (the demo
loader) on each engine.

    .venv/bin/python bench/ingest.py [--n 2000] [--clients 4] [--demo 20000]

Every loop is bounded by count; all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import create_app  # noqa: E402
from dashboard.extensions import db  # noqa: E402


def pg_base_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, empty database URL for one run; removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    base = pg_base_url()
    assert base is not None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def prepare(url: str) -> tuple[str, list[str], list[tuple[float, float]]]:
    """Schema by migration, reference data, an API key; returns key, categories, points."""
    from flask_migrate import upgrade

    from dashboard.demo.seed import seed_reference
    from dashboard.models import Category, Unit
    from dashboard.services import accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "dashboard" / "migrations"))
        now = datetime.now(UTC)
        seed_reference(now)
        key = accounts.issue_api_key("jaki", label="bench", now=now)
        cats = list(db.session.scalars(sa.select(Category.code).where(Category.location_based)))
        points = [
            (lat, lon)
            for lat, lon in db.session.execute(
                sa.select(Unit.lat, Unit.lon).where(Unit.kind == "kelurahan")
            )
        ]
        db.session.remove()
        db.engine.dispose()
    return key, cats, points


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(url: str) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PANTAU_SECRET_KEY": "bench",
        "PANTAU_PORT": str(port),
        # The throughput is measured, not the per-key limit (one key posts everything).
        "PANTAU_RATE_LIMIT_INGEST": "1000000 per minute",
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "wsgi.py")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def payloads(n: int, cats: list[str], points: list[tuple[float, float]], run: str) -> list[bytes]:
    rng = random.Random(42)
    now = datetime.now(UTC)
    out = []
    for i in range(n):
        lat, lon = rng.choice(points)
        body = {
            "channel": "jaki",
            "external_id": f"{run}-{i:07d}",
            "category": rng.choice(cats),
            "description": f"Laporan uji beban nomor {i}: mohon ditindaklanjuti segera.",
            "lat": round(lat + rng.uniform(-0.003, 0.003), 6),
            "lon": round(lon + rng.uniform(-0.003, 0.003), 6),
            "address": f"Jl. Uji No. {i % 200 + 1}",
            "reported_at": (now - timedelta(minutes=rng.randint(1, 600))).isoformat(),
            "reporter": {"name": f"Pelapor {i % 977}", "phone": f"0812{i % 977:07d}"},
        }
        out.append(json.dumps(body).encode())
    return out


def post_all(
    port: int, key: str, bodies: list[bytes], clients: int
) -> tuple[float, list[float], dict[int, int]]:
    """Send every body once, spread over `clients` keep-alive connections."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]

    def worker(chunk: list[bytes]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        codes: dict[int, int] = {}
        for body in chunk:
            t0 = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/tickets",
                body=body,
                headers={"Content-Type": "application/json", "X-API-Key": key},
            )
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            codes[resp.status] = codes.get(resp.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies, statuses


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def count_tickets(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM tickets")).scalar_one()
    engine.dispose()
    return int(n)


def bench_ingest(backend: str, n: int, clients: int) -> None:
    with database(backend) as url:
        key, cats, points = prepare(url)
        bodies = payloads(n, cats, points, run=uuid.uuid4().hex[:6])
        with server(url) as port:
            post_all(port, key, bodies[:20], 1)  # warm up (these count: re-sent below)
            seconds, lat, codes = post_all(port, key, bodies, clients)
            repeat = bodies[: max(1, n // 4)]
            r_seconds, r_lat, r_codes = post_all(port, key, repeat, clients)
        stored = count_tickets(url)
    print(
        f"ingest  {backend:10s} {n} reports, {clients} clients: "
        f"{n / seconds:7.1f} req/s  p50 {pct(lat, 0.5):6.1f} ms  p95 {pct(lat, 0.95):6.1f} ms  "
        f"p99 {pct(lat, 0.99):6.1f} ms  statuses {dict(sorted(codes.items()))}"
    )
    print(
        f"repeat  {backend:10s} {len(repeat)} re-deliveries:  {len(repeat) / r_seconds:7.1f} req/s"
        f"  p50 {pct(r_lat, 0.5):6.1f} ms  p99 {pct(r_lat, 0.99):6.1f} ms  "
        f"statuses {dict(sorted(r_codes.items()))}"
    )
    ok = stored == n
    print(
        f"check   {backend:10s} tickets stored: {stored} (expected {n}) {'OK' if ok else 'WRONG'}"
    )
    if not ok:
        raise SystemExit(1)


def bench_demo(backend: str, n: int) -> None:
    from flask_migrate import upgrade

    from dashboard.demo.generate import generate_tickets
    from dashboard.demo.seed import seed_reference

    with database(backend) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade(directory=str(ROOT / "dashboard" / "migrations"))
            now = datetime.now(UTC)
            seed_reference(now)
            t0 = time.perf_counter()
            stats = generate_tickets(n, seed=2024, now=now)
            seconds = time.perf_counter() - t0
            db.session.remove()
            db.engine.dispose()
    print(
        f"demo    {backend:10s} {stats.tickets} tickets, {stats.events} events in {seconds:5.1f} s:"
        f" {stats.tickets / seconds:7.0f} tickets/s  {stats.events / seconds:7.0f} events/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="reports to ingest per engine")
    parser.add_argument("--clients", type=int, default=4, help="concurrent API clients")
    parser.add_argument("--demo", type=int, default=20000, help="demo tickets to generate")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not pg_base_url():
        print("postgresql skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL")
        backends.remove("postgresql")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, server: embedded (python wsgi.py, threading)"
    )
    for backend in backends:
        bench_ingest(backend, args.n, args.clients)
    for backend in backends:
        if args.demo:
            bench_demo(backend, args.demo)


if __name__ == "__main__":
    main()
