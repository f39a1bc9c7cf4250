"""The Key Vault data plane (keys), served per vault: routes, handlers and response shapes.

Paths and bodies follow customer-key.md §4.5 (base ``https://127.0.0.1:PORT`` stands for
``https://{vault}.vault.azure.net``). Literal path segments and key names match case-insensitively,
as the service does. Key bundles carry ``kid``, ``kty``, ``key_ops``, ``n``, ``e``; attributes are
Unix seconds with ``recoveryLevel`` / ``recoverableDays`` from the vault's configuration, plus
``exportable: false`` and ``hsmPlatform: "2"`` on HSM keys; ``managed`` is ``false``. Lists are
sorted by name (keys) or version id (versions, as the service: not by date), at most ``maxresults``
(1-25, default 25) a page, with an absolute ``nextLink`` carrying ``api-version``, ``$skiptoken`` and
``maxresults``.

A route that is not implemented (wrap/unwrap, import, EC keys…) answers 501, never a fake success.
DELETE never reaches this module: the dispatcher refuses and records it first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from m365gov.emulator.keyvault_protocol import (
    AzureError,
    b64url_decode,
    b64url_encode,
    bad_parameter,
    json_body,
    json_response,
    read_skiptoken,
    skiptoken,
)
from m365gov.emulator.keyvault_store import DATA_ACTIONS, KeyVaultStore, KeyVersion, StoredKey, VaultState
from m365gov.emulator.protocol import Request, Response

MAX_RESULTS = 25
DEFAULT_ROTATION_POLICY = {"lifetimeActions": [{"trigger": {"timeBeforeExpiry": "P30D"},
                                                "action": {"type": "Notify"}}], "attributes": {}}


@dataclass(frozen=True)
class Call:
    """One data-plane request, resolved: the vault, the path parameters and the api-version."""

    store: KeyVaultStore
    vault: VaultState
    request: Request
    params: dict[str, str]
    api_version: str


Handler = Callable[[Call], Response]


@dataclass(frozen=True)
class DataRoute:
    method: str
    segments: tuple[str, ...]  # literals, or "{name}" / "{version}"
    operation: str  # the Key Vault permission it needs
    handler: Handler

    @property
    def pattern(self) -> str:
        return "/" + "/".join(self.segments)

    def match(self, method: str, parts: list[str]) -> dict[str, str] | None:
        if method != self.method or len(parts) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for want, got in zip(self.segments, parts, strict=True):
            if want.startswith("{"):
                if not got:
                    return None
                params[want[1:-1]] = got
            elif want.lower() != got.lower():
                return None
        return params


ROUTES: list[DataRoute] = []


def route(method: str, pattern: str, operation: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(DataRoute(method, tuple(pattern.strip("/").split("/")), operation, handler))
        return handler
    return register


def match(method: str, path: str) -> tuple[DataRoute, dict[str, str]] | None:
    """The route for a path; ``/keys/{name}/`` (trailing slash, the SDK's form) equals ``/keys/{name}``."""
    parts = path.strip("/").split("/")
    for r in ROUTES:
        params = r.match(method, parts)
        if params is not None:
            return r, params
    return None


# -- shapes ----------------------------------------------------------------------------------------

def attributes(vault: VaultState, v: KeyVersion) -> dict[str, Any]:
    doc: dict[str, Any] = {"enabled": v.enabled}
    if v.nbf is not None:
        doc["nbf"] = v.nbf
    if v.exp is not None:
        doc["exp"] = v.exp
    doc.update(created=v.created, updated=v.updated, recoveryLevel=vault.recovery_level,
               recoverableDays=vault.recoverable_days)
    if v.kty.endswith("-HSM"):
        doc.update(exportable=False, hsmPlatform="2")
    return doc


def key_id(vault: VaultState, name: str, version: str | None = None) -> str:
    base = f"{vault.url}/keys/{name}"
    return f"{base}/{version}" if version else base


def bundle(vault: VaultState, stored: StoredKey, v: KeyVersion) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": {"kid": key_id(vault, stored.name, v.version), "kty": v.kty, "key_ops": list(v.key_ops),
                "n": b64url_encode(v.n), "e": b64url_encode(v.e)},
        "attributes": attributes(vault, v),
    }
    if v.tags:
        doc["tags"] = dict(v.tags)
    doc["managed"] = False
    return doc


def item(vault: VaultState, stored: StoredKey, v: KeyVersion, *, versioned: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"kid": key_id(vault, stored.name, v.version if versioned else None),
                           "attributes": attributes(vault, v)}
    if v.tags:
        doc["tags"] = dict(v.tags)
    doc["managed"] = False
    return doc


def rotation_policy(vault: VaultState, stored: StoredKey) -> dict[str, Any]:
    if stored.rotation_policy is None:  # never set: the service's default, without an id or dates
        return {"lifetimeActions": [dict(a) for a in DEFAULT_ROTATION_POLICY["lifetimeActions"]], "attributes": {}}
    return {"id": f"{key_id(vault, stored.name)}/rotationpolicy", **stored.rotation_policy}


def _page(call: Call, items: list[tuple[str, dict[str, Any]]], path: str) -> Response:
    """One page of ``(sort key, item)``, resuming after ``$skiptoken``'s marker."""
    raw = call.request.query.get("maxresults")
    size = MAX_RESULTS
    if raw is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_RESULTS:
            raise bad_parameter(f"Invalid maxresults '{raw}': it must be an integer from 1 to {MAX_RESULTS}.")
        size = int(raw)
    items.sort(key=lambda pair: pair[0])
    token = call.request.query.get("$skiptoken")
    if token:
        marker = read_skiptoken(token)
        items = [pair for pair in items if pair[0] > marker]
    page, rest = items[:size], items[size:]
    next_link = None
    if rest:
        next_link = (f"{call.vault.url}{path}?api-version={quote(call.api_version)}"
                     f"&$skiptoken={skiptoken(page[-1][0])}&maxresults={size}")
    return json_response({"value": [doc for _, doc in page], "nextLink": next_link})


# -- keys ------------------------------------------------------------------------------------------

@route("GET", "/keys", "list")
def list_keys(call: Call) -> Response:
    with call.store.lock:
        items = [(s.name.lower(), item(call.vault, s, s.latest, versioned=False)) for s in call.vault.keys.values()]
    return _page(call, items, "/keys")


@route("POST", "/keys/restore", "restore")
def restore_key(call: Call) -> Response:
    value = json_body(call.request).get("value")
    if not isinstance(value, str) or not value:
        raise bad_parameter("Property 'value' (the base64url backup blob) is required.")
    stored = call.store.restore(call.vault, b64url_decode(value))
    with call.store.lock:
        return json_response(bundle(call.vault, stored, stored.latest))


@route("POST", "/keys/{name}/create", "create")
def create_key(call: Call) -> Response:
    stored, version = call.store.create(call.vault, call.params["name"], json_body(call.request))
    with call.store.lock:
        return json_response(bundle(call.vault, stored, version))


@route("POST", "/keys/{name}/rotate", "rotate")
def rotate_key(call: Call) -> Response:
    stored, version = call.store.rotate(call.vault, call.params["name"])
    with call.store.lock:
        return json_response(bundle(call.vault, stored, version))


@route("POST", "/keys/{name}/backup", "backup")
def backup_key(call: Call) -> Response:
    return json_response({"value": b64url_encode(call.store.backup(call.vault, call.params["name"]))})


@route("GET", "/keys/{name}/versions", "list")
def list_versions(call: Call) -> Response:
    with call.store.lock:
        stored = call.store.require_key(call.vault, call.params["name"])
        items = [(v.version, item(call.vault, stored, v, versioned=True)) for v in stored.versions]
    return _page(call, items, f"/keys/{stored.name}/versions")


@route("GET", "/keys/{name}/rotationpolicy", "getrotationpolicy")
def get_rotation_policy(call: Call) -> Response:
    with call.store.lock:
        stored = call.store.require_key(call.vault, call.params["name"])
        return json_response(rotation_policy(call.vault, stored))


@route("PUT", "/keys/{name}/rotationpolicy", "setrotationpolicy")
def set_rotation_policy(call: Call) -> Response:
    stored = call.store.set_rotation_policy(call.vault, call.params["name"], json_body(call.request))
    with call.store.lock:
        return json_response(rotation_policy(call.vault, stored))


@route("GET", "/keys/{name}", "get")
def get_latest(call: Call) -> Response:
    with call.store.lock:
        stored, version = call.store.require_version(call.vault, call.params["name"], "")
        return json_response(bundle(call.vault, stored, version))


@route("GET", "/keys/{name}/{version}", "get")
def get_version(call: Call) -> Response:
    with call.store.lock:
        stored, version = call.store.require_version(call.vault, call.params["name"], call.params["version"])
        return json_response(bundle(call.vault, stored, version))


@route("PATCH", "/keys/{name}", "update")
def update_latest(call: Call) -> Response:
    stored, version = call.store.update(call.vault, call.params["name"], "", json_body(call.request))
    with call.store.lock:
        return json_response(bundle(call.vault, stored, version))


@route("PATCH", "/keys/{name}/{version}", "update")
def update_version(call: Call) -> Response:
    stored, version = call.store.update(call.vault, call.params["name"], call.params["version"],
                                        json_body(call.request))
    with call.store.lock:
        return json_response(bundle(call.vault, stored, version))


# -- deleted keys (there are none: nothing is ever deleted here) ----------------------------------

@route("GET", "/deletedkeys", "list")
def list_deleted(call: Call) -> Response:
    return json_response({"value": [], "nextLink": None})


@route("GET", "/deletedkeys/{name}", "get")
def get_deleted(call: Call) -> Response:
    raise AzureError(404, "KeyNotFound", f"Deleted Key not found: {call.params['name']}")


@route("POST", "/deletedkeys/{name}/recover", "recover")
def recover_deleted(call: Call) -> Response:
    call.store.count("recover_attempt")
    raise AzureError(404, "KeyNotFound", f"Deleted Key not found: {call.params['name']}")


def forbidden(vault: VaultState, operation: str, name: str | None) -> AzureError:
    """The service's 403 for a missing permission: RBAC vaults say ``ForbiddenByRbac``, others ``AccessDenied``."""
    location = vault.spec.location
    if vault.spec.enable_rbac_authorization:
        resource = vault.spec.resource_id.lower() + (f"/keys/{name}" if name else "")
        message = ("Caller is not authorized to perform action on resource.\r\nIf role assignments, deny "
                   "assignments or role definitions were changed recently, please observe propagation time.\r\n"
                   "Caller: (the m365gov emulator does not read tokens)\r\n"
                   f"Action: '{DATA_ACTIONS[operation]}'\r\nResource: '{resource}'\r\nAssignment: (not found)\r\n"
                   f"DenyAssignmentId: null\r\nDecisionReason: null \r\nVault: {vault.name};location={location}\r\n")
        return AzureError(403, "Forbidden", message, inner="ForbiddenByRbac")
    message = (f"The user, group or application '(the m365gov emulator does not read tokens)' does not have keys "
               f"{operation} permission on key vault '{vault.name};location={location}'. For help resolving this "
               "issue, please see https://go.microsoft.com/fwlink/?linkid=2125287")
    return AzureError(403, "Forbidden", message, inner="AccessDenied")
