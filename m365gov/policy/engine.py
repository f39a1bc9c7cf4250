"""Evaluation: snapshot + compiled policies (+ waivers) → results. Pure and deterministic.

"Now" is the snapshot's ``collected_at``, never the clock, so re-evaluating an old snapshot gives
the same verdicts. Missing evidence is never a pass and never a fail: a policy whose sources were
not collected, or were collected without the needed permission, yields one ``not_evaluated``
finding for its whole population with the reason, instead of judging partial data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from m365gov.errors import InputError
from m365gov.policy.model import TENANT_VIEW, CompiledPolicy, source_name
from m365gov.results import (
    POPULATION,
    Finding,
    PolicyInfo,
    ResourceRef,
    Results,
    SnapshotInfo,
    SourceInfo,
)
from m365gov.snapshot.model import Snapshot
from m365gov.statuses import (
    BENIGN_REASONS,
    FAIL,
    NOT_APPLICABLE,
    NOT_CONFIGURED,
    NOT_EVALUATED,
    PASS,
    REASON_FOR_SOURCE_STATUS,
    SOURCE_ERROR,
    SRC_MISSING_PERMISSION,
    SRC_NOT_CONFIGURED,
)
from m365gov.views.base import Resource, View
from m365gov.waivers import Waiver, apply_waivers, waiver_day

_TOP_LEVEL = re.compile(r"[^.\[\]()\s]+")

FAILING_LISTED = 25
"""How many failing resources a threshold finding names: enough to act on, small enough to read."""


def evaluate(
    snapshot: Snapshot,
    policies: Iterable[CompiledPolicy],
    *,
    views: Mapping[str, View],
    waivers: Sequence[Waiver] = (),
    built: dict[str, list[Resource]] | None = None,
) -> Results:
    """Judge every compiled policy on the snapshot and apply the waivers.

    Each view is built at most once per call; ``built`` (view name → resources) shares those builds
    with the caller (metrics read the same views). Findings are sorted by policy id then resource
    id, so the same input always gives byte-identical results.
    """
    ordered = sorted(policies, key=lambda p: p.id)
    cache: dict[str, list[Resource]] = built if built is not None else {}
    findings: list[Finding] = []
    for cp in ordered:
        found = _judge(cp, snapshot, views, cache)
        found.sort(key=lambda f: f.resource.id)
        findings.extend(found)
    findings, report = apply_waivers(findings, waivers, waiver_day(snapshot.collected_at))
    return Results(
        snapshot=SnapshotInfo(snapshot.collected_at, snapshot.as_of, snapshot.tenant_id, snapshot.graph_base_url),
        sources={
            name: SourceInfo(s.status, s.detail, s.permission, dict(s.counts))
            for name, s in sorted(snapshot.sources.items())
        },
        policies=tuple(_info(cp) for cp in ordered),
        findings=tuple(findings),
        waivers=report,
    )


def _judge(
    cp: CompiledPolicy, snapshot: Snapshot, views: Mapping[str, View], cache: dict[str, list[Resource]]
) -> list[Finding]:
    view = views.get(cp.view)
    if view is None:
        raise ValueError(f"policy {cp.id} reads view {cp.view!r}, which was not given to evaluate()")
    if cp.applicable_if is not None and TENANT_VIEW not in views:
        raise ValueError(f"policy {cp.id} has applicableIf, but no {TENANT_VIEW!r} view was given to evaluate()")
    expected = {"condition": cp.assert_.to_json(), "text": cp.assert_.describe()}

    def population(reason: str, detail: str, permission: str | None = None, **observed: Any) -> list[Finding]:
        return [
            Finding(
                cp.id,
                cp.area,
                cp.severity,
                ResourceRef(POPULATION, f"all {cp.view}", cp.view),
                NOT_EVALUATED,
                reason,
                detail,
                permission,
                observed,
                expected,
            )
        ]

    now = snapshot.collected_at
    if cp.applicable_if is not None:
        # Applicability first: a policy that does not apply to this tenant (Multi-Geo checks in a
        # single-geo tenant) is not_applicable even if its own sources are missing, so that a
        # least-privilege setup does not turn it into "evidence incomplete" (exit code 3).
        problem = _source_problem(views[TENANT_VIEW].sources, snapshot)
        if problem is not None:
            return population(*problem)
        tenant = _build(TENANT_VIEW, snapshot, views, cache)
        if len(tenant) != 1:
            return population(
                SOURCE_ERROR,
                f"the {TENANT_VIEW} view has {len(tenant)} resources instead of one: applicability cannot be judged",
            )
        applies = cp.applicable_if.bind(now)
        if not applies.test(tenant[0]):
            detail = cp.policy.not_applicable_detail or f"not applicable: {cp.applicable_if.describe()} is false"
            return population(NOT_APPLICABLE, detail, **applies.observe(tenant[0]))
    problem = _source_problem((*cp.policy.requires.sources, *view.sources), snapshot)
    if problem is not None:
        return population(*problem)
    resources = _build(cp.view, snapshot, views, cache)
    if cp.where is not None:
        in_scope = cp.where.bind(now).test
        resources = [r for r in resources if in_scope(r)]
    if not resources:
        scope = f" ({cp.where.describe()})" if cp.where is not None else ""
        return population(NOT_APPLICABLE, f"no resource in scope{scope}")
    bound = cp.assert_.bind(now)
    id_field, label_field = view.id_field, view.label_field
    if cp.min_pass_ratio is not None:
        return [_threshold(cp, resources, bound.test, id_field, label_field, expected)]
    test = bound.test
    known = {key for key, _ in bound.readers}
    readers = bound.readers + tuple((p.text, p.getter()) for p in cp.evidence if p.text not in known)
    pid, area, severity, view_name = cp.id, cp.area, cp.severity, cp.view
    # Top-level properties (the usual evidence) are read with dict.get directly: same values as
    # their getters, three calls fewer per resource.
    keys = tuple(key for key, _ in readers)
    simple = all(_TOP_LEVEL.fullmatch(key) for key in keys)
    findings = []
    for r in resources:  # the hot loop: one Finding per resource, nothing re-interpreted
        rid, label = r.get(id_field), r.get(label_field)
        findings.append(
            Finding(
                pid,
                area,
                severity,
                ResourceRef(
                    rid if type(rid) is str else _text(rid) or "",
                    label if label is None or type(label) is str else str(label),
                    view_name,
                ),
                PASS if test(r) else FAIL,
                None,
                None,
                None,
                {key: r.get(key) for key in keys} if simple else {key: read(r) for key, read in readers},
                expected,
            )
        )
    return findings


def _threshold(
    cp: CompiledPolicy,
    resources: list[Resource],
    test: Any,
    id_field: str,
    label_field: str,
    expected: Mapping[str, Any],
) -> Finding:
    """One verdict on the population: an adoption target is met or not, whoever the laggards are."""
    assert cp.min_pass_ratio is not None
    failing = [r for r in resources if not test(r)]
    total = len(resources)
    passed = total - len(failing)
    ratio = passed / total  # one correctly rounded division: exact at a decimal boundary like 9/10
    named = sorted(((_text(r.get(id_field)) or "", _text(r.get(label_field))) for r in failing), key=lambda x: x[0])
    observed = {
        "passed": passed,
        "total": total,
        "passRatio": round(ratio, 4),
        "failing": [{"id": i, "name": n} for i, n in named[:FAILING_LISTED]],
    }
    return Finding(
        cp.id,
        cp.area,
        cp.severity,
        ResourceRef(POPULATION, f"all {cp.view} in scope", cp.view),
        PASS if ratio >= cp.min_pass_ratio else FAIL,
        observed=observed,
        expected={"minPassRatio": cp.min_pass_ratio, **expected},
    )


def _source_problem(names: Iterable[str], snapshot: Snapshot) -> tuple[str, str, str | None] | None:
    """Why sources ``names`` cannot support a verdict (reason, detail, permission), or ``None``.

    A non-benign reason wins over a benign one: preferring ``missing_permission`` over
    ``not_configured`` keeps exit code 3 honest, whichever source happens to be listed first. An
    optional entry (``name?``) only counts when its source was configured and then failed.
    """
    problems: list[tuple[str, str, str | None]] = []
    for entry in dict.fromkeys(names):
        name = source_name(entry)
        optional = entry != name
        sec = snapshot.section(name)
        if sec is None:
            if not optional:
                problems.append((NOT_CONFIGURED, f"source {name} was not collected", None))
        elif optional and sec.status == SRC_NOT_CONFIGURED:
            continue
        elif not sec.ok:
            reason = REASON_FOR_SOURCE_STATUS[sec.status]
            permission = sec.permission if sec.status == SRC_MISSING_PERMISSION else None
            default = f"source {name} needs permission {permission}" if permission else f"source {name}: {sec.status}"
            problems.append((reason, sec.detail or default, permission))
    for problem in problems:
        if problem[0] not in BENIGN_REASONS:
            return problem
    return problems[0] if problems else None


def _build(
    name: str, snapshot: Snapshot, views: Mapping[str, View], cache: dict[str, list[Resource]]
) -> list[Resource]:
    if name not in cache:
        view = views[name]
        try:
            cache[name] = view.build(snapshot)
        except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
            # Records are not schema-checked on load (too costly at scale): a section whose data
            # is not shaped like Graph's is bad input, reported where it sits in the file.
            sections = [s for s in (*view.sources, *view.optional_sources) if snapshot.section(s)]
            raise InputError(
                f"snapshot section {' or '.join(sections) or name} is malformed for view {name!r} "
                f"({type(exc).__name__}: {exc}); collect it again",
                file=snapshot.origin,
                pointer=f"/sources/{sections[0]}/data" if sections else "/sources",
            ) from None
    return cache[name]


def _info(cp: CompiledPolicy) -> PolicyInfo:
    p = cp.policy
    return PolicyInfo(
        id=p.id,
        title=p.title,
        area=p.area,
        severity=p.severity,
        view=p.view,
        description=p.description,
        remediation=p.remediation,
        references=p.references,
        mappings=p.mappings,
        parameters=dict(cp.parameters),
        requires={"permissions": p.requires.permissions, "sources": p.requires.sources},
        min_pass_ratio=cp.min_pass_ratio,
    )


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)
