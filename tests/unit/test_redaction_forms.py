"""The reporter's own phone and e-mail never survive redaction, however they are
typed; ordinary text (street numbers, dates, RT/RW, amounts) is left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.redaction import EMAIL_MASK, PHONE_MASK, national_digits, redact

NAME = "Budi Santoso"
PHONE = "+62 899-7766-5544"
EMAIL = "budi.s88@gmail.com"
OWN = {"names": [NAME], "extra": [PHONE, EMAIL]}


@pytest.mark.parametrize(
    ("typed", "mask"),
    [
        ("+62.899.7766.5544", PHONE_MASK),
        ("0 8 9 9 7 7 6 6 5 5 4 4", PHONE_MASK),
        ("62-899-7766-5544", PHONE_MASK),
        ("(0899) 7766/5544", PHONE_MASK),
        ("budi.s88 at gmail dot com", EMAIL_MASK),
        ("budi.s88(at)gmail(dot)com", EMAIL_MASK),
        ("budi.s88 [at] gmail [dot] com", EMAIL_MASK),
        ("budi.s88 @ gmail . com", EMAIL_MASK),
        ("BUDI.S88 AT GMAIL DOT COM", EMAIL_MASK),
        ("budi dot s88 di gmail titik com", EMAIL_MASK),
        ("cari saja budi.s88 di medsos", EMAIL_MASK),
    ],
)
def test_the_reporters_own_contact_is_masked_in_the_forms_people_type(
    typed: str, mask: str
) -> None:
    out = redact(f"Tolong hubungi saya di {typed} ya, terima kasih.", **OWN)

    assert mask in out
    assert "7766" not in out and "s88" not in out.lower()
    assert out.startswith("Tolong hubungi saya di ") and out.endswith(" ya, terima kasih.")


@pytest.mark.parametrize(
    "typed",
    [
        "nama at gmail dot com",
        "nama(at)gmail(dot)com",
        "nama [at] gmail [dot] com",
        "nama @ gmail . com",
        "nama@gmail.com",
    ],
)
def test_spelled_out_addresses_are_masked_without_knowing_the_reporter(typed: str) -> None:
    out = redact(f"email saya {typed}, terima kasih")

    assert out == f"email saya {EMAIL_MASK}, terima kasih"


@pytest.mark.parametrize(
    "typed", ["+62.812.3456.7890", "0 8 1 2 3 4 5 6 7 8 9 0", "0812 3456 7890", "(021) 555 1234"]
)
def test_phone_numbers_in_common_forms_are_masked_without_knowing_the_reporter(
    typed: str,
) -> None:
    assert redact(f"telp {typed} ya") == f"telp {PHONE_MASK} ya"


ORDINARY = [
    "Jl. Melati No. 12 RT 03/RW 05, Kelurahan Utan Kayu Utara",
    "Sejak tanggal 12-03-2024 pukul 14.30 air meluap setinggi 40 cm.",
    "Kerugian warga sekitar Rp 1.500.000, lubang 2 x 3 meter.",
    "Laporan 08/03/2024 belum ditanggapi; sudah 3 kali lapor sejak 2019.",
    "Kami at rumah. Besok pagi dicek lagi.",
    "Gang 7 RT 011/RW 004 dekat Masjid Al-Ikhlas, tiang listrik No. 0815.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text, **OWN) == text


# --- properties -----------------------------------------------------------------------

separators = st.sampled_from(["", " ", "  ", ".", "-", " - ", "/", "(", ")", ") ", "_", ", "])
nationals = st.from_regex(r"\A8[1-9][0-9]{7,10}\Z", fullmatch=True)
prefixes = st.sampled_from(["0", "62", "+62", "+62 ", "(+62) ", "0062", "", "+ 62"])
fillers = st.sampled_from(
    [
        "",
        "Tolong hubungi ",
        "Jl. Melati No. 12 RT 03/RW 05, telp ",
        "kemarin 12-03-2024 pukul 14.30 nomor saya: ",
    ]
)


def spaced(national: str, prefix: str, seps: list[str]) -> str:
    out = prefix + (seps[-1] if prefix else "")
    for i, digit in enumerate(national):
        out += digit + (seps[i % len(seps)] if i < len(national) - 1 else "")
    return out


def survives(national: str, text: str) -> bool:
    """Whether the digit sequence is still in the text, whatever separates it."""
    return re.search(r"[\W_]*".join(national), text) is not None


@settings(max_examples=120, deadline=None)
@given(
    national=nationals,
    stored_prefix=prefixes,
    typed_prefix=prefixes,
    stored_seps=st.lists(separators, min_size=1, max_size=4),
    typed_seps=st.lists(separators, min_size=1, max_size=6),
    before=fillers,
    after=st.sampled_from(["", " ya.", " (WA) terima kasih", ". Rumah No. 7"]),
)
def test_the_reporters_phone_never_survives_whatever_separates_its_digits(
    national: str,
    stored_prefix: str,
    typed_prefix: str,
    stored_seps: list[str],
    typed_seps: list[str],
    before: str,
    after: str,
) -> None:
    stored = spaced(national, stored_prefix, stored_seps)
    typed = spaced(national, typed_prefix, typed_seps)
    assert national_digits(stored) == national

    out = redact(before + typed + after, names=["Sri Wahyuni"], extra=[stored])

    assert not survives(national, out), (typed, out)
    assert PHONE_MASK in out


at_forms = st.sampled_from(["@", " @ ", " at ", " AT ", "(at)", " (at) ", "[at]", " [at] ", "{at}"])
dot_forms = st.sampled_from([".", " . ", " dot ", " DOT ", "(dot)", " (dot) ", "[dot]", " [dot] "])
locals_ = st.from_regex(r"\A[a-z][a-z0-9_]{3,12}(\.[a-z0-9]{2,6})?\Z", fullmatch=True)
domains = st.sampled_from(
    [("gmail", "com"), ("yahoo", "co", "id"), ("mail", "go", "id"), ("outlook", "com")]
)


@settings(max_examples=120, deadline=None)
@given(
    local=locals_,
    domain=domains,
    at=at_forms,
    dots=st.lists(dot_forms, min_size=1, max_size=3),
    before=fillers,
    after=st.sampled_from([" ya", ". Terima kasih.", ", atau WA saja", ".", ""]),
)
def test_the_reporters_email_never_survives_spelled_out(
    local: str, domain: tuple[str, ...], at: str, dots: list[str], before: str, after: str
) -> None:
    email = f"{local}@{'.'.join(domain)}"
    typed = (
        local
        + at
        + "".join(
            part + (dots[i % len(dots)] if i < len(domain) - 1 else "")
            for i, part in enumerate(domain)
        )
    )

    out = redact(f"{before}{typed}{after}", names=["Sri Wahyuni"], extra=[email])

    assert local not in out.lower(), (typed, out)
    # The whole address goes, and nothing after it: "…dot com. Terima kasih."
    assert out == f"{before}{EMAIL_MASK}{after}", (typed, out)


@settings(max_examples=80, deadline=None)
@given(
    rt=st.integers(1, 30),
    rw=st.integers(1, 20),
    number=st.integers(1, 250),
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(2015, 2030),
    rupiah=st.integers(1, 999_999_999),
    national=nationals,
)
def test_addresses_dates_and_amounts_survive_with_any_reporter_phone(
    rt: int, rw: int, number: int, day: int, month: int, year: int, rupiah: int, national: str
) -> None:
    amount = f"{rupiah:,}".replace(",", ".")
    text = (
        f"Jl. Kenanga No. {number} RT {rt:02d}/RW {rw:02d}, sejak {day:02d}-{month:02d}-{year}"
        f" pukul {day % 24:02d}.{month * 4:02d}, kerugian Rp {amount}."
    )

    assert redact(text, names=["Sri Wahyuni"], extra=["0" + national]) == text
