"""KPI arithmetic: what each ticket counts for, the KPI definitions of
WORKFLOW.md, the published ranking formula and the quality scale (Skala Mutu
Layanan Pengaduan, DESIGN.md §7).

Plain functions on plain values; the service layer stores, the read side sums.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from .workflow import Status


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str


# Floors on the 100-point scale, highest first.
QUALITY_SCALE: tuple[tuple[float, str, str], ...] = (
    (88.31, "A", "Sangat Baik"),
    (76.61, "B", "Baik"),
    (65.00, "C", "Kurang Baik"),
    (0.0, "D", "Tidak Baik"),
)


def grade(score_100: float) -> Grade:
    """A score on 100 as the quality scale's grade (A Sangat Baik … D Tidak Baik).

    Graded at the published precision (two decimals), so a score that is 65.00
    by the formula is C even when floating point makes it 64.99999999999999.
    """
    shown = round(score_100, 2)
    for floor, letter, label in QUALITY_SCALE:
        if shown >= floor:
            return Grade(letter, label)
    return Grade("D", "Tidak Baik")


def rating_to_scale4(mean_rating: float) -> float:
    """A mean 1-5 rating on the 4-point scale: 1 + (r - 1) × 0.75."""
    return 1 + (mean_rating - 1) * 0.75


def rating_to_scale100(mean_rating: float) -> float:
    """The same on the 100-point scale (the 4-point value × 25)."""
    return rating_to_scale4(mean_rating) * 25


# --- Ticket facts and their daily rollup ----------------------------------------
#
# A ticket's contribution to the KPI rollup is a pure function of its stored
# fields (``TicketFacts``). The service layer applies ``contributions(after) -
# contributions(before)`` in the same transaction as every change, and the
# recount (``flask kpi verify``) sums ``contributions`` over every ticket: the two
# must agree to the unit. What depends on the clock ("already past its
# deadline now") is never rolled up; the read side counts it live from the open
# tickets (see ``Live``).

WIB = timezone(timedelta(hours=7), "WIB")

# Completion-time buckets: exactly 7 × 24 h is in the first.
BUCKET_7D_MIN = 7 * 24 * 60
BUCKET_14D_MIN = 14 * 24 * 60

ESCALATION_LEVELS: tuple[str, ...] = ("late", "level1", "level2", "overdue", "validation")

# Counted on the day the ticket was received (the cohort figures).
COHORT_COUNTERS: tuple[str, ...] = (
    "received",
    "w_received",
    "cohort_completed",
    "w_cohort_completed",
    "cohort_verified",
    "responded",
    "w_responded",
    "responded_ok",
    "w_responded_ok",
    "unresponded_open",
    "w_unresponded_open",
    "ews",
    *(f"esc_{level}" for level in ESCALATION_LEVELS),
)
# Counted on the day of the ticket's first completion.
COMPLETION_COUNTERS: tuple[str, ...] = (
    "completed",
    "w_completed",
    "done_7d",
    "done_14d",
    "done_over",
    "handling_min",
    "on_time",
    "w_on_time",
    "reopened",
    "validated",
    "w_validated",
    "validated_pass",
    "w_validated_pass",
    "rated",
    "w_rated",
    "rating_sum",
    "w_rating_sum",
)
COUNTERS: tuple[str, ...] = COHORT_COUNTERS + COMPLETION_COUNTERS
_INDEX = {name: i for i, name in enumerate(COUNTERS)}

# The rollup's dimensions: (dim, key_id, sub_id).
#   unit      assigned unit (0: waiting in the MRO routing queue), 0
#   area      location kota (0: none), location kecamatan (0: none)
#   category  location kota, category
#   channel   location kota, channel
DIMS: tuple[str, ...] = ("unit", "area", "category", "channel")


@dataclass(frozen=True)
class TicketFacts:
    """What the KPIs read of one ticket (all of it stored on the ticket row)."""

    received_at: datetime
    status: str
    unit_id: int | None
    kota_id: int | None
    kecamatan_id: int | None
    category_id: int
    channel_id: int
    weight: int  # the category's bobot, 1..3
    first_response_at: datetime | None
    response_margin_min: int | None
    first_completed_at: datetime | None
    completion_margin_min: int | None
    ews: bool
    escalations_ever: int  # bits of sla.ESCALATION_BITS ever raised
    reopens: int  # confirmed reopens
    first_validation: str | None  # "verified" | "reopened" | None
    rating: int | None  # the latest 1-5 rating

    @property
    def is_open(self) -> bool:
        return Status(self.status).is_open

    @property
    def handling_min(self) -> int | None:
        if self.first_completed_at is None:
            return None
        return minutes_between(self.received_at, self.first_completed_at)


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end`` (floored)."""
    return int((end - start).total_seconds() // 60)


def wib_day(at: datetime) -> date:
    """The calendar day in Jakarta (WIB, UTC+7) of an aware instant."""
    return at.astimezone(WIB).date()


def day_start(day: date) -> datetime:
    """00:00 WIB of ``day``, as an aware UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=WIB).astimezone(UTC)


RowKey = tuple[str, int, int, date]  # dim, key_id, sub_id, day


def _dims(f: TicketFacts) -> tuple[tuple[str, int, int], ...]:
    kota = f.kota_id or 0
    return (
        ("unit", f.unit_id or 0, 0),
        ("area", kota, f.kecamatan_id or 0),
        ("category", kota, f.category_id),
        ("channel", kota, f.channel_id),
    )


def _cohort_values(f: TicketFacts, escalation_bits: Mapping[str, int]) -> dict[str, int]:
    w = f.weight
    v = {"received": 1, "w_received": w}
    if f.first_completed_at is not None:
        v["cohort_completed"] = 1
        v["w_cohort_completed"] = w
    if f.status == Status.VERIFIED.value:
        v["cohort_verified"] = 1
    if f.first_response_at is not None:
        v["responded"] = 1
        v["w_responded"] = w
        if (f.response_margin_min or 0) >= 0:
            v["responded_ok"] = 1
            v["w_responded_ok"] = w
    elif f.is_open:
        v["unresponded_open"] = 1
        v["w_unresponded_open"] = w
    if f.ews:
        v["ews"] = 1
    for level in ESCALATION_LEVELS:
        if f.escalations_ever & escalation_bits[level]:
            v[f"esc_{level}"] = 1
    return v


def _completion_values(f: TicketFacts) -> dict[str, int]:
    handling = f.handling_min
    assert handling is not None
    w = f.weight
    v = {"completed": 1, "w_completed": w, "handling_min": handling}
    if handling <= BUCKET_7D_MIN:
        v["done_7d"] = 1
    elif handling <= BUCKET_14D_MIN:
        v["done_14d"] = 1
    else:
        v["done_over"] = 1
    if (f.completion_margin_min or 0) >= 0:
        v["on_time"] = 1
        v["w_on_time"] = w
    if f.reopens > 0:
        v["reopened"] = 1
    if f.first_validation is not None:
        v["validated"] = 1
        v["w_validated"] = w
        if f.first_validation == "verified":
            v["validated_pass"] = 1
            v["w_validated_pass"] = w
    if f.rating is not None:
        v["rated"] = 1
        v["w_rated"] = w
        v["rating_sum"] = f.rating
        v["w_rating_sum"] = w * f.rating
    return v


def contributions(
    f: TicketFacts | None, escalation_bits: Mapping[str, int]
) -> dict[RowKey, list[int]]:
    """The rollup rows one ticket adds to, with what it adds (a vector of COUNTERS)."""
    out: dict[RowKey, list[int]] = {}
    if f is None:
        return out
    parts = [(wib_day(f.received_at), _cohort_values(f, escalation_bits))]
    if f.first_completed_at is not None:
        parts.append((wib_day(f.first_completed_at), _completion_values(f)))
    for dim, key, sub in _dims(f):
        for day, values in parts:
            vec = out.setdefault((dim, key, sub, day), [0] * len(COUNTERS))
            for name, n in values.items():
                vec[_INDEX[name]] += n
    return out


def delta(
    before: TicketFacts | None, after: TicketFacts | None, escalation_bits: Mapping[str, int]
) -> dict[RowKey, list[int]]:
    """What one change of one ticket adds to (and takes from) the rollup; no zero rows."""
    out = contributions(after, escalation_bits)
    for key, vec in contributions(before, escalation_bits).items():
        cur = out.setdefault(key, [0] * len(COUNTERS))
        for i, n in enumerate(vec):
            cur[i] -= n
    return {k: v for k, v in out.items() if any(v)}


def add_into(total: dict[RowKey, list[int]], part: Mapping[RowKey, Sequence[int]]) -> None:
    for key, vec in part.items():
        cur = total.setdefault(key, [0] * len(COUNTERS))
        for i, n in enumerate(vec):
            cur[i] += n


# --- From counts to figures --------------------------------------------------------


@dataclass(frozen=True)
class Live:
    """What the clock decides, counted live from the open tickets of a scope."""

    # Open, not yet responded, received in the period, response deadline still ahead.
    not_yet_due: int = 0
    w_not_yet_due: int = 0
    # Open, never completed, completion deadline passed (and not after the period's end).
    open_overdue: int = 0
    w_open_overdue: int = 0

    def __add__(self, other: Live) -> Live:
        return Live(
            self.not_yet_due + other.not_yet_due,
            self.w_not_yet_due + other.w_not_yet_due,
            self.open_overdue + other.open_overdue,
            self.w_open_overdue + other.w_open_overdue,
        )


def ratio(num: float, den: float) -> float | None:
    return None if den <= 0 else num / den


@dataclass(frozen=True)
class Figures:
    """Every KPI of one scope over one period (rates as fractions, None = no data)."""

    received: int
    reporters: int | None
    completed: int
    verified: int  # received in the period and now Selesai (verified)
    completion_rate: float | None
    response_num: int
    response_den: int
    response_rate: float | None
    on_time_num: int
    on_time_den: int
    on_time_rate: float | None
    done_7d: int
    done_14d: int
    done_over: int
    mean_handling_h: float | None
    median_handling_h: float | None
    ews: int
    escalations: dict[str, int]
    reopened: int
    reopen_rate: float | None
    validated: int
    validated_pass: int
    validation_pass_rate: float | None
    rated: int
    mean_rating: float | None
    open_overdue: int

    @property
    def rating_scale4(self) -> float | None:
        return None if self.mean_rating is None else rating_to_scale4(self.mean_rating)

    @property
    def rating_scale100(self) -> float | None:
        return None if self.mean_rating is None else rating_to_scale100(self.mean_rating)

    @property
    def rating_grade(self) -> Grade | None:
        s = self.rating_scale100
        return None if s is None else grade(s)


def totals_of(rows: Sequence[Sequence[int]] | Sequence[Mapping[str, int]]) -> dict[str, int]:
    """Sum rollup rows (vectors in COUNTERS order, or mappings by name)."""
    total = dict.fromkeys(COUNTERS, 0)
    for row in rows:
        if isinstance(row, Mapping):
            for name in COUNTERS:
                total[name] += int(row[name] or 0)
        else:
            for name, n in zip(COUNTERS, row, strict=True):
                total[name] += int(n or 0)
    return total


def figures(
    t: Mapping[str, int],
    live: Live = Live(),
    *,
    reporters: int | None = None,
    median_handling_min: float | None = None,
) -> Figures:
    """The KPI definitions of WORKFLOW.md, applied to summed counts."""
    response_den = t["responded"] + t["unresponded_open"] - live.not_yet_due
    on_time_den = t["completed"] + live.open_overdue
    completed = t["completed"]
    mean_h = ratio(t["handling_min"], completed)
    return Figures(
        received=t["received"],
        reporters=reporters,
        completed=completed,
        verified=t["cohort_verified"],
        completion_rate=ratio(t["cohort_completed"], t["received"]),
        response_num=t["responded_ok"],
        response_den=response_den,
        response_rate=ratio(t["responded_ok"], response_den),
        on_time_num=t["on_time"],
        on_time_den=on_time_den,
        on_time_rate=ratio(t["on_time"], on_time_den),
        done_7d=t["done_7d"],
        done_14d=t["done_14d"],
        done_over=t["done_over"],
        mean_handling_h=None if mean_h is None else mean_h / 60,
        median_handling_h=None if median_handling_min is None else median_handling_min / 60,
        ews=t["ews"],
        escalations={level: t[f"esc_{level}"] for level in ESCALATION_LEVELS},
        reopened=t["reopened"],
        reopen_rate=ratio(t["reopened"], completed),
        validated=t["validated"],
        validated_pass=t["validated_pass"],
        validation_pass_rate=ratio(t["validated_pass"], t["validated"]),
        rated=t["rated"],
        mean_rating=ratio(t["rating_sum"], t["rated"]),
        open_overdue=live.open_overdue,
    )


def median(sorted_values: Sequence[float]) -> float | None:
    n = len(sorted_values)
    if n == 0:
        return None
    mid = n // 2
    if n % 2:
        return float(sorted_values[mid])
    return (sorted_values[mid - 1] + sorted_values[mid]) / 2


# --- Ranking --------------------------------------------------------------------------

RANK_WINDOW_DAYS = 30
RANK_MIN_VOLUME = 20


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    weight: float


# The published formula (WORKFLOW.md "Ranking"); its order is the page's column order.
RANK_TERMS: tuple[Term, ...] = (
    Term("completion", "Penyelesaian", 0.30),
    Term("response", "Respons ≤ 6 jam", 0.20),
    Term("on_time", "Selesai tepat waktu", 0.20),
    Term("validation", "Lolos validasi", 0.15),
    Term("rating", "Rating warga", 0.15),
)

RANK_FORMULA = (
    "Skor = 100 × (0,30 × penyelesaian + 0,20 × respons ≤ 6 jam + 0,20 × selesai tepat waktu"
    " + 0,15 × lolos validasi + 0,15 × (rating − 1) / 4); setiap tiket dibobot menurut bobot"
    " kategorinya (1–3); istilah tanpa data memakai nilai provinsi."
)


def weighted_terms(t: Mapping[str, int], live: Live = Live()) -> dict[str, float | None]:
    """The ranking's five terms, each ticket weighted by its category's bobot (0..1)."""
    w_rating = ratio(t["w_rating_sum"], t["w_rated"])
    return {
        "completion": ratio(t["w_cohort_completed"], t["w_received"]),
        "response": ratio(
            t["w_responded_ok"], t["w_responded"] + t["w_unresponded_open"] - live.w_not_yet_due
        ),
        "on_time": ratio(t["w_on_time"], t["w_completed"] + live.w_open_overdue),
        "validation": ratio(t["w_validated_pass"], t["w_validated"]),
        "rating": None if w_rating is None else (w_rating - 1) / 4,
    }


@dataclass(frozen=True)
class TermScore:
    key: str
    label: str
    weight: float
    value: float | None  # the unit's own value (0..1), None = no data
    used: float  # what the score used: its own value or the province's
    from_province: bool
    points: float  # weight × used × 100


@dataclass(frozen=True)
class Score:
    total: float
    grade: Grade
    terms: tuple[TermScore, ...]


def score(own: Mapping[str, float | None], province: Mapping[str, float | None]) -> Score:
    """Score 0..100 by the published formula; a term without data takes the province's."""
    parts = []
    for term in RANK_TERMS:
        value = own.get(term.key)
        used = value if value is not None else province.get(term.key)
        used = 0.0 if used is None else used
        parts.append(
            TermScore(
                term.key,
                term.label,
                term.weight,
                value,
                used,
                value is None,
                term.weight * used * 100,
            )
        )
    total = sum(p.points for p in parts)
    return Score(total, grade(total), tuple(parts))


@dataclass(frozen=True)
class RankEntry:
    unit_id: int
    volume: int
    score: Score
    ranked: bool
    rank: int | None


def rank(
    units: Sequence[tuple[int, int, Mapping[str, float | None]]],
    province: Mapping[str, float | None],
    *,
    min_volume: int = RANK_MIN_VOLUME,
) -> list[RankEntry]:
    """Rank (unit_id, volume, terms) by score; under ``min_volume`` listed, not ranked.

    Ties share a rank (1, 2, 2, 4); the list is ranked units first by score, then
    the unranked by volume.
    """
    scored = [(uid, vol, score(terms, province)) for uid, vol, terms in units]
    ranked = sorted(
        (s for s in scored if s[1] >= min_volume), key=lambda s: (-round(s[2].total, 9), s[0])
    )
    out: list[RankEntry] = []
    prev: float | None = None
    position = 0
    for i, (uid, vol, sc) in enumerate(ranked, start=1):
        total = round(sc.total, 9)
        if prev is None or total != prev:
            position = i
            prev = total
        out.append(RankEntry(uid, vol, sc, True, position))
    rest = sorted((s for s in scored if s[1] < min_volume), key=lambda s: (-s[1], s[0]))
    out.extend(RankEntry(uid, vol, sc, False, None) for uid, vol, sc in rest)
    return out


# --- Validator bodies ----------------------------------------------------------------------
#
# A validator body (Biro Pemerintahan, a kota's Bagian Pemerintahan) is measured on its
# decisions: each verification or reopen, against the validation deadline of that moment
# (the margin is frozen on the decision's history row: minutes to spare, negative = late).


@dataclass(frozen=True)
class Decision:
    outcome: str  # "verified" | "reopened"
    margin_min: int | None  # None: decided before margins were recorded (unknown)


@dataclass(frozen=True)
class ValidatorFigures:
    done: int
    on_time: int
    late: int
    reopened: int
    median_decide_h: float | None  # from entering validation to the decision
    on_time_rate: float | None  # of the decisions whose margin is known
    reopened_share: float | None


def validator_figures(decisions: Sequence[Decision], validation_days: int) -> ValidatorFigures:
    """Figures of one body's decisions. The time to decide is the validation window
    minus the margin (the deadline is ``validation_days`` after entering validation)."""
    known = [d.margin_min for d in decisions if d.margin_min is not None]
    on_time = sum(1 for m in known if m >= 0)
    waited = sorted(max(0, validation_days * 24 * 60 - m) for m in known)
    mid = median(waited)
    reopened = sum(1 for d in decisions if d.outcome == "reopened")
    return ValidatorFigures(
        done=len(decisions),
        on_time=on_time,
        late=len(known) - on_time,
        reopened=reopened,
        median_decide_h=None if mid is None else mid / 60,
        on_time_rate=ratio(on_time, len(known)),
        reopened_share=ratio(reopened, len(decisions)),
    )
