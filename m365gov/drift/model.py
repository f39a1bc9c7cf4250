"""The drift report: what changed between two runs, and the exit status it implies.

JSON shape ``m365gov/drift@1``::

    {"schema": "m365gov/drift@1",
     "old": {"collectedAt", "tenantId", "label"}, "new": {…},
     "failOn": "low",
     "counts": {"new_failure": n, "fixed": n, "still_failing": n, "changed": n,
                "new_not_evaluated": n, "gone": n},
     "regressions": n,                       # entries that fail a --baseline run
     "entries": [{"change", "regression", "policy", "title", "area", "severity",
                  "resource": {"id", "name", "view"},
                  "old": {"status", "observed", "reason"?, "counts"?} | null,
                  "new": {"status", "observed", "reason"?, "detail"?, "permission"?, "waiver"?} | null,
                  "expected": "text"}]}

Entries are sorted by change kind (the order of :data:`CHANGES`), then policy, then resource name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from m365gov.statuses import BENIGN_REASONS, SEVERITIES, severity_rank

SCHEMA_ID: Final = "m365gov/drift@1"

NEW_FAILURE: Final = "new_failure"
FIXED: Final = "fixed"
STILL_FAILING: Final = "still_failing"
CHANGED: Final = "changed"
NEW_NOT_EVALUATED: Final = "new_not_evaluated"
GONE: Final = "gone"
CHANGES: Final = (NEW_FAILURE, NEW_NOT_EVALUATED, CHANGED, STILL_FAILING, FIXED, GONE)
"""Change kinds, most urgent first.

* ``new_failure``: fails now; did not fail (nor was waived) in the baseline, or was not there.
* ``new_not_evaluated``: not evaluated now where the baseline had evidence (a pass, fail or waiver
  for the same resource, or any evaluated finding of the policy for a population finding).
* ``changed``: failing (or waived) in both runs, with different observed or expected values.
* ``still_failing``: failing (or waived) in both runs with the same evidence.
* ``fixed``: failing (or waived) in the baseline, passing now.
* ``gone``: failing in the baseline, absent now while its policy was evaluated (resource deleted or
  out of scope, or the policy dropped).
"""


@dataclass(frozen=True)
class Side:
    """One run's view of a (policy, resource) pair.

    Attributes:
        status: the finding's status (``None`` for a policy-level summary).
        observed: the finding's observed values.
        reason / detail / permission: for ``not_evaluated``.
        waiver: the covering waiver's id, for ``waived``.
        counts: for a population ``not_evaluated`` entry, the policy's counts in the baseline.
    """

    status: str | None
    observed: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None
    detail: str | None = None
    permission: str | None = None
    waiver: str | None = None
    counts: Mapping[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "observed": dict(self.observed)}
        for key in ("reason", "detail", "permission", "waiver"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.counts is not None:
            out["counts"] = dict(self.counts)
        return out


@dataclass(frozen=True)
class DriftEntry:
    """One change between the runs, with both sides and what was expected.

    Attributes:
        change: one of :data:`CHANGES`.
        policy / title / area / severity: the policy (from the newer run when it has it).
        resource_id / resource_name / view: the resource.
        old / new: each run's side, ``None`` when the pair is absent from that run.
        expected: what the policy requires, in words (from the newer run when it has it).
    """

    change: str
    policy: str
    title: str
    area: str
    severity: str
    resource_id: str
    resource_name: str | None
    view: str
    old: Side | None
    new: Side | None
    expected: str | None

    @property
    def is_regression(self) -> bool:
        """A new failure, or evidence lost for a reason that means the run needed it."""
        if self.change == NEW_FAILURE:
            return True
        return self.change == NEW_NOT_EVALUATED and (self.new is None or self.new.reason not in BENIGN_REASONS)

    def to_json(self, *, regression: bool) -> dict[str, Any]:
        return {
            "change": self.change,
            "regression": regression,
            "policy": self.policy,
            "title": self.title,
            "area": self.area,
            "severity": self.severity,
            "resource": {"id": self.resource_id, "name": self.resource_name, "view": self.view},
            "old": None if self.old is None else self.old.to_json(),
            "new": None if self.new is None else self.new.to_json(),
            "expected": self.expected,
        }


@dataclass(frozen=True)
class RunRef:
    """Which run a side of the comparison is: its collection time, tenant, and where it came from."""

    collected_at: str
    tenant_id: str
    label: str

    def to_json(self) -> dict[str, Any]:
        return {"collectedAt": self.collected_at, "tenantId": self.tenant_id, "label": self.label}


@dataclass(frozen=True)
class DriftReport:
    """Everything that changed from ``old`` (the baseline) to ``new``, sorted (see module docstring).

    Attributes:
        fail_on: the lowest severity whose regressions fail the run (``--fail-on``).
    """

    old: RunRef
    new: RunRef
    entries: tuple[DriftEntry, ...]
    fail_on: str = "low"

    def of(self, change: str) -> list[DriftEntry]:
        return [e for e in self.entries if e.change == change]

    def regressions(self) -> list[DriftEntry]:
        """Entries that fail a ``--baseline`` run: regressions at or above ``fail_on``."""
        floor = severity_rank(self.fail_on)
        return [e for e in self.entries if e.is_regression and _rank(e.severity) >= floor]

    def exit_code(self) -> int:
        """1 when there is a regression at or above ``fail_on``, else 0 (known failures never fail)."""
        return 1 if self.regressions() else 0

    def counts(self) -> dict[str, int]:
        return {c: len(self.of(c)) for c in CHANGES}

    def to_json(self) -> dict[str, Any]:
        regressing = set(map(id, self.regressions()))
        return {
            "schema": SCHEMA_ID,
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "failOn": self.fail_on,
            "counts": self.counts(),
            "regressions": len(self.regressions()),
            "entries": [e.to_json(regression=id(e) in regressing) for e in self.entries],
        }


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)
