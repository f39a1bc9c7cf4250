"""``keys plan`` as a pure function: what is planned, from which evidence, and what is left to people."""

from __future__ import annotations

from typing import Any

from m365gov.keys.plan import BACKUP, CREATE_KEY, SET_ROTATION_POLICY, Observed, make_plan
from tests.unit.keys.support import (
    A1,
    A2,
    NOW,
    SUB1,
    SUB2,
    V1,
    V2,
    arm_rec,
    backups,
    healthy_keys,
    key_plan,
    key_rec,
    keys_data,
    vault_rec,
)

ALL_BACKED_UP = backups(("kv-a1", "k1", V2), ("kv-a2", "k2", V2))


def _seen(keys: Any = None, arm: Any = None, bk: Any = ALL_BACKED_UP, sps: Any = None) -> Observed:
    return Observed(keys if keys is not None else healthy_keys(), arm, bk, sps, NOW)


def test_a_compliant_setup_plans_nothing() -> None:
    plan = make_plan(key_plan(), _seen())
    assert plan.actions == () and plan.instructions == () and plan.complete


def test_a_missing_key_is_created_and_the_dep_creation_is_explained() -> None:
    seen = _seen(keys_data(vault_rec(A1, "kv-a1", [], missing=("k1",)), vault_rec(A2, "kv-a2", [key_rec("k2")])))
    plan = make_plan(key_plan(), seen)
    assert [(a.kind, a.key.name) for a in plan.actions] == [(CREATE_KEY, "k1")]
    assert "no expiry" in plan.actions[0].describe() and "RSA-HSM 3072" in plan.actions[0].describe()
    (dep,) = [i for i in plan.instructions if i.topic == "depAfterCreate"]
    assert dep.commands[0] == f"New-DataEncryptionPolicy -Name DEP1 -AzureKeyIDs {A1}/keys/k1,{A2}/keys/k2"


def test_nothing_is_created_in_a_vault_that_could_not_be_read() -> None:
    seen = _seen(keys_data(vault_rec(A1, "kv-a1", [], status="missing_permission", detail="403 ForbiddenByRbac"),
                           vault_rec(A2, "kv-a2", [key_rec("k2")])))
    plan = make_plan(key_plan(), seen)
    assert plan.actions == () and not plan.complete
    assert plan.blocked == ("kv-a1: 403 ForbiddenByRbac",)
    assert plan.instructions[0].topic == "unreadableVault"


def test_a_current_version_without_verified_backup_is_backed_up() -> None:
    plan = make_plan(key_plan(), _seen(bk=backups(("kv-a1", "k1", V1), ("kv-a2", "k2", V2))))
    assert [(a.kind, a.key.name, a.version) for a in plan.actions] == [(BACKUP, "k1", V2)]


def test_wrong_material_expiry_and_disabled_keys_are_left_to_people_with_exact_commands() -> None:
    bad = key_rec("k2", kty="RSA", size=2048, expires="2027-06-30T00:00:00Z", enabled=False,
                  level="Recoverable+Purgeable")
    plan = make_plan(key_plan(), _seen(keys_data(vault_rec(A1, "kv-a1", [key_rec("k1")]),
                                                 vault_rec(A2, "kv-a2", [bad]))))
    assert plan.actions == ()  # m365gov never writes an expiry, enables, disables or re-keys by itself
    topics = {i.topic: i for i in plan.instructions}
    assert set(topics) == {"keyMaterial", "keyDisabled", "keyExpiry", "purgeProtection"}
    assert topics["keyMaterial"].commands[0] == (
        "Add-AzKeyVaultKey -VaultName kv-a2 -Name k2 -Destination HSM -Size 3072 -KeyOps wrapKey,unwrapKey")
    assert "Set-DataEncryptionPolicy -Identity DEP1 -Refresh" in topics["keyMaterial"].commands[2]
    assert topics["keyExpiry"].commands[0].startswith(f"Update-AzKeyVaultKey -VaultName kv-a2 -Name k2 -Version {V2}")
    assert "9999,12,31" in topics["keyExpiry"].commands[0]


def test_old_versions_with_an_expiry_are_listed_too() -> None:
    versions = [{"version": V1, "enabled": True, "expires": "2026-12-01T00:00:00Z", "created": "2025-01-01T00:00:00Z"},
                {"version": V2, "enabled": True, "expires": "9999-12-31T00:00:00Z", "created": "2026-06-01T00:00:00Z"}]
    plan = make_plan(key_plan(), _seen(keys_data(vault_rec(A1, "kv-a1", [key_rec("k1", versions=versions)]),
                                                 vault_rec(A2, "kv-a2", [key_rec("k2")]))))
    assert [i.subject for i in plan.instructions] == [f"kv-a1/k1/{V1}"]


def test_a_missing_mandatory_retention_period_names_the_subscription_to_register() -> None:
    k1 = key_rec("k1", level="Recoverable")
    keys = keys_data(vault_rec(A1, "kv-a1", [k1]), vault_rec(A2, "kv-a2", [key_rec("k2")]))
    plan = make_plan(key_plan(), _seen(keys))
    (mrp,) = plan.instructions
    assert mrp.topic == "mandatoryRetention" and mrp.subject == SUB1
    assert mrp.commands[1] == ("Register-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled "
                               "-ProviderNamespace Microsoft.Resources")
    assert "exock@microsoft.com" in mrp.commands[2]


def test_the_rotation_policy_is_written_when_the_plan_manages_it_and_differs() -> None:
    policy = {"lifetimeActions": [{"trigger": {"timeAfterCreate": "P1Y"}, "action": {"type": "Rotate"}}],
              "attributes": {"expiryTime": None}}
    keys = keys_data(vault_rec(A1, "kv-a1", [key_rec("k1", policy=policy)]),
                     vault_rec(A2, "kv-a2", [key_rec("k2", policy={"lifetimeActions": [],
                                                                   "attributes": {"expiryTime": "P2Y"}})]))
    plan = make_plan(key_plan(autoRotate=True), _seen(keys))
    assert [(a.kind, a.key.name, a.rotate_after_days) for a in plan.actions] == [(SET_ROTATION_POLICY, "k2", 365)]
    assert "expiryTime P2Y" in plan.actions[0].reason


def test_an_unmanaged_rotation_policy_with_an_expiry_is_an_instruction() -> None:
    keys = keys_data(vault_rec(A1, "kv-a1", [key_rec("k1", policy={"lifetimeActions": [],
                                                                   "attributes": {"expiryTime": "P90D"}})]),
                     vault_rec(A2, "kv-a2", [key_rec("k2")]))
    plan = make_plan(key_plan(), _seen(keys))
    assert plan.actions == () and [i.topic for i in plan.instructions] == ["rotationPolicyExpiry"]


def test_an_old_current_version_asks_for_a_roll() -> None:
    keys = keys_data(vault_rec(A1, "kv-a1", [key_rec("k1", created="2025-01-01T00:00:00Z")]),
                     vault_rec(A2, "kv-a2", [key_rec("k2")]))
    (step,) = make_plan(key_plan(), _seen(keys)).instructions
    assert step.topic == "rotationDue" and step.commands[0].startswith("m365gov keys rotate kv-a1/k1 --yes")


def test_sharepoint_pinned_version_behind_the_current_one() -> None:
    plan = key_plan("sharepoint", pinnedVersion=V1)
    first, second = make_plan(plan, _seen()).instructions  # both keys pin an old version
    assert first.topic == second.topic == "sharepointVersion"
    assert first.commands[0] == ("Update-SPODataEncryptionPolicy <SharePoint admin URL> -KeyVaultName kv-a1 "
                                 f"-KeyName k1 -KeyVersion {V2} -KeyType Primary")
    assert first.commands[1].startswith("Get-SPODataEncryptionPolicy") and "Rolling" in first.commands[1]
    assert second.commands[0].endswith("-KeyType Secondary")


def test_sharepoint_is_never_pointed_at_a_current_version_it_cannot_use() -> None:
    plan = key_plan("sharepoint", pinnedVersion=V1)
    keys = keys_data(vault_rec(A1, "kv-a1", [key_rec("k1", ops=("wrapKey",))]),
                     vault_rec(A2, "kv-a2", [key_rec("k2", enabled=False)]))
    steps = {(i.topic, i.subject): i for i in make_plan(plan, _seen(keys)).instructions}
    assert set(steps) == {("keyMaterial", "kv-a1/k1"), ("keyDisabled", "kv-a2/k2")}
    assert any("-KeyVersion <new version> -KeyType Primary" in c for c in steps["keyMaterial", "kv-a1/k1"].commands)


def test_vault_level_problems_come_from_the_management_plane() -> None:
    ex_sp = "99999999-9999-9999-9999-999999999999"
    arm = {"vaults": [
        arm_rec(A1, "kv-a1", SUB1, "rg1", "francecentral", access=[
            {"objectId": ex_sp, "permissions": {"keys": ["get", "wrapKey", "unwrapKey", "delete"]}}]),
        arm_rec(A2, "kv-a2", SUB2, "rg2", "francecentral", purge=None, sku="standard", default_action="Allow"),
    ]}
    sps = [{"id": ex_sp, "appId": "00000002-0000-0ff1-ce00-000000000000"}]
    plan = make_plan(key_plan(), _seen(arm=arm, sps=sps))
    topics = [(i.topic, i.subject) for i in plan.instructions]
    assert ("reviewBroaderAccess", "kv-a1") in topics and ("grantServicePrincipal", "kv-a2") in topics
    assert {("purgeProtection", "kv-a2"), ("premiumVault", "kv-a2"), ("firewall", "kv-a2"),
            ("vaultRegion", "kv-a2"), ("pairLayout", "DEP1")} <= set(topics)
    grant = next(i for i in plan.instructions if i.topic == "grantServicePrincipal")
    assert grant.commands == ("Set-AzKeyVaultAccessPolicy -VaultName kv-a2 -PermissionsToKeys wrapKey,unwrapKey,get "
                              "-ServicePrincipalName 00000002-0000-0ff1-ce00-000000000000",)
    purge = next(i for i in plan.instructions if i.topic == "purgeProtection")
    assert purge.commands[0] == "Update-AzKeyVault -VaultName kv-a2 -ResourceGroupName rg2 -EnablePurgeProtection"


def test_an_hsm_key_is_not_created_in_a_standard_vault() -> None:
    arm = {"vaults": [arm_rec(A1, "kv-a1", SUB1, "rg1", "francecentral", sku="standard"),
                      arm_rec(A2, "kv-a2", SUB2, "rg2", "francesouth")]}
    seen = _seen(keys_data(vault_rec(A1, "kv-a1", [], missing=("k1",)), vault_rec(A2, "kv-a2", [key_rec("k2")])),
                 arm=arm)
    plan = make_plan(key_plan(), seen)
    assert plan.actions == () and plan.instructions[0].topic == "premiumVault"


def test_the_plan_serialises_without_key_material() -> None:
    seen = _seen(keys_data(vault_rec(A1, "kv-a1", [], missing=("k1",)), vault_rec(A2, "kv-a2", [key_rec("k2")])))
    doc = make_plan(key_plan(), seen).to_json()
    assert doc["actions"][0]["action"] == "createKey" and doc["actions"][0]["keySize"] == 3072
