"""The HTTP edge: blueprints, the log-in user loader, error handlers, filters, URL guard."""

from __future__ import annotations

from flask import Flask

from . import (
    admin,
    api,
    auth,
    board,
    converters,
    errors,
    filters,
    handover,
    kpi,
    maps,
    open311,
    portal,
    public,
    tickets,
    validation,
)

BLUEPRINTS = (
    auth.bp,
    admin.bp,
    tickets.bp,
    api.bp,
    open311.bp,
    public.bp,
    portal.bp,
    board.bp,
    validation.bp,
    kpi.bp,
    handover.bp,
    maps.bp,
)


def init_app(app: Flask) -> None:
    converters.init_app(app)  # before the blueprints add their rules
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    auth.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
