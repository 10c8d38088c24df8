"""Another process publishing through the Redis queue: a job process or another web instance.

A web process delivers its own deltas to its own boards directly; what Redis
can lose are the deltas of *other* processes. This one adds a note to a
ticket (through the real service and publisher) for each ticket id written
to its stdin, and answers "done" once the change is committed and published.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys
    from dashboard import clock, create_app
    from dashboard.domain.workflow import Actor, ActorKind, Role
    from dashboard.live.publisher import publish
    from dashboard.services import workflow

    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "publisher",
                      "REDIS_URL": sys.argv[2], "SOCKETIO_CHANNEL": sys.argv[3]})
    mro = Actor(kind=ActorKind.USER, label="MRO", role=Role.MRO)
    print("ready", flush=True)
    for line in sys.stdin:
        with app.app_context():
            workflow.add_note(int(line), text="Catatan dari proses lain", kind="note",
                              actor=mro, now=clock.now(), publish=publish)
        print("done", flush=True)
    """
)


class PublisherProcess:
    def __init__(self, app: Flask, redis_url: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["PYTHONPATH"] = str(ROOT)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SCRIPT,
                app.config["SQLALCHEMY_DATABASE_URI"],
                redis_url,
                app.config.get("SOCKETIO_CHANNEL", "flask-socketio"),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._expect("ready")

    def _expect(self, word: str) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()  # the process answers or exits
        assert line == word, f"publisher process said {line!r} (exit {self.proc.poll()})"

    def note(self, ticket_id: int) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{ticket_id}\n")
        self.proc.stdin.flush()
        self._expect("done")

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
