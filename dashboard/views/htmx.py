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


def render_page_or_partial(
    page_template: str, partial_template: str, /, **context: Any
) -> Response:
    """The partial alone for htmx, else the full page that includes it."""
    template = partial_template if is_htmx() else page_template
    response = make_response(render_template(template, **context))
    response.headers["Vary"] = "HX-Request"
    return response
