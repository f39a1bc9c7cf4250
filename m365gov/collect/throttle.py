"""m365gov's own retry layer: throttling-aware, bounded, and polite.

msgraph-sdk's RetryHandler ignores a fractional ``Retry-After`` (Microsoft's own example is
``2.128``), retries at most three times and never inside ``$batch`` (sdk.md §5). This middleware
replaces it in the chain:

* ``Retry-After`` is honoured as seconds, fractions and HTTP-dates; without it, exponential backoff;
* a 429 pauses the whole *service* (identity, reports, call records…), not just the request that
  got it, so that concurrent requests slow down instead of hammering (graph.md §7) — requests
  already queued for a slot wait too; a ``$batch`` counts against the service of the requests
  inside it (a :class:`ServiceOption` says which);
* requests in flight are capped per service (the configured cap, or less where graph.md §7
  publishes a concurrency limit); pages of collections get free slots before per-item work
  (``$batch`` of per-user or per-record GETs), which also leaves one slot free, so that a
  collection's next page — the critical path — does not queue behind it;
* everything is bounded: attempts per request, the longest single wait, and a total wait budget;
* a connection dropped mid-response is retried (collection only sends reads).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import math
import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import httpx
from kiota_abstractions.request_option import RequestOption
from kiota_http.middleware.middleware import BaseMiddleware

RETRY_STATUSES = frozenset({429, 503, 504})
_REQUEST_OPTIONS_KEY = "kiota_request_options"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or ``None`` when absent or unreadable.

    Accepts an integer, a fraction (``2.128``), a list as some services send (``30,120`` → 30) and an
    HTTP-date (converted against ``now``, a Unix time, defaulting to the clock).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    first = text.split(",")[0].strip()
    try:
        seconds = float(first)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    reference = time.time() if now is None else now
    return max(0.0, when.timestamp() - reference)


PUBLISHED_CONCURRENCY: dict[str, int] = {"outlook": 4}
"""Services whose concurrency limit Microsoft publishes (graph.md §7: 4 concurrent requests per
mailbox for Outlook); the configured cap never exceeds them."""
BULK_RESERVE = 1
"""Slots of a service that per-item (bulk) work leaves free for paging."""


class ServiceOption(RequestOption):
    """Which throttling bucket a request counts against, and whether it is per-item (bulk) work.

    Attached to a request (``RequestInformation.add_request_options``) when its URL does not say:
    a ``$batch`` of call-record GETs is call-records work, not "batch" work.
    """

    KEY = "m365gov.service"

    def __init__(self, service: str | None = None, *, bulk: bool = False) -> None:
        self.service = service
        self.bulk = bulk

    @staticmethod
    def get_key() -> str:
        return ServiceOption.KEY


def service_of(url: httpx.URL | str) -> str:
    """The throttling bucket a Graph URL belongs to (graph.md §7 publishes limits per service)."""
    u = httpx.URL(str(url))
    path = u.path.lower()
    if "/reports/" in path or not _is_graph_path(path):
        return "reports"
    if "/communications/callrecords" in path:
        return "callRecords"
    if "/teamwork/devices" in path:
        return "teamworkDevices"
    if "/onlinemeetings" in path or "/virtualevents" in path:
        return "onlineMeetings"
    if "/calendar" in path or "/events" in path:
        return "outlook"
    if "/sites" in path:
        return "sharepoint"
    if path.endswith("/$batch"):
        return "batch"
    if "/teamwork" in path or "/teams" in path:
        return "teams"
    return "identity"


def _is_graph_path(path: str) -> bool:
    return "/v1.0/" in path or "/beta/" in path or path.endswith(("/v1.0", "/beta", "/$batch"))


@dataclass
class RequestStats:
    """What collection cost, for the report, the benchmark and the fault tests.

    Mutable on purpose: one instance is shared by the whole run and updated by every request.
    """

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    server_errors: int = 0
    dropped: int = 0
    waited_seconds: float = 0.0
    gave_up: int = 0
    by_service: Counter[str] = field(default_factory=Counter)
    max_in_flight: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "throttled": self.throttled,
            "serverErrors": self.server_errors,
            "dropped": self.dropped,
            "waitedSeconds": round(self.waited_seconds, 3),
            "gaveUp": self.gave_up,
            "byService": dict(sorted(self.by_service.items())),
            "maxInFlight": dict(sorted(self.max_in_flight.items())),
        }


@dataclass(frozen=True)
class RetryPolicy:
    """The bounds of retrying (see :class:`m365gov.config.CollectSettings`)."""

    max_attempts: int = 8
    max_retry_wait: float = 180.0
    retry_budget: float = 900.0
    concurrency: int = 8
    backoff_base: float = 0.5
    backoff_cap: float = 30.0


class ServiceGate:
    """Shared state of one Graph service: a concurrency cap and a "closed until" time.

    A 429 closes the gate for everyone using the service, which is what Graph asks for: usage
    counts against the limit while throttled, so retrying harder only prolongs it.

    Slots go to pages of collections before per-item (bulk) batches: a page's successor cannot be
    asked for before it arrives, so the chain of pages is the critical path, while batches can
    wait a little without delaying the run. Bulk requests also hold at most ``cap - BULK_RESERVE``
    slots, so that a page usually finds one free at once. Never more than ``cap`` in flight.
    """

    def __init__(self, name: str, concurrency: int) -> None:
        self.name = name
        self.cap = max(1, min(concurrency, PUBLISHED_CONCURRENCY.get(name, concurrency)))
        self.bulk_cap = max(1, self.cap - BULK_RESERVE)
        self.in_flight = 0
        self.bulk_in_flight = 0
        self._pages: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()
        self._closed_until = 0.0

    async def acquire(self, bulk: bool = False) -> None:
        """Wait for a slot (pages first, bulk within its share); :meth:`release` gives it back."""
        queue = self._bulk if bulk else self._pages
        free = self.in_flight < self.cap and (not bulk or (self.bulk_in_flight < self.bulk_cap and not self._pages))
        if free and not queue:
            self._take(bulk)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(waiter)
        try:
            await waiter  # granted by _wake(), which took the slot on our behalf
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release(bulk)  # granted, then cancelled before we could use it
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(waiter)
            raise

    def release(self, bulk: bool = False) -> None:
        self.in_flight -= 1
        if bulk:
            self.bulk_in_flight -= 1
        self._wake()

    def _take(self, bulk: bool) -> None:
        self.in_flight += 1
        if bulk:
            self.bulk_in_flight += 1

    def _wake(self) -> None:
        while self.in_flight < self.cap:
            if self._pages:
                waiter, bulk = self._pages.popleft(), False
            elif self._bulk and self.bulk_in_flight < self.bulk_cap:
                waiter, bulk = self._bulk.popleft(), True
            else:
                return
            if waiter.done():  # cancelled while waiting
                continue
            self._take(bulk)
            waiter.set_result(None)

    def close_for(self, seconds: float) -> None:
        self._closed_until = max(self._closed_until, time.monotonic() + seconds)

    def closed(self) -> bool:
        return self._closed_until > time.monotonic()

    async def wait_open(self) -> float:
        """Sleep until the gate reopens; return the seconds actually waited."""
        if self._closed_until <= time.monotonic():
            return 0.0
        start = time.monotonic()
        while (delay := self._closed_until - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        return time.monotonic() - start


class RetryBudgetExceeded(Exception):
    """The run has waited on throttling for longer than its budget allows."""


class ThrottleAwareRetryHandler(BaseMiddleware):
    """The middleware that sits where msgraph-sdk's RetryHandler would (see the module docstring)."""

    def __init__(self, policy: RetryPolicy, stats: RequestStats, *, rng: random.Random | None = None) -> None:
        super().__init__()
        self.policy = policy
        self.stats = stats
        self._gates: dict[str, ServiceGate] = {}
        self._rng = rng or random.Random()

    def gate(self, service: str) -> ServiceGate:
        gate = self._gates.get(service)
        if gate is None:
            gate = self._gates[service] = ServiceGate(service, self.policy.concurrency)
        return gate

    async def send(self, request: httpx.Request, transport: httpx.AsyncBaseTransport) -> httpx.Response:
        saved_options = request.extensions.get(_REQUEST_OPTIONS_KEY)
        option = saved_options.get(ServiceOption.KEY) if isinstance(saved_options, dict) else None
        service = (option.service if isinstance(option, ServiceOption) else None) or service_of(request.url)
        gate = self.gate(service)
        bulk = isinstance(option, ServiceOption) and option.bulk
        attempt = 0
        while True:
            attempt += 1
            if saved_options is not None:
                request.extensions[_REQUEST_OPTIONS_KEY] = saved_options
            while True:
                self._account_wait(await gate.wait_open())
                await gate.acquire(bulk)
                if not gate.closed():
                    break
                gate.release(bulk)  # a 429 closed the gate while we queued: wait with everyone else
            try:
                self.stats.max_in_flight[service] = max(self.stats.max_in_flight[service], gate.in_flight)
                self.stats.requests += 1
                self.stats.by_service[service] += 1
                try:
                    response = await super().send(request, transport)
                    await response.aread()
                except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.ConnectError) as exc:
                    self.stats.dropped += 1
                    if attempt >= self.policy.max_attempts:
                        self.stats.gave_up += 1
                        raise
                    delay = self._backoff(attempt)
                    error: BaseException | None = exc
                    response = None
                else:
                    error = None
            finally:
                gate.release(bulk)
            if response is not None:
                if response.status_code not in RETRY_STATUSES:
                    return response
                if response.status_code == 429:
                    self.stats.throttled += 1
                else:
                    self.stats.server_errors += 1
                asked = parse_retry_after(response.headers.get("Retry-After"))
                delay = asked if asked is not None else self._backoff(attempt)
                if attempt >= self.policy.max_attempts or delay > self.policy.max_retry_wait:
                    self.stats.gave_up += 1
                    return response
            if self.stats.waited_seconds + delay > self.policy.retry_budget:
                self.stats.gave_up += 1
                if response is not None:
                    return response
                raise RetryBudgetExceeded(f"retry budget of {self.policy.retry_budget:.0f} s spent") from error
            self.stats.retries += 1
            if response is not None and response.status_code == 429:
                gate.close_for(delay)  # everyone on this service waits; wait_open() sleeps for us
            else:
                start = time.monotonic()
                await asyncio.sleep(delay)
                self._account_wait(time.monotonic() - start)

    def _account_wait(self, seconds: float) -> None:
        self.stats.waited_seconds += seconds

    def _backoff(self, attempt: int) -> float:
        base = min(self.policy.backoff_cap, self.policy.backoff_base * 2 ** (attempt - 1))
        return float(base * (0.5 + self._rng.random() / 2))
