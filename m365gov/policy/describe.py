"""Conditions shown back to people and machines: readable text, and JSON with parameters resolved.

Reports print ``expected`` next to ``observed``; showing the condition with the tenant's actual
parameter values (``usageLocation in ["FR"]``) rather than ``[parameters('…')]`` is what lets a
reader check a verdict without opening the policy file and the config side by side.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from m365gov.policy.conditions import AllOf, AnyOf, Condition, CountCond, FieldCond, Not, ValueCond

if TYPE_CHECKING:
    from m365gov.policy.model import CompiledPolicy


def describe(cond: Condition) -> str:
    """One line of text: ``a equals 1 and (b exists true or count(c[*]) greater 0)``."""
    if isinstance(cond, FieldCond):
        return f"{cond.path.text} {cond.op} {_literal(cond.value)}"
    if isinstance(cond, ValueCond):
        return f"{_literal(cond.value)} {cond.op} {_literal(cond.expected)}"
    if isinstance(cond, CountCond):
        return f"{count_label(cond)} {cond.op} {cond.value}"
    if isinstance(cond, Not):
        return f"not ({describe(cond.item)})"
    joiner = " and " if isinstance(cond, AllOf) else " or "
    return joiner.join(_operand(c) for c in cond.items)


def count_label(cond: CountCond) -> str:
    """``count(path)`` or ``count(path where …)``: the observed key and the described subject."""
    where = f" where {describe(cond.where)}" if cond.where is not None else ""
    return f"count({cond.path.text}{where})"


def to_json(cond: Condition) -> Any:
    """The condition in the policy grammar, with parameter values substituted."""
    if isinstance(cond, FieldCond):
        return {"field": cond.path.text, cond.op: cond.value}
    if isinstance(cond, ValueCond):
        return {"value": cond.value, cond.op: cond.expected}
    if isinstance(cond, CountCond):
        spec: dict[str, Any] = {"field": cond.path.text}
        if cond.where is not None:
            spec["where"] = to_json(cond.where)
        return {"count": spec, cond.op: cond.value}
    if isinstance(cond, Not):
        return {"not": to_json(cond.item)}
    return {"allOf" if isinstance(cond, AllOf) else "anyOf": [to_json(c) for c in cond.items]}


def describe_policy(cp: CompiledPolicy) -> str:
    """A policy as a person reads it (``m365gov policies show``), with the tenant's parameter values."""
    p = cp.policy
    lines = [f"{p.id} [{p.severity}, {p.area}] {p.title}", f"  why: {p.description}", f"  judges: view {p.view}"]
    if cp.applicable_if is not None:
        lines.append(f"  applies if (tenant): {cp.applicable_if.describe()}")
    if cp.where is not None:
        lines.append(f"  in scope: {cp.where.describe()}")
    lines.append(f"  must hold: {cp.assert_.describe()}")
    if cp.min_pass_ratio is not None:
        lines.append(f"  threshold: at least {cp.min_pass_ratio:.0%} of resources in scope pass")
    for name, value in cp.parameters.items():
        spec = p.parameters[name]
        lines.append(f"  parameter {name} = {_literal(value)}" + (f" ({spec.description})" if spec.description else ""))
    if p.requires.permissions:
        lines.append(f"  permissions: {', '.join(p.requires.permissions)}")
    if p.remediation:
        lines.append(f"  remediation: {p.remediation}")
    return "\n".join(lines) + "\n"


def _operand(cond: Condition) -> str:
    if isinstance(cond, AllOf | AnyOf) and len(cond.items) > 1:
        return f"({describe(cond)})"
    return describe(cond)


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
