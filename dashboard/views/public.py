"""Public pages, no log-in: a ticket's tracking page and its evidence photos."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
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


@bp.route("/r/<token>", methods=["GET", "POST"])
def rate(token: str) -> Any:
    """The reporter's one-time rating link: 1-5 stars, fixed or not (a reason if not)."""
    from .. import clock
    from ..live.publisher import publish
    from ..services import validation
    from ..services.errors import Conflict, InvalidTransition

    ticket = validation.ticket_for_rating_token(token)
    if ticket is None:
        abort(404)
    view = q.public_view(ticket, base_url=base_url())
    if request.method == "GET":
        return render_template("public/rate.html", view=view, token=token)
    form = request.form
    errors: dict[str, str] = {}
    try:
        rating = int(form.get("rating", ""))
    except ValueError:
        rating = 0
    if not 1 <= rating <= 5:
        errors["rating"] = "Pilih nilai 1 sampai 5."
    fixed = form.get("fixed") != "no"
    comment = (form.get("comment") or "").strip()
    if not fixed and not comment:
        errors["comment"] = "Ceritakan apa yang belum selesai."
    if errors:
        return render_template(
            "public/rate.html", view=view, token=token, errors=errors, form=form
        ), 422
    try:
        validation.rate_with_token(
            token, rating=rating, fixed=fixed, comment=comment, now=clock.now(), publish=publish
        )
    except (Conflict, InvalidTransition) as exc:
        message = exc.message if isinstance(exc, Conflict) else exc.reason
        return render_template(
            "public/rate.html", view=view, token=token, errors={"form": message}, form=form
        ), 409
    return render_template("public/rate.html", view=view, token=token, done=True)
