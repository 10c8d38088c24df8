"""Masking personal data in free text before anyone outside the staff reads it.

Citizens write their phone number, e-mail, NIK (the 16-digit national
identity number) or their own name into the description. The public portal
and Open311 show descriptions only through ``redact``: what looks like one of
those is replaced by a bracketed label, and so is every name the reporter gave
in the reporter fields. Over-masking is the safe side: a masked street number
costs little, a leaked phone number cannot be taken back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PHONE_MASK = "[telepon disembunyikan]"
EMAIL_MASK = "[email disembunyikan]"
NIK_MASK = "[NIK disembunyikan]"
NAME_MASK = "[nama disembunyikan]"

_EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
# 16 digits, in one run or grouped (3171 0123 4567 8901, 3171.0123.4567.8901).
_NIK = re.compile(r"(?<!\d)\d{4}(?:[ .\-]?\d{4}){3}(?!\d)|(?<!\d)\d{16}(?!\d)")
# Indonesian phone numbers: +62 / 62 / 0 then 8–13 more digits, with spaces,
# dots, dashes or brackets between groups (+62 812-3456-7890, (021) 555 1234).
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?62|62|\(?0)\s?\)?\s?\(?(?:8\d|21|2[2-9]|[3-9]\d)[\d\s().\-]{5,24}\d"
)
_DIGITS = re.compile(r"\d")
_NAME_TOKEN_MIN = 3


def _mask_phone(match: re.Match[str]) -> str:
    digits = len(_DIGITS.findall(match.group(0)))
    return PHONE_MASK if digits >= 9 else match.group(0)


def name_terms(names: Iterable[str | None]) -> list[str]:
    """The names to mask: each full name and each of its words of 3+ letters, longest first."""
    terms: set[str] = set()
    for name in names:
        if not name:
            continue
        full = " ".join(name.split())
        if len(full) >= _NAME_TOKEN_MIN:
            terms.add(full)
        for word in re.split(r"[\s,.;:/()'\"-]+", full):
            if len(word) >= _NAME_TOKEN_MIN and not word.isdigit():
                terms.add(word)
    return sorted(terms, key=lambda t: (-len(t), t))


def redact(
    text: str | None, *, names: Iterable[str | None] = (), extra: Iterable[str | None] = ()
) -> str:
    """``text`` with e-mail addresses, NIK, phone numbers and the given names masked.

    ``extra`` are other literal strings to mask (the reporter's own phone and
    e-mail as they gave them, in whatever format).
    """
    if not text:
        return ""
    out = text
    for literal in sorted(
        {e.strip() for e in extra if e and len(e.strip()) >= 5}, key=len, reverse=True
    ):
        out = re.sub(
            re.escape(literal),
            PHONE_MASK if "@" not in literal else EMAIL_MASK,
            out,
            flags=re.IGNORECASE,
        )
    out = _EMAIL.sub(EMAIL_MASK, out)
    out = _NIK.sub(NIK_MASK, out)
    out = _PHONE.sub(_mask_phone, out)
    for term in name_terms(names):
        out = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", NAME_MASK, out, flags=re.IGNORECASE)
    # "[nama disembunyikan] [nama disembunyikan]" (a name masked word by word) reads as one.
    out = re.sub(rf"{re.escape(NAME_MASK)}(?:\s+{re.escape(NAME_MASK)})+", NAME_MASK, out)
    return out
