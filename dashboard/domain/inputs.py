"""Numbers and days typed by people into URLs, query strings and forms, read with bounds.

A database id is a signed 64-bit integer (PostgreSQL BIGINT, SQLite INTEGER):
anything larger cannot name a row, and handing it to the database driver fails
(an overflow, a 500) instead of finding nothing. A day outside a few decades
around now names no report and overflows the date arithmetic of a period (the
day after 9999-12-31). Every reader of such input uses these functions and
maps ``InvalidNumber`` / ``InvalidDay`` to its own error format.
"""

from __future__ import annotations

from datetime import date

MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000  # a page number: its offset (page × page size) stays far below MAX_ID
# The days a filter may name: no report is older or newer.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class InvalidNumber(ValueError):
    """A typed number that is not a whole number within its bounds; the message says why."""


class InvalidDay(ValueError):
    """A typed day that is not YYYY-MM-DD within FIRST_DAY..LAST_DAY; the message says why."""


def parse_id(raw: str | None, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """``raw`` as a whole number in ``minimum..maximum``; None when it is empty.

    Only ASCII digits count: ``"²"`` and ``"١٢"`` are digits to ``str.isdigit`` but
    not numbers anyone means, and ``int()`` refuses the first of them.
    """
    text = (raw or "").strip()
    if not text:
        return None
    shown = text if len(text) <= 30 else text[:30] + "…"
    if not (text.isascii() and text.isdigit()):
        raise InvalidNumber(f"parameter {name!r} harus berupa angka bulat: {shown!r}")
    if len(text) > 19 or not minimum <= int(text) <= maximum:
        raise InvalidNumber(f"parameter {name!r} di luar rentang {minimum}–{maximum}: {shown!r}")
    return int(text)


def parse_day(raw: str | None, name: str) -> date | None:
    """``raw`` as a YYYY-MM-DD day between FIRST_DAY and LAST_DAY; None when it is empty."""
    text = (raw or "").strip()
    if not text:
        return None
    shown = text if len(text) <= 30 else text[:30] + "…"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidDay(f"tanggal {name!r} tidak valid: {shown!r} (pakai YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidDay(
            f"tanggal {name!r} di luar rentang {FIRST_DAY.isoformat()} – "
            f"{LAST_DAY.isoformat()}: {shown!r}"
        )
    return day
