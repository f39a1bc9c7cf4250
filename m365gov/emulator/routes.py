"""A small route registry: each endpoint family declares its routes in its own module.

A family module (``graph.py`` today; reports, call records, Teams devices, meetings later) creates a
:class:`RouteTable` and decorates its handlers::

    ROUTES = RouteTable("reports")

    @ROUTES.get("/v1.0/reports/getTeamsUserActivityUserDetail(period='{period}')")
    def teams_activity(ctx: Context) -> Response: ...

then adds ``ROUTES`` to :func:`m365gov.emulator.registry.default_tables`. Patterns match whole
paths; ``{name}`` captures one path segment without parentheses (or the text up to the next
literal), so that ``/users/delta()`` is not taken for a user id; literal parts match
case-insensitively, as Graph does. A request that matches no route is answered 501, never a fake
success.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from m365gov.emulator.options import EmulatorOptions
from m365gov.emulator.protocol import Request, Response

if TYPE_CHECKING:
    from m365gov.emulator.stats import Stats
    from m365gov.emulator.tenant import Tenant

T = TypeVar("T")


class EmulatorState:
    """What handlers share across requests: the tenant and memoised, precomputed views of it.

    ``memo`` lets each family precompute its indexes once (lazily, thread-safely) without the server
    knowing about them.
    """

    def __init__(self, tenant: Tenant, options: EmulatorOptions | None = None) -> None:
        self.tenant = tenant
        self.options = options or EmulatorOptions()
        self.stats: Stats | None = None  # set by the Emulator, read by the control endpoints
        self._memo: dict[str, Any] = {}
        self._lock = threading.Lock()

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._lock:
            if key not in self._memo:
                self._memo[key] = factory()
            return self._memo[key]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Context:
    """Everything a handler gets.

    Attributes:
        request: the request (top-level or inner ``$batch``).
        params: values captured by the route pattern.
        base_url: ``http://127.0.0.1:PORT``, for absolute ``@odata.nextLink`` and ``@odata.context``.
        state: shared tenant state and caches.
        dispatch: routes a sub-request through auth, faults, handlers and stats (used by ``$batch``).
        request_id: the ``request-id`` of this request, for error bodies.
    """

    request: Request
    params: Mapping[str, str]
    base_url: str
    state: EmulatorState
    dispatch: Callable[[Request], Response]
    request_id: str

    @property
    def tenant(self) -> Tenant:
        return self.state.tenant

    @property
    def version(self) -> str:
        """``v1.0`` or ``beta``: the first path segment."""
        return self.request.path.split("/", 2)[1]


Handler = Callable[[Context], Response]


@dataclass(frozen=True)
class Route:
    """One method + path pattern. ``auth`` false exempts it from the bearer check; ``counted``
    false keeps it out of stats, latency and faults (the emulator's own control endpoints)."""

    method: str
    pattern: str
    handler: Handler
    regex: re.Pattern[str]
    auth: bool = True
    counted: bool = True


def _compile(pattern: str) -> re.Pattern[str]:
    out = []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", pattern):
        out.append(re.escape(pattern[pos:m.start()]))
        out.append(f"(?P<{m.group(1)}>[^/()]+?)")  # no parentheses: users/delta() is not a user id
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("^" + "".join(out) + "/?$", re.IGNORECASE)


class RouteTable:
    """The routes of one endpoint family."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[Route] = []

    def route(self, method: str, pattern: str, *, auth: bool = True,
              counted: bool = True) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method.upper(), pattern, handler, _compile(pattern), auth, counted))
            return handler
        return register

    def get(self, pattern: str, **options: bool) -> Callable[[Handler], Handler]:
        return self.route("GET", pattern, **options)

    def post(self, pattern: str, **options: bool) -> Callable[[Handler], Handler]:
        return self.route("POST", pattern, **options)


class Router:
    """Matches a request against the routes of several tables, first registered first."""

    def __init__(self, tables: Iterable[RouteTable]) -> None:
        self._routes: list[Route] = []
        for table in tables:
            self.add(table)

    def add(self, table: RouteTable) -> None:
        self._routes.extend(table.routes)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method == method:
                m = route.regex.match(path)
                if m:
                    return route, m.groupdict()
        return None

    def path_exists(self, path: str) -> bool:
        """Whether some route (of any method) has this path: decides whether a request is internal."""
        return any(r.regex.match(path) for r in self._routes)
