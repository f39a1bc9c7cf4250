"""Read-only views of a results document shared by the human-facing renderers.

Everything here groups, counts and sorts what the results already say; nothing judges. The
"headline" status of a policy is the most urgent status among its findings, used to order and to
colour a report, never to change a finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from m365gov.render.base import Results
from m365gov.render.i18n import area_rank
from m365gov.render.text import as_text
from m365gov.statuses import FAIL, FINDING_STATUSES, NOT_EVALUATED, PASS, SEVERITIES, WAIVED
from m365gov.timeutil import paris, parse_datetime

STATUS_ORDER: dict[str, int] = {FAIL: 0, NOT_EVALUATED: 1, WAIVED: 2, PASS: 3}
"""Most urgent first: what to act on, then what could not be checked, then accepted risks."""
POPULATION = "*"
HISTORY_KEY = "history"


def headline_status(counts: Mapping[str, int]) -> str:
    """The most urgent status present in ``counts`` (``not_evaluated`` when there is none)."""
    for status in (FAIL, NOT_EVALUATED, WAIVED, PASS):
        if counts.get(status):
            return status
    return NOT_EVALUATED


@dataclass(frozen=True)
class PolicyBlock:
    """One policy and its findings, as every report groups them.

    Attributes:
        policy: the policy's entry in the results (``id``, ``title``, ``remediation``…).
        findings: its findings, most urgent status first, then by resource name.
        counts: findings per status (every status present).
        headline: :func:`headline_status` of ``counts``.
    """

    policy: Mapping[str, Any]
    findings: tuple[Mapping[str, Any], ...]
    counts: Mapping[str, int]
    headline: str

    @property
    def id(self) -> str:
        return str(self.policy["id"])

    def with_status(self, *statuses: str) -> list[Mapping[str, Any]]:
        return [f for f in self.findings if f["status"] in statuses]

    @property
    def expected_text(self) -> str | None:
        """What the policy required, from the first finding that says it (the same for all)."""
        for f in self.findings:
            text = (f.get("expected") or {}).get("text")
            if text:
                return str(text)
        return None


def policy_blocks(results: Results) -> list[PolicyBlock]:
    """Every policy with its findings, by area, then most urgent, most severe, id."""
    by_policy: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for f in results.get("findings", []):
        by_policy[f["policy"]].append(f)
    blocks = []
    for p in results.get("policies", []):
        findings = sorted(by_policy.get(p["id"], []), key=lambda f: (STATUS_ORDER.get(f["status"], 9), label_of(f)))
        counts = {s: 0 for s in FINDING_STATUSES}
        for f in findings:
            counts[f["status"]] = counts.get(f["status"], 0) + 1
        blocks.append(PolicyBlock(p, tuple(findings), counts, headline_status(counts)))
    return sorted(blocks, key=_block_key)


def _block_key(b: PolicyBlock) -> tuple[Any, ...]:
    sev = b.policy.get("severity")
    return (area_rank(b.policy["area"]), STATUS_ORDER[b.headline], -_sev_rank(sev), b.id)


def _sev_rank(severity: Any) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def areas_of(results: Results) -> list[str]:
    """Every area with a policy or a finding, in report order."""
    found = {p["area"] for p in results.get("policies", [])} | set(results.get("summary", {}).get("byArea", {}))
    return sorted(found, key=area_rank)


def area_counts(results: Results) -> dict[str, dict[str, int]]:
    """Findings per status per area, from the results' summary (zeros filled in)."""
    by_area = results.get("summary", {}).get("byArea", {})
    return {a: {s: int(by_area.get(a, {}).get(s, 0)) for s in FINDING_STATUSES} for a in areas_of(results)}


def status_totals(results: Results) -> dict[str, int]:
    by_status = results.get("summary", {}).get("byStatus", {})
    return {s: int(by_status.get(s, 0)) for s in FINDING_STATUSES}


def label_of(finding: Mapping[str, Any], population: str = "population") -> str:
    """The resource's name for people: its name, else its id; ``population`` for the whole population."""
    res = finding.get("resource") or {}
    if res.get("id") == POPULATION and not res.get("name"):
        return population
    return str(res.get("name") or res.get("id") or "?")


def observed_items(finding: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The observed values as (field, text) pairs, leaving out the one that merely repeats the name."""
    name = (finding.get("resource") or {}).get("name")
    return [(str(k), as_text(v)) for k, v in (finding.get("observed") or {}).items() if not (v == name and v)]


def observed_text(finding: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in observed_items(finding))


def collected_at(results: Results) -> str:
    """The snapshot's collection time in Europe/Paris, or ``?``."""
    dt = parse_datetime((results.get("snapshot") or {}).get("collectedAt"))
    return paris(dt) if dt else "?"


def generator_text(results: Results) -> str:
    g = results.get("generator") or {}
    return f"{g.get('name', 'm365gov')} {g.get('version', '')}".strip()


def waiver_notes(results: Results) -> list[tuple[str, Mapping[str, Any]]]:
    """Waivers needing attention as (kind, note), kind in ``expired``, ``stale``, ``unused``."""
    w = results.get("waivers") or {}
    return [(kind, note) for kind in ("expired", "stale", "unused") for note in w.get(kind, [])]


def flat_metrics(metrics: Mapping[str, Any], prefix: str = "", depth: int = 4) -> list[tuple[str, Any]]:
    """Scalar metrics as (dotted key, value), ``history`` left to the trend chart.

    Metrics are free-form (each area adds its own), so they are shown generically: nested objects
    flattened into dotted keys, lists and deeper structures left out of the table.
    """
    out: list[tuple[str, Any]] = []
    for key, value in metrics.items():
        if not prefix and key == HISTORY_KEY:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and depth > 1:
            out.extend(flat_metrics(value, f"{name}.", depth - 1))
        elif isinstance(value, str | int | float | bool) or value is None:
            out.append((name, value))
    return out


def format_number(value: Any) -> str:
    """Numbers for people: ratios as they are written (0.82), integers plainly, others to 3 decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return as_text(value)
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def not_evaluated_text(finding: Mapping[str, Any]) -> str:
    """Why a finding was not evaluated: reason, missing permission and detail."""
    parts: Iterable[str] = (
        str(finding.get("reason") or ""),
        f"({finding['permission']})" if finding.get("permission") else "",
        str(finding.get("detail") or ""),
    )
    return " ".join(p for p in parts if p)
