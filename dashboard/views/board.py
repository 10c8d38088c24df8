"""The live board: wall screens, the MRO workstation, the snapshot, wall tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask.wrappers import Response
from flask_login import current_user, login_required

from .. import clock
from ..domain import history as vocabulary
from ..domain import sla
from ..domain.inputs import InvalidNumber, parse_id
from ..domain.workflow import Role, Status
from ..live.sockets import revoke_wall
from ..queries import board as board_reads
from ..queries import walls as wall_reads
from ..scope import actor_for_user
from ..services import walls
from ..services.errors import InvalidInput

bp = Blueprint("board", __name__)

BOARD_ROLES = {Role.ADMIN, Role.MRO, Role.EXECUTIVE, Role.VALIDATOR, Role.OFFICER}
# The board's counters: key (live.js ``compute()``), glyph, label, and the short
# label of a kota tile. The page renders the tiles; live.js fills both.
COUNTERS = (
    ("unworked", "○", "Belum dikerjakan", vocabulary.UNWORKED_MARKER),
    ("late_response", "▲", "Lewat batas respons", vocabulary.ESCALATION_LEVELS["late"].marker),
    ("late_completion", "◆", "Lewat tenggat", vocabulary.ESCALATION_LEVELS["overdue"].marker),
    ("escalated", "⚠", "Eskalasi", "Eskalasi"),
    ("awaiting_validation", "◷", "Menunggu validasi", "Menunggu validasi"),
    ("reopened", "↺", "Dibuka kembali", "Dibuka kembali"),
    ("completed_today", "✓", "Selesai hari ini", "Selesai hari ini"),
)
# A late ticket stuck past its first missed deadline for longer than this is
# "chronic": the wall counts it in one tile (which opens its list on the
# workstation) instead of filling its rows with year-old tickets.
CHRONIC_AFTER = timedelta(days=30)
CHRONIC_TILE = ("chronic", "⧗", f"Kronis > {CHRONIC_AFTER.days} hari")
# A ticket received this recently and not yet worked is a new arrival: it heads
# the Segera list (marked "Baru") so the room sees it come in, at most NEW_MAX of them.
NEW_ARRIVAL = timedelta(minutes=10)
NEW_MAX = 3
# What each countdown in Segera counts down to (live.js ``nextDeadline()``).
DEADLINE_WORDS = {
    "response": "Batas respons",
    "level1": "Menuju eskalasi",
    "completion": "Tenggat selesai",
    "new": "Baru",
}
# The few words around a time on the board: time left, lateness, age.
TIME_WORDS = {"left": "sisa", "late": "lewat", "age": "umur", "more": "lainnya"}
# The workstation's "keadaan" filter: the board's lists first, then each open status.
STATE_FILTERS = (
    ("active", "Segera + terlambat"),
    ("segera", "Segera"),
    ("late", "Terlambat"),
    ("chronic", CHRONIC_TILE[2]),
    ("unworked", "Belum dikerjakan"),
    ("all", "Semua tiket terbuka"),
)
SORTS = (
    ("priority", "Prioritas"),
    ("deadline", "Tenggat terdekat"),
    ("newest", "Terbaru diterima"),
    ("oldest", "Terlama diterima"),
    ("unit", "Unit (A–Z)"),
)
PAGE_SIZE = 25
# Placeholder id in URL templates handed to live.js (replaced client-side).
ID_PLACEHOLDER = 987654321


def _ms(span: timedelta) -> int:
    return int(span.total_seconds() * 1000)


def _role() -> Role:
    return Role(current_user.role)


def _user_scope() -> tuple[board_reads.BoardScope, str | None]:
    """The logged-in user's board and, for a province viewer, the ``?kota=<code>`` narrowing."""
    if _role() not in BOARD_ROLES:
        abort(404)
    user = current_user._get_current_object()
    scope = board_reads.scope_for_user(user)
    if scope is None:
        abort(404)
    code = (request.args.get("kota") or "").strip().upper()
    if not code or not scope.is_province:
        return scope, None  # only province viewers narrow; others keep their own board
    found = board_reads.kota_by_code(code)
    narrowed = board_reads.scope_for_user(user, kota_id=found[0]) if found else None
    if narrowed is None:
        abort(404)
    return narrowed, code


def _render_board(
    scope: board_reads.BoardScope,
    *,
    snapshot_url: str,
    auth: dict[str, Any],
    mode: str,
    kota_code: str | None = None,
) -> Response:
    config = {
        "snapshotUrl": snapshot_url,
        "auth": auth,
        "mode": mode,
        "scope": {"kind": scope.kind, "id": scope.ref_id, "label": scope.label, "room": scope.room},
        "ticketUrl": url_for("tickets.detail", ticket_id=ID_PLACEHOLDER)
        if mode == "workstation"
        else None,
        "noteUrl": url_for("tickets.act", ticket_id=ID_PLACEHOLDER, action="note")
        if mode == "workstation"
        else None,
        "idPlaceholder": str(ID_PLACEHOLDER),
        # live.js derives lateness by the escalation job's rule and names it in its words.
        "rules": {
            "level1Ms": _ms(sla.UNWORKED_LEVEL1),
            "level2Ms": _ms(sla.UNWORKED_LEVEL2),
        },
        "words": vocabulary.board_words(),
        "counters": [(key, glyph, short) for key, glyph, _label, short in COUNTERS],
        # The board's own rules: chronic lateness, new arrivals, the workstation's pages.
        "chronicMs": _ms(CHRONIC_AFTER),
        "newMs": _ms(NEW_ARRIVAL),
        "newMax": NEW_MAX,
        "pageSize": PAGE_SIZE,
        "deadlines": DEADLINE_WORDS,
        "timeWords": TIME_WORDS,
        # Who last warned or acknowledged a row: the history's staff label and glyph.
        "touch": {
            kind: {"label": words.staff, "glyph": words.glyph}
            for kind, words in vocabulary.NOTE_KINDS.items()
            if kind in board_reads.TOUCH_KINDS
        },
    }
    response = current_app.make_response(
        render_template(
            "board/page.html",
            scope=scope,
            config=config,
            counters=COUNTERS,
            chronic=CHRONIC_TILE,
            states=STATE_FILTERS,
            statuses=[(status.value, status.label) for status in Status if status.is_open],
            sorts=SORTS,
            mode=mode,
            kota_code=kota_code,
            kotas=board_reads.kota_choices() if scope.is_province or scope.kind == "kota" else [],
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/board")
@login_required
def board() -> Response:
    """The wall-screen board of the user's scope (MRO/admin: ``?kota=JKT-TIM`` for one kota)."""
    scope, code = _user_scope()
    auth = {"kota": scope.ref_id} if code else {}
    snapshot_url = url_for("board.snapshot", kota=code) if code else url_for("board.snapshot")
    return _render_board(scope, snapshot_url=snapshot_url, auth=auth, mode="board", kota_code=code)


@bp.route("/board/workstation")
@login_required
def workstation() -> Response:
    """The MRO workstation: the same board with per-row actions (warn, acknowledge, note)."""
    if _role() not in (Role.ADMIN, Role.MRO):
        abort(404)
    scope, code = _user_scope()
    auth = {"kota": scope.ref_id} if code else {}
    snapshot_url = url_for("board.snapshot", kota=code) if code else url_for("board.snapshot")
    return _render_board(
        scope, snapshot_url=snapshot_url, auth=auth, mode="workstation", kota_code=code
    )


@bp.route("/wall/<token>")
def wall(token: str) -> Response:
    """A wall screen opened by a read-only token: no log-in, no clicks, 404 when revoked."""
    found = wall_reads.resolve_wall_token(token)
    scope = board_reads.scope_for_wall(found.kota_id) if found else None
    if found is None or scope is None:
        abort(404)
    response = _render_board(
        scope,
        snapshot_url=url_for("board.snapshot", wall=token),
        auth={"wall": token},
        mode="wall",
    )
    # The token is in the URL: never send it onwards, never index the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def requested_scope(what: str = "papan") -> board_reads.BoardScope | Response:
    """The board a JSON request may read: a wall token's (``?wall=``), else the logged-in
    user's (a province viewer narrowed by ``?kota=``). The one rule for the snapshot and
    the board's map (views/maps.py); a refusal is the JSON answer to return."""
    token = request.args.get("wall")
    if token is not None:
        found = wall_reads.resolve_wall_token(token)
        scope = board_reads.scope_for_wall(found.kota_id) if found else None
        if scope is None:
            return _json_error(404, "not_found", "Token papan tidak dikenal atau sudah dicabut.")
        return scope
    if not current_user.is_authenticated:
        return _json_error(401, "unauthorized", f"Silakan masuk untuk membuka {what}.")
    return _user_scope()[0]


@bp.route("/board/snapshot.json")
def snapshot() -> Response:
    """The full board as JSON (seq, open tickets, kota tiles, counts, ticker) for (re)connects."""
    scope = requested_scope()
    if isinstance(scope, Response):
        return scope
    token = request.args.get("wall")
    encoded = board_reads.encoded_snapshot(scope, now=clock.now())
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = current_app.response_class(
        encoded.gzipped if gzipped else encoded.body, mimetype="application/json"
    )
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Board-Seq"] = str(encoded.seq)
    # A clock reference fresher than the (briefly cached) body's generated_at.
    response.headers["X-Server-Time"] = clock.now().isoformat()
    if token is not None:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _wall_url(token: str) -> str:
    """The kiosk address to type into the wall screen's browser."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("board.wall", token=token)
    return url_for("board.wall", token=token, _external=True)


def _json_error(status: int, error: str, message: str) -> Response:
    response = jsonify(error=error, message=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/board/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Any:
    """Admin: issue a wall-screen token (shown once) or revoke one."""
    if _role() is not Role.ADMIN:
        abort(404)
    actor = actor_for_user(current_user._get_current_object())
    issued = None
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "revoke":
            try:
                token_id = parse_id(request.form.get("token_id"), "token_id")
            except InvalidNumber:
                token_id = None
            if token_id is None:
                abort(404)
            wall = walls.revoke_wall_token(token_id, actor=actor, now=clock.now())
            revoke_wall(wall.id)
        elif action == "issue":
            kota_raw = request.form.get("kota_id") or ""
            try:
                kota_id = parse_id(kota_raw, "kota_id")
            except InvalidNumber:
                kota_id = -1
            try:
                issued = walls.issue_wall_token(
                    label=request.form.get("label", ""),
                    kota_id=kota_id,
                    actor=actor,
                    now=clock.now(),
                )
            except InvalidInput as exc:
                errors = exc.errors
                status = 422
        else:
            abort(400)
    response = current_app.make_response(
        (
            render_template(
                "board/tokens.html",
                tokens=wall_reads.list_wall_tokens(),
                kotas=board_reads.kota_choices(),
                issued=issued,
                issued_url=_wall_url(issued.token) if issued else None,
                errors=errors,
                form=request.form if errors else {},
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
