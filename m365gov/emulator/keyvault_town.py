"""The town's Customer Key vaults and keys, deterministic from the tenant seed.

:func:`generate_keyvault_town` builds what :class:`~m365gov.emulator.keyvault_server.KeyVaultEmulator`
serves: two Azure subscriptions, two pairs of vaults, their keys, access control and the seeded
defects. It never reads the clock (times derive from ``Tenant.now``) and draws ids from its own
streams, so adding it changes nothing in the Graph tenant.

The rules it follows (or breaks on purpose) are ``shared/reference/customer-key.md`` §1.

Naming (customer-key.md §1.5, Microsoft's ``Contoso-CK-EX-NA-VaultA1-Key001`` pattern adapted to
Saint-Aubin-sur-Loire: prefix ``SAL``, service ``MW``/``EX``, region ``FR``, vault A1 in the first
subscription, A2 in the second; keys are named after their vault)::

    subscription "SAL Customer Key 1"   resource group rg-sal-customerkey-1
        SAL-CK-MW-FR-VaultA1   francecentral  premium   key SAL-CK-MW-FR-VaultA1-Key001
        SAL-CK-EX-FR-VaultA1   francecentral  premium   key SAL-CK-EX-FR-VaultA1-Key001 (missing)
    subscription "SAL Customer Key 2"   resource group rg-sal-customerkey-2
        SAL-CK-MW-FR-VaultA2   francesouth    premium   key SAL-CK-MW-FR-VaultA2-Key001
        SAL-CK-EX-FR-VaultA2   francecentral  standard  key SAL-CK-EX-FR-VaultA2-Key001

Both subscriptions have the mandatory retention period registered.

**The multi-workload pair is right** (DEP ``SAL-DEP-MW-01``, assigned): two subscriptions, France
Central + France South, Premium, soft delete with 90 days and purge protection on (so every key
reports ``Recoverable+ProtectedSubscription`` / 90), RBAC authorisation with the
M365DataAtRestEncryption service principal (appId ``c066d759-24ae-40e7-a56f-027002b5d3e4``) holding
exactly "Key Vault Crypto Service Encryption User" on the vault, firewall ``Deny`` with the
trusted-services bypass, keys RSA-HSM 3072 with ``wrapKey``/``unwrapKey``, no expiry, two versions
each (created 2025-02-03, rolled 2026-02-02) and a rotation policy (Rotate one year after creation,
no ``expiryTime``).

**The Exchange pair has defects** (DEP ``SAL-DEP-EX-01``, planned: it cannot be created before both
keys exist). Each is listed in :attr:`KeyVaultTown.defects` as ``{"kind", "resource", "vault", "key",
"property", "value", "expected"}`` (``property`` is a dotted path into the served JSON; ``keySize``
is ``len(key.n) * 8``):

======================  ========================  =========================================  ====================
kind                    where                     property → value                           expected
======================  ========================  =========================================  ====================
missing_key             EX-A1 key Key001          (absent)                                   RSA-HSM 3072 key
broad_permission        EX-A1 role assignment     properties.roleDefinitionId → Crypto       Crypto Service
                        (Exchange Online SP)      Officer (keys/* data actions, delete too)  Encryption User
same_region             EX pair                   location → francecentral twice             two regions
standard_sku            EX-A2                     properties.sku.name → standard             premium
purge_protection_off    EX-A2                     properties.enablePurgeProtection → absent  true
recovery_level          EX-A2 key Key001          attributes.recoveryLevel →                 Recoverable+Protected
                                                  Recoverable+Purgeable                      Subscription
software_key            EX-A2 key Key001          key.kty → RSA                              RSA-HSM
key_size                EX-A2 key Key001          keySize → 2048                             ≥ 3072
key_expiry              EX-A2 key Key001          attributes.exp → 2027-06-30                absent (or 9999-12-31)
firewall_open           EX-A2                     properties.networkAcls.defaultAction →     Deny
                                                  Allow
======================  ========================  =========================================  ====================

``recovery_level`` follows from ``purge_protection_off`` and is fixed with it. EX-A2 uses the
access-policy model (``enableRbacAuthorization`` false) and grants the Exchange Online service
principal exactly ``get, wrapKey, unwrapKey``: that part is right. As ARM does for a vault whose
purge protection was never enabled, EX-A2's ``enablePurgeProtection`` is *absent*, not false.

``fix=("key_expiry", …)`` (or ``"all"``) repairs kinds, for drift tests and for a compliant town;
``software_key`` can only be fixed together with ``standard_sku`` (a Standard vault holds no HSM key).

Service principals are the first-party applications of customer-key.md §1.4; their object ids are
tenant-specific, so they are drawn from the seed and listed in :attr:`KeyVaultTown.service_principals`
(ARM role assignments and access policies name principals by object id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from m365gov.emulator.ids import GuidStream

if TYPE_CHECKING:
    from m365gov.emulator.tenant import Tenant

PREFIX = "SAL"
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

KV_DEFECT_KINDS: tuple[str, ...] = (
    "missing_key", "broad_permission", "same_region", "standard_sku", "purge_protection_off", "recovery_level",
    "software_key", "key_size", "key_expiry", "firewall_open",
)
_FIXABLE = tuple(k for k in KV_DEFECT_KINDS if k != "recovery_level")


def _ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
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
    """A key: its versions (oldest first) and its rotation policy in REST shape (``None``: never set)."""

    name: str
    versions: tuple[KeyVersionSpec, ...]
    rotation_policy: Mapping[str, Any] | None = None


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
    purge protection was never switched on (it can only be set to true).
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

    ``kind``: ``exchange`` | ``sharepoint`` | ``multiWorkload``; ``status``: ``assigned`` (in use) or
    ``planned`` (a key is still missing, so Microsoft 365 cannot create it yet).
    """

    kind: str
    name: str
    status: str
    service_principal_app_id: str
    vaults: tuple[str, str]
    keys: tuple[str, str]


@dataclass(frozen=True)
class KeyVaultTown:
    """Everything the Key Vault stand-in serves for one town. Treat as read-only; the emulator copies it.

    Attributes:
        seed: the tenant seed.
        tenant_id: the Entra tenant (the vaults' ``tenantId``, the challenge's authority).
        now: the town's "current" time.
        subscriptions: the Azure subscriptions.
        vaults: the vaults, in a stable order (MW A1, MW A2, EX A1, EX A2).
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
    return replace(like, name=name, keys=(), dep_kind=None,
                   role_assignments=tuple(replace(r, scope=r.scope.replace(like.name, name))
                                          for r in like.role_assignments))


def check_kv_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for k in kinds:
        if k == "all":
            out.extend(_FIXABLE)
        elif k in _FIXABLE:
            out.append(k)
        else:
            raise ValueError(f"unknown Key Vault defect kind: {k!r} (known: {', '.join(_FIXABLE)}, or 'all')")
    return tuple(dict.fromkeys(out))


def _version_id(stream: GuidStream) -> str:
    return stream.next().replace("-", "")


def generate_keyvault_town(tenant: Tenant | None = None, *, seed: int | None = None, tenant_id: str | None = None,
                           now: datetime | None = None, fix: Iterable[str] = ()) -> KeyVaultTown:
    """Build the town's vaults from a generated tenant (or from ``seed``/``tenant_id``/``now`` alone).

    Args:
        tenant: the Graph tenant whose seed, tenant id and "now" to use.
        seed, tenant_id, now: used when no tenant is given (defaults: 2026, the seed's tenant id, the
            tenant generator's default "now").
        fix: defect kinds to leave repaired (``"all"`` for a compliant town).
    """
    from m365gov.emulator.tenant import DEFAULT_NOW

    if tenant is not None:
        seed, tenant_id, now = tenant.seed, tenant.tenant_id, tenant.now
    seed = 2026 if seed is None else seed
    tenant_id = tenant_id or GuidStream(seed, "tenant").next()
    now = now or DEFAULT_NOW
    fixed = check_kv_kinds(fix)
    if "software_key" in fixed and "standard_sku" not in fixed:
        raise ValueError("software_key can only be fixed together with standard_sku: a Standard vault holds no "
                         "HSM-protected key")

    ids = GuidStream(seed, "keyvault-ids")
    versions = GuidStream(seed, "keyvault-versions")
    sub1 = SubscriptionSpec(ids.next(), f"{PREFIX} Customer Key 1")
    sub2 = SubscriptionSpec(ids.next(), f"{PREFIX} Customer Key 2")
    rg1, rg2 = "rg-sal-customerkey-1", "rg-sal-customerkey-2"
    sps = {
        EXCHANGE_APP_ID: {"id": ids.next(), "appId": EXCHANGE_APP_ID, "displayName": "Office 365 Exchange Online"},
        SHAREPOINT_APP_ID: {"id": ids.next(), "appId": SHAREPOINT_APP_ID,
                            "displayName": "Office 365 SharePoint Online"},
        M365_DATA_AT_REST_APP_ID: {"id": ids.next(), "appId": M365_DATA_AT_REST_APP_ID,
                                   "displayName": "M365DataAtRestEncryption"},
    }
    vault_created = _ts(2025, 1, 14, 10)
    tags = {"usage": "customer-key", "owner": "dsi"}

    def assignment(vault_id: str, app_id: str, role: str) -> RoleAssignmentSpec:
        return RoleAssignmentSpec(ids.next(), vault_id, sps[app_id]["id"], role, created=vault_created + 3600)

    def rbac_vault(name: str, sub: SubscriptionSpec, rg: str, location: str, dep_kind: str, app_id: str,
                   role: str, keys: tuple[KeySpec, ...], sku: str = "premium") -> VaultSpec:
        base = VaultSpec(name=name, subscription_id=sub.subscription_id, resource_group=rg, location=location,
                         tenant_id=tenant_id, sku=sku, keys=keys, tags=tags, created=vault_created,
                         dep_kind=dep_kind)
        return replace(base, role_assignments=(assignment(base.resource_id, app_id, role),))

    # -- the multi-workload pair: right -----------------------------------------------------------
    mw_policy = {"lifetimeActions": [{"trigger": {"timeAfterCreate": "P1Y"}, "action": {"type": "Rotate"}},
                                     {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}],
                 "attributes": {"created": _ts(2025, 2, 3, 9, 45), "updated": _ts(2025, 2, 3, 9, 45)}}

    def good_key(vault: str) -> KeySpec:
        v1_created, v2_created = _ts(2025, 2, 3, 9, 30), _ts(2026, 2, 2, 9, 30)
        key_tags = {"dep": f"{PREFIX}-DEP-MW-01", "usage": "customer-key"}
        return KeySpec(f"{vault}-Key001", (
            KeyVersionSpec(_version_id(versions), "RSA-HSM", 3072, CK_KEY_OPS, v1_created, v1_created, tags=key_tags),
            KeyVersionSpec(_version_id(versions), "RSA-HSM", 3072, CK_KEY_OPS, v2_created, v2_created, tags=key_tags),
        ), mw_policy)

    mw_a1 = f"{PREFIX}-CK-MW-FR-VaultA1"
    mw_a2 = f"{PREFIX}-CK-MW-FR-VaultA2"
    vaults = [
        rbac_vault(mw_a1, sub1, rg1, "francecentral", "multiWorkload", M365_DATA_AT_REST_APP_ID,
                   KV_CRYPTO_SERVICE_ENCRYPTION_USER, (good_key(mw_a1),)),
        rbac_vault(mw_a2, sub2, rg2, "francesouth", "multiWorkload", M365_DATA_AT_REST_APP_ID,
                   KV_CRYPTO_SERVICE_ENCRYPTION_USER, (good_key(mw_a2),)),
    ]

    # -- the Exchange pair: defects ---------------------------------------------------------------
    ex_a1 = f"{PREFIX}-CK-EX-FR-VaultA1"
    ex_a2 = f"{PREFIX}-CK-EX-FR-VaultA2"
    ex_tags = {"dep": f"{PREFIX}-DEP-EX-01", "usage": "customer-key"}
    ex_created = _ts(2025, 6, 10, 14, 5)
    a1_key_version = _version_id(versions)
    a2_key_version = _version_id(versions)
    a1_keys: tuple[KeySpec, ...] = ()
    if "missing_key" in fixed:
        a1_keys = (KeySpec(f"{ex_a1}-Key001", (KeyVersionSpec(a1_key_version, "RSA-HSM", 3072, CK_KEY_OPS,
                                                                ex_created, ex_created, tags=ex_tags),)),)
    a1_role = KV_CRYPTO_SERVICE_ENCRYPTION_USER if "broad_permission" in fixed else KV_CRYPTO_OFFICER
    vaults.append(rbac_vault(ex_a1, sub1, rg1, "francecentral", "exchange", EXCHANGE_APP_ID, a1_role, a1_keys))

    a2_location = "francesouth" if "same_region" in fixed else "francecentral"
    a2_sku = "premium" if "standard_sku" in fixed else "standard"
    a2_kty = "RSA-HSM" if "software_key" in fixed else "RSA"
    a2_size = 3072 if "key_size" in fixed else 2048
    a2_exp = None if "key_expiry" in fixed else _ts(2027, 6, 30)
    a2_key = KeySpec(f"{ex_a2}-Key001", (KeyVersionSpec(a2_key_version, a2_kty, a2_size, CK_KEY_OPS, ex_created,
                                                          ex_created, exp=a2_exp, tags=ex_tags),))
    vaults.append(VaultSpec(
        name=ex_a2, subscription_id=sub2.subscription_id, resource_group=rg2, location=a2_location,
        tenant_id=tenant_id, sku=a2_sku,
        enable_purge_protection=True if "purge_protection_off" in fixed else None,
        enable_rbac_authorization=False,
        network_default_action="Deny" if "firewall_open" in fixed else "Allow",
        access_policies=(AccessPolicySpec(sps[EXCHANGE_APP_ID]["id"], ("get", "wrapKey", "unwrapKey")),),
        keys=(a2_key,), tags=tags, created=vault_created, dep_kind="exchange"))

    deps = (
        DataEncryptionPolicySpec("multiWorkload", f"{PREFIX}-DEP-MW-01", "assigned", M365_DATA_AT_REST_APP_ID,
                                 (mw_a1, mw_a2), (f"{mw_a1}-Key001", f"{mw_a2}-Key001")),
        DataEncryptionPolicySpec("exchange", f"{PREFIX}-DEP-EX-01",
                                 "assigned" if "missing_key" in fixed else "planned", EXCHANGE_APP_ID,
                                 (ex_a1, ex_a2), (f"{ex_a1}-Key001", f"{ex_a2}-Key001")),
    )
    town = KeyVaultTown(seed=seed, tenant_id=tenant_id, now=now, subscriptions=(sub1, sub2), vaults=tuple(vaults),
                        service_principals=sps, deps=deps, defects=(), fixed=fixed)
    return replace(town, defects=tuple(_defects(town, a1_role)))


def _defects(town: KeyVaultTown, a1_role: str) -> list[dict[str, Any]]:
    fixed = set(town.fixed)
    ex_a1 = town.vault(f"{PREFIX}-CK-EX-FR-VaultA1")
    ex_a2 = town.vault(f"{PREFIX}-CK-EX-FR-VaultA2")
    a2_key = f"{ex_a2.name}-Key001"
    a2_version = ex_a2.keys[0].versions[-1]
    out: list[dict[str, Any]] = []

    def add(kind: str, resource: str, vault: str | None, key: str | None, prop: str | None, value: Any,
            expected: Any) -> None:
        if kind not in fixed:
            out.append({"kind": kind, "resource": resource, "vault": vault, "key": key, "property": prop,
                        "value": value, "expected": expected})

    add("missing_key", "key", ex_a1.name, f"{ex_a1.name}-Key001", None, None,
        {"kty": "RSA-HSM", "keySize": 3072, "key_ops": list(CK_KEY_OPS), "exp": None})
    if a1_role != KV_CRYPTO_SERVICE_ENCRYPTION_USER:
        add("broad_permission", "roleAssignment", ex_a1.name, None, "properties.roleDefinitionId",
            a1_role, KV_CRYPTO_SERVICE_ENCRYPTION_USER)
    add("same_region", "vaultPair", ex_a2.name, None, "location", [ex_a1.location, ex_a2.location],
        "two different regions")
    add("standard_sku", "vault", ex_a2.name, None, "properties.sku.name", "standard", "premium")
    add("purge_protection_off", "vault", ex_a2.name, None, "properties.enablePurgeProtection", None, True)
    level, _days = town.recovery(ex_a2)
    if level != "Recoverable+ProtectedSubscription":
        out.append({"kind": "recovery_level", "resource": "key", "vault": ex_a2.name, "key": a2_key,
                    "property": "attributes.recoveryLevel", "value": level,
                    "expected": "Recoverable+ProtectedSubscription"})
    add("software_key", "key", ex_a2.name, a2_key, "key.kty", a2_version.kty, "RSA-HSM")
    add("key_size", "key", ex_a2.name, a2_key, "keySize", a2_version.key_size, 3072)
    add("key_expiry", "key", ex_a2.name, a2_key, "attributes.exp", a2_version.exp, None)
    add("firewall_open", "vault", ex_a2.name, None, "properties.networkAcls.defaultAction", "Allow", "Deny")
    return out
