"""The routing rule for dispositions and coordination, without a database:
which kinds of unit may receive a ticket, and which units an event names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.domain import workflow as wf
from dashboard.domain.workflow import Actor, ActorKind, Role, Status

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
LEAD, OTHER, SUPPORT = 11, 12, 13


@pytest.mark.parametrize("kind", ["kelurahan", "kecamatan", "kota", "kabupaten", "agency", "bumd"])
def test_units_that_handle_tickets_may_receive_them(kind: str) -> None:
    assert wf.target_refusal(5, wf.UnitRef(5, kind, "Unit")) is None


@pytest.mark.parametrize(
    ("unit", "says"),
    [
        (
            wf.UnitRef(7, "validator", "Biro Pemerintahan"),
            "Biro Pemerintahan adalah badan validasi",
        ),
        (wf.UnitRef(1, "province", "Provinsi DKI Jakarta"), "bukan unit penanganan"),
        (None, "Unit tujuan #99 tidak dikenal"),
    ],
)
def test_other_units_are_refused_with_the_reason(unit: wf.UnitRef | None, says: str) -> None:
    refusal = wf.target_refusal(99 if unit is None else unit.id, unit)
    assert refusal is not None and says in refusal


def test_the_targets_are_those_the_event_hands_the_ticket_to() -> None:
    state = wf.TicketState(id=1, status=Status.IN_PROGRESS, assigned_unit_id=LEAD)
    officer = Actor(ActorKind.USER, "Petugas", role=Role.OFFICER, user_id=1, unit_id=LEAD)
    disposed = wf.transition(state, wf.Dispose(to_unit_id=OTHER, reason="x"), officer, NOW)
    # The lead unit itself is never a coordination target: the domain drops it.
    coordinated = wf.transition(
        state, wf.Coordinate(unit_ids=(LEAD, SUPPORT, SUPPORT), note="x"), officer, NOW
    )
    noted = wf.transition(state, wf.AddNote(text="x"), officer, NOW)
    assert wf.event_targets(disposed) == (OTHER,)
    assert wf.event_targets(coordinated) == (SUPPORT,)
    assert wf.event_targets(noted) == ()
