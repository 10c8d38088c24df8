"""The one clock. Everything that needs 'now' calls ``now()``; tests move it
with time-machine instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")


def now() -> datetime:
    return datetime.now(UTC)


def to_jakarta(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(JAKARTA)
