"""URL converters: ``<int:…>`` segments that a database id can be.

Werkzeug's ``int`` converter takes any run of digits; an id beyond 64 bits then
reaches the database driver and fails there (a 500). Here it does not match:
the URL is a 404, like any other id that names nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from ..domain.inputs import MAX_ID


class IdConverter(IntegerConverter):
    """``int`` with a default range of 0..MAX_ID (a rule may still narrow it)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Replace ``int`` before any rule is added (rules look their converters up as they are)."""
    app.url_map.converters["int"] = IdConverter
