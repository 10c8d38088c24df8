"""Jinja filters: the templates format through dashboard/formatting.py and name
what happened to a ticket through dashboard/domain/history.py."""

from __future__ import annotations

from flask import Flask

from .. import formatting
from ..domain import history


def init_app(app: Flask) -> None:
    app.jinja_env.filters["wib"] = formatting.wib
    app.jinja_env.filters["status_label"] = formatting.status
    app.jinja_env.filters["duration"] = formatting.duration_minutes
    app.jinja_env.filters["event_label"] = history.staff_label  # {{ e.kind|event_label(e.data) }}
