"""Blueprints, error handlers and template helpers."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError

from .. import formatting
from ..domain.intake import has_unsafe_characters
from ..services.errors import Conflict, InvalidInput, InvalidTransition, NotFound, NotPermitted
from .htmx import is_htmx

RETRY_AFTER_SECONDS = 5  # a restarted or failed-over database is back within seconds


def register_views(app: Flask) -> None:
    from ..extensions import db, login_manager
    from ..live.sockets import register_socket_handlers
    from ..models import User
    from . import admin, api, auth, board, kpi, open311, portal, public, tickets, validation

    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(tickets.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(open311.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(board.bp)
    app.register_blueprint(validation.bp)
    app.register_blueprint(kpi.bp)
    register_socket_handlers()
    app.jinja_env.filters["wib"] = formatting.wib
    app.jinja_env.filters["status_label"] = formatting.status
    app.jinja_env.filters["duration"] = formatting.duration_minutes

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The user of an open server-side session (services/sessions.py), else nobody.

        A cookie without the session token (a remember-me cookie, an old
        cookie) or with an ended one signs no one in.
        """
        from flask import g, session

        from .. import clock
        from ..services import sessions

        signed = sessions.resolve(user_id, session.get(sessions.SESSION_KEY), now=clock.now())
        if signed is None:
            return None
        g.login_session_id = signed.session_id
        return signed.user

    def _wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.before_request
    def refuse_control_characters() -> Any:
        """A control character in a URL (``?q=%00``, ``/t/JKT-%00``) names nothing, and
        PostgreSQL cannot even compare text holding NUL (a 500): in the path a 404, in the
        query a 400, before any query. The APIs and the portal check their own arguments
        in their own formats; log-in drops a bad ``next=`` and goes to the default page."""
        if request.blueprint in ("api", "open311", "portal", "auth"):
            return None
        path_values = [v for v in (request.view_args or {}).values() if isinstance(v, str)]
        if any(has_unsafe_characters(v) for v in path_values):
            abort(404)
        if any(has_unsafe_characters(v) for v in [*request.args.keys(), *request.args.values()]):
            message = "Alamat berisi karakter kontrol (the URL contains control characters)."
            return render_template("errors/400.html", message=message), 400
        return None

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound) -> Any:
        if _wants_json():
            return jsonify(error="not_found", message=exc.message), 404
        return render_template("errors/404.html", message=exc.message), 404

    @app.errorhandler(404)
    def http_404(_exc: Exception) -> Any:
        if request.path.startswith("/open311/"):
            return open311.routing_error(404)
        if _wants_json():
            return jsonify(error="not_found", message="Tidak ditemukan."), 404
        return render_template("errors/404.html", message="Halaman tidak ditemukan."), 404

    @app.errorhandler(405)
    def http_405(exc: Exception) -> Any:
        # Open311 answers every failure in its own error format (400 here).
        return open311.routing_error(405) if request.path.startswith("/open311/") else exc

    @app.errorhandler(NotPermitted)
    def not_permitted(exc: NotPermitted) -> Any:
        return _domain_error(exc.reason, 403)

    @app.errorhandler(InvalidTransition)
    def invalid_transition(exc: InvalidTransition) -> Any:
        return _domain_error(exc.reason, 409)

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict) -> Any:
        return _domain_error(exc.message, 409)

    @app.errorhandler(InvalidInput)
    def invalid_input(exc: InvalidInput) -> Any:
        if _wants_json():
            return jsonify(
                error="invalid", message="Data tidak valid.", fields=exc.errors
            ), exc.status
        return _domain_error("; ".join(f"{k}: {v}" for k, v in exc.errors.items()), 422)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        return _domain_error("Sesi formulir kedaluwarsa; muat ulang halaman.", 400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(exc: DBAPIError) -> Any:
        """The database went away under this request (a restart, a killed connection, a
        failover): 503 with Retry-After in the path's own format, never a 500. The pool
        checks each connection before use, so the next request gets a live one."""
        if not isinstance(exc, OperationalError) and not exc.connection_invalidated:
            raise exc  # a query bug, not an outage: it stays a 500
        app.logger.warning(
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
            response = app.make_response((render_template("errors/503.html"), 503))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(413)
    def too_large(_exc: Exception) -> Any:
        if _wants_json():
            return jsonify(error="too_large", message="Request body too large."), 413
        return _domain_error("Unggahan terlalu besar.", 413)

    def _domain_error(message: str, status: int) -> Any:
        if _wants_json():
            return jsonify(error="refused", message=message), status
        if is_htmx():
            response = app.make_response(
                (render_template("errors/409.html", message=message), status)
            )
            # Show the message in the page's alert slot instead of the swapped target.
            response.headers["HX-Retarget"] = "#alerts"
            response.headers["HX-Reswap"] = "innerHTML"
            response.headers["Vary"] = "HX-Request"
            return response
        flash(message, "error")
        return redirect(request.referrer or url_for("tickets.worklist"))
