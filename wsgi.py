"""Entry point. ``gunicorn wsgi:app`` in production; ``python wsgi.py`` runs the
embedded default (threading Socket.IO server on 127.0.0.1:5000)."""

from __future__ import annotations

import os

from dashboard import create_app
from dashboard.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(
        app,
        host=os.environ.get("PANTAU_HOST", "127.0.0.1"),
        port=int(os.environ.get("PANTAU_PORT", "5000")),
        allow_unsafe_werkzeug=True,
    )
