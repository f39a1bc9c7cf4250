"""Drift classification between two runs, and the exit code a baseline run gets."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from m365gov.drift import compare_results
from m365gov.results import Finding, PolicyInfo, Results, WaiverRef
from m365gov.statuses import FAIL, MISSING_PERMISSION, NOT_APPLICABLE, NOT_EVALUATED, PASS, WAIVED
from tests.support.results import AT, finding, policy, sample

POLICIES = (policy("RES-003"), policy("RES-005", severity="medium", view="groups"))


def run(*findings: Finding, days: int = 0, policies: tuple[PolicyInfo, ...] = POLICIES) -> Results:
    base = sample(at=AT + timedelta(days=days))
    generator = {"name": "x", "version": str(days)}
    return dataclasses.replace(base, findings=tuple(findings), policies=policies, generator=generator)


def changes(old: Results, new: Results) -> dict[str, list[str]]:
    report = compare_results(old, new)
    return {c: [e.resource_id for e in report.of(c)] for c in report.counts() if report.of(c)}


def test_identical_runs_at_different_times_have_no_drift_but_known_failures() -> None:
    old = run(finding("RES-003", "u1", PASS), finding("RES-003", "u2", FAIL))
    new = run(finding("RES-003", "u1", PASS), finding("RES-003", "u2", FAIL), days=1)
    report = compare_results(old, new)
    assert changes(old, new) == {"still_failing": ["u2"]} and report.exit_code() == 0


def test_reordered_arrays_and_nulls_are_not_changes() -> None:
    old = run(finding("RES-003", "u2", FAIL, observed={"plans": ["a", "b"], "pdl": None}))
    new = run(finding("RES-003", "u2", FAIL, observed={"plans": ["b", "a"]}), days=1)
    assert changes(old, new) == {"still_failing": ["u2"]}


def test_new_fixed_still_and_changed_are_told_apart() -> None:
    old = run(
        finding("RES-003", "u1", PASS),
        finding("RES-003", "u2", FAIL),
        finding("RES-003", "u3", FAIL),
        finding("RES-003", "u4", FAIL, observed={"usageLocation": "BE"}),
    )
    new = run(
        finding("RES-003", "u1", FAIL),
        finding("RES-003", "u2", PASS),
        finding("RES-003", "u3", FAIL),
        finding("RES-003", "u4", FAIL, observed={"usageLocation": "DE"}),
        finding("RES-003", "u5", FAIL),
    )
    assert changes(old, new) == {
        "new_failure": ["u1", "u5"],
        "changed": ["u4"],
        "still_failing": ["u3"],
        "fixed": ["u2"],
    }
    changed = compare_results(old, new).of("changed")[0]
    assert changed.old is not None and changed.new is not None
    assert (changed.old.observed, changed.new.observed, changed.expected) == (
        {"usageLocation": "BE"},
        {"usageLocation": "DE"},
        'usageLocation in ["FR"]',
    )


def test_a_new_failure_fails_the_baseline_run() -> None:
    old = run(finding("RES-003", "u1", PASS))
    new = run(finding("RES-003", "u1", FAIL))
    assert compare_results(old, new).exit_code() == 1


def test_only_regressions_at_or_above_fail_on_count() -> None:
    old = run(finding("RES-005", "g1", PASS, severity="medium", view="groups"))
    new = run(finding("RES-005", "g1", FAIL, severity="medium", view="groups"))
    assert compare_results(old, new, fail_on="high").exit_code() == 0
    assert compare_results(old, new, fail_on="medium").exit_code() == 1


def test_waived_failures_and_lapsed_waivers_are_known_failures() -> None:
    waiver = WaiverRef("W-1", "r", "DGS", "Waiver", "2027-01-01")
    old = run(finding("RES-003", "u1", WAIVED, waiver=waiver), finding("RES-003", "u2", FAIL))
    new = run(finding("RES-003", "u1", FAIL), finding("RES-003", "u2", WAIVED, waiver=waiver))
    report = compare_results(old, new)
    assert changes(old, new) == {"still_failing": ["u1", "u2"]} and report.exit_code() == 0


def test_lost_evidence_where_the_baseline_had_it_fails_the_run() -> None:
    old = run(finding("RES-003", "u1", PASS), finding("RES-003", "u2", FAIL))
    gap = finding("RES-003", "*", NOT_EVALUATED, "", reason=MISSING_PERMISSION, observed={})
    new = run(gap)
    report = compare_results(old, new)
    (entry,) = report.entries  # the failing u2 is not reported as gone: nobody could look
    assert entry.change == "new_not_evaluated" and entry.old is not None
    assert entry.old.counts == {"pass": 1, "fail": 1, "waived": 0, "not_evaluated": 0}
    assert report.exit_code() == 1


def test_lost_evidence_for_one_resource_fails_the_run() -> None:
    old = run(finding("RES-003", "u1", PASS))
    new = run(finding("RES-003", "u1", NOT_EVALUATED, reason=MISSING_PERMISSION, observed={}))
    assert changes(old, new) == {"new_not_evaluated": ["u1"]} and compare_results(old, new).exit_code() == 1


def test_evidence_still_missing_is_not_a_regression() -> None:
    gap = finding("RES-003", "*", NOT_EVALUATED, "", reason=MISSING_PERMISSION, observed={})
    assert compare_results(run(gap), run(gap, days=1)).exit_code() == 0


def test_a_policy_that_no_longer_applies_is_not_a_regression() -> None:
    old = run(finding("RES-003", "u1", PASS))
    new = run(finding("RES-003", "*", NOT_EVALUATED, "", reason=NOT_APPLICABLE, observed={}))
    report = compare_results(old, new)
    assert [e.change for e in report.entries] == ["new_not_evaluated"] and report.exit_code() == 0


def test_a_failing_resource_that_disappeared_is_gone() -> None:
    old = run(finding("RES-003", "u1", PASS), finding("RES-003", "u2", FAIL))
    new = run(finding("RES-003", "u1", PASS))
    assert changes(old, new) == {"gone": ["u2"]} and compare_results(old, new).exit_code() == 0


def test_the_json_form_lists_counts_and_regressions() -> None:
    old = run(finding("RES-003", "u1", PASS))
    new = run(finding("RES-003", "u1", FAIL))
    doc = compare_results(old, new).to_json()
    assert doc["schema"] == "m365gov/drift@1" and doc["regressions"] == 1
    assert doc["counts"]["new_failure"] == 1 and doc["entries"][0]["regression"] is True
    assert doc["entries"][0]["old"]["status"] == "pass" and doc["entries"][0]["new"]["status"] == "fail"
