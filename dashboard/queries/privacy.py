"""The reporter access log as admins review it (it holds no reporter data itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ..domain.inputs import MAX_PAGE, InvalidDay, InvalidNumber, parse_day, parse_id
from ..domain.kpis import day_start
from ..extensions import db
from ..models import ReporterAccess, Ticket, User
from .kpi_tables import Column, Table, TableRow

PAGE_SIZE = 100


@dataclass(frozen=True)
class AccessFilters:
    user: int | None = None
    tracking: str | None = None
    start: date | None = None
    end: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> tuple[AccessFilters, dict[str, str]]:
        errors: dict[str, str] = {}

        def day(name: str) -> date | None:
            try:
                return parse_day(args.get(name), name)
            except InvalidDay as exc:
                errors[name] = str(exc)
                return None

        def number(name: str) -> int | None:
            try:
                return parse_id(args.get(name), name)
            except InvalidNumber as exc:
                errors[name] = str(exc)
                return None

        user = number("user")
        try:
            page = parse_id(args.get("page"), "page", maximum=MAX_PAGE) or 1
        except InvalidNumber as exc:
            errors["page"], page = str(exc), 1
        tracking = (args.get("tracking") or "").strip().upper() or None
        return cls(user, tracking, day("from"), day("to"), page), errors

    def args(self) -> dict[str, str | int]:
        """The filters as query arguments, for links that keep them."""
        values = {
            "user": self.user,
            "tracking": self.tracking,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class AccessRow:
    id: int
    at: datetime
    user: str
    username: str
    ticket_id: int
    tracking: str
    reason: str


def access_log(f: AccessFilters, *, whole: bool = False) -> tuple[list[AccessRow], int]:
    """Newest first, filtered; one page of it (or the whole of it), with the total count."""
    cond = []
    if f.user is not None:
        cond.append(ReporterAccess.user_id == f.user)
    if f.tracking:
        cond.append(Ticket.tracking == f.tracking)
    if f.start:
        cond.append(ReporterAccess.at >= day_start(f.start))
    if f.end:
        cond.append(ReporterAccess.at < day_start(f.end + timedelta(days=1)))
    base = (
        select(ReporterAccess, User.display_name, User.username, Ticket.tracking)
        .join(User, User.id == ReporterAccess.user_id)
        .join(Ticket, Ticket.id == ReporterAccess.ticket_id)
        .where(*cond)
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    ordered = base.order_by(ReporterAccess.at.desc(), ReporterAccess.id.desc())
    if not whole:
        ordered = ordered.offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    rows = db.session.execute(ordered).all()
    return [
        AccessRow(a.id, a.at, name, username, a.ticket_id, tracking, a.reason)
        for a, name, username, tracking in rows
    ], int(total)


def access_table(rows: list[AccessRow]) -> Table:
    """The log as a downloadable table (the same writer as the KPI exports)."""
    return Table(
        name="akses_data_pelapor",
        title="Log akses data pelapor",
        subtitle="Siapa membuka identitas pelapor, kapan, tiket mana, dan alasannya",
        columns=tuple(
            Column(key, key) for key in ("waktu_utc", "pengguna", "username", "tiket", "alasan")
        ),
        rows=[TableRow((r.at.isoformat(), r.user, r.username, r.tracking, r.reason)) for r in rows],
    )


def users_with_access() -> list[tuple[int, str]]:
    return [
        (uid, name)
        for uid, name in db.session.execute(
            select(User.id, User.display_name)
            .where(User.id.in_(select(ReporterAccess.user_id)))
            .order_by(User.display_name)
        )
    ]
