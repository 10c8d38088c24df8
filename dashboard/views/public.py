"""Public pages, no log-in: a ticket's tracking page, its evidence photos, and
the reporter's one-time rating link.

The tracking and rating pages speak the portal's language (``dashboard.i18n``:
``?lang=`` then the cookie), every word of them marked for translation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask.wrappers import Response
from flask_babel import gettext as _

from .. import clock
from ..domain import progress
from ..domain.tracking import normalise_tracking
from ..extensions import limiter
from ..i18n import current_language
from ..live.publisher import publish
from ..queries import tickets as ticket_reads
from ..queries import tracking as tracking_reads
from ..services import validation
from ..services.errors import Conflict, InvalidTransition
from .api import base_url

bp = Blueprint("public", __name__)


def _public_limit() -> str:
    return str(current_app.config["RATE_LIMIT_PUBLIC"])


def _form_limit() -> str:
    return str(current_app.config["RATE_LIMIT_FORM"])


@bp.route("/t/<tracking>")
@limiter.limit(_public_limit)
def ticket(tracking: str) -> Any:
    """What anyone may know about a report: status, area, units, what happened; never who."""
    row = ticket_reads.by_tracking(normalise_tracking(tracking))
    if row is None:
        abort(404)
    lang = current_language()
    return render_template(
        "public/ticket.html",
        view=ticket_reads.public_view(row, base_url=base_url(), lang=lang),
        progress=tracking_reads.progress_of(row, now=clock.now()),
        steps=progress.STEPS,
        stage_label=lambda stage: progress.stage_label(stage, lang),
        lang=lang,
    )


@bp.route("/p/<int:photo_id>")
@limiter.limit(_public_limit)
def photo(photo_id: int) -> Response:
    """A completion photo (already stripped of metadata at upload)."""
    row = ticket_reads.public_photo(photo_id)
    if row is None:
        abort(404)
    response = Response(row.content, mimetype=row.mime)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _private(body: str, status: int = 200) -> Response:
    """The rating page carries a secret in its URL: keep it out of caches,
    search engines and Referer headers."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def rate(token: str) -> Response:
    """The reporter's one-time rating link: really fixed or not (a reason if not), 1-5 stars."""
    link = ticket_reads.rating_link(validation.token_hash(token))
    ticket = validation.ticket_for_rating_token(token) if link is not None else None
    if link is None or ticket is None:
        abort(404)
    lang = current_language()
    view = ticket_reads.public_view(ticket, base_url=base_url(), lang=lang)
    stage = tracking_reads.public_stage_of(ticket)

    def page(status: int = 200, **context: Any) -> Response:
        return _private(
            render_template(
                "public/rate.html",
                view=view,
                token=token,
                lang=lang,
                stage=stage,
                stage_label=progress.stage_label(stage, lang),
                **context,
            ),
            status,
        )

    if link.used_at is not None:
        # Used already: say so plainly, on GET and on a second POST alike.
        return page(409 if request.method == "POST" else 200, used_at=link.used_at)
    if request.method == "GET":
        return page()
    form = request.form
    errors: dict[str, str] = {}
    answer = form.get("fixed")
    if answer not in ("yes", "no"):
        errors["fixed"] = _("Pilih salah satu: sudah selesai, atau belum selesai.")
    fixed = answer == "yes"
    try:
        rating = int(form.get("rating", ""))
    except ValueError:
        rating = 0
    if not 1 <= rating <= 5:
        errors["rating"] = _("Pilih nilai 1 sampai 5.")
    comment = (form.get("comment") or "").strip()
    if answer == "no" and not comment:
        errors["comment"] = _(
            "Ceritakan apa yang belum selesai, agar validator dapat memeriksanya."
        )
    if len(comment) > 2000:
        errors["comment"] = _("Paling banyak 2000 karakter.")
    if errors:
        return page(422, errors=errors, form=form)
    try:
        validation.rate_with_token(
            token, rating=rating, fixed=fixed, comment=comment, now=clock.now(), publish=publish
        )
    except (Conflict, InvalidTransition):
        message = _(
            "Penilaian belum dapat disimpan: laporan ini baru saja berubah. "
            "Muat ulang halaman lalu coba lagi."
        )
        return page(409, errors={"form": message}, form=form)
    low = (not fixed) or rating <= int(current_app.config["RATING_THRESHOLD"])
    return page(done=True, low=low)
