"""Customer Key keys: each key of the planned vaults with its DEP, pair role, versions and backups.

Planned keys that the vault does not have appear too (``exists`` false) so that "every planned key
exists" is a verdict, not a silence; keys found in a planned vault but absent from the plan appear
with ``planned`` false.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from m365gov.keys.rules import duration_days
from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View
from m365gov.views.key_join import (
    KeyIndex,
    age_days,
    key_id,
    key_ref,
    observed_keys,
    vault_records,
    verified_backups,
)

F = FieldSpec  # these views' fields are computed, none is read straight from a source


class KeysView(View):
    name = "keys"
    description = "each key of the planned vaults (Key Vault data plane) joined to its DEP, pair role and backups"
    sources = ("keyPlan", "keyVaultKeys")
    # keyBackups is joined when present (backedUp is null otherwise); KEY-010 requires it.
    label_field = "name"
    fields = {
        "id": F("string", "<vault name>/<key name>: stable across runs, what waivers name"),
        "keyUri": F("string", "versionless key identifier https://<vault>/keys/<name> (what DEPs name)"),
        "name": F("string", "key name"),
        "vault": F("string", "vault name"),
        "vaultUrl": F("string", "vault URL"),
        "dep": F("string", "the DEP of the key plan using this key (null if unplanned)"),
        "depKind": F("string", "exchange, sharepoint or multiWorkload (the vault's kind for unplanned keys)"),
        "role": F("string", "primary or secondary in its DEP (null if unplanned)"),
        "planned": F("boolean", "the key plan names this key"),
        "exists": F("boolean", "the vault has the key (false: planned but missing)"),
        "currentVersion": F("string", "the latest version, the one versionless URIs resolve to"),
        "keyType": F("string", "kty of the current version: RSA-HSM, RSA, EC…"),
        "keySize": F("integer", "modulus size in bits of the current version (len(n) * 8)"),
        "keyOps": F("array", "key operations permitted (wrapKey, unwrapKey, …)"),
        "enabled": F("boolean", "the current version is enabled"),
        "notBefore": F("date-time", "activation date of the current version, if any"),
        "expires": F("date-time", "expiry of the current version, if any (9999-12-31 is the only one accepted)"),
        "created": F("date-time", "when the current version was created (the last roll)"),
        "updated": F("date-time", "when the current version was last updated"),
        "currentVersionAgeDays": F("number", "days between the current version's creation and the collection"),
        "recoveryLevel": F("string", "deletion recovery level (Recoverable+ProtectedSubscription required)"),
        "recoverableDays": F("integer", "soft-delete retention in days (90 required)"),
        "managed": F("boolean", "managed by a certificate"),
        "exportable": F("boolean", "the private key can be exported (release policy)"),
        "tags": F("object", "tags"),
        "versions": F("array", "every version {version, enabled, notBefore, expires, created, updated}"),
        "versionCount": F("integer", "number of versions"),
        "rotationPolicy": F("object", "rotation policy {lifetimeActions, attributes.expiryTime}, null if none"),
        "autoRotateAfterDays": F("number", "days after creation at which the rotation policy rotates (null: never)"),
        "rotationPolicyExpiryTime": F("string", "expiry the rotation policy gives new versions (ISO duration)"),
        "backedUp": F("boolean", "a verified backup of the current version is on file (null without the manifest)"),
        "lastBackupAt": F("date-time", "when the latest verified backup of the current version was taken"),
        "expectedKeyType": F("string", "key type the plan asks for"),
        "expectedKeySize": F("integer", "key size the plan asks for"),
        "rotationDays": F("integer", "the plan's rotation interval for this key"),
        "pinnedVersion": F("string", "sharepoint: the version its DEP uses, from the plan"),
        "pinnedIsCurrent": F("boolean", "sharepoint: the DEP uses the current version (null when unknown)"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        return build_keys(
            snapshot.data("keyPlan"), snapshot.data("keyVaultKeys"), snapshot.data("keyBackups"),
            snapshot.collected_at,
        )


def build_keys(plan: Mapping[str, Any] | None, keys_data: Mapping[str, Any] | None,
               backups_data: Mapping[str, Any] | None, now: datetime) -> list[Resource]:
    """Key resources from raw section data (used by the view and by ``keys plan``).

    Only vaults that were read contribute: a planned key of an unreadable vault is left out rather
    than reported missing.
    """
    index = KeyIndex.of(plan)
    read = {url.lower() for url, v in vault_records(keys_data).items() if v.get("status") == "ok"}
    observed = observed_keys(keys_data)
    backups = verified_backups(backups_data) if backups_data is not None else None
    out: list[Resource] = []
    seen: set[tuple[str, str]] = set()
    for where, k in index.keys.items():
        if where[0] not in read:
            continue
        seen.add(where)
        out.append(_resource(k, observed.get(where), k["vaultUrl"], k["vault"], backups, now))
    for where, o in sorted(observed.items()):
        if where in seen:
            continue
        vault = index.vaults.get(o["vaultUrl"], {})
        out.append(_resource({"depKind": vault.get("depKind")}, o, o["vaultUrl"], o["vault"], backups, now))
    return out


def _resource(plan_key: Mapping[str, Any], o: Mapping[str, Any] | None, vault_url: str, vault: str,
              backups: Mapping[tuple[str, str, str], Mapping[str, Any]] | None, now: datetime) -> Resource:
    name = o["name"] if o else plan_key["name"]
    o = o or {}
    version = o.get("currentVersion")
    policy = o.get("rotationPolicy")
    rotate = next((a for a in (policy or {}).get("lifetimeActions") or ()
                   if str((a.get("action") or {}).get("type", "")).lower() == "rotate"), None)
    backup = backups.get((vault.lower(), name.lower(), version or "")) if backups is not None else None
    pinned = plan_key.get("pinnedVersion")
    return {
        "id": key_ref(vault, name),
        "keyUri": key_id(vault_url, name),
        "name": name,
        "vault": vault,
        "vaultUrl": vault_url,
        "dep": plan_key.get("dep"),
        "depKind": plan_key.get("depKind"),
        "role": plan_key.get("role"),
        "planned": "dep" in plan_key,
        "exists": bool(o),
        "currentVersion": version,
        "keyType": o.get("keyType"),
        "keySize": o.get("keySize"),
        "keyOps": o.get("keyOps"),
        "enabled": o.get("enabled"),
        "notBefore": o.get("notBefore"),
        "expires": o.get("expires"),
        "created": o.get("created"),
        "updated": o.get("updated"),
        "currentVersionAgeDays": age_days(o.get("created"), now),
        "recoveryLevel": o.get("recoveryLevel"),
        "recoverableDays": o.get("recoverableDays"),
        "managed": o.get("managed"),
        "exportable": o.get("exportable"),
        "tags": o.get("tags"),
        "versions": o.get("versions") or [],
        "versionCount": len(o.get("versions") or ()),
        "rotationPolicy": policy,
        "autoRotateAfterDays": duration_days((rotate or {}).get("trigger", {}).get("timeAfterCreate")),
        "rotationPolicyExpiryTime": ((policy or {}).get("attributes") or {}).get("expiryTime"),
        "backedUp": None if backups is None else backup is not None,
        "lastBackupAt": backup.get("takenAt") if backup else None,
        "expectedKeyType": plan_key.get("keyType"),
        "expectedKeySize": plan_key.get("keySize"),
        "rotationDays": plan_key.get("rotationDays"),
        "pinnedVersion": pinned,
        "pinnedIsCurrent": (pinned == version) if pinned and version else None,
    }
