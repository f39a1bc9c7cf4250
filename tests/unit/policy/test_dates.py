"""olderThanDays / withinDays: "now" is the snapshot's time, boundaries exact, time zones honoured."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .support import check

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)  # 30 days before: 2026-02-13T12:00Z


def older(value: object, days: int = 30) -> bool:
    return check({"field": "lastSignIn", "olderThanDays": days}, {"lastSignIn": value}, now=NOW)


def within(value: object, days: int = 30) -> bool:
    return check({"field": "lastSignIn", "withinDays": days}, {"lastSignIn": value}, now=NOW)


def test_older_than_days_is_strictly_before_the_cutoff() -> None:
    assert older("2026-02-13T11:59:59Z")
    assert not older("2026-02-13T12:00:00Z")


def test_within_days_includes_the_cutoff_itself() -> None:
    assert within("2026-02-13T12:00:00Z")
    assert not within("2026-02-13T11:59:59Z")


def test_within_days_includes_future_dates() -> None:
    assert within("2027-01-01T00:00:00Z")


def test_offsets_are_compared_as_instants() -> None:
    # 14:00+02:00 is 12:00Z: exactly at the cutoff.
    assert within("2026-02-13T14:00:00+02:00")
    assert not older("2026-02-13T14:00:00+02:00")
    # 13:59:59+02:00 is 11:59:59Z: just before it.
    assert older("2026-02-13T13:59:59+02:00")


def test_z_and_explicit_utc_offset_are_the_same_instant() -> None:
    assert within("2026-02-13T12:00:00+00:00") and within("2026-02-13T12:00:00Z")


def test_fractional_seconds_from_graph_are_accepted() -> None:
    assert within("2026-03-01T08:15:30.1234567Z")


def test_bare_dates_are_midnight_utc() -> None:
    assert older("2026-02-13")
    assert within("2026-02-14")


def test_now_is_the_given_snapshot_time_not_the_clock() -> None:
    later = datetime(2030, 1, 1, tzinfo=UTC)
    cond = {"field": "lastSignIn", "withinDays": 30}
    assert check(cond, {"lastSignIn": "2026-03-01T00:00:00Z"}, now=NOW)
    assert not check(cond, {"lastSignIn": "2026-03-01T00:00:00Z"}, now=later)


@pytest.mark.parametrize("value", [None, "not a date", "", True, ["2026-01-01"]])
def test_unparseable_or_missing_dates_are_neither_old_nor_recent(value: object) -> None:
    assert not older(value)
    assert not within(value)


def test_missing_date_field_is_false_for_both_operators() -> None:
    assert not check({"field": "lastSignIn", "olderThanDays": 1}, {}, now=NOW)
    assert not check({"field": "lastSignIn", "withinDays": 1}, {}, now=NOW)


def test_zero_days_within_means_now_or_later() -> None:
    assert within("2026-03-15T12:00:00Z", days=0)
    assert not within("2026-03-15T11:59:59Z", days=0)
