"""The rights table: what the unit a level-2 escalation names may do (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.domain import workflow as wf
from dashboard.domain.workflow import Actor, ActorKind, Role, Status, TicketState

NOW = datetime(2026, 11, 4, 1, 0, tzinfo=UTC)
KELURAHAN, KECAMATAN, OTHER_KECAMATAN = 10, 20, 30
STATE = TicketState(
    id=1, status=Status.WAITING, assigned_unit_id=KELURAHAN, escalated_unit_id=KECAMATAN
)


def officer(unit_id: int) -> Actor:
    return Actor(kind=ActorKind.USER, label="p", role=Role.OFFICER, unit_id=unit_id)


@pytest.mark.parametrize(
    "action",
    [
        wf.Dispose(to_unit_id=99, reason="Jalan provinsi."),
        wf.AddNote(text="Segera.", kind="warning"),
        wf.AddNote(text="Sudah ditelepon."),
    ],
)
def test_the_escalated_to_unit_may_warn_note_and_dispose(action: wf.Action) -> None:
    event = wf.transition(STATE, action, officer(KECAMATAN), NOW)
    # Acting on the ticket is not the lead unit working it: no clock stops.
    assert not event.responds and not event.by_assigned_unit
    with pytest.raises(wf.NotPermitted):
        wf.transition(STATE, action, officer(OTHER_KECAMATAN), NOW)


@pytest.mark.parametrize(
    "action",
    [
        wf.StartWork(),
        wf.HandBack(reason="bukan"),
        wf.AddNote(text="x", kind="acknowledge"),
        wf.Reject(reason="ganda", duplicate_of_id=5),
    ],
)
def test_the_escalated_to_unit_may_not_work_or_close_the_ticket(action: wf.Action) -> None:
    with pytest.raises(wf.NotPermitted):
        wf.transition(STATE, action, officer(KECAMATAN), NOW)


def test_without_an_escalation_the_kecamatan_has_no_rights_on_its_kelurahans_ticket() -> None:
    plain = TicketState(id=1, status=Status.WAITING, assigned_unit_id=KELURAHAN)
    assert wf.allowed_actions(plain, officer(KECAMATAN)) == []
    assert wf.note_kinds(plain, officer(KECAMATAN)) == []
    assert set(wf.allowed_actions(STATE, officer(KECAMATAN))) == {wf.Dispose, wf.AddNote}
    assert wf.note_kinds(STATE, officer(KECAMATAN)) == ["note", "warning"]
    mro = Actor(kind=ActorKind.USER, label="m", role=Role.MRO)
    assert wf.note_kinds(plain, mro) == ["note", "warning", "acknowledge"]
    assert wf.note_kinds(plain, officer(KELURAHAN)) == ["note"]
