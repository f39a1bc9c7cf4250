"""The demo town's vaults as the real clients see them: the right pair right, every seeded defect visible."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.core.rest import HttpRequest
from azure.keyvault.keys import KeyClient
from azure.mgmt.keyvault import KeyVaultManagementClient

from m365gov.auth import StaticTestCredential
from m365gov.emulator import KV_DEFECT_KINDS, KeyVaultEmulator, generate_keyvault_town
from m365gov.emulator.keyvault_town import (
    FAR_FUTURE_EXP,
    KV_CRYPTO_OFFICER,
    KV_CRYPTO_SERVICE_ENCRYPTION_USER,
    SHAREPOINT_APP_ID,
)

from .conftest import EX_A1, EX_A2, MW_A1, MW_A2

KeyClientFactory = Callable[[str], KeyClient]
MgmtFactory = Callable[[str], KeyVaultManagementClient]


def _arm(kv: KeyVaultEmulator, mgmt_client: MgmtFactory, name: str) -> Any:
    v = next(v for v in kv.vaults if v.name == name)
    return mgmt_client(v.subscription_id).vaults.get(v.resource_group, name)


def _assigned_roles(kv: KeyVaultEmulator, mgmt_client: MgmtFactory, name: str) -> list[str]:
    v = next(v for v in kv.vaults if v.name == name)
    resp = mgmt_client(v.subscription_id).send_request(HttpRequest(
        "GET", f"{kv.management_url}{v.resource_id}/providers/Microsoft.Authorization/roleAssignments",
        params={"api-version": "2022-04-01", "$filter": "atScope()"}))
    return [a["properties"]["roleDefinitionId"].rsplit("/", 1)[-1] for a in resp.json()["value"]]


def test_the_multi_workload_pair_is_right(kv: KeyVaultEmulator, key_client: KeyClientFactory,
                                          mgmt_client: MgmtFactory) -> None:
    regions, subscriptions = set(), set()
    for name in (MW_A1, MW_A2):
        vault = _arm(kv, mgmt_client, name)
        regions.add(vault.location)
        subscriptions.add(vault.id.split("/")[2])
        p = vault.properties
        assert p.sku.name == "premium" and p.enable_purge_protection is True
        assert p.soft_delete_retention_in_days == 90 and p.enable_rbac_authorization is True
        assert p.network_acls.default_action == "Deny" and p.network_acls.bypass == "AzureServices"
        assert _assigned_roles(kv, mgmt_client, name) == [KV_CRYPTO_SERVICE_ENCRYPTION_USER]
        key = key_client(name).get_key(f"{name}-Key001")
        assert key.key_type == "RSA-HSM" and len(key.key.n) * 8 == 3072
        assert set(key.key_operations) == {"wrapKey", "unwrapKey"}
        assert key.properties.enabled is True and key.properties.expires_on is None
        assert key.properties.recovery_level == "Recoverable+ProtectedSubscription"
        assert key.properties.recoverable_days == 90
    assert regions == {"francecentral", "francesouth"} and len(subscriptions) == 2


def test_every_seeded_defect_is_visible_through_the_real_clients(kv: KeyVaultEmulator,
                                                                 key_client: KeyClientFactory,
                                                                 mgmt_client: MgmtFactory) -> None:
    kinds = {d["kind"] for d in kv.town.defects}
    assert kinds == set(KV_DEFECT_KINDS)
    a1, a2 = _arm(kv, mgmt_client, EX_A1), _arm(kv, mgmt_client, EX_A2)
    with pytest.raises(ResourceNotFoundError):  # missing_key
        key_client(EX_A1).get_key(f"{EX_A1}-Key001")
    assert _assigned_roles(kv, mgmt_client, EX_A1) == [KV_CRYPTO_OFFICER]  # broad_permission
    assert a1.location == a2.location == "francecentral"  # same_region
    assert a2.properties.sku.name == "standard"  # standard_sku
    assert a2.properties.enable_purge_protection is None  # purge_protection_off
    assert a2.properties.network_acls.default_action == "Allow"  # firewall_open
    key = key_client(EX_A2).get_key(f"{EX_A2}-Key001")
    assert key.properties.recovery_level == "Recoverable+Purgeable"  # recovery_level
    assert key.key_type == "RSA"  # software_key
    assert len(key.key.n) * 8 == 2048  # key_size
    assert key.properties.expires_on is not None  # key_expiry
    assert int(key.properties.expires_on.timestamp()) != FAR_FUTURE_EXP


def test_the_sharepoint_pair_and_the_trial_dep_defects_through_the_real_clients(
        kv: KeyVaultEmulator, key_client: KeyClientFactory, mgmt_client: MgmtFactory) -> None:
    sp = {d["name"]: d for d in kv.deps()}["SAL-DEP-SP-01"]
    a1, a2 = (k["vault"] for k in sp["keys"])
    rolled = key_client(a1).get_key(f"{a1}-Key001")
    assert rolled.key_operations == ["wrapKey"]  # key_ops
    assert rolled.properties.version != sp["keys"][0]["pinnedVersion"]  # pinned_not_current
    versions = [p.version for p in key_client(a1).list_properties_of_key_versions(f"{a1}-Key001")]
    assert sp["keys"][0]["pinnedVersion"] in versions
    arm_a1, arm_a2 = _arm(kv, mgmt_client, a1), _arm(kv, mgmt_client, a2)
    sharepoint = kv.town.service_principals[SHAREPOINT_APP_ID]["id"]
    [policy] = arm_a1.properties.access_policies
    assert (policy.object_id, policy.permissions["keys"]) == (sharepoint, ["wrapKey"])  # service_principal_access
    assert arm_a1.id.split("/")[2] == arm_a2.id.split("/")[2]  # same_subscription
    assert arm_a2.properties.soft_delete_retention_in_days == 30  # soft_delete_retention
    secondary = key_client(a2)
    assert secondary.get_key(f"{a2}-Key001").properties.recoverable_days == 30  # recoverable_days
    assert secondary.get_key_rotation_policy(f"{a2}-Key001").expires_in == "P2Y"  # rotation_policy_expiry
    trial = {d["name"]: d for d in kv.deps()}["SAL-DEP-MW-T1"]
    assert len({k["vaultUrl"] for k in trial["keys"]}) == 1  # same_vault
    second = trial["keys"][1]
    assert key_client(second["vault"]).get_key(second["key"]).properties.enabled is False  # key_disabled


def test_the_missing_key_can_be_created_in_its_premium_vault(kv: KeyVaultEmulator,
                                                            key_client: KeyClientFactory) -> None:
    key = key_client(EX_A1).create_rsa_key(f"{EX_A1}-Key001", size=3072, hardware_protected=True,
                                           key_operations=["wrapKey", "unwrapKey"])
    assert key.properties.recovery_level == "Recoverable+ProtectedSubscription"


def test_a_fixed_town_serves_no_defect() -> None:
    town = generate_keyvault_town(fix=["all"])
    assert town.defects == ()
    with KeyVaultEmulator(town) as kv:
        client = KeyClient(kv.vault_url(EX_A2), StaticTestCredential(), retry_total=0, **kv.key_client_kwargs())
        key = client.get_key(f"{EX_A2}-Key001")
        assert key.key_type == "RSA-HSM" and key.properties.expires_on is None
        assert key.properties.recovery_level == "Recoverable+ProtectedSubscription"


def test_deps_name_versionless_key_uris_on_the_emulator(kv: KeyVaultEmulator) -> None:
    deps = {d["name"]: d for d in kv.deps()}
    assert {n: d["status"] for n, d in deps.items()} == {"SAL-DEP-MW-01": "assigned", "SAL-DEP-EX-01": "planned",
                                                         "SAL-DEP-SP-01": "assigned", "SAL-DEP-MW-T1": "unassigned"}
    assert [k["pinnedVersion"] is None for k in deps["SAL-DEP-MW-01"]["keys"]] == [True, True]
    assert all(k["pinnedVersion"] for k in deps["SAL-DEP-SP-01"]["keys"])
    uri = deps["SAL-DEP-MW-01"]["keys"][0]["keyUri"]
    assert uri == f"{kv.vault_url(MW_A1)}/keys/{MW_A1}-Key001"



def test_emulator_serve_also_serves_the_vaults_and_prints_where() -> None:
    import io
    import threading

    from m365gov.emulator import Emulator
    from m365gov.emulator.server import serve

    out, stop, ready = io.StringIO(), threading.Event(), []
    thread = threading.Thread(target=serve, kwargs={"users": 100, "port": 0, "out": out, "stop": stop,
                                                    "on_ready": ready.append})
    thread.start()
    try:
        for _ in range(100):
            if ready:
                break
            stop.wait(0.05)
        emu: Emulator = ready[0]
        assert emu.keyvault is not None
        kv = emu.keyvault
        client = KeyClient(kv.vault_url(MW_A1), StaticTestCredential(), retry_total=0, **kv.key_client_kwargs())
        assert client.get_key(f"{MW_A1}-Key001").properties.recovery_level == "Recoverable+ProtectedSubscription"
        text = out.getvalue()
        assert kv.vault_url(MW_A2) in text and kv.management_url in text and str(kv.cert_path) in text
    finally:
        stop.set()
        thread.join(5)
