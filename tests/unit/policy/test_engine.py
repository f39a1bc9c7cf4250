"""evaluate(): verdicts, evidence, missing sources, applicability, thresholds, determinism."""

from __future__ import annotations

import json
from typing import Any

import pytest

from m365gov.policy import evaluate
from m365gov.results import POPULATION
from m365gov.snapshot.model import Snapshot, SourceSection
from m365gov.statuses import (
    BETA_UNAVAILABLE,
    CONCEALED_NAMES,
    FAIL,
    MISSING_PERMISSION,
    NOT_APPLICABLE,
    NOT_CONFIGURED,
    NOT_EVALUATED,
    PASS,
    SOURCE_ERROR,
)
from m365gov.views.base import Resource

from .support import VIEWS, FakeUsers, compiled, run, snapshot, user

USERS = [
    user("u2", usageLocation="BE", department="Finances"),
    user("u1", usageLocation="FR", department="Culture"),
    user("u3", licensed=False, usageLocation=None),
]


def statuses(results: Any) -> dict[str, str]:
    return {f.resource.id: f.status for f in results.findings}


def test_each_resource_in_scope_passes_or_fails() -> None:
    assert statuses(run(USERS, compiled())) == {"u1": PASS, "u2": FAIL}


def test_findings_are_sorted_by_policy_then_resource_id() -> None:
    results = run(USERS, compiled(id="RES-009"), compiled(id="RES-001"))
    assert [(f.policy, f.resource.id) for f in results.findings] == [
        ("RES-001", "u1"),
        ("RES-001", "u2"),
        ("RES-009", "u1"),
        ("RES-009", "u2"),
    ]


def test_observed_holds_every_path_the_assert_reads_and_the_evidence() -> None:
    cp = compiled(evidence=["userPrincipalName", "department"])
    finding = next(f for f in run(USERS, cp).findings if f.resource.id == "u2")
    assert finding.observed == {"usageLocation": "BE", "userPrincipalName": "u2@ville.fr", "department": "Finances"}
    assert finding.resource.name == "u2@ville.fr"
    assert finding.resource.view == "users"


def test_observed_of_a_missing_field_is_null() -> None:
    (finding,) = run([user("u1")], compiled()).findings
    assert finding.observed == {"usageLocation": None}
    assert finding.status == FAIL


def test_observed_of_a_count_is_the_number() -> None:
    cond = {
        "count": {"field": "assignedPlans[*]", "where": {"field": "service", "equals": "TeamspaceAPI"}},
        "greaterOrEquals": 1,
    }
    cp = compiled(**{"assert": cond})
    (finding,) = run([user("u1", assignedPlans=[{"service": "TeamspaceAPI"}, {"service": "x"}])], cp).findings
    assert finding.observed == {"count(assignedPlans[*])": 1}


def test_expected_holds_the_condition_with_parameters_and_its_text() -> None:
    (finding, _) = run(USERS, compiled()).findings
    assert finding.expected == {
        "condition": {"field": "usageLocation", "in": ["FR"]},
        "text": 'usageLocation in ["FR"]',
    }


def test_no_resource_in_scope_is_one_not_applicable_finding() -> None:
    (finding,) = run([user("u3", licensed=False)], compiled()).findings
    assert (finding.resource.id, finding.status, finding.reason) == (POPULATION, NOT_EVALUATED, NOT_APPLICABLE)
    assert "no resource in scope" in (finding.detail or "")


def test_without_where_every_resource_is_in_scope() -> None:
    assert len(run(USERS, compiled(where=...)).findings) == 3


def test_absent_source_is_not_configured_for_the_whole_population() -> None:
    snap = snapshot(USERS)
    snap = Snapshot(snap.collected_at, snap.as_of, snap.tenant_id, snap.graph_base_url, {})
    (finding,) = run([], compiled(), snap=snap).findings
    assert (finding.resource.id, finding.status, finding.reason) == (POPULATION, NOT_EVALUATED, NOT_CONFIGURED)
    assert finding.detail == "source users was not collected"


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("missing_permission", MISSING_PERMISSION),
        ("not_configured", NOT_CONFIGURED),
        ("beta_unavailable", BETA_UNAVAILABLE),
        ("throttled", SOURCE_ERROR),
        ("error", SOURCE_ERROR),
        ("concealed_names", CONCEALED_NAMES),
    ],
)
def test_a_failed_source_gives_its_reason(status: str, reason: str) -> None:
    section = SourceSection("users", status, detail="what happened")
    (finding,) = run([], compiled(), snap=snapshot(sections={"users": section})).findings
    assert (finding.status, finding.reason, finding.detail) == (NOT_EVALUATED, reason, "what happened")


def test_missing_permission_names_the_permission() -> None:
    section = SourceSection("users", "missing_permission", permission="User.Read.All")
    (finding,) = run([], compiled(), snap=snapshot(sections={"users": section})).findings
    assert finding.permission == "User.Read.All"
    assert "User.Read.All" in (finding.detail or "")


def test_requires_sources_are_checked_as_well_as_the_view_sources() -> None:
    cp = compiled(requires={"sources": ["users", "subscribedSkus"]})
    (finding,) = run(USERS, cp).findings
    assert finding.reason == NOT_CONFIGURED
    assert "subscribedSkus" in (finding.detail or "")


def test_an_optional_source_counts_only_when_configured_and_failing() -> None:
    cp = compiled(requires={"sources": ["users", "inventory?"]})
    absent = run(USERS, cp).findings
    unset = SourceSection("inventory", "not_configured")
    not_configured = run(USERS, cp, snap=snapshot(USERS, sections={"inventory": unset}))
    failed = SourceSection("inventory", "error", detail="inv.csv:1: missing the required column userPrincipalName")
    (broken,) = run(USERS, cp, snap=snapshot(USERS, sections={"inventory": failed})).findings
    assert {f.status for f in absent} == {f.status for f in not_configured.findings} == {"pass", "fail"}
    assert (broken.status, broken.reason, broken.detail) == ("not_evaluated", "source_error", failed.detail)


def test_a_needed_source_missing_wins_over_a_benign_one() -> None:
    cp = compiled(requires={"sources": ["calendar", "users"]})
    section = SourceSection("users", "missing_permission", permission="User.Read.All")
    (finding,) = run([], cp, snap=snapshot(sections={"users": section})).findings
    assert finding.reason == MISSING_PERMISSION


def test_applicable_if_false_is_not_applicable_with_the_policy_detail() -> None:
    cp = compiled(applicableIf={"field": "multiGeo", "equals": True}, notApplicableDetail="single-geo tenant")
    (finding,) = run(USERS, cp).findings
    assert (finding.status, finding.reason, finding.detail) == (NOT_EVALUATED, NOT_APPLICABLE, "single-geo tenant")
    assert finding.observed == {"multiGeo": False}


def test_applicable_if_false_without_detail_describes_the_condition() -> None:
    (finding,) = run(USERS, compiled(applicableIf={"field": "multiGeo", "equals": True})).findings
    assert "multiGeo equals true" in (finding.detail or "")


def test_applicable_if_true_evaluates_the_resources() -> None:
    cp = compiled(applicableIf={"field": "multiGeo", "equals": True})
    snap = snapshot(USERS, organization=[{"id": "t", "multiGeo": True}])
    assert statuses(run([], cp, snap=snap)) == {"u1": PASS, "u2": FAIL}


def test_applicable_if_needs_the_tenant_view_sources() -> None:
    cp = compiled(applicableIf={"field": "multiGeo", "equals": True})
    snap = snapshot(USERS, sections={"organization": SourceSection("organization", "error", detail="HTTP 500")})
    (finding,) = run([], cp, snap=snap).findings
    assert (finding.reason, finding.detail) == (SOURCE_ERROR, "HTTP 500")


def test_a_policy_that_does_not_apply_is_not_applicable_even_without_its_sources() -> None:
    cp = compiled(applicableIf={"field": "multiGeo", "equals": True})
    users = SourceSection("users", "missing_permission", permission="User.Read.All")
    (finding,) = run([], cp, snap=snapshot(sections={"users": users})).findings
    assert finding.reason == NOT_APPLICABLE


def test_a_policy_that_applies_still_needs_its_sources() -> None:
    cp = compiled(applicableIf={"field": "multiGeo", "equals": True})
    users = SourceSection("users", "missing_permission", permission="User.Read.All")
    snap = snapshot(organization=[{"id": "t", "multiGeo": True}], sections={"users": users})
    (finding,) = run([], cp, snap=snap).findings
    assert (finding.reason, finding.permission) == (MISSING_PERMISSION, "User.Read.All")


def test_an_empty_tenant_view_cannot_decide_applicability() -> None:
    cp = compiled(applicableIf={"field": "multiGeo", "equals": True})
    (finding,) = run([], cp, snap=snapshot(USERS, organization=[])).findings
    assert (finding.status, finding.reason) == (NOT_EVALUATED, SOURCE_ERROR)


def many(passing: int, failing: int) -> list[dict[str, Any]]:
    return [user(f"p{i:02}", usageLocation="FR") for i in range(passing)] + [
        user(f"f{i:02}", usageLocation="BE") for i in range(failing)
    ]


@pytest.mark.parametrize(("passing", "status"), [(9, PASS), (8, FAIL)])
def test_threshold_passes_exactly_at_the_ratio(passing: int, status: str) -> None:
    cp = compiled(threshold={"minPassRatio": 0.9})
    (finding,) = run(many(passing, 10 - passing), cp).findings
    assert (finding.resource.id, finding.status) == (POPULATION, status)
    assert finding.observed["passRatio"] == passing / 10
    assert finding.expected["minPassRatio"] == 0.9


@pytest.mark.parametrize(("passing", "total", "ratio"), [(7, 10, 0.7), (29, 100, 0.29), (57, 100, 0.57)])
def test_threshold_boundary_is_exact_for_decimal_ratios(passing: int, total: int, ratio: float) -> None:
    (finding,) = run(many(passing, total - passing), compiled(threshold={"minPassRatio": ratio})).findings
    assert finding.status == PASS


def test_threshold_finding_names_the_first_failing_resources_sorted() -> None:
    (finding,) = run(many(0, 30), compiled(threshold={"minPassRatio": 0.5})).findings
    observed = finding.observed
    assert (observed["passed"], observed["total"], observed["passRatio"]) == (0, 30, 0.0)
    assert len(observed["failing"]) == 25
    assert observed["failing"][0] == {"id": "f00", "name": "f00@ville.fr"}


def test_threshold_pass_ratio_is_rounded_to_four_places() -> None:
    (finding,) = run(many(1, 2), compiled(threshold={"minPassRatio": 0.3})).findings
    assert finding.observed["passRatio"] == 0.3333


def test_threshold_with_nothing_in_scope_is_not_applicable() -> None:
    (finding,) = run([user("u", licensed=False)], compiled(threshold={"minPassRatio": 0.5})).findings
    assert finding.reason == NOT_APPLICABLE


def test_date_operators_use_the_snapshot_time() -> None:
    cp = compiled(where=..., **{"assert": {"field": "lastSignIn", "withinDays": 30}})
    users = [user("u1", lastSignIn="2026-03-01T00:00:00Z")]
    assert statuses(run(users, cp)) == {"u1": PASS}
    from datetime import UTC, datetime

    late = snapshot(users, collected_at=datetime(2027, 1, 1, tzinfo=UTC))
    assert statuses(run([], cp, snap=late)) == {"u1": FAIL}


def test_each_view_is_built_once_per_evaluation() -> None:
    calls = []

    class Counting(FakeUsers):
        def build(self, snapshot: Snapshot) -> list[Resource]:
            calls.append(1)
            return super().build(snapshot)

    views = {**VIEWS, "users": Counting()}
    evaluate(snapshot(USERS), [compiled(id="RES-001"), compiled(id="RES-002")], views=views)
    assert len(calls) == 1


def test_same_input_gives_identical_json() -> None:
    policies = [compiled(id="RES-002"), compiled(id="RES-001", threshold={"minPassRatio": 0.5})]
    first = json.dumps(run(USERS, *policies).to_json())
    second = json.dumps(run(list(reversed(USERS)), *reversed(policies)).to_json())
    assert first == second


def test_results_carry_policies_sources_and_snapshot_identity() -> None:
    results = run(USERS, compiled(mappings={"anssi": ["R1"]}))
    (info,) = results.policies
    assert (info.id, info.parameters, info.mappings) == ("RES-003", {"allowed": ["FR"]}, {"anssi": ("R1",)})
    assert set(results.sources) == {"users", "organization"}
    assert results.snapshot.tenant_id == "t"
    assert results.counts_by_policy()["RES-003"] == {"pass": 1, "fail": 1, "waived": 0, "not_evaluated": 0}


def test_evaluating_a_view_that_was_not_given_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="users"):
        evaluate(snapshot(USERS), [compiled()], views={"tenant": VIEWS["tenant"]})
