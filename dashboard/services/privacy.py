"""Reading reporter data: only for roles that need it, always with a reason, always logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..database import begin_write
from ..domain.workflow import Actor, Confidentiality, Role
from ..extensions import db
from ..models import Reporter, ReporterAccess, Ticket
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
