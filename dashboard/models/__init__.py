"""ORM rows (SQLAlchemy 2, typed), by area. No behaviour that commits or has side effects.

Every row class is re-exported here: import from ``dashboard.models`` (the
areas are for reading), and importing this package registers every table on
the metadata that Alembic compares (``create_app`` imports it).

- ``base``: the declarative ``Model``, the aware-UTC column type, append-only triggers;
- ``reference``: units, categories, channels;
- ``accounts``: users, log-in sessions and failures, the account audit log,
  channel API keys, wall-screen tokens;
- ``reporters``: the reporter's personal data and the log of every view of it;
- ``tickets``: the ticket, its supporting units, history events, photos, escalations;
- ``validation``: validation flags, rating links and ratings;
- ``kpi``: the daily KPI rollup;
- ``handover``: shift handover notes and their acknowledgements.
"""

from __future__ import annotations

from .accounts import (
    AUDIT_APPEND_ONLY_POSTGRESQL,
    AUDIT_APPEND_ONLY_SQLITE,
    AccountAudit,
    ApiKey,
    LoginFailure,
    LoginSession,
    User,
    WallToken,
)
from .base import Model, UtcDateTime
from .handover import HandoverAck, HandoverNote
from .kpi import KpiDaily
from .reference import UNIT_KINDS, Category, Channel, Unit, unit_display_name
from .reporters import APPEND_ONLY_POSTGRESQL, APPEND_ONLY_SQLITE, Reporter, ReporterAccess
from .tickets import (
    OPEN_KPI_COLUMNS,
    OPEN_TICKETS_SQL,
    Escalation,
    Photo,
    Ticket,
    TicketEventRow,
    TicketSupport,
)
from .validation import Rating, RatingToken, ValidationFlag

__all__ = [
    "APPEND_ONLY_POSTGRESQL",
    "APPEND_ONLY_SQLITE",
    "AUDIT_APPEND_ONLY_POSTGRESQL",
    "AUDIT_APPEND_ONLY_SQLITE",
    "OPEN_KPI_COLUMNS",
    "OPEN_TICKETS_SQL",
    "UNIT_KINDS",
    "AccountAudit",
    "ApiKey",
    "Category",
    "Channel",
    "Escalation",
    "HandoverAck",
    "HandoverNote",
    "KpiDaily",
    "LoginFailure",
    "LoginSession",
    "Model",
    "Photo",
    "Rating",
    "RatingToken",
    "Reporter",
    "ReporterAccess",
    "Ticket",
    "TicketEventRow",
    "TicketSupport",
    "Unit",
    "User",
    "UtcDateTime",
    "ValidationFlag",
    "WallToken",
    "unit_display_name",
]
