"""Validators' pages: the queue of completions waiting for their body, and the
review page where a completion is verified, reopened or sent to the field."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.wrappers import Response
from flask_login import current_user, login_required

from .. import clock
from ..domain import workflow as wf
from ..live.publisher import publish
from ..queries import tickets as tq
from ..queries import validation as q
from ..scope import actor_for_user
from ..services import validation
from ..services import workflow as svc
from ..services.errors import InvalidInput, NotFound
from .htmx import is_htmx, render_page_or_partial

bp = Blueprint("validation", __name__, url_prefix="/validation")

# The administrative verification: every box must be ticked to verify.
CHECKLIST: list[tuple[str, str]] = [
    ("check_place", "Foto bukti menunjukkan lokasi yang dilaporkan"),
    ("check_resolved", "Masalah tampak sudah teratasi pada foto bukti"),
    ("check_note", "Catatan penyelesaian menjelaskan pekerjaan yang dilakukan"),
]


def _actor() -> wf.Actor:
    actor = actor_for_user(current_user._get_current_object())
    if not q.may_validate(actor):
        abort(404)
    return actor


@bp.route("")
@login_required
def queue() -> Response:
    """Completions waiting for this validator's body, oldest deadline first;
    htmx swaps just the list when the filters change."""
    actor, now = _actor(), clock.now()
    filters = q.QueueFilters.from_args(request.args)
    return render_page_or_partial(
        "validation/queue.html",
        "validation/_queue.html",
        page=q.queue(actor, filters, now=now),
        filters=filters,
        choices=q.queue_choices(actor),
        show_kota=actor.kota_id is None,
        reasons=q.REASONS,
        reason_help=q.REASON_HELP,
        now=now,
    )


def _review_context(ticket_id: int, actor: wf.Actor, notice: str | None = None) -> dict[str, Any]:
    if q.reviewable(actor, ticket_id) is None:
        raise NotFound("Tiket tidak ada dalam antrean validasi Anda.")
    now = clock.now()
    data = q.review(ticket_id, now=now, reader=actor)
    repeats = {f.repeat_ticket_id for f in data.flags if f.repeat_ticket_id is not None}
    return {
        "r": data,
        "t": data.ticket,
        "checklist": CHECKLIST,
        "reasons": q.REASONS,
        "reason_help": q.REASON_HELP,
        "next_id": q.next_in_queue(actor, after=ticket_id),
        # Link a repeat report only if this validator may open it.
        "repeat_visible": {tid for tid in repeats if tq.is_visible(tid, actor)},
        "notice": notice,
        "now": now,
    }


@bp.route("/<int:ticket_id>")
@login_required
def review(ticket_id: int) -> Response:
    """One completion under review: before/after photos, history, ratings,
    flags, the unit's record, and the validator's actions."""
    return render_page_or_partial(
        "validation/review.html", "validation/_review.html", **_review_context(ticket_id, _actor())
    )


def _version() -> int | None:
    try:
        return int(request.form["version"])
    except (KeyError, ValueError):
        return None


def _text(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _checklist_note() -> str:
    """The ticked administrative checks, written into the verification's history note."""
    missing = [label for name, label in CHECKLIST if request.form.get(name) != "on"]
    if missing:
        raise InvalidInput(
            {"checklist": "centang semua butir verifikasi administratif: " + "; ".join(missing)}
        )
    lines = ["Verifikasi administratif:"] + [f"✓ {label}" for _, label in CHECKLIST]
    note = _text("note")
    if note:
        lines.append(note)
    return "\n".join(lines)


@bp.route("/<int:ticket_id>/<action>", methods=["POST"])
@login_required
def act(ticket_id: int, action: str) -> Any:
    """Verify, reopen, or ask for a field verification; then show the review again."""
    actor = _actor()
    if q.reviewable(actor, ticket_id) is None:
        raise NotFound("Tiket tidak ada dalam antrean validasi Anda.")
    now = clock.now()
    common: dict[str, Any] = dict(
        actor=actor, now=now, publish=publish, expected_version=_version()
    )
    match action:
        case "verify":
            note = _checklist_note()
            if request.form.get("field_done") == "on":
                photos = [f.read() for f in request.files.getlist("field_photos") if f.filename]
                field_note = _text("field_note")
                if not photos or not field_note:
                    raise InvalidInput(
                        {"field": "verifikasi lapangan perlu foto dan catatan hasil kunjungan"}
                    )
                validation.verify_with_field_check(
                    ticket_id,
                    note=f"{note}\nVerifikasi lapangan: {field_note}",
                    photos=photos,
                    **common,
                )
            else:
                svc.verify(ticket_id, note=note, field_verified=False, **common)
            message = "Penyelesaian diverifikasi: tiket ditutup (Selesai)."
        case "reopen":
            reason = _text("reason")
            if not reason:
                raise InvalidInput({"reason": "alasan membuka kembali wajib diisi"})
            svc.reopen(ticket_id, reason=reason, **common)
            message = "Tiket dibuka kembali dan dikembalikan ke unit dengan batas waktu baru."
        case "field-check":
            note = _text("note")
            if not note:
                raise InvalidInput({"note": "tuliskan apa yang perlu diperiksa di lapangan"})
            validation.request_field_check(ticket_id, note=note, **common)
            message = "Verifikasi lapangan diminta; tiket tetap di antrean sampai hasilnya dicatat."
        case _:
            abort(404)
    if is_htmx():
        return render_page_or_partial(
            "validation/review.html",
            "validation/_review.html",
            **_review_context(ticket_id, actor, notice=message),
        )
    flash(message, "success")
    return redirect(url_for("validation.review", ticket_id=ticket_id))
