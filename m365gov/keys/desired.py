"""The key plan file: the desired state of the Customer Key keys, read and checked.

A plan names, for each data-encryption policy (DEP), its two keys and the vault of each
(customer-key.md §1.1, §1.5, §1.7). It is checked against the shipped ``keyplan`` schema, then for
what a schema cannot say (a vault shared by DEPs of different kinds, a key planned twice, a
SharePoint-only setting on another kind), each problem reported with the file and a JSON pointer.
Whole-line ``//`` comments are accepted so that the shipped example can explain itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlparse

from m365gov.config import Config
from m365gov.errors import InputError, json_pointer
from m365gov.schemas import validate

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
KEY_DEFAULTS: Mapping[str, Any] = {"keyType": "RSA-HSM", "keySize": 3072, "rotationDays": 365}


@dataclass(frozen=True)
class VaultSpec:
    """A vault as the plan expects it.

    Attributes:
        name: the vault's (globally unique) name, used by ARM and by the PowerShell instructions.
        url: the data-plane URL, without trailing slash.
        subscription_id / resource_group: where the vault is expected; both are needed for the
            management-plane checks (``None`` leaves them ``not_configured``).
        region: the Azure region expected (``francecentral``…), or ``None``.
    """

    name: str
    url: str
    subscription_id: str | None = None
    resource_group: str | None = None
    region: str | None = None

    @property
    def arm_id(self) -> str | None:
        """The vault's Azure resource id, when subscription and resource group are known."""
        if not (self.subscription_id and self.resource_group):
            return None
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.KeyVault/vaults/{self.name}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "subscriptionId": self.subscription_id,
            "resourceGroup": self.resource_group,
            "region": self.region,
        }


@dataclass(frozen=True)
class KeySpec:
    """One key of a DEP.

    Attributes:
        dep: the DEP's name; ``dep_kind``: exchange, sharepoint or multiWorkload.
        role: ``primary`` or ``secondary`` (SharePoint's ``-KeyType Primary|Secondary``).
        vault: where the key lives.
        name: the key's name.
        key_type / key_size: what a created key (or a new version) gets: RSA-HSM 3072 by default.
        rotation_days: how often the key is rolled.
        auto_rotate: ``True``/``False`` manage the rotation policy; ``None`` leaves it alone.
        tags: tags of created keys.
        pinned_version: SharePoint only: the version its DEP uses, if known.
        pointer: where the key is in the plan file, for messages.
    """

    dep: str
    dep_kind: str
    role: str
    vault: VaultSpec
    name: str
    key_type: str = "RSA-HSM"
    key_size: int = 3072
    rotation_days: int = 365
    auto_rotate: bool | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    pinned_version: str | None = None
    pointer: str = ""

    @property
    def id(self) -> str:
        """The key's versionless identifier, as Exchange and multi-workload DEPs name it."""
        return f"{self.vault.url}/keys/{self.name}"

    @property
    def ref(self) -> str:
        """The key's resource id in findings (see :func:`m365gov.views.key_join.key_ref`)."""
        return f"{self.vault.name}/{self.name}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "dep": self.dep,
            "depKind": self.dep_kind,
            "role": self.role,
            "vault": self.vault.name,
            "vaultUrl": self.vault.url,
            "name": self.name,
            "keyType": self.key_type,
            "keySize": self.key_size,
            "rotationDays": self.rotation_days,
            "autoRotate": self.auto_rotate,
            "tags": dict(self.tags),
            "pinnedVersion": self.pinned_version,
        }


@dataclass(frozen=True)
class DepSpec:
    """A data-encryption policy and its pair of keys.

    Attributes:
        name: the DEP's name (its ``-Identity`` for Exchange and multi-workload).
        kind: exchange, sharepoint or multiWorkload.
        primary / secondary: the two keys.
        spo_admin_url: SharePoint only: the admin centre URL for ``Update-SPODataEncryptionPolicy``.
        service_principal_object_id: the tenant's object id of the kind's Microsoft 365 service
            principal, when the plan declares it (else Graph resolves it).
    """

    name: str
    kind: str
    primary: KeySpec
    secondary: KeySpec
    spo_admin_url: str | None = None
    service_principal_object_id: str | None = None

    @property
    def keys(self) -> tuple[KeySpec, KeySpec]:
        return (self.primary, self.secondary)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "spoAdminUrl": self.spo_admin_url,
            "servicePrincipalObjectId": self.service_principal_object_id,
            "primary": self.primary.to_json(),
            "secondary": self.secondary.to_json(),
            "vaults": [self.primary.vault.to_json(), self.secondary.vault.to_json()],
        }


@dataclass(frozen=True)
class KeyPlan:
    """A whole key plan file.

    Attributes:
        file: where it was read from (for messages).
        deps: the data-encryption policies, in file order.
    """

    file: str
    deps: tuple[DepSpec, ...]

    @property
    def keys(self) -> tuple[KeySpec, ...]:
        return tuple(k for d in self.deps for k in d.keys)

    @property
    def vaults(self) -> tuple[VaultSpec, ...]:
        """Each vault once, in plan order."""
        seen: dict[str, VaultSpec] = {}
        for k in self.keys:
            seen.setdefault(k.vault.url, k.vault)
        return tuple(seen.values())

    def vault_kind(self, url: str) -> tuple[str, str, str] | None:
        """(DEP name, DEP kind, role) of the first planned key in vault ``url``."""
        for k in self.keys:
            if k.vault.url == url:
                return k.dep, k.dep_kind, k.role
        return None

    def find(self, name: str) -> list[KeySpec]:
        """Planned keys called ``name``, or ``VAULT/NAME``."""
        vault, _, key = name.rpartition("/")
        return [k for k in self.keys if k.name == key and (not vault or vault in (k.vault.name, k.vault.url))]

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "dataEncryptionPolicies": [d.to_json() for d in self.deps]}


def load_key_plan(path: str | Path) -> KeyPlan:
    """Read, validate and resolve a key plan; every problem is an :class:`InputError` (exit 2)."""
    file = str(path)
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("key plan not found (start from policies/keys/key-plan.example.jsonc)", file=file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the key plan: {exc}", file=file) from None
    try:
        doc = json.loads(strip_line_comments(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno) from None
    return parse_key_plan(doc, file=file)


def strip_line_comments(text: str) -> str:
    """Blank whole-line ``//`` comments, keeping line numbers for error messages."""
    return "\n".join("" if line.lstrip().startswith("//") else line for line in text.split("\n"))


def parse_key_plan(doc: Any, *, file: str) -> KeyPlan:
    """Build a :class:`KeyPlan` from parsed JSON (the demo builds one in memory)."""
    validate("keyplan", doc, file=file)
    defaults = {**KEY_DEFAULTS, **doc.get("defaults", {})}
    deps = []
    for i, d in enumerate(doc["dataEncryptionPolicies"]):
        at = ("dataEncryptionPolicies", i)
        if d["kind"] != "sharepoint" and "spoAdminUrl" in d:
            _fail(file, (*at, "spoAdminUrl"), "spoAdminUrl is for a sharepoint DEP only")
        keys = [_key(d, role, defaults, file, (*at, role)) for role in ("primary", "secondary")]
        deps.append(DepSpec(d["name"], d["kind"], keys[0], keys[1], d.get("spoAdminUrl"),
                            d.get("servicePrincipalObjectId")))
    plan = KeyPlan(file, tuple(deps))
    _check_unique(plan, doc, file)
    return plan


def _key(d: Mapping[str, Any], role: str, defaults: Mapping[str, Any], file: str, at: tuple[Any, ...]) -> KeySpec:
    k = d[role]
    if "pinnedVersion" in k and d["kind"] != "sharepoint":
        _fail(file, (*at, "pinnedVersion"), "pinnedVersion is for a sharepoint DEP only (Exchange and "
              "multi-workload DEPs use versionless key URIs)")
    merged = {**defaults, **{x: v for x, v in k.items() if x in ("keyType", "keySize", "rotationDays",
                                                                 "autoRotate", "tags")}}
    v = k["vault"]
    url = (v.get("url") or f"https://{v['name']}.vault.azure.net").rstrip("/")
    return KeySpec(
        dep=d["name"],
        dep_kind=d["kind"],
        role=role,
        vault=VaultSpec(v["name"], url, v.get("subscriptionId"), v.get("resourceGroup"), v.get("region")),
        name=k["keyName"],
        key_type=merged["keyType"],
        key_size=merged["keySize"],
        rotation_days=merged["rotationDays"],
        auto_rotate=merged.get("autoRotate"),
        tags=dict(merged.get("tags", {})),
        pinned_version=k.get("pinnedVersion"),
        pointer=json_pointer(at),
    )


def _check_unique(plan: KeyPlan, doc: Mapping[str, Any], file: str) -> None:
    """What the schema cannot see: duplicates and contradictions across DEPs."""
    names: dict[str, int] = {}
    for i, d in enumerate(plan.deps):
        if d.name in names:
            _fail(file, ("dataEncryptionPolicies", i, "name"), f"DEP name {d.name!r} is already used by "
                  f"/dataEncryptionPolicies/{names[d.name]}")
        names[d.name] = i
    keys: dict[tuple[str, str], str] = {}
    vault_kinds: dict[str, tuple[str, str]] = {}
    vault_specs: dict[str, VaultSpec] = {}
    for k in plan.keys:
        where = (k.vault.url.lower(), k.name.lower())
        if where in keys:
            raise InputError(f"key {k.name!r} of vault {k.vault.name!r} is planned twice (also at {keys[where]})",
                             file=file, pointer=k.pointer + "/keyName")
        keys[where] = k.pointer
        seen = vault_kinds.setdefault(k.vault.url, (k.dep_kind, k.pointer))
        if seen[0] != k.dep_kind:
            raise InputError(
                f"vault {k.vault.name!r} serves a {seen[0]} DEP (at {seen[1]}) and a {k.dep_kind} DEP: each kind "
                "needs its own vaults, trusted by its own Microsoft 365 service principal",
                file=file, pointer=k.pointer + "/vault",
            )
        other = vault_specs.setdefault(k.vault.url, k.vault)
        if other != k.vault:
            raise InputError(f"vault {k.vault.url} is described differently at {seen[1]}/vault",
                             file=file, pointer=k.pointer + "/vault")
        if sum(1 for v in vault_specs.values() if v.name == k.vault.name) > 1:
            raise InputError(f"vault name {k.vault.name!r} is given two different URLs",
                             file=file, pointer=k.pointer + "/vault/url")


def check_connection_rules(plan: KeyPlan, *, verify_challenge_resource: bool, emulator_auth: bool,
                           config_file: str) -> None:
    """Refuse settings that would send a token where it must not go (exit 2, before any request).

    Turning off the challenge-resource check is only for a loopback vault (the emulator), and the
    static test credential only ever talks to loopback vaults.
    """
    for v in plan.vaults:
        host = urlparse(v.url).hostname or ""
        if host in LOOPBACK_HOSTS:
            continue
        if not verify_challenge_resource:
            raise InputError(
                f"verify_challenge_resource = false is only allowed for loopback vaults, not {v.url}",
                file=config_file, pointer="/keys/verify_challenge_resource",
            )
        if emulator_auth:
            raise InputError(
                f"auth mode 'emulator' (a static test token) is only allowed with loopback vaults, not {v.url}",
                file=config_file, pointer="/auth/mode",
            )


def _fail(file: str, at: tuple[Any, ...], message: str) -> NoReturn:
    raise InputError(message, file=file, pointer=json_pointer(at))


def plan_for_config(config: Config) -> KeyPlan | None:
    """The config's key plan, loaded and checked against its connection settings (``None`` if unset)."""
    if config.keys.plan is None:
        return None
    plan = load_key_plan(config.keys.plan)
    check_connection_rules(
        plan,
        verify_challenge_resource=config.keys.verify_challenge_resource,
        emulator_auth=config.auth.mode == "emulator",
        config_file=config.display_path,
    )
    return plan
