"""Validators' pages: the queue of completions waiting for their body, and the
review page where a completion is verified, reopened or sent to the field."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.wrappers import Response
from flask_login import current_user, login_required

from .. import clock
from ..domain import validation as rules
from ..domain import workflow as wf
from ..live.publisher import publish
from ..queries import validation as review_reads
from ..queries import validation_queue as queue_reads
from ..scope import actor_for_user
from ..services import validation
from ..services.errors import InvalidInput, NotFound
from .htmx import is_htmx, render_page_or_partial

bp = Blueprint("validation", __name__, url_prefix="/validation")

# What each decision says when it is done.
DONE: dict[str, str] = {
    "verify": "Penyelesaian diverifikasi: tiket ditutup (Selesai).",
    "reopen": "Tiket dibuka kembali dan dikembalikan ke unit dengan batas waktu baru.",
    "field-check": "Verifikasi lapangan diminta; tiket tetap di antrean sampai hasilnya dicatat.",
}


def _actor() -> wf.Actor:
    actor = actor_for_user(current_user._get_current_object())
    if not rules.may_validate(actor):
        abort(404)
    return actor


@bp.route("")
@login_required
def queue() -> Response:
    """Completions waiting for this validator's body, oldest deadline first;
    htmx swaps just the list when the filters change."""
    actor, now = _actor(), clock.now()
    filters = queue_reads.QueueFilters.from_args(request.args)
    view = queue_reads.queue_view(actor, filters, now=now)
    return render_page_or_partial(
        "validation/queue.html",
        "validation/_queue.html",
        page=view.page,
        choices=view.choices,
        show_kota=view.show_kota,
        filters=filters,
        reasons=rules.REASONS,
        reason_help=rules.REASON_HELP,
        now=now,
    )


def _review_page(
    ticket_id: int,
    actor: wf.Actor,
    notice: str | None = None,
    *,
    errors: dict[str, str] | None = None,
    action: str | None = None,
    status: int = 200,
) -> Response:
    """The review page (or its partial); after a refused decision, with its errors
    beside the fields and what the validator typed kept."""
    now = clock.now()
    data = review_reads.review(ticket_id, now=now, reader=actor)
    if data is None:
        raise NotFound("Tiket tidak ada dalam antrean validasi Anda.")
    response = render_page_or_partial(
        "validation/review.html",
        "validation/_review.html",
        r=data,
        t=data.ticket,
        checklist=rules.CHECKLIST,
        reasons=rules.REASONS,
        reason_help=rules.REASON_HELP,
        notice=notice,
        errors=errors or {},
        action=action,
        typed=request.form if errors else {},
        justification_label=rules.JUSTIFICATION_LABEL,
        justification_max=rules.JUSTIFICATION_MAX,
        now=now,
    )
    response.status_code = status
    return response


@bp.route("/<int:ticket_id>")
@login_required
def review(ticket_id: int) -> Response:
    """One completion under review: before/after photos, history, ratings,
    flags, the unit's record, and the validator's actions."""
    return _review_page(ticket_id, _actor())


def _version() -> int | None:
    try:
        return int(request.form["version"])
    except (KeyError, ValueError):
        return None


def _text(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _decision(action: str) -> rules.Decision:
    """The decision the form posts for ``action`` (unknown actions: 404)."""
    match action:
        case "verify":
            field_done = request.form.get("field_done") == "on"
            files = request.files.getlist("field_photos") if field_done else []
            return rules.Verification(
                checked=frozenset(n for n, _ in rules.CHECKLIST if request.form.get(n) == "on"),
                note=_text("note"),
                field_done=field_done,
                field_note=_text("field_note"),
                field_photos=tuple(f.read() for f in files if f.filename),
                justification=_text("justification"),
            )
        case "reopen":
            return rules.Reopening(reason=_text("reason"))
        case "field-check":
            return rules.FieldCheckRequest(note=_text("note"))
    abort(404)


@bp.route("/<int:ticket_id>/<action>", methods=["POST"])
@login_required
def act(ticket_id: int, action: str) -> Any:
    """Verify, reopen, or ask for a field verification; then show the review again.
    An incomplete decision stores nothing: the page again, 422, each error at its field."""
    actor = _actor()
    try:
        validation.decide(
            ticket_id,
            _decision(action),
            actor=actor,
            now=clock.now(),
            publish=publish,
            expected_version=_version(),
        )
    except InvalidInput as exc:
        return _review_page(ticket_id, actor, errors=exc.errors, action=action, status=422)
    if is_htmx():
        return _review_page(ticket_id, actor, notice=DONE[action])
    flash(DONE[action], "success")
    return redirect(url_for("validation.review", ticket_id=ticket_id))
