"""Admin pages: the review of every look at reporter data."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from ..domain.workflow import Role
from ..queries import privacy as q

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _require_admin() -> None:
    if getattr(current_user, "role", None) != Role.ADMIN.value:
        abort(404)


@bp.route("/access-log")
@login_required
def access_log() -> Any:
    """Who opened which reporter's identity, when and why (append-only)."""
    _require_admin()
    filters, errors = q.AccessFilters.from_args(request.args)
    if errors:
        return render_template(
            "admin/access_log.html",
            rows=[],
            total=0,
            filters=filters,
            errors=errors,
            users=q.users_with_access(),
            page_size=q.PAGE_SIZE,
        ), 400
    rows, total = q.access_log(filters)
    if request.args.get("export") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["waktu_utc", "pengguna", "username", "tiket", "alasan"])
        everything, _ = _all(filters)
        for r in everything:
            writer.writerow([r.at.isoformat(), r.user, r.username, r.tracking, r.reason])
        response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = "attachment; filename=akses-data-pelapor.csv"
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template(
        "admin/access_log.html",
        rows=rows,
        total=total,
        filters=filters,
        errors={},
        users=q.users_with_access(),
        page_size=q.PAGE_SIZE,
    )


def _all(filters: q.AccessFilters) -> tuple[list[q.AccessRow], int]:
    rows: list[q.AccessRow] = []
    page = 1
    while True:
        chunk, total = q.access_log(
            q.AccessFilters(filters.user, filters.tracking, filters.start, filters.end, page)
        )
        rows.extend(chunk)
        if len(rows) >= total or not chunk:
            return rows, total
        page += 1
