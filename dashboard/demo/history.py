"""The life of a demo ticket, played by the real state machine up to ``now``.

``History.live(report, fate)`` records the intake event, then the unit's
response, disposition or coordination, the work, an EWS, the completion, the
validator's check, the reporter's rating and any reopen, each made by
``domain.workflow.transition`` and applied with ``services.workflow.apply_event``
onto the draft. Before each step the escalations the escalate job would have
raised by then are recorded (the same rule, ``sla.due_escalations``). A step
that would fall after ``now`` stops the ticket there: that is the live tail.

The shape (DESIGN.md §5–6, WORKFLOW.md): ~95 % of completions within 7 days,
mean handling ≈ 40 h with the median far below, first action within the
response deadline for ~74 %, most completions verified within 2 days, a few
reopened and redone, ratings on about a third with mean ≈ 3.8 / 5.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from ..domain import events as ev
from ..domain import sla
from ..domain import workflow as wf
from ..domain.workflow import Actor, ActorKind, Confidentiality, Role, Status
from ..models import TicketEventRow
from ..services.escalation import clocks_of
from ..services.workflow import apply_event, history_row, state_of
from .fates import NORMAL, REJECT, WAITING
from .reports import Report
from .texts import (
    EWS_REASONS,
    FIELD_VERIFY_NOTE,
    GOOD_COMMENTS,
    LOW_RATING_COMMENTS,
    REOPEN_REASONS,
    REVIEW_ACCEPT_NOTE,
    REVIEW_REOPEN_REASON,
    SLOW_COMMENTS,
    SPAM_REASONS,
    START_NOTES,
    VERIFY_NOTES,
    WARNING_TEXT,
)
from .world import World

# --- how tickets are handled (hours unless named otherwise) ---------------------

DUPLICATE_WINDOW = timedelta(days=14)
RESPONSE_ON_TIME = 0.745
RESPONSE_LATE_MEAN_H = 9.0
SECOND_UNIT_ON_TIME = 0.70
DISPOSE_SHARE = {1: 0.11, 2: 0.22, 3: 0.30}  # kelurahan → agency, by bobot
HANDBACK_SHARE = 0.012
COORDINATE_SHARE = 0.035
COORDINATE_FIRST_SHARE = 0.25  # of coordinations: the unit's very first action
EWS_SHARE = {1: 0.0, 2: 0.03, 3: 0.65}
BASE_MEDIAN_H = {1: 8.0, 2: 14.0, 3: 30.0}
BASE_SIGMA = 1.15
SLOW_K = 0.19  # × unresolved_share: completed after 8–14 days
TAIL_K = 0.045  # × unresolved_share: completed after more than 14 days
TAIL_MEAN_H = 215.0
VALIDATION_MEDIAN_H = 6.0
VALIDATION_SLOW_SHARE = 0.06
VALIDATOR_REOPEN_SHARE = 0.015
FIELD_VERIFIED_SHARE = 0.10
RATED_SHARE = 0.36
RATINGS = (1, 2, 3, 4, 5)
RATING_CUM = tuple(accumulate((0.11, 0.07, 0.15, 0.25, 0.42)))
LOW_RATING_CONFIRM_SHARE = 0.25  # low rating → validator confirms the reopen
WARNING_SHARE = 0.5  # level-2 escalations followed by an MRO teguran
# A confirmed reopen that the unit leaves untouched: share × e^(-age / 14 days).
REDO_STUCK_SHARE = 0.25

EVENT_COLS = tuple(c.name for c in TicketEventRow.__table__.columns if c.name != "id")


@dataclass
class Rows:
    """The rows written with each batch, in this order (foreign keys first)."""

    reporters: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    supports: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)


class _Halt(Exception):
    """The next step of a ticket's life lies after `now`: stop there."""


def event_values(event: ev.TicketEvent) -> dict[str, Any]:
    """``history_row(event)`` as plain column values (no ORM object: 3× faster)."""
    return {
        "ticket_id": event.ticket_id,
        "kind": event.kind,
        "at": event.at,
        "actor_kind": event.actor.kind.value,
        "actor_user_id": event.actor.user_id,
        "actor_label": event.actor.label,
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value,
        "note": event.note,
        "data": event.data(),
    }


def check_event_values(event: ev.TicketEvent, values: dict[str, Any]) -> None:
    """Fail loudly if ``event_values`` ever drifts from the service's ``history_row``."""
    row = history_row(event)
    for column in EVENT_COLS:
        expected = getattr(row, column)
        if values.get(column) != expected:
            raise RuntimeError(
                f"demo history row differs from services.workflow.history_row on "
                f"{column!r} for a {event.kind!r} event: {values.get(column)!r} != {expected!r}"
            )


def hours(x: float) -> timedelta:
    return timedelta(seconds=round(x * 3600))


class History:
    """Plays each ticket's life; its events, escalations and flags go to ``rows``."""

    def __init__(
        self,
        world: World,
        rng: random.Random,
        *,
        now: datetime,
        threshold: int,
        rows: Rows,
        next_event_id: int,
    ) -> None:
        self.world = world
        self.rng = rng
        self.now = now
        self.threshold = threshold
        self.rows = rows
        self.next_event_id = next_event_id
        self.checked_kinds: set[str] = set()
        # The latest ticket of each (category, kelurahan): what a duplicate points to.
        self.last_by_place: dict[tuple[int, int | None], tuple[int, datetime, str]] = {}

    def live(self, report: Report, fate: str) -> None:
        """Record the intake, then play the ticket's `fate` up to `now`."""
        d = report.draft
        self.d = d
        self.cat = report.cat
        self.kel = report.kel
        self.chan_code = report.channel.code
        self.chan_online = report.online
        self.last_at = d.received_at
        self.raised: set[tuple[str, datetime]] = set()
        self._record(self._received(report))
        try:
            if fate == REJECT:
                self._reject()
            elif fate != WAITING:
                self._work(fate)
        except _Halt:
            pass
        self._escalate_until(self.now)
        if report.kel is not None and fate != REJECT:
            self.last_by_place[(report.cat.id, report.kel.id)] = (d.id, d.received_at, d.tracking)

    def _received(self, report: Report) -> ev.TicketReceived:
        """The intake event: from the channel, or from the counter's officer."""
        d, chan = report.draft, report.channel
        if report.online:
            intake_actor = self.world.channel_actor[chan.code]
        else:
            intake_actor = Actor(
                kind=ActorKind.USER, label=f"Petugas loket {chan.name}", role=Role.OFFICER
            )
        return ev.TicketReceived(
            ticket_id=d.id, at=d.received_at, actor=intake_actor, from_status=None,
            to_status=Status.WAITING, note="", channel=chan.code,
            assigned_unit_id=d.assigned_unit_id, routed_by=d.routed_by,
        )  # fmt: skip

    # --- the state machine ------------------------------------------------------------

    def _record(self, event: ev.TicketEvent) -> None:
        values = event_values(event)
        if event.kind not in self.checked_kinds:
            check_event_values(event, values)
            self.checked_kinds.add(event.kind)
        values["id"] = self.next_event_id
        self.next_event_id += 1
        self.rows.events.append(values)
        apply_event(self.d, event)  # type: ignore[arg-type]
        self.d.version += 1

    def _apply(self, action: wf.Action, actor: Actor, at: datetime) -> ev.TicketEvent:
        event = wf.transition(state_of(self.d), action, actor, at)  # type: ignore[arg-type]
        self._record(event)
        self.last_at = at
        return event

    def do(self, at: datetime, action: wf.Action, actor: Actor) -> ev.TicketEvent:
        """One step at `at`, after any escalation due before it; halt past `now`."""
        if at <= self.last_at:
            at = self.last_at + timedelta(seconds=self.rng.randrange(30, 600))
        if at > self.now:
            raise _Halt
        self._escalate_until(at)
        return self._apply(action, actor, at)

    def _escalate_until(self, t: datetime) -> None:
        """What the escalate job would have recorded before `t` (the same rule)."""
        d = self.d
        clocks = clocks_of(d)  # type: ignore[arg-type]
        for due in sla.due_escalations(clocks, t):
            key = (due.level, due.cycle_start)
            if key in self.raised:
                continue
            self.raised.add(key)
            # The job runs every minute: it notices within a minute of the due time.
            at = min(max(due.due_at, self.last_at) + timedelta(seconds=self.rng.randrange(60)), t)
            notify = d.assigned_unit_id
            unit = self.world.units.get(notify) if notify is not None else None
            if (
                due.level == "level2"
                and unit is not None
                and unit.kind in ("kelurahan", "kecamatan")
            ):
                notify = unit.parent_id
            self._apply(
                wf.Escalate(level=due.level, due_at=due.due_at, notify_unit_id=notify),
                Actor.system("Sistem eskalasi"),
                at,
            )
            self.rows.escalations.append(
                {
                    "ticket_id": d.id,
                    "level": due.level,
                    "cycle_start": due.cycle_start,
                    "at": at,
                    "unit_id": notify,
                }
            )
            if due.level == "level2" and self.rng.random() < WARNING_SHARE:
                warn_at = due.due_at + hours(self.rng.uniform(0.5, 8.0))
                if self.last_at < warn_at < t:
                    self._apply(
                        wf.AddNote(text=WARNING_TEXT, kind="warning"),
                        self.world.mro(warn_at),
                        warn_at,
                    )

    # --- durations ------------------------------------------------------------------

    def _response_h(self, response_hours: int) -> float:
        rng = self.rng
        if rng.random() < RESPONSE_ON_TIME:
            return max(0.05, response_hours * rng.random() ** 1.6)
        return response_hours + rng.expovariate(1 / RESPONSE_LATE_MEAN_H)

    def _second_unit_h(self) -> float:
        rng = self.rng
        if rng.random() < SECOND_UNIT_ON_TIME:
            return rng.uniform(0.2, 6.0)
        return 6.0 + rng.expovariate(1 / 14.0)

    def _handling_h(self) -> float:
        rng, cat = self.rng, self.cat
        u = rng.random()
        p_tail = TAIL_K * cat.unresolved_share
        p_slow = SLOW_K * cat.unresolved_share
        if u < p_tail:
            return 336.0 + rng.expovariate(1 / TAIL_MEAN_H)
        if u < p_tail + p_slow:
            return rng.uniform(168.0, 336.0)
        mu = math.log(BASE_MEDIAN_H[cat.weight])
        while True:
            t = rng.lognormvariate(mu, BASE_SIGMA)
            if t <= 168.0:
                return t

    def _validation_h(self) -> float:
        rng = self.rng
        if rng.random() < VALIDATION_SLOW_SHARE:
            return rng.uniform(48.0, 120.0)
        return min(47.0, rng.lognormvariate(math.log(VALIDATION_MEDIAN_H), 0.9))

    # --- rejection and the unit's first action ------------------------------------------

    def _reject(self) -> None:
        """A duplicate of a recent ticket at the same place, or spam the MRO rejects."""
        d, rng = self.d, self.rng
        original = self.last_by_place.get((self.cat.id, d.kelurahan_id)) if self.kel else None
        if (
            original is not None
            and d.received_at - original[1] <= DUPLICATE_WINDOW
            and rng.random() < 0.7
        ):
            at = d.received_at + hours(self._response_h(self.cat.response_hours))
            self.do(
                at,
                wf.Reject(reason=f"Laporan ganda dengan tiket {original[2]}.",
                          duplicate_of_id=original[0]),
                self.world.officer(d.assigned_unit_id),
            )  # fmt: skip
        else:
            at = d.received_at + hours(rng.uniform(0.2, 4.0))
            self.do(at, wf.Reject(reason=rng.choice(SPAM_REASONS)), self.world.mro(at))

    def _work(self, fate: str) -> None:
        """The unit responds, works (coordinating or under an EWS) and completes."""
        t = self.d.received_at + hours(self._response_h(self.cat.response_hours))
        first = self._first_action(fate, t)
        if first is None:
            return
        t, coordinated = first
        # The unit that works it from here on (after a disposition: the agency).
        actor = self.world.officer(self.d.assigned_unit_id)
        ews = False
        if not coordinated:
            during = self._during_work(fate, t, actor)
            if during is None:
                return
            t, ews = during
        self._complete(t, ews, actor)

    def _first_action(self, fate: str, t: datetime) -> tuple[datetime, bool] | None:
        """Dispose, hand back, coordinate or start work; None when the fate stops there.

        Returns the time of the last step and whether the ticket is coordinated.
        """
        rng, cat, kel = self.rng, self.cat, self.kel
        lead = self.d.assigned_unit_id
        lead_is_kel = self.world.units[lead].kind == "kelurahan"
        if fate == "dispositioned" or (
            fate == NORMAL and lead_is_kel and rng.random() < DISPOSE_SHARE[cat.weight]
        ):
            return self._dispose_first(fate, t, lead)
        if fate == NORMAL and kel is not None and rng.random() < HANDBACK_SHARE:
            return self._hand_back_first(t, lead, lead_is_kel, kel.id), False
        if (fate == "coordinating" and rng.random() < COORDINATE_FIRST_SHARE) or (
            fate == NORMAL and rng.random() < COORDINATE_SHARE * COORDINATE_FIRST_SHARE
        ):
            units = self._support_units(lead)
            self.do(t, wf.Coordinate(unit_ids=units, note=self._coordinate_note(units)),
                    self.world.officer(lead))  # fmt: skip
            return None if fate == "coordinating" else (t, True)
        self.do(t, wf.StartWork(note=rng.choice(START_NOTES)), self.world.officer(lead))
        return None if fate == "in_progress" else (t, False)

    def _dispose_first(self, fate: str, t: datetime, lead: int) -> tuple[datetime, bool] | None:
        """The kelurahan disposes to the category's agency, which starts work."""
        agency = self.cat.agency_id
        self.do(
            t,
            wf.Dispose(to_unit_id=agency,
                       reason=f"Penanganan merupakan kewenangan "
                              f"{self.world.units[agency].name}; didisposisikan."),
            self.world.officer(lead),
        )  # fmt: skip
        if fate == "dispositioned":
            return None
        t += hours(self._second_unit_h())
        self.do(t, wf.StartWork(note=self.rng.choice(START_NOTES)), self.world.officer(agency))
        return t, False

    def _hand_back_first(self, t: datetime, lead: int, lead_is_kel: bool, kel_id: int) -> datetime:
        """Not this unit's job: handed back, the MRO routes it on, the other unit starts."""
        units = self.world.units
        alt = self.cat.agency_id if lead_is_kel else kel_id
        why = (
            f"Bukan kewenangan kelurahan; objek laporan adalah aset "
            f"{units[self.cat.agency_id].name}."
            if lead_is_kel
            else "Bukan kewenangan unit ini; perlu ditangani di tingkat kelurahan."
        )
        self.do(t, wf.HandBack(reason=why), self.world.officer(lead))
        t += hours(self.rng.uniform(0.2, 3.0))
        self.do(
            t,
            wf.Dispose(to_unit_id=alt,
                       reason=f"Diteruskan ke {units[alt].display_name} "
                              f"sesuai kewenangan (telaah MRO)."),
            self.world.mro(t),
        )  # fmt: skip
        t += hours(self._second_unit_h())
        self.do(t, wf.StartWork(note=self.rng.choice(START_NOTES)), self.world.officer(alt))
        return t

    def _support_units(self, lead: int) -> tuple[int, ...]:
        rng, cat, kel, world = self.rng, self.cat, self.kel, self.world
        units: list[int | None] = []
        if world.units[lead].kind == "kelurahan":
            units.append(cat.agency_id)
            if rng.random() < 0.4:
                units.append(rng.choice([*world.support_pool, world.units[lead].parent_id]))
        else:
            if kel is not None:
                units.append(kel.id)
            units.append(rng.choice(world.support_pool))
        out = tuple(dict.fromkeys(u for u in units if u is not None and u != lead))
        return out or tuple(u for u in world.support_pool if u != lead)[:1]

    def _coordinate_note(self, units: tuple[int, ...]) -> str:
        names = ", ".join(self.world.units[u].display_name for u in units)
        return f"Mohon dukungan {names} untuk penanganan bersama di lokasi."

    # --- work and completion ----------------------------------------------------------

    def _during_work(self, fate: str, t: datetime, actor: Actor) -> tuple[datetime, bool] | None:
        """While in progress: a coordination or an EWS; None when the fate stops there.

        Returns the time of the last step and whether an EWS was set.
        """
        rng, cat = self.rng, self.cat
        if fate == "coordinating" or (fate == NORMAL and rng.random() < COORDINATE_SHARE):
            t += hours(rng.lognormvariate(math.log(3.0), 1.0))
            units = self._support_units(self.d.assigned_unit_id)
            self.do(t, wf.Coordinate(unit_ids=units, note=self._coordinate_note(units)),
                    actor)  # fmt: skip
            return None if fate == "coordinating" else (t, False)
        if fate == "ews" or (fate == NORMAL and rng.random() < EWS_SHARE[cat.weight]):
            t += hours(rng.uniform(1.0, 72.0))
            received = self.d.received_at
            if fate == "ews":
                ews_at = received + timedelta(days=rng.uniform(30.0, 150.0))
            elif cat.weight >= 3:
                ews_at = received + timedelta(days=rng.uniform(14.0, 45.0))
            else:
                ews_at = received + timedelta(days=rng.uniform(10.0, 30.0))
            ews_at = max(ews_at, t + timedelta(days=3)).replace(microsecond=0)
            self.do(t, wf.SetEws(ews_at=ews_at, reason=rng.choice(EWS_REASONS)), actor)
            return None if fate == "ews" else (t, True)
        return t, False

    def _complete(self, t: datetime, ews: bool, actor: Actor) -> None:
        """The unit completes (by the EWS date, or after its handling time); then checks."""
        d, rng = self.d, self.rng
        if ews:
            assert d.ews_at is not None
            if rng.random() < 0.8:
                done = t + (d.ews_at - t) * rng.uniform(0.35, 1.0)
            else:
                done = d.ews_at + hours(rng.expovariate(1 / 144.0))
        else:
            done = d.received_at + hours(self._handling_h())
        done = max(done, t + hours(0.25 + rng.expovariate(1 / 1.5)))
        self.do(done, wf.Complete(note=rng.choice(self.cat.notes), photo_count=1), actor)
        self._after_completion(done)

    # --- validation, rating and reopening --------------------------------------------

    def _after_completion(self, done: datetime) -> None:
        rng = self.rng
        rate_at = None
        can_rate = self.chan_online or self.d.confidentiality == Confidentiality.CONFIDENTIAL.value
        if can_rate and rng.random() < RATED_SHARE:
            rate_at = done + hours(rng.lognormvariate(math.log(12.0), 1.0))
        verify_at = done + hours(self._validation_h())
        if rate_at is not None and rate_at < verify_at:
            if self._rate(rate_at):
                self._review(rate_at)
                return
            rate_at = None
        if rng.random() < VALIDATOR_REOPEN_SHARE:
            self._reopen(verify_at, rng.choice(REOPEN_REASONS))
            return
        self._verify(verify_at)
        if rate_at is not None and self._rate(max(rate_at, self.last_at)):
            self._review(self.last_at)

    def _validator(self) -> Actor:
        return self.world.validator(self.d.handling_kota_id)

    def _verify(self, at: datetime) -> None:
        field_verified = self.rng.random() < FIELD_VERIFIED_SHARE
        note = FIELD_VERIFY_NOTE if field_verified else self.rng.choice(VERIFY_NOTES)
        self.do(at, wf.Verify(note=note, field_verified=field_verified), self._validator())

    def _reopen(self, at: datetime, reason: str) -> None:
        if at <= self.last_at:
            at = self.last_at + hours(0.1)
        self.do(at, wf.Reopen(reason=reason, redo_due_at=sla.redo_due(at)), self._validator())
        # The unit redoes the work and completes again; the validator verifies.
        rng = self.rng
        age_days = (self.now - at).total_seconds() / 86_400
        if rng.random() < REDO_STUCK_SHARE * math.exp(-age_days / 14.0):
            return  # left untouched: unworked since the reopen
        t = self.last_at + hours(rng.lognormvariate(math.log(6.0), 0.9))
        actor = self.world.officer(self.d.assigned_unit_id)
        self.do(t, wf.StartWork(note="Dikerjakan ulang sesuai catatan validator."), actor)
        t += hours(rng.lognormvariate(math.log(10.0), 0.8))
        self.do(t, wf.Complete(note=rng.choice(self.cat.notes), photo_count=1), actor)
        self._verify(t + hours(self._validation_h()))

    def _rate(self, at: datetime) -> bool:
        """The reporter (or their channel) rates; True when it reopens the ticket."""
        rng = self.rng
        rating = RATINGS[bisect(RATING_CUM, rng.random() * RATING_CUM[-1])]
        fixed = rating > self.threshold or rng.random() < 0.4
        if not fixed:
            comment = rng.choice(LOW_RATING_COMMENTS)
        elif rating <= 3:
            comment = rng.choice(SLOW_COMMENTS)
        else:
            comment = rng.choice(GOOD_COMMENTS)
        if self.d.confidentiality == Confidentiality.CONFIDENTIAL.value:
            actor = Actor.reporter()
        else:
            actor = self.world.channel_actor[self.chan_code]
        event = self.do(
            at,
            wf.Rate(rating=rating, fixed=fixed, comment=comment, threshold=self.threshold),
            actor,
        )
        if not getattr(event, "low", False):
            return False
        # The reopen-low-rated job sends it back to the validator within minutes.
        back = at + timedelta(seconds=self.rng.randrange(30, 300))
        completion_at = self.d.completed_at
        self.do(back, wf.ReturnForReview(reason="low_rating"), Actor.system("Sistem validasi"))
        self.rows.flags.append(
            {
                "ticket_id": self.d.id,
                "reason": "low_rating",
                "completion_at": completion_at,
                "at": back,
                "detail": {"rating": event.rating if isinstance(event, ev.TicketRated) else None},
            }
        )
        return True

    def _review(self, after: datetime) -> None:
        """The validator reviews a low rating: accept the completion, or confirm a reopen."""
        at = after + hours(self._validation_h())
        if self.rng.random() < LOW_RATING_CONFIRM_SHARE:
            self._reopen(at, REVIEW_REOPEN_REASON)
        else:
            self.do(at, wf.Verify(note=REVIEW_ACCEPT_NOTE), self._validator())
