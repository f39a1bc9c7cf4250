"""The results data model: frozen dataclasses and their JSON form.

Counts and the summary are derived from the findings rather than stored, so a results object
cannot contradict itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from m365gov import __version__
from m365gov.statuses import FINDING_STATUSES, SEVERITIES
from m365gov.timeutil import to_iso

SCHEMA_ID = "m365gov/results@1"
POPULATION = "*"
"""Resource id of a finding about a whole population (threshold, or a policy that could not run)."""


@dataclass(frozen=True)
class ResourceRef:
    """Which resource a finding is about.

    Attributes:
        id: the view's id field (``*`` for the whole population).
        name: the view's label field, for people (``None`` when the resource has none).
        view: the view the resource comes from.
    """

    id: str
    name: str | None
    view: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "view": self.view}


@dataclass(frozen=True)
class WaiverRef:
    """The waiver that turned a failure into ``waived``, as shown next to the finding.

    Attributes:
        id / reason / category / expires_on: from the waiver file (``expires_on`` an ISO date).
        approved_by: who accepted the risk.
    """

    id: str
    reason: str
    approved_by: str
    category: str
    expires_on: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "approvedBy": self.approved_by,
            "category": self.category,
            "expiresOn": self.expires_on,
        }


@dataclass(frozen=True)
class Finding:
    """The verdict for one (policy, resource) pair — exactly one status, never blurred.

    Attributes:
        policy / area / severity: copied from the policy so a finding stands alone in any format.
        resource: what was judged.
        status: one of ``statuses.FINDING_STATUSES``.
        reason: for ``not_evaluated`` only, one of ``statuses.NOT_EVALUATED_REASONS``.
        detail: a sentence explaining a ``not_evaluated`` finding (which source, what failed).
        permission: the missing permission, for ``missing_permission``.
        observed: the values the verdict rests on, by field path (``count(path)`` for counts).
        expected: what the policy required (``condition`` as JSON and ``text``; ``minPassRatio``).
        waiver: the covering waiver, for ``waived``.
    """

    policy: str
    area: str
    severity: str
    resource: ResourceRef
    status: str
    reason: str | None = None
    detail: str | None = None
    permission: str | None = None
    observed: Mapping[str, Any] = field(default_factory=dict)
    expected: Mapping[str, Any] = field(default_factory=dict)
    waiver: WaiverRef | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "policy": self.policy,
            "area": self.area,
            "severity": self.severity,
            "resource": self.resource.to_json(),
            "status": self.status,
        }
        for key, value in (("reason", self.reason), ("detail", self.detail), ("permission", self.permission)):
            if value is not None:
                out[key] = value
        out["observed"] = dict(self.observed)
        out["expected"] = dict(self.expected)
        if self.waiver is not None:
            out["waiver"] = self.waiver.to_json()
        return out


@dataclass(frozen=True)
class PolicyInfo:
    """A policy as it ran: metadata for reports, with its resolved parameter values.

    Attributes:
        parameters: the values used (defaults, then the tenant's overrides).
        requires: ``{"permissions": […], "sources": […]}``.
        min_pass_ratio: the population threshold, or ``None`` when each resource is judged.
        (other attributes are the policy file's members of the same name.)
    """

    id: str
    title: str
    area: str
    severity: str
    view: str
    description: str = ""
    remediation: str = ""
    references: tuple[str, ...] = ()
    mappings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)
    requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    min_pass_ratio: float | None = None

    def to_json(self, counts: Mapping[str, int]) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "area": self.area,
            "severity": self.severity,
            "view": self.view,
            "description": self.description,
            "remediation": self.remediation,
            "references": list(self.references),
            "mappings": {k: list(v) for k, v in self.mappings.items()},
            "parameters": dict(self.parameters),
            "requires": {k: list(v) for k, v in self.requires.items()},
            "threshold": None if self.min_pass_ratio is None else {"minPassRatio": self.min_pass_ratio},
            "counts": {s: counts.get(s, 0) for s in FINDING_STATUSES},
        }


@dataclass(frozen=True)
class SourceInfo:
    """A snapshot source's status as it bore on the run (``data`` is not repeated)."""

    status: str
    detail: str | None = None
    permission: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.detail is not None:
            out["detail"] = self.detail
        if self.permission is not None:
            out["permission"] = self.permission
        out["counts"] = dict(self.counts)
        return out


@dataclass(frozen=True)
class SnapshotInfo:
    """Which snapshot was judged: its times (``collected_at`` was "now"), tenant and endpoint."""

    collected_at: datetime
    as_of: datetime
    tenant_id: str
    graph_base_url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "collectedAt": to_iso(self.collected_at),
            "asOf": to_iso(self.as_of),
            "tenantId": self.tenant_id,
            "graphBaseUrl": self.graph_base_url,
        }


@dataclass(frozen=True)
class WaiverNote:
    """A waiver worth a reader's attention (expired, stale or unused).

    Attributes:
        resources: for ``stale``, the resources that now pass; for ``unused``, the resources with no
            finding; otherwise the waiver's own list. ``None`` means the whole policy.
        (other attributes are the waiver file's members.)
    """

    id: str
    policy: str
    resources: tuple[str, ...] | None
    category: str
    reason: str
    approved_by: str
    expires_on: str

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "policy": self.policy}
        if self.resources is not None:
            out["resources"] = list(self.resources)
        out.update(category=self.category, reason=self.reason, approvedBy=self.approved_by, expiresOn=self.expires_on)
        return out


@dataclass(frozen=True)
class WaiverReport:
    """Waivers that need someone: expired (no longer cover), stale (cover a pass), unused (cover nothing)."""

    expired: tuple[WaiverNote, ...] = ()
    stale: tuple[WaiverNote, ...] = ()
    unused: tuple[WaiverNote, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {k: [n.to_json() for n in getattr(self, k)] for k in ("expired", "stale", "unused")}


@dataclass(frozen=True)
class Results:
    """One evaluation.

    Attributes:
        snapshot: the judged snapshot's identity and times.
        sources: every snapshot source's status, by name.
        policies: the policies that ran, sorted by id.
        findings: sorted by policy id, then resource id.
        waivers: the waiver report.
        metrics: free-form numbers computed alongside the verdicts (adoption trends…).
        generator: the tool that produced the results.
    """

    snapshot: SnapshotInfo
    sources: Mapping[str, SourceInfo]
    policies: tuple[PolicyInfo, ...]
    findings: tuple[Finding, ...]
    waivers: WaiverReport = WaiverReport()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    generator: Mapping[str, str] = field(default_factory=lambda: {"name": "m365gov", "version": __version__})

    def counts_by_policy(self) -> dict[str, dict[str, int]]:
        """Findings per status, per policy id (every status present, zeros included)."""
        counts = {p.id: dict.fromkeys(FINDING_STATUSES, 0) for p in self.policies}
        for f in self.findings:
            counts.setdefault(f.policy, dict.fromkeys(FINDING_STATUSES, 0))[f.status] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        """Totals by status, by area and by severity, as written under ``summary``."""
        by_status = Counter(f.status for f in self.findings)
        by_area: dict[str, Counter[str]] = {}
        by_severity: dict[str, Counter[str]] = {}
        for f in self.findings:
            by_area.setdefault(f.area, Counter())[f.status] += 1
            by_severity.setdefault(f.severity, Counter())[f.status] += 1

        def full(c: Counter[str]) -> dict[str, int]:
            return {s: c.get(s, 0) for s in FINDING_STATUSES}

        return {
            "total": len(self.findings),
            "byStatus": full(by_status),
            "byArea": {a: full(by_area[a]) for a in sorted(by_area)},
            "bySeverity": {s: full(by_severity[s]) for s in SEVERITIES if s in by_severity},
        }

    def to_json(self) -> dict[str, Any]:
        counts = self.counts_by_policy()
        return {
            "schema": SCHEMA_ID,
            "generator": dict(self.generator),
            "snapshot": self.snapshot.to_json(),
            "sources": {name: s.to_json() for name, s in sorted(self.sources.items())},
            "policies": [p.to_json(counts[p.id]) for p in self.policies],
            "findings": [f.to_json() for f in self.findings],
            "waivers": self.waivers.to_json(),
            "summary": self.summary(),
            "metrics": dict(self.metrics),
        }
