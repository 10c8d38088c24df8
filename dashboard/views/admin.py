"""Admin pages: the review of every look at reporter data, and the staff accounts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..domain import states
from ..domain.accounts import parse_role
from ..domain.workflow import Role
from ..live.sockets import end_user_boards
from ..queries import accounts as account_reads
from ..queries import board as board_reads
from ..queries import privacy as privacy_reads
from ..scope import actor_for_user
from ..services import accounts, sessions
from ..services.errors import InvalidInput, NotFound, NotPermitted
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
    filters, errors = privacy_reads.AccessFilters.from_args(request.args)
    fmt = (request.args.get("export") or "").strip().lower()
    if fmt and fmt not in exports.FORMATS:
        errors["export"] = f"format unduhan tidak dikenal: {fmt[:30]!r}; pilih csv atau xlsx"
    if not errors and fmt:
        everything, _ = privacy_reads.access_log(filters, whole=True)
        return exports.response(privacy_reads.access_table(everything), fmt)
    rows, total = privacy_reads.access_log(filters) if not errors else ([], 0)
    page = render_template(
        "admin/access_log.html",
        rows=rows,
        total=total,
        filters=filters,
        errors=errors,
        users=privacy_reads.users_with_access(),
        page_size=privacy_reads.PAGE_SIZE,
    )
    return page, 400 if errors else 200


# --- staff accounts ------------------------------------------------------------------

ACTION_LABELS = {
    "created": "Akun dibuat",
    "placement": "Peran/unit diubah",
    "deactivated": "Dinonaktifkan",
    "reactivated": "Diaktifkan kembali",
    "password_reset": "Kata sandi diatur ulang",
}
# The account form's unit kinds, in the order an administrator looks for them.
UNIT_KIND_LABELS = {
    kind: states.UNIT_KIND_LABELS[kind]
    for kind in ("validator", "agency", "bumd", "kota", "kabupaten", "kecamatan", "kelurahan")
}
ROLE_CHOICES = [(r.value, r.label) for r in Role]


def audit_summary(row: account_reads.AuditRow) -> str:
    """One line of the audit log: what changed, in words."""
    d = row.detail

    def placed(p: dict) -> str:
        role = parse_role(p.get("role"))
        parts = [role.label if role else str(p.get("role"))]
        parts += [p[k] for k in ("unit", "kota") if p.get(k)]
        return " · ".join(parts)

    if row.action == "created":
        return placed(d)
    if row.action == "placement":
        return f"{placed(d.get('before', {}))} → {placed(d.get('after', {}))}"
    if row.action == "password_reset":
        return "dibuat otomatis" if d.get("generated") else "ditetapkan administrator"
    return ""


def _page(template: str, status: int = 200, **context: Any) -> Any:
    response = current_app.make_response(
        (
            render_template(
                template,
                roles=ROLE_CHOICES,
                units=account_reads.unit_choices(),
                unit_kinds=UNIT_KIND_LABELS,
                kotas=board_reads.kota_choices(),
                action_labels=ACTION_LABELS,
                audit_summary=audit_summary,
                **context,
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # one-time passwords, staff details
    return response


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users() -> Any:
    """Every staff account (filter by role, unit, active), the create form, the audit log."""
    _require_admin()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            user = accounts.create_user(
                username=form.get("username", ""),
                password=form.get("password", ""),
                display_name=form.get("display_name", ""),
                role=form.get("role", ""),
                unit_code=form.get("unit") or None,
                kota_code=form.get("kota") or None,
                actor=actor_for_user(current_user._get_current_object()),
                now=clock.now(),
            )
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        else:
            flash(f"Akun {user.username} dibuat.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    filters, filter_errors = account_reads.UserFilters.from_args(request.args)
    return _page(
        "admin/users.html",
        status if not filter_errors else 400,
        rows=account_reads.users(filters),
        filters=filters,
        filter_errors=filter_errors,
        open_sessions=sessions.open_session_counts(clock.now()),
        audit=account_reads.audit_log(limit=30),
        errors=errors,
        form=request.form if errors else {},
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user(user_id: int) -> Any:
    """One account: change role/unit/kota, deactivate or reactivate, reset the password."""
    _require_admin()
    if account_reads.user(user_id) is None:
        abort(404)
    errors: dict[str, str] = {}
    status = 200
    password = None
    if request.method == "POST":
        form = request.form
        actor = actor_for_user(current_user._get_current_object())
        now = clock.now()
        action = form.get("action")
        try:
            if action == "placement":
                change = accounts.change_placement(
                    user_id,
                    role=form.get("role", ""),
                    unit_code=form.get("unit") or None,
                    kota_code=form.get("kota") or None,
                    actor=actor,
                    now=now,
                )
                done = "Peran dan unit disimpan; sesi akun ini diakhiri."
            elif action in ("deactivate", "reactivate"):
                change = accounts.set_active(
                    user_id, active=action == "reactivate", actor=actor, now=now
                )
                done = (
                    "Akun diaktifkan kembali."
                    if action == "reactivate"
                    else "Akun dinonaktifkan; sesi dan papannya diakhiri."
                )
            elif action == "password":
                change = accounts.reset_password(
                    user_id, password=form.get("password") or None, actor=actor, now=now
                )
                password = change.password
                done = "Kata sandi baru disimpan; sesi akun ini diakhiri."
            else:
                abort(400)
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        except NotPermitted as exc:
            errors, status = {"akun": exc.reason}, 403
        except NotFound:
            abort(404)
        else:
            if change.ended_sessions:
                end_user_boards(change.user_id)
            flash(done, "success")
            if password is not None:
                pass  # shown once, on this answer (not after a redirect)
            elif user_id == getattr(current_user, "id", None) and change.ended_sessions:
                # An admin changed their own account: signed out like everyone else.
                return redirect(url_for("auth.login"))
            else:
                return redirect(url_for("admin.user", user_id=user_id))
    row = account_reads.user(user_id)
    return _page(
        "admin/user.html",
        status,
        row=row,
        open_sessions=sessions.open_session_counts(clock.now()).get(user_id, 0),
        audit=account_reads.audit_log(user_id=user_id, limit=100),
        errors=errors,
        form=request.form if errors else {},
        password=password,
    )
