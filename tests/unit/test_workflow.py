"""The state machine, cell by cell: every action from every status, by every kind of actor.

The expected tables below are written out from WORKFLOW.md, independently of
``ALLOWED_FROM`` in the code, so a change to either shows up here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.domain import events as ev
from dashboard.domain import workflow as wf
from dashboard.domain.workflow import Actor, ActorKind, Role, Status, TicketState

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
LEAD, OTHER, SUPPORT = 10, 11, 12
KOTA_A, KOTA_B = 100, 200

W, D, C, P, E, AV, R, V, X = (
    Status.WAITING,
    Status.DISPOSITIONED,
    Status.COORDINATING,
    Status.IN_PROGRESS,
    Status.EWS,
    Status.AWAITING_VALIDATION,
    Status.REOPENED,
    Status.VERIFIED,
    Status.REJECTED,
)

# From WORKFLOW.md "Actions": (action, from-statuses, status after).
EXPECTED_FROM = {
    "start": ({W, D, C, R}, P),
    "dispose": ({W, D, P}, D),
    "hand_back": ({W, D}, W),
    "coordinate": ({W, P}, C),
    "set_ews": ({P}, E),
    "complete": ({P, E, C, R}, AV),
    "rate_high": ({AV, V}, None),  # unchanged
    "rate_low": ({AV, V}, None),  # recorded; the reopen-low-rated job sends it back
    "return_for_review": ({AV, V}, R),
    "field_check": ({AV, R}, None),
    "verify": ({AV, R}, V),
    "reopen": ({AV, R}, R),
    "reject": ({W, D, C, P, E, R}, X),
    "escalate": ({W, D, C, P, E, AV, R}, None),
    "note": ({W, D, C, P, E, AV, R}, None),
}


def user(role: Role, unit: int | None = None, kota: int | None = None) -> Actor:
    return Actor(
        kind=ActorKind.USER, label=role.value, role=role, user_id=1, unit_id=unit, kota_id=kota
    )


ACTORS = {
    "lead_officer": user(Role.OFFICER, unit=LEAD),
    "other_officer": user(Role.OFFICER, unit=OTHER),
    "supporting_officer": user(Role.OFFICER, unit=SUPPORT),
    "mro": user(Role.MRO),
    "admin": user(Role.ADMIN),
    "validator_right_kota": user(Role.VALIDATOR, kota=KOTA_A),
    "validator_other_kota": user(Role.VALIDATOR, kota=KOTA_B),
    "validator_province": user(Role.VALIDATOR),
    "executive": user(Role.EXECUTIVE),
    "system": Actor.system(),
    "channel": Actor.channel("jaki"),
    "reporter": Actor.reporter(),
}

# Who may do each action (the ticket is validated by KOTA_A's body).
EXPECTED_WHO = {
    "start": {"lead_officer"},
    "dispose": {"lead_officer", "mro", "admin"},
    "hand_back": {"lead_officer"},
    "coordinate": {"lead_officer"},
    "set_ews": {"lead_officer"},
    "complete": {"lead_officer"},
    "rate_high": {"channel", "reporter"},
    "rate_low": {"channel", "reporter"},
    "return_for_review": {"system"},
    "field_check": {"validator_right_kota", "admin"},
    "verify": {"validator_right_kota", "admin"},
    "reopen": {"validator_right_kota", "admin"},
    "reject": {"mro", "admin"},
    "escalate": {"system"},
    "note": {"lead_officer", "supporting_officer", "mro", "admin"},
}


def action(name: str) -> wf.Action:
    return {
        "start": wf.StartWork(),
        "dispose": wf.Dispose(to_unit_id=OTHER, reason="bukan wilayah kami"),
        "hand_back": wf.HandBack(reason="bukan kewenangan kelurahan"),
        "coordinate": wf.Coordinate(unit_ids=(SUPPORT,), note="butuh alat berat"),
        "set_ews": wf.SetEws(ews_at=NOW + timedelta(days=30), reason="menunggu anggaran"),
        "complete": wf.Complete(note="sudah ditambal", photo_count=1),
        "rate_high": wf.Rate(rating=5, fixed=True),
        "rate_low": wf.Rate(rating=1, fixed=False, comment="masih berlubang"),
        "return_for_review": wf.ReturnForReview(reason="low_rating"),
        "field_check": wf.RequestFieldCheck(note="cek ke lokasi"),
        "verify": wf.Verify(),
        "reopen": wf.Reopen(reason="foto tidak sesuai lokasi", redo_due_at=NOW + timedelta(days=3)),
        "reject": wf.Reject(reason="laporan iseng"),
        "escalate": wf.Escalate(level="level1"),
        "note": wf.AddNote(text="sudah ditelepon"),
    }[name]


def state(status: Status, **kw: object) -> TicketState:
    base: dict = dict(
        id=1,
        status=status,
        assigned_unit_id=LEAD,
        supporting_unit_ids=frozenset({SUPPORT}),
        validation_kota_id=KOTA_A,
        # A reopen in the `reopened` status is confirmed unless a test says otherwise,
        # except for verify/reopen, which act on an unconfirmed (low-rating) reopen.
        reopen_confirmed=True,
    )
    base.update(kw)
    return TicketState(**base)


def state_for(name: str, status: Status) -> TicketState:
    if name in ("verify", "reopen", "field_check") and status is R:
        return state(status, reopen_confirmed=False)
    return state(status)


CELLS = [(name, status) for name in EXPECTED_FROM for status in Status]


@pytest.mark.parametrize(("name", "status"), CELLS, ids=[f"{n}-{s.value}" for n, s in CELLS])
def test_action_is_allowed_exactly_from_the_statuses_in_the_table(
    name: str, status: Status
) -> None:
    allowed_from, after = EXPECTED_FROM[name]
    who = next(iter(sorted(EXPECTED_WHO[name])))
    if status in allowed_from:
        event = wf.transition(state_for(name, status), action(name), ACTORS[who], NOW)
        assert event.from_status is status
        assert event.to_status is (after if after is not None else status)
    else:
        with pytest.raises(wf.InvalidTransition) as info:
            wf.transition(state_for(name, status), action(name), ACTORS[who], NOW)
        assert not isinstance(info.value, wf.NotPermitted)
        assert status.label in info.value.reason


PERMISSION_CELLS = [(name, who) for name in EXPECTED_WHO for who in ACTORS]


@pytest.mark.parametrize(
    ("name", "who"), PERMISSION_CELLS, ids=[f"{n}-by-{w}" for n, w in PERMISSION_CELLS]
)
def test_only_the_roles_in_the_table_may_act(name: str, who: str) -> None:
    allowed_from, _ = EXPECTED_FROM[name]
    status = sorted(allowed_from)[0]
    if who in EXPECTED_WHO[name]:
        wf.transition(state_for(name, status), action(name), ACTORS[who], NOW)
    else:
        with pytest.raises(wf.NotPermitted) as info:
            wf.transition(state_for(name, status), action(name), ACTORS[who], NOW)
        assert info.value.reason.startswith("Hanya ")


def test_officer_may_reject_only_as_a_duplicate_of_another_ticket() -> None:
    officer = ACTORS["lead_officer"]
    with pytest.raises(wf.NotPermitted):
        wf.transition(state(W), wf.Reject(reason="iseng"), officer, NOW)
    event = wf.transition(
        state(W), wf.Reject(reason="sama dengan laporan lain", duplicate_of_id=7), officer, NOW
    )
    assert isinstance(event, ev.TicketRejected) and event.duplicate_of_id == 7
    with pytest.raises(wf.InvalidTransition, match="duplikat dirinya"):
        wf.transition(state(W), wf.Reject(reason="x", duplicate_of_id=1), officer, NOW)


def test_low_rating_reopen_must_be_confirmed_by_a_validator_before_rework() -> None:
    pending = state(R, reopen_confirmed=False)
    with pytest.raises(wf.InvalidTransition, match="menunggu keputusan validator"):
        wf.transition(pending, wf.StartWork(), ACTORS["lead_officer"], NOW)
    assert wf.StartWork not in wf.allowed_actions(pending, ACTORS["lead_officer"])
    wf.transition(state(R, reopen_confirmed=True), wf.StartWork(), ACTORS["lead_officer"], NOW)


def test_validator_cannot_verify_or_reopen_again_once_the_reopen_is_confirmed() -> None:
    confirmed = state(R, reopen_confirmed=True)
    for act in (wf.Verify(), action("reopen")):
        with pytest.raises(wf.InvalidTransition):
            wf.transition(confirmed, act, ACTORS["validator_right_kota"], NOW)


def test_province_body_validates_tickets_of_province_level_units() -> None:
    province_ticket = state(AV, validation_kota_id=None)
    wf.transition(province_ticket, wf.Verify(), ACTORS["validator_province"], NOW)
    with pytest.raises(wf.NotPermitted, match="Biro Pemerintahan"):
        wf.transition(province_ticket, wf.Verify(), ACTORS["validator_right_kota"], NOW)
    with pytest.raises(wf.NotPermitted):
        wf.transition(state(AV), wf.Verify(), ACTORS["validator_province"], NOW)


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (wf.Dispose(to_unit_id=OTHER, reason="  "), "Alasan disposisi"),
        (wf.HandBack(reason=""), "Alasan bukan kewenangan"),
        (wf.Coordinate(unit_ids=(SUPPORT,), note=""), "Catatan koordinasi"),
        (wf.SetEws(ews_at=NOW + timedelta(days=1), reason=""), "Alasan EWS"),
        (wf.Complete(note="", photo_count=1), "Catatan penyelesaian"),
        (wf.Reject(reason=""), "Alasan penolakan"),
        (wf.AddNote(text=" "), "Catatan"),
    ],
)
def test_reasons_are_required(act: wf.Action, message: str) -> None:
    status = sorted(wf.ALLOWED_FROM[type(act)])[0]
    who = ACTORS["mro"] if isinstance(act, wf.Reject) else ACTORS["lead_officer"]
    with pytest.raises(wf.InvalidTransition, match=message):
        wf.transition(state(status), act, who, NOW)


def test_reopen_requires_a_reason() -> None:
    with pytest.raises(wf.InvalidTransition, match="Alasan membuka kembali"):
        wf.transition(
            state(AV), wf.Reopen(reason="", redo_due_at=NOW), ACTORS["validator_right_kota"], NOW
        )


def test_completion_without_a_photo_is_refused() -> None:
    with pytest.raises(wf.InvalidTransition, match="foto"):
        wf.transition(
            state(P), wf.Complete(note="beres", photo_count=0), ACTORS["lead_officer"], NOW
        )


def test_ews_date_must_lie_in_the_future() -> None:
    with pytest.raises(wf.InvalidTransition, match="masa depan"):
        wf.transition(
            state(P), wf.SetEws(ews_at=NOW, reason="anggaran"), ACTORS["lead_officer"], NOW
        )


def test_dispose_to_the_same_unit_is_refused() -> None:
    with pytest.raises(wf.InvalidTransition, match="sudah berada"):
        wf.transition(state(W), wf.Dispose(to_unit_id=LEAD, reason="x"), ACTORS["mro"], NOW)


def test_coordination_needs_a_unit_other_than_the_lead() -> None:
    with pytest.raises(wf.InvalidTransition, match="unit pendukung"):
        wf.transition(
            state(W), wf.Coordinate(unit_ids=(LEAD,), note="x"), ACTORS["lead_officer"], NOW
        )


def test_not_fixed_rating_needs_a_reason_and_counts_as_low_even_with_high_stars() -> None:
    with pytest.raises(wf.InvalidTransition, match="belum selesai"):
        wf.transition(state(AV), wf.Rate(rating=4, fixed=False), ACTORS["reporter"], NOW)
    event = wf.transition(
        state(AV), wf.Rate(rating=4, fixed=False, comment="masih bocor"), ACTORS["reporter"], NOW
    )
    assert isinstance(event, ev.TicketRated) and event.low and event.to_status is AV


@pytest.mark.parametrize(("rating", "low"), [(1, True), (2, True), (3, False), (5, False)])
def test_rating_at_or_below_the_threshold_is_low(rating: int, low: bool) -> None:
    event = wf.transition(
        state(AV), wf.Rate(rating=rating, fixed=True, threshold=2), ACTORS["channel"], NOW
    )
    assert isinstance(event, ev.TicketRated)
    assert event.low is low
    assert event.to_status is AV


def test_rating_outside_one_to_five_is_refused() -> None:
    for bad in (0, 6):
        with pytest.raises(wf.InvalidTransition, match="antara 1 dan 5"):
            wf.transition(state(AV), wf.Rate(rating=bad, fixed=True), ACTORS["channel"], NOW)


def test_escalation_level_is_recorded_once() -> None:
    wf.transition(state(W), wf.Escalate(level="level1"), ACTORS["system"], NOW)
    with pytest.raises(wf.InvalidTransition, match="sudah tercatat"):
        wf.transition(
            state(W, escalations=frozenset({"level1"})),
            wf.Escalate(level="level1"),
            ACTORS["system"],
            NOW,
        )
    with pytest.raises(wf.InvalidTransition, match="tidak dikenal"):
        wf.transition(state(W), wf.Escalate(level="level9"), ACTORS["system"], NOW)


def test_first_action_of_the_assigned_unit_stops_the_response_clock() -> None:
    first = wf.transition(state(W), wf.StartWork(), ACTORS["lead_officer"], NOW)
    assert first.responds
    again = wf.transition(state(W, responded=True), wf.StartWork(), ACTORS["lead_officer"], NOW)
    assert not again.responds
    by_mro = wf.transition(state(W), action("dispose"), ACTORS["mro"], NOW)
    assert not by_mro.responds


def test_first_completion_is_marked_as_such() -> None:
    first = wf.transition(state(P), action("complete"), ACTORS["lead_officer"], NOW)
    redo = wf.transition(
        state(R, completed_once=True), action("complete"), ACTORS["lead_officer"], NOW
    )
    assert isinstance(first, ev.TicketCompleted) and first.first_completion
    assert isinstance(redo, ev.TicketCompleted) and not redo.first_completion


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        wf.transition(state(W), wf.StartWork(), ACTORS["lead_officer"], datetime(2026, 1, 1))


def test_allowed_actions_lists_what_the_lead_officer_can_do_on_a_new_ticket() -> None:
    names = {a.__name__ for a in wf.allowed_actions(state(W), ACTORS["lead_officer"])}
    assert names == {"StartWork", "Dispose", "HandBack", "Coordinate", "Reject", "AddNote"}


def test_executives_can_do_nothing() -> None:
    for status in Status:
        assert wf.allowed_actions(state(status), ACTORS["executive"]) == []


def test_every_status_has_a_label_and_a_type() -> None:
    assert {s.type for s in Status} == set(wf.StatusType)
    assert Status.VERIFIED.label == "Selesai" and Status.WAITING.label == "Menunggu"
    assert not Status.VERIFIED.is_open and not Status.REJECTED.is_open
    assert all(s.is_open for s in Status if s not in (V, X))


def test_a_requested_field_check_must_be_recorded_before_verifying() -> None:
    waiting = state(AV, field_check_requested=True)
    with pytest.raises(wf.InvalidTransition, match="Verifikasi lapangan diminta"):
        wf.transition(waiting, wf.Verify(), ACTORS["validator_right_kota"], NOW)
    event = wf.transition(
        waiting, wf.Verify(field_verified=True), ACTORS["validator_right_kota"], NOW
    )
    assert event.to_status is V


def test_return_for_review_needs_a_known_reason() -> None:
    with pytest.raises(wf.InvalidTransition, match="tidak dikenal"):
        wf.transition(state(AV), wf.ReturnForReview(reason="bosan"), ACTORS["system"], NOW)
    event = wf.transition(
        state(V), wf.ReturnForReview(reason="repeat_report"), ACTORS["system"], NOW
    )
    assert event.to_status is R and "dilaporkan lagi" in event.note
