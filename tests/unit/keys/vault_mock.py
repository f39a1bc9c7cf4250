"""A ``responses``-backed Key Vault for unit tests of single exchanges (customer-key.md §5.3).

The real ``KeyClient`` runs unchanged (requests transport): every request without ``Authorization``
gets the 401 challenge, whatever the SDK's process-wide challenge cache holds, so tests do not
depend on their order. Any DELETE is recorded and fails the test: this is the unit-level half of
the no-DELETE guard.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import responses

VAULT = "https://kv-a.vault.azure.net"
CHALLENGE = ('Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001", '
             'resource="https://vault.azure.net"')
FOREVER = 253402214400  # 9999-12-31T00:00:00Z

Reply = tuple[int, dict[str, str], str]


class FakeCredential:
    """What the SDK needs of a credential, nothing more (never azure-identity)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("unit-test-token", int(time.time()) + 3600)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_json(name: str, version: str = "0" * 32, *, kty: str = "RSA-HSM", size: int = 3072,
             ops: tuple[str, ...] = ("wrapKey", "unwrapKey"), exp: int | None = None,
             level: str = "Recoverable+ProtectedSubscription", days: int = 90, enabled: bool = True,
             created: int = 1_700_000_000, vault: str = VAULT) -> dict[str, Any]:
    """A key as Key Vault returns it (REST shape, Unix seconds), modulus of ``size`` bits."""
    attributes: dict[str, Any] = {"enabled": enabled, "created": created, "updated": created,
                                  "recoveryLevel": level, "recoverableDays": days, "exportable": False}
    if exp is not None:
        attributes["exp"] = exp
    n = b"\xc3" + b"\x01" * (size // 8 - 1)
    return {"key": {"kid": f"{vault}/keys/{name}/{version}", "kty": kty, "key_ops": list(ops), "n": b64url(n),
                    "e": "AQAB"},
            "attributes": attributes, "tags": {"usage": "customer-key"}}


@dataclass
class VaultMock:
    """Routes ``(METHOD, path regex)`` → reply (or callable). Unrouted requests answer 404 KeyNotFound.

    Attributes:
        url: the vault's base URL.
        requests: every authorised request seen, as ``(method, path, json body or None)``.
        deletes: every DELETE seen (there must be none).
    """

    url: str = VAULT
    routes: list[tuple[str, re.Pattern[str], Callable[[Any], Reply]]] = field(default_factory=list)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)

    def on(self, method: str, path: str, status: int = 200, body: Any = None,
           headers: dict[str, str] | None = None) -> VaultMock:
        """Answer ``method path`` (regex, without the query) with ``status`` and a JSON ``body``."""
        text = "" if body is None else json.dumps(body)
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        self.routes.append((method, re.compile(path), lambda req: (status, hdrs, text)))
        return self

    def error(self, method: str, path: str, status: int, code: str, message: str, inner: str | None = None,
              headers: dict[str, str] | None = None) -> VaultMock:
        err: dict[str, Any] = {"code": code, "message": message}
        if inner:
            err["innererror"] = {"code": inner}
        return self.on(method, path, status, {"error": err}, headers)

    def handle(self, req: Any) -> Reply:
        if "Authorization" not in req.headers:
            return 401, {"WWW-Authenticate": CHALLENGE}, ""
        path = req.path_url.split("?", 1)[0]
        body = json.loads(req.body) if req.body else None
        if req.method == "DELETE":
            self.deletes.append(path)
            raise AssertionError(f"DELETE {path} sent to Key Vault: m365gov must never delete")
        self.requests.append((req.method, path, body))
        for method, pattern, reply in reversed(self.routes):
            if method == req.method and pattern.fullmatch(path):
                return reply(req)
        message = f"A key with (name/id) {path} was not found in this key vault."
        return 404, {"Content-Type": "application/json"}, json.dumps({"error": {"code": "KeyNotFound",
                                                                                "message": message}})


def mock_vaults(*vaults: VaultMock) -> Iterator[responses.RequestsMock]:
    """Activate ``responses`` for the vaults' hosts (every method, DELETE included so it is caught)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rs:
        for v in vaults:
            for m in (responses.GET, responses.POST, responses.PUT, responses.PATCH, responses.DELETE):
                rs.add_callback(m, re.compile(re.escape(v.url) + r"/.*"), callback=v.handle)
        yield rs
