"""Normalisation: array order, null versus missing and timestamp spelling never make drift."""

from __future__ import annotations

from m365gov.drift import normalise, same_evidence


def test_array_order_is_not_drift() -> None:
    assert same_evidence({"plans": ["b", "a", {"x": 1}]}, {"plans": [{"x": 1}, "a", "b"]})


def test_null_and_missing_are_the_same() -> None:
    assert same_evidence({"usageLocation": None, "a": 1}, {"a": 1})
    assert same_evidence({"nested": {"x": None}}, {"nested": {}})


def test_the_same_instant_written_differently_is_the_same() -> None:
    assert same_evidence({"t": "2026-11-28T08:00:00.000Z"}, {"t": "2026-11-28T09:00:00+01:00"})
    assert not same_evidence({"t": "2026-11-28T08:00:00Z"}, {"t": "2026-11-29T08:00:00Z"})


def test_a_real_change_is_drift() -> None:
    assert not same_evidence({"usageLocation": "FR"}, {"usageLocation": "BE"})
    assert not same_evidence({"a": None}, {"a": 0})


def test_integral_floats_equal_integers() -> None:
    assert normalise({"n": 3.0}) == {"n": 3}
