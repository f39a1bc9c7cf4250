"""The policy as loaded (:class:`Policy`) and as ready to evaluate (:class:`CompiledPolicy`).

Two stages because parameters are per tenant: a :class:`Policy` is what the file says, checked;
a :class:`CompiledPolicy` is that policy with the tenant's parameter values substituted and its
conditions turned into closures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from m365gov.policy.compile import CompiledCondition
from m365gov.policy.parameters import ParameterSpec
from m365gov.policy.paths import FieldPath

AREAS = ("residency", "teams", "devices", "keys", "council")
"""The audit areas of DESIGN.md; one directory of ``policies/`` each."""

TENANT_VIEW = "tenant"
"""The view with the tenant's single resource, on which ``applicableIf`` is judged."""


OPTIONAL_MARK = "?"
"""Suffix of a ``requires.sources`` entry needed only when configured (``"inventory?"``)."""


def source_name(entry: str) -> str:
    """The source named by a ``requires.sources`` entry, without its optional mark."""
    return entry[:-1] if entry.endswith(OPTIONAL_MARK) else entry


@dataclass(frozen=True)
class Requires:
    """What a policy needs from collection.

    Attributes:
        permissions: least-privilege Graph / Key Vault permissions (``m365gov permissions`` lists them).
        sources: snapshot sections needed beyond those of the policy's view. A name ending in ``?``
            (``"inventory?"``) is needed only when configured: a tenant without that source is
            judged on the rest, but a configured source that failed still makes the policy
            ``not_evaluated`` — its absence would otherwise read as evidence of absence.
    """

    permissions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, list[str]]:
        return {"permissions": list(self.permissions), "sources": list(self.sources)}


@dataclass(frozen=True)
class Policy:
    """One policy file, checked against the schema, its parameters and the views' fields.

    Attributes:
        id: ``AREA-NNN``, unique in a policy set.
        title / description / remediation: for people; ``description`` says why it matters.
        area: one of :data:`AREAS`.
        severity: one of ``statuses.SEVERITIES``.
        view: the view whose resources are judged.
        assert_: the raw ``assert`` condition (parameters still as references).
        where: the raw scope condition, or ``None`` for every resource of the view.
        applicable_if: the raw condition on the tenant view deciding if the policy applies at all.
        not_applicable_detail: the explanation used when ``applicable_if`` is false.
        parameters: declared parameters by name.
        threshold: the raw ``threshold`` object (``{"minPassRatio": …}``), or ``None``.
        evidence: extra field paths reported as observed with every verdict.
        requires: permissions and sources needed.
        references / mappings: documentation links and framework mappings (``anssi``, ``cis-m365``…).
        enabled: ``false`` in the file keeps the policy out of every run.
        file: the file it was read from (for messages), or ``None`` when built in memory.
    """

    id: str
    title: str
    area: str
    severity: str
    description: str
    view: str
    assert_: Any
    where: Any = None
    applicable_if: Any = None
    not_applicable_detail: str | None = None
    parameters: Mapping[str, ParameterSpec] = field(default_factory=dict)
    threshold: Mapping[str, Any] | None = None
    evidence: tuple[str, ...] = ()
    requires: Requires = Requires()
    remediation: str = ""
    references: tuple[str, ...] = ()
    mappings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enabled: bool = True
    file: str | None = None


@dataclass(frozen=True)
class CompiledPolicy:
    """A policy with the tenant's parameters substituted and its conditions compiled.

    Attributes:
        policy: the policy as loaded.
        parameters: the resolved parameter values (defaults, then config overrides).
        assert_: the judged condition.
        where: the scope condition, or ``None``.
        applicable_if: the applicability condition (on the tenant view), or ``None``.
        evidence: parsed ``evidence`` paths.
        min_pass_ratio: the resolved population threshold, or ``None`` to judge each resource.
    """

    policy: Policy
    parameters: Mapping[str, Any]
    assert_: CompiledCondition
    where: CompiledCondition | None = None
    applicable_if: CompiledCondition | None = None
    evidence: tuple[FieldPath, ...] = ()
    min_pass_ratio: float | None = None

    @property
    def id(self) -> str:
        return self.policy.id

    @property
    def view(self) -> str:
        return self.policy.view

    @property
    def area(self) -> str:
        return self.policy.area

    @property
    def severity(self) -> str:
        return self.policy.severity

    def fields_read(self) -> dict[str, tuple[str, ...]]:
        """Field paths read, by view: what collectors must fetch (``$select``) for this policy."""
        paths: dict[str, None] = {}
        for cond in (self.where, self.assert_):
            if cond is not None:
                paths.update(dict.fromkeys(cond.paths))
        paths.update(dict.fromkeys(p.text for p in self.evidence))
        out = {self.view: tuple(paths)}
        if self.applicable_if is not None:
            tenant = out.get(TENANT_VIEW, ())
            out[TENANT_VIEW] = tuple(dict.fromkeys((*tenant, *self.applicable_if.paths)))
        return out
