"""What m365gov must not do itself, written out as the exact steps for a person, with real names.

m365gov creates keys, new versions by rotation, rotation policies and backups. Everything else that
a Customer Key setup needs — vault settings, the mandatory retention period, permissions, expiry
fixes, telling Microsoft 365 about a new key version — is an :class:`Instruction`: why, and the
PowerShell (Az, Exchange Online, SharePoint Online) or Azure CLI commands with the vault, key,
version, subscription and DEP names filled in (customer-key.md §1.3-1.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from m365gov.keys.desired import DepSpec, KeySpec, VaultSpec
from m365gov.keys.rules import CRYPTO_SERVICE_ENCRYPTION_USER, SERVICE_PRINCIPALS

NEW_VAULT_OPTIONS = "-Sku Premium -EnablePurgeProtection -SoftDeleteRetentionInDays 90"
CK_TEAM = {
    "exchange": "exock@microsoft.com",
    "sharepoint": "spock@microsoft.com",
    "multiWorkload": "m365-ck@service.microsoft.com",
}


@dataclass(frozen=True)
class Instruction:
    """A step for a person (m365gov will not do it).

    Attributes:
        topic: a stable identifier of the kind of step (``purgeProtection``, ``depRefresh``…).
        subject: what it is about (a vault, a key, a DEP, a subscription).
        why: the observed problem, in one sentence.
        commands: the commands to run, in order, names filled in.
    """

    topic: str
    subject: str
    why: str
    commands: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "subject": self.subject, "why": self.why, "commands": list(self.commands)}


def _rg(v: VaultSpec) -> str:
    return v.resource_group or "<resource group>"


def purge_protection(v: VaultSpec) -> Instruction:
    return Instruction("purgeProtection", v.name, "purge protection is off: deleted keys could be purged, and the "
                       "keys cannot reach Recoverable+ProtectedSubscription (irreversible once on, as intended)", (
                           f"Update-AzKeyVault -VaultName {v.name} -ResourceGroupName {_rg(v)} -EnablePurgeProtection",
                           f"az keyvault update --name {v.name} --resource-group {_rg(v)} "
                           "--enable-purge-protection true",
                           f"# then each key's (Get-AzKeyVaultKey -VaultName {v.name} -Name <key>).Attributes."
                           "RecoveryLevel must read Recoverable+ProtectedSubscription; Recoverable means the "
                           "subscription's mandatory retention period is not registered yet",
                       ))


def mandatory_retention(subscription: str, kind: str) -> Instruction:
    return Instruction("mandatoryRetention", subscription, "the keys report a recovery level without "
                       "ProtectedSubscription: the subscription's mandatory retention period is not registered", (
                           f"Set-AzContext -SubscriptionId {subscription}",
                           "Register-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled "
                           "-ProviderNamespace Microsoft.Resources",
                           f"# e-mail {CK_TEAM.get(kind, 'the Customer Key team')} the subscription id and the output "
                           "of: Get-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled "
                           "-ProviderNamespace Microsoft.Resources",
                           "# once it shows Registered: "
                           "Register-AzResourceProvider -ProviderNamespace Microsoft.KeyVault",
                       ))


def soft_delete_retention(v: VaultSpec, days: Any) -> Instruction:
    return Instruction("softDeleteRetention", v.name, f"soft-delete retention is {days} days, not 90; it cannot be "
                       "changed after creation: the keys need a new vault", (
                           f"New-AzKeyVault -Name <new vault> -ResourceGroupName {_rg(v)} -Location "
                           f"{v.region or '<region>'} {NEW_VAULT_OPTIONS}",
                       ))


def premium(v: VaultSpec) -> Instruction:
    return Instruction("premiumVault", v.name, "the vault is Standard: it cannot hold HSM-protected keys", (
        f"az keyvault update --name {v.name} --resource-group {_rg(v)} --set properties.sku.name=premium",
    ))


def firewall(v: VaultSpec) -> Instruction:
    return Instruction("firewall", v.name, "the vault accepts every network; Microsoft 365 reaches it as a trusted "
                       "service even when it denies the rest", (
                           f"az keyvault update --name {v.name} --resource-group {_rg(v)} --default-action Deny "
                           "--bypass AzureServices",
                           f"az keyvault network-rule add --name {v.name} --ip-address <administrators' CIDR>",
                       ))


def vault_not_found(v: VaultSpec) -> Instruction:
    return Instruction("vaultNotFound", v.name, f"Azure Resource Manager has no vault {v.name} in subscription "
                       f"{v.subscription_id}, resource group {v.resource_group}", (
                           f"Get-AzKeyVault -VaultName {v.name} | Select-Object ResourceId   # then fix the key plan",
                           f"New-AzKeyVault -Name {v.name} -ResourceGroupName {_rg(v)} -Location "
                           f"{v.region or '<region>'} {NEW_VAULT_OPTIONS}",
                       ))


def grant(v: VaultSpec, kind: str, rbac: bool | None, arm_id: str | None) -> Instruction:
    sp = SERVICE_PRINCIPALS[kind]
    cmd = (
        f"New-AzRoleAssignment -ApplicationId {sp.app_id} -RoleDefinitionId {CRYPTO_SERVICE_ENCRYPTION_USER} "
        f"-Scope {arm_id or v.arm_id or '<vault resource id>'}"
        if rbac else
        f"Set-AzKeyVaultAccessPolicy -VaultName {v.name} -PermissionsToKeys wrapKey,unwrapKey,get "
        f"-ServicePrincipalName {sp.app_id}"
    )
    return Instruction("grantServicePrincipal", v.name, f"{sp.display_name} cannot wrapKey, unwrapKey and get: "
                       "Microsoft 365 cannot use the keys of this vault", (cmd,))


def broader(v: VaultSpec, kind: str, extra: list[str], rbac: bool | None, arm_id: str | None) -> Instruction:
    sp = SERVICE_PRINCIPALS[kind]
    first = (
        f"New-AzRoleAssignment -ApplicationId {sp.app_id} -RoleDefinitionId {CRYPTO_SERVICE_ENCRYPTION_USER} "
        f"-Scope {arm_id or v.arm_id or '<vault resource id>'}"
        if rbac else
        f"Set-AzKeyVaultAccessPolicy -VaultName {v.name} -PermissionsToKeys wrapKey,unwrapKey,get "
        f"-ServicePrincipalName {sp.app_id}"
    )
    return Instruction("reviewBroaderAccess", v.name, f"{sp.display_name} also has {', '.join(extra)}: more than "
                       "wrapKey, unwrapKey and get. m365gov never removes a permission", (
                           f"{first}   # exactly what it needs, first",
                           "# check that the DEP still works, then remove the broader grant by hand "
                           f"(Get-AzRoleAssignment -Scope {arm_id or '<vault resource id>'}, or the access policies)",
                       ))


def region(v: VaultSpec, location: str | None, allowed: tuple[str, ...]) -> Instruction:
    expected = v.region or " or ".join(allowed)
    return Instruction("vaultRegion", v.name, f"the vault is in {location}, expected {expected}; a vault cannot move", (
                           f"New-AzKeyVault -Name <new vault> -ResourceGroupName {_rg(v)} -Location "
                           f"{v.region or allowed[0]} {NEW_VAULT_OPTIONS}",
                       ))


def pair_problem(dep: DepSpec, why: str) -> Instruction:
    return Instruction("pairLayout", dep.name, why, (
        "# give each key of the DEP its own vault, in its own subscription and region (France Central / France "
        "South), then update the key plan and the DEP",
    ))


def expiry(k: KeySpec, version: str, expires: str) -> Instruction:
    return Instruction("keyExpiry", f"{k.vault.name}/{k.name}/{version}", f"version {version} expires {expires}: "
                       "Microsoft 365 accepts no expiry but 9999-12-31 (an expiry cannot be removed). m365gov never "
                       "writes an expiry", (
                           f"Update-AzKeyVaultKey -VaultName {k.vault.name} -Name {k.name} -Version {version} "
                           "-Expires ([datetime]::new(9999,12,31,0,0,0,'Utc'))",
                       ))


def enable(k: KeySpec) -> Instruction:
    return Instruction("keyDisabled", f"{k.vault.name}/{k.name}", "the current version is disabled: a revoked key "
                       "cuts Microsoft 365 off the data (m365gov never enables or disables keys)", (
                           f"Update-AzKeyVaultKey -VaultName {k.vault.name} -Name {k.name} -Enable $true   "
                           "# only if it was disabled by mistake",
                       ))


def new_compliant_version(k: KeySpec, why: str, spo_admin_url: str | None = None) -> Instruction:
    dest = "HSM" if k.key_type == "RSA-HSM" else "Software"
    return Instruction("keyMaterial", f"{k.vault.name}/{k.name}", f"{why}; a rotation keeps the key's type and size, "
                       "so a compliant key needs a new version created by hand", (
                           f"Add-AzKeyVaultKey -VaultName {k.vault.name} -Name {k.name} -Destination {dest} "
                           f"-Size {k.key_size} -KeyOps wrapKey,unwrapKey",
                           "m365gov keys backup",
                           *dep_refresh_commands(k, "<new version>", spo_admin_url),
                       ))


def rotation_policy_expiry(k: KeySpec, expiry_time: str) -> Instruction:
    return Instruction("rotationPolicyExpiry", f"{k.vault.name}/{k.name}", f"the rotation policy gives every new "
                       f"version an expiry ({expiry_time}), which Microsoft 365 refuses", (
                           f"az keyvault key rotation-policy update --vault-name {k.vault.name} --name {k.name} "
                           "--value policy.json   # policy.json without attributes.expiryTime",
                           "# or set autoRotate for this key in the key plan and run: m365gov keys apply --yes",
                       ))


def rotation_due(k: KeySpec, age: float) -> Instruction:
    return Instruction("rotationDue", f"{k.vault.name}/{k.name}", f"the current version is {age:.0f} days old "
                       f"(plan: roll every {k.rotation_days} days)", (
                           f"m365gov keys rotate {k.vault.name}/{k.name} --yes   # prints the DEP refresh commands",
                       ))


def sharepoint_pinned(k: KeySpec, current: str, spo_admin_url: str | None) -> Instruction:
    return Instruction("sharepointVersion", f"{k.vault.name}/{k.name}", f"the SharePoint DEP pins version "
                       f"{k.pinned_version}; version {current} is newer and not in use", (
                           *dep_refresh_commands(k, current, spo_admin_url),
                           f"# then set pinnedVersion to {current} in the key plan",
                       ))


def dep_refresh_commands(k: KeySpec, version: str, spo_admin_url: str | None = None) -> tuple[str, ...]:
    """Tell Microsoft 365 about a key's new version (customer-key.md §1.8): Key Vault alone does not."""
    if k.dep_kind == "exchange":
        return (f"Set-DataEncryptionPolicy -Identity {k.dep} -Refresh   # Exchange Online PowerShell",
                "Get-MailboxStatistics <mailbox> | Format-List DataEncryptionPolicyID,IsEncrypted   # check")
    if k.dep_kind == "multiWorkload":
        return (f"Set-M365DataAtRestEncryptionPolicy -Identity {k.dep} -Refresh   # Exchange Online PowerShell",)
    url = spo_admin_url or "<SharePoint admin URL>"
    return (
        f"Update-SPODataEncryptionPolicy {url} -KeyVaultName {k.vault.name} -KeyName {k.name} -KeyVersion {version} "
        f"-KeyType {k.role.capitalize()}",
        f"Get-SPODataEncryptionPolicy {url}   # wait until it no longer shows Rolling before updating the other key",
    )


def dep_create_commands(dep: DepSpec) -> tuple[str, ...]:
    """Create the DEP once both keys exist (m365gov has no Microsoft 365 admin rights)."""
    p, s = dep.primary, dep.secondary
    if dep.kind == "exchange":
        return (f"New-DataEncryptionPolicy -Name {dep.name} -AzureKeyIDs {p.id},{s.id}",
                f"Set-Mailbox -Identity <mailbox> -DataEncryptionPolicy {dep.name}")
    if dep.kind == "multiWorkload":
        return (f"New-M365DataAtRestEncryptionPolicy -Name {dep.name} -AzureKeyIDs {p.id},{s.id}",
                f"Set-M365DataAtRestEncryptionPolicyAssignment -DataEncryptionPolicy {dep.name}")
    return (f"Register-SPODataEncryptionPolicy -PrimaryKeyVaultName {p.vault.name} -PrimaryKeyName {p.name} "
            f"-PrimaryKeyVersion <version> -SecondaryKeyVaultName {s.vault.name} -SecondaryKeyName {s.name} "
            "-SecondaryKeyVersion <version>",)


def dep_after_create(dep: DepSpec) -> Instruction:
    return Instruction("depAfterCreate", dep.name, "once m365gov has created the missing key(s), create the DEP if it "
                       "does not exist yet (if it exists, a key of it was lost: recover it with "
                       "Undo-AzKeyVaultKeyRemoval instead)", dep_create_commands(dep))


def unreadable(vault: VaultSpec, detail: str) -> Instruction:
    return Instruction("unreadableVault", vault.name, f"nothing is planned for this vault: {detail}", (
        "# grant m365gov the access named above, then run: m365gov keys plan",
    ))
