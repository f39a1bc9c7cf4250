"""The demo town's vaults, one builder per data-encryption policy, each seeding its own defects.

:func:`~m365gov.emulator.keyvault_town.generate_keyvault_town` calls the four builders in turn; the
story of each DEP and the table of its defects are in that module's docstring. The defect *records*
are not written here but computed from the built vaults (:mod:`m365gov.emulator.keyvault_defects`),
so they can never disagree with what is served.

Ids come from named streams (:class:`~m365gov.emulator.ids.GuidStream`): the first two pairs draw from
the streams they always used, in the same order, and each later pair has streams of its own, so that
adding a pair (or fixing a defect) never changes an id the older pairs serve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from m365gov.emulator.ids import GuidStream
from m365gov.emulator.keyvault_model import (
    CK_KEY_OPS,
    EXCHANGE_APP_ID,
    KV_CRYPTO_OFFICER,
    KV_CRYPTO_SERVICE_ENCRYPTION_USER,
    M365_DATA_AT_REST_APP_ID,
    SHAREPOINT_APP_ID,
    AccessPolicySpec,
    DataEncryptionPolicySpec,
    KeySpec,
    KeyVersionSpec,
    RoleAssignmentSpec,
    SubscriptionSpec,
    VaultSpec,
    ts,
)

PREFIX = "SAL"
FC, FS = "francecentral", "francesouth"
VAULT_CREATED = ts(2025, 1, 14, 10)
VAULT_TAGS = {"usage": "customer-key", "owner": "dsi"}
SERVICE_KEY_PERMISSIONS = ("get", "wrapKey", "unwrapKey")
Built = tuple[list[VaultSpec], DataEncryptionPolicySpec]


def vault_name(service: str, slot: str) -> str:
    """Microsoft's naming pattern (customer-key.md §1.5): ``SAL-CK-<service>-FR-Vault<slot>``."""
    return f"{PREFIX}-CK-{service}-FR-Vault{slot}"


def dep_name(suffix: str) -> str:
    return f"{PREFIX}-DEP-{suffix}"


def version_id(stream: GuidStream) -> str:
    """A 32-hex version id, as Key Vault's."""
    return stream.next().replace("-", "")


def yearly_rotation(created: int, *, expiry_time: str | None = None) -> dict[str, Any]:
    """A rotation policy in REST shape: Rotate one year after creation, Notify 30 days before expiry
    (the action the service adds), and an ``expiryTime`` only when a defect asks for one."""
    attributes: dict[str, Any] = {"created": created, "updated": created}
    if expiry_time is not None:
        attributes["expiryTime"] = expiry_time
    return {"lifetimeActions": [{"trigger": {"timeAfterCreate": "P1Y"}, "action": {"type": "Rotate"}},
                                {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}],
            "attributes": attributes}


@dataclass
class TownBuilder:
    """What every pair builder shares: the seed, the tenant, the two subscriptions, the service
    principals, the kinds left repaired, and the two original id streams (``ids``, ``versions``)."""

    seed: int
    tenant_id: str
    now: datetime
    fixed: frozenset[str]
    ids: GuidStream
    versions: GuidStream
    subscriptions: tuple[SubscriptionSpec, SubscriptionSpec]
    service_principals: Mapping[str, Mapping[str, str]]

    RESOURCE_GROUPS = ("rg-sal-customerkey-1", "rg-sal-customerkey-2")

    def sub(self, n: int) -> tuple[SubscriptionSpec, str]:
        """Subscription ``n`` (1 or 2) and its resource group."""
        return self.subscriptions[n - 1], self.RESOURCE_GROUPS[n - 1]

    def principal(self, app_id: str) -> str:
        return self.service_principals[app_id]["id"]

    def assignment(self, vault_id: str, app_id: str, role: str, stream: GuidStream | None = None) -> RoleAssignmentSpec:
        return RoleAssignmentSpec((stream or self.ids).next(), vault_id, self.principal(app_id), role,
                                  created=VAULT_CREATED + 3600)

    def rbac_vault(self, name: str, sub: int, location: str, dep_kind: str, app_id: str, role: str,
                   keys: tuple[KeySpec, ...], *, stream: GuidStream | None = None, created: int = VAULT_CREATED,
                   planned: str | None = None, **props: Any) -> VaultSpec:
        """A vault in RBAC mode granting ``role`` to ``app_id``'s principal (and ``props`` as given)."""
        subscription, rg = self.sub(sub)
        base = VaultSpec(name=name, subscription_id=subscription.subscription_id, resource_group=rg,
                         location=location, tenant_id=self.tenant_id, keys=keys, tags=VAULT_TAGS, created=created,
                         dep_kind=dep_kind, planned_location=planned, **props)
        return replace(base, role_assignments=(self.assignment(base.resource_id, app_id, role, stream),))


def multi_workload_pair(b: TownBuilder) -> Built:
    """The right pair: nothing to fix (module docstring of :mod:`keyvault_town`)."""
    dep = dep_name("MW-01")
    policy = yearly_rotation(ts(2025, 2, 3, 9, 45))

    def key(vault: str) -> KeySpec:
        v1, v2 = ts(2025, 2, 3, 9, 30), ts(2026, 2, 2, 9, 30)
        tags = {"dep": dep, "usage": "customer-key"}
        return KeySpec(f"{vault}-Key001", (
            KeyVersionSpec(version_id(b.versions), "RSA-HSM", 3072, CK_KEY_OPS, v1, v1, tags=tags),
            KeyVersionSpec(version_id(b.versions), "RSA-HSM", 3072, CK_KEY_OPS, v2, v2, tags=tags),
        ), policy)

    a1, a2 = vault_name("MW", "A1"), vault_name("MW", "A2")
    vaults = [b.rbac_vault(a1, 1, FC, "multiWorkload", M365_DATA_AT_REST_APP_ID, KV_CRYPTO_SERVICE_ENCRYPTION_USER,
                           (key(a1),)),
              b.rbac_vault(a2, 2, FS, "multiWorkload", M365_DATA_AT_REST_APP_ID, KV_CRYPTO_SERVICE_ENCRYPTION_USER,
                           (key(a2),))]
    return vaults, DataEncryptionPolicySpec("multiWorkload", dep, "assigned", M365_DATA_AT_REST_APP_ID, (a1, a2),
                                            (f"{a1}-Key001", f"{a2}-Key001"))


def exchange_pair(b: TownBuilder) -> Built:
    """The first defective pair: a missing key, a broad role, a Standard, purgeable, open vault in the
    wrong region holding an old, unbacked-up 2048-bit software key with an expiry."""
    fixed = b.fixed
    a1, a2 = vault_name("EX", "A1"), vault_name("EX", "A2")
    tags = {"dep": dep_name("EX-01"), "usage": "customer-key"}
    created = ts(2025, 6, 10, 14, 5)
    if "roll_overdue" in fixed:  # rolled three months before the town's "now"
        created = int((b.now - timedelta(days=90)).timestamp()) // 60 * 60
    backed_up = "missing_backup" in fixed
    a1_version, a2_version = version_id(b.versions), version_id(b.versions)
    a1_keys: tuple[KeySpec, ...] = ()
    if "missing_key" in fixed:
        a1_keys = (KeySpec(f"{a1}-Key001", (KeyVersionSpec(a1_version, "RSA-HSM", 3072, CK_KEY_OPS, created, created,
                                                             tags=tags),), backed_up=backed_up),)
    role = KV_CRYPTO_SERVICE_ENCRYPTION_USER if "broad_permission" in fixed else KV_CRYPTO_OFFICER
    vault_a1 = b.rbac_vault(a1, 1, FC, "exchange", EXCHANGE_APP_ID, role, a1_keys)

    exp = None if "key_expiry" in fixed else ts(2027, 6, 30)
    a2_key = KeySpec(f"{a2}-Key001", (KeyVersionSpec(
        a2_version, "RSA-HSM" if "software_key" in fixed else "RSA", 3072 if "key_size" in fixed else 2048,
        CK_KEY_OPS, created, created, exp=exp, tags=tags),), backed_up=backed_up)
    subscription, rg = b.sub(2)
    vault_a2 = VaultSpec(
        name=a2, subscription_id=subscription.subscription_id, resource_group=rg,
        location=FS if "same_region" in fixed else FC, planned_location=FS, tenant_id=b.tenant_id,
        sku="premium" if "standard_sku" in fixed else "standard",
        enable_purge_protection=True if "purge_protection_off" in fixed else None,
        enable_rbac_authorization=False,
        network_default_action="Deny" if "firewall_open" in fixed else "Allow",
        access_policies=(AccessPolicySpec(b.principal(EXCHANGE_APP_ID), SERVICE_KEY_PERMISSIONS),),
        keys=(a2_key,), tags=VAULT_TAGS, created=VAULT_CREATED, dep_kind="exchange")
    dep = DataEncryptionPolicySpec("exchange", dep_name("EX-01"), "assigned" if "missing_key" in fixed else "planned",
                                   EXCHANGE_APP_ID, (a1, a2), (f"{a1}-Key001", f"{a2}-Key001"))
    return [vault_a1, vault_a2], dep


def sharepoint_pair(b: TownBuilder) -> Built:
    """The SharePoint/OneDrive pair: registered in March 2026, then a botched roll of the primary key
    and a second vault set up in a hurry."""
    fixed = b.fixed
    stream = GuidStream(b.seed, "keyvault-sharepoint")
    dep = dep_name("SP-01")
    a1, a2 = vault_name("SP", "A1"), vault_name("SP", "A2")
    tags = {"dep": dep, "usage": "customer-key"}
    vault_created, registered, rolled = ts(2026, 3, 2, 9), ts(2026, 3, 16, 10), ts(2026, 10, 5, 16, 40)
    a1_v1, a1_v2, a2_v1 = version_id(stream), version_id(stream), version_id(stream)

    rolled_ops = CK_KEY_OPS if "key_ops" in fixed else ("wrapKey",)
    a1_key = KeySpec(f"{a1}-Key001", (
        KeyVersionSpec(a1_v1, "RSA-HSM", 3072, CK_KEY_OPS, registered, registered, tags=tags),
        KeyVersionSpec(a1_v2, "RSA-HSM", 3072, rolled_ops, rolled, rolled, tags=tags),
    ), backed_up="missing_backup" in fixed)  # the version rolled by hand was never backed up
    grants = SERVICE_KEY_PERMISSIONS if "service_principal_access" in fixed else ("wrapKey",)
    subscription, rg = b.sub(1)
    vault_a1 = VaultSpec(
        name=a1, subscription_id=subscription.subscription_id, resource_group=rg, location=FC, tenant_id=b.tenant_id,
        enable_rbac_authorization=False, access_policies=(AccessPolicySpec(b.principal(SHAREPOINT_APP_ID), grants),),
        keys=(a1_key,), tags=VAULT_TAGS, created=vault_created, dep_kind="sharepoint")

    expiry = None if "rotation_policy_expiry" in fixed else "P2Y"
    a2_key = KeySpec(f"{a2}-Key001", (KeyVersionSpec(a2_v1, "RSA-HSM", 3072, CK_KEY_OPS, registered, registered,
                                                     tags=tags),),
                     yearly_rotation(registered + 600, expiry_time=expiry))
    vault_a2 = b.rbac_vault(a2, 2 if "same_subscription" in fixed else 1, FS, "sharepoint", SHAREPOINT_APP_ID,
                            KV_CRYPTO_SERVICE_ENCRYPTION_USER, (a2_key,), stream=stream, created=vault_created,
                            soft_delete_retention_days=90 if "soft_delete_retention" in fixed else 30)
    pinned = (a1_v2 if "pinned_not_current" in fixed else a1_v1, a2_v1)
    return [vault_a1, vault_a2], DataEncryptionPolicySpec(
        "sharepoint", dep, "assigned", SHAREPOINT_APP_ID, (a1, a2), (a1_key.name, a2_key.name), pinned)


def trial_dep(b: TownBuilder) -> Built:
    """A multi-workload DEP made for a trial and never assigned: both keys in one vault, one disabled."""
    fixed = b.fixed
    stream = GuidStream(b.seed, "keyvault-test-dep")
    dep = dep_name("MW-T1")
    t1, t2 = vault_name("MW", "T1"), vault_name("MW", "T2")
    tags = {"dep": dep, "usage": "customer-key-test"}
    created, disabled = ts(2026, 1, 20, 11), ts(2026, 4, 2, 9, 15)
    policy = yearly_rotation(created + 300)
    v1, v2 = version_id(stream), version_id(stream)
    first = KeySpec(f"{t1}-Key001", (KeyVersionSpec(v1, "RSA-HSM", 3072, CK_KEY_OPS, created, created, tags=tags),),
                    policy)
    enabled = "key_disabled" in fixed
    second_vault = t2 if "same_vault" in fixed else t1
    second = KeySpec(f"{t2}-Key001" if "same_vault" in fixed else f"{t1}-Key002", (KeyVersionSpec(
        v2, "RSA-HSM", 3072, CK_KEY_OPS, created, created if enabled else disabled, enabled=enabled, tags=tags),),
        policy)
    args = ("multiWorkload", M365_DATA_AT_REST_APP_ID, KV_CRYPTO_SERVICE_ENCRYPTION_USER)
    if "same_vault" in fixed:
        vaults = [b.rbac_vault(t1, 1, FC, *args, (first,), stream=stream, created=created - 3600),
                  b.rbac_vault(t2, 2, FS, *args, (second,), stream=stream, created=created - 3600)]
    else:
        vaults = [b.rbac_vault(t1, 1, FC, *args, (first, second), stream=stream, created=created - 3600)]
    return vaults, DataEncryptionPolicySpec("multiWorkload", dep, "unassigned", M365_DATA_AT_REST_APP_ID,
                                            (t1, second_vault), (first.name, second.name))
