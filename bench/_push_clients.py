"""Load generator for ``bench/push.py``: many board clients in one asyncio process.

Each board is a python-socketio ``AsyncClient`` on the WebSocket transport,
authenticated with ``auth={"wall": token}``. Like the real board (live.js)
it can fetch ``/board/snapshot.json?wall=<token>`` on every (re)connect and
retry a failed fetch after 2–5 s. It is driven by ``bench/push.py`` through
JSON lines: commands on stdin, one reply per command on stdout (log lines go
to stderr). Every wait is bounded by a timeout; it only ever connects to the
URL it is given (127.0.0.1).

Commands:
  {"cmd": "connect", "n": 100, "url": ..., "token": ..., "snapshots": false}
  {"cmd": "measure", "expect": 200, "kinds": ["note"], "timeout": 30}
      replies {"armed": true} at once, then the figures when every board has
      every expected event (or at the timeout)
  {"cmd": "connect", ..., "snapshots": true}: then each board fetches its first
      snapshot (a few at a time), and from then on one on every reconnect
  {"cmd": "settle", "timeout": 120}: waits until every board is connected
      and has fetched a snapshot since its latest connect
  {"cmd": "stampede", "since": <epoch s>, "timeout": 60}
      waits until every board has reconnected and fetched a snapshot after
      ``since``; replies with the timings
  {"cmd": "quit"}
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from typing import Any

import aiohttp
import socketio


def log(*parts: Any) -> None:
    print("[clients]", *parts, file=sys.stderr, flush=True)


def reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class BoardClient(socketio.AsyncClient):
    """An AsyncClient whose reconnect attempts wait for the server like a browser does.

    python-socketio's automatic reconnect calls ``connect()`` with the default
    ``wait_timeout=1``: an attempt the busy server answers in 1.1 s counts as
    failed and backs off 2–5 s more. The socket.io JS client that the real
    board uses waits 20 s (its ``timeout`` option) before giving up on an
    attempt, so the boards here wait 20 s too.
    """

    async def connect(self, *args: Any, wait_timeout: float = 20, **kwargs: Any) -> None:
        await super().connect(*args, wait_timeout=wait_timeout, **kwargs)


class Gen:
    """The shared state of all boards in this process."""

    def __init__(self) -> None:
        self.boards: list[Board] = []
        self.url = ""
        self.token = ""
        self.snapshots = False
        self.http: aiohttp.ClientSession | None = None
        # recording of one measurement
        self.recording = False
        self.kinds: set[str] = set()
        self.samples: list[tuple[int, int, float, float]] = []  # board, seq, ts, recv
        self.trackings: dict[int, str] = {}  # seq -> the ticket's tracking number
        self.others = 0
        self.target = 0
        self.done = asyncio.Event()
        self.sample_payload: dict[str, Any] | None = None
        # snapshot requests: (start, end, status, bytes)
        self.fetches: list[tuple[float, float, int, int]] = []

    async def session(self) -> aiohttp.ClientSession:
        if self.http is None:
            # limit=0: every board has its own connection, like 500 browsers.
            self.http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                auto_decompress=False,
                timeout=aiohttp.ClientTimeout(total=30),
            )
        return self.http


class Board:
    def __init__(self, gen: Gen, idx: int) -> None:
        self.gen = gen
        self.idx = idx
        self.connects: list[float] = []
        self.disconnects: list[float] = []
        self.synced: list[float] = []
        self.fetch_gen = 0
        self.sio = BoardClient(
            reconnection=True,
            reconnection_delay=1,
            reconnection_delay_max=5,
            randomization_factor=0.5,
            handle_sigint=False,
        )
        self.sio.on("connect", self.on_connect)
        self.sio.on("disconnect", self.on_disconnect)
        self.sio.on("ticket.changed", self.on_event)

    async def on_connect(self) -> None:
        self.connects.append(time.time())
        if self.gen.snapshots:
            self.fetch_gen += 1
            asyncio.get_running_loop().create_task(self.resync(self.fetch_gen))

    async def on_disconnect(self, *_args: Any) -> None:
        self.disconnects.append(time.time())
        self.fetch_gen += 1  # an in-flight snapshot is stale now

    async def resync(self, gen_no: int) -> None:
        """live.js's resync(): fetch the snapshot; on failure retry in 2–5 s while connected."""
        http = await self.gen.session()
        url = f"{self.gen.url}/board/snapshot.json"
        for _attempt in range(20):  # bounded
            if gen_no != self.fetch_gen:
                return
            t0 = time.time()
            status, size = 0, 0
            seq = None
            try:
                async with http.get(
                    url,
                    params={"wall": self.gen.token},
                    headers={"Accept": "application/json", "Accept-Encoding": "gzip"},
                ) as res:
                    body = await res.read()
                    status, size = res.status, len(body)
                    seq = res.headers.get("X-Board-Seq")
            except (TimeoutError, aiohttp.ClientError):
                status = -1
            t1 = time.time()
            self.gen.fetches.append((t0, t1, status, size))
            if status == 200 and seq is not None:
                if gen_no == self.fetch_gen:
                    self.synced.append(t1)
                return
            await asyncio.sleep(2 + random.random() * 3)

    async def on_event(self, data: dict[str, Any]) -> None:
        now = time.time()
        gen = self.gen
        if not gen.recording:
            return
        if data.get("kind") not in gen.kinds:
            gen.others += 1
            return
        if gen.sample_payload is None:
            gen.sample_payload = data
        seq = int(data.get("seq") or 0)
        gen.samples.append((self.idx, seq, float(data.get("ts") or 0), now))
        if seq not in gen.trackings:
            gen.trackings[seq] = str((data.get("ticker") or {}).get("tracking"))
        if len(gen.samples) >= gen.target:
            gen.done.set()

    async def connect(self) -> bool:
        for _ in range(3):
            try:
                await self.sio.connect(
                    self.gen.url,
                    auth={"wall": self.gen.token},
                    transports=["websocket"],
                )
                return True
            except socketio.exceptions.ConnectionError as exc:
                log(f"board {self.idx}: connect failed: {exc}")
                await asyncio.sleep(0.5)
        return False


async def cmd_connect(gen: Gen, msg: dict[str, Any]) -> dict[str, Any]:
    gen.url = msg["url"]
    gen.token = msg["token"]
    want_snapshots = bool(msg.get("snapshots"))
    gen.snapshots = False  # the first snapshots are fetched below, a few at a time
    n = int(msg["n"])
    t0 = time.time()
    new = [Board(gen, i) for i in range(len(gen.boards), n)]
    failed = 0
    batch = 50
    for i in range(0, len(new), batch):
        results = await asyncio.gather(*(b.connect() for b in new[i : i + batch]))
        failed += results.count(False)
    gen.boards.extend(new)
    connected = sum(1 for b in gen.boards if b.sio.connected)
    connect_seconds = time.time() - t0
    if want_snapshots:
        # Not a stampede: the boards' first snapshots, at most `initial_concurrency` at once.
        limit = asyncio.Semaphore(int(msg.get("initial_concurrency", 5)))

        async def first(b: Board) -> None:
            async with limit:
                b.fetch_gen += 1
                await b.resync(b.fetch_gen)

        try:
            await asyncio.wait_for(
                asyncio.gather(*(first(b) for b in gen.boards if not b.synced)),
                float(msg.get("sync_timeout", 60)),
            )
        except TimeoutError:
            log("first snapshots: timed out")
        gen.snapshots = True  # from now on: a snapshot on every (re)connect, as live.js
    return {
        "connected": connected,
        "failed": failed,
        "seconds": round(connect_seconds, 3),
        "sync_seconds": round(time.time() - t0 - connect_seconds, 3),
        "synced": sum(1 for b in gen.boards if b.synced),
    }


def settled(b: Board) -> bool:
    """Connected, and holding a snapshot fetched after its latest connect."""
    return b.sio.connected and bool(b.connects) and bool(b.synced) and b.synced[-1] > b.connects[-1]


async def cmd_settle(gen: Gen, msg: dict[str, Any]) -> dict[str, Any]:
    """Wait (bounded) until every board is connected and synced."""
    t0 = time.time()
    deadline = time.monotonic() + float(msg["timeout"])
    while time.monotonic() < deadline and not all(settled(b) for b in gen.boards):
        await asyncio.sleep(0.05)
    return {
        "settled": sum(1 for b in gen.boards if settled(b)),
        "boards": len(gen.boards),
        "seconds": round(time.time() - t0, 3),
    }


async def cmd_measure(gen: Gen, msg: dict[str, Any]) -> dict[str, Any]:
    expect = int(msg["expect"])
    n = len(gen.boards)
    gen.samples = []
    gen.trackings = {}
    gen.others = 0
    gen.kinds = set(msg["kinds"])
    gen.target = expect * n
    gen.done = asyncio.Event()
    gen.sample_payload = None
    gen.recording = True
    cpu0, wall0 = time.process_time(), time.time()
    reply({"armed": True})
    timed_out = False
    try:
        await asyncio.wait_for(gen.done.wait(), float(msg["timeout"]))
    except TimeoutError:
        timed_out = True
    await asyncio.sleep(float(msg.get("grace", 0.5)))  # catch duplicates and stragglers
    gen.recording = False
    cpu = time.process_time() - cpu0
    wall = time.time() - wall0
    samples = gen.samples
    lat = [(r - ts) * 1000 for _b, _s, ts, r in samples]
    per_seq: dict[int, list[float]] = {}
    unique: set[tuple[int, int]] = set()
    for b, s, ts, r in samples:
        unique.add((b, s))
        row = per_seq.get(s)
        if row is None:
            per_seq[s] = [ts, r, r, 1]
        else:
            row[1] = min(row[1], r)
            row[2] = max(row[2], r)
            row[3] += 1
    # Spread within the run: p99 over each fifth of the events, in emit order.
    order = sorted(per_seq)
    slice_of = {seq: i * 5 // max(1, len(order)) for i, seq in enumerate(order)}
    slices: list[list[float]] = [[] for _ in range(5)]
    for _b, s, ts, r in samples:
        slices[slice_of[s]].append((r - ts) * 1000)
    last = [(row[2] - row[0]) * 1000 for row in per_seq.values()]
    first = [(row[1] - row[0]) * 1000 for row in per_seq.values()]
    # Queueing shows as a trend: compare the first and the last fifth of the events.
    ordered = [per_seq[s] for s in sorted(per_seq)]
    fifth = max(1, len(ordered) // 5)
    head = [(row[2] - row[0]) * 1000 for row in ordered[:fifth]]
    tail = [(row[2] - row[0]) * 1000 for row in ordered[-fifth:]]
    return {
        "clients": n,
        "connected": sum(1 for b in gen.boards if b.sio.connected),
        "events_seen": len(per_seq),
        "delivered": len(unique),
        "received": len(samples),
        "expected": expect * n,
        "others": gen.others,
        "timed_out": timed_out,
        "p50": pct(lat, 0.50),
        "p95": pct(lat, 0.95),
        "p99": pct(lat, 0.99),
        "max": max(lat) if lat else None,
        "p99_fifths": [pct(x, 0.99) for x in slices if x],
        "last_p50": pct(last, 0.50),
        "last_p99": pct(last, 0.99),
        "last_max": max(last) if last else None,
        "first_p50": pct(first, 0.50),
        "head_last_p50": pct(head, 0.50),
        "tail_last_p50": pct(tail, 0.50),
        "cpu_share": round(cpu / wall, 3) if wall else None,
        "us_per_msg": round(cpu / len(samples) * 1e6, 1) if samples else None,
        # seq -> [ts, first receive, last receive, boards, tracking]
        "per_seq": {str(s): [*row, gen.trackings.get(s)] for s, row in per_seq.items()},
        "sample": gen.sample_payload,
    }


async def cmd_stampede(gen: Gen, msg: dict[str, Any]) -> dict[str, Any]:
    since = float(msg["since"])
    deadline = time.monotonic() + float(msg["timeout"])

    def resynced(b: Board) -> bool:
        return any(t > since for t in b.synced) and any(t > since for t in b.connects)

    while time.monotonic() < deadline and not all(resynced(b) for b in gen.boards):
        await asyncio.sleep(0.02)
    reconnect = [min(t for t in b.connects if t > since) for b in gen.boards if resynced(b)]
    synced = [min(t for t in b.synced if t > since) for b in gen.boards if resynced(b)]
    fetches = [f for f in gen.fetches if f[0] > since]
    ok = [(f[1] - f[0]) * 1000 for f in fetches if f[2] == 200]
    every = [(f[1] - f[0]) * 1000 for f in fetches]
    dropped = [
        min(t for t in b.disconnects if t > since)
        for b in gen.boards
        if any(t > since for t in b.disconnects)
    ]
    statuses: dict[str, int] = {}
    for f in fetches:
        statuses[str(f[2])] = statuses.get(str(f[2]), 0) + 1
    return {
        "boards": len(gen.boards),
        "resynced": len(synced),
        "connected_now": sum(1 for b in gen.boards if b.sio.connected),
        "first_reconnect": min(reconnect) if reconnect else None,
        "all_reconnected": max(reconnect) if len(reconnect) == len(gen.boards) else None,
        "first_synced": min(synced) if synced else None,
        "all_synced": max(synced) if len(synced) == len(gen.boards) else None,
        "reconnect_p50": pct(reconnect, 0.5),
        "synced_p50": pct(synced, 0.5),
        "snapshot_requests": len(fetches),
        "snapshot_statuses": statuses,
        "snapshot_p50": pct(ok, 0.50),
        "snapshot_p99": pct(ok, 0.99),
        "snapshot_max": max(ok) if ok else None,
        "snapshot_all_p99": pct(every, 0.99),
        "disconnected": len(dropped),
        "first_disconnect": min(dropped) if dropped else None,
        "last_disconnect": max(dropped) if dropped else None,
        "snapshot_bytes": max((f[3] for f in fetches if f[2] == 200), default=0),
        "synced_times": sorted(synced),
    }


async def shutdown(gen: Gen) -> None:
    async def close(b: Board) -> None:
        with contextlib.suppress(Exception):  # best effort at exit
            await asyncio.wait_for(b.sio.disconnect(), 5)

    await asyncio.gather(*(close(b) for b in gen.boards))
    if gen.http is not None:
        await gen.http.close()


async def main() -> None:
    gen = Gen()
    loop = asyncio.get_running_loop()
    handlers = {
        "connect": cmd_connect,
        "measure": cmd_measure,
        "stampede": cmd_stampede,
        "settle": cmd_settle,
    }
    reply({"ready": True})
    for _ in range(10_000):  # bounded command loop
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        msg = json.loads(line)
        if msg["cmd"] == "quit":
            break
        reply(await handlers[msg["cmd"]](gen, msg))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(shutdown(gen), 20)
    reply({"bye": True})


if __name__ == "__main__":
    asyncio.run(main())
