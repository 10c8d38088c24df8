"""Public pages, no log-in: a ticket's tracking page and its evidence photos."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask.wrappers import Response

from ..domain.tracking import normalise_tracking
from ..queries import tickets as q
from .api import base_url

bp = Blueprint("public", __name__)


@bp.route("/t/<tracking>")
def ticket(tracking: str) -> Any:
    """What anyone may know about a report: status, area, unit — never the reporter."""
    row = q.by_tracking(normalise_tracking(tracking))
    if row is None:
        abort(404)
    return render_template("public/ticket.html", view=q.public_view(row, base_url=base_url()))


@bp.route("/p/<int:photo_id>")
def photo(photo_id: int) -> Response:
    """A completion photo (already stripped of metadata at upload)."""
    row = q.public_photo(photo_id)
    if row is None:
        abort(404)
    response = Response(row.content, mimetype=row.mime)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
