"""What a URL may hold: ``<int:…>`` ids and no control characters.

Werkzeug's ``int`` converter takes any run of digits; an id beyond 64 bits then
reaches the database driver and fails there (a 500). Here it does not match:
the URL is a 404, like any other id that names nothing. A control character
in a path or query value is refused before any view runs.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, render_template, request
from werkzeug.routing import IntegerConverter, Map

from ..domain.inputs import MAX_ID
from ..domain.intake import has_unsafe_characters

# These check their own arguments in their own formats (log-in drops a bad ``next=``).
CHECK_OWN_ARGUMENTS = ("api", "open311", "portal", "auth")


class IdConverter(IntegerConverter):
    """``int`` with a default range of 0..MAX_ID (a rule may still narrow it)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Replace ``int`` before any rule is added (rules look their converters up as they are)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_control_characters)


def refuse_control_characters() -> Any:
    """A control character in a URL (``?q=%00``, ``/t/JKT-%00``) names nothing, and
    PostgreSQL cannot even compare text holding NUL (a 500): in the path a 404, in the
    query a 400, before any query. The APIs and the portal check their own arguments
    in their own formats; log-in drops a bad ``next=`` and goes to the default page."""
    if request.blueprint in CHECK_OWN_ARGUMENTS:
        return None
    path_values = [v for v in (request.view_args or {}).values() if isinstance(v, str)]
    if any(has_unsafe_characters(v) for v in path_values):
        abort(404)
    if any(has_unsafe_characters(v) for v in [*request.args.keys(), *request.args.values()]):
        message = "Alamat berisi karakter kontrol (the URL contains control characters)."
        return render_template("errors/400.html", message=message), 400
    return None
