"""The results model: JSON shape, round trip through the schema, summary, and exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from m365gov.errors import InputError
from m365gov.results import (
    Finding,
    PolicyInfo,
    ResourceRef,
    Results,
    SnapshotInfo,
    SourceInfo,
    WaiverNote,
    WaiverRef,
    WaiverReport,
    exit_code,
    load_results,
    parse_results,
)
from m365gov.statuses import FAIL, NOT_APPLICABLE, NOT_EVALUATED, PASS, SOURCE_ERROR, WAIVED

AT = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def finding(status: str = PASS, severity: str = "high", reason: str | None = None, **kw: Any) -> Finding:
    return Finding(
        policy=kw.pop("policy", "RES-003"),
        area=kw.pop("area", "residency"),
        severity=severity,
        resource=ResourceRef(kw.pop("rid", "u1"), "u1@ville.fr", "users"),
        status=status,
        reason=reason,
        observed=kw.pop("observed", {"usageLocation": "FR"}),
        expected={"condition": {"field": "usageLocation", "in": ["FR"]}, "text": 'usageLocation in ["FR"]'},
        **kw,
    )


def results(*findings: Finding, **kw: Any) -> Results:
    return Results(
        snapshot=SnapshotInfo(AT, AT, "tenant-1", "https://graph.microsoft.com"),
        sources={
            "users": SourceInfo("ok", counts={"items": 3}),
            "groups": SourceInfo("missing_permission", "no", "Group.Read.All"),
        },
        policies=(
            PolicyInfo(
                "RES-003",
                "Usage location",
                "residency",
                "high",
                "users",
                parameters={"allowed": ["FR"]},
                requires={"permissions": ("User.Read.All",), "sources": ("users",)},
                mappings={"anssi": ("R1",)},
            ),
            PolicyInfo("TEA-001", "Adoption", "teams", "low", "users", min_pass_ratio=0.8),
        ),
        findings=findings,
        **kw,
    )


WAIVER = WaiverRef("W-001", "accepted", "DGS", "Waiver", "2027-03-31")


def sample() -> Results:
    return results(
        finding(PASS),
        finding(FAIL, rid="u2"),
        finding(WAIVED, rid="u3", waiver=WAIVER),
        finding(
            NOT_EVALUATED,
            severity="low",
            reason=SOURCE_ERROR,
            policy="TEA-001",
            area="teams",
            rid="*",
            detail="HTTP 500",
            observed={},
        ),
        waivers=WaiverReport(stale=(WaiverNote("W-002", "RES-003", ("u1",), "Mitigated", "r", "DGS", "2027-01-01"),)),
        metrics={"teams": {"activeRatio": 0.5}},
    )


def test_json_has_the_documented_top_level_shape() -> None:
    doc = sample().to_json()
    assert list(doc) == [
        "schema",
        "generator",
        "snapshot",
        "sources",
        "policies",
        "findings",
        "waivers",
        "summary",
        "metrics",
    ]
    assert doc["schema"] == "m365gov/results@1"
    assert doc["snapshot"] == {
        "collectedAt": "2026-03-15T12:00:00Z",
        "asOf": "2026-03-15T12:00:00Z",
        "tenantId": "tenant-1",
        "graphBaseUrl": "https://graph.microsoft.com",
    }
    assert doc["metrics"] == {"teams": {"activeRatio": 0.5}}


def test_finding_json_omits_absent_reason_and_waiver() -> None:
    doc = finding(PASS).to_json()
    assert list(doc) == ["policy", "area", "severity", "resource", "status", "observed", "expected"]
    assert doc["resource"] == {"id": "u1", "name": "u1@ville.fr", "view": "users"}


def test_policy_counts_and_threshold_are_written() -> None:
    res, tea = sample().to_json()["policies"]
    assert res["counts"] == {"pass": 1, "fail": 1, "waived": 1, "not_evaluated": 0}
    assert res["threshold"] is None and tea["threshold"] == {"minPassRatio": 0.8}
    assert res["requires"] == {"permissions": ["User.Read.All"], "sources": ["users"]}


def test_summary_counts_by_status_area_and_severity() -> None:
    summary = sample().summary()
    assert summary["total"] == 4
    assert summary["byStatus"] == {"pass": 1, "fail": 1, "waived": 1, "not_evaluated": 1}
    assert summary["byArea"]["teams"] == {"pass": 0, "fail": 0, "waived": 0, "not_evaluated": 1}
    assert list(summary["bySeverity"]) == ["low", "high"]


def test_round_trip_through_json_and_the_schema(tmp_path: Path) -> None:
    original = sample()
    path = tmp_path / "results.json"
    path.write_text(json.dumps(original.to_json()), encoding="utf-8")
    loaded = load_results(path)
    assert loaded.to_json() == original.to_json()


def test_another_schema_version_is_refused_clearly() -> None:
    doc = sample().to_json() | {"schema": "m365gov/results@2"}
    with pytest.raises(InputError) as info:
        parse_results(doc, file="old.json")
    assert (info.value.file, info.value.pointer) == ("old.json", "/schema")
    assert "results@2" in info.value.message


def test_a_finding_with_an_unknown_status_is_refused_with_its_pointer() -> None:
    doc = sample().to_json()
    doc["findings"][1]["status"] = "failed"
    with pytest.raises(InputError) as info:
        parse_results(doc)
    assert info.value.pointer == "/findings/1/status"


def test_a_not_evaluated_finding_without_reason_is_refused() -> None:
    doc = sample().to_json()
    del doc["findings"][3]["reason"]
    with pytest.raises(InputError):
        parse_results(doc)


def test_exit_code_is_zero_when_everything_passes() -> None:
    assert exit_code(results(finding(PASS))) == 0


def test_exit_code_is_one_on_a_failure_at_or_above_fail_on() -> None:
    assert exit_code(results(finding(FAIL, severity="medium")), fail_on="medium") == 1
    assert exit_code(results(finding(FAIL, severity="medium")), fail_on="high") == 0


def test_exit_code_default_fail_on_is_low() -> None:
    assert exit_code(results(finding(FAIL, severity="low"))) == 1
    assert exit_code(results(finding(FAIL, severity="info"))) == 0


def test_waived_failures_do_not_fail_the_run() -> None:
    assert exit_code(results(finding(WAIVED, waiver=WAIVER))) == 0


def test_exit_code_is_three_when_needed_evidence_is_missing() -> None:
    assert exit_code(results(finding(NOT_EVALUATED, reason=SOURCE_ERROR))) == 3


def test_benign_not_evaluated_reasons_do_not_make_evidence_incomplete() -> None:
    assert exit_code(results(finding(NOT_EVALUATED, reason=NOT_APPLICABLE))) == 0


def test_failure_wins_over_missing_evidence() -> None:
    assert exit_code(results(finding(NOT_EVALUATED, reason=SOURCE_ERROR), finding(FAIL, rid="u2"))) == 1


def test_missing_evidence_below_fail_on_is_ignored() -> None:
    assert exit_code(results(finding(NOT_EVALUATED, severity="low", reason=SOURCE_ERROR)), fail_on="high") == 0


def test_unknown_fail_on_severity_is_an_input_error() -> None:
    with pytest.raises(InputError):
        exit_code(results(), fail_on="severe")
