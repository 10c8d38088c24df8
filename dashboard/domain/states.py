"""What a ticket is in the state machine: its statuses, the actors, and the state it reads.

Plain Python. The citizen-facing status names (as JAKI shows them) and each
status's type (open / closed-fixed / closed-not-fixed) are one table here, so
KPIs and Open311's open/closed fall out of it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


class StatusType(enum.StrEnum):
    OPEN = "open"
    CLOSED_FIXED = "closed_fixed"
    CLOSED_NOT_FIXED = "closed_not_fixed"


class Status(enum.StrEnum):
    WAITING = "waiting"
    DISPOSITIONED = "dispositioned"
    COORDINATING = "coordinating"
    IN_PROGRESS = "in_progress"
    EWS = "ews"
    AWAITING_VALIDATION = "awaiting_validation"
    REOPENED = "reopened"
    VERIFIED = "verified"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def type(self) -> StatusType:
        return STATUS_TYPES[self]

    @property
    def is_open(self) -> bool:
        return STATUS_TYPES[self] is StatusType.OPEN


# Citizen-facing vocabulary, as JAKI shows it.
STATUS_LABELS: dict[Status, str] = {
    Status.WAITING: "Menunggu",
    Status.DISPOSITIONED: "Disposisi",
    Status.COORDINATING: "Koordinasi",
    Status.IN_PROGRESS: "Proses",
    Status.EWS: "Proses (EWS)",
    Status.AWAITING_VALIDATION: "Menunggu Validasi",
    Status.REOPENED: "Dibuka Kembali",
    Status.VERIFIED: "Selesai",
    Status.REJECTED: "Ditolak",
}

STATUS_TYPES: dict[Status, StatusType] = {
    **{s: StatusType.OPEN for s in Status},
    Status.VERIFIED: StatusType.CLOSED_FIXED,
    Status.REJECTED: StatusType.CLOSED_NOT_FIXED,
}

OPEN_STATUSES: frozenset[Status] = frozenset(s for s in Status if s.is_open)


class Role(enum.StrEnum):
    ADMIN = "admin"
    MRO = "mro"
    OFFICER = "officer"
    VALIDATOR = "validator"
    EXECUTIVE = "executive"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator (UP JSC)",
    Role.MRO: "Monitoring Room Officer",
    Role.OFFICER: "Petugas unit",
    Role.VALIDATOR: "Validator",
    Role.EXECUTIVE: "Pimpinan",
}


# The kinds of unit in the organisation, in the order of the hierarchy, and what each is called.
UNIT_KIND_LABELS: dict[str, str] = {
    "province": "Provinsi",
    "kota": "Kota Administrasi",
    "kabupaten": "Kabupaten Administrasi",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
    "agency": "SKPD/UKPD",
    "bumd": "BUMD",
    "validator": "Badan validasi",
}
UNIT_KINDS: tuple[str, ...] = tuple(UNIT_KIND_LABELS)


class ActorKind(enum.StrEnum):
    USER = "user"  # a logged-in staff member
    CHANNEL = "channel"  # an intake channel's API client
    REPORTER = "reporter"  # the citizen, through a one-time token
    SYSTEM = "system"  # a scheduler job


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``unit_id`` scopes officers; ``kota_id`` scopes
    validators and executives (``None`` there means the whole province)."""

    kind: ActorKind
    label: str
    role: Role | None = None
    user_id: int | None = None
    unit_id: int | None = None
    kota_id: int | None = None
    channel_code: str | None = None
    ticket_id: int | None = None  # a reporter's token opens exactly one ticket

    @classmethod
    def system(cls, label: str = "Sistem") -> Actor:
        return cls(kind=ActorKind.SYSTEM, label=label)

    @classmethod
    def channel(cls, code: str) -> Actor:
        return cls(kind=ActorKind.CHANNEL, label=f"Kanal {code}", channel_code=code)

    @classmethod
    def reporter(cls, ticket_id: int | None = None) -> Actor:
        return cls(kind=ActorKind.REPORTER, label="Pelapor", ticket_id=ticket_id)

    def has_role(self, *roles: Role) -> bool:
        return self.kind is ActorKind.USER and self.role in roles


class Confidentiality(enum.StrEnum):
    """LAPOR!'s distinction. Confidential is the default: the safe choice."""

    CONFIDENTIAL = "confidential"  # rahasia: identity kept, hidden from unit and public
    ANONYMOUS = "anonymous"  # anonim: no identity stored at all
    # biasa: identity kept and hidden from the unit and the public like rahasia,
    # but the (redacted) description is published on the transparency portal.
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return {"confidential": "Rahasia", "anonymous": "Anonim", "public": "Biasa"}[self.value]

    @property
    def keeps_identity(self) -> bool:
        return self is not Confidentiality.ANONYMOUS

    @property
    def description_public(self) -> bool:
        """May the (redacted) description appear on public pages and Open311?"""
        return self is not Confidentiality.CONFIDENTIAL


@dataclass(frozen=True)
class TicketState:
    """What the state machine needs to know about a ticket."""

    id: int
    status: Status
    assigned_unit_id: int | None  # the lead unit; None = back in the MRO routing queue
    supporting_unit_ids: frozenset[int] = frozenset()
    responded: bool = False  # the assigned unit has acted at least once
    reopen_confirmed: bool = False  # a validator confirmed the reopen (vs. a low rating)
    completed_once: bool = False
    # The validating body: None = Biro Pemerintahan (province), else that kota's
    # Bagian Pemerintahan. Follows the handling unit's level.
    validation_kota_id: int | None = None
    ticket_kota_id: int | None = None
    escalations: frozenset[str] = frozenset()
    field_check_requested: bool = False
    # The unit a level-2 escalation of the current clock named (the kecamatan
    # above a kelurahan, the walikota's office above a kecamatan), if not the lead.
    escalated_unit_id: int | None = None
    # When the current completion must be validated by (None: no validation clock).
    validation_due_at: datetime | None = None


def unit_ids_involved(state: TicketState) -> Iterable[int]:
    if state.assigned_unit_id is not None:
        yield state.assigned_unit_id
    yield from state.supporting_unit_ids
