"""Classifying every (policy, resource) pair of two runs into drift entries.

Only findings are compared, by (policy id, resource id); generator, collection times and source
counts never make drift. Passing resources whose evidence moved (an activity date, a department) are
not reported: a drift report lists what needs a person, and evidence on a passing resource moves
every day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from m365gov.drift.model import (
    CHANGED,
    CHANGES,
    FIXED,
    GONE,
    NEW_FAILURE,
    NEW_NOT_EVALUATED,
    STILL_FAILING,
    DriftEntry,
    DriftReport,
    RunRef,
    Side,
)
from m365gov.drift.normalise import same_evidence
from m365gov.results import POPULATION, Finding, PolicyInfo, Results
from m365gov.statuses import FAIL, FINDING_STATUSES, NOT_EVALUATED, PASS, WAIVED
from m365gov.timeutil import to_iso

FAILING = frozenset({FAIL, WAIVED})
EVALUATED = frozenset({PASS, FAIL, WAIVED})
Key = tuple[str, str]


def compare_results(
    old: Results, new: Results, *, old_label: str = "baseline", new_label: str = "current", fail_on: str = "low"
) -> DriftReport:
    """What changed from ``old`` (the baseline) to ``new``; see :mod:`m365gov.drift.model` for the kinds."""
    before = {(f.policy, f.resource.id): f for f in old.findings}
    after = {(f.policy, f.resource.id): f for f in new.findings}
    policies = {p.id: p for p in old.policies} | {p.id: p for p in new.policies}
    old_counts = _counts(old)
    new_evaluated = {p for (p, _), f in after.items() if f.status in EVALUATED}
    new_population_gap = {p for (p, r), f in after.items() if r == POPULATION and f.status == NOT_EVALUATED}
    entries: list[DriftEntry] = []
    for key, now in after.items():
        entry = _classify_current(key, before.get(key), now, old_counts, policies)
        if entry is not None:
            entries.append(entry)
    for key, was in before.items():
        if key in after or was.status not in FAILING:
            continue
        policy_id = key[0]
        if policy_id in new_population_gap and policy_id not in new_evaluated:
            continue  # the policy could not run: its population entry already says evidence was lost
        entries.append(_entry(GONE, policies.get(policy_id), was, _side(was), was, None))
    entries.sort(key=lambda e: (CHANGES.index(e.change), e.policy, e.resource_name or e.resource_id, e.resource_id))
    return DriftReport(_ref(old, old_label), _ref(new, new_label), tuple(entries), fail_on)


def _classify_current(
    key: Key,
    was: Finding | None,
    now: Finding,
    old_counts: Mapping[str, Mapping[str, int]],
    policies: Mapping[str, PolicyInfo],
) -> DriftEntry | None:
    policy = policies.get(now.policy)
    old_side = _side(was) if was is not None else None
    if now.status == FAIL and (was is None or was.status not in FAILING):
        return _entry(NEW_FAILURE, policy, now, old_side, now, _side(now))
    if now.status == NOT_EVALUATED:
        if was is not None and was.status in EVALUATED:
            return _entry(NEW_NOT_EVALUATED, policy, now, old_side, was, _side(now))
        counts = old_counts.get(now.policy, {})
        if was is None and key[1] == POPULATION and any(counts.get(s) for s in EVALUATED):
            return _entry(NEW_NOT_EVALUATED, policy, now, Side(None, counts=counts), now, _side(now))
        return None
    if was is None or was.status not in FAILING:
        return None
    if now.status == PASS:
        return _entry(FIXED, policy, now, old_side, was, _side(now))
    same = same_evidence(was.observed, now.observed) and same_evidence(was.expected, now.expected)
    return _entry(STILL_FAILING if same else CHANGED, policy, now, old_side, now, _side(now))


def _entry(
    change: str, policy: PolicyInfo | None, f: Finding, old: Side | None, expected_from: Finding, new: Side | None
) -> DriftEntry:
    assert change in CHANGES
    return DriftEntry(
        change=change,
        policy=f.policy,
        title=policy.title if policy else f.policy,
        area=f.area,
        severity=f.severity,
        resource_id=f.resource.id,
        resource_name=f.resource.name,
        view=f.resource.view,
        old=old,
        new=new,
        expected=_expected_text(expected_from),
    )


def _side(f: Finding) -> Side:
    return Side(
        status=f.status,
        observed=f.observed,
        reason=f.reason,
        detail=f.detail,
        permission=f.permission,
        waiver=f.waiver.id if f.waiver else None,
    )


def _expected_text(f: Finding) -> str | None:
    text = f.expected.get("text") if f.expected else None
    return str(text) if text is not None else None


def _counts(results: Results) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FINDING_STATUSES, 0))
    for f in results.findings:
        counts[f.policy][f.status] += 1
    return dict(counts)


def _ref(results: Results, label: str) -> RunRef:
    return RunRef(to_iso(results.snapshot.collected_at), results.snapshot.tenant_id, label)
