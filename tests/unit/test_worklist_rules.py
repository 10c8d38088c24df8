"""domain.worklist: which deadline applies now, the chips, and the picker's groups."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from dashboard.domain import sla
from dashboard.domain.states import Status
from dashboard.domain.worklist import PickUnit, chips, next_deadline, picker_groups

T = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)

FRESH = sla.Clocks(
    status=Status.WAITING,
    assigned_unit_id=7,
    received_at=T,
    response_due_at=T + 6 * H,
    first_response_at=None,
    clock_started_at=T,
    clock_stopped_at=None,
    completion_due_at=T + 7 * 24 * H,
)


def test_the_response_deadline_applies_until_a_response_then_the_completion() -> None:
    assert next_deadline(FRESH).kind == "response"
    assert next_deadline(FRESH).due_at == T + 6 * H
    started = dataclasses.replace(
        FRESH, status=Status.IN_PROGRESS, first_response_at=T + H, clock_stopped_at=T + H
    )
    assert (next_deadline(started).kind, next_deadline(started).due_at) == (
        "completion",
        T + 7 * 24 * H,
    )
    assert next_deadline(dataclasses.replace(started, status=Status.EWS), ews_at=T).kind == "ews"


def test_a_confirmed_reopen_works_to_the_redo_deadline() -> None:
    reopened = dataclasses.replace(
        FRESH,
        status=Status.REOPENED,
        first_response_at=T + H,
        reopen_confirmed=True,
        redo_due_at=T + 3 * 24 * H,
    )
    assert (next_deadline(reopened).kind, next_deadline(reopened).due_at) == (
        "redo",
        T + 3 * 24 * H,
    )
    assert chips(reopened, T + 4 * 24 * H) == ("overdue", "reopened")


def test_chips_follow_the_clock() -> None:
    assert chips(FRESH, T + H) == ("new",)
    # At the response deadline itself the response is late (sla.fallen_due).
    assert chips(FRESH, T + 6 * H) == ("late_response",)
    assert chips(FRESH, T + 8 * 24 * H) == ("late_response", "overdue")
    acted = dataclasses.replace(FRESH, first_response_at=T + H, clock_stopped_at=T + H)
    assert chips(acted, T + 2 * H) == ()


def test_the_picker_puts_the_usual_units_first_and_groups_the_rest_by_kind() -> None:
    units = [
        PickUnit(1, "Kelurahan Menteng", "kelurahan", 10),
        PickUnit(2, "Kelurahan Cikini", "kelurahan", 10),
        PickUnit(3, "Kecamatan Menteng", "kecamatan", 10),
        PickUnit(4, "Dinas Bina Marga", "agency", None),
        PickUnit(5, "Suku Dinas Bina Marga Jakarta Pusat", "agency", 10),
        PickUnit(6, "Kepulauan Seribu", "kabupaten", 6),
        PickUnit(7, "PAM Jaya", "bumd", None),
    ]
    groups = picker_groups(units, usual=[4, 99, 2, 4], exclude=1)
    assert [(g.key, [u.id for u in g.units]) for g in groups] == [
        ("usual", [4, 2]),  # in the order given, unknown ids dropped, once each
        ("kelurahan", [2]),  # the lead unit (1) is not offered
        ("kecamatan", [3]),
        ("kota", [6]),
        ("sudin", [5]),
        ("dinas", [4]),
        ("bumd", [7]),
    ]
    assert picker_groups([], usual=[]) == []
