"""The keys, vaults and keyPairs views, and the KEY-* policies judged on them (pure, offline)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from m365gov.pipeline import audit_snapshot, compile_policies
from m365gov.views import VIEWS
from m365gov.views.key_join import principal_grants
from tests.support.snapshots import make_snapshot
from tests.unit.keys.support import (
    A1,
    A2,
    SUB1,
    SUB2,
    V2,
    arm_rec,
    backups,
    key_rec,
    keys_data,
    plan_doc,
    vault_rec,
)

EX_APP = "00000002-0000-0ff1-ce00-000000000000"
SP = "99999999-9999-9999-9999-999999999999"
SERVICE_USER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6"
OFFICER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/14b46e9e-c2b7-41b4-b07b-48a6ebf60603"


def _plan_json(doc: dict[str, Any] | None = None) -> dict[str, Any]:
    from m365gov.keys.desired import parse_key_plan

    return parse_key_plan(doc or plan_doc(), file="p").to_json()


def _snapshot(k1: dict[str, Any], k2: dict[str, Any] | None, arm: list[dict[str, Any]] | None = None,
              bk: Any = None, plan: dict[str, Any] | None = None) -> Any:
    ok: dict[str, Any] = {
        "keyPlan": _plan_json(plan),
        "keyVaultKeys": keys_data(vault_rec(A1, "kv-a1", [k1]),
                                  vault_rec(A2, "kv-a2", [k2] if k2 else [], missing=() if k2 else ("k2",))),
        "keyBackups": bk or backups(("kv-a1", "k1", V2)),
        "m365ServicePrincipals": [{"id": SP, "appId": EX_APP, "displayName": "Office 365 Exchange Online"}],
    }
    if arm is not None:
        ok["keyVaults"] = {"vaults": arm}
    return make_snapshot(ok)


def _verdicts(snapshot: Any) -> dict[str, dict[str, str]]:
    selection = compile_policies(None)
    keys_only = type(selection)(tuple(p for p in selection.enabled if p.area == "keys"), selection.known_ids)
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for f in audit_snapshot(snapshot, keys_only).to_json()["findings"]:
        out[f["policy"]][f["resource"]["id"]] = f["status"] if f["status"] != "not_evaluated" else f["reason"]
    return out


def test_access_policy_grants_exact_broader_and_unknown_principals() -> None:
    arm = arm_rec(A1, "kv-a1", SUB1, "rg1", "francecentral", access=[
        {"objectId": SP, "permissions": {"keys": ["get", "wrapKey", "unwrapKey"]}},
        {"objectId": "someone-else", "permissions": {"keys": ["all"]}}])["arm"]
    assert principal_grants(arm, None, SP) == (["get", "unwrapKey", "wrapKey"], True, [])
    assert principal_grants(arm, None, None) == (None, None, None)  # unresolved: never a pass
    arm["properties"]["accessPolicies"][0]["permissions"]["secrets"] = ["get"]
    assert principal_grants(arm, None, SP)[2] == ["secrets:get"]


def test_rbac_grants_only_the_service_encryption_role_is_exact() -> None:
    arm = arm_rec(A1, "kv-a1", SUB1, "rg1", "francecentral", rbac=True)["arm"]
    exact = [{"properties": {"principalId": SP, "roleDefinitionId": SERVICE_USER}}]
    assert principal_grants(arm, exact, SP) == (["role:Key Vault Crypto Service Encryption User"], True, [])
    broad = [{"properties": {"principalId": SP, "roleDefinitionId": OFFICER}}]
    assert principal_grants(arm, broad, SP) == (["role:Key Vault Crypto Officer"], True,
                                                ["role:Key Vault Crypto Officer"])
    assert principal_grants(arm, [], SP) == ([], False, [])


def test_key_policies_pass_and_fail_per_key_with_the_evidence_they_name() -> None:
    bad = key_rec("k2", kty="RSA", size=2048, expires="2027-06-30T00:00:00Z", level="Recoverable+Purgeable",
                  created="2025-06-10T14:05:00Z")
    v = _verdicts(_snapshot(key_rec("k1", expires="9999-12-31T00:00:00Z"), bad))
    k1, k2 = "kv-a1/k1", "kv-a2/k2"  # resource ids are <vault name>/<key name>
    for policy in ("KEY-002", "KEY-003", "KEY-004", "KEY-007", "KEY-008", "KEY-010"):
        assert v[policy] == {k1: "pass", k2: "fail"}, policy
    assert v["KEY-005"] == v["KEY-006"] == v["KEY-009"] == {k1: "pass", k2: "pass"}
    assert v["KEY-011"] == {"DEP1": "pass"}
    # no management plane collected: vault and pair-layout policies say so instead of guessing
    assert set(v["KEY-015"].values()) == {"not_configured"} and set(v["KEY-013"].values()) == {"not_configured"}


def test_a_missing_planned_key_fails_key_001_and_is_out_of_scope_elsewhere() -> None:
    v = _verdicts(_snapshot(key_rec("k1"), None))
    assert v["KEY-001"] == {"kv-a1/k1": "pass", "kv-a2/k2": "fail"}
    assert "kv-a2/k2" not in v["KEY-003"]


def test_vault_and_pair_policies_from_the_management_plane() -> None:
    arm = [arm_rec(A1, "kv-a1", SUB1, "rg1", "francecentral", rbac=True,
                   assignments=[{"properties": {"principalId": SP, "roleDefinitionId": OFFICER}}]),
           arm_rec(A2, "kv-a2", SUB2, "rg2", "francecentral", purge=None, sku="standard", default_action="Allow",
                   access=[{"objectId": SP, "permissions": {"keys": ["get", "wrapKey", "unwrapKey"]}}])]
    v = _verdicts(_snapshot(key_rec("k1"), key_rec("k2"), arm))
    a1, a2 = "kv-a1", "kv-a2"  # vaults are named by their (globally unique) names
    assert v["KEY-015"] == {a1: "pass", a2: "fail"} and v["KEY-017"] == {a1: "pass", a2: "fail"}
    assert v["KEY-020"] == {a1: "pass", a2: "fail"} and v["KEY-016"] == {a1: "pass", a2: "pass"}
    assert v["KEY-018"] == {a1: "pass", a2: "pass"} and v["KEY-019"] == {a1: "fail", a2: "pass"}
    assert v["KEY-012"] == {"DEP1": "pass"} and v["KEY-013"] == {"DEP1": "fail"}  # both in francecentral
    assert v["KEY-014"] == {a1: "pass", a2: "fail"}  # planned in francesouth, built in francecentral


def test_a_vault_is_where_the_plan_says_subscription_group_and_region() -> None:
    def verdicts(plan_region: str | None, found: bool = True) -> dict[str, str]:
        arm = [arm_rec(A1, "kv-a1", SUB1, "rg1", "France Central"), arm_rec(A2, "kv-a2", SUB2, "rg2", "francesouth")]
        if not found:
            arm[1].update(found=False, arm=None)
        plan = plan_doc()
        if plan_region is None:
            del plan["dataEncryptionPolicies"][0]["primary"]["vault"]["region"]
        else:
            plan["dataEncryptionPolicies"][0]["primary"]["vault"]["region"] = plan_region
        return _verdicts(_snapshot(key_rec("k1"), key_rec("k2"), arm, plan=plan))["KEY-014"]

    assert verdicts("francecentral") == {"kv-a1": "pass", "kv-a2": "pass"}  # ARM's display name is normalised
    assert verdicts("francesouth") == {"kv-a1": "fail", "kv-a2": "pass"}
    assert verdicts(None) == {"kv-a1": "pass", "kv-a2": "pass"}  # no region planned: subscription and group only
    assert verdicts("francecentral", found=False) == {"kv-a1": "pass", "kv-a2": "fail"}


def test_a_pair_in_france_central_and_south_passes_residency_and_elsewhere_fails() -> None:
    arm = [arm_rec(A1, "kv-a1", SUB1, "rg1", "francecentral"), arm_rec(A2, "kv-a2", SUB2, "rg2", "westeurope")]
    assert _verdicts(_snapshot(key_rec("k1"), key_rec("k2"), arm))["KEY-013"] == {"DEP1": "fail"}
    arm[1] = arm_rec(A2, "kv-a2", SUB2, "rg2", "France South")
    assert _verdicts(_snapshot(key_rec("k1"), key_rec("k2"), arm))["KEY-013"] == {"DEP1": "pass"}


def test_views_document_every_field_they_produce() -> None:
    arm = [arm_rec(A1, "kv-a1", SUB1, "rg1", "francecentral"), arm_rec(A2, "kv-a2", SUB2, "rg2", "francesouth")]
    snap = _snapshot(key_rec("k1"), key_rec("k2"), arm)
    for name in ("keys", "vaults", "keyPairs"):
        view = VIEWS[name]
        for resource in view.build(snap):
            assert set(resource) == set(view.fields), name
