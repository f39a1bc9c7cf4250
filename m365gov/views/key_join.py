"""Joins shared by the Customer Key views and by ``keys plan``: pure functions over raw section data.

They take the sections' ``data`` rather than a snapshot so that ``keys plan`` can use them on the
vaults it could read even when another vault failed (the section is then not ``ok`` and no view
runs, but its partial data is kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from m365gov.keys.rules import (
    CRYPTO_SERVICE_ENCRYPTION_USER,
    KNOWN_ROLES,
    SERVICE_KEY_PERMISSIONS,
    SERVICE_PRINCIPALS,
    role_guid,
)
from m365gov.timeutil import parse_datetime


@dataclass(frozen=True)
class KeyIndex:
    """Where each planned key, vault and DEP is, from the ``keyPlan`` section.

    Attributes:
        deps: DEP JSON by name, in plan order.
        keys: planned key JSON by lower-cased ``(vaultUrl, name)``.
        vaults: planned vault JSON by URL, each with ``dep``, ``depKind`` and ``role`` of its first key.
    """

    deps: Mapping[str, Mapping[str, Any]]
    keys: Mapping[tuple[str, str], Mapping[str, Any]]
    vaults: Mapping[str, Mapping[str, Any]]

    @classmethod
    def of(cls, plan: Mapping[str, Any] | None) -> KeyIndex:
        deps: dict[str, Mapping[str, Any]] = {}
        keys: dict[tuple[str, str], Mapping[str, Any]] = {}
        vaults: dict[str, Mapping[str, Any]] = {}
        for d in (plan or {}).get("dataEncryptionPolicies") or ():
            deps[d["name"]] = d
            for role, vault in zip(("primary", "secondary"), d["vaults"], strict=True):
                k = d[role]
                keys[(k["vaultUrl"].lower(), k["name"].lower())] = k
                vaults.setdefault(vault["url"], {**vault, "dep": d["name"], "depKind": d["kind"], "role": role})
        return cls(deps, keys, vaults)


def key_ref(vault_name: str, name: str) -> str:
    """A key's resource id in findings: ``<vault>/<key>``.

    Vault names are globally unique in Azure and stable, whereas a vault URL can change (a stand-in's
    port, a private endpoint's host): ids must not, or waivers and drift would lose track of the key.
    """
    return f"{vault_name}/{name}"


def key_id(vault_url: str, name: str) -> str:
    """A key's versionless identifier (what Exchange and multi-workload DEPs name)."""
    return f"{vault_url}/keys/{name}"


def observed_keys(keys_data: Mapping[str, Any] | None) -> dict[tuple[str, str], dict[str, Any]]:
    """Key records by lower-cased ``(vaultUrl, name)``, from the ``keyVaultKeys`` data (read vaults only)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for vault in (keys_data or {}).get("vaults") or ():
        for k in vault.get("keys") or ():
            out[(vault["vaultUrl"].lower(), k["name"].lower())] = {**k, "vaultUrl": vault["vaultUrl"],
                                                                   "vault": vault["vault"]}
    return out


def vault_records(data: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Per-vault records (``keyVaultKeys`` or ``keyVaults`` data) by vault URL."""
    return {v["vaultUrl"]: v for v in (data or {}).get("vaults") or ()}


def verified_backups(backups_data: Mapping[str, Any] | None) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The latest verified backup by lower-cased ``(vault name, key, version)``.

    By vault *name*: names are global in Azure, while a URL may be written differently (the
    emulator's change every run).
    """
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for b in (backups_data or {}).get("backups") or ():
        if not b.get("verified"):
            continue
        k = (str(b.get("vault", "")).lower(), str(b.get("key", "")).lower(), str(b.get("version", "")))
        if k not in out or str(b.get("takenAt")) > str(out[k].get("takenAt")):
            out[k] = b
    return out


def age_days(created: Any, now: datetime) -> float | None:
    """Days between ``created`` and the snapshot's "now" (never the clock)."""
    dt = parse_datetime(created)
    return None if dt is None else round((now - dt).total_seconds() / 86400, 1)


def arm_subscription(arm_id: Any) -> str | None:
    """The subscription id inside an ARM resource id."""
    parts = str(arm_id or "").split("/")
    for i, p in enumerate(parts[:-1]):
        if p.lower() == "subscriptions":
            return parts[i + 1].lower()
    return None


def normalise_region(location: Any) -> str | None:
    """ARM locations as region names: ``France Central`` → ``francecentral``."""
    return str(location).replace(" ", "").lower() if location else None


def service_principal_ids(sp_data: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """appId → object id, from the ``m365ServicePrincipals`` data."""
    return {str(sp.get("appId")).lower(): str(sp.get("id")) for sp in sp_data or () if sp.get("id")}


def principal_grants(arm: Mapping[str, Any] | None, assignments: Iterable[Mapping[str, Any]] | None,
                     object_id: str | None) -> tuple[list[str] | None, bool | None, list[str] | None]:
    """What a principal may do with the vault's keys, under the vault's active permission model.

    Returns (grants, has the required ones, grants beyond them); all ``None`` when the principal's
    object id is unknown. Access-policy mode: key permissions (plus any secret, certificate or storage
    permission, shown as ``secrets:get``…). RBAC mode: the roles assigned at or above the vault,
    ``role:<name>``; only "Key Vault Crypto Service Encryption User" is exactly wrap/unwrap/get.
    """
    if object_id is None or arm is None:
        return None, None, None
    props = arm.get("properties") or {}
    oid = object_id.lower()
    grants: list[str] = []
    if props.get("enableRbacAuthorization"):
        roles = {role_guid((a.get("properties") or {}).get("roleDefinitionId"))
                 for a in assignments or () if str((a.get("properties") or {}).get("principalId", "")).lower() == oid}
        grants = sorted(f"role:{KNOWN_ROLES.get(r, r)}" for r in roles)
        has = CRYPTO_SERVICE_ENCRYPTION_USER in roles or any(
            KNOWN_ROLES.get(r) in ("Key Vault Crypto User", "Key Vault Crypto Officer", "Key Vault Administrator",
                                   "Owner") for r in roles)
        extra = sorted(f"role:{KNOWN_ROLES.get(r, r)}" for r in roles if r != CRYPTO_SERVICE_ENCRYPTION_USER)
        return grants, has, extra
    keys: set[str] = set()
    others: set[str] = set()
    for ap in props.get("accessPolicies") or ():
        if str(ap.get("objectId", "")).lower() != oid:
            continue
        perms = ap.get("permissions") or {}
        keys.update(str(p) for p in perms.get("keys") or ())
        for kind in ("secrets", "certificates", "storage"):
            others.update(f"{kind}:{p}" for p in perms.get(kind) or ())
    grants = sorted(keys, key=str.lower) + sorted(others)
    lowered = {k.lower() for k in keys}
    has = lowered >= SERVICE_KEY_PERMISSIONS or "all" in lowered
    extra = sorted((k for k in keys if k.lower() not in SERVICE_KEY_PERMISSIONS), key=str.lower) + sorted(others)
    return grants, has, extra


def service_principal_for(kind: str | None) -> tuple[str | None, str | None]:
    """(appId, display name) of a DEP kind's Microsoft 365 service principal."""
    sp = SERVICE_PRINCIPALS.get(kind or "")
    return (sp.app_id, sp.display_name) if sp else (None, None)
