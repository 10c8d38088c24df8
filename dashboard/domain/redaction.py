"""Masking personal data in free text before anyone outside the staff reads it.

Citizens write their phone number, e-mail, NIK (the 16-digit national
identity number) or their own name into the description. The public portal
and Open311 show descriptions only through ``redact``: what looks like one of
those is replaced by a bracketed label, and so is every name the reporter gave
in the reporter fields. Over-masking is the safe side: a masked street number
costs little, a leaked phone number cannot be taken back.

The reporter's own contact is masked in any spelling: their phone by its
digit sequence whatever separates the digits (``+62.899.7766.5544``,
``0 8 9 9 7 7 6 6 5 5 4 4``, with or without the 62 / +62 / 0 prefix), their
e-mail also spelled out (``nama at gmail dot com``, ``nama(at)gmail(dot)com``,
``nama [at] gmail [dot] com``, ``nama @ gmail . com``) and its local part alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PHONE_MASK = "[telepon disembunyikan]"
EMAIL_MASK = "[email disembunyikan]"
NIK_MASK = "[NIK disembunyikan]"
NAME_MASK = "[nama disembunyikan]"

# "@" and "." as people spell them out to dodge scrapers.
_AT_MARK = r"(?:@|[(\[{<]\s*at\s*[)\]}>])"
_DOT_WORD = r"(?:[(\[{<]\s*(?:dot|titik)\s*[)\]}>]|\b(?:dot|titik)\b)"
_TLDS = r"(?:com|net|org|id|co|go|ac|sch|or|web|my|biz|info|edu|gov|mil|io|me|xyz)"
_EMAIL = re.compile(
    # The ordinary form (spaces allowed around a written-out "at" only).
    r"[A-Za-z0-9._%+\-]+\s*" + _AT_MARK + r"\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
    # Spelled or spaced: the domain must end in a known top-level domain, so
    # that "kami at rumah. Besok" is not taken for an address.
    r"|[A-Za-z0-9._%+\-]+\s*(?:" + _AT_MARK + r"|\bat\b)\s*[A-Za-z0-9\-]+"
    r"(?:\s*(?:\.|" + _DOT_WORD + r")\s*[A-Za-z0-9\-]+)*?"
    r"\s*(?:\.|" + _DOT_WORD + r")\s*" + _TLDS + r"\b",
    re.IGNORECASE,
)
# 16 digits, in one run or grouped (3171 0123 4567 8901, 3171.0123.4567.8901).
_NIK = re.compile(r"(?<!\d)\d{4}(?:[ .\-]?\d{4}){3}(?!\d)|(?<!\d)\d{16}(?!\d)")
# Indonesian phone numbers: +62 / 62 / 0 then 8–13 more digits, with spaces,
# dots, dashes or brackets between groups (+62 812-3456-7890, (021) 555 1234,
# +62.812.3456.7890), and mobile numbers typed digit by digit (0 8 1 2 3 …).
_PHONE = re.compile(
    r"(?<![\w+])(?:\+[\s.\-]?62|62|\(?0)[\s.\-]?\)?[\s.\-]?\(?(?:8\d|21|2[2-9]|[3-9]\d)"
    r"[\d\s().\-]{5,24}\d"
    r"|(?<![\w+])(?:\+\s?6\s?2|0)\s?8\s?[1-9](?:\s?\d){7,10}(?!\d)"
)
_DIGITS = re.compile(r"\d")
_NAME_TOKEN_MIN = 3
# Whatever a person puts between the digits of a phone number.
_SEP = r"[\W_]{0,4}"
_PHONE_MIN_DIGITS = 6
_LOCAL_PART_MIN = 4


def _mask_phone(match: re.Match[str]) -> str:
    digits = len(_DIGITS.findall(match.group(0)))
    return PHONE_MASK if digits >= 9 else match.group(0)


def national_digits(phone: str) -> str:
    """The phone number's digits without its country or trunk prefix (0062, 62, 0)."""
    digits = "".join(c for c in phone if c.isdigit())
    for prefix in ("0062", "62", "0"):
        if digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def _own_phone(phone: str) -> re.Pattern[str] | None:
    """The reporter's own number, by its digit sequence, whatever separates the digits."""
    national = national_digits(phone)
    if len(national) < _PHONE_MIN_DIGITS:
        return None
    body = _SEP.join(national)
    return re.compile(rf"(?:(?:\+|00)?6{_SEP}2{_SEP}|0{_SEP})?{body}")


def _own_email(email: str) -> list[re.Pattern[str]]:
    """The reporter's own address in its spelled-out forms, then its local part alone."""
    local, _, domain = email.strip().partition("@")
    if not local or not domain:
        return []
    dot = rf"\s*(?:\.|{_DOT_WORD})\s*"
    at = rf"\s*(?:{_AT_MARK}|\bat\b|\bdi\b)\s*"
    spelled_local = dot.join(re.escape(part) for part in local.split("."))
    spelled_domain = dot.join(re.escape(part) for part in domain.split("."))
    patterns = [re.compile(spelled_local + at + spelled_domain, re.IGNORECASE)]
    if len(local) >= _LOCAL_PART_MIN:
        patterns.append(re.compile(rf"(?<![\w.+\-]){re.escape(local)}(?!\w)", re.IGNORECASE))
    return patterns


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

    ``extra`` are the reporter's own phone and e-mail as they gave them, in
    whatever format: an e-mail (it has an "@") is masked also spelled out and
    by its local part, a phone by its digits whatever separates them; anything
    else is masked as the literal string.
    """
    if not text:
        return ""
    out = text
    for literal in sorted(
        {e.strip() for e in extra if e and len(e.strip()) >= 5}, key=len, reverse=True
    ):
        if "@" in literal:
            for pattern in _own_email(literal):
                out = pattern.sub(EMAIL_MASK, out)
        elif (own := _own_phone(literal)) is not None:
            out = own.sub(PHONE_MASK, out)
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
