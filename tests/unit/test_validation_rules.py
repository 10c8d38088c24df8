"""A validator's rules without a database: what a verification needs, the queue's
reasons and deadline markers, and how a unit's record is graded."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.domain import validation as rules
from dashboard.domain.workflow import Actor, ActorKind, Role

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ALL_BOXES = frozenset(name for name, _ in rules.CHECKLIST)
PHOTO = b"\xff\xd8 a photo"


def refused(decision: rules.Decision) -> dict[str, str]:
    with pytest.raises(rules.InvalidDecision) as caught:
        rules.note_of(decision)
    return caught.value.errors


# --- verification -------------------------------------------------------------------------


def test_a_verification_with_every_box_ticked_writes_the_checklist_and_the_note() -> None:
    note = rules.note_of(rules.Verification(checked=ALL_BOXES, note="  Sesuai foto. "))

    assert note.splitlines() == [
        "Verifikasi administratif:",
        *(f"✓ {label}" for _, label in rules.CHECKLIST),
        "Sesuai foto.",
    ]


def test_a_verification_without_a_note_writes_the_checklist_alone() -> None:
    note = rules.note_of(rules.Verification(checked=ALL_BOXES))

    assert note.splitlines()[-1] == f"✓ {rules.CHECKLIST[-1][1]}"


@pytest.mark.parametrize(("name", "label"), rules.CHECKLIST)
def test_a_verification_missing_one_box_is_refused_naming_that_box(name: str, label: str) -> None:
    errors = refused(rules.Verification(checked=ALL_BOXES - {name}))

    assert list(errors) == ["checklist"] and label in errors["checklist"]
    assert all(other not in errors["checklist"] for n, other in rules.CHECKLIST if n != name)


def test_a_field_verification_adds_the_visit_note_after_the_checklist() -> None:
    note = rules.note_of(
        rules.Verification(
            checked=ALL_BOXES,
            note="ok",
            field_done=True,
            field_note=" Sudah rata. ",
            field_photos=(PHOTO,),
        )
    )

    assert note.splitlines()[-2:] == ["ok", "Verifikasi lapangan: Sudah rata."]


@pytest.mark.parametrize(
    ("field_note", "photos"), [("Sudah dicek.", ()), ("  ", (PHOTO,)), ("", ())]
)
def test_a_field_verification_without_its_photo_or_its_note_is_refused(
    field_note: str, photos: tuple[bytes, ...]
) -> None:
    errors = refused(
        rules.Verification(
            checked=ALL_BOXES, field_done=True, field_note=field_note, field_photos=photos
        )
    )

    assert errors == {"field": rules.FIELD_VISIT_NEEDS}


def test_a_missing_box_and_a_missing_field_photo_are_both_named() -> None:
    errors = refused(
        rules.Verification(checked=frozenset(), field_done=True, field_note="Sudah dicek.")
    )

    assert set(errors) == {"checklist", "field"}


def test_field_photos_count_only_when_the_visit_is_declared_done() -> None:
    note = rules.note_of(rules.Verification(checked=ALL_BOXES, field_note="ignored"))

    assert "Verifikasi lapangan" not in note


# --- reopening and field-check requests -------------------------------------------------------


def test_a_reopen_keeps_its_reason_trimmed() -> None:
    assert rules.note_of(rules.Reopening(reason="  Foto buram.\n")) == "Foto buram."


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (rules.Reopening(reason=" \n "), "reason"),
        (rules.FieldCheckRequest(note=""), "note"),
    ],
)
def test_a_reopen_or_field_check_without_text_is_refused_naming_the_field(
    decision: rules.Decision, field: str
) -> None:
    assert list(refused(decision)) == [field]


# --- who validates; the queue's reasons and deadlines --------------------------------------------


@pytest.mark.parametrize(
    ("role", "may"),
    [(Role.VALIDATOR, True), (Role.ADMIN, True), (Role.MRO, False), (Role.OFFICER, False)],
)
def test_only_validators_and_admins_may_validate(role: Role, may: bool) -> None:
    actor = Actor(kind=ActorKind.USER, label="x", role=role, user_id=1)

    assert rules.may_validate(actor) is may


def test_reasons_come_in_their_fixed_order_once_each_or_as_a_plain_completion() -> None:
    assert rules.in_reason_order(["repeat_report", "low_rating", "repeat_report"]) == (
        "low_rating",
        "repeat_report",
    )
    assert rules.in_reason_order([]) == ("completed",)


@pytest.mark.parametrize(
    ("status", "confirmed", "waiting"),
    [
        ("awaiting_validation", False, True),
        ("reopened", False, True),
        ("reopened", True, False),
        ("verified", False, False),
    ],
)
def test_a_completion_waits_while_awaiting_validation_or_reopened_unconfirmed(
    status: str, confirmed: bool, waiting: bool
) -> None:
    assert rules.is_waiting(status, confirmed) is waiting


@pytest.mark.parametrize(
    ("due", "marker"),
    [
        (None, ""),
        (NOW, "late"),
        (NOW - timedelta(minutes=1), "late"),
        (NOW + rules.DUE_SOON, "soon"),
        (NOW + rules.DUE_SOON + timedelta(minutes=1), ""),
    ],
)
def test_a_deadline_is_late_at_due_and_soon_within_twelve_hours(
    due: datetime | None, marker: str
) -> None:
    assert rules.lateness(due, NOW) == marker


# --- the weekly sample ---------------------------------------------------------------


def test_the_weekly_sample_is_reproducible_and_takes_at_least_one_per_unit() -> None:
    week = NOW
    completions = [(i, 1) for i in range(1, 101)] + [(1000, 2)]
    a = rules.choose_sample(completions, share=0.05, seed="s", week=week)
    b = rules.choose_sample(list(reversed(completions)), share=0.05, seed="s", week=week)
    assert a == b
    assert len([t for t in a if t < 1000]) == math.ceil(0.05 * 100) and 1000 in a
    assert rules.choose_sample(completions, share=0.05, seed="other", week=week) != a


@pytest.mark.parametrize(
    ("at", "monday"),
    [
        # Monday 00:00 WIB is Sunday 17:00 UTC.
        (datetime(2026, 3, 1, 17, 0, tzinfo=UTC), datetime(2026, 3, 1, 17, 0, tzinfo=UTC)),
        (datetime(2026, 3, 1, 16, 59, tzinfo=UTC), datetime(2026, 2, 22, 17, 0, tzinfo=UTC)),
        (datetime(2026, 3, 8, 16, 59, tzinfo=UTC), datetime(2026, 3, 1, 17, 0, tzinfo=UTC)),
    ],
)
def test_a_week_starts_on_monday_midnight_in_jakarta(at: datetime, monday: datetime) -> None:
    assert rules.week_start(at) == monday


# --- a unit's record ---------------------------------------------------------------


def test_a_ticket_reopened_once_counts_as_reopened_even_if_verified_later() -> None:
    first = rules.first_decisions([(1, "verified"), (2, "reopened"), (2, "verified")])

    assert (first.decided, first.passed_first, first.reopened) == (2, 1, 1)
    assert first.pass_rate == 50.0


def test_a_record_is_graded_only_from_five_decisions() -> None:
    four = rules.first_decisions([(i, "verified") for i in range(4)])
    five = rules.first_decisions([(i, "verified") for i in range(5)])

    assert four.grade is None and four.pass_rate == 100.0
    assert five.grade is not None and five.grade.letter == "A"


def test_no_decisions_give_no_rate_and_no_grade() -> None:
    none = rules.first_decisions([])

    assert (none.pass_rate, none.grade) == (None, None)


def test_a_channel_or_the_system_may_not_validate() -> None:
    assert not rules.may_validate(Actor.channel("jaki"))
    assert not rules.may_validate(Actor.system())


# --- verifying against the reporter's "not fixed" -------------------------------------


def test_verifying_against_not_fixed_needs_a_justification_naming_the_field() -> None:
    for blank in ("", "   \n  "):
        with pytest.raises(rules.InvalidDecision) as refused_:
            rules.check(
                rules.Verification(checked=ALL_BOXES, justification=blank), rated_not_fixed=True
            )
        assert refused_.value.errors == {"justification": rules.JUSTIFICATION_NEEDED}
    assert rules.JUSTIFICATION_NEEDED.startswith(rules.JUSTIFICATION_LABEL)
    assert "wajib diisi" in rules.JUSTIFICATION_NEEDED


def test_a_justification_is_kept_on_one_line_beside_the_note() -> None:
    checked = rules.check(
        rules.Verification(checked=ALL_BOXES, justification="  Foto jelas:\n lubang   ditambal. "),
        rated_not_fixed=True,
    )
    assert checked.justification == "Foto jelas: lubang ditambal."
    assert "Foto jelas" not in checked.note  # the history row's data carries it


def test_without_a_not_fixed_rating_no_justification_is_needed() -> None:
    checked = rules.check(rules.Verification(checked=ALL_BOXES))
    assert checked.justification == "" and rules.JUSTIFICATION_LABEL not in checked.note


def test_a_justification_longer_than_one_line_allows_is_refused() -> None:
    with pytest.raises(rules.InvalidDecision) as refused_:
        rules.check(
            rules.Verification(checked=ALL_BOXES, justification="x" * 301), rated_not_fixed=True
        )
    assert refused_.value.errors == {"justification": rules.JUSTIFICATION_TOO_LONG}


def test_every_missing_part_is_named_together() -> None:
    with pytest.raises(rules.InvalidDecision) as refused_:
        rules.check(rules.Verification(checked=frozenset()), rated_not_fixed=True)
    assert set(refused_.value.errors) == {"checklist", "justification"}
