"""Entry point. Production: ``gunicorn -k gevent -w 1 wsgi:app`` plus a
``flask jobs run`` process, with REDIS_URL between them. ``python wsgi.py``
runs the embedded default: a threading Socket.IO server on 127.0.0.1:5000
with the scheduler jobs inside the same process."""

from __future__ import annotations

import os

from dashboard import create_app
from dashboard.extensions import socketio

app = create_app()

if __name__ == "__main__":
    if not app.config.get("REDIS_URL") and os.environ.get("PANTAU_SCHEDULER", "on") != "off":
        # Embedded default: no Redis, so the jobs run in this process and emit
        # straight to its sockets. With REDIS_URL, run `flask jobs run` instead.
        from jobs.scheduler import start_in_background

        start_in_background(app)
    socketio.run(
        app,
        host=os.environ.get("PANTAU_HOST", "127.0.0.1"),
        port=int(os.environ.get("PANTAU_PORT", "5000")),
        allow_unsafe_werkzeug=True,
    )
