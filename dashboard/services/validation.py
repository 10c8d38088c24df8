"""Third-party validation of completions: ratings, the review queue's sources,
field checks, a validator's decisions from the review page, and repeat reports.

A completion enters its validator's queue when the unit completes it. It is
also sent back — from awaiting validation or from verified — when the
reporter rates it low (at once, with the ``reopen-low-rated`` job as the
safety net), when the weekly sample picks it (``sample-completions``), or
when the same problem is reported again nearby (at intake). Each reason is a
``ValidationFlag`` row, unique per completion, written in the same
transaction as the ticket's change: running a job twice, or two at once,
flags and reopens each completion once.

A low rating is handled exactly once: ``Ticket.low_rated_at`` marks it until
it is settled (returned, joined to a review already under way, or retired
because it can no longer change anything), and the job reads only marked
tickets through a partial index, so handled ratings are never read again and
a new one never waits behind old ones.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..domain import events as ev
from ..domain import routing
from ..domain import validation as rules
from ..domain import workflow as wf
from ..domain.workflow import Actor, Status
from ..extensions import db
from ..models import Rating, RatingToken, Ticket, ValidationFlag
from ..queries import validation as review_reads
from . import workflow
from .errors import Conflict, InvalidInput, NotFound
from .workflow import Publish, act, clean_photos, store_photos

SYSTEM = Actor.system("Sistem validasi")
log = logging.getLogger(__name__)


@dataclass
class JobResult:
    done: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # raced by another run: nothing written by this one
    retired: int = 0  # settled without a flag: nothing left to review
    read: int = 0  # candidates read: unhandled low ratings, or sampled and not yet flagged

    @property
    def total(self) -> int:
        return sum(self.done.values())

    def count(self, outcome: str) -> None:
        self.done[outcome] = self.done.get(outcome, 0) + 1


# --- ratings -------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_rating_token(ticket_id: int, *, now: datetime) -> str:
    """The reporter's one-time rating link token (the channel delivers it). Kept as a hash."""
    token = secrets.token_urlsafe(24)
    db.session.add(RatingToken(ticket_id=ticket_id, token_hash=token_hash(token), created_at=now))
    return token


def ticket_for_rating_token(token: str) -> Ticket | None:
    row = db.session.scalar(select(RatingToken).where(RatingToken.token_hash == token_hash(token)))
    return db.session.get(Ticket, row.ticket_id) if row is not None else None


def _record_rating(
    source: str, rating: int, fixed: bool, comment: str, now: datetime
) -> Callable[[Ticket, ev.TicketEvent], None]:
    def also(ticket: Ticket, event: ev.TicketEvent) -> None:
        db.session.add(
            Rating(
                ticket_id=ticket.id,
                rating=rating,
                fixed=fixed,
                comment=comment.strip(),
                # The event's note: the comment as act() redacted it, with the
                # reporter's own name and contact (read once, for both).
                public_comment=event.note,
                source=source,
                completion_at=ticket.completed_at,
                at=now,
            )
        )

    return also


def rate_with_token(
    token: str, *, rating: int, fixed: bool, comment: str, now: datetime, publish: Publish
) -> ev.TicketEvent:
    """The reporter rates through their link: once, and only their own ticket."""
    begin_write()
    row = db.session.scalar(select(RatingToken).where(RatingToken.token_hash == token_hash(token)))
    if row is None:
        db.session.rollback()
        raise NotFound("Tautan penilaian tidak dikenal.")
    if row.used_at is not None:
        db.session.rollback()
        raise Conflict("Tautan penilaian ini sudah dipakai.")
    ticket_id = row.ticket_id
    record = _record_rating("reporter", rating, fixed, comment, now)

    def also(ticket: Ticket, event: ev.TicketEvent) -> None:
        record(ticket, event)
        used = db.session.get(RatingToken, row.id)
        assert used is not None
        used.used_at = now

    return _rate(ticket_id, Actor.reporter(ticket_id), rating, fixed, comment, now, publish, also)


def rate_by_channel(
    ticket_id: int,
    *,
    channel_code: str,
    rating: int,
    fixed: bool,
    comment: str,
    now: datetime,
    publish: Publish,
) -> ev.TicketEvent:
    """A channel forwards its user's rating (only for tickets it delivered)."""
    record = _record_rating("channel", rating, fixed, comment, now)
    actor = Actor.channel(channel_code)
    return _rate(ticket_id, actor, rating, fixed, comment, now, publish, record)


def _rate(
    ticket_id: int,
    actor: Actor,
    rating: int,
    fixed: bool,
    comment: str,
    now: datetime,
    publish: Publish,
    also: Callable[[Ticket, ev.TicketEvent], None],
) -> ev.TicketEvent:
    """Record a rating (with its own rows, ``also``), then follow a low one up at once."""
    event = act(
        ticket_id,
        wf.Rate(
            rating=rating,
            fixed=fixed,
            comment=comment,
            threshold=current_app.config["RATING_THRESHOLD"],
        ),
        actor=actor,
        now=now,
        publish=publish,
        also=also,
    )
    after_rating(event, now=now, publish=publish)
    return event


def after_rating(event: ev.TicketEvent, *, now: datetime, publish: Publish) -> None:
    """The handler of a committed rating: a low one reaches its validator now.

    The rating is already stored; if sending it on fails here, the
    ``reopen-low-rated`` job finds the mark and sends it within a minute.
    """
    if not (isinstance(event, ev.TicketRated) and event.low):
        return
    try:
        settle_low_rating(event.ticket_id, now=now, publish=publish)
    except Exception:  # the job is the safety net; the rating stands
        db.session.rollback()
        log.exception("low rating of ticket %s left for the reopen-low-rated job", event.ticket_id)


# --- sending a completion back to its validator --------------------------------


def return_for_review(
    ticket_id: int,
    reason: str,
    *,
    now: datetime,
    publish: Publish,
    detail: dict[str, Any] | None = None,
) -> ev.TicketEvent | None:
    """Send a completion back to validation with a reason, once per completion."""

    def flag(ticket: Ticket, event: ev.TicketEvent) -> None:
        assert ticket.completed_at is not None
        db.session.add(
            ValidationFlag(
                ticket_id=ticket.id,
                reason=reason,
                completion_at=ticket.completed_at,
                at=now,
                detail=detail or {},
            )
        )

    try:
        return act(
            ticket_id,
            wf.ReturnForReview(reason=reason),
            actor=SYSTEM,
            now=now,
            publish=publish,
            also=flag,
        )
    except IntegrityError:
        db.session.rollback()  # another run flagged this completion first
        return None
    except (Conflict, wf.InvalidTransition):
        db.session.rollback()
        return None


def flag_only(
    ticket_id: int, reason: str, *, now: datetime, detail: dict[str, Any] | None = None
) -> bool:
    """Flag a completion still awaiting validation (no change of status)."""
    begin_write()
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.completed_at is None:
        db.session.rollback()
        return False
    db.session.add(
        ValidationFlag(
            ticket_id=ticket_id,
            reason=reason,
            completion_at=ticket.completed_at,
            at=now,
            detail=detail or {},
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def settle_low_rating(ticket_id: int, *, now: datetime, publish: Publish) -> str:
    """Handle a ticket's unhandled low rating once; returns what was done.

    ``returned``: the completion went back to its validator (from awaiting
    validation or verified). ``flagged``: it is already back for another
    reason (sample, repeat report), and the low rating joins that review.
    ``retired``: the rating can change nothing any more (this completion was
    already returned for a low rating, or the validator has sent the ticket
    back to the unit, whose new completion will be rated anew). ``none``:
    nothing was waiting (another run settled it).
    """
    rating = db.session.scalar(select(Ticket.rating).where(Ticket.id == ticket_id))
    db.session.rollback()
    back = return_for_review(
        ticket_id, "low_rating", now=now, publish=publish, detail={"rating": rating}
    )
    if back is not None:
        return "returned"
    begin_write()
    row = db.session.execute(
        select(
            Ticket.status, Ticket.reopen_confirmed, Ticket.completed_at, Ticket.low_rated_at
        ).where(Ticket.id == ticket_id)
    ).one_or_none()
    if row is None or row.low_rated_at is None:
        db.session.rollback()
        return "none"
    outcome = "retired"
    under_review = row.status == Status.REOPENED.value and not row.reopen_confirmed
    if under_review and row.completed_at is not None:
        already = db.session.scalar(
            select(ValidationFlag.id).where(
                ValidationFlag.ticket_id == ticket_id,
                ValidationFlag.reason == "low_rating",
                ValidationFlag.completion_at == row.completed_at,
            )
        )
        if already is None:
            db.session.add(
                ValidationFlag(
                    ticket_id=ticket_id,
                    reason="low_rating",
                    completion_at=row.completed_at,
                    at=now,
                    detail={"rating": rating},
                )
            )
            outcome = "flagged"
    # A plain UPDATE: settling the mark is no event and must not advance the
    # ticket's version (an officer's open form stays valid).
    db.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.low_rated_at == row.low_rated_at)
        .values(low_rated_at=None)
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another run flagged it first
        return "none"
    return outcome


def reopen_low_rated(*, now: datetime, publish: Publish, limit: int = 1000) -> JobResult:
    """The ``reopen-low-rated`` job, the safety net behind ``after_rating``:
    settle every low rating not yet handled, oldest first. Reads only the
    marked tickets (partial index); a run with nothing new writes nothing."""
    result = JobResult()
    ids = list(
        db.session.scalars(
            select(Ticket.id)
            .where(Ticket.low_rated_at.is_not(None))
            .order_by(Ticket.low_rated_at)
            .limit(limit)
        )
    )
    result.read = len(ids)
    db.session.rollback()
    for ticket_id in ids:
        match settle_low_rating(ticket_id, now=now, publish=publish):
            case "returned":
                result.count("low_rating")
            case "flagged":
                result.count("low_rating_joined")
            case "retired":
                result.retired += 1
            case _:
                result.skipped += 1
    return result


# --- the weekly sample --------------------------------------------------------------


def _chunks(ids: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    """Bound IN lists (SQLite's variable limit, PostgreSQL's plan size)."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def sample_completions(
    *, now: datetime, publish: Publish, share: float | None = None, seed: str | None = None
) -> JobResult:
    """The ``sample-completions`` job: last week's sample of each unit's completions."""
    cfg = current_app.config
    share = cfg.get("SAMPLE_SHARE", 0.05) if share is None else share
    seed = cfg.get("SAMPLE_SEED") or cfg["SECRET_KEY"] if seed is None else seed
    end = rules.week_start(now)
    start = end - timedelta(days=7)
    rows = db.session.execute(
        select(Ticket.id, Ticket.assigned_unit_id).where(
            Ticket.completed_at >= start,
            Ticket.completed_at < end,
            Ticket.assigned_unit_id.is_not(None),
        )
    ).all()
    pairs = [(t, u) for t, u in rows if u is not None]
    chosen = rules.choose_sample(pairs, share=share, seed=str(seed), week=start)
    statuses: dict[int, str] = {}
    for part in _chunks(chosen):
        statuses.update(
            db.session.execute(
                select(Ticket.id, Ticket.status).where(
                    Ticket.id.in_(part),
                    # Already sampled (this completion): handled by an earlier run.
                    ~select(ValidationFlag.id)
                    .where(
                        ValidationFlag.ticket_id == Ticket.id,
                        ValidationFlag.reason == "sample",
                        ValidationFlag.completion_at == Ticket.completed_at,
                    )
                    .exists(),
                )
            ).all()
        )
    db.session.rollback()
    result = JobResult(read=len(statuses))
    detail = {"week": start.date().isoformat()}
    for ticket_id in sorted(statuses):
        if statuses.get(ticket_id) == Status.VERIFIED.value:
            ok = (
                return_for_review(ticket_id, "sample", now=now, publish=publish, detail=detail)
                is not None
            )
        else:
            ok = flag_only(ticket_id, "sample", now=now, detail=detail)
        if ok:
            result.done["sample"] = result.done.get("sample", 0) + 1
        else:
            result.skipped += 1
    return result


# --- field checks ------------------------------------------------------------------


def request_field_check(
    ticket_id: int,
    *,
    note: str,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """A validator asks for a field verification; the ticket stays in the queue until done."""
    return act(
        ticket_id,
        wf.RequestFieldCheck(note=note),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def verify_with_field_check(
    ticket_id: int,
    *,
    note: str,
    photos: Sequence[bytes],
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
    justification: str = "",
) -> ev.TicketEvent:
    """A validator verifies after visiting the site, with the visit's photo and note."""
    if not rules.field_visit_complete(note, photos):
        raise InvalidInput({"field": rules.FIELD_VISIT_NEEDS})
    cleaned = clean_photos(photos)  # Pillow's work before the write lock

    def also(ticket: Ticket, event: ev.TicketEvent) -> None:
        store_photos(ticket, cleaned, purpose="field", now=now, event_id=None)

    return act(
        ticket_id,
        wf.Verify(note=note, field_verified=True, justification=justification),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
        also=also,
    )


# --- the review page's decisions ---------------------------------------------------


def decide(
    ticket_id: int,
    decision: rules.Decision,
    *,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """A validator's decision from the review page: verify, reopen to the unit, or ask
    for a field check. Only on a completion of the validator's body (else NotFound);
    an incomplete decision is refused (InvalidInput naming what is missing), storing nothing.

    Verifying against the reporter's "not fixed" (their latest rating of this
    completion) needs a one-line justification, kept in the history row's data.
    A rating that arrives after the page was read changes the ticket's version,
    so the form's ``expected_version`` refuses a decision made without it."""
    if review_reads.reviewable(actor, ticket_id) is None:
        db.session.rollback()
        raise NotFound("Tiket tidak ada dalam antrean validasi Anda.")
    not_fixed = review_reads.rated_not_fixed(ticket_id)
    try:
        checked = rules.check(decision, rated_not_fixed=not_fixed)
    except rules.InvalidDecision as exc:
        db.session.rollback()
        raise InvalidInput(exc.errors) from None
    note, justification = checked.note, checked.justification
    common: dict[str, Any] = dict(
        actor=actor, now=now, publish=publish, expected_version=expected_version
    )
    match decision:
        case rules.Verification(field_done=True, field_photos=photos):
            return verify_with_field_check(
                ticket_id, note=note, photos=photos, justification=justification, **common
            )
        case rules.Verification():
            return workflow.verify(
                ticket_id, note=note, field_verified=False, justification=justification, **common
            )
        case rules.Reopening():
            return workflow.reopen(ticket_id, reason=note, **common)
        case rules.FieldCheckRequest():
            return request_field_check(ticket_id, note=note, **common)


# --- repeat reports ---------------------------------------------------------------


def find_repeat_of(ticket: Ticket, *, now: datetime) -> Ticket | None:
    """An earlier completion of the same problem: same category, within the radius,
    completed or verified within the window (configuration)."""
    if ticket.lat is None or ticket.lon is None:
        return None
    radius = current_app.config.get("REPEAT_RADIUS_M", 100)
    days = current_app.config.get("REPEAT_WINDOW_DAYS", 30)
    deg = radius / 111_000 * 1.5  # a box a little larger than the circle
    candidates = db.session.scalars(
        select(Ticket)
        .where(
            Ticket.id != ticket.id,
            Ticket.category_id == ticket.category_id,
            Ticket.completed_at >= now - timedelta(days=days),
            Ticket.status.in_((Status.AWAITING_VALIDATION.value, Status.VERIFIED.value)),
            Ticket.lat.between(ticket.lat - deg, ticket.lat + deg),
            Ticket.lon.between(ticket.lon - deg, ticket.lon + deg),
        )
        .order_by(Ticket.completed_at.desc())
    )
    for earlier in candidates:
        assert earlier.lat is not None and earlier.lon is not None
        if routing.haversine_m(ticket.lat, ticket.lon, earlier.lat, earlier.lon) <= radius:
            return earlier
    return None


def send_back_repeated(
    new_ticket_id: int, earlier_id: int, *, now: datetime, publish: Publish
) -> ev.TicketEvent | None:
    """The earlier completion goes back to its validator: 'reported again'."""
    return return_for_review(
        earlier_id,
        "repeat_report",
        now=now,
        publish=publish,
        detail={"repeat_ticket_id": new_ticket_id},
    )
