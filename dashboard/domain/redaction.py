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
# An address starts where a word starts (which also keeps the search linear).
_EMAIL = re.compile(
    # The ordinary form (spaces allowed around a written-out "at" only).
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+\s*"
    + _AT_MARK
    + r"\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
    # Spelled or spaced: the domain must end in a known top-level domain, so
    # that "kami at rumah. Besok" is not taken for an address.
    r"|(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+\s*(?:" + _AT_MARK + r"|\bat\b)\s*[A-Za-z0-9\-]+"
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
_PHONE_MIN_DIGITS = 6
_LOCAL_PART_MIN = 4
# Digits with whatever a person puts between them (spaces, dots, dashes,
# brackets, slashes: up to four such characters), and a leading "+".
_DIGIT_RUN = re.compile(r"\+?\d(?:[\W_]{0,4}\d)*")
# An address in any spelling: "@" or "at"/"di" (bare or bracketed) and "." or
# "dot"/"titik", with or without spaces. Only the reporter's own address is
# masked through this one; the match is compared with it in plain Python.
_DOT_ANY = r"\s*(?:\.|" + _DOT_WORD + r")\s*"
# A local part and an "at" in any spelling; the domain after it is compared
# label by label with the reporter's own.
_LOCAL_AT = re.compile(
    r"(?<![\w.%+\-])([\w%+\-]+(?:" + _DOT_ANY + r"[\w%+\-]+)*)"
    r"\s*(?:" + _AT_MARK + r"|\bat\b|\bdi\b)\s*",
    re.IGNORECASE,
)
_DOT_SPELLED = re.compile(_DOT_ANY, re.IGNORECASE)
_TOKEN = re.compile(r"(?<![\w.+\-])[\w.%+\-]+")


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


def _mask_own_phone(text: str, phone: str) -> str:
    """The reporter's own number masked by its digit sequence, whatever separates the
    digits, with the 0 / 62 / +62 before it."""
    national = national_digits(phone)
    if len(national) < _PHONE_MIN_DIGITS:
        return text

    def run(match: re.Match[str]) -> str:
        s = match.group(0)
        where = [i for i, c in enumerate(s) if c.isdigit()]
        digits = "".join(s[i] for i in where)
        found = digits.find(national)
        if found < 0:
            return s
        pieces, cursor = [], 0
        while found >= 0:
            first = found
            if digits[max(0, first - 2) : first] == "62":
                first -= 2
            elif digits[max(0, first - 1) : first] == "0":
                first -= 1
            begin = 0 if first == 0 else where[first]
            end = where[found + len(national) - 1] + 1
            pieces += [s[cursor:begin], PHONE_MASK]
            cursor = end
            found = digits.find(national, found + len(national))
        pieces.append(s[cursor:])
        return "".join(pieces)

    return _DIGIT_RUN.sub(run, text)


def _spelled_end(text: str, at: int, parts: list[str]) -> int | None:
    """Where ``parts`` (labels joined by "." in any spelling) end, read from ``at``; None
    if the text there is not them."""
    for i, part in enumerate(parts):
        if i:
            dot = _DOT_SPELLED.match(text, at)
            if dot is None:
                return None
            at = dot.end()
        if text[at : at + len(part)].lower() != part:
            return None
        at += len(part)
    if at < len(text) and (text[at].isalnum() or text[at] in "_-"):
        return None
    return at


def _mask_own_email(text: str, email: str) -> str:
    """The reporter's own address masked in its spelled-out forms, then its local part alone."""
    address = email.strip().lower()
    local, _, domain = address.partition("@")
    if not local or not domain:
        return text
    labels = domain.split(".")

    def token(match: re.Match[str]) -> str:
        word = match.group(0)
        bare = word.rstrip(".")
        return EMAIL_MASK + word[len(bare) :] if bare.lower() == local else word

    # Candidates may overlap ("saya di budi dot s88 di gmail titik com"): one that
    # is not the address is retried from its next character.
    pieces, cursor, at = [], 0, 0
    while (match := _LOCAL_AT.search(text, at)) is not None:
        written = _DOT_SPELLED.sub(".", match.group(1)).lower()
        end = _spelled_end(text, match.end(), labels) if written == local else None
        if end is not None:
            pieces += [text[cursor : match.start()], EMAIL_MASK]
            cursor = at = end
        else:
            at = match.start() + 1
    text = "".join(pieces) + text[cursor:]
    return _TOKEN.sub(token, text) if len(local) >= _LOCAL_PART_MIN else text


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
        out = _mask_own_email(out, literal) if "@" in literal else _mask_own_phone(out, literal)
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
