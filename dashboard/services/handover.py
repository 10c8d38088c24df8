"""Shift handover writes: the outgoing MRO's notes and the incoming MRO's acceptance.

The rules are written in ``domain/handover.py``'s docstring: MRO and admins
write; notes only on a shift that has started and is not yet accepted; the
acceptance not by someone on duty in that shift (a note, or an action on a
ticket during it), not earlier than
half an hour before the shift ends, once per person (again: nothing changes).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..domain import handover as rules
from ..domain.handover import Shift
from ..domain.workflow import Actor, NotPermitted, Role
from ..extensions import db
from ..models import HandoverAck, HandoverNote
from ..queries import handover as reads
from .errors import Conflict, InvalidInput

WRITERS = (Role.MRO, Role.ADMIN)


def _require_writer(actor: Actor) -> None:
    if not actor.has_role(*WRITERS) or actor.user_id is None:
        raise NotPermitted("Hanya MRO dan administrator yang boleh menulis serah terima.")


def _acknowledged(shift: Shift) -> bool:
    return bool(db.session.scalar(select(exists().where(HandoverAck.shift_start == shift.start))))


def add_note(shift: Shift, *, body: str, actor: Actor, now: datetime) -> int:
    """The outgoing MRO leaves a note for the next shift; returns the note's id."""
    _require_writer(actor)
    body = (body or "").strip()
    if not body:
        raise InvalidInput({"catatan": "tulis catatan untuk shift berikutnya"})
    if len(body) > rules.NOTE_MAX_CHARS:
        raise InvalidInput({"catatan": f"paling banyak {rules.NOTE_MAX_CHARS} karakter"})
    if not shift.has_started(now):
        raise Conflict("Shift ini belum dimulai: catatan ditulis selama atau sesudah shift.")
    begin_write()
    if _acknowledged(shift):
        db.session.rollback()
        raise Conflict("Serah terima shift ini sudah diterima: catatan tidak bisa ditambah lagi.")
    note = HandoverNote(
        shift_start=shift.start,
        body=body,
        author_user_id=actor.user_id,
        author_label=actor.label,
        at=now,
    )
    db.session.add(note)
    db.session.commit()
    return note.id


def acknowledge(shift: Shift, *, actor: Actor, now: datetime) -> bool:
    """The incoming MRO accepts the handover; False when they had already (nothing changes)."""
    _require_writer(actor)
    if not shift.ack_open(now):
        raise Conflict("Serah terima baru bisa diterima mulai 30 menit sebelum shift ini berakhir.")
    begin_write()
    mine = select(HandoverAck.id).where(
        HandoverAck.shift_start == shift.start, HandoverAck.user_id == actor.user_id
    )
    if db.session.scalar(mine) is not None:
        db.session.rollback()
        return False
    if reads.worked_in(shift, actor.user_id):
        db.session.rollback()
        raise NotPermitted(
            "Anda bertugas di shift ini (menulis catatan atau menindak tiket): "
            "serah terima diterima MRO shift berikutnya."
        )
    db.session.add(
        HandoverAck(shift_start=shift.start, user_id=actor.user_id, user_label=actor.label, at=now)
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same person, at the same moment, in another tab
        db.session.rollback()
        return False
    return True
