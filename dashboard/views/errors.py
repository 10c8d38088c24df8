"""Error handlers: one answer per failure, in the format of the path that failed.

A domain error is a 409 fragment for htmx, a flash and redirect for a page,
JSON for ``/api/``; Open311 answers in its own error format. A database that
went away is a 503 with Retry-After, never a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError

from ..extensions import db
from ..services.errors import Conflict, InvalidInput, InvalidTransition, NotFound, NotPermitted
from . import open311
from .htmx import is_htmx

RETRY_AFTER_SECONDS = 5  # a restarted or failed-over database is back within seconds


def init_app(app: Flask) -> None:
    """Register every handler below on the app."""
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(404, http_404)
    app.register_error_handler(405, http_405)
    app.register_error_handler(NotPermitted, not_permitted)
    app.register_error_handler(InvalidTransition, invalid_transition)
    app.register_error_handler(Conflict, conflict)
    app.register_error_handler(InvalidInput, invalid_input)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DBAPIError, database_unavailable)
    app.register_error_handler(413, too_large)


def _wants_json() -> bool:
    """The API, and the pages' JSON endpoints (/board/snapshot.json, /maps/*.json): a
    refusal there is JSON like their answers. Open311 has its own error format."""
    path = request.path
    return path.startswith("/api/") or (path.endswith(".json") and not path.startswith("/open311/"))


def not_found(exc: NotFound) -> Any:
    if _wants_json():
        return jsonify(error="not_found", message=exc.message), 404
    return render_template("errors/404.html", message=exc.message), 404


def http_404(_exc: Exception) -> Any:
    if request.path.startswith("/open311/"):
        return open311.routing_error(404)
    if _wants_json():
        return jsonify(error="not_found", message="Tidak ditemukan."), 404
    return render_template("errors/404.html", message="Halaman tidak ditemukan."), 404


def http_405(exc: Exception) -> Any:
    # Open311 answers every failure in its own error format (400 here).
    return open311.routing_error(405) if request.path.startswith("/open311/") else exc


def not_permitted(exc: NotPermitted) -> Any:
    return domain_error(exc.reason, 403)


def invalid_transition(exc: InvalidTransition) -> Any:
    return domain_error(exc.reason, 409)


def conflict(exc: Conflict) -> Any:
    return domain_error(exc.message, 409)


# The words a person sees for the service layer's field keys; a key not named here
# shows its message alone (a raw key like "from_unit_id" is never shown on a page).
FIELD_LABELS = {
    "unit": "Unit",
    "unit_id": "Unit",
    "unit_ids": "Unit pendukung",
    "from_unit_id": "Unit asal",
    "note": "Catatan",
    "catatan": "Catatan",
    "public_note": "Catatan untuk warga",
    "justification": "Alasan verifikasi",
    "reason": "Alasan",
    "photos": "Foto",
    "channel": "Kanal",
    "category": "Kategori",
    "description": "Uraian",
    "lat": "Lintang",
    "lon": "Bujur",
    "kelurahan": "Kelurahan",
    "kota": "Kota",
    "rating": "Penilaian",
    "comment": "Komentar",
    "fixed": "Sudah beres?",
    "field": "Kunjungan lapangan",
    "duplicate_of": "Tiket asli",
    "kind": "Jenis catatan",
    "redo_due_at": "Tenggat pengerjaan ulang",
    "ews_at": "Tanggal EWS",
    "reported_at": "Waktu lapor",
    "username": "Nama pengguna",
    "password": "Kata sandi",
    "display_name": "Nama",
    "role": "Peran",
    "label": "Label",
    "months": "Lama simpan",
    "geojson": "Berkas GeoJSON",
    "version": "Versi tiket",
}


def field_label(key: str) -> str | None:
    """'Unit' for unit_id; 'Foto 1' for photos[0] (a list's item, counted from one)."""
    base, _, index = key.partition("[")
    label = FIELD_LABELS.get(base)
    if label is None or not index:
        return label
    number = index.rstrip("]")
    return f"{label} {int(number) + 1}" if number.isdigit() else label


def field_messages(errors: dict[str, str]) -> str:
    """'Catatan: wajib diisi; Foto 1: bukan gambar' — labels, never raw keys."""
    return "; ".join(
        f"{label}: {v}" if (label := field_label(k)) else str(v) for k, v in errors.items()
    )


def invalid_input(exc: InvalidInput) -> Any:
    if _wants_json():
        return jsonify(error="invalid", message="Data tidak valid.", fields=exc.errors), exc.status
    return domain_error(field_messages(exc.errors), 422)


def csrf_error(_exc: CSRFError) -> Any:
    return domain_error("Sesi formulir kedaluwarsa; muat ulang halaman.", 400)


def database_unavailable(exc: DBAPIError) -> Any:
    """The database went away under this request (a restart, a killed connection, a
    failover): 503 with Retry-After in the path's own format, never a 500. The pool
    checks each connection before use, so the next request gets a live one."""
    if not isinstance(exc, OperationalError) and not exc.connection_invalidated:
        raise exc  # a query bug, not an outage: it stays a 500
    current_app.logger.warning(
        "database unavailable during %s %s: %s",
        request.method,
        request.path,
        str(exc.orig or exc).splitlines()[0][:200],
    )
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()
    message = "Basis data sementara tidak tersedia; coba lagi sebentar lagi."
    if request.path.startswith("/open311/"):
        response = open311.error_response(
            "json" if request.path.endswith(".json") else "xml",
            503,
            [f"{message} (database temporarily unavailable; retry shortly)"],
        )
    elif _wants_json():
        response = jsonify(error="unavailable", message=message)
        response.status_code = 503
    else:
        response = current_app.make_response((render_template("errors/503.html"), 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def too_large(_exc: Exception) -> Any:
    if _wants_json():
        return jsonify(error="too_large", message="Request body too large."), 413
    return domain_error("Unggahan terlalu besar.", 413)


def domain_error(message: str, status: int) -> Any:
    """A refused action: JSON for the API, the alert slot for htmx, else flash and go back."""
    if _wants_json():
        return jsonify(error="refused", message=message), status
    if is_htmx():
        response = current_app.make_response(
            (render_template("errors/409.html", message=message), status)
        )
        # Show the message in the page's alert slot instead of the swapped target.
        response.headers["HX-Retarget"] = "#alerts"
        response.headers["HX-Reswap"] = "innerHTML"
        response.headers["Vary"] = "HX-Request"
        return response
    flash(message, "error")
    return redirect(request.referrer or url_for("tickets.worklist"))
