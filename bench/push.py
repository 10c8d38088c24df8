"""Benchmark: live push latency to 1/100/500 boards, and the reconnect stampede.

Three setups in one run, each driven by the same load generator
(``bench/_push_clients.py``: python-socketio ``AsyncClient``s, WebSocket
transport, authenticated with a wall token, in one separate process):

- production: PostgreSQL (a fresh schema in ``BENCH_DATABASE_URL`` or
  ``TEST_DATABASE_URL``) + Redis (``REDIS_URL``, a channel of its own per
  run); web = ``gunicorn -c gunicorn.conf.py wsgi:app`` (one gevent worker);
  events from a separate process standing in for the scheduler process
  (``bench/_push_emitter.py service``: the app created with the same
  REDIS_URL calls ``workflow.add_note`` as an MRO user, so the real publisher
  builds the real payload and it travels through Redis);
- embedded: SQLite temp file, ``python wsgi.py`` (threading, scheduler
  in-process); events are tickets created through ``POST /api/v1/tickets``
  with a channel key, published inside the web process;
- bare: a minimal python-socketio ``Server`` (``bench/_push_bare.py``) in the
  async mode of the setup it is compared with — gevent under gunicorn for
  production, threading under Werkzeug for embedded — pushing the payload
  just captured from that setup (same size and shape) to the same number of
  boards, run right after that setup's rounds.

Latency is receive time − the payload's ``ts`` (stamped by the publisher just
before ``emit``; all processes share the host's clock). Also shown: the time
until the last board has each event, delivered vs expected, and — where the
trigger is ours — the time from the service call (or API request) to the last
board. Then the stampede: 500 boards that fetch ``/board/snapshot.json`` on
every connect (as live.js does, retrying a failed fetch after 2–5 s), the
web process killed (SIGKILL: a crash) and then stopped (SIGTERM: a restart;
gunicorn drains for its graceful_timeout) and started again: the time until
every board has reconnected and fetched its snapshot, and the snapshot
endpoint's latency during it. Demo data (``generate_tickets``) makes the
snapshot realistic.

With two or more cores the servers (and the event source) are pinned to CPU 0
and the load generator to CPU 1 with ``taskset``. PostgreSQL and Redis are
the machine's own services and are not pinned.

    .venv/bin/python bench/push.py [--clients 1,100,500] [--events 200] [--gap-ms 100]
        [--stampede-signals kill,term] [--stampede ''] [--setups production,embedded,bare]

One load-generator process on one core spends ≈70–95 µs per received
message, so 500 boards at one event per 100 ms keep it ≈45 % busy, and it
alone needs ≈40 ms to hand one event to all 500 boards: that floor is in
every setup's "last board" figure, the bare server's included.

Prints figures; asserts nothing. Every loop is bounded in count and time; all
traffic goes to 127.0.0.1; every process it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from ingest import database, free_port, pg_base_url  # noqa: E402

VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


# --- the code measured ----------------------------------------------------------

APP_PATHS = ("dashboard", "jobs", "wsgi.py", "gunicorn.conf.py", "pyproject.toml")


def app_fingerprint() -> dict[str, str]:
    """Content hash of every app file: servers load the code as it is when they start."""
    import hashlib

    out = {}
    for name in APP_PATHS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                out[str(f.relative_to(ROOT))] = hashlib.sha1(f.read_bytes()).hexdigest()
    return out


def code_state() -> str:
    def git(*argv: str) -> str:
        try:
            done = subprocess.run(
                ["git", *argv], cwd=ROOT, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.rstrip()

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--", *APP_PATHS).splitlines()
    changed = ", ".join(line[3:] for line in dirty) if dirty else "none"
    return f"commit {head}; uncommitted changes in app files: {changed}"


# --- processes -----------------------------------------------------------------


class Child:
    """A process we started (its own process group), with line-based pipes."""

    def __init__(self, name: str, proc: subprocess.Popen[str], log_path: Path) -> None:
        self.name = name
        self.proc = proc
        self.log_path = log_path
        self.lines: queue.Queue[str | None] = queue.Queue()
        if proc.stdout is not None:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()

    def recv(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no reply within {timeout:.0f} s")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"{self.name} exited (see {self.log_path})")
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)

    def ask(self, msg: dict[str, Any], timeout: float) -> dict[str, Any]:
        self.send(msg)
        return self.recv(timeout)


class Procs:
    """Starts processes, each pinned and in its own process group; stops them all."""

    def __init__(self, log_dir: Path, pin: bool) -> None:
        self.log_dir = log_dir
        self.pin = pin
        self.children: list[Child] = []

    def start(
        self,
        name: str,
        argv: list[str],
        *,
        env: dict[str, str],
        cpu: str | None,
        pipes: bool = False,
    ) -> Child:
        if self.pin and cpu is not None:
            argv = ["taskset", "-c", cpu, *argv]
        log_path = self.log_dir / f"{name}.log"
        log = open(log_path, "a")  # noqa: SIM115 - handed to the child
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else log,
            stderr=log,
            text=True,
            bufsize=1,
            start_new_session=True,  # its own process group: we stop it by its id
        )
        log.close()
        child = Child(name, proc, log_path)
        self.children.append(child)
        return child

    def kill(self, child: Child, sig: int = signal.SIGKILL, timeout: float = 30) -> None:
        """Signal the child's process group, wait for the child; SIGKILL after timeout."""
        if child not in self.children:
            return  # stopped already
        self.children.remove(child)
        if child.proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(child.proc.pid, sig)
            try:
                child.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(child.proc.pid, signal.SIGKILL)
                child.proc.wait(10)
        # Anything left in its group (a gunicorn worker outliving its master).
        with suppress(ProcessLookupError):
            os.killpg(child.proc.pid, signal.SIGKILL)
        for _ in range(200):  # until the group is gone (its sockets closed), at most 10 s
            if not group_members(child.proc.pid):
                break
            time.sleep(0.05)

    def stop(self, child: Child) -> None:
        if child.proc.poll() is None and child.proc.stdin is not None:
            try:
                child.send({"cmd": "quit"})
                child.proc.wait(25)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                pass
        self.kill(child, signal.SIGTERM, timeout=15)

    def close(self) -> None:
        for child in list(reversed(self.children)):
            try:
                self.kill(child, signal.SIGTERM, timeout=10)
            except Exception as exc:  # noqa: BLE001 - keep stopping the others
                print(f"could not stop {child.name}: {exc}", file=sys.stderr)


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry))
    return found


def machine_cpu() -> float:
    """CPU-seconds the whole machine has been busy (all cores), from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def group_stats(pgid: int) -> tuple[float, float]:
    """CPU seconds used and resident MB of every process in a process group."""
    cpu = 0.0
    rss = 0
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/statm") as fh:
                resident = int(fh.read().split()[1])
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid:
            cpu += (int(fields[11]) + int(fields[12])) / tick
            rss += resident * page
    return cpu, rss / 2**20


def wait_listening(port: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return time.time()
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout:.0f} s")


def wait_http(url: str, timeout: float) -> float:
    """Poll url (every 50 ms, bounded) until it answers 200; returns that time."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as res:
                if res.status == 200:
                    return time.time()
        except Exception as exc:  # noqa: BLE001 - still starting
            last = exc
        time.sleep(0.05)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s: {last}")


# --- data ------------------------------------------------------------------------


@dataclass
class Prepared:
    url: str
    token: str
    api_key: str
    mro_id: int
    note_tickets: list[int]
    open_tickets: int
    categories: list[str]
    points: list[tuple[float, float]]
    demo_seconds: float


def prepare(url: str, demo: int) -> Prepared:
    """Schema, reference data, demo tickets, escalations caught up, users, wall token, API key."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from dashboard import create_app
    from dashboard.demo.generate import generate_tickets
    from dashboard.demo.seed import seed_reference
    from dashboard.extensions import db
    from dashboard.models import Category, Ticket, Unit
    from dashboard.scope import actor_for_user
    from dashboard.services import accounts, escalation, walls, workflow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "dashboard" / "migrations"))
        now = datetime.now(UTC)
        seed_reference(now)
        t0 = time.perf_counter()
        generate_tickets(demo, seed=2024, now=now)
        demo_seconds = time.perf_counter() - t0
        # The steady state the scheduler keeps: nothing due is left for its first tick.
        escalation.sweep(now=now, publish=workflow.no_publish)

        def user(name: str, role: str) -> Any:
            return accounts.create_user(
                username=name,
                password=secrets.token_urlsafe(16),
                display_name=f"Bench {role}",
                role=role,
                now=now,
            )

        admin = user("bench-admin", "admin")
        mro = user("bench-mro", "mro")
        mro_id = mro.id
        token = walls.issue_wall_token(
            label="Bench wall", kota_id=None, actor=actor_for_user(admin), now=now
        ).token
        key = accounts.issue_api_key("jaki", label="bench", now=now)
        open_ids = list(
            db.session.scalars(
                sa.select(Ticket.id).where(Ticket.is_open_clause()).order_by(Ticket.id)
            )
        )
        db.session.rollback()
        mro_actor = actor_for_user(db.session.get(type(mro), mro_id))
        note_tickets = []
        for tid in open_ids[:80]:  # keep the ones a note may be added to
            try:
                workflow.add_note(
                    tid,
                    text="Catatan persiapan",
                    kind="note",
                    actor=mro_actor,
                    now=now,
                    publish=workflow.no_publish,
                )
                note_tickets.append(tid)
            except Exception:  # noqa: BLE001 - not open for notes
                db.session.rollback()
            if len(note_tickets) >= 50:
                break
        cats = list(db.session.scalars(sa.select(Category.code).where(Category.location_based)))
        points = [
            (lat, lon)
            for lat, lon in db.session.execute(
                sa.select(Unit.lat, Unit.lon).where(Unit.kind == "kelurahan")
            )
        ][:200]
        db.session.remove()
        db.engine.dispose()
    return Prepared(
        url, token, key, mro_id, note_tickets, len(open_ids), cats, points, demo_seconds
    )


# --- measurements ------------------------------------------------------------------


@dataclass
class Row:
    setup: str
    clients: int
    fig: dict[str, Any]
    trigger_last: list[float] = field(default_factory=list)  # ms, call start -> last board
    emit_rate: float = 0.0
    server_cpu: float = 0.0
    server_rss: float = 0.0
    machine_busy: float = 0.0  # CPU-seconds per second, all processes on the machine
    ours_busy: float = 0.0  # ... of which our server, load generator and event source


@dataclass
class Setup:
    name: str
    server: Child
    url: str
    token: str
    emitter: Child
    kinds: list[str]


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    setup: Setup, gen: Child, clients: int, args: argparse.Namespace
) -> tuple[Row, dict[str, Any] | None]:
    got = gen.ask(
        {"cmd": "connect", "n": clients, "url": setup.url, "token": setup.token}, timeout=180
    )
    if got["connected"] != clients:
        print(f"  ! {setup.name}: only {got['connected']} of {clients} boards connected")
    budget = args.events * args.gap_ms / 1000 + 30
    # Warm-up round (not counted): pools, imports, first-use costs.
    gen.ask({"cmd": "measure", "expect": args.warmup, "kinds": setup.kinds, "timeout": 30}, 10)
    setup.emitter.ask({"cmd": "emit", "n": args.warmup, "gap_ms": args.gap_ms}, timeout=120)
    gen.recv(timeout=60)
    time.sleep(0.5)
    armed = gen.ask(
        {"cmd": "measure", "expect": args.events, "kinds": setup.kinds, "timeout": budget},
        timeout=10,
    )
    if not armed.get("armed"):
        raise RuntimeError(f"load generator did not arm: {armed}")
    cpu0, _ = group_stats(setup.server.proc.pid)
    ours0 = group_stats(gen.proc.pid)[0] + group_stats(setup.emitter.proc.pid)[0]
    busy0 = machine_cpu()
    t0 = time.time()
    sent = setup.emitter.ask(
        {"cmd": "emit", "n": args.events, "gap_ms": args.gap_ms}, timeout=budget + 60
    )
    fig = gen.recv(timeout=budget + 60)
    cpu1, rss = group_stats(setup.server.proc.pid)
    ours1 = group_stats(gen.proc.pid)[0] + group_stats(setup.emitter.proc.pid)[0]
    busy1 = machine_cpu()
    wall = time.time() - t0
    row = Row(setup.name, clients, fig)
    row.server_cpu = (cpu1 - cpu0) / wall if wall else 0.0
    row.machine_busy = (busy1 - busy0) / wall if wall else 0.0
    row.ours_busy = row.server_cpu + ((ours1 - ours0) / wall if wall else 0.0)
    row.server_rss = rss
    events = sent["events"]
    if events and events[0][0] != "bare":
        row.emit_rate = len(events) / max(1e-9, events[-1][1] - events[0][1])
        # Map our calls to the events boards saw: by seq (service) or tracking (api).
        by_key: dict[str, float] = {}
        for seq, (_ts, _first, last, _n, tracking) in fig["per_seq"].items():
            by_key[seq] = last
            if tracking:
                by_key[tracking] = last
        for key, t_call, _t_ret in events:
            last = by_key.get(str(key))
            if last is not None:
                row.trigger_last.append((last - t_call) * 1000)
    else:
        row.emit_rate = 1000 / args.gap_ms
    return row, fig.get("sample")


def latency_rounds(
    setup: Setup, procs: Procs, args: argparse.Namespace, env: dict[str, str]
) -> tuple[list[Row], dict[str, Any] | None]:
    gen = procs.start(
        f"clients-{setup.name}",
        [sys.executable, str(BENCH / "_push_clients.py")],
        env=env,
        cpu="1",
        pipes=True,
    )
    rows = []
    sample = None
    try:
        gen.recv(timeout=30)
        for n in args.clients:
            row, got = measure(setup, gen, n, args)
            sample = sample or got
            rows.append(row)
            print_row(row)
    finally:
        procs.stop(gen)
    return rows, sample


@dataclass
class Stampede:
    setup: str
    signal: str
    fig: dict[str, Any]
    t_kill: float
    t_spawn: float
    t_listen: float
    t_ready: float
    t_down: float
    limit: float


def stampede(
    name: str,
    procs: Procs,
    start_server: Any,
    server: Child,
    url: str,
    token: str,
    port: int,
    args: argparse.Namespace,
    env: dict[str, str],
) -> tuple[list[Stampede], Child]:
    gen = procs.start(
        f"stampede-{name}",
        [sys.executable, str(BENCH / "_push_clients.py")],
        env=env,
        cpu="1",
        pipes=True,
    )
    out = []
    try:
        gen.recv(timeout=30)
        got = gen.ask(
            {
                "cmd": "connect",
                "n": args.stampede_clients,
                "url": url,
                "token": token,
                "snapshots": True,
                "sync_timeout": 120,
            },
            timeout=300,
        )
        print(
            f"  {name}: {got['connected']} boards connected in {got['seconds']:.1f} s, then "
            f"{got['synced']} first snapshots fetched (5 at a time) in {got['sync_seconds']:.1f} s"
        )
        for sig_name in args.stampede_signals:
            ready = gen.ask({"cmd": "settle", "timeout": 120}, timeout=150)
            if ready["settled"] != ready["boards"]:
                print(
                    f"  ! {name}: only {ready['settled']}/{ready['boards']} boards connected and "
                    f"synced after {ready['seconds']:.0f} s; the {sig_name} goes ahead"
                )
            time.sleep(1.0)
            sig = {"kill": signal.SIGKILL, "term": signal.SIGTERM}[sig_name]
            t_kill = time.time()
            procs.kill(server, sig, timeout=60)
            t_down = time.time()
            t_spawn = time.time()
            server = start_server()
            gen.send({"cmd": "stampede", "since": t_kill, "timeout": args.stampede_timeout})
            t_listen = wait_listening(port, 60)
            # The app answers (a static file: no database) — gunicorn's worker boots after
            # its master listens.
            t_ready = wait_http(f"{url}/static/css/board.css", 60)
            fig = gen.recv(timeout=args.stampede_timeout + 30)
            s = Stampede(
                name,
                sig_name,
                fig,
                t_kill,
                t_spawn,
                t_listen,
                t_ready,
                t_down,
                args.stampede_timeout,
            )
            out.append(s)
            print_stampede(s)
    finally:
        procs.stop(gen)
    return out, server


# --- output ------------------------------------------------------------------------


def ms(x: float | None) -> str:
    return "-" if x is None else f"{x:7.1f}"


def print_row(row: Row) -> None:
    f = row.fig
    lost = f["expected"] - f["delivered"]
    extra = f"  other events {f['others']}" if f["others"] else ""
    trig = ""
    if row.trigger_last:
        trig = (
            f"  call->last p50 {ms(pct(row.trigger_last, 0.5))} p99 "
            f"{ms(pct(row.trigger_last, 0.99))}"
        )
    print(
        f"  {row.setup:15s} {row.clients:4d} boards: p50 {ms(f['p50'])} p95 {ms(f['p95'])} "
        f"p99 {ms(f['p99'])} ms | last board p50 {ms(f['last_p50'])} p99 {ms(f['last_p99'])}"
        f" | delivered {f['delivered']}/{f['expected']} (lost {lost})"
        f"{' TIMED OUT' if f['timed_out'] else ''}{extra}{trig}"
    )
    print(
        f"  {'':15s} {'':11s} trend (last board, p50 of first/last fifth): "
        f"{ms(f['head_last_p50'])} -> {ms(f['tail_last_p50'])} ms | events/s {row.emit_rate:5.1f}"
        f" | server CPU {row.server_cpu * 100:4.0f} %  RSS {row.server_rss:6.1f} MB"
        f" | load generator CPU {f['cpu_share'] * 100:4.0f} % ({f['us_per_msg']} µs/message)"
    )
    print(
        f"  {'':15s} {'':11s} machine busy {row.machine_busy * 100:4.0f} % of "
        f"{(os.cpu_count() or 1) * 100} %, of which server + load generator + event source "
        f"{row.ours_busy * 100:4.0f} % (the rest: PostgreSQL, Redis, anything else running)"
    )
    fifths = " / ".join(f"{x:.1f}" for x in f["p99_fifths"])
    print(f"  {'':15s} {'':11s} p99 of each fifth of the events: {fifths} ms")


def print_stampede(s: Stampede) -> None:
    f = s.fig
    n = f["boards"]
    pad = " " * (len(s.setup) + 4)

    def since(t: float | None, ref: float) -> str:
        return "not all" if t is None else f"{t - ref:5.2f} s"

    print(
        f"  {s.setup} ({s.signal}): {f['resynced']}/{n} boards resynced within the "
        f"{s.limit:.0f} s limit; all reconnected "
        f"{since(f['all_reconnected'], s.t_kill)}, all resynced "
        f"{since(f['all_synced'], s.t_kill)} after the {s.signal}"
    )
    print(
        f"{pad}old process gone {s.t_down - s.t_kill:5.2f} s after the {s.signal}; the new one "
        f"listened {s.t_listen - s.t_spawn:5.2f} s and served {s.t_ready - s.t_spawn:5.2f} s "
        f"after it was started; all resynced {since(f['all_synced'], s.t_ready)} after that"
    )
    if f["disconnected"]:
        print(
            f"{pad}boards dropped by the old process: {f['disconnected']}/{n}, from "
            f"{since(f['first_disconnect'], s.t_kill)} to {since(f['last_disconnect'], s.t_kill)}"
            f" after the {s.signal}"
        )
    within = sum(1 for t in f["synced_times"] if t - s.t_kill <= 10)
    times = [t - s.t_kill for t in f["synced_times"]]
    print(
        f"{pad}resynced within 10 s of the {s.signal}: {within}/{n}; resync time p50 "
        f"{pct(times, 0.5) or 0:5.2f} s, p90 {pct(times, 0.9) or 0:5.2f} s"
    )
    print(
        f"{pad}snapshot endpoint during the stampede: {f['snapshot_requests']} requests "
        f"{f['snapshot_statuses']}; 200s p50 {ms(f['snapshot_p50'])} ms, p99 "
        f"{ms(f['snapshot_p99'])} ms, max {ms(f['snapshot_max'])} ms; p99 of all requests "
        f"(failures included) {ms(f['snapshot_all_p99'])} ms; {f['snapshot_bytes'] / 1024:.0f} KB"
        " gzipped"
    )


def summary(
    rows: list[Row], stampedes: list[Stampede], compare: dict[str, str], sizes: dict[str, int]
) -> None:
    print()
    print("Summary: push latency (receive - ts stamped at emit), ms")
    head = (
        "| setup | boards | p50 | p95 | p99 | last board p50 | last board p99 | "
        "p99 range over fifths | delivered/expected | lost | p99 ÷ bare | "
        "last-board p99 ÷ bare | call→last p99 |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    by = {(r.setup, r.clients): r for r in rows}
    for r in rows:
        f = r.fig
        ratio = ratio_last = "-"
        bare = by.get((compare.get(r.setup, ""), r.clients))
        if bare is not None and bare.fig["p99"] and f["p99"] is not None:
            ratio = f"{f['p99'] / bare.fig['p99']:.2f}×"
            ratio_last = f"{f['last_p99'] / bare.fig['last_p99']:.2f}×"
        trig = ms(pct(r.trigger_last, 0.99)).strip() if r.trigger_last else "-"
        print(
            f"| {r.setup} | {r.clients} | {f['p50']:.1f} | {f['p95']:.1f} | {f['p99']:.1f} | "
            f"{f['last_p50']:.1f} | {f['last_p99']:.1f} | "
            f"{min(f['p99_fifths']):.0f}–{max(f['p99_fifths']):.0f} | "
            f"{f['delivered']}/{f['expected']} | "
            f"{f['expected'] - f['delivered']} | {ratio} | {ratio_last} | {trig} |"
        )
    if sizes:
        print("payload sizes (JSON bytes): " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    if stampedes:
        print()
        print("Summary: reconnect stampede (web process killed and restarted)")
        print(
            "| setup | signal | boards resynced | all reconnected | all resynced | "
            "within 10 s | after serving again | snapshot p50 | snapshot p99 | "
            "p99 incl. failures | snapshot requests |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for s in stampedes:
            f = s.fig

            def rel(t: float | None, ref: float) -> str:
                return "not all" if t is None else f"{t - ref:.2f} s"

            within = sum(1 for t in f["synced_times"] if t - s.t_kill <= 10)
            print(
                f"| {s.setup} | {s.signal} | {f['resynced']}/{f['boards']} | "
                f"{rel(f['all_reconnected'], s.t_kill)} | {rel(f['all_synced'], s.t_kill)} | "
                f"{within}/{f['boards']} | {rel(f['all_synced'], s.t_ready)} | "
                f"{ms(f['snapshot_p50']).strip()} ms | {ms(f['snapshot_p99']).strip()} ms | "
                f"{ms(f['snapshot_all_p99']).strip()} ms | {f['snapshot_requests']} "
                f"{f['snapshot_statuses']} |"
            )


# --- the setups --------------------------------------------------------------------------


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "BARE_"))}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    # One key posts every API-emitted event: the per-key ingest limit is not measured here.
    env["PANTAU_RATE_LIMIT_INGEST"] = "1000000 per minute"
    return env


@dataclass
class Run:
    """What the setups share: arguments, processes, results."""

    args: argparse.Namespace
    procs: Procs
    env0: dict[str, str]
    log_dir: Path
    redis_url: str
    channel: str
    rows: list[Row] = field(default_factory=list)
    stampedes: list[Stampede] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    compare: dict[str, str] = field(default_factory=dict)
    bare: bool = False  # also run the bare server after each setup's latency rounds


def emitter_argv(mode: str, *extra: str) -> list[str]:
    return [sys.executable, str(BENCH / "_push_emitter.py"), mode, *extra]


def run_production(run: Run, url_db: str, latency: bool, stampede_on: bool) -> None:
    args, procs = run.args, run.procs
    t0 = time.perf_counter()
    pg = prepare(url_db, args.demo)
    print(
        f"\nproduction shape: PostgreSQL schema ready in {time.perf_counter() - t0:.0f} s "
        f"({args.demo} demo tickets, {pg.open_tickets} open), Redis {run.redis_url}, "
        f"channel {run.channel}; web: gunicorn -c gunicorn.conf.py wsgi:app (1 gevent worker)"
    )
    port = free_port()
    env = {
        **run.env0,
        "DATABASE_URL": pg.url,
        "REDIS_URL": run.redis_url,
        "PANTAU_SOCKETIO_CHANNEL": run.channel,
        "PANTAU_SECRET_KEY": "bench",
        "PANTAU_BIND": f"{HOST}:{port}",
    }
    url = f"http://{HOST}:{port}"
    ready = f"{url}/board/snapshot.json?wall={pg.token}"

    def start_gunicorn() -> Child:
        argv = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
        return procs.start("gunicorn", argv, env=env, cpu="0")

    server = start_gunicorn()
    try:
        wait_http(ready, 60)
        if latency:
            print("  events: bench/_push_emitter.py service (workflow.add_note, through Redis)")
            notes = ",".join(map(str, pg.note_tickets))
            argv = emitter_argv("service", "--user-id", str(pg.mro_id), "--tickets", notes)
            emitter = procs.start("emitter-production", argv, env=env, cpu="0", pipes=True)
            emitter.recv(timeout=60)
            setup = Setup("production", server, url, pg.token, emitter, ["note"])
            rows, sample = latency_rounds(setup, procs, args, run.env0)
            run.rows += rows
            procs.stop(emitter)
            if sample:
                run.sizes["production"] = len(json.dumps(sample, separators=(",", ":")))
                if run.bare:
                    # Right after, on the same quiet machine: the bare server, same payload.
                    procs.kill(server, signal.SIGTERM, timeout=30)
                    run_bare(run, "bare-gevent", "gevent", "production", sample)
                    server = start_gunicorn()
                    wait_http(ready, 60)
        if stampede_on:
            got, server = stampede(
                "production", procs, start_gunicorn, server, url, pg.token, port, args, run.env0
            )
            run.stampedes += got
    finally:
        procs.kill(server, signal.SIGTERM, timeout=30)


def run_embedded(run: Run, url_db: str, latency: bool, stampede_on: bool) -> None:
    args, procs = run.args, run.procs
    t0 = time.perf_counter()
    sq = prepare(url_db, args.demo)
    print(
        f"\nembedded default: SQLite ready in {time.perf_counter() - t0:.0f} s "
        f"({args.demo} demo tickets, {sq.open_tickets} open); web: python wsgi.py"
        " (threading, scheduler in-process)"
    )
    port = free_port()
    env = {
        **run.env0,
        "DATABASE_URL": sq.url,
        "PANTAU_SECRET_KEY": "bench",
        "PANTAU_PORT": str(port),
    }
    url = f"http://{HOST}:{port}"

    def start_embedded() -> Child:
        return procs.start("embedded", [sys.executable, str(ROOT / "wsgi.py")], env=env, cpu="0")

    server = start_embedded()
    try:
        wait_http(f"{url}/board/snapshot.json?wall={sq.token}", 60)
        if latency:
            print("  events: POST /api/v1/tickets (channel key), published inside the web process")
            argv = emitter_argv(
                "api",
                "--url",
                url,
                "--api-key",
                sq.api_key,
                "--points",
                json.dumps(sq.points),
                "--categories",
                ",".join(sq.categories),
            )
            emitter = procs.start("emitter-embedded", argv, env=run.env0, cpu="0", pipes=True)
            emitter.recv(timeout=60)
            setup = Setup("embedded", server, url, sq.token, emitter, ["received"])
            rows, sample = latency_rounds(setup, procs, args, run.env0)
            run.rows += rows
            procs.stop(emitter)
            if sample:
                run.sizes["embedded"] = len(json.dumps(sample, separators=(",", ":")))
                if run.bare:
                    procs.kill(server, signal.SIGTERM, timeout=30)
                    run_bare(run, "bare-threading", "threading", "embedded", sample)
                    server = start_embedded()
                    wait_http(f"{url}/board/snapshot.json?wall={sq.token}", 60)
        if stampede_on:
            got, server = stampede(
                "embedded", procs, start_embedded, server, url, sq.token, port, args, run.env0
            )
            run.stampedes += got
    finally:
        procs.kill(server, signal.SIGTERM, timeout=30)


def run_bare(run: Run, name: str, mode: str, compared: str, sample: dict[str, Any]) -> None:
    """The bare python-socketio server in ``mode``, pushing ``sample`` (a captured payload)."""
    procs = run.procs
    payload_path = run.log_dir / f"payload-{name}.json"
    payload_path.write_text(json.dumps(sample))
    size = run.sizes[name] = len(json.dumps(sample, separators=(",", ":")))
    token = "pw_" + secrets.token_urlsafe(24)
    run.compare[compared] = name
    port = free_port()
    env = {
        **run.env0,
        "BARE_ASYNC_MODE": mode,
        "BARE_TOKEN": token,
        "BARE_PAYLOAD": str(payload_path),
        "BARE_PORT": str(port),
    }
    if mode == "gevent":
        served = "under gunicorn -k gevent -w 1 (as production)"
        argv = [
            str(VENV_BIN / "gunicorn"),
            *("-k", "gevent", "-w", "1", "--worker-connections", "2000"),
            *("-b", f"{HOST}:{port}", "--chdir", str(BENCH), "_push_bare:app"),
        ]
    else:
        served = "under Werkzeug, threaded (as socketio.run in the embedded default)"
        argv = [sys.executable, str(BENCH / "_push_bare.py")]
    print(
        f"  {name}: python-socketio Server(async_mode={mode!r}) {served}; "
        f"the same {size}-byte payload, ts stamped just before emit"
    )
    server = procs.start(name, argv, env=env, cpu="0")
    try:
        wait_listening(port, 30)
        time.sleep(1.0)  # gunicorn's worker boots after the master binds
        argv = emitter_argv("bare", "--url", f"http://{HOST}:{port}")
        emitter = procs.start(f"emitter-{name}", argv, env=run.env0, cpu="0", pipes=True)
        emitter.recv(timeout=30)
        kinds = [str(sample.get("kind"))]
        setup = Setup(name, server, f"http://{HOST}:{port}", token, emitter, kinds)
        rows, _ = latency_rounds(setup, procs, run.args, run.env0)
        run.rows += rows
        procs.stop(emitter)
    finally:
        procs.kill(server, signal.SIGTERM, timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,100,500", help="board counts, comma-separated")
    parser.add_argument("--events", type=int, default=200, help="events per measurement")
    parser.add_argument("--warmup", type=int, default=10, help="uncounted events first")
    parser.add_argument("--gap-ms", type=float, default=100.0, help="schedule: one event per gap")
    parser.add_argument("--setups", default="production,embedded,bare")
    parser.add_argument("--stampede", default="production,embedded", help="'' to skip")
    parser.add_argument("--stampede-clients", type=int, default=500)
    parser.add_argument("--stampede-signals", default="kill,term", help="kill and/or term")
    parser.add_argument("--stampede-timeout", type=float, default=60)
    parser.add_argument("--demo", type=int, default=20000, help="demo tickets per database")
    parser.add_argument("--no-pin", action="store_true", help="do not use taskset")
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",") if c]
    args.stampede_signals = [s for s in args.stampede_signals.split(",") if s]
    setups = [s for s in args.setups.split(",") if s]
    stampede_on = [s for s in args.stampede.split(",") if s]
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    pin = not args.no_pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    if ("production" in setups or "production" in stampede_on) and not pg_base_url():
        print("production shape skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL")
        setups = [s for s in setups if s != "production"]
        stampede_on = [s for s in stampede_on if s != "production"]
    for url in [pg_base_url() or "", redis_url]:
        host = url.split("@")[-1].split("//")[-1].split(":")[0].split("/")[0]
        if host and host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
            raise SystemExit(f"refusing a non-loopback service: {host}")

    from importlib.metadata import version
    from importlib.util import find_spec

    if find_spec("aiohttp") is None:
        raise SystemExit(
            "bench/push.py needs aiohttp for the AsyncClients: "
            "pip install aiohttp (python-socketio[asyncio_client])"
        )

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, python-socketio {version('python-socketio')}, "
        f"python-engineio {version('python-engineio')}, Flask-SocketIO "
        f"{version('Flask-SocketIO')}, gevent {version('gevent')}, "
        f"gunicorn {version('gunicorn')}, aiohttp {version('aiohttp')} (clients)"
    )
    where = "servers and event sources on CPU 0, load generator on CPU 1 (taskset)"
    print(f"pinning: {where if pin else 'none'}; PostgreSQL and Redis are not pinned")
    print(
        f"load: {args.events} events per measurement (+{args.warmup} warm-up), one every "
        f"{args.gap_ms:g} ms, to {args.clients} boards (WebSocket, wall token, province room)"
    )
    print(f"app code: {code_state()}")
    fingerprint = app_fingerprint()
    started = time.time()
    log_dir = Path(tempfile.mkdtemp(prefix="pantau-push-"))
    print(f"logs: {log_dir}")
    run = Run(
        args=args,
        procs=Procs(log_dir, pin),
        env0=base_env(),
        log_dir=log_dir,
        redis_url=redis_url,
        channel=f"pantau-bench-{uuid.uuid4().hex[:10]}",
        bare="bare" in setups,
    )

    def on_signal(signum: int, _frame: Any) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        if "production" in setups or "production" in stampede_on:
            with database("postgresql") as url_db:
                run_production(run, url_db, "production" in setups, "production" in stampede_on)
        if "embedded" in setups or "embedded" in stampede_on:
            with database("sqlite") as url_db:
                run_embedded(run, url_db, "embedded" in setups, "embedded" in stampede_on)
        summary(run.rows, run.stampedes, run.compare, run.sizes)
    finally:
        run.procs.close()
        print(f"\nrun took {time.time() - started:.0f} s; every process it started is stopped")
        after = app_fingerprint()
        moved = sorted(
            k for k in set(fingerprint) | set(after) if fingerprint.get(k) != after.get(k)
        )
        if moved:
            print(
                "WARNING: app files changed during the run (servers started after the change "
                f"ran the new code; the figures mix code states): {', '.join(moved)}"
            )


if __name__ == "__main__":
    main()
