"""The Key Vault data-plane source: every key of the planned vaults, its versions and rotation policy.

Read with azure-keyvault-keys' **sync** ``KeyClient`` (the aio one goes through aiohttp, which the
tests cannot mock: sdk.md §6), one thread per vault from the async runner. Records keep Key Vault's
own names, flattened (``recoveryLevel``, ``recoverableDays``, ``keyOps``…), with enums written as
their ``.value`` — never ``str(enum)``, which gives ``DeletionRecoveryLevel.…`` on Python 3.11
(customer-key.md §4.3) — and times as UTC ISO 8601. The size is computed from the modulus: Key
Vault does not return it. No key material beyond the public modulus length is kept.

Each vault is read on its own: one vault refusing access does not hide the other's keys from
``keys plan``, but the section is then not ``ok`` (no policy judges half a pair) and says which
vault failed and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from m365gov.collect.base import CollectContext, Source, SourceUnavailable
from m365gov.config import Config
from m365gov.keys.azure_errors import READ_PERMISSION, classify, is_not_found
from m365gov.keys.clients import key_client
from m365gov.keys.desired import KeyPlan, VaultSpec, plan_for_config
from m365gov.statuses import SRC_ERROR, SRC_MISSING_PERMISSION, SRC_OK, SRC_THROTTLED
from m365gov.timeutil import to_iso

_STATUS_ORDER = (SRC_MISSING_PERMISSION, SRC_ERROR, SRC_THROTTLED)
"""Which vault failure names the section: the one an administrator can fix first."""


def enum_value(value: Any) -> Any:
    """An SDK enum as its wire string (``Recoverable+ProtectedSubscription``), anything else unchanged."""
    return getattr(value, "value", value)


def _time(value: Any) -> str | None:
    return to_iso(value) if value is not None else None


def modulus_bits(n: bytes | None) -> int | None:
    """RSA key size from the modulus: ``len(n) * 8``, leading zero bytes ignored (none in practice)."""
    if not n:
        return None
    return len(n.lstrip(b"\x00")) * 8


def version_record(props: Any) -> dict[str, Any]:
    """One entry of ``list_properties_of_key_versions``."""
    return {
        "version": props.version,
        "enabled": props.enabled,
        "notBefore": _time(props.not_before),
        "expires": _time(props.expires_on),
        "created": _time(props.created_on),
        "updated": _time(props.updated_on),
    }


def rotation_policy_record(policy: Any) -> dict[str, Any] | None:
    """A ``KeyRotationPolicy`` in its REST shape (``lifetimeActions``, ``attributes.expiryTime``)."""
    if policy is None:
        return None
    actions = [
        {
            "trigger": {
                k: v
                for k, v in (("timeAfterCreate", a.time_after_create), ("timeBeforeExpiry", a.time_before_expiry))
                if v is not None
            },
            "action": {"type": str(enum_value(a.action)).capitalize()},
        }
        for a in policy.lifetime_actions or ()
    ]
    return {
        "lifetimeActions": actions,
        "attributes": {
            "expiryTime": policy.expires_in,
            "created": _time(policy.created_on),
            "updated": _time(policy.updated_on),
        },
    }


def key_record(key: Any, versions: list[dict[str, Any]], policy: Any) -> dict[str, Any]:
    """A key (its current version's properties), all its versions and its rotation policy."""
    p = key.properties
    jwk = key.key
    return {
        "name": key.name,
        "kid": key.id,
        "currentVersion": p.version,
        "keyType": enum_value(key.key_type),
        "keySize": modulus_bits(getattr(jwk, "n", None)),
        "keyOps": [enum_value(op) for op in key.key_operations or ()],
        "enabled": p.enabled,
        "notBefore": _time(p.not_before),
        "expires": _time(p.expires_on),
        "created": _time(p.created_on),
        "updated": _time(p.updated_on),
        "recoveryLevel": enum_value(p.recovery_level),
        "recoverableDays": p.recoverable_days,
        "managed": p.managed,
        "exportable": p.exportable,
        "hsmPlatform": getattr(p, "hsm_platform", None),
        "tags": dict(p.tags or {}),
        "versions": sorted(versions, key=lambda v: (v["created"] or "", v["version"] or "")),
        "rotationPolicy": rotation_policy_record(policy),
    }


def read_key(client: Any, name: str) -> dict[str, Any] | None:
    """One key with its versions and rotation policy; ``None`` when the vault has no such key (404)."""
    try:
        key = client.get_key(name)
    except Exception as exc:
        if is_not_found(exc):
            return None
        raise
    versions = [version_record(v) for v in client.list_properties_of_key_versions(name)]
    try:
        policy = client.get_key_rotation_policy(name)
    except Exception as exc:
        if not is_not_found(exc):
            raise
        policy = None
    return key_record(key, versions, policy)


def read_vault(client: Any, vault: VaultSpec, planned: Iterable[str]) -> dict[str, Any]:
    """Every key of one vault (and each planned key, listed or not), or why the vault could not be read.

    A planned key that the vault does not have is recorded under ``missing``: that is evidence (the
    key must be created), not an error.
    """
    record: dict[str, Any] = {
        "vault": vault.name,
        "vaultUrl": vault.url,
        "status": SRC_OK,
        "detail": None,
        "permission": None,
        "keys": [],
        "missing": [],
    }
    try:
        listed = [p.name for p in client.list_properties_of_keys()]
        present = {n.lower() for n in listed}
        wanted = {n.lower(): n for n in planned}
        names = sorted({n.lower(): n for n in (*wanted.values(), *listed)}.values(), key=str.lower)
        for name in names:
            # The list names every key the vault has (enabled or not): a planned key it does not
            # name is missing, without a GET that could only answer 404.
            key = read_key(client, name) if name.lower() in present else None
            if key is None:
                record["missing"].append(name)
            else:
                record["keys"].append(key)
    except Exception as exc:
        problem = classify(exc, where=vault.url, permission=READ_PERMISSION)
        record.update(status=problem.status, detail=problem.detail, permission=problem.permission,
                      keys=[], missing=[])
    return record


def vault_outcome(records: list[dict[str, Any]]) -> SourceUnavailable | None:
    """The section's failure when any vault could not be read (``None`` when all were)."""
    failed = [r for r in records if r["status"] != SRC_OK]
    if not failed:
        return None
    failed.sort(key=lambda r: _STATUS_ORDER.index(r["status"]) if r["status"] in _STATUS_ORDER else 9)
    first = failed[0]
    detail = "; ".join(r["detail"] or f"{r['vaultUrl']}: {r['status']}" for r in failed)
    return SourceUnavailable(first["status"], detail, first["permission"])


class KeyVaultKeysSource(Source):
    name = "keyVaultKeys"
    description = "keys of the planned vaults: properties, versions, rotation policy (Key Vault data plane)"
    permissions = (READ_PERMISSION,)

    def not_configured(self, config: Config) -> str | None:
        if config.keys.plan is None:
            return "no key plan configured ([keys] plan in the config file)"
        return None

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        plan = key_plan(ctx)
        records = await asyncio.gather(
            *(asyncio.to_thread(self._read, ctx, v, [k.name for k in plan.keys if k.vault.url == v.url])
              for v in plan.vaults)
        )
        data = {"vaults": list(records)}
        n_keys = sum(len(r["keys"]) for r in records)
        ctx.report(self.name, "items", n_keys)
        failure = vault_outcome(list(records))
        if failure is not None:
            failure.data = data
            raise failure
        missing = sum(len(r["missing"]) for r in records)
        return data, {"items": n_keys, "vaults": len(records), "missing": missing}

    @staticmethod
    def _read(ctx: CollectContext, vault: VaultSpec, planned: list[str]) -> dict[str, Any]:
        client = key_client(vault.url, ctx.credential, ctx.config.keys)
        with client:
            return read_vault(client, vault, planned)


def key_plan(ctx: CollectContext) -> KeyPlan:
    """The run's key plan, loaded once (every key source of the run shares it)."""
    plan = ctx._cache.get("keyPlan")
    if plan is None:
        plan = plan_for_config(ctx.config)
        if plan is None:  # not_configured() prevents this
            raise SourceUnavailable(SRC_ERROR, "no key plan configured")
        ctx._cache["keyPlan"] = plan
    return plan
