"""Benchmark: write latency on the embedded SQLite default under a steady mixed write load.

Builds a temp SQLite database by migration with demo data (reference data,
demo accounts, an API key, N generated tickets, the KPI rollup), starts the
embedded server (what ``python wsgi.py`` runs: the threading Socket.IO server
with the scheduler jobs in-process) as a separate process on 127.0.0.1, and
drives a fixed rate of writes from several clients for a fixed time:

- ingest through ``POST /api/v1/tickets``, without and with a photo
  (a 1600×1200 JPEG, as a phone sends);
- notes and warnings by officers (their own unit's tickets) and the MRO,
  through the staff form ``POST /tickets/<id>/note``;
- ratings forwarded by the channel, ``POST /api/v1/tickets/<tracking>/rating``.

It prints the request latency per kind and overall (p50/p99/max), the
server-side wait for the write lock (``BEGIN IMMEDIATE``) and the time each
write transaction held it (p50/p99/max), the achieved rate, and the count of
5xx answers, connection errors and "database is locked" in the server's log.

    .venv/bin/python bench/sqlite_writes.py [--rate 30] [--seconds 60] [--clients 6] [--demo 10000]

Rate limits and CSRF are off in the server (they are not what is measured).
Every loop is bounded by count and time; all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import create_app  # noqa: E402
from dashboard.extensions import db  # noqa: E402

# The embedded server of wsgi.py, with the bench's config and two probes: how long
# a use case waited from calling begin_write() until its BEGIN IMMEDIATE returned
# (queueing in the process and SQLite's busy wait), and how long the transaction
# then held the lock (until COMMIT/ROLLBACK). One line per write transaction.
# (begin_write is replaced before the services import it.)
SERVER = textwrap.dedent(
    """
    import os, sys, threading, time
    from flask import has_request_context, request
    from sqlalchemy import event
    from dashboard import database

    out = open(sys.argv[2], "a", buffering=1)
    lock = threading.Lock()
    asked = threading.local()
    original_begin = database._sqlite_begin
    original_begin_write = database.begin_write

    def timed_begin_write():
        # From the use case's call: any queueing in the process counts as waiting.
        asked.t0 = time.perf_counter()
        try:
            original_begin_write()
        finally:
            asked.t0 = None

    def timed_begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        t0 = getattr(asked, "t0", None) or time.perf_counter()
        original_begin(conn)
        if immediate:
            conn.info["write_since"] = time.perf_counter()
            conn.info["write_wait"] = conn.info["write_since"] - t0

    def ended(conn):
        since = conn.info.pop("write_since", None)
        if since is not None:
            where = request.endpoint if has_request_context() else "job"
            wait = conn.info.pop("write_wait")
            with lock:
                out.write(f"{wait:.6f} {time.perf_counter() - since:.6f} {where}\\n")

    database.begin_write = timed_begin_write
    database._sqlite_begin = timed_begin
    from dashboard import create_app
    from dashboard.extensions import db, socketio
    from jobs.scheduler import start_in_background

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        event.listen(db.engine, "commit", ended)
        event.listen(db.engine, "rollback", ended)
    start_in_background(app)
    socketio.run(app, host="127.0.0.1", port=int(sys.argv[3]), allow_unsafe_werkzeug=True)
    """
)

OPEN = ("waiting", "dispositioned", "coordinating", "in_progress", "ews", "reopened")


@dataclass
class World:
    url: str
    api_key: str
    categories: list[str]
    points: list[tuple[float, float]]
    # username -> (password, open ticket ids that user may act on)
    actors: dict[str, tuple[str, list[int]]]
    rateable: list[str]  # tracking numbers of jaki tickets awaiting validation or verified


def prepare(url: str, demo: int) -> World:
    from flask_migrate import upgrade

    from dashboard.demo.generate import generate_tickets
    from dashboard.demo.seed import create_demo_accounts, seed_reference
    from dashboard.models import Category, Channel, Ticket, Unit, User
    from dashboard.services import accounts, kpi

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "dashboard" / "migrations"))
        now = datetime.now(UTC)
        seed_reference(now)
        made = create_demo_accounts(now)
        t0 = time.perf_counter()
        generate_tickets(demo, seed=7, now=now)
        kpi.rebuild()
        print(f"demo data: {demo:,} tickets in {time.perf_counter() - t0:.1f} s")
        key = accounts.issue_api_key("jaki", label="bench", now=now)
        cats = list(db.session.scalars(sa.select(Category.code).where(Category.location_based)))
        points = [
            (lat, lon)
            for lat, lon in db.session.execute(
                sa.select(Unit.lat, Unit.lon).where(Unit.kind == "kelurahan")
            )
        ]
        passwords = {name: password for name, password, _role, _scope in made}
        actors: dict[str, tuple[str, list[int]]] = {}
        officers = db.session.execute(
            sa.select(User.username, User.unit_id).where(User.role == "officer")
        ).all()
        for username, unit_id in officers:
            ids = list(
                db.session.scalars(
                    sa.select(Ticket.id)
                    .where(Ticket.assigned_unit_id == unit_id, Ticket.status.in_(OPEN))
                    .limit(200)
                )
            )
            if ids and username in passwords:
                actors[username] = (passwords[username], ids)
        mro_ids = list(
            db.session.scalars(sa.select(Ticket.id).where(Ticket.status.in_(OPEN)).limit(500))
        )
        for mro in ("mro1", "mro2"):
            actors[mro] = (passwords.get(mro, ""), mro_ids)
        jaki = db.session.scalar(sa.select(Channel.id).where(Channel.code == "jaki"))
        rateable = list(
            db.session.scalars(
                sa.select(Ticket.tracking)
                .where(
                    Ticket.channel_id == jaki,
                    Ticket.status.in_(("awaiting_validation", "verified")),
                )
                .limit(2000)
            )
        )
        db.session.remove()
        db.engine.dispose()
    actors = {k: v for k, v in actors.items() if v[0] and v[1]}
    return World(url, key, cats, points, actors, rateable)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def phone_photo() -> str:
    """A 1600×1200 JPEG with some texture (≈ a phone photo's decode and encode work)."""
    from PIL import Image

    rng = random.Random(5)
    noise = Image.effect_noise((400, 300), 60).resize((1600, 1200))
    base = Image.linear_gradient("L").resize((1600, 1200))
    img = Image.merge("RGB", (noise, base, Image.blend(noise, base, 0.5)))
    img = img.rotate(rng.uniform(-3, 3))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=88)
    return base64.b64encode(buf.getvalue()).decode()


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    conn_errors: int = 0
    sent: int = 0


class Client:
    """One keep-alive connection; logs in when it acts as staff."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict
    ) -> tuple[int, bytes]:
        if self.cookie:
            headers = {**headers, "Cookie": self.cookie}
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        cookie = resp.getheader("Set-Cookie")
        if cookie and "session=" in cookie:
            self.cookie = cookie.split(";", 1)[0]
        return resp.status, data

    def login(self, username: str, password: str) -> None:
        body = urllib.parse.urlencode({"username": username, "password": password}).encode()
        status, _ = self.request(
            "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, f"log-in of {username} answered {status}"


def run_load(port: int, world: World, rate: float, seconds: float, clients: int) -> Result:
    result = Result()
    lock = threading.Lock()
    photo = phone_photo()
    staff = sorted(world.actors)
    assert staff, "no staff account with open tickets in the demo data"
    kinds = ["ingest"] * 30 + ["ingest+photo"] * 15 + ["note"] * 35 + ["rating"] * 20
    counter = iter(range(10**9))
    stop_at = time.monotonic() + seconds
    start = time.monotonic() + 0.5

    def worker(i: int) -> None:
        rng = random.Random(100 + i)
        client = Client(port)
        username = staff[i % len(staff)]
        password, ticket_ids = world.actors[username]
        client.login(username, password)
        interval = clients / rate
        due = start + i / rate
        while True:
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            if time.monotonic() >= stop_at:
                break
            due += interval
            kind = rng.choice(kinds)
            n = next(counter)
            if kind.startswith("ingest"):
                lat, lon = rng.choice(world.points)
                payload = {
                    "channel": "jaki",
                    "external_id": f"BENCH-{n:07d}",
                    "category": rng.choice(world.categories),
                    "description": f"Laporan uji tulis nomor {n}: mohon segera ditindaklanjuti.",
                    "lat": round(lat + rng.uniform(-0.003, 0.003), 6),
                    "lon": round(lon + rng.uniform(-0.003, 0.003), 6),
                    "reported_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
                    "reporter": {"name": f"Pelapor {n % 977}", "phone": f"0812{n % 977:07d}"},
                }
                if kind == "ingest+photo":
                    payload["photos"] = [photo]
                method, path = "POST", "/api/v1/tickets"
                body = json.dumps(payload).encode()
                headers = {"Content-Type": "application/json", "X-API-Key": world.api_key}
            elif kind == "note":
                tid = rng.choice(ticket_ids)
                method, path = "POST", f"/tickets/{tid}/note"
                note_kind = (
                    "warning" if username.startswith("mro") and rng.random() < 0.5 else "note"
                )
                body = urllib.parse.urlencode(
                    {"text": f"Catatan uji nomor {n}", "kind": note_kind}
                ).encode()
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
            else:
                tracking = rng.choice(world.rateable)
                method, path = "POST", f"/api/v1/tickets/{tracking}/rating"
                rating = rng.choice([1, 2, 4, 5, 5])
                body = json.dumps({"rating": rating, "fixed": rating > 2}).encode()
                headers = {"Content-Type": "application/json", "X-API-Key": world.api_key}
            t0 = time.perf_counter()
            try:
                status, _ = client.request(method, path, body, headers)
            except (OSError, http.client.HTTPException):
                with lock:
                    result.conn_errors += 1
                    result.sent += 1
                continue
            took = time.perf_counter() - t0
            with lock:
                result.sent += 1
                result.latencies[kind].append(took)
                result.statuses[(kind, status)] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    return result


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"  {name:<14} n={len(ms):>5}  p50 {pct(ms, 50):8.1f} ms  p99 {pct(ms, 99):8.1f} ms  "
        f"max {max(ms) if ms else float('nan'):8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=30.0, help="writes per second, in total")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--demo", type=int, default=10_000, help="demo tickets to start from")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"sqlite_writes: commit {commit}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores; {args.rate:g} writes/s from {args.clients} clients "
        f"for {args.seconds:g} s"
    )
    with tempfile.TemporaryDirectory(prefix="pantau-sqlite-writes-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        world = prepare(url, args.demo)
        port = free_port()
        probe = Path(tmp) / "writes.txt"
        log = Path(tmp) / "server.log"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env["PYTHONPATH"] = str(ROOT)
        with open(log, "w") as log_file:
            proc = subprocess.Popen(
                [sys.executable, "-c", SERVER, url, str(probe), str(port)],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                            break
                    except OSError:
                        if time.monotonic() > deadline or proc.poll() is not None:
                            raise RuntimeError("server did not start") from None
                        time.sleep(0.1)
                probe.write_text("")  # only the load's transactions
                t0 = time.monotonic()
                result = run_load(port, world, args.rate, args.seconds, args.clients)
                elapsed = time.monotonic() - t0
            finally:
                proc.terminate()
                proc.wait(20)
        text = log.read_text(errors="replace")
        waits, holds = [], []
        held_by: dict[str, list[float]] = defaultdict(list)
        for row in probe.read_text().splitlines():
            w, h, where = row.split()
            waits.append(float(w))
            holds.append(float(h))
            held_by[where].append(float(h))

    every = [v for vs in result.latencies.values() for v in vs]
    print(f"sent {result.sent} requests in {elapsed:.1f} s: {result.sent / elapsed:.1f} /s")
    print("request latency (client side):")
    for kind in sorted(result.latencies):
        print(line(kind, result.latencies[kind]))
    print(line("all writes", every))
    print("write transactions (server side, from begin_write()):")
    print(line("lock wait", waits))
    print(line("lock held", holds))
    for where in sorted(held_by):
        print(line(f"  {where}"[:14], held_by[where]), f"({where})")
    print("answers:", ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(result.statuses.items())))
    fivexx = sum(n for (_k, s), n in result.statuses.items() if s >= 500)
    locked = len(re.findall(r"database is locked", text))
    print(f"5xx: {fivexx}  connection errors: {result.conn_errors}  'database is locked': {locked}")
    if fivexx:
        tail = [ln for ln in text.splitlines() if "Error" in ln or "error" in ln][-5:]
        print("last errors in the server log:", *tail, sep="\n  ")


if __name__ == "__main__":
    main()
