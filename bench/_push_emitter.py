"""Event source for ``bench/push.py``, in its own process.

``service`` mode acts as the scheduler process of the production shape: the
app is created from the environment (DATABASE_URL, REDIS_URL,
PANTAU_SOCKETIO_CHANNEL — the same as the web process's) and each event is a
real service call, ``workflow.add_note`` by an MRO user with the real
publisher, so the real payload (stamped ``ts`` at emit) travels through
Redis to the web process.

``api`` mode is an intake channel: each event is a ``POST /api/v1/tickets``
to the embedded server, which creates the ticket and publishes inside the
web process.

``bare`` mode asks the bare python-socketio server to push (it stamps ``ts``
itself).

Driven by JSON lines on stdin ({"cmd": "emit", "n": 200, "gap_ms": 20} or
{"cmd": "quit"}); replies on stdout with, per event, its key (seq or
tracking) and the times the call started and returned. Events follow a fixed
schedule (start + i × gap), so the rate does not depend on the call's own
duration unless the call is slower than the gap.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def schedule(n: int, gap_ms: float, call: Any) -> list[list[Any]]:
    out = []
    start = time.perf_counter()
    for i in range(n):
        wait = start + i * gap_ms / 1000 - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        t0 = time.time()
        key = call(i)
        out.append([key, t0, time.time()])
    return out


def service_mode(args: argparse.Namespace) -> None:
    from dashboard import clock, create_app
    from dashboard.extensions import db
    from dashboard.live.publisher import publish
    from dashboard.models import User
    from dashboard.scope import actor_for_user
    from dashboard.services import workflow

    app = create_app()  # from the environment, like `flask jobs run`
    assert app.config.get("REDIS_URL"), "service mode needs REDIS_URL"
    ticket_ids = [int(t) for t in args.tickets.split(",")]
    with app.app_context():
        user = db.session.get(User, args.user_id)
        actor = actor_for_user(user)
        db.session.rollback()
        counter = [0]

        def call(_i: int) -> int:
            counter[0] += 1
            tid = ticket_ids[counter[0] % len(ticket_ids)]
            event = workflow.add_note(
                tid,
                text=f"Catatan uji beban {counter[0]}",
                kind="note",
                actor=actor,
                now=clock.now(),
                publish=publish,
            )
            return event.event_id

        loop(call)
        db.session.remove()


def api_mode(args: argparse.Namespace) -> None:
    import requests

    points = json.loads(args.points)
    cats = args.categories.split(",")
    http = requests.Session()
    rng = random.Random(7)
    run = f"{int(time.time())}-{rng.randrange(1 << 30):x}"
    counter = [0]

    def call(_i: int) -> str:
        counter[0] += 1
        lat, lon = rng.choice(points)
        body = {
            "channel": "jaki",
            "external_id": f"push-{run}-{counter[0]:06d}",
            "category": rng.choice(cats),
            "description": f"Laporan uji push nomor {counter[0]}: mohon ditindaklanjuti.",
            "lat": round(lat + rng.uniform(-0.002, 0.002), 6),
            "lon": round(lon + rng.uniform(-0.002, 0.002), 6),
            "address": f"Jl. Uji No. {counter[0] % 200 + 1}",
            "reported_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
            "reporter": {"name": f"Pelapor {counter[0]}", "phone": f"0813{counter[0]:07d}"},
        }
        res = http.post(
            f"{args.url}/api/v1/tickets",
            json=body,
            headers={"X-API-Key": args.api_key},
            timeout=30,
        )
        if res.status_code not in (200, 201):
            return f"error:{res.status_code}"
        return res.json()["tracking"]

    loop(call)
    http.close()


def bare_mode(args: argparse.Namespace) -> None:
    import requests

    def run(n: int, gap_ms: float) -> list[list[Any]]:
        t0 = time.time()
        res = requests.post(f"{args.url}/emit", params={"n": n, "gap_ms": gap_ms}, timeout=10)
        res.raise_for_status()
        # The server pushes on its own schedule; wait for it to finish.
        time.sleep(n * gap_ms / 1000 + 0.2)
        return [["bare", t0, time.time()]]

    reply({"ready": True})
    for _ in range(1000):
        line = sys.stdin.readline()
        if not line:
            break
        msg = json.loads(line)
        if msg["cmd"] == "quit":
            break
        t0 = time.time()
        events = run(int(msg["n"]), float(msg["gap_ms"]))
        reply({"events": events, "seconds": time.time() - t0})


def loop(call: Any) -> None:
    reply({"ready": True})
    for _ in range(1000):  # bounded command loop
        line = sys.stdin.readline()
        if not line:
            break
        msg = json.loads(line)
        if msg["cmd"] == "quit":
            break
        t0 = time.time()
        events = schedule(int(msg["n"]), float(msg["gap_ms"]), call)
        reply({"events": events, "seconds": time.time() - t0})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["service", "api", "bare"])
    parser.add_argument("--url", default="")
    parser.add_argument("--api-key", default="")
    parser.add_argument("--user-id", type=int, default=0)
    parser.add_argument("--tickets", default="")
    parser.add_argument("--points", default="[]")
    parser.add_argument("--categories", default="")
    args = parser.parse_args()
    {"service": service_mode, "api": api_mode, "bare": bare_mode}[args.mode](args)


if __name__ == "__main__":
    main()
