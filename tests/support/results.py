"""Hand-built results documents for renderer and drift tests, valid against the results schema.

``HOSTILE`` display names carry what a tenant user can type into their own profile: markup, a
spreadsheet formula, a terminal escape sequence, Markdown table and code syntax.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

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
)
from m365gov.statuses import FAIL, MISSING_PERMISSION, NOT_EVALUATED, PASS, WAIVED

AT = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
SCRIPT = "<script>alert('x')</script>"
FORMULA = "=cmd|' /C calc'!A0"
ANSI = "\x1b[31mrouge\x1b[0m"
MARKDOWN = "pipe|and `backticks` **bold** [link](https://evil.example)"
HOSTILE = (SCRIPT, FORMULA, ANSI, MARKDOWN)
REPO = Path(__file__).resolve().parents[2]


def policy(pid: str, area: str = "residency", severity: str = "high", **kw: Any) -> PolicyInfo:
    return PolicyInfo(
        id=pid,
        title=kw.pop("title", f"Policy {pid}"),
        area=area,
        severity=severity,
        view=kw.pop("view", "users"),
        description=kw.pop("description", f"Why {pid} matters."),
        remediation=kw.pop("remediation", f"Fix {pid}: Update-MgUser -UsageLocation FR"),
        references=kw.pop("references", ("https://learn.microsoft.com/graph/api/resources/user",)),
        mappings=kw.pop("mappings", {"anssi": ("R1",)}),
        **kw,
    )


def finding(pid: str, rid: str, status: str, name: str | None = None, **kw: Any) -> Finding:
    area = kw.pop("area", "residency")
    return Finding(
        policy=pid,
        area=area,
        severity=kw.pop("severity", "high"),
        resource=ResourceRef(rid, name if name is not None else f"{rid}@ville.fr", kw.pop("view", "users")),
        status=status,
        observed=kw.pop("observed", {"usageLocation": "BE" if status in (FAIL, WAIVED) else "FR"}),
        expected=kw.pop(
            "expected", {"condition": {"field": "usageLocation", "in": ["FR"]}, "text": 'usageLocation in ["FR"]'}
        ),
        **kw,
    )


WAIVER = WaiverRef("W-001", "Élue en mission à Bruxelles jusqu'en 2027", "DGS", "Waiver", "2027-03-31")


def sample(at: datetime = AT, history: bool = True) -> Results:
    """A run with every status, hostile names, a waiver, waiver notes, metrics and a history."""
    findings = [
        finding("RES-003", "u1", PASS),
        finding("RES-003", "u2", FAIL, SCRIPT),
        finding("RES-003", "u3", FAIL, FORMULA),
        finding("RES-003", "u4", FAIL, ANSI),
        finding("RES-003", "u5", FAIL, MARKDOWN),
        finding("RES-003", "u6", WAIVED, "elue@ville.fr", waiver=WAIVER),
        finding("RES-006", "*", NOT_EVALUATED, "", reason=MISSING_PERMISSION, permission="Sites.Read.All",
                detail="HTTP 403 on /sites", observed={}, view="sites"),
        finding("TEA-001", "*", FAIL, "", area="teams", severity="medium", view="users",
                observed={"passed": 60, "total": 100, "passRatio": 0.6},
                expected={"minPassRatio": 0.8, "text": "lastActivityDate withinDays 30"}),
        finding("TEA-002", "u1", PASS, area="teams", severity="low", observed={"clients": ["web", "desktop"]}),
    ]
    history_points = [
        {"collectedAt": (at - timedelta(days=7 * i)).isoformat(), "adoption": {"activeRatio": 0.4 + 0.05 * (4 - i)},
         "readiness": {"cameraReady": 120 + 10 * (4 - i)}}
        for i in range(4, -1, -1)
    ]
    metrics: dict[str, Any] = {"adoption": {"activeRatio": 0.6, "licensed": 320}}
    if history:
        metrics["history"] = history_points
    return Results(
        snapshot=SnapshotInfo(at, at, "tenant-1", "http://127.0.0.1:1/v1.0"),
        sources={
            "users": SourceInfo("ok", counts={"items": 6}),
            "sites": SourceInfo("missing_permission", "HTTP 403", "Sites.Read.All"),
        },
        policies=(
            policy("RES-003"),
            policy("RES-006", view="sites"),
            policy("TEA-001", area="teams", severity="medium", min_pass_ratio=0.8),
            policy("TEA-002", area="teams", severity="low"),
        ),
        findings=tuple(sorted(findings, key=lambda f: (f.policy, f.resource.id))),
        waivers=WaiverReport(
            expired=(WaiverNote("W-000", "RES-003", ("u9",), "Waiver", "old risk", "DSI", "2026-01-31"),),
            stale=(WaiverNote("W-002", "RES-003", ("u1",), "Mitigated", "moved", "DGS", "2027-01-01"),),
            unused=(WaiverNote("W-003", "TEA-002", None, "Waiver", "no match", "DSI", "2027-06-30"),),
        ),
        metrics=metrics,
    )


def sample_doc(**kw: Any) -> dict[str, Any]:
    return sample(**kw).to_json()


def sarif_schema_path() -> Path:
    """The official SARIF 2.1.0 schema, beside the checkout in ``shared/schemas`` (as in CI).

    Outside CI, a machine without it skips the tests that need it; in CI (``CI`` or
    ``M365GOV_REQUIRE_SHARED`` set, as ``.ci/run`` does) its absence fails them.
    """
    path = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if not path.is_file():
        if os.environ.get("CI") or os.environ.get("M365GOV_REQUIRE_SHARED"):
            pytest.fail(f"the SARIF schema is missing at {path} (shared/ must sit beside the checkout in CI)")
        pytest.skip(f"the SARIF schema is not at {path} (shared/ beside the checkout)")
    return path
