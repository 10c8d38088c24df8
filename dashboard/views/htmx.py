"""htmx helpers: one way to answer a page or its partial."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from flask.wrappers import Response


def is_htmx() -> bool:
    # A history-restore request wants the whole page, not a fragment.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(page: str, partial: str, **context: Any) -> Response:
    """The partial alone for htmx, else the full page that includes it."""
    response = make_response(render_template(partial if is_htmx() else page, **context))
    response.headers["Vary"] = "HX-Request"
    return response
