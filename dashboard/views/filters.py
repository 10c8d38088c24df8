"""Jinja filters: the templates format through dashboard/formatting.py."""

from __future__ import annotations

from flask import Flask

from .. import formatting


def init_app(app: Flask) -> None:
    app.jinja_env.filters["wib"] = formatting.wib
    app.jinja_env.filters["status_label"] = formatting.status
    app.jinja_env.filters["duration"] = formatting.duration_minutes
