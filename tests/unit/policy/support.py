"""Tiny fake views, hand-built snapshots and one-line helpers shared by the policy engine's tests."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from m365gov.policy import CompiledPolicy, Policy, evaluate, parse_policy
from m365gov.policy.compile import compile_condition
from m365gov.policy.conditions import ParseContext, parse_condition
from m365gov.policy.parameters import ParamValue
from m365gov.results import Results
from m365gov.snapshot.model import Snapshot, SourceSection
from m365gov.views.base import FieldSpec, Resource, View

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


class FakeUsers(View):
    name = "users"
    description = "fake users"
    sources = ("users",)
    label_field = "userPrincipalName"
    fields = {
        name: FieldSpec("any", name)
        for name in (
            "id",
            "userPrincipalName",
            "licensed",
            "usageLocation",
            "assignedPlans",
            "lastSignIn",
            "manager",
            "tags",
            "score",
            "department",
        )
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        return [dict(u) for u in snapshot.data("users") or []]


class FakeTenant(View):
    name = "tenant"
    description = "fake tenant"
    sources = ("organization",)
    fields = {name: FieldSpec("any", name) for name in ("id", "displayName", "multiGeo")}

    def build(self, snapshot: Snapshot) -> list[Resource]:
        return [dict(o) for o in snapshot.data("organization") or []]


VIEWS: Mapping[str, View] = {"users": FakeUsers(), "tenant": FakeTenant()}


def snapshot(
    users: list[dict[str, Any]] | None = None,
    *,
    organization: list[dict[str, Any]] | None = None,
    sections: Mapping[str, SourceSection] | None = None,
    collected_at: datetime = NOW,
) -> Snapshot:
    """A snapshot with ``users`` and ``organization`` sections ``ok`` unless ``sections`` replaces them."""
    sources = {
        "users": SourceSection("users", "ok", data=users or []),
        "organization": SourceSection(
            "organization", "ok", data=organization if organization is not None else [{"id": "t", "multiGeo": False}]
        ),
    }
    sources.update(sections or {})
    return Snapshot(
        collected_at=collected_at,
        as_of=collected_at,
        tenant_id="t",
        graph_base_url="http://127.0.0.1:8080",
        sources=sources,
    )


def policy_doc(**members: Any) -> dict[str, Any]:
    """A valid RES-003-like policy document, with ``members`` replacing or adding members."""
    doc: dict[str, Any] = {
        "id": "RES-003",
        "title": "Licensed users have France as usage location",
        "area": "residency",
        "severity": "high",
        "description": "why",
        "view": "users",
        "where": {"field": "licensed", "equals": True},
        "assert": {"field": "usageLocation", "in": "[parameters('allowed')]"},
        "parameters": {"allowed": {"type": "array", "default": ["FR"], "description": "allowed"}},
        "requires": {"permissions": ["User.Read.All"], "sources": ["users"]},
        "remediation": "set it",
    }
    doc.update(copy.deepcopy(members))
    return {k: v for k, v in doc.items() if v is not ...}


def load(**members: Any) -> Policy:
    return parse_policy(policy_doc(**members), file="p.json", views=VIEWS)


def compiled(**members: Any) -> CompiledPolicy:
    from m365gov.policy import PolicySet

    return PolicySet((load(**members),)).compile()[0]


def run(users: list[dict[str, Any]], *policies: CompiledPolicy, **kw: Any) -> Results:
    snap = kw.pop("snap", None) or snapshot(users)
    return evaluate(snap, policies, views=VIEWS, **kw)


def check(cond: Any, resource: Any, *, now: datetime = NOW, params: Mapping[str, Any] | None = None) -> bool:
    """Compile ``cond`` (syntax only, no view) and judge one resource."""
    values = {k: ParamValue(v, "p.json", f"/parameters/{k}/default") for k, v in (params or {}).items()}
    tree = parse_condition(cond, ParseContext("p.json", values, "users", None), ("assert",))
    return compile_condition(tree).bind(now).test(resource)


def user(uid: str, **fields: Any) -> dict[str, Any]:
    return {"id": uid, "userPrincipalName": f"{uid}@ville.fr", "licensed": True, **fields}
