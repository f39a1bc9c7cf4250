"""The shapes of the Key Vault stand-in's town: subscriptions, vaults, keys, access, DEPs.

Plain frozen dataclasses and the fixed facts they refer to (Microsoft 365's first-party application
ids, the built-in Key Vault roles, the recovery level a vault configuration gives). What the demo
town *contains* is :mod:`m365gov.emulator.keyvault_town`; keeping the shapes apart keeps that module
about the town's story, and lets the store, the ARM subset and the tests import the shapes alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

FAR_FUTURE_EXP = 253402214400  # 9999-12-31T00:00:00Z, the one expiry Customer Key accepts

EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000"
SHAREPOINT_APP_ID = "00000003-0000-0ff1-ce00-000000000000"
M365_DATA_AT_REST_APP_ID = "c066d759-24ae-40e7-a56f-027002b5d3e4"

KV_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
KV_CRYPTO_OFFICER = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603"
KV_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"
KV_ADMINISTRATOR = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
KV_READER = "21090545-7ca7-4776-b22c-e363652d74d2"

#: Built-in roles served by ``…/providers/Microsoft.Authorization/roleDefinitions/{id}`` (Azure's
#: built-in role list; ids as in the public Bicep role maps).
ROLE_DEFINITIONS: dict[str, dict[str, Any]] = {
    KV_CRYPTO_SERVICE_ENCRYPTION_USER: {
        "roleName": "Key Vault Crypto Service Encryption User",
        "description": "Read metadata of keys and perform wrap/unwrap operations. Only works for key vaults "
                       "that use the 'Azure role-based access control' permission model.",
        "actions": ["Microsoft.EventGrid/eventSubscriptions/write", "Microsoft.EventGrid/eventSubscriptions/read",
                    "Microsoft.EventGrid/eventSubscriptions/delete"],
        "dataActions": ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/wrap/action",
                        "Microsoft.KeyVault/vaults/keys/unwrap/action"],
    },
    KV_CRYPTO_OFFICER: {
        "roleName": "Key Vault Crypto Officer",
        "description": "Perform any action on the keys of a key vault, except manage permissions. Only works for "
                       "key vaults that use the 'Azure role-based access control' permission model.",
        "actions": ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
                    "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
                    "Microsoft.Support/*", "Microsoft.KeyVault/checkNameAvailability/read",
                    "Microsoft.KeyVault/deletedVaults/read", "Microsoft.KeyVault/locations/*/read",
                    "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"],
        "dataActions": ["Microsoft.KeyVault/vaults/keys/*", "Microsoft.KeyVault/vaults/keyrotationpolicies/*"],
    },
    KV_CRYPTO_USER: {
        "roleName": "Key Vault Crypto User",
        "description": "Perform cryptographic operations using keys. Only works for key vaults that use the "
                       "'Azure role-based access control' permission model.",
        "actions": [],
        "dataActions": ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/update/action",
                        "Microsoft.KeyVault/vaults/keys/backup/action", "Microsoft.KeyVault/vaults/keys/encrypt/action",
                        "Microsoft.KeyVault/vaults/keys/decrypt/action", "Microsoft.KeyVault/vaults/keys/wrap/action",
                        "Microsoft.KeyVault/vaults/keys/unwrap/action", "Microsoft.KeyVault/vaults/keys/sign/action",
                        "Microsoft.KeyVault/vaults/keys/verify/action"],
    },
    KV_ADMINISTRATOR: {
        "roleName": "Key Vault Administrator",
        "description": "Perform all data plane operations on a key vault and all objects in it, including "
                       "certificates, keys, and secrets. Cannot manage key vault resources or manage role "
                       "assignments.",
        "actions": ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
                    "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
                    "Microsoft.Support/*", "Microsoft.KeyVault/checkNameAvailability/read",
                    "Microsoft.KeyVault/deletedVaults/read", "Microsoft.KeyVault/locations/*/read",
                    "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"],
        "dataActions": ["Microsoft.KeyVault/vaults/*"],
    },
    KV_READER: {
        "roleName": "Key Vault Reader",
        "description": "Read metadata of key vaults and its certificates, keys, and secrets.",
        "actions": ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
                    "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
                    "Microsoft.Support/*", "Microsoft.KeyVault/checkNameAvailability/read",
                    "Microsoft.KeyVault/deletedVaults/read", "Microsoft.KeyVault/locations/*/read",
                    "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"],
        "dataActions": ["Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
    },
}

#: Azure geographies of the regions the town uses; a backup restores only within one (§1.6).
GEOGRAPHIES = {"francecentral": "France", "francesouth": "France", "westeurope": "Europe",
               "northeurope": "Europe", "germanywestcentral": "Germany"}

DEFAULT_KEY_OPS = ("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey")
CK_KEY_OPS = ("wrapKey", "unwrapKey")


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """Unix seconds of a UTC date (the town never reads the clock)."""
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def recovery_level(soft_delete: bool, retention_days: int, purge_protection: bool,
                   mandatory_retention: bool) -> tuple[str, int]:
    """Key Vault's ``recoveryLevel`` and ``recoverableDays`` for a vault configuration (§1.3)."""
    if not soft_delete:
        return "Purgeable", 0
    prefix = "Recoverable" if retention_days == 90 else "CustomizedRecoverable"
    if not purge_protection:
        return f"{prefix}+Purgeable", retention_days
    if mandatory_retention:
        return f"{prefix}+ProtectedSubscription", retention_days
    return prefix, retention_days



@dataclass(frozen=True)
class KeyVersionSpec:
    """One key version as first served (Unix seconds, Key Vault's JSON names in comments)."""

    version: str
    kty: str  # RSA | RSA-HSM
    key_size: int
    key_ops: tuple[str, ...]
    created: int
    updated: int
    enabled: bool = True
    nbf: int | None = None
    exp: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KeySpec:
    """A key: its versions (oldest first) and its rotation policy in REST shape (``None``: never set).

    ``backed_up``: the town's administrators hold a verified backup of the current version. Key Vault
    does not know it (backups are files); the demo takes those backups before collecting.
    """

    name: str
    versions: tuple[KeyVersionSpec, ...]
    rotation_policy: Mapping[str, Any] | None = None
    backed_up: bool = True


@dataclass(frozen=True)
class AccessPolicySpec:
    """An access-policy entry (``properties.accessPolicies[]``)."""

    object_id: str
    keys: tuple[str, ...]
    secrets: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleAssignmentSpec:
    """A role assignment; ``scope`` is an ARM resource id (vault, resource group or subscription)."""

    name: str  # the assignment's GUID
    scope: str
    principal_id: str
    role_definition: str  # role definition GUID
    principal_type: str = "ServicePrincipal"
    created: int = 0


@dataclass(frozen=True)
class SubscriptionSpec:
    subscription_id: str
    display_name: str
    mandatory_retention_period: bool = True


@dataclass(frozen=True)
class VaultSpec:
    """A vault's ARM properties and its initial keys.

    ``enable_purge_protection`` ``None`` means the property is absent, as ARM reports a vault whose
    purge protection was never switched on (it can only be set to true). ``planned_location`` is the
    region the town's key plan gives the vault (``None``: where it is), so that a vault built
    somewhere else than planned is data, not a guess of the demo.
    """

    name: str
    subscription_id: str
    resource_group: str
    location: str
    tenant_id: str
    sku: str = "premium"
    enable_soft_delete: bool = True
    soft_delete_retention_days: int = 90
    enable_purge_protection: bool | None = True
    enable_rbac_authorization: bool = True
    network_default_action: str = "Deny"
    network_bypass: str = "AzureServices"
    access_policies: tuple[AccessPolicySpec, ...] = ()
    role_assignments: tuple[RoleAssignmentSpec, ...] = ()
    keys: tuple[KeySpec, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    created: int = 0
    dep_kind: str | None = None
    planned_location: str | None = None

    @property
    def planned_region(self) -> str:
        """The region the key plan expects (the vault's own unless the plan says otherwise)."""
        return self.planned_location or self.location

    @property
    def resource_id(self) -> str:
        return (f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
                f"/providers/Microsoft.KeyVault/vaults/{self.name}")

    @property
    def geography(self) -> str:
        return GEOGRAPHIES.get(self.location.lower(), self.location.lower())


@dataclass(frozen=True)
class DataEncryptionPolicySpec:
    """A Customer Key data-encryption policy and the two keys it names (one per vault of its pair).

    ``kind``: ``exchange`` | ``sharepoint`` | ``multiWorkload``; ``status``: ``assigned`` (in use;
    for SharePoint, registered), ``unassigned`` (created but not in use: a tenant may hold several
    multi-workload DEPs and assign one) or ``planned`` (a key is still missing, so Microsoft 365
    cannot create it yet). ``pinned_versions``: SharePoint only, the key versions the DEP was
    registered or last updated with (Exchange and multi-workload DEPs name versionless keys,
    customer-key.md §1.7).
    """

    kind: str
    name: str
    status: str
    service_principal_app_id: str
    vaults: tuple[str, str]
    keys: tuple[str, str]
    pinned_versions: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True)
class KeyVaultTown:
    """Everything the Key Vault stand-in serves for one town. Treat as read-only; the emulator copies it.

    Attributes:
        seed: the tenant seed.
        tenant_id: the Entra tenant (the vaults' ``tenantId``, the challenge's authority).
        now: the town's "current" time.
        subscriptions: the Azure subscriptions.
        vaults: the vaults, in a stable order (MW A1, MW A2, EX A1, EX A2, SP A1, SP A2, MW T1[, T2]).
        service_principals: appId → ``{"id": objectId, "appId", "displayName"}`` for the Microsoft 365
            first-party applications.
        deps: the data-encryption policies.
        defects: the seeded defects (module docstring).
        fixed: kinds repaired in this variant.
    """

    seed: int
    tenant_id: str
    now: datetime
    subscriptions: tuple[SubscriptionSpec, ...]
    vaults: tuple[VaultSpec, ...]
    service_principals: Mapping[str, Mapping[str, str]]
    deps: tuple[DataEncryptionPolicySpec, ...]
    defects: tuple[Mapping[str, Any], ...]
    fixed: tuple[str, ...] = ()

    def vault(self, name: str) -> VaultSpec:
        for v in self.vaults:
            if v.name.lower() == name.lower():
                return v
        raise KeyError(name)

    def subscription(self, subscription_id: str) -> SubscriptionSpec:
        for s in self.subscriptions:
            if s.subscription_id.lower() == subscription_id.lower():
                return s
        raise KeyError(subscription_id)

    def recovery(self, vault: VaultSpec) -> tuple[str, int]:
        """The recovery level and days every key of ``vault`` reports."""
        try:
            mrp = self.subscription(vault.subscription_id).mandatory_retention_period
        except KeyError:
            mrp = False
        return recovery_level(vault.enable_soft_delete, vault.soft_delete_retention_days,
                              bool(vault.enable_purge_protection), mrp)

    def with_vault(self, vault: VaultSpec) -> KeyVaultTown:
        """A copy with one more vault (e.g. an empty restore target made by :func:`empty_vault`)."""
        if any(v.name.lower() == vault.name.lower() for v in self.vaults):
            raise ValueError(f"a vault named {vault.name!r} exists already")
        return replace(self, vaults=(*self.vaults, vault))


def empty_vault(name: str, like: VaultSpec) -> VaultSpec:
    """A vault without keys configured like ``like`` (same subscription, group, region, SKU, access)."""
    return replace(like, name=name, keys=(), dep_kind=None, planned_location=None,
                   role_assignments=tuple(replace(r, scope=r.scope.replace(like.name, name))
                                          for r in like.role_assignments))

