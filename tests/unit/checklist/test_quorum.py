"""Quorum arithmetic exactly as the regimes state it, at the boundaries."""

from __future__ import annotations

import pytest

from m365gov.checklist.quorum import QuorumRule, project
from tests.unit.checklist.support import regime

ONE_THIRD = regime("emergency-remote").quorum
MAJORITY = regime("in-person-broadcast").quorum


def test_exactly_one_third_of_33_reaches_quorum() -> None:
    assert ONE_THIRD.threshold(33) == 11
    assert project(ONE_THIRD, 33, "config", present=11, represented=0).margin == 0
    assert project(ONE_THIRD, 33, "config", present=11, represented=0).reached
    assert not project(ONE_THIRD, 33, "config", present=10, represented=0).reached


def test_one_third_of_35_needs_12() -> None:
    assert ONE_THIRD.threshold(35) == 12
    assert not project(ONE_THIRD, 35, "config", present=11, represented=0).reached


def test_a_majority_of_33_is_17_and_of_35_is_18() -> None:
    assert (MAJORITY.threshold(33), MAJORITY.threshold(34), MAJORITY.threshold(35)) == (17, 18, 18)
    assert not project(MAJORITY, 33, "config", present=16, represented=0).reached
    assert project(MAJORITY, 33, "config", present=17, represented=0).margin == 0


@pytest.mark.parametrize("n", range(1, 101))
def test_thresholds_are_the_smallest_count_that_satisfies_the_rule(n: int) -> None:
    third, half = ONE_THIRD.threshold(n), MAJORITY.threshold(n)
    assert 3 * third >= n and 3 * (third - 1) < n  # at least n/3
    assert 2 * half > n and 2 * (half - 1) <= n  # more than n/2


def test_represented_members_count_only_when_the_rule_says_so() -> None:
    assert project(MAJORITY, 33, "config", present=15, represented=4).counted == 15
    counting = QuorumRule(1, 3, "atLeast", "remoteReady", True, 0, ("test",), {"fr": "t", "en": "t"})
    p = project(counting, 33, "config", present=9, represented=2)
    assert (p.counted, p.margin, p.reached) == (11, 0, True)


def test_the_formula_is_shown_as_computed() -> None:
    assert ONE_THIRD.formula(33) == "⌈33 × 1/3⌉ = 11"
    assert MAJORITY.formula(35) == "⌊35 × 1/2⌋ + 1 = 18"
