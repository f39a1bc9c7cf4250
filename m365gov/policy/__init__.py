"""The policy engine: declarative JSON policies, loaded, compiled once, evaluated purely.

Pipeline: :func:`load_policies` (schema + semantic checks against the views' fields) →
:meth:`PolicySet.compile` (tenant parameters substituted, conditions turned into closures) →
:func:`evaluate` (snapshot + compiled policies + waivers → :class:`~m365gov.results.Results`).
Nothing here imports ``collect`` or ``emulator``, and nothing reads the clock: "now" is the
snapshot's collection time.
"""

from m365gov.policy.compile import BoundCondition, CompiledCondition
from m365gov.policy.describe import describe_policy
from m365gov.policy.engine import evaluate
from m365gov.policy.loader import PolicySet, compile_policy, load_policies, load_policy_file, parse_policy
from m365gov.policy.model import AREAS, TENANT_VIEW, CompiledPolicy, Policy, Requires
from m365gov.policy.parameters import ParameterSpec

__all__ = [
    "AREAS",
    "TENANT_VIEW",
    "BoundCondition",
    "CompiledCondition",
    "CompiledPolicy",
    "ParameterSpec",
    "Policy",
    "PolicySet",
    "Requires",
    "compile_policy",
    "describe_policy",
    "evaluate",
    "load_policies",
    "load_policy_file",
    "parse_policy",
]
