"""Customer Key vaults (management plane) and DEP key pairs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View
from m365gov.views.key_join import (
    KeyIndex,
    arm_subscription,
    key_ref,
    normalise_region,
    observed_keys,
    principal_grants,
    service_principal_for,
    service_principal_ids,
    vault_records,
)

F = FieldSpec  # these views' fields are computed, none is read straight from a source


class KeyVaultsView(View):
    name = "vaults"
    description = "each planned vault's ARM properties and the access of its DEP kind's Microsoft 365 service principal"
    sources = ("keyPlan", "keyVaults")
    # m365ServicePrincipals is joined when present; only the policies that judge access require it
    # (requires.sources), so that Application.Read.All is asked for by them alone.
    label_field = "name"
    fields = {
        "id": F("string", "vault name (globally unique in Azure; stable across runs)"),
        "url": F("string", "vault URL"),
        "name": F("string", "vault name"),
        "armId": F("string", "ARM resource id (null when not found)"),
        "dep": F("string", "DEP of the key plan using the vault"),
        "depKind": F("string", "exchange, sharepoint or multiWorkload"),
        "role": F("string", "primary or secondary"),
        "checked": F("boolean", "the plan gives subscription and resource group, so ARM was asked"),
        "found": F("boolean", "ARM has the vault where the plan says (subscription, resource group)"),
        "subscriptionId": F("string", "subscription holding the vault (observed)"),
        "expectedSubscriptionId": F("string", "subscription the plan expects"),
        "resourceGroup": F("string", "resource group the plan expects"),
        "location": F("string", "Azure region (observed)"),
        "expectedRegion": F("string", "region the plan expects"),
        "regionAsPlanned": F("boolean", "the vault is in the region the plan gives (null: no region planned, or "
                                        "not found)"),
        "sku": F("string", "premium or standard"),
        "enableSoftDelete": F("boolean", "soft delete on (null: absent)"),
        "softDeleteRetentionInDays": F("integer", "soft-delete retention (90 required)"),
        "enablePurgeProtection": F("boolean", "purge protection on (null: absent, i.e. never enabled)"),
        "enableRbacAuthorization": F("boolean", "RBAC permission model (false: access policies)"),
        "networkDefaultAction": F("string", "firewall default action: Allow or Deny"),
        "networkBypass": F("string", "AzureServices lets trusted Microsoft services through"),
        "servicePrincipalAppId": F("string", "appId of the DEP kind's Microsoft 365 service principal"),
        "servicePrincipalName": F("string", "its display name"),
        "servicePrincipalObjectId": F("string", "its object id in the tenant (null when unresolved)"),
        "servicePrincipalGrants": F("array", "what it may do: key permissions, or role:<name> in RBAC mode"),
        "servicePrincipalHasRequired": F("boolean", "it has wrapKey, unwrapKey and get (null when unresolved)"),
        "servicePrincipalExtraGrants": F("array", "grants beyond wrapKey/unwrapKey/get or the Crypto Service "
                                                  "Encryption User role (null when unresolved)"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        return build_vaults(snapshot.data("keyPlan"), snapshot.data("keyVaults"),
                            snapshot.data("m365ServicePrincipals"))


def build_vaults(plan: Mapping[str, Any] | None, arm_data: Mapping[str, Any] | None,
                 sp_data: Any) -> list[Resource]:
    """Vault resources from raw section data (used by the view and by ``keys plan``)."""
    index = KeyIndex.of(plan)
    records = vault_records(arm_data)
    sps = service_principal_ids(sp_data)
    out: list[Resource] = []
    for url, v in index.vaults.items():
        r = records.get(url) or {}
        arm = r.get("arm")
        props = (arm or {}).get("properties") or {}
        acls = props.get("networkAcls") or {}
        location = normalise_region((arm or {}).get("location"))
        planned = normalise_region(v.get("region"))
        app_id, sp_name = service_principal_for(v.get("depKind"))
        object_id = sps.get((app_id or "").lower())
        grants, has, extra = principal_grants(arm, r.get("roleAssignments"), object_id)
        out.append({
            "id": v["name"],
            "url": url,
            "name": v["name"],
            "armId": (arm or {}).get("id"),
            "dep": v.get("dep"),
            "depKind": v.get("depKind"),
            "role": v.get("role"),
            "checked": r.get("status") == "ok",
            "found": r.get("found"),
            "subscriptionId": arm_subscription((arm or {}).get("id")),
            "expectedSubscriptionId": v.get("subscriptionId"),
            "resourceGroup": v.get("resourceGroup"),
            "location": location,
            "expectedRegion": v.get("region"),
            "regionAsPlanned": (location == planned) if location and planned else None,
            "sku": str((props.get("sku") or {}).get("name") or "").lower() or None,
            "enableSoftDelete": props.get("enableSoftDelete"),
            "softDeleteRetentionInDays": props.get("softDeleteRetentionInDays"),
            "enablePurgeProtection": props.get("enablePurgeProtection"),
            "enableRbacAuthorization": props.get("enableRbacAuthorization"),
            "networkDefaultAction": acls.get("defaultAction"),
            "networkBypass": acls.get("bypass"),
            "servicePrincipalAppId": app_id,
            "servicePrincipalName": sp_name,
            "servicePrincipalObjectId": object_id,
            "servicePrincipalGrants": grants,
            "servicePrincipalHasRequired": has,
            "servicePrincipalExtraGrants": extra,
        })
    return out


class KeyPairsView(View):
    name = "keyPairs"
    description = "each DEP of the key plan with its two keys, their vaults, subscriptions and regions"
    sources = ("keyPlan", "keyVaultKeys")
    # keyVaults (observed subscriptions and regions) is joined when present; KEY-012/013 require it.
    id_field = "dep"
    label_field = "dep"
    fields = {
        "dep": F("string", "the DEP's name"),
        "kind": F("string", "exchange, sharepoint or multiWorkload"),
        "keys": F("array", "the two versionless key ids, primary first"),
        "vaults": F("array", "the two vault names"),
        "vaultUrls": F("array", "the two vault URLs"),
        "bothKeysExist": F("boolean", "both keys exist in their vaults"),
        "distinctVaults": F("boolean", "the two keys are in two different vaults"),
        "subscriptions": F("array", "the two vaults' subscriptions as observed in ARM (null entries: unknown)"),
        "declaredSubscriptions": F("array", "the two subscriptions the plan declares"),
        "distinctSubscriptions": F("boolean", "two different subscriptions, both observed (null: unknown)"),
        "regions": F("array", "the two vaults' Azure regions as observed in ARM (null entries: unknown)"),
        "declaredRegions": F("array", "the two regions the plan declares"),
        "distinctRegions": F("boolean", "two different regions, both observed (null: unknown)"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        return build_pairs(snapshot.data("keyPlan"), snapshot.data("keyVaultKeys"), snapshot.data("keyVaults"))


def build_pairs(plan: Mapping[str, Any] | None, keys_data: Mapping[str, Any] | None,
                arm_data: Mapping[str, Any] | None) -> list[Resource]:
    index = KeyIndex.of(plan)
    observed = observed_keys(keys_data)
    arm = vault_records(arm_data)
    out: list[Resource] = []
    for name, d in index.deps.items():
        ks = [d["primary"], d["secondary"]]
        vs = d["vaults"]
        arm_docs = [(arm.get(v["url"]) or {}).get("arm") or {} for v in vs]
        subs = [arm_subscription(a.get("id")) for a in arm_docs]
        regions = [normalise_region(a.get("location")) for a in arm_docs]
        out.append({
            "dep": name,
            "kind": d["kind"],
            "keys": [key_ref(k["vault"], k["name"]) for k in ks],
            "vaults": [v["name"] for v in vs],
            "vaultUrls": [v["url"] for v in vs],
            "bothKeysExist": all((k["vaultUrl"].lower(), k["name"].lower()) in observed for k in ks),
            "distinctVaults": vs[0]["url"].lower() != vs[1]["url"].lower(),
            "subscriptions": subs,
            "declaredSubscriptions": [v.get("subscriptionId") for v in vs],
            "distinctSubscriptions": _distinct(subs),
            "regions": regions,
            "declaredRegions": [v.get("region") for v in vs],
            "distinctRegions": _distinct(regions),
        })
    return out


def _distinct(pair: list[str | None]) -> bool | None:
    if None in pair:
        return None
    return pair[0] != pair[1]
