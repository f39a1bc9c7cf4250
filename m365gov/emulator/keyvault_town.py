"""The town's Customer Key vaults and keys, deterministic from the tenant seed.

:func:`generate_keyvault_town` builds what :class:`~m365gov.emulator.keyvault_server.KeyVaultEmulator`
serves: two Azure subscriptions, the vaults of four data-encryption policies (DEPs), their keys,
access control and the seeded defects. It never reads the clock (times derive from ``Tenant.now``)
and draws ids from its own streams, so adding it changes nothing in the Graph tenant.

Why four DEPs: the demo must show every shipped key policy both passing and failing somewhere
(issue 2). One pair is right throughout; the others carry realistic mistakes, each documented below
and in :attr:`KeyVaultTown.defects`. Customer Key has three DEP kinds (customer-key.md §1.7); the town
uses all three, plus a trial multi-workload DEP (a tenant may hold several and assign one). The rules
followed, or broken on purpose, are ``shared/reference/customer-key.md`` §1.

Naming (customer-key.md §1.5, Microsoft's ``Contoso-CK-EX-NA-VaultA1-Key001`` pattern adapted to
Saint-Aubin-sur-Loire: prefix ``SAL``, service ``MW``/``EX``/``SP``, region ``FR``, vault A1 in the
first subscription, A2 in the second, T for the trial; keys are named after their vault)::

    subscription "SAL Customer Key 1"   resource group rg-sal-customerkey-1
        SAL-CK-MW-FR-VaultA1   francecentral  premium   key …-Key001
        SAL-CK-EX-FR-VaultA1   francecentral  premium   key …-Key001 (missing)
        SAL-CK-SP-FR-VaultA1   francecentral  premium   key …-Key001 (two versions)
        SAL-CK-SP-FR-VaultA2   francesouth    premium   key …-Key001   (belongs in subscription 2)
        SAL-CK-MW-FR-VaultT1   francecentral  premium   keys …-Key001, …-Key002 (the trial DEP)
    subscription "SAL Customer Key 2"   resource group rg-sal-customerkey-2
        SAL-CK-MW-FR-VaultA2   francesouth    premium   key …-Key001
        SAL-CK-EX-FR-VaultA2   francecentral  standard  key …-Key001   (planned in francesouth)

Both subscriptions have the mandatory retention period registered. The key plan the demo writes
(:mod:`m365gov.demo_keys`) puts every A1 vault in France Central and every A2 vault in France South.

**SAL-DEP-MW-01, multi-workload, assigned — right**: two subscriptions, France Central + France
South, Premium, soft delete with 90 days and purge protection on (so every key reports
``Recoverable+ProtectedSubscription`` / 90), RBAC authorisation with the M365DataAtRestEncryption
service principal (appId ``c066d759-24ae-40e7-a56f-027002b5d3e4``) holding exactly "Key Vault Crypto
Service Encryption User" on the vault, firewall ``Deny`` with the trusted-services bypass, keys
RSA-HSM 3072 with ``wrapKey``/``unwrapKey``, no expiry, two versions each (created 2025-02-03,
rolled 2026-02-02), a rotation policy (Rotate one year after creation, no ``expiryTime``) and a
backup of the current version.

**SAL-DEP-EX-01, Exchange, planned** (it cannot be created before both keys exist): a broad role on
A1; A2 is Standard, purgeable, open, built in France Central although planned in France South, and
holds a 2048-bit software key with an expiry, created 2025-06-10, never rolled nor backed up.

**SAL-DEP-SP-01, SharePoint/OneDrive, registered 2026-03-16** (it pins key versions): A1's key was
rolled by hand on 2026-10-05 with ``-KeyOps wrapKey`` alone, and nothing after ``Add-AzKeyVaultKey``
was done (no backup, no ``Update-SPODataEncryptionPolicy``): the DEP still uses the first version,
which is right, and the new one would break it. A1 uses access policies and grants Office 365
SharePoint Online only ``wrapKey`` (no ``unwrapKey``, no ``get``). A2 was set up in a hurry: in the
first subscription, with a 30-day soft-delete retention (its keys report
``CustomizedRecoverable+ProtectedSubscription`` / 30), and a rotation policy written to please
Azure Policy's expiry audits, ``expiryTime`` P2Y (the next rotation would date the new version).
Its own permissions (the encryption role for SharePoint Online) and its key are right.

**SAL-DEP-MW-T1, multi-workload, unassigned** (T for trial): a DEP of January 2026 whose two keys are in
one vault (so one subscription and one region); when the trial ended someone disabled its second key
— the one thing Microsoft says never to do to a Customer Key key (customer-key.md §1.9). The vault
itself is configured like the right pair's.

Each defect is a record ``{"kind", "resource", "vault", "key", "property", "value", "expected"}``
computed from the built vaults (:mod:`m365gov.emulator.keyvault_defects`):

======================== ========== ==================== ======================================= =====================
kind                     resource   where                property → value                        expected (policy)
======================== ========== ==================== ======================================= =====================
missing_key              key        EX-A1 Key001         (absent)                                RSA-HSM 3072 (001)
broad_permission         roleAssig. EX-A1, Exchange SP   properties.roleDefinitionId → Crypto    Crypto Service Encr.
                                                         Officer (keys/* incl. delete)           User (019)
same_region              vaultPair  EX-A2                location → francecentral twice          two regions (013)
standard_sku             vault      EX-A2                properties.sku.name → standard          premium (017)
purge_protection_off     vault      EX-A2                properties.enablePurgeProtection → absent true (015)
recovery_level           key        EX-A2 Key001         attributes.recoveryLevel →              …+ProtectedSubscr.
                                                         Recoverable+Purgeable                   (002)
software_key             key        EX-A2 Key001         key.kty → RSA                           RSA-HSM (003)
key_size                 key        EX-A2 Key001         keySize → 2048                          ≥ 3072 (004)
key_expiry               key        EX-A2 Key001         attributes.exp → 2027-06-30             absent (007)
firewall_open            vault      EX-A2                properties.networkAcls.defaultAction →  Deny (020)
                                                         Allow
region_not_planned       vault      EX-A2                location → francecentral                francesouth (014)
roll_overdue             key        EX-A2 Key001         attributes.created → 2025-06-10         within 365 d (008)
missing_backup           key        EX-A2, SP-A1 Key001  backup → none of the current version    a backup (010)
key_ops                  key        SP-A1 Key001         key.key_ops → [wrapKey]                 wrapKey, unwrapKey
                                                                                                 (005)
pinned_not_current       key        SP-A1 Key001         pinnedVersion → version 1               version 2 (021)
service_principal_access accessPol. SP-A1, SharePoint SP permissions.keys → [wrapKey]            get, wrapKey,
                                                                                                 unwrapKey (018)
same_subscription        vaultPair  SP-A2                subscriptionId → subscription 1 twice   two (012)
soft_delete_retention    vault      SP-A2                properties.softDeleteRetentionInDays→30 90 (016)
recoverable_days         key        SP-A2 Key001         attributes.recoverableDays → 30         90 (002)
rotation_policy_expiry   key        SP-A2 Key001         rotationPolicy.attributes.expiryTime →  absent (009)
                                                         P2Y
same_vault               vaultPair  MW-T1                vaults → VaultT1 twice                  two vaults (011; and
                                                                                                 012, 013)
key_disabled             key        MW-T1 Key002         attributes.enabled → false              true (006)
======================== ========== ==================== ======================================= =====================

Derived kinds follow from another and are fixed with it (:data:`DERIVED_KINDS`): ``recovery_level``
from ``purge_protection_off``, ``recoverable_days`` from ``soft_delete_retention``,
``region_not_planned`` from ``same_region``. ``roll_overdue`` depends on the town's "now" (at the
default 2026-11-28 only the Exchange key is overdue). ``missing_backup`` is about the administrators'
backup files, not Key Vault: the demo backs up every other key before collecting
(:func:`m365gov.demo_keys.take_demo_backups`). As ARM does for a vault whose purge protection was
never enabled, EX-A2's ``enablePurgeProtection`` is *absent*, not false. EX-A2 uses the access-policy
model and grants the Exchange Online service principal exactly ``get, wrapKey, unwrapKey``.

``fix=("key_expiry", …)`` (or ``"all"``) repairs kinds, for drift tests and for a compliant town;
``software_key`` can only be fixed together with ``standard_sku`` (a Standard vault holds no HSM key);
fixing ``same_vault`` gives the trial DEP a second vault, SAL-CK-MW-FR-VaultT2 (subscription 2,
France South); fixing ``pinned_not_current`` pins the current version.

Service principals are the first-party applications of customer-key.md §1.4; their object ids are
tenant-specific, so they are drawn from the seed and listed in :attr:`KeyVaultTown.service_principals`
(ARM role assignments and access policies name principals by object id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from m365gov.emulator.ids import GuidStream
from m365gov.emulator.keyvault_defects import DERIVED_KINDS, KV_DEFECT_KINDS, town_defects
from m365gov.emulator.keyvault_model import (
    CK_KEY_OPS,
    DEFAULT_KEY_OPS,
    EXCHANGE_APP_ID,
    FAR_FUTURE_EXP,
    GEOGRAPHIES,
    KV_ADMINISTRATOR,
    KV_CRYPTO_OFFICER,
    KV_CRYPTO_SERVICE_ENCRYPTION_USER,
    KV_CRYPTO_USER,
    KV_READER,
    M365_DATA_AT_REST_APP_ID,
    ROLE_DEFINITIONS,
    SHAREPOINT_APP_ID,
    AccessPolicySpec,
    DataEncryptionPolicySpec,
    KeySpec,
    KeyVaultTown,
    KeyVersionSpec,
    RoleAssignmentSpec,
    SubscriptionSpec,
    VaultSpec,
    empty_vault,
    recovery_level,
)
from m365gov.emulator.keyvault_pairs import (
    PREFIX,
    TownBuilder,
    exchange_pair,
    multi_workload_pair,
    sharepoint_pair,
    trial_dep,
)

if TYPE_CHECKING:
    from m365gov.emulator.tenant import Tenant

__all__ = [
    "CK_KEY_OPS", "DEFAULT_KEY_OPS", "DERIVED_KINDS", "EXCHANGE_APP_ID", "FAR_FUTURE_EXP", "GEOGRAPHIES",
    "KV_ADMINISTRATOR", "KV_CRYPTO_OFFICER", "KV_CRYPTO_SERVICE_ENCRYPTION_USER", "KV_CRYPTO_USER",
    "KV_DEFECT_KINDS", "KV_READER", "M365_DATA_AT_REST_APP_ID", "PREFIX", "ROLE_DEFINITIONS", "SHAREPOINT_APP_ID",
    "AccessPolicySpec", "DataEncryptionPolicySpec", "KeySpec", "KeyVaultTown", "KeyVersionSpec",
    "RoleAssignmentSpec", "SubscriptionSpec", "VaultSpec", "check_kv_kinds", "empty_vault",
    "generate_keyvault_town", "recovery_level",
]

FIXABLE_KINDS = tuple(k for k in KV_DEFECT_KINDS if k not in DERIVED_KINDS)


def check_kv_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The fixable kinds named (``"all"``: every one), or ``ValueError`` for an unknown or derived one."""
    out: list[str] = []
    for k in kinds:
        if k == "all":
            out.extend(FIXABLE_KINDS)
        elif k in FIXABLE_KINDS:
            out.append(k)
        else:
            raise ValueError(f"unknown Key Vault defect kind: {k!r} (known: {', '.join(FIXABLE_KINDS)}, or 'all')")
    return tuple(dict.fromkeys(out))


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
    subscriptions = (SubscriptionSpec(ids.next(), f"{PREFIX} Customer Key 1"),
                     SubscriptionSpec(ids.next(), f"{PREFIX} Customer Key 2"))
    service_principals = {
        app_id: {"id": ids.next(), "appId": app_id, "displayName": name}
        for app_id, name in ((EXCHANGE_APP_ID, "Office 365 Exchange Online"),
                             (SHAREPOINT_APP_ID, "Office 365 SharePoint Online"),
                             (M365_DATA_AT_REST_APP_ID, "M365DataAtRestEncryption"))
    }
    builder = TownBuilder(seed, tenant_id, now, frozenset(fixed), ids, GuidStream(seed, "keyvault-versions"),
                          subscriptions, service_principals)
    vaults: list[VaultSpec] = []
    deps: list[DataEncryptionPolicySpec] = []
    for build in (multi_workload_pair, exchange_pair, sharepoint_pair, trial_dep):
        built, dep = build(builder)
        vaults.extend(built)
        deps.append(dep)
    town = KeyVaultTown(seed=seed, tenant_id=tenant_id, now=now, subscriptions=subscriptions, vaults=tuple(vaults),
                        service_principals=service_principals, deps=tuple(deps), defects=(), fixed=fixed)
    return replace(town, defects=town_defects(town))
