"""A validator's work, as plain rules: who validates, why a completion waits for
them, how close its deadline is, which completions the weekly sample draws,
what a verification needs, and how a unit's record is graded.

The review page's three decisions arrive here as plain values (the view reads
the form, nothing else): ``note_of`` checks one and returns the text its
history row keeps, or raises ``InvalidDecision`` naming each missing part, so
nothing is stored for an incomplete decision.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .kpis import WIB, Grade, grade
from .workflow import Actor, Role, Status

# The administrative verification: every box must be ticked to verify.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("check_place", "Foto bukti menunjukkan lokasi yang dilaporkan"),
    ("check_resolved", "Masalah tampak sudah teratasi pada foto bukti"),
    ("check_note", "Catatan penyelesaian menjelaskan pekerjaan yang dilakukan"),
)

# Why a completion is in the queue. "completed": only because the unit
# completed it (no flag). The order is the order badges are shown in.
REASONS: dict[str, str] = {
    "completed": "Penyelesaian baru",
    "low_rating": "Nilai rendah",
    "sample": "Sampel mingguan",
    "repeat_report": "Laporan berulang",
}
REASON_HELP: dict[str, str] = {
    "completed": "Unit menyatakan selesai; menunggu verifikasi administratif.",
    "low_rating": "Pelapor memberi nilai rendah atau menyatakan belum selesai.",
    "sample": "Terpilih acak dalam sampel mingguan unit ini.",
    "repeat_report": "Masalah yang sama dilaporkan lagi di dekat lokasi ini.",
}

# A validation deadline this close is marked "due soon".
DUE_SOON = timedelta(hours=12)
# Below this many decisions a unit gets no grade: one lucky ticket must not
# read as "Sangat Baik" (FixMyStreet's league-table lesson, DESIGN.md §9).
RECORD_MIN_VOLUME = 5


def may_validate(actor: Actor) -> bool:
    """Validators and admins have a validation queue; nobody else does."""
    return actor.has_role(Role.VALIDATOR, Role.ADMIN)


def is_waiting(status: str, reopen_confirmed: bool) -> bool:
    """A completion waits for its validator while awaiting validation, or reopened
    (a low rating, the sample, a repeat report) but not yet confirmed."""
    return status == Status.AWAITING_VALIDATION.value or (
        status == Status.REOPENED.value and not reopen_confirmed
    )


def lateness(due: datetime | None, now: datetime) -> str:
    """``late`` past the validation deadline, ``soon`` within DUE_SOON of it, else ``""``."""
    if due is None:
        return ""
    if due <= now:
        return "late"
    if due - now <= DUE_SOON:
        return "soon"
    return ""


def in_reason_order(reasons: Iterable[str]) -> tuple[str, ...]:
    """Distinct flag reasons in REASONS order; ``("completed",)`` when there are none."""
    order = list(REASONS)
    distinct = set(reasons)
    return tuple(sorted(distinct, key=order.index)) or ("completed",)


# --- a unit's record -------------------------------------------------------------------


@dataclass(frozen=True)
class FirstDecisions:
    """Tickets decided in a window: verified at the first decision, or reopened."""

    decided: int
    passed_first: int
    reopened: int

    @property
    def pass_rate(self) -> float | None:
        """Share verified without a reopen, on 100; None without decisions."""
        return 100.0 * self.passed_first / self.decided if self.decided else None

    @property
    def grade(self) -> Grade | None:
        """The quality scale's grade, only from RECORD_MIN_VOLUME decisions up."""
        rate = self.pass_rate
        return grade(rate) if rate is not None and self.decided >= RECORD_MIN_VOLUME else None


def first_decisions(decisions: Iterable[tuple[int, str]]) -> FirstDecisions:
    """From (ticket id, ``verified`` | ``reopened``) pairs: a ticket reopened at least
    once counts as reopened, any other decided ticket as passed first time."""
    kinds: dict[int, set[str]] = {}
    for ticket_id, kind in decisions:
        kinds.setdefault(ticket_id, set()).add(kind)
    reopened = sum(1 for k in kinds.values() if "reopened" in k)
    return FirstDecisions(decided=len(kinds), passed_first=len(kinds) - reopened, reopened=reopened)


# --- the weekly sample ---------------------------------------------------------------------


def week_start(at: datetime) -> datetime:
    """Monday 00:00 Asia/Jakarta of the week containing ``at``, as UTC."""
    local = at.astimezone(WIB)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday.astimezone(at.tzinfo)


def sample_rank(seed: str, unit_id: int, week: datetime, ticket_id: int) -> str:
    """A completion's place in its unit's weekly draw: a hash keyed by the secret seed."""
    return hashlib.sha256(f"{seed}:{unit_id}:{week.date()}:{ticket_id}".encode()).hexdigest()


def choose_sample(
    completions: Sequence[tuple[int, int]], *, share: float, seed: str, week: datetime
) -> list[int]:
    """Per unit, the ceil(share × n) completions with the smallest keyed hash:
    reproducible, unpredictable to the unit, and at least one per active unit."""
    by_unit: dict[int, list[int]] = {}
    for ticket_id, unit_id in completions:
        by_unit.setdefault(unit_id, []).append(ticket_id)
    chosen: list[int] = []
    for unit_id, ids in sorted(by_unit.items()):
        k = max(1, math.ceil(share * len(ids)))
        ids.sort(key=lambda t: sample_rank(seed, unit_id, week, t))
        chosen.extend(ids[:k])
    return sorted(chosen)


# --- the review page's decisions ------------------------------------------------------------


class InvalidDecision(Exception):
    """A decision is incomplete. ``errors`` maps each missing part to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Verification:
    """Verify the completion: every checklist box, and after a field visit its photos and note."""

    checked: frozenset[str]  # names of the ticked CHECKLIST boxes
    note: str = ""
    field_done: bool = False
    field_note: str = ""
    field_photos: tuple[bytes, ...] = ()
    # Why the completion is accepted although the reporter rated it "not fixed".
    justification: str = ""


@dataclass(frozen=True)
class Reopening:
    """Send the completion back to the unit, saying why."""

    reason: str


@dataclass(frozen=True)
class FieldCheckRequest:
    """Ask for a field visit, saying what to look at."""

    note: str


Decision = Verification | Reopening | FieldCheckRequest

FIELD_VISIT_NEEDS = "verifikasi lapangan perlu foto dan catatan hasil kunjungan"
# Verifying against the reporter's "belum selesai" needs a reason, on one line.
JUSTIFICATION_LABEL = "Alasan memverifikasi meski pelapor menyatakan belum selesai"
JUSTIFICATION_NEEDED = (
    f"{JUSTIFICATION_LABEL} wajib diisi: pelapor menilai masalahnya belum selesai, "
    "tulis satu kalimat mengapa penyelesaian tetap diterima"
)
JUSTIFICATION_MAX = 300
JUSTIFICATION_TOO_LONG = f"{JUSTIFICATION_LABEL}: paling banyak {JUSTIFICATION_MAX} karakter"


@dataclass(frozen=True)
class Checked:
    """A valid decision's words: the history row's note, and for a verification
    against a "not fixed" rating its one-line justification (else ""), which the
    history row keeps in its data (``justification``) and the timelines show."""

    note: str
    justification: str = ""


def field_visit_complete(note: str, photos: Sequence[bytes]) -> bool:
    """A field verification records at least one photo and a note of the visit."""
    return bool(photos) and bool(note.strip())


def note_of(decision: Decision, *, rated_not_fixed: bool = False) -> str:
    """The text a valid decision writes into history (a reopen's reason, a request's
    note, a verification's checklist and notes); raises InvalidDecision otherwise."""
    return check(decision, rated_not_fixed=rated_not_fixed).note


def check(decision: Decision, *, rated_not_fixed: bool = False) -> Checked:
    """A decision checked against its rules. ``rated_not_fixed``: the reporter's latest
    rating of the completion under review says the problem is not fixed, so verifying
    needs a one-line justification. Raises InvalidDecision naming each missing part."""
    match decision:
        case Verification():
            return _verification(decision, rated_not_fixed)
        case Reopening(reason=reason):
            return Checked(_required(reason, "reason", "alasan membuka kembali wajib diisi"))
        case FieldCheckRequest(note=note):
            return Checked(_required(note, "note", "tuliskan apa yang perlu diperiksa di lapangan"))


def justification_problem(justification: str, *, rated_not_fixed: bool) -> str | None:
    """What is wrong with a verification's justification (on one line already), or None:
    required against a "not fixed" rating, and short. Every path to verify asks this."""
    if rated_not_fixed and not justification:
        return JUSTIFICATION_NEEDED
    if len(justification) > JUSTIFICATION_MAX:
        return JUSTIFICATION_TOO_LONG
    return None


def one_line(text: str) -> str:
    """``text`` on one line: every run of whitespace (newlines too) as one space."""
    return " ".join(text.split())


def _required(text: str, name: str, message: str) -> str:
    if not text.strip():
        raise InvalidDecision({name: message})
    return text.strip()


def _verification(v: Verification, rated_not_fixed: bool) -> Checked:
    errors: dict[str, str] = {}
    missing = [label for name, label in CHECKLIST if name not in v.checked]
    if missing:
        errors["checklist"] = "centang semua butir verifikasi administratif: " + "; ".join(missing)
    if v.field_done and not field_visit_complete(v.field_note, v.field_photos):
        errors["field"] = FIELD_VISIT_NEEDS
    justification = one_line(v.justification)
    if problem := justification_problem(justification, rated_not_fixed=rated_not_fixed):
        errors["justification"] = problem
    if errors:
        raise InvalidDecision(errors)
    lines = ["Verifikasi administratif:"] + [f"✓ {label}" for _, label in CHECKLIST]
    if v.note.strip():
        lines.append(v.note.strip())
    if v.field_done:
        lines.append(f"Verifikasi lapangan: {v.field_note.strip()}")
    return Checked("\n".join(lines), justification)
