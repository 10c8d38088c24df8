"""The Open311 GeoReport v2 API: ``/open311/v2`` and its discovery document.

Every resource answers in XML (the spec's required format) or JSON, chosen by
the suffix (``services.xml``, ``services.json``). Errors are the spec's list
of ``{code, description}`` with HTTP 404 (no such thing), 403 (missing or
wrong api_key) or 400 (anything else). Reports posted here go through the
same intake service as the ingest API; GET answers never carry reporter data.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from .. import clock
from ..domain import open311
from ..domain.intake import InvalidReport, parse_report, payload_hash
from ..domain.open311 import Open311Error
from ..domain.tracking import normalise_tracking
from ..domain.workflow import Actor
from ..extensions import csrf, limiter
from ..live.publisher import publish
from ..queries import open311 as open311_reads
from ..services import accounts, intake
from ..services.errors import InvalidInput
from .api import base_url, openapi_document

bp = Blueprint("open311", __name__, url_prefix="/open311")
csrf.exempt(bp)  # clients authenticate with api_key, not a session cookie

FORMAT = "<any(json, xml):fmt>"
# A form of every field at its longest is ~50 KB percent-encoded; refuse more unread.
MAX_FORM_BYTES = 64 * 1024
MIME = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def respond(
    fmt: str, root: str, document: dict[str, Any] | list[Any], status: int = 200
) -> Response:
    """A document in the asked format, UTF-8 as the spec requires."""
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False).encode("utf-8", "replace")
    else:
        body = open311.to_xml(root, document)
    return Response(body, status=status, content_type=MIME[fmt])


def error_response(fmt: str, status: int, descriptions: list[str]) -> Response:
    return respond(fmt, "errors", open311.errors(status, descriptions), status)


def _format_of_path(path: str) -> str:
    return "json" if path.endswith(".json") else "xml"


def routing_error(status: int) -> Response:
    """A URL under /open311 that matches no resource (404) or not with this method (400)."""
    fmt = _format_of_path(request.path)
    if status == 404:
        return error_response(fmt, 404, ["Sumber daya tidak ditemukan (no such resource)."])
    return error_response(fmt, 400, [f"Metode {request.method} tidak didukung di sini."])


@bp.before_request
def check_arguments() -> None:
    """Refuse control characters in the URL before anything reads the database."""
    path_values = {k: v for k, v in (request.view_args or {}).items() if k != "fmt"}
    open311.check_arguments(_args(), path_values)


@bp.errorhandler(Open311Error)
def refused(exc: Open311Error) -> Response:
    fmt = (request.view_args or {}).get("fmt") or _format_of_path(request.path)
    return error_response(fmt, exc.status, exc.descriptions)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    # The spec's codes: 404 for what does not exist, 400 for any other failure
    # (a body too large or unreadable, a wrong method). A server error stays one.
    fmt = (request.view_args or {}).get("fmt") or _format_of_path(request.path)
    code = exc.code or 500
    if code == 429:
        # Over the rate limit: 429 (Flask-Limiter adds Retry-After), in the spec's format.
        return error_response(
            fmt, 429, ["Terlalu banyak permintaan; coba lagi nanti (too many requests)."]
        )
    status = code if code == 404 or code >= 500 else 400
    return error_response(fmt, status, [f"{exc.code} {exc.name}: {exc.description}"])


def _check_jurisdiction(value: str | None) -> None:
    expected = current_app.config["OPEN311_JURISDICTION"]
    if value and value.strip() != expected:
        raise Open311Error(
            404, [f"jurisdiction_id: tidak dikenal (not found); endpoint ini untuk {expected}"]
        )


def _args() -> dict[str, str]:
    """Query arguments; one sent several times counts as its values comma-joined."""
    return {name: ",".join(request.args.getlist(name)) for name in request.args}


def _photo_url(photo_id: int) -> str:
    return f"{base_url()}{url_for('public.photo', photo_id=photo_id)}"


# --- discovery and the API description ----------------------------------------------------


@bp.get(f"/discovery.{FORMAT}")
def discovery(fmt: str) -> Response:
    """The Service Discovery document: where the GeoReport v2 endpoint is and what it speaks."""
    base = base_url()
    document = open311.discovery(
        endpoint_url=f"{base}/open311/v2",
        contact=(
            "Pantau, UP Jakarta Smart City. Dokumentasi API (OpenAPI): "
            f"{base}/open311/v2/openapi.json"
        ),
        key_service=(
            "api_key diterbitkan per kanal oleh admin UP Jakarta Smart City "
            "(flask keys issue <kanal>); tanpa kunci hanya membaca."
        ),
    )
    return respond(fmt, "discovery", document)


@bp.get("/v2/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return Response(openapi_document("open311.json"), content_type="application/json")


# --- services -----------------------------------------------------------------------------


@bp.get(f"/v2/services.{FORMAT}")
def services(fmt: str) -> Response:
    """Every active category as a service."""
    _check_jurisdiction(request.args.get("jurisdiction_id"))
    return respond(fmt, "services", [open311.service(s) for s in open311_reads.services()])


@bp.get(f"/v2/services/<service_code>.{FORMAT}")
def service_definition(service_code: str, fmt: str) -> Response:
    """A category's service definition: the attributes a request may carry."""
    _check_jurisdiction(request.args.get("jurisdiction_id"))
    found = open311_reads.service(service_code)
    if found is None:
        raise Open311Error(404, [f"service_code: tidak dikenal (not found): {service_code}"])
    return respond(fmt, "service_definition", open311.service_definition(found))


# --- requests -----------------------------------------------------------------------------


def _post_limit() -> str:
    return str(current_app.config["RATE_LIMIT_OPEN311_POST"])


@bp.post(f"/v2/requests.{FORMAT}")
@limiter.limit(_post_limit)
def create_request(fmt: str) -> Response:
    """A client submits a report (form-encoded): it becomes a ticket like any channel's report."""
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        raise Open311Error(400, [f"Body lebih dari {MAX_FORM_BYTES} byte (body too large)."])
    form = {name: request.form.getlist(name) for name in request.form}
    keys = form.get("api_key") or []
    channel = accounts.channel_for_key(keys[0]) if len(keys) == 1 else None
    if channel is None:
        raise Open311Error(403, ["api_key: tidak ada atau tidak berlaku (missing or invalid)."])
    _check_jurisdiction(",".join(form.get("jurisdiction_id", [])))
    now = clock.now()
    submission = open311.read_form(form, channel=channel.code, now=now)
    try:
        report = parse_report(submission.payload, now=now, require_external_id=False)
    except InvalidReport as exc:
        raise Open311Error(400, open311.field_errors(exc.errors)) from None
    try:
        result = intake.receive_report(
            report,
            payload_hash=payload_hash(submission.idempotency_basis),
            actor=Actor.channel(channel.code),
            now=now,
            publish=publish,
            allowed_channel=channel.code,
        )
    except InvalidInput as exc:
        # The spec: an unknown service_code is "not found"; every other problem is a 400.
        status = 404 if "category" in exc.errors else 403 if exc.status == 403 else 400
        raise Open311Error(status, open311.field_errors(exc.errors)) from None
    record = open311_reads.request(result.tracking)
    assert record is not None
    notice = open311.post_notice(record, media_url_given=submission.media_url_given)
    answer = open311.post_answer(result.tracking, notice)
    return respond(fmt, "service_requests", answer, 201 if result.created else 200)


@bp.get(f"/v2/requests.{FORMAT}")
def list_requests(fmt: str) -> Response:
    """Requests by id, or by window (last 90 days by default), category and open/closed."""
    args = _args()
    _check_jurisdiction(args.get("jurisdiction_id"))
    query = open311.request_query(args, now=clock.now())
    records = open311_reads.requests(query)
    return respond(
        fmt,
        "service_requests",
        [open311.service_request(r, photo_url=_photo_url) for r in records],
    )


@bp.get(f"/v2/requests/<service_request_id>.{FORMAT}")
def get_request(service_request_id: str, fmt: str) -> Response:
    """One request by its id (the ticket's tracking number)."""
    _check_jurisdiction(request.args.get("jurisdiction_id"))
    record = open311_reads.request(normalise_tracking(service_request_id))
    if record is None:
        raise Open311Error(
            404, [f"service_request_id: tidak ditemukan (not found): {service_request_id}"]
        )
    return respond(fmt, "service_requests", [open311.service_request(record, photo_url=_photo_url)])


@bp.get(f"/v2/tokens/<token>.{FORMAT}")
def get_token(token: str, fmt: str) -> Response:
    """A token's service_request_id. Tokens are the tracking numbers: every service is realtime."""
    _check_jurisdiction(request.args.get("jurisdiction_id"))
    tracking = normalise_tracking(token)
    if not open311_reads.tracking_exists(tracking):
        raise Open311Error(404, [f"token: tidak ditemukan (not found): {token}"])
    return respond(fmt, "service_requests", [open311.token(tracking)])


@bp.get(f"/v2/servicerequestupdates.{FORMAT}")
def list_updates(fmt: str) -> Response:
    """Status changes (the servicerequestupdates extension), oldest first."""
    args = _args()
    _check_jurisdiction(args.get("jurisdiction_id"))
    query = open311.update_query(args, now=clock.now())
    return respond(
        fmt,
        "service_requests_updates",
        [open311.request_update(u) for u in open311_reads.updates(query)],
    )
