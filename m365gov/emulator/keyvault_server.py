"""The Key Vault stand-in: one https listener per vault plus one for Azure Resource Manager.

Typical use (tests, the demo)::

    town = generate_keyvault_town(tenant)          # or KeyVaultEmulator(tenant=tenant)
    with KeyVaultEmulator(town) as kv:
        client = KeyClient(kv.vault_url("SAL-CK-MW-FR-VaultA1"), StaticTestCredential(),
                           verify_challenge_resource=False, connection_verify=str(kv.cert_path))
        mgmt = KeyVaultManagementClient(StaticTestCredential(), subscription_id, base_url=kv.management_url,
                                        connection_verify=str(kv.cert_path))
        kv.stats()["kv_delete_attempts"]

Each vault is ``https://127.0.0.1:PORT`` (its own port: the vault URL is the client's base URL, and
the SDK's process-wide challenge cache is keyed by it). The certificate is generated at start
(:mod:`m365gov.emulator.tls`) and deleted at stop; ``cert_path`` is what clients trust.

What every data-plane request goes through, in order:

1. ``/_emulator/…`` control endpoints (stats, the town, delete attempts): no auth, not counted.
2. **DELETE** (``/keys/{name}``, ``/deletedkeys/{name}``, anything): recorded in
   :attr:`KeyVaultEmulator.delete_attempts` and ``stats()["kv_delete_attempts"]``, then answered 401
   (no token: the challenge, as the service would) or 403 ``Forbidden`` / inner
   ``DeleteRefusedByEmulator``. m365gov must never send one (customer-key.md §1.9). Attempts are
   also kept process-wide (:func:`~m365gov.emulator.keyvault_records.process_delete_attempts`), so a
   session-end check can prove a whole test suite sent none; a test that sends one on purpose sets
   ``deletes_expected = True`` first.
3. No ``Authorization: Bearer …`` → 401 with ``WWW-Authenticate: Bearer
   authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"``,
   whatever was asked before (so the SDK's challenge cache never matters). Any bearer token is then
   accepted; its value is never read, logged or stored.
4. Injected faults (:class:`~m365gov.emulator.faults.Faults`, :meth:`KeyVaultEmulator.script`), with
   Key Vault-shaped bodies (429 ``Throttled``, 503 ``ServiceUnavailable``).
5. ``api-version`` missing or unknown → 400 ``BadParameter``.
6. The route (501 if none), then the per-vault permission switch (:meth:`KeyVaultEmulator.forbid`:
   403 ``ForbiddenByRbac`` on RBAC vaults, ``AccessDenied`` on access-policy vaults), then the handler.

The management listener requires a bearer token too (401 ``AuthenticationFailed``), serves GETs
(:mod:`m365gov.emulator.keyvault_arm`) and refuses every write (403, recorded; a DELETE also counts
as a delete attempt).

State is in memory, mutable (creates, rotations, restores change it) and thread-safe; statistics
share the Graph emulator's :class:`~m365gov.emulator.stats.Stats` (route names are prefixed with the
listener, e.g. ``SAL-CK-MW-FR-VaultA1:/keys/{name}/create``) plus the Key Vault records of
:meth:`KeyVaultStore.records`.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from m365gov.emulator import keyvault_arm, keyvault_data
from m365gov.emulator.faults import FaultInjector, Faults, ScriptedFault
from m365gov.emulator.keyvault_protocol import (
    ARM_CHALLENGE,
    KEYVAULT_CHALLENGE,
    AzureError,
    bearer_present,
    check_arm_api_version,
    check_keyvault_api_version,
    error_json,
    error_response,
    json_response,
)
from m365gov.emulator.keyvault_records import DeleteAttempt, ExpiryWrite, PropertyUpdate
from m365gov.emulator.keyvault_store import KeyVaultStore, VaultState
from m365gov.emulator.keyvault_town import KeyVaultTown, generate_keyvault_town
from m365gov.emulator.protocol import Request, Response, dumps
from m365gov.emulator.server import _Server
from m365gov.emulator.stats import RequestRecord, Stats
from m365gov.emulator.tenant import Tenant
from m365gov.emulator.tls import SelfSignedCertificate, generate_self_signed

log = logging.getLogger("m365gov.emulator.keyvault")

MANAGEMENT = "management"
HANDSHAKE_TIMEOUT = 10.0
SERVICE_VERSION = "1.9.0.0 (m365gov emulator)"

_FAULT_BODIES = {
    "keyvault": {429: ("Throttled", "Request was not processed because too many requests were received. Reason: A1"),
                 503: ("ServiceUnavailable", "The service is temporarily unavailable. Please retry later."),
                 403: ("Forbidden", "Access denied."), 500: ("InternalServerError", "An internal error occurred."),
                 502: ("BadGateway", "Bad gateway."), 504: ("GatewayTimeout", "The gateway timed out."),
                 401: ("Unauthorized", "AKV10022: Invalid audience."),
                 404: ("KeyNotFound", "A key with (name/id) was not found in this key vault."),
                 409: ("Conflict", "There was a conflict with the current state of the resource.")},
    MANAGEMENT: {429: ("TooManyRequests", "The request is being throttled. Please retry later."),
                 503: ("ServiceUnavailable", "The service is temporarily unavailable. Please retry later."),
                 403: ("AuthorizationFailed", "The client does not have authorization to perform this action."),
                 500: ("InternalServerError", "An internal error occurred."),
                 502: ("BadGateway", "Bad gateway."), 504: ("GatewayTimeout", "The gateway timed out.")},
}


@dataclass(frozen=True)
class VaultEndpoint:
    """What a configuration needs to reach one vault of the emulator."""

    name: str
    url: str
    subscription_id: str
    resource_group: str
    location: str
    sku: str
    resource_id: str
    dep_kind: str | None
    planned_location: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Listener:
    """The :class:`~m365gov.emulator.server.ServerHost` of one https port: a vault, or the management plane."""

    def __init__(self, owner: KeyVaultEmulator, name: str, vault: VaultState | None) -> None:
        self.owner = owner
        self.name = name
        self.vault = vault
        self.verbose = owner.verbose
        self._stats = owner._stats
        self.injector = FaultInjector(owner._faults, on_fault=owner._stats.fault)
        self.server: _TLSServer | None = None
        self.thread: threading.Thread | None = None

    def dispatch(self, req: Request) -> Response:
        return self.owner._serve(self, req)


class _TLSServer(_Server):
    """The Graph emulator's HTTP server, with TLS; the handshake runs in the connection's thread."""

    def __init__(self, address: tuple[str, int], host: _Listener, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__(address, host)

    def get_request(self) -> tuple[Any, Any]:
        sock, addr = self.socket.accept()
        return self._context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT)
        request.do_handshake()
        request.settimeout(None)
        super().finish_request(request, client_address)


class KeyVaultEmulator:
    """Key Vault data plane (one https port per vault) and ARM subset (one more port), on 127.0.0.1.

    Args:
        town: the vaults to serve (default: :func:`generate_keyvault_town` of ``tenant``, or of seed 2026).
        tenant: a Graph tenant to derive the town from when ``town`` is not given.
        faults: latency, random 429/503 and dropped connections, for every listener.
        clock: Unix seconds for ``created``/``updated`` of new versions (default: the real clock).
        verbose: log each request to stderr.
    """

    def __init__(self, town: KeyVaultTown | None = None, *, tenant: Tenant | None = None,
                 faults: Faults | None = None, clock: Callable[[], float] = time.time,
                 verbose: bool = False) -> None:
        self.town = town if town is not None else generate_keyvault_town(tenant)
        self.verbose = verbose
        self._faults = faults or Faults()
        self._stats = Stats()
        self.store = KeyVaultStore(self.town, clock)
        self._listeners: dict[str, _Listener] = {
            name: _Listener(self, state.name, state) for name, state in self.store.vaults.items()}
        self._management = _Listener(self, MANAGEMENT, None)
        self._cert: SelfSignedCertificate | None = None
        self._running = False
        self.startup_seconds: float | None = None
        #: set by a test that sends DELETEs on purpose: its attempts are marked ``expected``.
        self.deletes_expected = False
        self._set_urls()

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> KeyVaultEmulator:
        if self._running:
            return self
        t0 = time.perf_counter()
        self._cert = generate_self_signed()
        context = self._cert.server_context()
        try:
            for listener in self._all_listeners():
                listener.server = _TLSServer(("127.0.0.1", 0), listener, context)
                listener.thread = threading.Thread(target=listener.server.serve_forever,
                                                   kwargs={"poll_interval": 0.05},
                                                   name=f"m365gov-keyvault-{listener.name}", daemon=True)
                listener.thread.start()
        except BaseException:
            self._running = True
            self.stop()
            raise
        self._running = True
        self._set_urls()
        self.startup_seconds = time.perf_counter() - t0
        return self

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        servers = [(listener, listener.server) for listener in self._all_listeners() if listener.server is not None]
        # shutdown() waits for a poll interval: ask every listener at once rather than one after another.
        stoppers = [threading.Thread(target=server.shutdown, daemon=True) for _, server in servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=5)
        for listener, server in servers:
            listener.server = None
            server.close_connections()
            server.server_close()
            if listener.thread is not None:
                listener.thread.join(timeout=5)
        if self._cert is not None:
            self._cert.remove()
            self._cert = None

    def __enter__(self) -> KeyVaultEmulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _all_listeners(self) -> list[_Listener]:
        return [*self._listeners.values(), self._management]

    @staticmethod
    def _url(listener: _Listener) -> str:
        port = listener.server.server_address[1] if listener.server is not None else 0
        return f"https://127.0.0.1:{port}"

    def _set_urls(self) -> None:
        with self.store.lock:
            for listener in self._listeners.values():
                assert listener.vault is not None
                listener.vault.url = self._url(listener)

    # -- addresses ---------------------------------------------------------------------------------
    @property
    def cert_path(self) -> Path:
        """The PEM certificate to trust (``connection_verify=str(cert_path)``); exists while running."""
        if self._cert is None:
            raise RuntimeError("the Key Vault emulator is not running: call start() first")
        return self._cert.cert_path

    def vault_url(self, name: str) -> str:
        """``https://127.0.0.1:PORT`` of a vault (no trailing slash), the ``KeyClient`` base URL."""
        self._require_running()
        return self.store.vault(name).url

    @property
    def management_url(self) -> str:
        """The Azure Resource Manager stand-in, for ``KeyVaultManagementClient(base_url=…)``."""
        self._require_running()
        return self._url(self._management)

    @property
    def tenant_id(self) -> str:
        return self.town.tenant_id

    @property
    def vaults(self) -> list[VaultEndpoint]:
        """Every vault with its URL, subscription, resource group, region, SKU and DEP kind."""
        with self.store.lock:
            return [VaultEndpoint(v.name, v.url, v.spec.subscription_id, v.spec.resource_group, v.spec.location,
                                  v.spec.sku, v.spec.resource_id, v.spec.dep_kind, v.spec.planned_region)
                    for v in self.store.vaults.values()]

    def deps(self) -> list[dict[str, Any]]:
        """The data-encryption policies with their keys' versionless URIs (as Exchange/MW DEPs name them)
        and, for SharePoint, the version each key is pinned at."""
        out = []
        for dep in self.town.deps:
            out.append({
                "kind": dep.kind, "name": dep.name, "status": dep.status,
                "servicePrincipalAppId": dep.service_principal_app_id,
                "keys": [{"vault": v, "vaultUrl": self.store.vault(v).url, "key": k,
                          "keyUri": f"{self.store.vault(v).url}/keys/{k}", "pinnedVersion": pinned}
                         for v, k, pinned in zip(dep.vaults, dep.keys, dep.pinned_versions, strict=True)],
            })
        return out

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments every azure-core client needs here (``KeyClient`` also needs
        ``verify_challenge_resource=False``, which :meth:`key_client_kwargs` adds)."""
        return {"connection_verify": str(self.cert_path)}

    def key_client_kwargs(self) -> dict[str, Any]:
        return {"verify_challenge_resource": False, **self.client_kwargs()}

    def describe(self) -> dict[str, Any]:
        """The town as plain data: tenant, subscriptions, vaults, DEPs, service principals, defects."""
        return {
            "seed": self.town.seed, "tenantId": self.town.tenant_id,
            "managementUrl": self._url(self._management),
            "subscriptions": [asdict(s) for s in self.town.subscriptions],
            "vaults": [v.to_dict() for v in self.vaults],
            "deps": self.deps(),
            "servicePrincipals": [dict(sp) for sp in self.town.service_principals.values()],
            "defects": [dict(d) for d in self.town.defects],
            "fixed": list(self.town.fixed),
        }

    def _require_running(self) -> None:
        if not self._running:
            raise RuntimeError("the Key Vault emulator is not running: call start() first")

    # -- switches and faults -----------------------------------------------------------------------
    def forbid(self, vault: str, operations: Iterable[str] | None = None) -> None:
        """Answer 403 to ``operations`` (Key Vault permission names: get, list, create, update, backup,
        restore, rotate, getrotationpolicy, setrotationpolicy, recover…) on ``vault``; ``None``: all."""
        self.store.deny(vault, operations)

    def allow(self, vault: str) -> None:
        """Undo :meth:`forbid`."""
        self.store.deny(vault, ())

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, value: Faults) -> None:
        self._faults = value
        for listener in self._all_listeners():
            listener.injector.faults = value

    def script(self, listener: str, path_prefix: str, *, status: int = 429, headers: Mapping[str, str] | None = None,
               body: Any = None, times: int | None = 1, method: str | None = None,
               drop: bool = False) -> ScriptedFault:
        """Answer the next ``times`` requests to ``listener`` (a vault name or ``"management"``) whose
        path starts with ``path_prefix`` with ``status`` (a Key Vault/ARM-shaped body unless ``body``)."""
        target = self._listener(listener)
        if body is None and not drop:
            plane = MANAGEMENT if target is self._management else "keyvault"
            code, message = _FAULT_BODIES[plane].get(status, ("Error", f"Scripted status {status}."))
            body = error_json(code, message)
        return target.injector.script(path_prefix, status=status, headers=headers, body=body, times=times,
                                      method=method, drop=drop)

    def clear_scripts(self) -> None:
        for listener in self._all_listeners():
            listener.injector.clear_scripts()

    def _listener(self, name: str) -> _Listener:
        if name.lower() == MANAGEMENT:
            return self._management
        try:
            return self._listeners[name.lower()]
        except KeyError:
            raise KeyError(f"no vault named {name!r}") from None

    # -- observability -----------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Request counters (as the Graph emulator's) plus the Key Vault records (delete attempts…)."""
        return {**self._stats.snapshot(), **self.store.records()}

    @property
    def requests(self) -> list[RequestRecord]:
        return self._stats.requests

    @property
    def delete_attempts(self) -> list[DeleteAttempt]:
        with self.store.lock:
            return list(self.store.delete_attempts)

    @property
    def property_updates(self) -> list[PropertyUpdate]:
        with self.store.lock:
            return list(self.store.property_updates)

    @property
    def expiry_writes(self) -> list[ExpiryWrite]:
        with self.store.lock:
            return list(self.store.expiry_writes)

    def reset_stats(self) -> None:
        """Clear counters and records (not the vaults' contents)."""
        self._stats.reset()
        self.store.reset_records()

    # -- serving -----------------------------------------------------------------------------------
    def dispatch(self, listener: str, req: Request) -> Response:
        """Serve a request without a socket (unit tests): ``listener`` is a vault name or ``"management"``."""
        return self._serve(self._listener(listener), req)

    def _serve(self, listener: _Listener, req: Request) -> Response:
        if req.path.startswith("/_emulator/"):
            return self._control(req)
        seq = self._stats.next_seq()
        started = time.time()
        t0 = time.perf_counter()
        self._stats.enter()
        try:
            if (delay := self._faults.latency) > 0:
                time.sleep(delay)
            request_id = str(uuid.uuid4())
            if listener.vault is not None:
                resp, pattern = self._serve_vault(listener, listener.vault, req, request_id)
            else:
                resp, pattern = self._serve_management(listener, req, request_id)
        finally:
            self._stats.leave()
        resp.headers.setdefault("x-ms-request-id", request_id)
        client_id = req.header("x-ms-client-request-id")
        if client_id:
            resp.headers.setdefault("x-ms-client-request-id", client_id)
        self._stats.record(RequestRecord(
            seq=seq, method=req.method, path=req.path, route=f"{listener.name}:{pattern}" if pattern else None,
            query=req.raw_query, status=resp.status, duration=time.perf_counter() - t0, fault=resp.fault,
            inner=False, started=started, bytes=len(resp.body)))
        return resp

    def _fault(self, listener: _Listener, req: Request, request_id: str) -> Response | None:
        resp = listener.injector.before(req, request_id)
        if resp is None:
            return None
        if resp.fault != "scripted":  # the Graph-shaped body of a random fault, in this plane's shape
            plane = MANAGEMENT if listener.vault is None else "keyvault"
            code, message = _FAULT_BODIES[plane].get(resp.status, ("Error", "Injected fault."))
            resp.body = dumps(error_json(code, message))
        resp.content_type = "application/json; charset=utf-8"
        return resp

    def _serve_vault(self, listener: _Listener, vault: VaultState, req: Request,
                     request_id: str) -> tuple[Response, str | None]:
        authenticated = bearer_present(req)
        challenge = {"WWW-Authenticate": KEYVAULT_CHALLENGE.format(tenant=self.town.tenant_id)}
        headers = {"x-ms-keyvault-region": vault.spec.location, "x-ms-keyvault-service-version": SERVICE_VERSION}
        found = keyvault_data.match(req.method, req.path)
        pattern = found[0].pattern if found else None
        if req.method == "DELETE":
            attempt = self.store.record_delete(req.method, req.path, listener.name, authenticated,
                                               self.deletes_expected)
            log.warning("refused DELETE %s on vault %s", req.path, vault.name)
            if not authenticated:
                return self._unauthorized(challenge, headers), "(DELETE refused)"
            count = len(self.delete_attempts)
            resp = error_response(AzureError(
                403, "Forbidden",
                f"The m365gov emulator refuses every DELETE ({attempt.method} {attempt.path}): m365gov must never "
                "delete or purge a Customer Key key or version (customer-key.md §1.9). This attempt is recorded "
                f"(kv_delete_attempts = {count}).", inner="DeleteRefusedByEmulator", headers=headers))
            return resp, "(DELETE refused)"
        if not authenticated:
            return self._unauthorized(challenge, headers), pattern
        fault = self._fault(listener, req, request_id)
        if fault is not None:
            return fault, pattern
        try:
            version = check_keyvault_api_version(req)
            if found is None:
                raise AzureError(501, "NotImplemented",
                                 f"the m365gov emulator does not implement {req.method} {req.path} on a vault: add a "
                                 "route (m365gov/emulator/keyvault_data.py) rather than expecting a fake success")
            route, params = found
            if route.operation in vault.denied:
                raise keyvault_data.forbidden(vault, route.operation, params.get("name"))
            resp = route.handler(keyvault_data.Call(self.store, vault, req, params, version))
        except AzureError as err:
            resp = error_response(err)
        except Exception:
            log.exception("Key Vault emulator handler failed for %s %s", req.method, req.path)
            resp = error_response(AzureError(500, "InternalServerError",
                                             f"the m365gov emulator failed while serving {req.method} {req.path}"))
        for name, value in headers.items():
            resp.headers.setdefault(name, value)
        if resp.status < 300 and resp.body and listener.injector.should_drop(req):
            resp.drop = True
            resp.fault = "drop"
        return resp, pattern

    def _unauthorized(self, challenge: dict[str, str], headers: dict[str, str]) -> Response:
        return error_response(AzureError(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.",
                                         headers={**challenge, **headers}))

    def _serve_management(self, listener: _Listener, req: Request, request_id: str) -> tuple[Response, str | None]:
        authenticated = bearer_present(req)
        if req.method == "DELETE":
            self.store.record_delete(req.method, req.path, MANAGEMENT, authenticated, self.deletes_expected)
        if not authenticated:
            return error_response(AzureError(
                401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                headers={"WWW-Authenticate": ARM_CHALLENGE.format(tenant=self.town.tenant_id)})), None
        if req.method not in ("GET", "HEAD"):
            self.store.record_refused_write(req.method, req.path)
            log.warning("refused %s %s on the management plane", req.method, req.path)
            return error_response(AzureError(
                403, "AuthorizationFailed",
                f"The m365gov emulator refuses every management-plane change ({req.method} {req.path}): m365gov "
                "reads vault properties and never changes them; the change is recorded.")), "(write refused)"
        fault = self._fault(listener, req, request_id)
        if fault is not None:
            return fault, None
        try:
            check_arm_api_version(req)
            resp, pattern = keyvault_arm.serve(self.store, req, self._url(listener))
        except AzureError as err:
            return error_response(err), None
        except Exception:
            log.exception("management emulator handler failed for %s %s", req.method, req.path)
            message = f"the m365gov emulator failed while serving {req.method} {req.path}"
            return error_response(AzureError(500, "InternalServerError", message)), None
        if resp.status < 300 and resp.body and listener.injector.should_drop(req):
            resp.drop = True
            resp.fault = "drop"
        return resp, pattern

    def _control(self, req: Request) -> Response:
        path = req.path.rstrip("/")
        if req.method == "GET" and path == "/_emulator/stats":
            return json_response(self.stats())
        if req.method == "GET" and path == "/_emulator/keyvault":
            return json_response(self.describe())
        if req.method == "GET" and path == "/_emulator/delete-attempts":
            return json_response({"value": [a.to_dict() for a in self.delete_attempts]})
        if req.method == "POST" and path == "/_emulator/reset":
            self.reset_stats()
            return Response(204, b"", content_type=None)
        return error_response(AzureError(501, "NotImplemented", f"no control endpoint {req.method} {req.path}"))

