"""Injected faults: latency, throttling (429 + Retry-After), 503, dropped connections, 403s.

Random faults are decided per request by hashing (seed, fault, method, URL, n-th occurrence of that
URL), not by a shared random stream: the k-th request for a given URL meets the same fate however
threads interleave, and a retry (occurrence k+1) draws afresh, so a client that retries eventually
gets through.

Order of checks for a request: scripted faults, then (``strict_retry_after``) a client coming back
before its ``Retry-After`` elapsed, then ``forbidden`` prefixes, then random 429, then random 503;
a dropped connection is decided after the handler ran (the response is cut mid-body).
"""

from __future__ import annotations

import email.utils
import hashlib
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from m365gov.emulator.ids import fraction
from m365gov.emulator.protocol import Request, Response, dumps, error_body

_MEETINGS = re.compile(r"^/(?:v1\.0|beta)/users/([^/]+)/onlineMeetings(?:/|\(|$)", re.IGNORECASE)
RetryAfterForm = Literal["int", "fraction", "http-date", "absent"]
RETRY_AFTER_FORMS: tuple[RetryAfterForm, ...] = ("int", "fraction", "http-date", "absent")


@dataclass(frozen=True)
class Faults:
    """What goes wrong, and how often. All fields optional; the default is a healthy service.

    Attributes:
        seed: decides which requests fail (see the module docstring).
        latency: seconds added to every HTTP request, once per ``$batch`` (slept in the connection's
            thread, so concurrent requests overlap as they do against a real service).
        throttle_rate: fraction of requests answered 429 ``TooManyRequests``.
        retry_after_forms: ``Retry-After`` forms used on 429s: ``int`` ("1"), ``fraction`` ("0.128"),
            ``http-date`` ("Sat, 28 Nov 2026 08:00:01 GMT") or ``absent`` (no header).
        retry_after_order: ``cycle`` through the forms in order (deterministic for a sequential
            client), or ``random`` (decided per request like the faults themselves).
        retry_after_seconds: the delay asked for; ``int`` rounds it up, ``http-date`` to the next second.
        error_503_rate: fraction of requests answered 503 ``ServiceUnavailable`` (with ``Retry-After``).
        drop_rate: fraction of connections cut mid-response (status line, headers and part of the
            body sent, then the socket closed). Never applies inside ``$batch``.
        forbidden: path prefixes answered 403 ``Authorization_RequestDenied``; a prefix without a
            version (``/sites``) means ``/v1.0/sites``.
        strict_retry_after: answer 429 again to a request repeated before its ``Retry-After`` elapsed,
            counting it as "hammering" in the stats. "The same request" is the same method, path,
            query and body (two different ``$batch`` POSTs are two requests).
        beta_unavailable: every ``/beta/teamwork/devices…`` path answers 404, as when Microsoft
            withdraws a beta API (the collector must report ``beta_unavailable``, not crash).
        meetings_access_policy: ``False`` means no application access policy grants the app access
            to online meetings: every ``/users/{id}/onlineMeetings…`` call answers 403 with
            Microsoft's "App <appId> is not authorized to … on behalf of user <id>" body
            (``shared/reference/graph.md`` §6.3).
    """

    seed: int = 0
    latency: float = 0.0
    throttle_rate: float = 0.0
    retry_after_forms: tuple[RetryAfterForm, ...] = RETRY_AFTER_FORMS
    retry_after_order: Literal["cycle", "random"] = "cycle"
    retry_after_seconds: float = 1.0
    error_503_rate: float = 0.0
    drop_rate: float = 0.0
    forbidden: frozenset[str] = frozenset()
    strict_retry_after: bool = False
    beta_unavailable: bool = False
    meetings_access_policy: bool = True

    def __post_init__(self) -> None:
        for name in ("throttle_rate", "error_503_rate", "drop_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Faults.{name} must be between 0 and 1, got {value}")
        if self.latency < 0 or self.retry_after_seconds < 0:
            raise ValueError("Faults.latency and Faults.retry_after_seconds must not be negative")
        forms = tuple(self.retry_after_forms)
        if not forms or any(f not in RETRY_AFTER_FORMS for f in forms):
            raise ValueError(f"Faults.retry_after_forms must be a non-empty subset of {RETRY_AFTER_FORMS}")
        object.__setattr__(self, "retry_after_forms", forms)
        object.__setattr__(self, "forbidden", forbidden_prefixes(self.forbidden))
        if self.retry_after_order not in ("cycle", "random"):
            raise ValueError("Faults.retry_after_order must be 'cycle' or 'random'")


@dataclass
class ScriptedFault:
    """A precise, one-off answer for tests: the next ``times`` matching requests get it.

    Attributes:
        path_prefix: matched against the request path (inner ``$batch`` paths carry their version).
        status: status code to answer.
        headers: response headers (e.g. ``{"Retry-After": "2.128"}``).
        body: JSON body; default: a Graph error body suited to ``status``.
        times: how many requests to answer; ``None`` for every one.
        method: only this method, if set.
        drop: cut the connection mid-response instead (outer requests only).
        inner: only inside ``$batch`` (True), only outside (False), or both (None).
        hits: how many requests it answered so far.
    """

    path_prefix: str
    status: int = 429
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    times: int | None = 1
    method: str | None = None
    drop: bool = False
    inner: bool | None = None
    hits: int = 0

    def matches(self, req: Request) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method and self.method.upper() != req.method:
            return False
        if self.inner is not None and self.inner != req.inner:
            return False
        return req.path.lower().startswith(self.path_prefix.lower())


_DEFAULT_ERRORS = {
    400: ("BadRequest", "Bad request."),
    401: ("InvalidAuthenticationToken", "Access token has expired or is not yet valid."),
    403: ("Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
    404: ("Request_ResourceNotFound", "Resource does not exist."),
    429: ("TooManyRequests", "Please retry again later."),
    500: ("InternalServerError", "An internal server error occurred."),
    502: ("BadGateway", "Bad gateway."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable. Please retry later."),
    504: ("GatewayTimeout", "The gateway timed out."),
}


class FaultInjector:
    """Applies a :class:`Faults` configuration and scripted faults to requests (thread-safe).

    ``on_fault`` is called with the fault name each time one is injected, for the stats.
    """

    def __init__(self, faults: Faults, on_fault: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.time, app_id: str = "00000000-0000-0000-0000-000000000000") -> None:
        self.faults = faults
        self.app_id = app_id
        self._on_fault = on_fault or (lambda name: None)
        self._clock = clock
        self._lock = threading.Lock()
        self._scripts: list[ScriptedFault] = []
        self._occurrences: dict[str, int] = {}
        self._not_before: dict[str, float] = {}
        self._throttles = 0

    # -- scripted ------------------------------------------------------------------------------
    def script(self, path_prefix: str, *, status: int = 429, headers: Mapping[str, str] | None = None,
               body: Any = None, times: int | None = 1, method: str | None = None, drop: bool = False,
               inner: bool | None = None) -> ScriptedFault:
        fault = ScriptedFault(path_prefix, status, dict(headers or {}), body, times, method, drop, inner)
        with self._lock:
            self._scripts.append(fault)
        return fault

    def clear_scripts(self) -> None:
        with self._lock:
            self._scripts.clear()

    # -- decisions -----------------------------------------------------------------------------
    def before(self, req: Request, request_id: str) -> Response | None:
        """A fault response for ``req``, or ``None`` to let the handler answer."""
        key = f"{req.method} {req.path}?{req.raw_query}"
        strict = _strict_key(key, req)
        with self._lock:
            n = self._occurrences.get(key, 0)
            self._occurrences[key] = n + 1
            scripted = next((s for s in self._scripts if s.matches(req)), None)
            if scripted:
                scripted.hits += 1
        if scripted:
            return self._scripted(scripted, req, strict, request_id)
        f = self.faults
        if f.strict_retry_after:
            with self._lock:
                wait = self._not_before.get(strict, 0.0) - self._clock()
            if wait > 0:
                self._on_fault("hammering")
                return self._refuse(429, {"Retry-After": f"{wait:.3f}"}, request_id, "hammering")
        if any(req.path.lower().startswith(p.lower()) for p in f.forbidden):
            self._on_fault("forbidden")
            return self._refuse(403, {}, request_id, "forbidden")
        outage = self._switched_off(req, request_id)
        if outage is not None:
            return outage
        if f.throttle_rate and fraction(f.seed, "throttle", key, n) < f.throttle_rate:
            self._on_fault("throttle")
            return self._refuse(429, self._retry_after(key, n), request_id, "throttle", strict)
        if f.error_503_rate and fraction(f.seed, "503", key, n) < f.error_503_rate:
            self._on_fault("error_503")
            return self._refuse(503, self._retry_after(key, n), request_id, "error_503", strict)
        return None

    def should_drop(self, req: Request) -> bool:
        """Whether to cut this (outer, successful) response mid-body."""
        f = self.faults
        if req.inner or not f.drop_rate:
            return False
        key = f"{req.method} {req.path}?{req.raw_query}"
        with self._lock:
            n = self._occurrences.get(key, 1) - 1
        return fraction(f.seed, "drop", key, n) < f.drop_rate

    # -- helpers -------------------------------------------------------------------------------
    def _switched_off(self, req: Request, request_id: str) -> Response | None:
        """The two service states that are switches rather than rates: a withdrawn beta API and a
        missing application access policy."""
        f = self.faults
        path = req.path.lower()
        if f.beta_unavailable and (path == "/beta/teamwork/devices" or path.startswith("/beta/teamwork/devices/")):
            self._on_fault("beta_unavailable")
            body = error_body("NotFound", "Resource not found for the segment 'devices'.", request_id)
            return Response(404, dumps(body), fault="beta_unavailable")
        m = _MEETINGS.match(req.path)
        if not f.meetings_access_policy and m:
            self._on_fault("access_policy")
            action = "Get meeting" if req.method == "GET" else f"{req.method.title()} meeting"
            body = error_body("Unauthorized", f"App {self.app_id} is not authorized to {action} on behalf of "
                              f"user {m.group(1)}", request_id)
            return Response(403, dumps(body), fault="access_policy")
        return None

    def _scripted(self, s: ScriptedFault, req: Request, key: str, request_id: str) -> Response:
        self._on_fault("scripted")
        if s.drop and not req.inner:
            return Response(200, dumps({"value": [], "note": "dropped"}), fault="scripted", drop=True)
        if s.body is None:
            code, message = _DEFAULT_ERRORS.get(s.status, ("Error", f"Scripted status {s.status}."))
            body = dumps(error_body(code, message, request_id))
        else:
            body = s.body if isinstance(s.body, bytes) else dumps(s.body)
        retry_after = next((v for k, v in s.headers.items() if k.lower() == "retry-after"), None)
        if retry_after is not None:
            self._remember(key, retry_after)
        return Response(s.status, body, dict(s.headers), fault="scripted")

    def _refuse(self, status: int, headers: dict[str, str], request_id: str, fault: str,
                key: str | None = None) -> Response:
        code, message = _DEFAULT_ERRORS[status]
        if key is not None and "Retry-After" in headers:
            self._remember(key, headers["Retry-After"])
        return Response(status, dumps(error_body(code, message, request_id)), headers, fault=fault)

    def _retry_after(self, key: str, n: int) -> dict[str, str]:
        f = self.faults
        if f.retry_after_order == "cycle":
            with self._lock:
                form = f.retry_after_forms[self._throttles % len(f.retry_after_forms)]
                self._throttles += 1
        else:
            form = f.retry_after_forms[int(fraction(f.seed, "form", key, n) * len(f.retry_after_forms))]
        return retry_after_header(form, f.retry_after_seconds, self._clock())

    def _remember(self, key: str, value: str) -> None:
        """Record when a throttled request may come back, for ``strict_retry_after``."""
        if not self.faults.strict_retry_after:
            return
        now = self._clock()
        delay = parse_retry_after(value, now)
        if delay is not None:
            with self._lock:
                self._not_before[key] = now + delay


def _strict_key(key: str, req: Request) -> str:
    """What "the same request" means for ``strict_retry_after``: method, path, query — and the body.

    Two different ``$batch`` POSTs share method, path and query; a client sending one while another
    waits out its ``Retry-After`` is not repeating it, so the body's digest tells them apart.
    """
    return f"{key}#{hashlib.sha256(req.body).hexdigest()[:16]}" if req.body else key


def retry_after_header(form: RetryAfterForm, seconds: float, now: float) -> dict[str, str]:
    """The ``Retry-After`` header for ``form`` asking for ``seconds`` (never less)."""
    if form == "absent":
        return {}
    if form == "int":
        return {"Retry-After": str(math.ceil(seconds))}
    if form == "fraction":
        return {"Retry-After": f"{seconds:.3f}"}
    return {"Retry-After": email.utils.formatdate(math.ceil(now + seconds), usegmt=True)}


def parse_retry_after(value: str, now: float) -> float | None:
    """Seconds to wait for a ``Retry-After`` value in any of the three forms, or ``None``."""
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def forbidden_prefixes(prefixes: Iterable[str]) -> frozenset[str]:
    """Normalise ``forbidden`` prefixes: a leading ``/``, and ``/v1.0`` when no version is given."""
    out = set()
    for p in prefixes:
        p = "/" + p.lstrip("/")
        out.add(p if p.startswith(("/v1.0/", "/beta/")) or p in ("/v1.0", "/beta") else "/v1.0" + p)
    return frozenset(out)
