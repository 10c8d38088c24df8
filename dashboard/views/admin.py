"""Admin pages: the review of every look at reporter data."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..domain.workflow import Role
from ..queries import privacy as q
from . import exports

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
    fmt = (request.args.get("export") or "").strip().lower()
    if fmt and fmt not in exports.FORMATS:
        errors["export"] = f"format unduhan tidak dikenal: {fmt[:30]!r}; pilih csv atau xlsx"
    if not errors and fmt:
        everything, _ = q.access_log(filters, whole=True)
        return exports.response(q.access_table(everything), fmt)
    rows, total = q.access_log(filters) if not errors else ([], 0)
    page = render_template(
        "admin/access_log.html",
        rows=rows,
        total=total,
        filters=filters,
        errors=errors,
        users=q.users_with_access(),
        page_size=q.PAGE_SIZE,
    )
    return page, 400 if errors else 200
