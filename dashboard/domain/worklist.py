"""An officer's "Perlu tindakan" list and the unit picker, as pure rules.

Which deadline a ticket's unit works to now, which chips it carries and in
what order the list runs; and how the disposition / coordination picker
groups the units that may receive a ticket. The clocks themselves are
``sla.py``'s: this module only reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from . import sla
from .states import Status

# --- the deadline that applies now ------------------------------------------------------

# The words for each deadline, as the list and the countdown show them.
DEADLINE_LABELS = {
    "response": "Batas respons",
    "completion": "Batas selesai",
    "ews": "Batas selesai (EWS)",
    "redo": "Batas pengerjaan ulang",
}


@dataclass(frozen=True)
class Deadline:
    kind: str  # a key of DEADLINE_LABELS
    due_at: datetime

    @property
    def label(self) -> str:
        return DEADLINE_LABELS[self.kind]


def next_deadline(c: sla.Clocks, ews_at: datetime | None = None) -> Deadline:
    """The deadline the unit works to now: the response while none was given, then the
    completion (the EWS date once set, the redo deadline after a confirmed reopen)."""
    if c.first_response_at is None:
        return Deadline("response", c.response_due_at)
    due = sla.effective_completion_due(c)
    if c.status is Status.REOPENED and due == c.redo_due_at:
        return Deadline("redo", due)
    return Deadline("ews" if ews_at is not None else "completion", due)


# --- chips --------------------------------------------------------------------------------

# In the order a row shows them; the keys are the list's filter values too.
CHIP_LABELS = {
    "new": "baru",
    "late_response": "respons terlambat",
    "overdue": "lewat tenggat",
    "reopened": "dibuka ulang",
}


def chips(c: sla.Clocks, now: datetime) -> tuple[str, ...]:
    """What a row says about itself: new (arrived at the unit, by intake or disposition,
    and not acted on yet, the response not late), late response (none given by its
    deadline), overdue (the completion deadline that applies has passed), reopened
    (redo owed: not new, though its clock starts again)."""
    late_response = c.first_response_at is None and sla.fallen_due(c.response_due_at, now)
    reopened = c.status is Status.REOPENED
    out = []
    if c.clock_stopped_at is None and not late_response and not reopened:
        out.append("new")
    if late_response:
        out.append("late_response")
    if sla.fallen_due(sla.effective_completion_due(c), now):
        out.append("overdue")
    if reopened:
        out.append("reopened")
    return tuple(out)


def needs_action(c: sla.Clocks) -> bool:
    """On the list: the unit still owes work (not waiting for a validator)."""
    return sla.owes_work(c)


# --- the unit picker ----------------------------------------------------------------------


@dataclass(frozen=True)
class PickUnit:
    """A unit that may receive a disposition or a coordination request."""

    id: int
    name: str  # as shown: 'Kelurahan Menteng', 'Suku Dinas Bina Marga Jakarta Timur'
    kind: str
    kota_id: int | None


# The picker's groups, in order. A kota's own agencies (suku dinas, kota offices)
# and the province's dinas/badan are both of kind "agency": the kota tells them apart.
GROUPS: tuple[tuple[str, str], ...] = (
    ("kelurahan", "Kelurahan"),
    ("kecamatan", "Kecamatan"),
    ("kota", "Kota/Kabupaten Administrasi"),
    ("sudin", "Suku Dinas dan unit kota"),
    ("dinas", "Dinas/Badan provinsi"),
    ("bumd", "BUMD"),
)
USUAL_LABEL = "Biasa menangani kategori ini"


def group_of(unit: PickUnit) -> str:
    if unit.kind == "kabupaten":
        return "kota"
    if unit.kind == "agency":
        return "sudin" if unit.kota_id is not None else "dinas"
    return unit.kind


@dataclass(frozen=True)
class PickGroup:
    key: str
    label: str
    units: tuple[PickUnit, ...]


def picker_groups(
    units: Iterable[PickUnit], usual: Sequence[int], *, exclude: int | None = None
) -> list[PickGroup]:
    """The picker's option groups: the category's usual units first (in the order
    given), then every unit by kind, by name. ``exclude`` (the lead unit) is left out."""
    pool = [u for u in units if u.id != exclude]
    by_id = {u.id: u for u in pool}
    out = []
    first = tuple(by_id[i] for i in dict.fromkeys(usual) if i in by_id)
    if first:
        out.append(PickGroup("usual", USUAL_LABEL, first))
    for key, label in GROUPS:
        members = sorted((u for u in pool if group_of(u) == key), key=lambda u: u.name.lower())
        if members:
            out.append(PickGroup(key, label, tuple(members)))
    return out
