"""Public tracking numbers: short, readable over the phone, not sequential."""

from __future__ import annotations

import random
from datetime import datetime

# Crockford base32 without I, L, O, U: no look-alikes when read aloud.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def make_tracking(received_at: datetime, rng: random.Random | None = None) -> str:
    """E.g. ``JKT-2611-7K3QXM``: year and month received, six random symbols."""
    rng = rng or random.SystemRandom()
    tail = "".join(rng.choice(ALPHABET) for _ in range(6))
    return f"JKT-{received_at:%y%m}-{tail}"


def normalise_tracking(text: str) -> str:
    return text.strip().upper().replace(" ", "")
