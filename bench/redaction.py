"""Redaction cost: microseconds per description, and the worst inputs an attacker can
send (5,000 characters, the longest description intake accepts). Prints figures.

    PYTHONPATH=. .venv/bin/python bench/redaction.py [--n 3000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from dashboard.domain.redaction import redact

PEOPLE = [
    ("Rina Wulandari", "0857-1234-9876", "rina.w88@gmail.com"),
    ("Budi Santoso", "+62 812 3456 7890", "budi.s@yahoo.co.id"),
    ("Siti Rahmawati", "081299990007", "siti_r@mail.go.id"),
]
TEXTS = [
    "Jalan berlubang besar di depan SD Negeri 05 Jl. Melati No. 12 RT 03/RW 05 sejak "
    "12-11-2026, sudah dua motor jatuh. Kerugian warga Rp 1.500.000.",
    "Saya {name}, hubungi +62.{tail} atau {local} at {domain_spelled}. Got mampet di depan "
    "rumah, air meluap ke jalan setiap hujan sejak pukul 14.30.",
    "Sampah menumpuk di TPS dekat pasar, bau menyengat. WA saya 0 {spaced} ({name}).",
]
ADVERSARIAL = {
    "a.a.a.…": "a." * 2500,
    "aaaa…": "a" * 5000,
    "a@a@…": "a@" * 2500,
    "a at b.…": "a at b." * 714,
    "1.1.1.…": "1." * 2500,
    "a di a di …": "a di " * 1000,
}


def sample(rng: random.Random) -> tuple[str, tuple[str, str, str]]:
    name, phone, email = rng.choice(PEOPLE)
    digits = "".join(c for c in phone if c.isdigit()).removeprefix("62").removeprefix("0")
    local, domain = email.split("@")
    text = rng.choice(TEXTS).format(
        name=name,
        tail=".".join((digits[:3], digits[3:7], digits[7:])),
        local=local,
        domain_spelled=domain.replace(".", " dot "),
        spaced=" ".join(digits),
    )
    return text, (name, phone, email)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    rng = random.Random(7)
    cases = [sample(rng) for _ in range(args.n)]
    times = []
    for text, (name, phone, email) in cases:
        start = time.perf_counter()
        redact(text, names=[name], extra=[phone, email])
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    print(
        f"{args.n} descriptions: p50 {statistics.median(times):.0f} µs, "
        f"p99 {times[int(len(times) * 0.99)]:.0f} µs, max {times[-1]:.0f} µs"
    )
    for label, text in ADVERSARIAL.items():
        start = time.perf_counter()
        redact(text, names=["Budi Santoso"], extra=["081234567890", "budi.s88@gmail.com"])
        print(f"{label:14s} {len(text):5d} chars: {(time.perf_counter() - start) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
