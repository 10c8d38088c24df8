"""Ticket lists and details, always inside the reader's scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, not_, select

from .. import formatting as fmt
from ..disclosure import descriptions_of
from ..domain import history as vocabulary
from ..domain import sla
from ..domain import worklist as todo_rules
from ..domain.workflow import Actor, Confidentiality, Status
from ..extensions import db
from ..models import (
    Category,
    Channel,
    Photo,
    RatingToken,
    Ticket,
    TicketEventRow,
    Unit,
    User,
    unit_display_name,
)
from ..scope import ticket_scope

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    category: str | None = None
    q: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        status = args.get("status") or None
        if status not in {s.value for s in Status} | {"open"}:
            status = None
        try:
            page = max(1, int(args.get("page", 1)))
        except (TypeError, ValueError):
            page = 1
        return cls(
            status=status,
            category=(args.get("category") or None),
            q=(args.get("q") or "").strip() or None,
            page=page,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for links that keep the filters (pagination)."""
        out = {"status": self.status, "category": self.category, "q": self.q, "page": self.page}
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "", 1)}


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    total: int
    page: int
    pages: int
    # Each ticket's description as the reader may read it (dashboard.disclosure).
    descriptions: dict[int, str]


def worklist(actor: Actor, filters: Filters) -> Page:
    """The actor's tickets, newest first, filtered and paginated."""
    where = [ticket_scope(actor)]
    if filters.status == "open":
        where.append(Ticket.is_open_clause())
    elif filters.status:
        where.append(Ticket.status == filters.status)
    if filters.category:
        where.append(
            Ticket.category_id.in_(select(Category.id).where(Category.code == filters.category))
        )
    if filters.q:
        # autoescape: a typed % or _ is a character to find, not a LIKE wildcard.
        where.append(Ticket.tracking.contains(filters.q.upper().replace(" ", ""), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    tickets = list(
        db.session.scalars(
            select(Ticket)
            .where(*where)
            .order_by(Ticket.received_at.desc(), Ticket.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(tickets, total, page, pages, descriptions_of(actor, [t.id for t in tickets]))


# --- Perlu tindakan: the open tickets a unit still owes work on -----------------------

TODO_LIMIT = 500  # a unit with more open tickets sees the most urgent ones


@dataclass(frozen=True)
class TodoRow:
    ticket: Ticket
    deadline: todo_rules.Deadline
    chips: tuple[str, ...]
    relation: str  # lead | support | escalated: why the ticket is on this unit's list


@dataclass(frozen=True)
class Todo:
    rows: list[TodoRow]  # next deadline first
    total: int  # before the limit
    counts: dict[str, int]  # tickets per chip
    descriptions: dict[int, str]  # as the reader may read them (dashboard.disclosure)


def todo(actor: Actor, now: datetime, chip: str | None = None) -> Todo:
    """The open tickets in the actor's scope that their unit still owes work on
    (``sla.owes_work``), the deadline that applies now first (domain.worklist)."""
    owed = [s.value for s in sla.OWED_STATUSES]
    pending_review = and_(Ticket.status == Status.REOPENED.value, not_(Ticket.reopen_confirmed))
    tickets = db.session.scalars(
        select(Ticket).where(
            ticket_scope(actor),
            Ticket.is_open_clause(),
            Ticket.status.in_(owed),
            not_(pending_review),
        )
    )
    rows = []
    for t in tickets:
        c = t.clocks()
        if not todo_rules.needs_action(c):
            continue
        if t.assigned_unit_id == actor.unit_id:
            relation = "lead"
        elif t.escalated_unit_id is not None and t.escalated_unit_id == actor.unit_id:
            relation = "escalated"
        else:
            relation = "support"
        rows.append(
            TodoRow(t, todo_rules.next_deadline(c, t.ews_at), todo_rules.chips(c, now), relation)
        )
    counts = {k: sum(k in r.chips for r in rows) for k in todo_rules.CHIP_LABELS}
    if chip in todo_rules.CHIP_LABELS:
        rows = [r for r in rows if chip in r.chips]
    rows.sort(key=lambda r: (r.deadline.due_at, r.ticket.id))
    total, rows = len(rows), rows[:TODO_LIMIT]
    return Todo(rows, total, counts, descriptions_of(actor, [r.ticket.id for r in rows]))


# --- the disposition / coordination picker -------------------------------------------

USUAL_DAYS = 90
USUAL_LIMIT = 5


def pick_units(kinds: tuple[str, ...]) -> list[todo_rules.PickUnit]:
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.kind, Unit.kota_id).where(Unit.kind.in_(kinds))
    )
    return [todo_rules.PickUnit(i, unit_display_name(n, k), k, kota) for i, n, k, kota in rows]


def usual_units(category_id: int, now: datetime) -> list[int]:
    """The category's own agency, then the units that handled most of its tickets
    received in the last USUAL_DAYS days (most first)."""
    agency = db.session.scalar(select(Category.agency_id).where(Category.id == category_id))
    count = func.count()
    recent = db.session.execute(
        select(Ticket.assigned_unit_id, count)
        .where(
            Ticket.category_id == category_id,
            Ticket.received_at >= now - timedelta(days=USUAL_DAYS),
            Ticket.assigned_unit_id.is_not(None),
        )
        .group_by(Ticket.assigned_unit_id)
        .order_by(count.desc(), Ticket.assigned_unit_id)
        .limit(USUAL_LIMIT)
    )
    ids = [agency] if agency is not None else []
    return list(dict.fromkeys(ids + [uid for uid, _n in recent if uid is not None]))


def is_visible(ticket_id: int, actor: Actor) -> bool:
    """Whether the ticket is inside the actor's scope (it may leave it by an action)."""
    found = db.session.scalar(select(Ticket.id).where(Ticket.id == ticket_id, ticket_scope(actor)))
    return found is not None


def history(ticket_id: int) -> list[TicketEventRow]:
    return list(
        db.session.scalars(
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
    )


def channel_actor_labels(rows: list[TicketEventRow]) -> dict[str, str]:
    """A channel actor is stored as "Kanal <code>": shown with the channel's name."""
    codes = {
        r.actor_label.removeprefix("Kanal ")
        for r in rows
        if r.actor_kind == "channel" and r.actor_label.startswith("Kanal ")
    }
    if not codes:
        return {}
    named = db.session.execute(select(Channel.code, Channel.name).where(Channel.code.in_(codes)))
    return {f"Kanal {code}": f"Kanal {name}" for code, name in named}


def photos(ticket_id: int) -> list[Photo]:
    """Photo rows without their bytes (the image endpoint serves those)."""
    from sqlalchemy.orm import defer

    return list(
        db.session.scalars(
            select(Photo)
            .options(defer(Photo.content))
            .where(Photo.ticket_id == ticket_id)
            .order_by(Photo.id)
        )
    )


def photo_for(photo_id: int, actor: Actor) -> Photo | None:
    visible = select(Ticket.id).where(ticket_scope(actor))
    return db.session.scalar(
        select(Photo).where(Photo.id == photo_id, Photo.ticket_id.in_(visible))
    )


def public_photo(photo_id: int) -> Photo | None:
    """Completion evidence is public; the report's own photos are not (they may show people)."""
    return db.session.scalar(select(Photo).where(Photo.id == photo_id, Photo.purpose == "evidence"))


def units_for_select(kinds: tuple[str, ...]) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.kind.in_(kinds)).order_by(Unit.name)))


def unit_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.kind).where(Unit.id.in_(ids)))
    return {uid: unit_display_name(name, kind) for uid, name, kind in rows}


def categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.name)
        )
    )


def channels(*, online: bool | None = None) -> list[Channel]:
    stmt = select(Channel).order_by(Channel.name)
    if online is not None:
        stmt = stmt.where(Channel.online.is_(online))
    return list(db.session.scalars(stmt))


def by_tracking(tracking: str) -> Ticket | None:
    return db.session.scalar(select(Ticket).where(Ticket.tracking == tracking))


def public_view(ticket: Ticket, *, base_url: str, lang: str = "id") -> dict[str, Any]:
    """What anyone may know about a ticket: no reporter data, ever."""
    shows_description = Confidentiality(ticket.confidentiality).description_public
    evidence = [p.id for p in photos(ticket.id) if p.purpose == "evidence"]
    unit_ids = {u for u in (ticket.assigned_unit_id, ticket.kelurahan_id, ticket.kota_id) if u}
    names = unit_names(unit_ids)
    status = Status(ticket.status)
    return {
        "tracking": ticket.tracking,
        "url": f"{base_url}/t/{ticket.tracking}",
        "status": status.value,
        "status_label": status.label,
        "status_type": status.type.value,
        # Where the report is on the citizen's four steps (received, handled, validated, done).
        "stage": public_stage(status, ticket.reopen_confirmed),
        "category": ticket.category.code,
        "category_name": ticket.category.name,
        "kelurahan": names.get(ticket.kelurahan_id) if ticket.kelurahan_id else None,
        "kota": names.get(ticket.kota_id) if ticket.kota_id else None,
        "handling_unit": names.get(ticket.assigned_unit_id) if ticket.assigned_unit_id else None,
        "channel": ticket.channel.code,
        # Rahasia reports: category, area and status only (the description may name people).
        "description": public_description(ticket) if shows_description else None,
        "reported_at": ticket.reported_at.isoformat(),
        "received_at": ticket.received_at.isoformat(),
        "completed_at": ticket.completed_at.isoformat() if ticket.completed_at else None,
        "ews_at": ticket.ews_at.isoformat() if ticket.ews_at else None,
        "evidence_photos": [f"{base_url}/p/{pid}" for pid in evidence],
        "timeline": public_timeline(ticket.id, lang),
    }


def public_description(ticket: Ticket) -> str:
    """The description as the public may read it (personal data masked, made at intake)."""
    return ticket.public_description or ""


def public_stage(status: Status, reopen_confirmed: bool) -> str:
    """received | handling | validation | done | rejected."""
    if status is Status.WAITING:
        return "received"
    if status is Status.VERIFIED:
        return "done"
    if status is Status.REJECTED:
        return "rejected"
    if status is Status.AWAITING_VALIDATION or (status is Status.REOPENED and not reopen_confirmed):
        return "validation"
    return "handling"


# --- the public timeline -------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """The names a public timeline mentions, each read once for the whole history."""

    units: dict[int, str]
    body_of: dict[int, int]  # a validator (user id) -> the unit they decide for
    channels: dict[str, str]
    duplicates: dict[int, str]  # ticket id -> tracking number

    def unit(self, unit_id: Any) -> str | None:
        return self.units.get(unit_id) if isinstance(unit_id, int) else None

    def body(self, user_id: int | None) -> str | None:
        return None if user_id is None else self.units.get(self.body_of.get(user_id, -1))


# Kinds whose actor is a validator: the public reads the body they decide for.
_VALIDATOR_KINDS = frozenset({"verified", "reopened", "field_check_requested"})


def _names(rows: list[Any]) -> _Names:
    unit_ids: set[int] = set()
    user_ids: set[int] = set()
    duplicate_ids: set[int] = set()
    channel_codes: set[str] = set()
    for kind, _at, user_id, data in rows:
        data = data or {}
        unit_ids |= {v for k, v in data.items() if k.endswith("unit_id") and isinstance(v, int)}
        unit_ids |= {u for u in data.get("unit_ids", []) if isinstance(u, int)}
        if user_id is not None and kind in _VALIDATOR_KINDS:
            user_ids.add(user_id)
        if isinstance(data.get("duplicate_of_id"), int):
            duplicate_ids.add(data["duplicate_of_id"])
        if isinstance(data.get("channel"), str):
            channel_codes.add(data["channel"])
    body_of: dict[int, int] = {}
    if user_ids:
        bodies = db.session.execute(select(User.id, User.unit_id).where(User.id.in_(user_ids)))
        body_of = {uid: unit_id for uid, unit_id in bodies if unit_id is not None}
        unit_ids |= set(body_of.values())
    channels: dict[str, str] = {}
    if channel_codes:
        named = db.session.execute(
            select(Channel.code, Channel.name).where(Channel.code.in_(channel_codes))
        )
        channels = {code: name for code, name in named}
    duplicates: dict[int, str] = {}
    if duplicate_ids:
        tracked = db.session.execute(
            select(Ticket.id, Ticket.tracking).where(Ticket.id.in_(duplicate_ids))
        )
        duplicates = {tid: tracking for tid, tracking in tracked}
    return _Names(unit_names(unit_ids), body_of, channels, duplicates)


@dataclass
class _Replay:
    """One history row as the public reads it, and the lead unit replayed up to it."""

    names: _Names
    lang: str
    lead: str | None = None  # the lead unit after the rows read so far
    data: dict[str, Any] = field(default_factory=dict)
    body: str | None = None  # the deciding validator's body, for validator kinds

    def day(self, key: str) -> str:
        return fmt.wib_day_long(self.data.get(key), self.lang)


# A public line: (variant of the kind's sentence, the values it names, the unit it credits).
_Line = tuple[str, dict[str, str | None], str | None]


def _received(r: _Replay) -> _Line:
    r.lead = r.names.unit(r.data.get("assigned_unit_id"))
    channel = r.names.channels.get(str(r.data.get("channel")))
    return ("" if r.lead else "unrouted"), {"channel": channel, "unit": r.lead}, r.lead


def _disposed(r: _Replay) -> _Line:
    r.lead = r.names.unit(r.data.get("to_unit_id"))
    return "", {"unit": r.lead}, r.lead


def _handed_back(r: _Replay) -> _Line:
    was = r.names.unit(r.data.get("from_unit_id")) or r.lead
    r.lead = None
    return "", {"unit": was}, was


def _by_lead(r: _Replay) -> _Line:
    return "", {"unit": r.lead}, r.lead


def _coordination(r: _Replay) -> _Line:
    helpers = (r.names.unit(u) for u in r.data.get("unit_ids", []))
    return "", {"unit": r.lead, "helpers": ", ".join(h for h in helpers if h)}, r.lead


def _ews(r: _Replay) -> _Line:
    return "", {"unit": r.lead, "ews": r.day("ews_at")}, r.lead


def _completed(r: _Replay) -> _Line:
    return ("" if r.data.get("first_completion", True) else "again"), {"unit": r.lead}, r.lead


def _rated(r: _Replay) -> _Line:
    return "", {}, None


def _returned(r: _Replay) -> _Line:
    return "", {"reason": vocabulary.review_reason(r.data.get("reason"), r.lang)}, None


def _field_check(r: _Replay) -> _Line:
    return "", {"validator": r.body}, r.body


def _verified(r: _Replay) -> _Line:
    return ("field" if r.data.get("field_verified") else ""), {"validator": r.body}, r.body


def _reopened(r: _Replay) -> _Line:
    return "", {"validator": r.body, "unit": r.lead, "redo_due": r.day("redo_due_at")}, r.body


def _rejected(r: _Replay) -> _Line:
    duplicate_of = r.data.get("duplicate_of_id")
    dup = r.names.duplicates.get(duplicate_of) if isinstance(duplicate_of, int) else None
    return ("duplicate" if dup else ""), {"duplicate": dup}, None


# How the public reads each kind it sees (domain.history says which, and the words).
_PUBLIC_LINES: dict[str, Callable[[_Replay], _Line]] = {
    "received": _received,
    "disposed": _disposed,
    "handed_back": _handed_back,
    "work_started": _by_lead,
    "coordination_requested": _coordination,
    "ews_set": _ews,
    "completed": _completed,
    "rated": _rated,
    "returned_for_review": _returned,
    "field_check_requested": _field_check,
    "verified": _verified,
    "reopened": _reopened,
    "rejected": _rejected,
}


def public_timeline(ticket_id: int, lang: str = "id") -> list[dict[str, Any]]:
    """What happened to a report, in plain words (domain.history), for anyone to read.

    Built from the history's event kinds and the units involved only: no
    notes, no comments, no staff names and nothing about the reporter (a note
    or a comment may name or describe people). Kinds citizens do not see
    (notes, escalations) are left out.
    """
    rows = db.session.execute(
        select(
            TicketEventRow.kind,
            TicketEventRow.at,
            TicketEventRow.actor_user_id,
            TicketEventRow.data,
        )
        .where(TicketEventRow.ticket_id == ticket_id)
        .order_by(TicketEventRow.at, TicketEventRow.id)
    ).all()
    replay = _Replay(_names(list(rows)), lang)
    out: list[dict[str, Any]] = []
    for kind, at, user_id, data in rows:
        citizen = vocabulary.words(kind, data).citizen
        read = _PUBLIC_LINES.get(kind)
        if citizen is None or read is None:
            continue
        replay.data, replay.body = data or {}, replay.names.body(user_id)
        variant, values, who = read(replay)
        text = citizen.text(lang, variant, **values)
        out.append({"at": at.isoformat(), "kind": kind, "text": text, "unit": who})
    return out


@dataclass(frozen=True)
class RatingLink:
    ticket_id: int
    used_at: datetime | None


def rating_link(token_hash: str) -> RatingLink | None:
    """A rating link's ticket and whether it was used (by the token's hash)."""
    row = db.session.execute(
        select(RatingToken.ticket_id, RatingToken.used_at).where(
            RatingToken.token_hash == token_hash
        )
    ).first()
    return RatingLink(row.ticket_id, row.used_at) if row is not None else None
