"""The one formatting module: the same value reads the same on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dashboard import formatting as fmt


def test_numbers_group_the_readers_way() -> None:
    assert fmt.number(20000) == "20.000"
    assert fmt.number(1 / 3 * 100, 1) == "33,3"
    assert fmt.number(20000, lang="en") == "20,000"
    assert fmt.number(1234.5, 1, "en") == "1,234.5"


def test_percent_and_signed_changes() -> None:
    assert fmt.percent(1 / 3) == "33,3 %"
    assert fmt.percent(1 / 3, lang="en") == "33.3%"
    assert fmt.percent(None) == "—"
    assert fmt.signed(0.04, 1) == "0,0"  # rounds to zero: no sign
    assert fmt.signed(-1.5, 1) == "−1,5"
    assert fmt.figure(0.012, "delta_pp") == "+1,2 poin"
    assert fmt.figure(0.012, "delta_pp", "en") == "+1.2 pp"


def test_dates_are_jakarta_days_in_the_readers_months() -> None:
    late = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 1 Jan 2027 00:30 WIB
    assert fmt.wib(late) == "1 Jan 2027 00:30 WIB"
    assert fmt.wib(late, with_time=False) == "1 Jan 2027"
    assert fmt.wib(late.isoformat()) == "1 Jan 2027 00:30 WIB"
    assert fmt.wib(None) == "—"
    assert fmt.wib_day_long("2026-08-15T03:00:00+00:00") == "15 Agustus 2026"
    assert fmt.wib_day_long("2026-08-15T03:00:00+00:00", "en") == "15 August 2026"
    assert fmt.wib_day_long(None) == "—"
    assert fmt.period(date(2026, 5, 1), date(2026, 5, 1)) == "1 Mei 2026"
    assert fmt.period(date(2026, 5, 1), date(2026, 5, 31), "en") == "1 May 2026 – 31 May 2026"
    assert fmt.figure(late, "datetime") == "1 Jan 2027 00:30 WIB"
    assert fmt.wall_time(late) == datetime(2027, 1, 1, 0, 30)


def test_durations_drop_minutes_once_days_show() -> None:
    assert fmt.duration_minutes(45) == "45 menit"
    assert fmt.duration_minutes(-(2 * 1440 + 3 * 60 + 7)) == "2 hari 3 jam"
    assert fmt.duration_minutes(0) == "0 menit"
    assert fmt.duration_hours(1.5) == "1 jam 30 menit"
    assert fmt.duration_hours(26, "en") == "1 d 2 h"
    assert fmt.figure(None, "duration") == "—"


def test_figures_by_kind() -> None:
    assert fmt.figure(None, "rank_change") == "baru"
    assert fmt.figure(None, "rank_change", "en") == "new"
    assert fmt.figure(2, "rank_change") == "▲ naik 2"
    assert fmt.figure(-1, "rank_change", "en") == "▼ down 1"
    assert fmt.figure("in_progress", "status") == "Proses"
    assert fmt.figure("no_such_status", "status") == "no_such_status"
    assert fmt.figure(3.456, "rating") == "3,46"
    assert fmt.figure(7, "something_else") == "7"
