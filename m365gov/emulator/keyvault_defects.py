"""The town's seeded defects as records, found by checking the built vaults against Customer Key's rules.

The pair builders (:mod:`m365gov.emulator.keyvault_pairs`) break things; this module does not ask
them what they broke but looks, with the rules of customer-key.md §1 written out again here —
independently of m365gov's policies, which the tests hold against these records. So the list is
exactly what the emulator serves: fixing a kind, or a town at another "now", changes it by itself.

Each record is ``{"kind", "resource", "vault", "key", "property", "value", "expected"}``:
``resource`` is ``key``, ``vault``, ``roleAssignment``, ``accessPolicy`` or ``vaultPair`` (then
``vault`` is the pair's second vault); ``property`` is a dotted path into the served JSON
(``keySize`` is ``len(key.n) * 8``), except ``pinnedVersion`` (the SharePoint DEP's pin, which the
key plan records) and ``backup`` (the administrators' backup files, which the demo writes).
Records are ordered by :data:`KV_DEFECT_KINDS`, then vault and key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from m365gov.emulator.keyvault_model import (
    CK_KEY_OPS,
    EXCHANGE_APP_ID,
    FAR_FUTURE_EXP,
    KV_ADMINISTRATOR,
    KV_CRYPTO_OFFICER,
    KV_CRYPTO_SERVICE_ENCRYPTION_USER,
    KV_CRYPTO_USER,
    M365_DATA_AT_REST_APP_ID,
    SHAREPOINT_APP_ID,
    DataEncryptionPolicySpec,
    KeySpec,
    KeyVaultTown,
    VaultSpec,
)

KV_DEFECT_KINDS: tuple[str, ...] = (
    # the Exchange pair
    "missing_key", "broad_permission", "same_region", "standard_sku", "purge_protection_off", "recovery_level",
    "software_key", "key_size", "key_expiry", "firewall_open", "region_not_planned", "roll_overdue",
    "missing_backup",
    # the SharePoint pair
    "key_ops", "pinned_not_current", "service_principal_access", "same_subscription", "soft_delete_retention",
    "recoverable_days", "rotation_policy_expiry",
    # the trial multi-workload DEP
    "same_vault", "key_disabled",
)
DERIVED_KINDS: dict[str, str] = {
    "recovery_level": "purge_protection_off",
    "recoverable_days": "soft_delete_retention",
    "region_not_planned": "same_region",
}
"""Kinds that follow from another and are repaired with it (a key's recovery level is its vault's)."""

REQUIRED_RECOVERY_LEVEL = "Recoverable+ProtectedSubscription"
REQUIRED_DAYS = 90
MINIMUM_KEY_SIZE = 3072
ROTATION_DAYS = 365
"""The demo plan's ``rotationDays`` and KEY-008's default: a current version older is overdue."""
SERVICE_KEY_PERMISSIONS = ("get", "wrapKey", "unwrapKey")
GRANTING_ROLES = frozenset({KV_CRYPTO_SERVICE_ENCRYPTION_USER, KV_CRYPTO_USER, KV_CRYPTO_OFFICER, KV_ADMINISTRATOR})
APP_OF_KIND = {"exchange": EXCHANGE_APP_ID, "sharepoint": SHAREPOINT_APP_ID,
               "multiWorkload": M365_DATA_AT_REST_APP_ID}

Add = Callable[..., None]
"""``add(kind, resource, vault, key, property, value, expected)``."""


def town_defects(town: KeyVaultTown) -> tuple[dict[str, Any], ...]:
    """Every way ``town`` departs from Customer Key's rules (its ``defects`` attribute)."""
    found: list[dict[str, Any]] = []

    def add(kind: str, resource: str, vault: str, key: str | None, prop: str | None, value: Any,
            expected: Any) -> None:
        found.append({"kind": kind, "resource": resource, "vault": vault, "key": key, "property": prop,
                      "value": value, "expected": expected})

    for dep in town.deps:
        _dep(town, dep, add)
    for vault in town.vaults:
        _vault(town, vault, add)
        for key in vault.keys:
            _key(town, vault, key, add)
    order = {kind: i for i, kind in enumerate(KV_DEFECT_KINDS)}
    return tuple(sorted(found, key=lambda d: order[d["kind"]]))


def _dep(town: KeyVaultTown, dep: DataEncryptionPolicySpec, add: Add) -> None:
    vaults = [town.vault(v) for v in dep.vaults]
    for vault, name, pinned in zip(vaults, dep.keys, dep.pinned_versions, strict=True):
        key = next((k for k in vault.keys if k.name.lower() == name.lower()), None)
        if key is None:
            add("missing_key", "key", vault.name, name, None, None,
                {"kty": "RSA-HSM", "keySize": MINIMUM_KEY_SIZE, "key_ops": list(CK_KEY_OPS), "exp": None})
        elif pinned is not None and pinned != key.versions[-1].version:
            add("pinned_not_current", "key", vault.name, name, "pinnedVersion", pinned, key.versions[-1].version)
    first, second = vaults
    if first.name.lower() == second.name.lower():
        add("same_vault", "vaultPair", second.name, None, "vaults", [first.name, second.name], "two different vaults")
        return  # one vault: the subscription and the region are the same too, by construction
    if first.subscription_id == second.subscription_id:
        add("same_subscription", "vaultPair", second.name, None, "subscriptionId",
            [first.subscription_id, second.subscription_id], "two different subscriptions")
    if first.location == second.location:
        add("same_region", "vaultPair", second.name, None, "location", [first.location, second.location],
            "two different regions")


def _vault(town: KeyVaultTown, vault: VaultSpec, add: Add) -> None:
    name = vault.name
    if vault.sku != "premium":
        add("standard_sku", "vault", name, None, "properties.sku.name", vault.sku, "premium")
    if vault.enable_purge_protection is not True:
        add("purge_protection_off", "vault", name, None, "properties.enablePurgeProtection",
            vault.enable_purge_protection, True)
    if not vault.enable_soft_delete or vault.soft_delete_retention_days != REQUIRED_DAYS:
        add("soft_delete_retention", "vault", name, None, "properties.softDeleteRetentionInDays",
            vault.soft_delete_retention_days if vault.enable_soft_delete else None, REQUIRED_DAYS)
    if vault.network_default_action != "Deny":
        add("firewall_open", "vault", name, None, "properties.networkAcls.defaultAction",
            vault.network_default_action, "Deny")
    if vault.location != vault.planned_region:
        add("region_not_planned", "vault", name, None, "location", vault.location, vault.planned_region)
    app_id = APP_OF_KIND.get(vault.dep_kind or "")
    if app_id is not None:
        _access(vault, str(town.service_principals[app_id]["id"]), add)


def _access(vault: VaultSpec, principal: str, add: Add) -> None:
    """What the DEP kind's service principal may do, under the vault's permission model."""
    name = vault.name
    if vault.enable_rbac_authorization:
        roles = [r.role_definition for r in vault.role_assignments if r.principal_id == principal]
        prop = "properties.roleDefinitionId"
        if not GRANTING_ROLES.intersection(roles):
            add("service_principal_access", "roleAssignment", name, None, prop, roles,
                KV_CRYPTO_SERVICE_ENCRYPTION_USER)
        for role in roles:
            if role != KV_CRYPTO_SERVICE_ENCRYPTION_USER:
                add("broad_permission", "roleAssignment", name, None, prop, role, KV_CRYPTO_SERVICE_ENCRYPTION_USER)
        return
    granted = [p for ap in vault.access_policies if ap.object_id == principal for p in ap.keys]
    lowered = {p.lower() for p in granted}
    prop = "properties.accessPolicies[].permissions.keys"
    if not {p.lower() for p in SERVICE_KEY_PERMISSIONS} <= lowered:
        add("service_principal_access", "accessPolicy", name, None, prop, granted, list(SERVICE_KEY_PERMISSIONS))
    if lowered - {p.lower() for p in SERVICE_KEY_PERMISSIONS}:
        add("broad_permission", "accessPolicy", name, None, prop, granted, list(SERVICE_KEY_PERMISSIONS))


def _key(town: KeyVaultTown, vault: VaultSpec, key: KeySpec, add: Add) -> None:
    v, k = vault.name, key.name
    level, days = town.recovery(vault)
    if not level.endswith("+ProtectedSubscription"):
        add("recovery_level", "key", v, k, "attributes.recoveryLevel", level, REQUIRED_RECOVERY_LEVEL)
    elif days != REQUIRED_DAYS:
        add("recoverable_days", "key", v, k, "attributes.recoverableDays", days, REQUIRED_DAYS)
    current = key.versions[-1]
    if current.kty != "RSA-HSM":
        add("software_key", "key", v, k, "key.kty", current.kty, "RSA-HSM")
    if current.key_size < MINIMUM_KEY_SIZE:
        add("key_size", "key", v, k, "keySize", current.key_size, MINIMUM_KEY_SIZE)
    dated = [x.exp for x in key.versions if x.exp is not None and x.exp != FAR_FUTURE_EXP]
    if dated:
        add("key_expiry", "key", v, k, "attributes.exp", dated[-1], None)
    if not set(CK_KEY_OPS) <= set(current.key_ops):
        add("key_ops", "key", v, k, "key.key_ops", list(current.key_ops), list(CK_KEY_OPS))
    if not current.enabled:
        add("key_disabled", "key", v, k, "attributes.enabled", False, True)
    expiry_time = ((key.rotation_policy or {}).get("attributes") or {}).get("expiryTime")
    if expiry_time is not None:
        add("rotation_policy_expiry", "key", v, k, "rotationPolicy.attributes.expiryTime", expiry_time, None)
    oldest_allowed = town.now - timedelta(days=ROTATION_DAYS)
    if datetime.fromtimestamp(current.created, UTC) < oldest_allowed:
        add("roll_overdue", "key", v, k, "attributes.created", current.created,
            f"created after {oldest_allowed:%Y-%m-%d %H:%M} UTC (rolled every {ROTATION_DAYS} days)")
    if not key.backed_up:
        add("missing_backup", "key", v, k, "backup", None, "a verified backup of the current version")
