"""Policy parameters: declarations, ``[parameters('name')]`` references, and per-tenant overrides.

Parameters are how one policy set serves several tenants (maester #1798, #1861: per-check values in
config, not code edits). Values are substituted when a policy is compiled, so a condition never
looks a parameter up per resource. Each resolved value remembers where it came from — the policy's
default or the config file — so that a value that breaks a condition (an override that is not a
valid regex) is reported where the user must fix it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from m365gov.errors import InputError, json_pointer
from m365gov.policy.operators import is_number, json_equal

PARAMETER_TYPES = ("string", "number", "integer", "boolean", "array", "object")

_REF = re.compile(r"\[\s*parameters\s*\(\s*'([^']*)'\s*\)\s*\]")


@dataclass(frozen=True)
class ParameterSpec:
    """A parameter a policy declares.

    Attributes:
        name: how conditions refer to it (``[parameters('name')]``) and the config overrides it.
        type: one of :data:`PARAMETER_TYPES`.
        default: the value used unless the tenant's config overrides it (already type-checked).
        description: what the value means, for ``m365gov policies show``.
        allowed_values: when set, the only values an override may take.
    """

    name: str
    type: str
    default: Any
    description: str = ""
    allowed_values: tuple[Any, ...] | None = None

    def problem(self, value: Any) -> str | None:
        """Why ``value`` cannot be this parameter's value, or ``None``."""
        if not type_matches(value, self.type):
            return f"expected {_article(self.type)}, got {_show(value)}"
        if self.allowed_values is not None and not any(json_equal(value, a) for a in self.allowed_values):
            allowed = ", ".join(_show(a) for a in self.allowed_values)
            return f"got {_show(value)}, expected one of {allowed}"
        return None


@dataclass(frozen=True)
class ParamValue:
    """A parameter's value once defaults and overrides are settled.

    Attributes:
        value: the value substituted into conditions.
        file: the file it came from (the policy for a default, the config for an override).
        pointer: where in that file (``/parameters/x/default`` or ``/parameters/RES-003/x``).
    """

    value: Any
    file: str | None
    pointer: str


def type_matches(value: Any, type_: str) -> bool:
    """JSON typing: ``integer`` is a whole number, ``number`` any number, and booleans are neither."""
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "number":
        return is_number(value)
    if type_ == "integer":
        return type(value) is int or (type(value) is float and value.is_integer())
    if type_ == "boolean":
        return isinstance(value, bool)
    if type_ == "array":
        return isinstance(value, list)
    if type_ == "object":
        return isinstance(value, dict)
    return False


def param_ref(value: Any) -> str | None:
    """The parameter name if ``value`` is a whole ``"[parameters('name')]"`` string, else ``None``.

    Raises ValueError for a string that starts like a reference but is malformed, which would
    otherwise be compared literally and silently never match.
    """
    if not isinstance(value, str) or not value.startswith("[") or "parameters" not in value:
        return None
    m = _REF.fullmatch(value)
    if m is None:
        if re.match(r"\[\s*parameters\s*\(", value):
            raise ValueError(f"malformed parameter reference {value!r}; expected \"[parameters('name')]\"")
        return None
    return m.group(1)


def parse_parameters(raw: Mapping[str, Any], *, file: str | None) -> dict[str, ParameterSpec]:
    """Build the declarations of a schema-checked ``parameters`` member; check defaults and allowed values."""
    specs: dict[str, ParameterSpec] = {}
    for name, decl in raw.items():
        type_ = decl["type"]
        allowed = decl.get("allowedValues")
        if allowed is not None:
            for i, a in enumerate(allowed):
                if not type_matches(a, type_):
                    raise InputError(
                        f"allowed value {_show(a)} is not {_article(type_)}",
                        file=file,
                        pointer=json_pointer(("parameters", name, "allowedValues", i)),
                    )
        spec = ParameterSpec(
            name=name,
            type=type_,
            default=decl["default"],
            description=decl.get("description", ""),
            allowed_values=tuple(allowed) if allowed is not None else None,
        )
        problem = spec.problem(spec.default)
        if problem is not None:
            raise InputError(
                f"default of parameter {name!r}: {problem}",
                file=file,
                pointer=json_pointer(("parameters", name, "default")),
            )
        specs[name] = spec
    return specs


def defaults(specs: Mapping[str, ParameterSpec], *, file: str | None) -> dict[str, ParamValue]:
    """The values a policy runs with when the config overrides nothing."""
    return {
        name: ParamValue(spec.default, file, json_pointer(("parameters", name, "default")))
        for name, spec in specs.items()
    }


def resolve(
    policy_id: str,
    specs: Mapping[str, ParameterSpec],
    overrides: Mapping[str, Any],
    *,
    policy_file: str | None,
    config_file: str | None,
) -> dict[str, ParamValue]:
    """Apply one policy's overrides over its defaults, refusing unknown names and bad values."""
    values = defaults(specs, file=policy_file)
    for name, value in overrides.items():
        pointer = json_pointer(("parameters", policy_id, name))
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs)) or "none"
            raise InputError(
                f"policy {policy_id} has no parameter {name!r} (its parameters: {known})",
                file=config_file,
                pointer=pointer,
            )
        problem = spec.problem(value)
        if problem is not None:
            raise InputError(f"parameter {name!r} of policy {policy_id}: {problem}", file=config_file, pointer=pointer)
        values[name] = ParamValue(value, config_file, pointer)
    return values


def check_policy_ids(
    overrides: Mapping[str, Any], disabled: Collection[str], known: Collection[str], *, config_file: str | None
) -> None:
    """Refuse config entries naming a policy that is not in the set: a typo would silently do nothing."""
    for policy_id in overrides:
        if policy_id not in known:
            raise InputError(
                f"parameters are set for unknown policy {policy_id!r}",
                file=config_file,
                pointer=json_pointer(("parameters", policy_id)),
            )
    for policy_id in sorted(disabled):
        if policy_id not in known:
            raise InputError(f"cannot disable unknown policy {policy_id!r}", file=config_file)


def _article(type_: str) -> str:
    return f"an {type_}" if type_[0] in "aeiou" else f"a {type_}"


def _show(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
