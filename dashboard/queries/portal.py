"""Read side of the public transparency portal (no log-in).

The figures are the KPI pages' own (``queries.kpis``: the province as an area,
whole WIB days): this module only chooses the periods and the rows a citizen
sees. The list of recent tickets shows each ticket's public view only: category,
area, public stage, dates, handling unit, completion photos, and the stored
redacted description when the ticket's confidentiality allows it. Nothing here
reads a reporter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select

from ..domain import kpis
from ..domain.workflow import Confidentiality, Status
from ..extensions import db
from ..models import Category, Photo, Ticket
from . import kpis as kpi_reads
from .tickets import public_description, public_stage

PROVINCE = kpi_reads.Scope("province", None, "Provinsi DKI Jakarta")
TOP_CATEGORIES = 10
PAGE_SIZE = 25
# Counting stops here: deep pages of a million tickets help nobody, filters do.
MAX_LISTED = 5_000

# The citizen's stages (as on the tracking page), each as a WHERE clause.
STAGES: tuple[str, ...] = ("received", "handling", "validation", "done", "rejected")
OPEN_STAGES = frozenset({"received", "handling", "validation"})
_HANDLING = (
    Status.DISPOSITIONED.value,
    Status.COORDINATING.value,
    Status.IN_PROGRESS.value,
    Status.EWS.value,
)


def stage_clause(stage: str) -> ColumnElement[bool]:
    """The tickets ``queries.tickets.public_stage`` puts at ``stage``.

    The three open stages also carry the open-ticket clause (they imply it): the
    database can then read the small partial index of open tickets instead of
    walking a kota's five years of reports for the few still open.
    """
    reopened = Ticket.status == Status.REOPENED.value
    match stage:
        case "received":
            return and_(Ticket.is_open_clause(), Ticket.status == Status.WAITING.value)
        case "handling":
            return and_(
                Ticket.is_open_clause(),
                or_(Ticket.status.in_(_HANDLING), and_(reopened, Ticket.reopen_confirmed)),
            )
        case "validation":
            return and_(
                Ticket.is_open_clause(),
                or_(
                    Ticket.status == Status.AWAITING_VALIDATION.value,
                    and_(reopened, not_(Ticket.reopen_confirmed)),
                ),
            )
        case "done":
            return Ticket.status == Status.VERIFIED.value
        case "rejected":
            return Ticket.status == Status.REJECTED.value
    raise ValueError(f"unknown stage {stage!r}")


# --- The landing page's figures ------------------------------------------------------------


def month_period(now: datetime) -> kpi_reads.Period:
    """The last 30 WIB days, today included (the KPI pages' default)."""
    return kpi_reads.Period.last_days(kpis.wib_day(now), kpi_reads.DEFAULT_DAYS)


def year_period(now: datetime) -> kpi_reads.Period:
    """1 January (WIB) of this year up to today."""
    today = kpis.wib_day(now)
    return kpi_reads.Period(date(today.year, 1, 1), today)


@dataclass(frozen=True)
class Landing:
    """Everything the landing page shows, from the KPI read side."""

    now: datetime
    month: kpi_reads.Period
    year: kpi_reads.Period
    month_figures: kpis.Figures
    year_figures: kpis.Figures
    period: kpi_reads.Period  # the one the comparisons and the trend cover
    per_kota: list[kpi_reads.Row]
    categories: list[kpi_reads.Row]
    channels: list[kpi_reads.Row]
    trend: list[kpi_reads.TrendPoint]


def landing(now: datetime, which: str) -> Landing:
    """The province's figures for the last 30 days and the year so far, and the
    comparisons for ``which`` ("30" or "year")."""
    o = kpi_reads.org()
    month, year = month_period(now), year_period(now)
    month_figures = kpi_reads.figures_for(PROVINCE, month, now)
    year_figures = month_figures if year == month else kpi_reads.figures_for(PROVINCE, year, now)
    period = year if which == "year" else month
    per_kota = [
        r
        for r in kpi_reads.per_kota(period, now, o)
        if r.key or r.figures.received or r.figures.completed
    ]
    categories = [r for r in kpi_reads.per_category(PROVINCE, period, now) if r.figures.received]
    channels = [r for r in kpi_reads.per_channel(PROVINCE, period, now) if r.figures.received]
    return Landing(
        now=now,
        month=month,
        year=year,
        month_figures=month_figures,
        year_figures=year_figures,
        period=period,
        per_kota=per_kota,
        categories=categories[:TOP_CATEGORIES],
        channels=channels,
        trend=kpi_reads.trend(PROVINCE, period),
    )


# --- The list of recent tickets ------------------------------------------------------------


@dataclass(frozen=True)
class AreaOption:
    id: int
    name: str
    kota_id: int | None


@dataclass(frozen=True)
class Options:
    """What the list's filters offer."""

    kotas: list[AreaOption]
    kecamatans: list[AreaOption]
    categories: list[tuple[str, str]]  # (code, name)


def options(o: kpi_reads.Org) -> Options:
    kotas = [AreaOption(u.id, u.display_name, u.id) for u in o.of_kind("kota", "kabupaten")]
    kecamatans = [AreaOption(u.id, u.display_name, u.kota_id) for u in o.of_kind("kecamatan")]
    categories = [
        (code, name)
        for code, name in db.session.execute(
            select(Category.code, Category.name)
            .where(Category.active.is_(True))
            .order_by(Category.name)
        )
    ]
    return Options(kotas, kecamatans, categories)


@dataclass(frozen=True)
class ListFilters:
    """Checked filter values (the view turns bad input into a message first)."""

    kota_id: int | None = None
    kecamatan_id: int | None = None
    category: str | None = None  # category code
    stage: str | None = None
    start: date | None = None  # received on or after this WIB day
    end: date | None = None  # received on or before this WIB day
    page: int = 1


@dataclass(frozen=True)
class PublicRow:
    """One ticket as the public may see it: never the reporter.

    A *rahasia* (confidential) report is ``restricted``: category, area and
    status only — no dates, handling unit, photos or description (its tracking
    number stays, as the row's reference; its reporter has the same page).
    """

    tracking: str
    category: str
    status: str
    stage: str
    kelurahan: str | None
    kecamatan: str | None
    kota: str | None
    restricted: bool
    handling_unit: str | None = None
    received_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    description: str | None = None  # redacted, and only when the confidentiality allows
    photo_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ListPage:
    rows: list[PublicRow]
    total: int  # capped at MAX_LISTED + 1 ("more than")
    page: int
    pages: int

    @property
    def capped(self) -> bool:
        return self.total > MAX_LISTED


def _where(filters: ListFilters, o: kpi_reads.Org) -> list[Any]:
    cond: list[Any] = []
    if filters.kota_id is not None:
        cond.append(Ticket.kota_id == filters.kota_id)
    if filters.kecamatan_id is not None:
        kelurahan = [
            k for k in o.children.get(filters.kecamatan_id, ()) if o.units[k].kind == "kelurahan"
        ]
        cond.append(Ticket.kelurahan_id.in_(kelurahan))
    if filters.category is not None:
        cond.append(
            Ticket.category_id.in_(select(Category.id).where(Category.code == filters.category))
        )
    if filters.start is not None:
        cond.append(Ticket.received_at >= kpis.day_start(filters.start))
    if filters.end is not None:
        cond.append(Ticket.received_at < kpi_reads.Period(filters.end, filters.end).until)
    if filters.stage in OPEN_STAGES:
        # The few open tickets are read from their partial index; an area or date
        # condition left indexable would make SQLite walk five years of a kota.
        return [stage_clause(filters.stage), *(kpi_reads.unindexed(c) for c in cond)]
    if filters.stage is not None:
        cond.append(stage_clause(filters.stage))
    return cond


@dataclass(eq=False)
class TicketList:
    """The read model of the list of recent tickets: what its filters offer, and a page."""

    org: kpi_reads.Org
    options: Options

    def page(self, filters: ListFilters) -> ListPage:
        """One page of the tickets matching ``filters`` (checked against ``options``)."""
        return recent(filters, self.org)


def ticket_list() -> TicketList:
    """The list page's reads: the organisation and the filters' options, once."""
    o = kpi_reads.org()
    return TicketList(o, options(o))


def recent(filters: ListFilters, o: kpi_reads.Org) -> ListPage:
    """The newest tickets matching the filters, one page of their public views."""
    cond = _where(filters, o)
    capped = select(Ticket.id).where(*cond).limit(MAX_LISTED + 1).subquery()
    total = int(db.session.scalar(select(func.count()).select_from(capped)) or 0)
    pages = max(1, -(-min(total, MAX_LISTED) // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    tickets = list(
        db.session.scalars(
            select(Ticket)
            .where(*cond)
            .order_by(Ticket.received_at.desc(), Ticket.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return ListPage(_public_rows(tickets, o), total, page, pages)


def latest(limit: int) -> list[PublicRow]:
    """The newest reports (the landing page's few), without counting anything."""
    o = kpi_reads.org()
    tickets = list(
        db.session.scalars(
            select(Ticket).order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(limit)
        )
    )
    return _public_rows(tickets, o)


def _public_rows(tickets: list[Ticket], o: kpi_reads.Org) -> list[PublicRow]:
    """Each ticket's public view, with its completion photos (one query for all)."""
    photos: dict[int, list[int]] = defaultdict(list)
    if tickets:
        for ticket_id, photo_id in db.session.execute(
            select(Photo.ticket_id, Photo.id)
            .where(Photo.ticket_id.in_([t.id for t in tickets]), Photo.purpose == "evidence")
            .order_by(Photo.id)
        ):
            photos[ticket_id].append(photo_id)

    def name(unit_id: int | None) -> str | None:
        return o.units[unit_id].display_name if unit_id and unit_id in o.units else None

    rows = []
    for t in tickets:
        status = Status(t.status)
        kecamatan = o.kecamatan_of(t.kelurahan_id) if t.kelurahan_id else None
        row = PublicRow(
            tracking=t.tracking,
            category=t.category.name,
            status=status.value,
            stage=public_stage(status, t.reopen_confirmed),
            kelurahan=name(t.kelurahan_id),
            kecamatan=name(kecamatan),
            kota=name(t.kota_id),
            restricted=not Confidentiality(t.confidentiality).description_public,
        )
        if not row.restricted:
            row = replace(
                row,
                handling_unit=name(t.assigned_unit_id),
                received_at=t.received_at,
                completed_at=t.completed_at,
                closed_at=t.closed_at,
                description=public_description(t),
                photo_ids=tuple(photos.get(t.id, ())),
            )
        rows.append(row)
    return rows
