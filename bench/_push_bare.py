"""The bare python-socketio server of ``bench/push.py``: the engine's own cost.

No Flask, no database, no Redis: a ``socketio.Server`` that accepts a board
holding the wall token (a string comparison), puts it in the ``province``
room, and on ``POST /emit?n=&gap_ms=`` pushes n copies of a real payload
(``BARE_PAYLOAD``, a JSON file captured from the app) with a fresh ``seq``
and a ``ts`` stamped just before each ``emit``, from a background task.

Two async modes, each served like the setup it is compared with:

- ``gevent``: ``gunicorn -k gevent -w 1 --chdir bench _push_bare:app``
  (the production shape's server and worker);
- ``threading``: ``python bench/_push_bare.py`` (Werkzeug, threaded, as
  Flask-SocketIO's ``socketio.run`` does in the embedded default).

Environment: BARE_ASYNC_MODE, BARE_TOKEN, BARE_PAYLOAD, BARE_PORT (threading).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any
from urllib.parse import parse_qs

import socketio

MODE = os.environ.get("BARE_ASYNC_MODE", "gevent")
TOKEN = os.environ.get("BARE_TOKEN", "")
with open(os.environ["BARE_PAYLOAD"], encoding="utf-8") as fh:
    TEMPLATE: dict[str, Any] = json.load(fh)

sio = socketio.Server(async_mode=MODE)
SEQ = [1_000_000_000]


@sio.event
def connect(sid: str, _environ: dict[str, Any], auth: Any = None) -> bool:
    if not isinstance(auth, dict) or auth.get("wall") != TOKEN:
        return False
    sio.enter_room(sid, "province")
    return True


def push(n: int, gap_ms: float) -> None:
    start = time.perf_counter()
    for i in range(n):
        wait = start + i * gap_ms / 1000 - time.perf_counter()
        if wait > 0:
            sio.sleep(wait)
        SEQ[0] += 1
        body = {**TEMPLATE, "seq": SEQ[0], "ts": time.time()}
        sio.emit("ticket.changed", body, to="province")


def control(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ.get("PATH_INFO") == "/emit" and environ.get("REQUEST_METHOD") == "POST":
        qs = parse_qs(environ.get("QUERY_STRING", ""))
        n = min(10_000, int(qs.get("n", ["1"])[0]))
        gap = float(qs.get("gap_ms", ["10"])[0])
        sio.start_background_task(push, n, gap)
        start_response("202 Accepted", [("Content-Type", "text/plain")])
        return [b"started\n"]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found\n"]


app = socketio.WSGIApp(sio, control)

if __name__ == "__main__":
    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", int(os.environ["BARE_PORT"]), app, threaded=True)
