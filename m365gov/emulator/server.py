"""The emulator's HTTP server: a threaded, keep-alive HTTP/1.1 server on loopback only.

One daemon thread per connection, so concurrent requests really overlap (latency is slept in the
connection's thread). Every response carries ``Content-Length``; a dropped connection sends the
status line, the headers (announcing the full length) and half the body, then closes the socket,
which is what a client sees when a real service or proxy resets mid-response.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from m365gov.emulator.dispatch import Dispatcher
from m365gov.emulator.faults import FaultInjector, Faults, ScriptedFault
from m365gov.emulator.options import EmulatorOptions
from m365gov.emulator.protocol import Request, Response, error_response, make_request
from m365gov.emulator.registry import default_tables
from m365gov.emulator.routes import EmulatorState, Router, RouteTable
from m365gov.emulator.stats import RequestRecord, Stats
from m365gov.emulator.tenant import Tenant, generate_tenant

if TYPE_CHECKING:
    from m365gov.emulator.keyvault_server import KeyVaultEmulator

LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1", "::1": "::1"}
MAX_BODY = 16 * 1024 * 1024
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class ServerHost(Protocol):
    """What the HTTP layer needs from what it serves (the Graph emulator, a Key Vault listener)."""

    verbose: bool
    _stats: Stats

    def dispatch(self, req: Request) -> Response: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "m365gov-emulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds
    # Headers and body leave in two writes; with Nagle's algorithm the second waits for the client's
    # delayed ACK (~40 ms per request on a keep-alive connection).
    disable_nagle_algorithm = True
    server: _Server

    def __getattr__(self, name: str) -> Any:
        # Any method (PUT, DELETE, FOO…) reaches the dispatcher, which answers 501 in JSON.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.emulator.verbose:
            super().log_message(format, *args)

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        emulator = self.server.emulator
        try:
            body = self._read_body()
        except ValueError:
            body = None
        if body is None:
            self.close_connection = True
            self._write(error_response(413, "RequestEntityTooLarge", "The request body is too large or malformed.",
                                       "-"))
            return
        headers = {k: v for k, v in self.headers.items()}
        req = make_request(self.command, self.path, headers, body)
        self._write(emulator.dispatch(req))

    def _write(self, resp: Response) -> None:
        body = resp.body
        self.send_response(resp.status)
        if resp.content_type and (body or resp.status >= 400):
            self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if resp.drop:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if resp.drop:
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # the client went away: nothing to answer
            super().handle()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: ServerHost) -> None:
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._connections.add(request)
        self.emulator._stats.connection()
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut idle keep-alive connections so that no thread serves after ``stop()``."""
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.emulator.verbose:
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class Emulator:
    """A local stand-in for Microsoft Graph, serving a generated tenant.

    Use as a context manager (``with Emulator() as emu: …``) or with :meth:`start` / :meth:`stop`.
    ``port=0`` picks a free port. Only loopback hosts are accepted. ``options``
    (:class:`EmulatorOptions`) fixes per-instance settings such as the report download links'
    lifetime; ``faults`` (swappable while running) also carries the ``beta_unavailable`` and
    ``meetings_access_policy`` switches.
    """

    def __init__(self, tenant: Tenant | None = None, *, faults: Faults | None = None, host: str = "127.0.0.1",
                 port: int = 0, verbose: bool = False, tables: Iterable[RouteTable] | None = None,
                 options: EmulatorOptions | None = None) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the emulator binds to loopback only (127.0.0.1, localhost, ::1), not {host!r}")
        self.tenant = tenant if tenant is not None else generate_tenant()
        self.host = LOOPBACK[host]
        self.verbose = verbose
        self._requested_port = port
        self._stats = Stats()
        self.options = options or EmulatorOptions()
        self._injector = FaultInjector(faults or Faults(), on_fault=self._stats.fault, app_id=self.options.app_id)
        self.state = EmulatorState(self.tenant, self.options)
        self.state.stats = self._stats
        self.router = Router(default_tables() if tables is None else tables)
        self._dispatcher = Dispatcher(self.router, self.state, self._injector, self._stats,
                                      self._link_base, lambda: self._injector.faults.latency)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.keyvault: KeyVaultEmulator | None = None  # set by serve() when it also serves Key Vault

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is not None:
            return self
        cls = _Server6 if ":" in self.host else _Server
        self._server = cls((self.host, self._requested_port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"m365gov-emulator-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _link_base(self) -> str:
        """Base of absolute links; before ``start()`` (in-process dispatch) the requested address."""
        if self._server is not None:
            return self.base_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._requested_port}"

    @property
    def graph_url(self) -> str:
        return f"{self.base_url}/v1.0"

    @property
    def beta_url(self) -> str:
        return f"{self.base_url}/beta"

    # -- faults ----------------------------------------------------------------------------------
    @property
    def faults(self) -> Faults:
        return self._injector.faults

    @faults.setter
    def faults(self, value: Faults) -> None:
        """Swap the fault configuration while running (scripted faults are kept)."""
        self._injector.faults = value

    def script(self, path_prefix: str, *, status: int = 429, headers: dict[str, str] | None = None,
               body: Any = None, times: int | None = 1, method: str | None = None, drop: bool = False,
               inner: bool | None = None) -> ScriptedFault:
        """Answer the next ``times`` requests whose path starts with ``path_prefix`` with ``status``."""
        return self._injector.script(path_prefix, status=status, headers=headers, body=body, times=times,
                                     method=method, drop=drop, inner=inner)

    def clear_scripts(self) -> None:
        self._injector.clear_scripts()

    # -- observability ---------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        return self._stats.snapshot()

    @property
    def requests(self) -> list[RequestRecord]:
        return self._stats.requests

    def reset_stats(self) -> None:
        self._stats.reset()

    # -- in-process use --------------------------------------------------------------------------
    def dispatch(self, req: Request) -> Response:
        """Serve a request without a socket (used by the HTTP layer, handy in unit tests)."""
        return self._dispatcher.serve(req)

    def add_routes(self, table: RouteTable) -> None:
        """Serve another family's routes (after the built-in ones)."""
        self.router.add(table)


def serve(seed: int = 2026, users: int = 350, port: int = 8765, faults: Faults | None = None, *,
          host: str = "127.0.0.1", verbose: bool = False, concealed_names: bool = False,
          out: TextIO | None = None, stop: threading.Event | None = None,
          on_ready: Callable[[Emulator], None] | None = None, keyvault: bool = True) -> None:
    """Run the emulator until Ctrl-C (or until ``stop`` is set), printing its URLs.

    With ``keyvault`` the town's Customer Key vaults are served too, over https on their own ports
    (:class:`~m365gov.emulator.keyvault_server.KeyVaultEmulator`, reachable as ``emu.keyvault``).
    Used by ``m365gov emulator serve``; ``stop`` and ``on_ready`` let tests drive it.
    """
    from m365gov.emulator.keyvault_server import KeyVaultEmulator

    out = out or sys.stdout
    tenant = generate_tenant(seed, users, concealed_names=concealed_names)
    with contextlib.ExitStack() as stack:
        emu = stack.enter_context(Emulator(tenant, faults=faults, host=host, port=port, verbose=verbose))
        if keyvault:
            emu.keyvault = stack.enter_context(KeyVaultEmulator(tenant=tenant, faults=faults, verbose=verbose))
        _serve_until_stopped(emu, tenant, seed, out, stop, on_ready)


def _serve_until_stopped(emu: Emulator, tenant: Tenant, seed: int, out: TextIO, stop: threading.Event | None,
                         on_ready: Callable[[Emulator], None] | None) -> None:
    print(f"m365gov emulator – {tenant.organization['displayName']} (seed {seed}, {len(tenant.users)} users)",
          file=out)
    print(f"  Graph v1.0:  {emu.graph_url}", file=out)
    print(f"  Graph beta:  {emu.beta_url}", file=out)
    print(f"  Statistics:  {emu.base_url}/_emulator/stats", file=out)
    print(f"  Tenant id:   {tenant.tenant_id}", file=out)
    print(f"  Council group id: {tenant.council_group_id}", file=out)
    if emu.keyvault is not None:
        kv = emu.keyvault
        print("  Key Vault (https; trust the certificate below, e.g. connection_verify=<certificate>):", file=out)
        for v in kv.vaults:
            print(f"    {v.name:<22} {v.url}  ({v.location}, {v.sku}, subscription {v.subscription_id}, "
                  f"resource group {v.resource_group})", file=out)
        print(f"    Management (ARM):      {kv.management_url}", file=out)
        print(f"    Certificate:           {kv.cert_path}", file=out)
        print(f"    Key Vault statistics:  {kv.management_url}/_emulator/stats", file=out)
    print("Press Ctrl-C to stop.", file=out, flush=True)
    if on_ready is not None:
        on_ready(emu)
    waiter = stop or threading.Event()
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("m365gov emulator stopped.", file=out, flush=True)
