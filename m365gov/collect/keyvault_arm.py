"""The Key Vault management-plane source: vault properties and who may use the keys.

Soft delete, purge protection, retention, SKU, RBAC mode, network rules and access policies are ARM
properties of ``Microsoft.KeyVault/vaults``; the data plane cannot read them (customer-key.md §4.6).
They are read with azure-mgmt-keyvault (``vaults.get``, the role ``Reader``), and for a vault in RBAC
mode its role assignments at or above the vault (``$filter=atScope()``) through the same client's
pipeline. Records keep ARM's JSON as returned (``properties.enablePurgeProtection``…).

The source runs only for vaults whose subscription and resource group the key plan gives; without
any, it is ``not_configured`` and the vault policies say so. A vault that is not where the plan says
(404) is recorded as not found: evidence, not an error.
"""

from __future__ import annotations

import asyncio
from typing import Any

from m365gov.collect.base import CollectContext, Source
from m365gov.collect.keyvault import key_plan, vault_outcome
from m365gov.config import Config
from m365gov.keys.azure_errors import ARM_PERMISSION, classify, is_not_found
from m365gov.keys.clients import management_client
from m365gov.keys.desired import VaultSpec, plan_for_config
from m365gov.statuses import SRC_NOT_CONFIGURED, SRC_OK

ROLE_ASSIGNMENTS_API = "2022-04-01"
MAX_PAGES = 1000


def read_vault_properties(client: Any, vault: VaultSpec) -> dict[str, Any]:
    """One vault's ARM document and (RBAC mode) its role assignments, or why they could not be read."""
    record: dict[str, Any] = {
        "vault": vault.name,
        "vaultUrl": vault.url,
        "expectedSubscriptionId": vault.subscription_id,
        "expectedResourceGroup": vault.resource_group,
        "expectedRegion": vault.region,
        "status": SRC_OK,
        "detail": None,
        "permission": None,
        "found": None,
        "arm": None,
        "roleAssignments": None,
    }
    try:
        try:
            doc = client.vaults.get(vault.resource_group, vault.name).as_dict()
        except Exception as exc:
            if not is_not_found(exc):
                raise
            record["found"] = False
            return record
        record["found"] = True
        record["arm"] = doc
        if (doc.get("properties") or {}).get("enableRbacAuthorization"):
            record["roleAssignments"] = role_assignments(client, doc.get("id") or vault.arm_id or "")
    except Exception as exc:
        problem = classify(exc, where=vault.arm_id or vault.name, permission=ARM_PERMISSION)
        record.update(status=problem.status, detail=problem.detail, permission=problem.permission)
    return record


def role_assignments(client: Any, scope: str) -> list[dict[str, Any]]:
    """Role assignments that apply at ``scope`` (inherited ones included), every page."""
    from azure.core.exceptions import HttpResponseError
    from azure.core.rest import HttpRequest

    url: str | None = (
        f"{scope}/providers/Microsoft.Authorization/roleAssignments"
        f"?api-version={ROLE_ASSIGNMENTS_API}&$filter=atScope()"
    )
    out: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if url is None:
            return out
        response = client.send_request(HttpRequest("GET", url))
        if response.status_code >= 400:
            raise HttpResponseError(response=response)
        page = response.json()
        out.extend(page.get("value") or [])
        url = page.get("nextLink")
    raise RuntimeError(f"more than {MAX_PAGES} pages of role assignments on {scope}")


class KeyVaultPropertiesSource(Source):
    name = "keyVaults"
    description = "vault properties and access (Azure Resource Manager: soft delete, purge protection, SKU…)"
    permissions = (ARM_PERMISSION,)

    def not_configured(self, config: Config) -> str | None:
        if config.keys.plan is None:
            return "no key plan configured ([keys] plan in the config file)"
        plan = plan_for_config(config)
        if plan is not None and not any(v.arm_id for v in plan.vaults):
            return ("the key plan gives no vault's subscriptionId and resourceGroup: vault properties (purge "
                    "protection, soft delete, SKU, access) need the management plane")
        return None

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        plan = key_plan(ctx)
        records = await asyncio.gather(*(asyncio.to_thread(self._read, ctx, v) for v in plan.vaults))
        data = {"vaults": list(records)}
        failure = vault_outcome([r for r in records if r["status"] != SRC_NOT_CONFIGURED])
        if failure is not None:
            failure.data = data
            raise failure
        found = sum(1 for r in records if r["found"])
        return data, {"items": found, "vaults": len(records)}

    @staticmethod
    def _read(ctx: CollectContext, vault: VaultSpec) -> dict[str, Any]:
        if vault.arm_id is None or vault.subscription_id is None:
            return {
                "vault": vault.name, "vaultUrl": vault.url, "status": SRC_NOT_CONFIGURED,
                "detail": "no subscriptionId/resourceGroup in the key plan", "permission": None,
                "found": None, "arm": None, "roleAssignments": None,
                "expectedSubscriptionId": vault.subscription_id, "expectedResourceGroup": vault.resource_group,
                "expectedRegion": vault.region,
            }
        with management_client(vault.subscription_id, ctx.credential, ctx.config.keys) as client:
            return read_vault_properties(client, vault)
