"""What happens to a ticket, in words: one entry per kind of history row.

The one place an event is named. The staff timelines (ticket page, review
page), the public tracking page's timeline, the live board's ticker and its
late markers all read these tables; ``live.js`` receives the words from the
server (the page's config and the snapshot/delta payloads) and spells none.

Per kind: the staff label (Indonesian), the ticker text with its tone and
glyph, and what a citizen reads (Indonesian and English sentences, or None:
notes and escalations are internal). Escalations are named per level and
notes per note kind. Pure: neither Flask nor SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from . import events as ev
from . import sla

LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Citizen:
    """What a citizen reads: a sentence per variant ("" is the usual one), per language.

    Placeholders (``{unit}``, ``{validator}`` …) are filled by the public
    timeline; a value it does not know (None) reads as ``fallback``'s words.
    """

    id: Mapping[str, str]
    en: Mapping[str, str]
    fallback: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def sentences(self, lang: str) -> Mapping[str, str]:
        return self.en if lang == "en" else self.id

    def text(self, lang: str = "id", variant: str = "", **values: str | None) -> str:
        sentences = self.sentences(lang)
        template = sentences.get(variant, sentences[""])
        words = {
            name: value if value else self.fallback.get(name, ("", ""))[lang == "en"]
            for name, value in values.items()
        }
        return template.format_map(words)


@dataclass(frozen=True)
class Words:
    """How one kind of event is called wherever it is shown."""

    staff: str  # the staff timelines
    ticker: str  # the live board's ticker
    tone: str  # the ticker line's colour (board.css ``tick--<tone>``)
    glyph: str
    citizen: Citizen | None = None  # None: citizens never see it
    # A fuller ticker text from the event's data (``{rating}``), when its fields are there.
    ticker_detail: str | None = None

    @property
    def citizen_sees(self) -> bool:
        return self.citizen is not None


@dataclass(frozen=True)
class Level:
    """An escalation level: its name, its marker on the board, its ticker line."""

    name: str  # staff timeline, KPI tables
    marker: str  # the board's late marker (live.js)
    ticker: str
    tone: str
    glyph: str


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


_H1, _H2 = _hours(sla.UNWORKED_LEVEL1), _hours(sla.UNWORKED_LEVEL2)

# Every level of domain.workflow.ESCALATION_LEVELS (and domain.kpis'), by its code.
ESCALATION_LEVELS: dict[str, Level] = {
    "late": Level("Respons terlambat", "Lewat respons", "Lewat batas respons", "late", "▲"),
    "level1": Level(
        f"Eskalasi 1 ({_H1} jam tak dikerjakan)",
        "Eskalasi 1",
        f"Eskalasi 1 · {_H1} jam belum dikerjakan",
        "late",
        "▲",
    ),
    "level2": Level(
        f"Eskalasi 2 ({_H2} jam tak dikerjakan)",
        "Eskalasi 2",
        f"Eskalasi 2 · {_H2} jam, ke atasan unit",
        "alarm",
        "◆",
    ),
    "overdue": Level(
        "Lewat tenggat selesai", "Lewat tenggat", "Lewat tenggat penyelesaian", "alarm", "◆"
    ),
    "validation": Level(
        "Validasi terlambat", "Validasi terlambat", "Lewat tenggat validasi", "late", "▲"
    ),
}
# An open ticket nobody has started on yet (the board's mildest marker).
UNWORKED_MARKER = "Belum dikerjakan"

# Every note kind of domain.workflow.NOTE_KINDS.
NOTE_KINDS: dict[str, Words] = {
    "note": Words("Catatan", "Catatan", "info", "✎"),
    "warning": Words("Teguran ke unit", "Teguran MRO ke unit", "late", "!"),
    "acknowledge": Words("Eskalasi diterima", "Eskalasi ditangani MRO", "info", "✓"),
}

# Why a completion went back to its validator (ReturnedForReview.reason), for citizens.
REVIEW_REASONS: dict[str, tuple[str, str]] = {
    "low_rating": ("penilaian pelapor rendah", "the reporter's rating was low"),
    "sample": ("terpilih dalam sampel pemeriksaan mingguan", "picked in the weekly sample check"),
    "repeat_report": ("masalah yang sama dilaporkan lagi", "the same problem was reported again"),
}
REVIEW_REASON_OTHER = ("pemeriksaan ulang", "a second check")

_UNIT = {"unit": ("Unit", "The unit")}
_VALIDATOR = {"validator": ("Validator", "The validator")}

EVENTS: dict[str, Words] = {
    ev.TicketReceived.kind: Words(
        "Laporan diterima",
        "Laporan baru",
        "new",
        "●",
        Citizen(
            id={
                "": "Laporan diterima melalui {channel}. Diteruskan ke {unit}.",
                "unrouted": "Laporan diterima melalui {channel}. "
                "Menunggu diarahkan ke unit yang tepat.",
            },
            en={
                "": "Report received through {channel}. Passed on to {unit}.",
                "unrouted": "Report received through {channel}. "
                "Waiting to be routed to the right unit.",
            },
            fallback={"channel": ("kanal pengaduan", "a complaint channel")},
        ),
    ),
    ev.WorkStarted.kind: Words(
        "Mulai dikerjakan",
        "Mulai dikerjakan",
        "work",
        "◐",
        Citizen(
            id={"": "{unit} mulai mengerjakan laporan."},
            en={"": "{unit} started work on the report."},
            fallback=_UNIT,
        ),
    ),
    ev.TicketDisposed.kind: Words(
        "Disposisi",
        "Disposisi ke unit lain",
        "info",
        "➜",
        Citizen(
            id={"": "Laporan dialihkan (disposisi) ke {unit}."},
            en={"": "The report was passed on (disposition) to {unit}."},
            fallback={"unit": ("unit lain", "another unit")},
        ),
    ),
    ev.TicketHandedBack.kind: Words(
        "Dikembalikan (bukan kewenangan)",
        "Dikembalikan ke MRO",
        "info",
        "↩",
        Citizen(
            id={"": "{unit} menyatakan laporan bukan kewenangannya; laporan diarahkan ulang."},
            en={"": "{unit} said the report is not its responsibility; it is being re-routed."},
            fallback=_UNIT,
        ),
    ),
    ev.CoordinationRequested.kind: Words(
        "Koordinasi",
        "Koordinasi antarunit",
        "info",
        "⇄",
        Citizen(
            id={"": "{unit} berkoordinasi dengan {helpers}."},
            en={"": "{unit} is coordinating with {helpers}."},
            fallback={**_UNIT, "helpers": ("unit lain", "other units")},
        ),
    ),
    ev.EwsSet.kind: Words(
        "EWS ditetapkan",
        "EWS ditetapkan",
        "work",
        "⚑",
        Citizen(
            id={"": "{unit} menetapkan estimasi waktu selesai (EWS): {ews}."},
            en={"": "{unit} set an estimated completion date (EWS): {ews}."},
            fallback=_UNIT,
        ),
    ),
    ev.TicketCompleted.kind: Words(
        "Diselesaikan unit",
        "Selesai dikerjakan",
        "done",
        "✓",
        Citizen(
            id={
                "": "{unit} menyelesaikan pekerjaan dengan foto bukti; diserahkan ke validator.",
                "again": "{unit} menyelesaikan ulang pekerjaan dengan foto bukti; "
                "diserahkan ke validator.",
            },
            en={
                "": "{unit} completed the work with photo evidence; handed to the validator.",
                "again": "{unit} completed the work again with photo evidence; "
                "handed to the validator.",
            },
            fallback=_UNIT,
        ),
    ),
    ev.TicketRated.kind: Words(
        "Dinilai pelapor",
        "Dinilai pelapor",
        "info",
        "★",
        Citizen(
            id={"": "Pelapor memberi penilaian atas penyelesaian."},
            en={"": "The reporter rated the completion."},
        ),
        ticker_detail="Dinilai pelapor: {rating}/5",
    ),
    ev.ReturnedForReview.kind: Words(
        "Dikembalikan ke validasi",
        "Dikembalikan ke validasi",
        "reopen",
        "↺",
        Citizen(
            id={"": "Penyelesaian dikembalikan ke validator untuk diperiksa ulang ({reason})."},
            en={"": "The completion went back to the validator for another check ({reason})."},
        ),
    ),
    ev.FieldCheckRequested.kind: Words(
        "Verifikasi lapangan diminta",
        "Verifikasi lapangan diminta",
        "info",
        "⚑",
        Citizen(
            id={"": "{validator} meminta verifikasi ke lapangan."},
            en={"": "{validator} asked for a check in the field."},
            fallback=_VALIDATOR,
        ),
    ),
    ev.TicketVerified.kind: Words(
        "Diverifikasi",
        "Diverifikasi selesai",
        "done",
        "✓",
        Citizen(
            id={
                "": "{validator} memvalidasi penyelesaian: laporan selesai.",
                "field": "{validator} memvalidasi penyelesaian setelah verifikasi lapangan: "
                "laporan selesai.",
            },
            en={
                "": "{validator} validated the completion: the report is done.",
                "field": "{validator} validated the completion after a field check: "
                "the report is done.",
            },
            fallback=_VALIDATOR,
        ),
    ),
    ev.TicketReopened.kind: Words(
        "Dibuka kembali oleh validator",
        "Dibuka kembali",
        "reopen",
        "↺",
        Citizen(
            id={
                "": "{validator} membuka kembali laporan: {unit} harus mengerjakan ulang "
                "paling lambat {redo_due}."
            },
            en={"": "{validator} reopened the report: {unit} must redo the work by {redo_due}."},
            fallback={**_VALIDATOR, "unit": ("unit", "the unit")},
        ),
    ),
    ev.TicketRejected.kind: Words(
        "Ditolak",
        "Ditolak",
        "info",
        "✕",
        Citizen(
            id={
                "": "Laporan ditolak.",
                "duplicate": "Laporan ditutup sebagai duplikat laporan {duplicate}.",
            },
            en={
                "": "The report was rejected.",
                "duplicate": "The report was closed as a duplicate of report {duplicate}.",
            },
        ),
    ),
    # Internal: the kind's own words stand for a level or note kind not in the tables.
    ev.TicketEscalated.kind: Words("Eskalasi", "Eskalasi", "late", "▲"),
    ev.NoteAdded.kind: Words("Catatan", "Catatan", "info", "✎"),
}

# A kind no table knows (a row written by a newer version): never its code.
UNKNOWN = Words("Peristiwa lain", "Peristiwa lain", "info", "•")


def words(kind: str, data: Mapping[str, Any] | None = None) -> Words:
    """The words for one history row: by level for escalations, by note kind for notes."""
    data = data or {}
    if kind == ev.TicketEscalated.kind and str(data.get("level")) in ESCALATION_LEVELS:
        level = ESCALATION_LEVELS[str(data["level"])]
        return Words(level.name, level.ticker, level.tone, level.glyph)
    if kind == ev.NoteAdded.kind:
        return NOTE_KINDS.get(str(data.get("note_kind", "note")), EVENTS[kind])
    return EVENTS.get(kind, UNKNOWN)


def staff_label(kind: str, data: Mapping[str, Any] | None = None) -> str:
    """What the staff timelines call a history row."""
    return words(kind, data).staff


def ticker(kind: str, data: Mapping[str, Any] | None = None) -> tuple[str, str, str]:
    """The board ticker's (text, tone, glyph) for a history row."""
    found = words(kind, data)
    known = {k: v for k, v in (data or {}).items() if v is not None}
    text = found.ticker
    if found.ticker_detail is not None:
        with suppress(KeyError):  # the detail's fields are not in this row: the plain text
            text = found.ticker_detail.format_map(known)
    return text, found.tone, found.glyph


def review_reason(code: str | None, lang: str = "id") -> str:
    """Why a completion went back to its validator, as a citizen reads it."""
    return REVIEW_REASONS.get(code or "", REVIEW_REASON_OTHER)[lang == "en"]


def board_words() -> dict[str, str]:
    """The board's late markers, by lateness (live.js ``derive()``)."""
    return {
        "unworked": UNWORKED_MARKER,
        **{level: found.marker for level, found in ESCALATION_LEVELS.items()},
        "acknowledged": NOTE_KINDS["acknowledge"].ticker,
    }
