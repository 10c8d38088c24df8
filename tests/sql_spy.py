"""Watching the SQL a piece of code sends: which statements write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import event

from dashboard.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE")


def count_writes(app: Flask) -> Callable[[], list[str]]:
    """Start listening to the app's engine; the returned function gives the
    writing statements sent since (and stops listening)."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)

    def stop() -> list[str]:
        event.remove(engine, "before_cursor_execute", listen)
        return seen

    return stop
