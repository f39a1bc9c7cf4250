"""Synthetic Customer Key evidence, shaped exactly as the collectors write it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from m365gov.keys.desired import KeyPlan, parse_key_plan

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
SUB1, SUB2 = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
A1, A2 = "https://kv-a1.vault.azure.net", "https://kv-a2.vault.azure.net"
V1, V2 = "a" * 32, "b" * 32


def plan_doc(kind: str = "exchange", **key_extra: Any) -> dict[str, Any]:
    def key(n: int, sub: str, region: str) -> dict[str, Any]:
        return {"vault": {"name": f"kv-a{n}", "subscriptionId": sub, "resourceGroup": f"rg{n}", "region": region},
                "keyName": f"k{n}", **key_extra}

    return {"dataEncryptionPolicies": [{"name": "DEP1", "kind": kind, "primary": key(1, SUB1, "francecentral"),
                                        "secondary": key(2, SUB2, "francesouth")}]}


def key_plan(kind: str = "exchange", **key_extra: Any) -> KeyPlan:
    return parse_key_plan(plan_doc(kind, **key_extra), file="plan.json")


def key_rec(name: str, *, version: str = V2, kty: str = "RSA-HSM", size: int = 3072,
            ops: tuple[str, ...] = ("wrapKey", "unwrapKey"), expires: str | None = None, enabled: bool = True,
            level: str = "Recoverable+ProtectedSubscription", days: int = 90, created: str = "2026-06-01T00:00:00Z",
            versions: list[dict[str, Any]] | None = None, policy: dict[str, Any] | None = None) -> dict[str, Any]:
    vs = versions if versions is not None else [
        {"version": version, "enabled": enabled, "notBefore": None, "expires": expires, "created": created,
         "updated": created}]
    return {"name": name, "kid": f"x/keys/{name}/{version}", "currentVersion": version, "keyType": kty,
            "keySize": size, "keyOps": list(ops), "enabled": enabled, "notBefore": None, "expires": expires,
            "created": created, "updated": created, "recoveryLevel": level, "recoverableDays": days,
            "managed": None, "exportable": False, "hsmPlatform": None, "tags": {}, "versions": vs,
            "rotationPolicy": policy}


def vault_rec(url: str, name: str, keys: list[dict[str, Any]], missing: tuple[str, ...] = (),
              status: str = "ok", detail: str | None = None) -> dict[str, Any]:
    return {"vault": name, "vaultUrl": url, "status": status, "detail": detail, "permission": None,
            "keys": keys, "missing": list(missing)}


def keys_data(*vaults: dict[str, Any]) -> dict[str, Any]:
    return {"vaults": list(vaults)}


def healthy_keys() -> dict[str, Any]:
    return keys_data(vault_rec(A1, "kv-a1", [key_rec("k1")]), vault_rec(A2, "kv-a2", [key_rec("k2")]))


def arm_rec(url: str, name: str, sub: str, rg: str, location: str, *, purge: bool | None = True, sku: str = "premium",
            rbac: bool = False, access: list[dict[str, Any]] | None = None,
            assignments: list[dict[str, Any]] | None = None, default_action: str = "Deny") -> dict[str, Any]:
    props: dict[str, Any] = {"sku": {"family": "A", "name": sku}, "enableSoftDelete": True,
                             "softDeleteRetentionInDays": 90, "enableRbacAuthorization": rbac,
                             "accessPolicies": access or [],
                             "networkAcls": {"defaultAction": default_action, "bypass": "AzureServices"}}
    if purge is not None:
        props["enablePurgeProtection"] = purge
    return {"vault": name, "vaultUrl": url, "expectedSubscriptionId": sub, "expectedResourceGroup": rg,
            "expectedRegion": None, "status": "ok", "detail": None, "permission": None, "found": True,
            "arm": {"id": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}",
                    "name": name, "location": location, "properties": props},
            "roleAssignments": assignments if rbac else None}


def backups(*entries: tuple[str, str, str]) -> dict[str, Any]:
    return {"manifest": "m.json", "backups": [
        {"vault": v, "vaultUrl": "", "key": k, "version": ver, "takenAt": "2026-11-01T00:00:00Z", "file": "f",
         "sha256": "0", "size": 1, "verified": True} for v, k, ver in entries]}
