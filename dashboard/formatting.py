"""How Pantau writes dates, durations, numbers and percentages, in Indonesian or English.

The one place for it: Jinja filters, the KPI and portal pages, the public
timeline and the exports' display text all call these. Pure (no Flask): the
caller passes the language (``"id"`` or ``"en"``); Indonesian is the default,
since every page but the portal is written in Indonesian only. The live board's
JavaScript formats only the clock and ages (``live.js``); what it shows as
words comes from the server.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from .clock import JAKARTA, to_jakarta
from .domain.states import Status

MONTHS_SHORT = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
MONTHS_LONG = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
_UNITS = {
    "id": {"day": "hari", "hour": "jam", "minute": "menit", "points": "poin"},
    "en": {"day": "d", "hour": "h", "minute": "min", "points": "pp"},
}
MISSING = "—"


def _lang(lang: str) -> str:
    return lang if lang in MONTHS_SHORT else "id"


def number(x: float, decimals: int = 0, lang: str = "id") -> str:
    """Digits grouped the reader's way: '20.000' and '33,3' (id), '20,000' and '33.3' (en)."""
    text = f"{x:,.{decimals}f}"
    if _lang(lang) == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def signed(x: float, decimals: int = 0, lang: str = "id") -> str:
    """A change with its sign ('+3', '−1,5'); zero (after rounding) has none."""
    if round(x, decimals) == 0:
        return number(0, decimals, lang)
    return ("+" if x > 0 else "−") + number(abs(x), decimals, lang)


def percent(fraction: float | None, decimals: int = 1, lang: str = "id") -> str:
    """A share (0..1) as a percentage: '33,3 %' (id), '33.3%' (en)."""
    if fraction is None:
        return MISSING
    text = number(fraction * 100, decimals, lang)
    return f"{text}%" if _lang(lang) == "en" else f"{text} %"


def day(value: date | None, lang: str = "id", *, long: bool = False) -> str:
    """A calendar day: '23 Nov 2026', or with ``long`` '23 November 2026'."""
    if value is None:
        return MISSING
    months = (MONTHS_LONG if long else MONTHS_SHORT)[_lang(lang)]
    return f"{value.day} {months[value.month - 1]} {value.year}"


def period(start: date, end: date, lang: str = "id") -> str:
    """'1 Nov 2026 – 30 Nov 2026', or one day when start and end are the same."""
    if start == end:
        return day(start, lang)
    return f"{day(start, lang)} – {day(end, lang)}"


class Window(Protocol):
    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


def window(w: Window, lang: str = "id") -> str:
    """``period`` of anything with a first and a last day (a KPI period or window)."""
    return period(w.start, w.end, lang)


def wall_time(at: datetime) -> datetime:
    """An aware instant as naive Jakarta wall time (spreadsheets know no zones)."""
    return at.astimezone(JAKARTA).replace(tzinfo=None)


def wib(value: datetime | str | None, with_time: bool = True, lang: str = "id") -> str:
    """An instant in Jakarta time: '23 Nov 2026 21:05 WIB' (or the day alone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = to_jakarta(value)
    if local is None:
        return MISSING
    text = day(local.date(), lang)
    return f"{text} {local:%H:%M} WIB" if with_time else text


def wib_day_long(value: datetime | str | None, lang: str = "id") -> str:
    """The Jakarta date of an instant, month in full: '15 Desember 2026'."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif not isinstance(value, datetime):
        return MISSING
    local = to_jakarta(value)
    assert local is not None
    return day(local.date(), lang, long=True)


def duration_minutes(minutes: float | None, lang: str = "id") -> str:
    """A span as words: '2 hari 3 jam', '45 menit' (minutes dropped once days show)."""
    if minutes is None:
        return MISSING
    units = _UNITS[_lang(lang)]
    total = abs(int(round(minutes)))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} {units['day']}"] if days else []
    if hours:
        parts.append(f"{hours} {units['hour']}")
    if mins and not days:
        parts.append(f"{mins} {units['minute']}")
    return " ".join(parts) or f"0 {units['minute']}"


def duration_hours(hours: float | None, lang: str = "id") -> str:
    """``duration_minutes`` of a span given in hours."""
    return MISSING if hours is None else duration_minutes(hours * 60, lang)


def status(code: str | None) -> str:
    """'in_progress' -> 'Proses' (a code no status has is shown as it is)."""
    if not code:
        return MISSING
    try:
        return Status(code).label
    except ValueError:
        return code


def figure(value: Any, kind: str, lang: str = "id") -> str:
    """The text a KPI or portal page shows for a value of a kind (exports write the value)."""
    en = _lang(lang) == "en"
    if value is None:
        if kind == "rank_change":
            return "new" if en else "baru"
        return MISSING
    units = _UNITS[_lang(lang)]
    match kind:
        case "int":
            return number(value, 0, lang)
        case "pct":
            return percent(value, 1, lang)
        case "hours":
            return f"{number(value, 1, lang)} {units['hour']}"
        case "duration":
            return duration_hours(value, lang)
        case "rating" | "scale4" | "score" | "weight":
            return number(value, 2, lang)
        case "date":
            return day(value, lang)
        case "datetime":
            return wib(value, True, lang)
        case "delta_int":
            return signed(value, 0, lang)
        case "delta_pp":
            return f"{signed(value * 100, 1, lang)} {units['points']}"
        case "delta_hours":
            return f"{signed(value, 1, lang)} {units['hour']}"
        case "delta_num":
            return signed(value, 2, lang)
        case "status":
            return status(value)
        case "rank_change":
            if value == 0:
                return "= same" if en else "= tetap"
            if value > 0:
                return f"▲ up {value}" if en else f"▲ naik {value}"
            return f"▼ down {-value}" if en else f"▼ turun {-value}"
    return str(value)
