"""The Key Vault stand-in's mutable state: vaults, keys, versions, rotation policies, and what was recorded.

All mutation goes through :class:`KeyVaultStore` under one lock, so concurrent requests see
consistent vaults. Nothing here knows about HTTP beyond raising
:class:`~m365gov.emulator.keyvault_protocol.AzureError`.

**Key material.** Nobody wraps or unwraps with these keys (that is Microsoft 365's own traffic), and
generating real RSA keys costs 0.1-2 s each at 3072/4096 bits, so a modulus ``n`` is
*deterministic pseudo-random bytes of the right length* (SHAKE-256 of seed, vault, key name and
version), with the top bit set (so ``len(n) * 8`` and the bit length both equal the key size) and
odd; ``e`` is 65537 (``AQAB``). ``n`` loads as an RSA public key but is not a product of two primes.
Version ids are 32 hex characters drawn the same way, so a run is reproducible.

**Backups** are opaque to clients, like the service's: a magic line followed by zlib-compressed JSON
holding the key's versions, rotation policy, vault of origin, subscription and geography. Restore
accepts only such a blob, only into the same subscription and geography (customer-key.md §1.6),
and answers 409 when the name exists.

**Records** (for tests proving what m365gov never does) are kept here, as
:mod:`m365gov.emulator.keyvault_records` defines them.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from m365gov.emulator.keyvault_bodies import (
    checked_attributes,
    checked_key_ops,
    checked_lifetime_actions,
    checked_tags,
    duration_days,
)
from m365gov.emulator.keyvault_model import DEFAULT_KEY_OPS, KeyVaultTown, VaultSpec
from m365gov.emulator.keyvault_protocol import AzureError, b64url_decode, b64url_encode, bad_parameter
from m365gov.emulator.keyvault_records import (
    DeleteAttempt,
    ExpiryWrite,
    PropertyUpdate,
    RefusedWrite,
    remember_delete,
)

E_65537 = b"\x01\x00\x01"
KEY_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
RSA_SIZES = (2048, 3072, 4096)
BACKUP_MAGIC = b"M365GOV-EMULATOR-KEYVAULT-KEY-BACKUP/1\n"


#: Key Vault permission names (access-policy vocabulary) and the RBAC data action each needs.
DATA_ACTIONS = {
    "get": "Microsoft.KeyVault/vaults/keys/read",
    "list": "Microsoft.KeyVault/vaults/keys/read",
    "create": "Microsoft.KeyVault/vaults/keys/create/action",
    "update": "Microsoft.KeyVault/vaults/keys/write",
    "import": "Microsoft.KeyVault/vaults/keys/import/action",
    "delete": "Microsoft.KeyVault/vaults/keys/delete",
    "backup": "Microsoft.KeyVault/vaults/keys/backup/action",
    "restore": "Microsoft.KeyVault/vaults/keys/restore/action",
    "recover": "Microsoft.KeyVault/vaults/deletedKeys/recover/action",
    "purge": "Microsoft.KeyVault/vaults/deletedKeys/delete",
    "rotate": "Microsoft.KeyVault/vaults/keys/rotate/action",
    "getrotationpolicy": "Microsoft.KeyVault/vaults/keyrotationpolicies/read",
    "setrotationpolicy": "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
    "wrapKey": "Microsoft.KeyVault/vaults/keys/wrap/action",
    "unwrapKey": "Microsoft.KeyVault/vaults/keys/unwrap/action",
}
OPERATIONS = tuple(DATA_ACTIONS)


def modulus(seed: int, vault: str, name: str, version: str, size: int) -> bytes:
    """``size // 8`` deterministic bytes, top bit set and odd (see the module docstring)."""
    raw = bytearray(hashlib.shake_256(f"m365gov-emulator:{seed}:kv-modulus:{vault.lower()}:{name.lower()}:"
                                      f"{version}".encode()).digest(size // 8))
    raw[0] |= 0x80
    raw[-1] |= 0x01
    return bytes(raw)


def version_id(seed: int, vault: str, name: str, n: int) -> str:
    return hashlib.blake2b(f"m365gov-emulator:{seed}:kv-version:{vault.lower()}:{name.lower()}:{n}".encode(),
                           digest_size=16).hexdigest()


@dataclass
class KeyVersion:
    """One version of a key, mutable (enabled, nbf, exp, key_ops and tags can be updated)."""

    version: str
    kty: str
    key_size: int
    key_ops: list[str]
    n: bytes
    created: int
    updated: int
    enabled: bool = True
    nbf: int | None = None
    exp: int | None = None
    tags: dict[str, str] = field(default_factory=dict)
    e: bytes = E_65537

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["n"] = b64url_encode(self.n)
        doc["e"] = b64url_encode(self.e)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> KeyVersion:
        fields = dict(doc)
        fields["n"] = b64url_decode(fields["n"])
        fields["e"] = b64url_decode(fields["e"])
        return cls(**fields)


@dataclass
class StoredKey:
    name: str
    versions: list[KeyVersion]  # creation order; the last one is current
    rotation_policy: dict[str, Any] | None = None
    serial: int = 0  # versions ever made here, for fresh version ids

    @property
    def latest(self) -> KeyVersion:
        return self.versions[-1]

    def version(self, version: str) -> KeyVersion | None:
        return next((v for v in self.versions if v.version == version.lower()), None)


@dataclass
class VaultState:
    """A vault as served: its ARM spec, its URL once listening, its keys, and its access switch."""

    spec: VaultSpec
    recovery_level: str
    recoverable_days: int
    keys: dict[str, StoredKey] = field(default_factory=dict)  # by lower-cased name
    url: str = ""
    denied: frozenset[str] = frozenset()  # operations answered 403

    @property
    def name(self) -> str:
        return self.spec.name

    def key(self, name: str) -> StoredKey | None:
        return self.keys.get(name.lower())


class KeyVaultStore:
    """Every vault's state and the records, behind one lock."""

    def __init__(self, town: KeyVaultTown, clock: Callable[[], float] = time.time) -> None:
        self.town = town
        self.seed = town.seed
        self.clock = clock
        self.lock = threading.RLock()
        self.vaults: dict[str, VaultState] = {}
        self.delete_attempts: list[DeleteAttempt] = []
        self.refused_writes: list[RefusedWrite] = []
        self.property_updates: list[PropertyUpdate] = []
        self.expiry_writes: list[ExpiryWrite] = []
        self.operations: Counter[str] = Counter()
        for spec in town.vaults:
            self._add_vault(spec)

    def _add_vault(self, spec: VaultSpec) -> VaultState:
        level, days = self.town.recovery(spec)
        state = VaultState(spec, level, days)
        for key in spec.keys:
            stored = StoredKey(key.name, [], copy.deepcopy(dict(key.rotation_policy))
                               if key.rotation_policy is not None else None)
            for v in key.versions:
                stored.versions.append(KeyVersion(
                    version=v.version, kty=v.kty, key_size=v.key_size, key_ops=list(v.key_ops),
                    n=modulus(self.seed, spec.name, key.name, v.version, v.key_size), created=v.created,
                    updated=v.updated, enabled=v.enabled, nbf=v.nbf, exp=v.exp, tags=dict(v.tags)))
            stored.serial = len(stored.versions)
            state.keys[key.name.lower()] = stored
        self.vaults[spec.name.lower()] = state
        return state

    # -- lookup ------------------------------------------------------------------------------------
    def vault(self, name: str) -> VaultState:
        try:
            return self.vaults[name.lower()]
        except KeyError:
            raise KeyError(f"no vault named {name!r}; known: {', '.join(v.name for v in self.vaults.values())}") \
                from None

    def now(self) -> int:
        return int(self.clock())

    def require_key(self, vault: VaultState, name: str) -> StoredKey:
        stored = vault.key(name)
        if stored is None:
            raise key_not_found(name)
        return stored

    def require_version(self, vault: VaultState, name: str, version: str) -> tuple[StoredKey, KeyVersion]:
        stored = self.require_key(vault, name)
        if not version:
            return stored, stored.latest
        found = stored.version(version)
        if found is None:
            raise key_not_found(f"{name}/{version}")
        return stored, found

    # -- writes ------------------------------------------------------------------------------------
    def create(self, vault: VaultState, name: str, body: Mapping[str, Any]) -> tuple[StoredKey, KeyVersion]:
        """``POST /keys/{name}/create``: a new key, or a new version of an existing one."""
        if not KEY_NAME.match(name):
            raise bad_parameter(f"The key name '{name}' is invalid: use 1-127 letters, digits and dashes.")
        kty = body.get("kty")
        if not kty:
            raise bad_parameter("Property 'kty' is required.")
        if kty in ("EC", "EC-HSM", "oct", "oct-HSM"):
            raise AzureError(501, "NotImplemented",
                             f"the m365gov emulator creates RSA keys only, not {kty}: Customer Key needs RSA "
                             "(customer-key.md §1.2)")
        if kty not in ("RSA", "RSA-HSM"):
            raise bad_parameter(f"Property 'kty' has an invalid value '{kty}'.")
        if kty == "RSA-HSM" and vault.spec.sku.lower() != "premium":
            raise bad_parameter(f"HSM-protected keys (kty RSA-HSM) require a Premium vault; vault '{vault.name}' "
                                f"is {vault.spec.sku}.")
        size = body.get("key_size")
        size = 2048 if size is None else size
        if size not in RSA_SIZES or isinstance(size, bool):
            raise bad_parameter(f"Property 'key_size' has an invalid value '{size}': RSA keys are 2048, 3072 "
                                "or 4096 bits.")
        exponent = body.get("public_exponent")
        if exponent not in (None, 65537):
            raise bad_parameter("Property 'public_exponent' must be 65537.")
        if body.get("crv") is not None:
            raise bad_parameter("Property 'crv' does not apply to RSA keys.")
        if body.get("release_policy") is not None:
            raise AzureError(501, "NotImplemented", "the m365gov emulator does not implement key release policies")
        ops = checked_key_ops(body.get("key_ops"), DEFAULT_KEY_OPS)
        attrs = checked_attributes(body.get("attributes"))
        if attrs.get("exportable"):
            raise bad_parameter("An exportable key needs a release policy.")
        tags = checked_tags(body.get("tags"))
        with self.lock:
            stored = vault.key(name)
            if stored is None:
                stored = StoredKey(name, [])
                vault.keys[name.lower()] = stored
            now = self.now()
            version = KeyVersion(
                version=self._next_version(vault, stored), kty=kty, key_size=size, key_ops=ops, n=b"",
                created=now, updated=now, enabled=attrs.get("enabled", True), nbf=attrs.get("nbf"),
                exp=attrs.get("exp"), tags=tags)
            version.n = modulus(self.seed, vault.name, stored.name, version.version, size)
            stored.versions.append(version)
            self.operations["create"] += 1
            if version.exp is not None:
                self.expiry_writes.append(ExpiryWrite(vault.name, stored.name, version.version, "create",
                                                      version.exp, self.clock()))
            return stored, version

    def update(self, vault: VaultState, name: str, version: str, body: Mapping[str, Any]) -> tuple[
            StoredKey, KeyVersion]:
        """``PATCH /keys/{name}/[{version}]``: key_ops, enabled, nbf, exp, tags. Recorded."""
        if body.get("release_policy") is not None:
            raise AzureError(501, "NotImplemented", "the m365gov emulator does not implement key release policies")
        changes: dict[str, Any] = {}
        ops = checked_key_ops(body["key_ops"], DEFAULT_KEY_OPS) if body.get("key_ops") is not None else None
        attrs = checked_attributes(body.get("attributes"))
        tags = checked_tags(body["tags"]) if body.get("tags") is not None else None
        with self.lock:
            stored, target = self.require_version(vault, name, version)
            if ops is not None:
                target.key_ops = ops
                changes["key_ops"] = list(ops)
            for attr in ("enabled", "nbf", "exp"):
                if attr in attrs:
                    setattr(target, attr, attrs[attr])
                    changes[attr] = attrs[attr]
            if tags is not None:
                target.tags = tags
                changes["tags"] = dict(tags)
            target.updated = self.now()
            at = self.clock()
            self.operations["update"] += 1
            self.property_updates.append(PropertyUpdate(vault.name, stored.name, target.version, changes, at))
            if attrs.get("exp") is not None:
                self.expiry_writes.append(ExpiryWrite(vault.name, stored.name, target.version, "update",
                                                      attrs["exp"], at))
            return stored, target

    def rotate(self, vault: VaultState, name: str) -> tuple[StoredKey, KeyVersion]:
        """``POST /keys/{name}/rotate``: a new version like the current one, expiry from the policy."""
        with self.lock:
            stored = self.require_key(vault, name)
            current = stored.latest
            now = self.now()
            exp = None
            expiry_time = ((stored.rotation_policy or {}).get("attributes") or {}).get("expiryTime")
            if expiry_time:
                exp = now + round(duration_days(expiry_time) * 86400)
            version = KeyVersion(version=self._next_version(vault, stored), kty=current.kty,
                                 key_size=current.key_size, key_ops=list(current.key_ops), n=b"", created=now,
                                 updated=now, exp=exp, tags=dict(current.tags))
            version.n = modulus(self.seed, vault.name, stored.name, version.version, version.key_size)
            stored.versions.append(version)
            self.operations["rotate"] += 1
            if exp is not None:
                self.expiry_writes.append(ExpiryWrite(vault.name, stored.name, version.version, "rotate", exp,
                                                      self.clock()))
            return stored, version

    def set_rotation_policy(self, vault: VaultState, name: str, body: Mapping[str, Any]) -> StoredKey:
        """``PUT /keys/{name}/rotationpolicy``; a policy without Notify gets Notify P30D before expiry."""
        actions = checked_lifetime_actions(body.get("lifetimeActions"))
        attributes = body.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise bad_parameter("Property 'attributes' must be an object.")
        expiry_time = attributes.get("expiryTime")
        if expiry_time is not None:
            try:
                days = duration_days(expiry_time)
            except ValueError:
                raise bad_parameter(f"Property 'expiryTime' has an invalid ISO 8601 duration '{expiry_time}'.") \
                    from None
            if days < 28:
                raise bad_parameter("Property 'expiryTime' must be at least 28 days (P28D).")
        for action in actions:
            if action["action"]["type"] == "Rotate" and "timeBeforeExpiry" in action["trigger"] and not expiry_time:
                raise bad_parameter("A Rotate action with 'timeBeforeExpiry' needs 'attributes.expiryTime'.")
        if not any(a["action"]["type"] == "Notify" for a in actions):
            actions.append({"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}})
        with self.lock:
            stored = self.require_key(vault, name)
            now = self.now()
            previous = stored.rotation_policy or {}
            created = (previous.get("attributes") or {}).get("created", now)
            attrs: dict[str, Any] = {"created": created, "updated": now}
            if expiry_time:
                attrs["expiryTime"] = expiry_time
            stored.rotation_policy = {"lifetimeActions": actions, "attributes": attrs}
            self.operations["set_rotation_policy"] += 1
            if expiry_time:
                self.expiry_writes.append(ExpiryWrite(vault.name, stored.name, None, "rotation_policy",
                                                      expiry_time, self.clock()))
            return stored

    def backup(self, vault: VaultState, name: str) -> bytes:
        with self.lock:
            stored = self.require_key(vault, name)
            doc = {"vault": vault.name, "subscriptionId": vault.spec.subscription_id,
                   "geography": vault.spec.geography, "name": stored.name,
                   "versions": [v.to_json() for v in stored.versions], "rotationPolicy": stored.rotation_policy,
                   "serial": stored.serial}
            self.operations["backup"] += 1
        return BACKUP_MAGIC + zlib.compress(json.dumps(doc, sort_keys=True).encode(), 9)

    def restore(self, vault: VaultState, blob: bytes) -> StoredKey:
        doc = read_backup(blob)
        if doc["subscriptionId"].lower() != vault.spec.subscription_id.lower() \
                or doc["geography"] != vault.spec.geography:
            raise bad_parameter(
                f"The backup of key '{doc['name']}' was taken in subscription {doc['subscriptionId']} "
                f"({doc['geography']}); a key backup restores only into a vault of the same subscription and "
                f"geography, and vault '{vault.name}' is in {vault.spec.subscription_id} ({vault.spec.geography}).")
        with self.lock:
            if vault.key(doc["name"]) is not None:
                raise AzureError(409, "Conflict",
                                 f"There was a conflict restoring the key '{vault.url}/keys/{doc['name']}': a key "
                                 "with this name already exists in the vault or in its deleted keys.")
            versions = [KeyVersion.from_json(v) for v in doc["versions"]]
            stored = StoredKey(doc["name"], versions, doc.get("rotationPolicy"), int(doc.get("serial", 0)))
            vault.keys[stored.name.lower()] = stored
            self.operations["restore"] += 1
            return stored

    def _next_version(self, vault: VaultState, stored: StoredKey) -> str:
        existing = {v.version for v in stored.versions}
        while True:  # bounded in practice: a collision needs a 128-bit hash clash
            stored.serial += 1
            candidate = version_id(self.seed, vault.name, stored.name, stored.serial)
            if candidate not in existing:
                return candidate

    # -- records -----------------------------------------------------------------------------------
    def record_delete(self, method: str, path: str, listener: str, authenticated: bool,
                      expected: bool = False) -> DeleteAttempt:
        attempt = DeleteAttempt(method, path, listener, authenticated, time.time(), expected)
        with self.lock:
            self.delete_attempts.append(attempt)
        remember_delete(attempt)
        return attempt

    def record_refused_write(self, method: str, path: str) -> None:
        with self.lock:
            self.refused_writes.append(RefusedWrite(method, path, self.clock()))

    def count(self, operation: str) -> None:
        with self.lock:
            self.operations[operation] += 1

    def deny(self, vault: str, operations: Iterable[str] | None) -> None:
        state = self.vault(vault)
        ops = frozenset(OPERATIONS) if operations is None else frozenset(operations)
        unknown = ops - set(OPERATIONS)
        if unknown:
            raise ValueError(f"unknown Key Vault operations {sorted(unknown)}; known: {', '.join(OPERATIONS)}")
        with self.lock:
            state.denied = ops

    def records(self) -> dict[str, Any]:
        with self.lock:
            return {
                "kv_delete_attempts": len(self.delete_attempts),
                "kv_delete_attempt_log": [a.to_dict() for a in self.delete_attempts],
                "kv_refused_management_writes": [w.to_dict() for w in self.refused_writes],
                "kv_property_updates": len(self.property_updates),
                "kv_property_update_log": [u.to_dict() for u in self.property_updates],
                "kv_expiry_writes": len(self.expiry_writes),
                "kv_expiry_write_log": [w.to_dict() for w in self.expiry_writes],
                "kv_disable_updates": sum(1 for u in self.property_updates if u.changes.get("enabled") is False),
                "kv_operations": dict(self.operations),
            }

    def reset_records(self) -> None:
        with self.lock:
            self.delete_attempts.clear()
            self.refused_writes.clear()
            self.property_updates.clear()
            self.expiry_writes.clear()
            self.operations.clear()


def key_not_found(what: str) -> AzureError:
    return AzureError(404, "KeyNotFound",
                      f"A key with (name/id) {what} was not found in this key vault. If you recently deleted this "
                      "key you may be able to recover it using the correct recovery command. For help resolving "
                      "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182")


def read_backup(blob: bytes) -> dict[str, Any]:
    """Decode a blob made by :meth:`KeyVaultStore.backup`, or 400 ``BadParameter``."""
    invalid = bad_parameter("The backup blob is invalid or was not produced by Key Vault.")
    if not blob.startswith(BACKUP_MAGIC):
        raise invalid
    try:
        doc = json.loads(zlib.decompress(blob[len(BACKUP_MAGIC):]))
        if not (isinstance(doc, dict) and isinstance(doc.get("name"), str) and doc.get("versions")):
            raise ValueError("incomplete")
        for v in doc["versions"]:
            KeyVersion.from_json(v)
    except (ValueError, TypeError, KeyError, zlib.error, AzureError) as exc:
        raise invalid from exc
    return doc
