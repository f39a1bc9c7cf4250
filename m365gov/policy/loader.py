"""Reading policy files into a :class:`PolicySet`, and compiling it with a tenant's parameters.

Everything that can be wrong in a policy is found here, before any snapshot is read: the JSON
Schema checks the shape, then the conditions are parsed against the views' documented fields and
compiled with the default parameters. A policy set that loads is a policy set that evaluates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m365gov.errors import InputError, json_pointer
from m365gov.jsonio import read_json
from m365gov.policy.compile import CompiledCondition, compile_condition
from m365gov.policy.conditions import ParseContext, Pointer, parse_condition
from m365gov.policy.model import TENANT_VIEW, CompiledPolicy, Policy, Requires
from m365gov.policy.operators import is_number
from m365gov.policy.parameters import ParamValue, check_policy_ids, defaults, param_ref, parse_parameters, resolve
from m365gov.policy.paths import PathError, parse_path
from m365gov.schemas import validate

REGIME_SUFFIX = ".regime.json"
"""Files named ``*.regime.json`` are council regimes (:mod:`m365gov.checklist.regime`), not policies.

The policy loader reads every ``*.json`` under a policy directory, so the two kinds of file are told
apart by name: directories are walked without them, a regime file given by name is skipped here
(``m365gov policies validate`` sends it to the regime loader instead), and a regime document under
another name (its ``"schema": "m365gov/council-regime@1"``) is refused with the naming rule.
"""
REGIME_SCHEMA_PREFIX = "m365gov/council-regime@"

ViewFields = Mapping[str, Mapping[str, Any]]
"""Documented fields by view name (``{"users": {"usageLocation": FieldSpec(…), …}, …}``)."""


def view_fields(views: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Accept View objects (or classes) or plain field mappings, so callers pass what they have."""
    return {name: getattr(v, "fields", v) for name, v in views.items()}


@dataclass(frozen=True)
class PolicySet:
    """Loaded policies, sorted by id.

    Attributes:
        policies: every policy read, including those with ``enabled: false`` (``policies list``
            shows them; compiling skips them).
    """

    policies: tuple[Policy, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.policies)

    def get(self, policy_id: str) -> Policy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def compile(
        self,
        *,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
        disabled: Collection[str] = (),
        config_file: str | None = None,
    ) -> list[CompiledPolicy]:
        """Substitute the tenant's parameters and compile the enabled policies (sorted by id).

        ``overrides`` maps policy id → parameter name → value, as read from the config file
        ``config_file``; ``disabled`` lists policy ids the config turns off. Every override is
        checked, even for a disabled policy, so that a config stays valid when it is re-enabled.
        """
        overrides = overrides or {}
        check_policy_ids(overrides, disabled, self.ids, config_file=config_file)
        compiled = []
        for policy in self.policies:
            params = resolve(
                policy.id,
                policy.parameters,
                overrides.get(policy.id, {}),
                policy_file=policy.file,
                config_file=config_file,
            )
            if policy.enabled and policy.id not in disabled:
                compiled.append(compile_policy(policy, params))

        return compiled


def load_policies(paths: Sequence[str | Path], views: Mapping[str, Any]) -> PolicySet:
    """Load policy files and directories (searched recursively for ``*.json``, in sorted order).

    ``views`` maps view names to View objects or to their documented fields. Duplicate ids are
    refused, naming both files, because a later file silently replacing an earlier one would make a
    verdict depend on directory order.
    """
    fields = view_fields(views)
    seen: dict[str, Policy] = {}
    for path in _policy_files(paths):
        policy = load_policy_file(path, fields)
        first = seen.get(policy.id)
        if first is not None:
            raise InputError(
                f"duplicate policy id {policy.id}: also defined in {first.file}", file=policy.file, pointer="/id"
            )
        seen[policy.id] = policy
    return PolicySet(tuple(sorted(seen.values(), key=lambda p: p.id)))


def load_policy_file(path: str | Path, views: Mapping[str, Any]) -> Policy:
    """Read and fully check one policy file."""
    doc = read_json(path, what="policy file")
    return parse_policy(doc, file=str(path), views=views)


def parse_policy(doc: Any, *, file: str | None, views: Mapping[str, Any]) -> Policy:
    """Check a policy document (schema, then semantics) and build its :class:`Policy`."""
    if isinstance(doc, dict) and str(doc.get("schema", "")).startswith(REGIME_SCHEMA_PREFIX):
        raise InputError(
            f"this is a council regime, not a policy: name it <id>{REGIME_SUFFIX} so that the policy loader "
            "skips it (m365gov policies validate checks it as a regime)",
            file=file,
            pointer="/schema",
        )
    validate("policy", doc, file=file)
    fields = view_fields(views)
    if doc["view"] not in fields:
        raise InputError(
            f"unknown view {doc['view']!r}; views: {', '.join(sorted(fields))}", file=file, pointer="/view"
        )
    if "applicableIf" in doc and TENANT_VIEW not in fields:
        raise InputError(
            f"applicableIf is judged on the {TENANT_VIEW!r} view, which is not available",
            file=file,
            pointer="/applicableIf",
        )
    requires = doc.get("requires", {})
    policy = Policy(
        id=doc["id"],
        title=doc["title"],
        area=doc["area"],
        severity=doc["severity"],
        description=doc["description"],
        view=doc["view"],
        assert_=doc["assert"],
        where=doc.get("where"),
        applicable_if=doc.get("applicableIf"),
        not_applicable_detail=doc.get("notApplicableDetail"),
        parameters=parse_parameters(doc.get("parameters", {}), file=file),
        threshold=doc.get("threshold"),
        evidence=tuple(doc.get("evidence", ())),
        requires=Requires(tuple(requires.get("permissions", ())), tuple(requires.get("sources", ()))),
        remediation=doc.get("remediation", ""),
        references=tuple(doc.get("references", ())),
        mappings={k: tuple(v) for k, v in doc.get("mappings", {}).items()},
        enabled=doc.get("enabled", True),
        file=file,
    )
    compile_policy(policy, defaults(policy.parameters, file=file), fields)
    return policy


def compile_policy(policy: Policy, params: Mapping[str, ParamValue], views: ViewFields | None = None) -> CompiledPolicy:
    """Substitute ``params`` and compile every condition; with ``views``, also check field names."""

    def condition(raw: Any, member: str, view: str) -> CompiledCondition:
        fields = None if views is None else views[view]
        ctx = ParseContext(file=policy.file, params=params, view=view, fields=fields)
        return compile_condition(parse_condition(raw, ctx, (member,)))

    evidence = []
    for i, text in enumerate(policy.evidence):
        try:
            path = parse_path(text)
        except PathError as exc:
            raise InputError(str(exc), file=policy.file, pointer=json_pointer(("evidence", i))) from None
        if views is not None and path.first not in views[policy.view]:
            raise InputError(
                f"unknown field {path.first!r} of view {policy.view!r}; "
                f"fields: {', '.join(sorted(views[policy.view]))}",
                file=policy.file,
                pointer=json_pointer(("evidence", i)),
            )
        evidence.append(path)
    return CompiledPolicy(
        policy=policy,
        parameters={name: p.value for name, p in params.items()},
        applicable_if=(
            condition(policy.applicable_if, "applicableIf", TENANT_VIEW) if policy.applicable_if is not None else None
        ),
        where=condition(policy.where, "where", policy.view) if policy.where is not None else None,
        assert_=condition(policy.assert_, "assert", policy.view),
        evidence=tuple(evidence),
        min_pass_ratio=_threshold(policy, params),
    )


def _threshold(policy: Policy, params: Mapping[str, ParamValue]) -> float | None:
    if policy.threshold is None:
        return None
    raw = policy.threshold["minPassRatio"]
    at: Pointer = ("threshold", "minPassRatio")
    try:
        name = param_ref(raw)
    except ValueError as exc:
        raise InputError(str(exc), file=policy.file, pointer=json_pointer(at)) from None
    if name is None:
        return float(raw)
    param = params.get(name)
    if param is None:
        raise InputError(
            f"unknown parameter {name!r}; declared: {', '.join(sorted(params)) or 'none'}",
            file=policy.file,
            pointer=json_pointer(at),
        )
    value = param.value
    if not (is_number(value) and 0 <= value <= 1):
        where = (policy.file, json_pointer(at)) if param.file == policy.file else (param.file, param.pointer)
        raise InputError(
            f"minPassRatio: expected a number from 0 to 1, got {value!r} (parameter {name!r})",
            file=where[0],
            pointer=where[1],
        )
    return float(value)


def _policy_files(paths: Sequence[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*.json") if f.is_file() and not f.name.endswith(REGIME_SUFFIX)))
        elif p.name.endswith(REGIME_SUFFIX) and p.exists():
            continue  # a council regime: validated by the regime loader (policies validate)
        elif p.exists():
            files.append(p)
        else:
            raise InputError("policy file or directory not found", file=str(raw))
    return files
