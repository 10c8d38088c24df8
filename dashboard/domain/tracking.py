"""Public tracking numbers: short, readable over the phone, not sequential."""

from __future__ import annotations

import random
import re
from datetime import datetime

# Crockford base32 without I, L, O, U: no look-alikes when read aloud.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# JKT-YYMM-XXXXXX as stored (make_tracking).
TRACKING_RE = re.compile(rf"^JKT-([0-9]{{4}})-([{ALPHABET}]{{6}})$")
# Read aloud or typed from a phone: the look-alikes the alphabet leaves out.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def make_tracking(received_at: datetime, rng: random.Random | None = None) -> str:
    """E.g. ``JKT-2611-7K3QXM``: year and month received, six random symbols."""
    rng = rng or random.SystemRandom()
    tail = "".join(rng.choice(ALPHABET) for _ in range(6))
    return f"JKT-{received_at:%y%m}-{tail}"


def normalise_tracking(text: str) -> str:
    return text.strip().upper().replace(" ", "")


def parse_tracking(text: str) -> str | None:
    """A tracking number as stored (JKT-2611-7K3QXM), or None if it cannot be one.

    Forgives what people type: lower case, spaces, missing or long dashes, and
    the look-alikes O/I/L (and U) in the random part.
    """
    compact = normalise_tracking(text).replace("–", "-").replace("—", "-")
    parts = re.match(r"^JKT-?([0-9]{4})-?([0-9A-Z]{6})$", compact)
    if parts is None:
        return None
    tail = parts.group(2).translate(LOOKALIKES)
    candidate = f"JKT-{parts.group(1)}-{tail}"
    return candidate if TRACKING_RE.match(candidate) else None
