"""The JSON ingest API for online channels: ``/api/v1``.

Authenticated by a per-channel key in ``X-API-Key``. Errors are JSON that
name the field: ``{"error": ..., "message": ..., "fields": {name: why}}``.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from .. import clock
from ..domain import jsonbody
from ..domain.intake import InvalidReport, has_unsafe_characters, parse_report, payload_hash
from ..domain.tracking import normalise_tracking
from ..domain.workflow import Actor
from ..extensions import csrf, limiter
from ..live.publisher import publish
from ..queries import tickets as ticket_reads
from ..services import accounts, intake, validation
from ..services.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # API clients authenticate with a key, not a session cookie
# A rating is three short fields: a comment of 2,000 characters, escaped, fits many times.
RATING_MAX_BYTES = 64 * 1024


def _error(status: int, error: str, message: str, fields: dict[str, str] | None = None) -> Any:
    body: dict[str, Any] = {"error": error, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


def _ingest_limit() -> str:
    return str(current_app.config["RATE_LIMIT_INGEST"])


def _channel_key() -> str:
    """Posts are counted per channel key (a digest: the key itself is never
    stored in the limiter's storage); a request without one, per address."""
    key = request.headers.get("X-API-Key")
    if not key:
        return f"addr:{request.remote_addr}"
    return "key:" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


@bp.errorhandler(429)
def too_many_requests(_exc: Exception) -> Any:
    # Flask-Limiter adds Retry-After; the body is in this API's error format.
    return _error(
        429, "too_many_requests", "Terlalu banyak permintaan untuk kunci ini; coba lagi nanti."
    )


def base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


@cache
def openapi_document(name: str) -> bytes:
    """An OpenAPI document shipped in ``dashboard/openapi/`` (read once)."""
    return resources.files("dashboard").joinpath("openapi", name).read_bytes()


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return Response(openapi_document("ingest.json"), content_type="application/json")


@bp.route("/tickets", methods=["POST"])
@limiter.limit(_ingest_limit, key_func=_channel_key)
def create_ticket() -> Any:
    """A channel delivers a report; 201 when new, 200 when already received."""
    channel = accounts.channel_for_key(request.headers.get("X-API-Key"))
    if channel is None:
        return _error(401, "unauthorized", "X-API-Key tidak ada atau tidak berlaku.")
    limit = current_app.config["MAX_JSON_BYTES"] + current_app.config["MAX_PHOTOS"] * (
        current_app.config["MAX_PHOTO_BYTES"] * 4 // 3 + 16
    )
    if request.content_length is not None and request.content_length > limit:
        return _error(413, "too_large", f"Body lebih dari {limit} byte.")
    if not request.is_json:
        return _error(415, "unsupported_media_type", "Content-Type harus application/json.")
    try:
        payload = jsonbody.load(request.get_data(cache=False) or b"null")
    except jsonbody.InvalidJson as exc:
        return _error(400, "invalid_json", f"Body bukan JSON yang sah: {exc}")
    now = clock.now()
    try:
        report = parse_report(payload, now=now, max_photos=current_app.config["MAX_PHOTOS"])
    except InvalidReport as exc:
        return _error(422, "invalid", "Data laporan tidak valid.", exc.errors)
    try:
        result = intake.receive_report(
            report,
            payload_hash=payload_hash(payload),
            actor=Actor.channel(channel.code),
            now=now,
            publish=publish,
            allowed_channel=channel.code,
            rating_link=True,
        )
    except InvalidInput as exc:
        error = "forbidden" if exc.status == 403 else "invalid"
        return _error(exc.status, error, "Data laporan tidak valid.", exc.errors)
    body: dict[str, Any] = {
        "tracking": result.tracking,
        "url": f"{base_url()}{url_for('public.ticket', tracking=result.tracking)}",
        "created": result.created,
    }
    if result.rating_token:
        # For the reporter only: the channel delivers it; it is shown this once.
        body["rating_url"] = f"{base_url()}{url_for('public.rate', token=result.rating_token)}"
    return jsonify(body), (201 if result.created else 200)


def _public_view(tracking: str) -> dict[str, Any] | None:
    """What anyone may know of the ticket with this tracking number, or None."""
    # A control character cannot be in a tracking number (and PostgreSQL refuses NUL).
    if has_unsafe_characters(tracking):
        return None
    ticket = ticket_reads.by_tracking(normalise_tracking(tracking))
    return None if ticket is None else ticket_reads.public_view(ticket, base_url=base_url())


def _ticket_id(tracking: str) -> int | None:
    if has_unsafe_characters(tracking):
        return None
    ticket = ticket_reads.by_tracking(normalise_tracking(tracking))
    return None if ticket is None else ticket.id


@bp.route("/tickets/<tracking>", methods=["GET"])
def get_ticket(tracking: str) -> Any:
    """A ticket's public view, by tracking number (no reporter data)."""
    view = _public_view(tracking)
    if view is None:
        return _error(404, "not_found", "Tiket tidak ditemukan.")
    return jsonify(view)


@bp.route("/tickets/<tracking>/rating", methods=["POST"])
@limiter.limit(_ingest_limit, key_func=_channel_key)
def rate_ticket(tracking: str) -> Any:
    """A channel forwards its user's rating of a completion."""
    channel = accounts.channel_for_key(request.headers.get("X-API-Key"))
    if channel is None:
        return _error(401, "unauthorized", "X-API-Key tidak ada atau tidak berlaku.")
    if request.content_length is not None and request.content_length > RATING_MAX_BYTES:
        return _error(413, "too_large", f"Body lebih dari {RATING_MAX_BYTES} byte.")
    try:
        payload = jsonbody.load(request.get_data(cache=False)) if request.is_json else None
    except jsonbody.InvalidJson as exc:
        return _error(400, "invalid_json", f"Body bukan JSON yang sah: {exc}")
    errors: dict[str, str] = {}
    if not isinstance(payload, dict):
        return _error(400, "invalid_json", "Body harus objek JSON.")
    rating = payload.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = "bilangan bulat 1-5 (an integer from 1 to 5)"
    fixed = payload.get("fixed", True)
    if not isinstance(fixed, bool):
        errors["fixed"] = "harus true atau false (must be a boolean)"
    comment = payload.get("comment", "")
    if not isinstance(comment, str) or len(comment) > 2000:
        errors["comment"] = "teks, paling banyak 2000 karakter (a string up to 2000 characters)"
    elif has_unsafe_characters(comment):
        errors["comment"] = "berisi karakter kontrol (contains control or invalid characters)"
    if errors:
        return _error(422, "invalid", "Penilaian tidak valid.", errors)
    ticket_id = _ticket_id(tracking)
    if ticket_id is None:
        return _error(404, "not_found", "Tiket tidak ditemukan.")
    assert isinstance(rating, int)
    validation.rate_by_channel(
        ticket_id,
        channel_code=channel.code,
        rating=rating,
        fixed=fixed,
        comment=comment,
        now=clock.now(),
        publish=publish,
    )
    # Read again: the ticket as the rating left it.
    return jsonify(_public_view(tracking)), 200
