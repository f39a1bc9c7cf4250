"""Least privilege: every right m365gov needs, for which command, computed from what it actually calls.

m365gov runs under up to three identities, each with the least it needs:

* **audit** (``collect``, ``audit``, ``keys status``, ``keys plan``; the scheduled CI job): read-only.
  Microsoft Graph application permissions come from the sources the *enabled policies* read (each
  source declares its least-privileged permission, graph.md §1), so the list cannot drift from what
  collection calls; for Customer Key, a read-only role on each planned vault's data plane and
  ``Reader`` on its resource group in Azure Resource Manager (customer-key.md §1.4, §4.6).
* **checklist** (``checklist council``): read-only: the meeting (``OnlineMeetings.Read.All``) and the
  Teams *application access policy* that app-only meeting reads need (graph.md §6.3).
* **keys** (``keys apply``, ``keys backup``, ``keys rotate``): the only identity that writes, and only
  to the planned vaults' keys: get, list, create, backup, rotate and the rotation policy — never
  delete, purge, import or update (no expiry, no disabling: customer-key.md §1.4, §1.9). Nothing in
  Graph, nothing in Azure Resource Manager beyond reading.

With a configuration, sources that would be ``not_configured`` (no key plan, no subscription ids in
it…) need nothing, and the vaults and resource groups are named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m365gov.config import Config
from m365gov.keys.azure_errors import ARM_PERMISSION, READ_PERMISSION
from m365gov.pipeline import collection_plan, compile_policies

READ, WRITE = "read", "write"
GRAPH = "Microsoft Graph application permission"
KEY_VAULT = "Key Vault data plane"
AZURE = "Azure Resource Manager role"
TEAMS = "Teams application access policy"

KEY_READ_OPERATIONS = ("get", "list", "getrotationpolicy")
KEY_WRITE_OPERATIONS = ("get", "list", "create", "backup", "rotate", "getrotationpolicy", "setrotationpolicy")
"""What ``keys apply``/``backup``/``rotate`` call (customer-key.md §4.2). Never delete, purge, recover,
import, update, restore or a cryptographic operation."""
KEY_WRITE_DATA_ACTIONS = (
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/keys/create/action",
    "Microsoft.KeyVault/vaults/keys/backup/action",
    "Microsoft.KeyVault/vaults/keys/rotate/action",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/read",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
)
"""The same operations as RBAC data actions, for a custom role on RBAC vaults (the built-in Key Vault
Crypto Officer role also grants delete and purge)."""


@dataclass(frozen=True)
class Grant:
    """One right to give one identity.

    Attributes:
        plane: :data:`GRAPH`, :data:`KEY_VAULT`, :data:`AZURE` or :data:`TEAMS`.
        name: the permission, role or policy as the admin centre or PowerShell names it.
        access: :data:`READ` or :data:`WRITE`.
        scope: where it is granted (the tenant, each planned vault, a resource group…).
        needed_by: the sources (and their policies) or the commands that use it.
        how: the command or portal step that grants it.
    """

    plane: str
    name: str
    access: str
    scope: str
    needed_by: tuple[str, ...]
    how: str

    def to_json(self) -> dict[str, Any]:
        return {"plane": self.plane, "name": self.name, "access": self.access, "scope": self.scope,
                "neededBy": list(self.needed_by), "how": self.how}


@dataclass(frozen=True)
class Identity:
    """An app registration (or a credential of one) and everything it needs.

    Attributes:
        key: ``audit``, ``checklist`` or ``keys``.
        title: what it is for, for people.
        commands: the m365gov commands that run under it.
        grants: what to grant it.
        notes: what is worth knowing (sources not needed with this config…).
    """

    key: str
    title: str
    commands: tuple[str, ...]
    grants: tuple[Grant, ...]
    notes: tuple[str, ...] = ()

    @property
    def writes(self) -> bool:
        return any(g.access == WRITE for g in self.grants)

    def to_json(self) -> dict[str, Any]:
        return {"identity": self.key, "title": self.title, "commands": list(self.commands),
                "grants": [g.to_json() for g in self.grants], "notes": list(self.notes)}


@dataclass(frozen=True)
class Requirements:
    """All identities, in the order they are set up."""

    identities: tuple[Identity, ...]
    vaults: tuple[str, ...] = ()
    resource_groups: tuple[str, ...] = ()

    def identity(self, key: str) -> Identity:
        return next(i for i in self.identities if i.key == key)

    def to_json(self) -> dict[str, Any]:
        return {"identities": [i.to_json() for i in self.identities], "vaults": list(self.vaults),
                "resourceGroups": list(self.resource_groups)}


# -- the audit identity -------------------------------------------------------------------------------

def source_needs(config: Config | None, policy_paths: Sequence[Path] = ()) -> tuple[dict[str, list[str]], list[str]]:
    """Source → the enabled policies that read it (dependencies marked), and the sources this config
    leaves ``not_configured`` (they need nothing)."""
    from m365gov.collect.registry import SOURCES, with_dependencies

    policies = compile_policies(config, policy_paths)
    by_source: dict[str, list[str]] = defaultdict(list)
    for p in policies.enabled:
        for source in collection_plan([p])[0]:
            by_source[source].append(p.id)
    needs: dict[str, list[str]] = {}
    idle: list[str] = []
    for source in with_dependencies(by_source):
        if config is not None and SOURCES[source].not_configured(config) is not None:
            idle.append(source)
            continue
        needs[source] = by_source.get(source) or ["dependency of another source"]
    return needs, idle


def _vault_scope(vaults: Sequence[str]) -> str:
    return f"each planned vault ({', '.join(vaults)})" if vaults else "each vault of the key plan"


def _group_scope(groups: Sequence[str]) -> str:
    return f"resource group {', '.join(groups)}" if groups else "each planned vault's resource group"


def audit_identity(config: Config | None, policy_paths: Sequence[Path], vaults: Sequence[str],
                   groups: Sequence[str]) -> Identity:
    from m365gov.collect.registry import SOURCES

    needs, idle = source_needs(config, policy_paths)
    by_permission: dict[str, list[str]] = defaultdict(list)
    for source, policies in needs.items():
        for perm in SOURCES[source].permissions:
            by_permission[perm].append(f"{source} ({', '.join(policies)})")
    grants = []
    for perm, users in sorted(by_permission.items()):
        if perm == READ_PERMISSION:
            grants.append(Grant(KEY_VAULT, "Key Vault Reader", READ, _vault_scope(vaults), tuple(users),
                                "RBAC vault: az role assignment create --role \"Key Vault Reader\" --assignee <appId> "
                                "--scope <vault resource id>; access-policy vault: Set-AzKeyVaultAccessPolicy "
                                f"-VaultName <vault> -ServicePrincipalName <appId> -PermissionsToKeys "
                                f"{','.join(KEY_READ_OPERATIONS)}"))
        elif perm == ARM_PERMISSION:
            grants.append(Grant(AZURE, "Reader", READ, _group_scope(groups), tuple(users),
                                "az role assignment create --role Reader --assignee <appId> "
                                "--scope /subscriptions/<id>/resourceGroups/<group>"))
        else:
            grants.append(Grant(GRAPH, perm, READ, "tenant", tuple(users),
                                "Entra admin centre › App registrations › API permissions › Microsoft Graph › "
                                "Application permissions, then Grant admin consent"))
    notes = tuple(f"{s}: not needed with this configuration ({SOURCES[s].not_configured(config)})"
                  for s in idle if config is not None)
    return Identity("audit", "Audit and collection (the scheduled CI job)",
                    ("collect", "audit", "keys status", "keys plan", "demo (emulator only)"),
                    tuple(sorted(grants, key=lambda g: (g.plane != GRAPH, g.plane, g.name))), notes)


# -- the checklist identity ---------------------------------------------------------------------------

def council_checklist_permissions() -> dict[str, list[str]]:
    """Permission → what ``m365gov checklist council`` reads with it, generated from the checklist itself.

    The checklist reads the readiness and rooms views (so their sources) and the meeting and its
    calendar event; listing them from those declarations keeps this list from drifting from the code.
    """
    from m365gov.checklist.lookup import CALENDAR_PERMISSION, MEETINGS_PERMISSION
    from m365gov.checklist.people import select_for_views
    from m365gov.collect.registry import SOURCES, with_dependencies

    out: dict[str, list[str]] = defaultdict(list)
    for source in with_dependencies(select_for_views()[0]):
        for perm in SOURCES[source].permissions:
            out[perm].append(source)
    out[MEETINGS_PERMISSION].append(
        "onlineMeeting (and an application access policy: New-CsApplicationAccessPolicy, "
        "Grant-CsApplicationAccessPolicy)"
    )
    out[CALENDAR_PERMISSION].append("calendarView (the session's event: rooms invited, invitations declined)")
    return dict(sorted(out.items()))


def checklist_identity(config: Config | None) -> Identity:
    """What ``checklist council`` needs to read a council meeting (graph.md §6), from what it reads."""
    from m365gov.checklist.lookup import MEETINGS_PERMISSION

    how = "API permissions › Microsoft Graph › Application permissions, then Grant admin consent"
    meeting = ("checklist council (the meeting: lobby, presenters, recording, participants)",)
    grants = [
        Grant(
            GRAPH,
            perm,
            READ,
            "tenant, limited by the access policy below" if perm == MEETINGS_PERMISSION else "tenant",
            tuple(f"checklist council ({use})" for use in uses),
            how,
        )
        for perm, uses in council_checklist_permissions().items()
    ]
    grants.append(
        Grant(TEAMS, "application access policy for OnlineMeetings", READ, "the meeting organisers (or -Global)",
              meeting,
              "New-CsApplicationAccessPolicy -Identity m365gov-council -AppIds <appId>; "
              "Grant-CsApplicationAccessPolicy -PolicyName m365gov-council -Identity <organiser object id> "
              "(up to 30 minutes to apply)")
    )
    return Identity(
        "checklist",
        "Council meeting checklist",
        ("checklist council",),
        tuple(grants),
        ("Without the access policy, meeting reads answer 403 \"App … is not authorized\": the checklist reports "
         "not_configured with both commands.",),
    )


# -- the keys identity --------------------------------------------------------------------------------

def keys_identity(vaults: Sequence[str], groups: Sequence[str]) -> Identity:
    role = {"Name": "m365gov Customer Key operator", "IsCustom": True, "Actions": [],
            "DataActions": list(KEY_WRITE_DATA_ACTIONS), "NotDataActions": [], "AssignableScopes": ["<vault ids>"]}
    return Identity(
        "keys",
        "Changing Customer Key keys (a separate identity, used by a person, never by the scheduled job)",
        ("keys apply --yes", "keys backup", "keys rotate --yes"),
        (
            Grant(KEY_VAULT, f"keys: {', '.join(KEY_WRITE_OPERATIONS)}", WRITE, _vault_scope(vaults),
                  ("keys apply (create missing keys, rotation policies)", "keys backup", "keys rotate"),
                  "access-policy vault: Set-AzKeyVaultAccessPolicy -VaultName <vault> -ServicePrincipalName <appId> "
                  f"-PermissionsToKeys {','.join(KEY_WRITE_OPERATIONS)}; RBAC vault: a custom role "
                  f"(az role definition create --role-definition '{_compact(role)}') assigned on each vault — not "
                  "Key Vault Crypto Officer, which also grants delete and purge"),
            Grant(AZURE, "Reader", READ, _group_scope(groups), ("keys plan/apply: vault checks (optional)",),
                  "az role assignment create --role Reader --assignee <appId> "
                  "--scope /subscriptions/<id>/resourceGroups/<group>"),
        ),
        ("Never grant delete, purge, recover, import, update or restore: m365gov has no code path that uses them "
         "(tests/unit/keys/test_never.py), and an identity that cannot delete a key cannot lose one.",
         "Application.Read.All is needed too unless the key plan gives every DEP's servicePrincipalObjectId."),
    )


def _compact(doc: dict[str, Any]) -> str:
    import json

    return json.dumps(doc, separators=(",", ":"))


# -- everything ---------------------------------------------------------------------------------------

def requirements(config: Config | None, policy_paths: Sequence[Path] = ()) -> Requirements:
    """Every identity m365gov needs, for this config (or the shipped policies without one)."""
    from m365gov.keys.desired import plan_for_config

    plan = plan_for_config(config) if config is not None else None
    vaults = tuple(v.name for v in plan.vaults) if plan else ()
    groups = tuple(sorted({v.resource_group for v in plan.vaults if v.resource_group})) if plan else ()
    identities = (audit_identity(config, policy_paths, vaults, groups), checklist_identity(config),
                  keys_identity(vaults, groups))
    return Requirements(identities, vaults, groups)


def required_permissions(config: Config | None, policy_paths: Sequence[Path] = ()) -> dict[str, list[str]]:
    """The audit identity's permissions → the sources (and their policies) that need them."""
    audit = requirements(config, policy_paths).identity("audit")
    return {g.name: list(g.needed_by) for g in audit.grants}
