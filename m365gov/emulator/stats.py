"""Thread-safe request counters and log, for tests and the benchmark.

Top-level HTTP requests and requests unpacked from ``$batch`` are counted apart: a collector that
sends 20 requests in one batch made one HTTP request and 20 inner ones. Nothing about credentials is
recorded (no headers at all).
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    """One served request.

    Attributes:
        seq: arrival order (1-based, shared by outer and inner requests).
        method: HTTP method.
        path: path without the query.
        route: the route pattern that served it (``/v1.0/users/{user_id}``), ``None`` if unmatched.
        query: the raw query string.
        status: status code answered (for a dropped connection, the status line that was sent).
        duration: seconds spent serving it, latency included.
        fault: the injected fault (``throttle``, ``error_503``, ``drop``, ``forbidden``, ``scripted``,
            ``hammering``) or ``None``.
        inner: true for a request inside ``$batch``.
        started: wall-clock start (Unix seconds).
        bytes: body bytes (announced in Content-Length).
    """

    seq: int
    method: str
    path: str
    route: str | None
    query: str
    status: int
    duration: float
    fault: str | None
    inner: bool
    started: float
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Stats:
    """Counters plus a bounded log of the most recent requests."""

    def __init__(self, log_limit: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._log_limit = log_limit
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._seq = 0
            self._log: deque[RequestRecord] = deque(maxlen=self._log_limit)
            self._http = 0
            self._inner = 0
            self._status: Counter[str] = Counter()
            self._inner_status: Counter[str] = Counter()
            self._faults: Counter[str] = Counter()
            self._routes: Counter[str] = Counter()
            self._bytes = 0
            self._in_flight = 0
            self._max_in_flight = 0
            self._connections = 0

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def connection(self) -> None:
        """A TCP connection was accepted (keep-alive clients open few)."""
        with self._lock:
            self._connections += 1

    def enter(self) -> None:
        """An HTTP request started (for the concurrency high-water mark)."""
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def fault(self, name: str) -> None:
        with self._lock:
            self._faults[name] += 1

    def record(self, rec: RequestRecord) -> None:
        with self._lock:
            self._log.append(rec)
            if rec.inner:
                self._inner += 1
                self._inner_status[str(rec.status)] += 1
            else:
                self._http += 1
                self._status[str(rec.status)] += 1
                self._bytes += rec.bytes
            self._routes[f"{rec.method} {rec.route or '(not implemented)'}"] += 1
            if rec.fault == "drop":
                self._faults["drop"] += 1

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def snapshot(self) -> dict[str, Any]:
        """Counters as plain JSON-able data (also served at ``GET /_emulator/stats``)."""
        with self._lock:
            return {
                "http_requests": self._http,
                "batch_inner_requests": self._inner,
                "by_status": dict(self._status),
                "batch_inner_by_status": dict(self._inner_status),
                "faults": dict(self._faults),
                "hammering": self._faults.get("hammering", 0),
                "by_route": dict(self._routes),
                "bytes_sent": self._bytes,
                "connections": self._connections,
                "in_flight": self._in_flight,
                "max_in_flight": self._max_in_flight,
            }
