"""KPI arithmetic: the quality scale (Skala Mutu Layanan Pengaduan, DESIGN.md §7).

Plain functions on numbers; the read side counts, this module grades.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str


# Floors on the 100-point scale, highest first.
QUALITY_SCALE: tuple[tuple[float, str, str], ...] = (
    (88.31, "A", "Sangat Baik"),
    (76.61, "B", "Baik"),
    (65.00, "C", "Kurang Baik"),
    (0.0, "D", "Tidak Baik"),
)


def grade(score_100: float) -> Grade:
    """A score on 100 as the quality scale's grade (A Sangat Baik … D Tidak Baik)."""
    for floor, letter, label in QUALITY_SCALE:
        if score_100 >= floor:
            return Grade(letter, label)
    return Grade("D", "Tidak Baik")


def rating_to_scale4(mean_rating: float) -> float:
    """A mean 1-5 rating on the 4-point scale: 1 + (r - 1) × 0.75."""
    return 1 + (mean_rating - 1) * 0.75


def rating_to_scale100(mean_rating: float) -> float:
    """The same on the 100-point scale (the 4-point value × 25)."""
    return rating_to_scale4(mean_rating) * 25
