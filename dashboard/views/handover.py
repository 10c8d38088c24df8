"""Shift handover (serah terima): each MRO shift's report, its notes and its acceptance.

MRO and admins read and write; executives read (a walikota their kota);
everyone else gets 403. ``/serah-terima`` is the shift running now
(computed up to now); past shifts are ``/serah-terima/<YYYY-MM-DD>/<n>``.
The shift times come from ``PANTAU_SHIFTS`` (checked when the app starts).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required

from .. import clock, formatting
from ..clock import JAKARTA
from ..domain import handover as rules
from ..domain import history as vocabulary
from ..domain.handover import Shift
from ..domain.workflow import Role
from ..queries import board as board_reads
from ..queries import handover as reads
from ..scope import actor_for_user, ticket_scope
from ..services import handover as service

bp = Blueprint("handover", __name__, url_prefix="/serah-terima")

READERS = {Role.MRO, Role.ADMIN, Role.EXECUTIVE}
WRITERS = {Role.MRO, Role.ADMIN}
LEVELS = ("late", "level1", "level2", "overdue", "validation")
OWED = (
    ("late_response", "▲", "Lewat batas respons"),
    ("overdue", "◆", "Lewat tenggat selesai"),
    ("unworked1", "○", "Belum dikerjakan > 24 jam"),
    ("unworked2", "⚠", "Eskalasi 2 (> 48 jam, ke atasan unit)"),
)


def _hhmm(at: datetime) -> str:
    return f"{at.astimezone(JAKARTA):%H:%M}"


def _level_name(code: str) -> str:
    found = vocabulary.ESCALATION_LEVELS.get(code)
    return found.name if found else code


# What the templates format with (formatting.py's words; Jakarta clock time).
HELPERS = {
    "hhmm": _hhmm,
    "wib_long": formatting.wib_day_long,
    "jakarta_date": lambda at: at.astimezone(JAKARTA).date().isoformat(),
    "number": formatting.number,
    "level_name": _level_name,
}


@bp.record_once
def _check_shifts(state: BlueprintSetupState) -> None:
    """PANTAU_SHIFTS is read once, when the app starts: a bad value stops it with the reason."""
    app = state.app
    app.extensions["pantau_shifts"] = rules.parse_shifts(
        app.config.get("SHIFTS") or rules.DEFAULT_SHIFTS
    )


class Refused(Exception):
    """A request this blueprint answers with an error page of its own (400, 403, 404)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(Refused)
def _refused(exc: Refused) -> Any:
    page = {400: "errors/400.html", 403: "errors/403.html"}.get(exc.status, "errors/404.html")
    return render_template(page, message=exc.message), exc.status


def _starts() -> tuple[time, ...]:
    return current_app.extensions["pantau_shifts"]


def _role() -> Role:
    role = Role(current_user.role)
    if role not in READERS:
        raise Refused(403, "Serah terima shift hanya untuk MRO, administrator dan pimpinan.")
    return role


def _actor() -> Any:
    return actor_for_user(current_user._get_current_object())


def _shift(day: str, number: int) -> Shift:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise Refused(400, f"Tanggal {day[:20]!r} tidak valid: tulis seperti 2026-12-03.") from None
    try:
        found = rules.shift(parsed, number, _starts())
    except rules.UnknownShift as exc:
        raise Refused(404, str(exc)) from None
    if not found.has_started(clock.now()):
        raise Refused(404, "Shift ini belum dimulai: belum ada serah terima.")
    return found


def _url(s: Shift, **kw: Any) -> str:
    return url_for("handover.page", day=s.day.isoformat(), number=s.number, **kw)


def _kota() -> tuple[int | None, str | None]:
    """``?kota=JKT-TIM`` narrowing for province readers (a walikota sees their kota anyway)."""
    code = (request.args.get("kota") or "").strip().upper()
    if not code:
        return None, None
    if current_user.kota_id is not None:
        return None, None
    found = board_reads.kota_by_code(code)
    if found is None:
        raise Refused(404, f"Kota {code[:20]!r} tidak dikenal.")
    return found[0], code


@bp.route("/")
@login_required
def current() -> Any:
    """The shift running now (or the one the date + shift picker names)."""
    _role()
    day, number = request.args.get("tanggal"), request.args.get("shift")
    kota = request.args.get("kota") or None
    if day or number:
        try:
            chosen = _shift(day or "", int(number or ""))
        except ValueError:
            raise Refused(400, "Pilih tanggal dan nomor shift dari daftar.") from None
        return redirect(_url(chosen, kota=kota))
    return _render(rules.shift_at(clock.now(), _starts()))


@bp.route("/<day>/<int:number>")
@login_required
def page(day: str, number: int) -> Any:
    """One shift's handover report: arrivals, lateness, warnings, what is owed, notes."""
    _role()
    return _render(_shift(day, number))


def _render(s: Shift) -> Any:
    now = clock.now()
    role = _role()
    actor = _actor()
    kota_id, kota_code = _kota()
    report = reads.report(s, now=now, where=ticket_scope(actor), kota_id=kota_id)
    starts = _starts()
    prev, nxt = rules.previous(s, starts), rules.following(s, starts)
    wrote = reads.worked_in(s, actor.user_id)
    acked = any(a.user_id == actor.user_id for a in report.acks)
    running = rules.shift_at(now, starts)
    before = rules.previous(running, starts)
    _notes, before_acks = reads.notes_and_acks(before.start)
    response = current_app.make_response(
        render_template(
            "handover/page.html",
            shift=s,
            report=report,
            now=now,
            is_current=s.is_current(now),
            prev_url=_url(prev, kota=kota_code),
            next_url=_url(nxt, kota=kota_code) if nxt.has_started(now) else None,
            current_url=url_for("handover.current", kota=kota_code),
            # The shift before the running one waits for its incoming MRO's acceptance.
            pending=(before, _url(before)) if not before_acks and s != before else None,
            can_write=role in WRITERS,
            can_note=role in WRITERS and not report.acks,
            can_ack=role in WRITERS and s.ack_open(now) and not wrote and not acked,
            wrote=wrote,
            acked=acked,
            kota_code=kota_code,
            kotas=board_reads.kota_choices() if current_user.kota_id is None else [],
            shift_numbers=range(1, len(starts) + 1),
            starts=starts,
            levels=[(code, vocabulary.ESCALATION_LEVELS[code]) for code in LEVELS],
            owed_rows=OWED,
            outcomes=rules.OUTCOME_LABELS,
            note_max=rules.NOTE_MAX_CHARS,
            **HELPERS,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<day>/<int:number>/catatan", methods=["POST"])
@login_required
def add_note(day: str, number: int) -> Any:
    """The outgoing MRO leaves a note for the next shift."""
    if _role() not in WRITERS:
        raise Refused(403, "Hanya MRO dan administrator yang menulis serah terima.")
    s = _shift(day, number)
    service.add_note(s, body=request.form.get("catatan", ""), actor=_actor(), now=clock.now())
    flash("Catatan untuk shift berikutnya disimpan.", "success")
    return redirect(_url(s) + "#catatan")


@bp.route("/<day>/<int:number>/terima", methods=["POST"])
@login_required
def acknowledge(day: str, number: int) -> Any:
    """The incoming MRO accepts the handover (again: nothing changes)."""
    if _role() not in WRITERS:
        raise Refused(403, "Hanya MRO dan administrator yang menulis serah terima.")
    s = _shift(day, number)
    if service.acknowledge(s, actor=_actor(), now=clock.now()):
        flash(f"Serah terima {s.label} diterima.", "success")
    else:
        flash("Anda sudah menerima serah terima shift ini.", "info")
    return redirect(_url(s))
