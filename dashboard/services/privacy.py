"""Reading reporter data: only for roles that need it, always with a reason, always logged."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, and_, delete, or_, select, update

from ..database import begin_write
from ..domain.redaction import redact
from ..domain.workflow import Actor, Confidentiality, Role, Status
from ..extensions import db
from ..models import Rating, Reporter, ReporterAccess, Ticket
from .errors import InvalidInput, NotPermitted
from .workflow import load_visible

# The handling unit never sees a confidential reporter; only these roles do.
REPORTER_ROLES = (Role.ADMIN, Role.MRO)


@dataclass(frozen=True)
class ReporterView:
    name: str | None
    phone: str | None
    email: str | None


def may_view_reporter(actor: Actor) -> bool:
    return actor.has_role(*REPORTER_ROLES)


def view_reporter(
    ticket_id: int, *, reason: str, actor: Actor, now: datetime
) -> ReporterView | None:
    """Reporter identity for an admin or MRO, logged with the reason given.

    None for an anonymous report (nothing was kept).
    """
    if not may_view_reporter(actor):
        raise NotPermitted("Identitas pelapor hanya dapat dibuka oleh MRO atau admin.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise InvalidInput({"reason": "alasan membuka identitas pelapor wajib diisi"})
    begin_write()
    ticket = load_visible(ticket_id, actor)
    if ticket.confidentiality == Confidentiality.ANONYMOUS or ticket.reporter_id is None:
        db.session.rollback()
        return None
    assert actor.user_id is not None
    db.session.add(
        ReporterAccess(user_id=actor.user_id, ticket_id=ticket.id, at=now, reason=reason)
    )
    reporter = db.session.scalar(select(Reporter).where(Reporter.id == ticket.reporter_id))
    assert reporter is not None
    view = ReporterView(reporter.name, reporter.phone, reporter.email)
    db.session.commit()
    return view


def has_reporter(ticket: Ticket) -> bool:
    return ticket.reporter_id is not None


# --- Retention ------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime
    tickets: int  # tickets whose reporter data was erased
    reporters_deleted: int
    ratings_redacted: int
    dry_run: bool


def months_before(now: datetime, months: int) -> datetime:
    """The same day-of-month and time ``months`` calendar months earlier (clamped)."""
    index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def anonymise_old_reporters(
    *, months: int, now: datetime, dry_run: bool = False, batch: int = 500
) -> RetentionResult:
    """Erase reporter data of tickets verified more than ``months`` months ago.

    Per ticket: the description becomes its redacted public text, rating
    comments are redacted with the reporter's names, and the link to the
    reporter row is cut; reporter rows left with no ticket are deleted. What
    the statistics read stays: the ticket, its history, its KPI facts and the
    keyed contact hash that counts distinct reporters (a pseudonym that cannot
    be turned back into a contact without the secret key and a guess).
    """
    if months < 1:
        raise InvalidInput({"months": "paling sedikit 1 bulan"})
    cutoff = months_before(now, months)
    due = _retention_due(cutoff)
    tickets = ratings = 0
    touched_reporters: set[int] = set()
    last_id = 0
    while True:
        begin_write()
        rows = db.session.execute(
            select(Ticket.id, Ticket.description, Ticket.public_description, Ticket.reporter_id)
            .where(due, Ticket.id > last_id)
            .order_by(Ticket.id)
            .limit(batch)
        ).all()
        if not rows:
            db.session.rollback()
            break
        last_id = rows[-1].id
        ratings += _erase_batch(rows, dry_run=dry_run)
        touched_reporters.update(r.reporter_id for r in rows if r.reporter_id is not None)
        tickets += len(rows)
        if dry_run:
            db.session.rollback()
            if len(rows) < batch:
                break
            continue
        db.session.commit()
    # A dry run counts the reporters touched; whether another ticket keeps one is not checked.
    deleted = len(touched_reporters) if dry_run else _delete_orphan_reporters(touched_reporters)
    return RetentionResult(cutoff, tickets, deleted, ratings, dry_run)


def _retention_due(cutoff: datetime) -> ColumnElement[bool]:
    """Verified before `cutoff` and still holding reporter data (or unredacted words)."""
    return and_(
        Ticket.status == Status.VERIFIED.value,
        Ticket.closed_at < cutoff,
        or_(
            Ticket.reporter_id.is_not(None),
            Ticket.public_description.is_(None),
            Ticket.description != Ticket.public_description,
        ),
    )


def _erase_batch(rows: Sequence[Row[int, str, str | None, int | None]], *, dry_run: bool) -> int:
    """Redact a batch of tickets and their ratings; returns how many ratings changed."""
    reporter_ids = {r.reporter_id for r in rows if r.reporter_id is not None}
    people = {
        p.id: p for p in db.session.scalars(select(Reporter).where(Reporter.id.in_(reporter_ids)))
    }
    comments: dict[int, list[tuple[int, str]]] = {}
    for ticket_id, rating_id, comment in db.session.execute(
        select(Rating.ticket_id, Rating.id, Rating.comment).where(
            Rating.ticket_id.in_([r.id for r in rows])
        )
    ):
        comments.setdefault(ticket_id, []).append((rating_id, comment))
    ratings = 0
    for row in rows:
        p = people.get(row.reporter_id) if row.reporter_id is not None else None
        names = [p.name] if p else []
        extra = [p.phone, p.email] if p else []
        for rating_id, comment in comments.get(row.id, ()):
            cleaned = redact(comment, names=names, extra=extra)
            if cleaned != comment:
                ratings += 1
                if not dry_run:
                    db.session.execute(
                        update(Rating)
                        .where(Rating.id == rating_id)
                        .values(comment=cleaned, public_comment=cleaned)
                    )
        if not dry_run:
            text = redact(row.public_description or row.description, names=names, extra=extra)
            # A plain UPDATE: no workflow state changes, so no history event
            # and no KPI fact moves; the version still advances (stale forms).
            db.session.execute(
                update(Ticket)
                .where(Ticket.id == row.id)
                .values(
                    description=text,
                    public_description=text,
                    reporter_id=None,
                    version=Ticket.version + 1,
                )
            )
    return ratings


def _delete_orphan_reporters(reporter_ids: set[int]) -> int:
    """Delete the reporter rows no ticket points to any more; returns how many."""
    if not reporter_ids:
        return 0
    begin_write()
    still_used = set(
        db.session.scalars(select(Ticket.reporter_id).where(Ticket.reporter_id.in_(reporter_ids)))
    )
    orphans = reporter_ids - still_used
    if orphans:
        db.session.execute(delete(Reporter).where(Reporter.id.in_(orphans)))
    db.session.commit()
    return len(orphans)
