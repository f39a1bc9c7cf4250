"""The ARM subset through the real azure-mgmt-keyvault ``KeyVaultManagementClient`` (and its ``send_request``
for the Microsoft.Authorization and Microsoft.Features reads, which azure-mgmt-keyvault has no operation for)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.rest import HttpRequest
from azure.mgmt.keyvault import KeyVaultManagementClient

from m365gov.emulator import KeyVaultEmulator
from m365gov.emulator.keyvault_town import (
    EXCHANGE_APP_ID,
    KV_CRYPTO_SERVICE_ENCRYPTION_USER,
    M365_DATA_AT_REST_APP_ID,
)

from .conftest import EX_A1, EX_A2, MW_A1, MW_A2

MgmtFactory = Callable[[str], KeyVaultManagementClient]


def _vault(kv: KeyVaultEmulator, name: str) -> Any:
    return next(v for v in kv.vaults if v.name == name)


def test_management_client_reads_a_vault_s_properties(kv: KeyVaultEmulator, mgmt_client: MgmtFactory) -> None:
    v = _vault(kv, MW_A1)
    vault = mgmt_client(v.subscription_id).vaults.get(v.resource_group, MW_A1)
    assert vault.id == v.resource_id
    assert vault.location == "francecentral"
    p = vault.properties
    assert (p.sku.family, p.sku.name) == ("A", "premium")
    assert p.tenant_id == kv.tenant_id
    assert p.enable_soft_delete is True and p.soft_delete_retention_in_days == 90
    assert p.enable_purge_protection is True and p.enable_rbac_authorization is True
    assert (p.network_acls.default_action, p.network_acls.bypass) == ("Deny", "AzureServices")
    assert p.access_policies == []
    assert p.vault_uri == kv.vault_url(MW_A1) + "/"


def test_management_client_lists_the_vaults_of_a_subscription(kv: KeyVaultEmulator, mgmt_client: MgmtFactory) -> None:
    sub = _vault(kv, MW_A2).subscription_id
    client = mgmt_client(sub)
    assert [v.name for v in client.vaults.list_by_subscription()] == [EX_A2, MW_A2]
    assert [v.name for v in client.vaults.list_by_subscription(top=1)] == [EX_A2, MW_A2]  # two pages
    assert [r.name for r in client.vaults.list()] == [EX_A2, MW_A2]
    rg = _vault(kv, MW_A2).resource_group
    assert [v.name for v in client.vaults.list_by_resource_group(rg)] == [EX_A2, MW_A2]


def test_access_policy_vault_shows_its_policies_and_no_purge_protection(kv: KeyVaultEmulator,
                                                                        mgmt_client: MgmtFactory) -> None:
    v = _vault(kv, EX_A2)
    vault = mgmt_client(v.subscription_id).vaults.get(v.resource_group, EX_A2)
    assert vault.properties.enable_rbac_authorization is False
    assert vault.properties.enable_purge_protection is None  # absent, as ARM reports it
    [policy] = vault.properties.access_policies
    assert policy.object_id == kv.town.service_principals[EXCHANGE_APP_ID]["id"]
    # azure-mgmt-keyvault 14 models are mappings: ``permissions.keys`` is dict.keys, read the field by name.
    assert policy.permissions["keys"] == ["get", "wrapKey", "unwrapKey"]


def test_unknown_vault_is_404(kv: KeyVaultEmulator, mgmt_client: MgmtFactory) -> None:
    v = _vault(kv, MW_A1)
    with pytest.raises(ResourceNotFoundError) as caught:
        mgmt_client(v.subscription_id).vaults.get(v.resource_group, "nope")
    assert caught.value.error is not None and caught.value.error.code == "ResourceNotFound"


def test_role_assignments_at_the_vault_name_the_service_principal_and_role(kv: KeyVaultEmulator,
                                                                           mgmt_client: MgmtFactory) -> None:
    v = _vault(kv, MW_A1)
    client = mgmt_client(v.subscription_id)
    resp = client.send_request(HttpRequest(
        "GET", f"{kv.management_url}{v.resource_id}/providers/Microsoft.Authorization/roleAssignments",
        params={"api-version": "2022-04-01", "$filter": "atScope()"}))
    resp.raise_for_status()
    [assignment] = resp.json()["value"]
    props = assignment["properties"]
    assert props["principalId"] == kv.town.service_principals[M365_DATA_AT_REST_APP_ID]["id"]
    assert props["principalType"] == "ServicePrincipal"
    assert props["roleDefinitionId"].endswith(f"/roleDefinitions/{KV_CRYPTO_SERVICE_ENCRYPTION_USER}")
    assert props["scope"] == v.resource_id
    role = client.send_request(HttpRequest("GET", f"{kv.management_url}{props['roleDefinitionId']}",
                                           params={"api-version": "2022-04-01"}))
    assert role.json()["properties"]["roleName"] == "Key Vault Crypto Service Encryption User"
    assert role.json()["properties"]["permissions"][0]["dataActions"] == [
        "Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/wrap/action",
        "Microsoft.KeyVault/vaults/keys/unwrap/action"]


def test_role_assignments_of_a_subscription_include_those_below_it(kv: KeyVaultEmulator,
                                                                   mgmt_client: MgmtFactory) -> None:
    sub = _vault(kv, MW_A1).subscription_id
    resp = mgmt_client(sub).send_request(HttpRequest(
        "GET", f"{kv.management_url}/subscriptions/{sub}/providers/Microsoft.Authorization/roleAssignments",
        params={"api-version": "2022-04-01"}))
    scopes = sorted(a["properties"]["scope"].rsplit("/", 1)[-1] for a in resp.json()["value"])
    rbac_vaults = sorted(v.name for v in kv.town.vaults if v.subscription_id == sub and v.role_assignments)
    assert EX_A1 in scopes and MW_A1 in scopes and scopes == rbac_vaults


def test_mandatory_retention_period_feature_is_registered(kv: KeyVaultEmulator, mgmt_client: MgmtFactory) -> None:
    sub = _vault(kv, MW_A1).subscription_id
    resp = mgmt_client(sub).send_request(HttpRequest(
        "GET", f"{kv.management_url}/subscriptions/{sub}/providers/Microsoft.Features/providers/Microsoft.Resources/"
               "features/mandatoryRetentionPeriodEnabled", params={"api-version": "2021-07-01"}))
    assert resp.json()["properties"]["state"] == "Registered"


def test_management_requires_a_token_and_an_api_version(kv: KeyVaultEmulator) -> None:
    sub = _vault(kv, MW_A1).subscription_id
    url = f"{kv.management_url}/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults"
    anonymous = requests.get(url + "?api-version=2023-07-01", verify=str(kv.cert_path), timeout=10)
    assert anonymous.status_code == 401 and "WWW-Authenticate" in anonymous.headers
    versionless = requests.get(url, headers={"Authorization": "Bearer t"}, verify=str(kv.cert_path), timeout=10)
    assert versionless.status_code == 400
    assert versionless.json()["error"]["code"] == "MissingApiVersionParameter"


def test_management_writes_are_refused_and_recorded(kv: KeyVaultEmulator, mgmt_client: MgmtFactory) -> None:
    kv.deletes_expected = True
    v = _vault(kv, EX_A2)
    url = f"{kv.management_url}{v.resource_id}?api-version=2023-07-01"
    put = requests.put(url, json={"properties": {"enablePurgeProtection": True}},
                       headers={"Authorization": "Bearer t"}, verify=str(kv.cert_path), timeout=10)
    assert put.status_code == 403
    with pytest.raises(HttpResponseError):
        mgmt_client(v.subscription_id).vaults.delete(v.resource_group, EX_A2)
    stats = kv.stats()
    assert [w["method"] for w in stats["kv_refused_management_writes"]] == ["PUT", "DELETE"]
    assert stats["kv_delete_attempts"] == 1
    assert kv.delete_attempts[0].listener == "management"
