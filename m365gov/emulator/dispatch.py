"""From a :class:`Request` to a :class:`Response`: auth, faults, routing, errors, statistics.

Top-level and ``$batch`` inner requests take the same path, so whatever a test scripts for
``/v1.0/users`` also happens to an inner ``GET /users``. Order: bearer check (401), injected faults,
route lookup (501 when none), the handler (its :class:`GraphError` rendered as Graph's error body,
anything else as a 500), then the dropped-connection decision.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from m365gov.emulator.control import PREFIX as CONTROL_PREFIX
from m365gov.emulator.faults import FaultInjector
from m365gov.emulator.protocol import GraphError, Request, Response, error_response, not_implemented
from m365gov.emulator.routes import Context, EmulatorState, Route, Router
from m365gov.emulator.stats import RequestRecord, Stats

log = logging.getLogger("m365gov.emulator")

WWW_AUTHENTICATE = ('Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
                    'client_id="00000003-0000-0000-c000-000000000000"')


def _bearer_present(req: Request) -> bool:
    """A non-empty bearer token. Its value is never looked at, logged or stored."""
    value = req.header("authorization") or ""
    scheme, _, token = value.partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


class Dispatcher:
    """Serves requests for one emulator; thread-safe (handlers share only memoised, read-only data)."""

    def __init__(self, router: Router, state: EmulatorState, injector: FaultInjector, stats: Stats,
                 base_url: Callable[[], str], latency: Callable[[], float]) -> None:
        self.router = router
        self.state = state
        self.injector = injector
        self.stats = stats
        self._base_url = base_url
        self._latency = latency

    def serve(self, req: Request) -> Response:
        """Serve one request, recording it unless it is a control request."""
        if req.path.startswith(CONTROL_PREFIX):  # the emulator's own endpoints: never counted or faulted
            match = self.router.match(req.method, req.path)
            if match is not None:
                return self._call(match[0], match[1], req, str(uuid.uuid4()))
            err = not_implemented(req.method, req.path)
            return error_response(err.status, err.code, err.message, "-")
        seq = self.stats.next_seq()
        started = time.time()
        t0 = time.perf_counter()
        if not req.inner:
            self.stats.enter()
        try:
            if not req.inner and (delay := self._latency()) > 0:
                time.sleep(delay)
            resp, route = self._serve(req)
        finally:
            if not req.inner:
                self.stats.leave()
        self.stats.record(RequestRecord(
            seq=seq, method=req.method, path=req.path, route=route, query=req.raw_query, status=resp.status,
            duration=time.perf_counter() - t0, fault=resp.fault, inner=req.inner, started=started,
            bytes=len(resp.body)))
        return resp

    def _serve(self, req: Request) -> tuple[Response, str | None]:
        """The response and the matched route pattern (``None`` when no route matched)."""
        request_id = str(uuid.uuid4())
        match = self.router.match(req.method, req.path)
        route = match[0].pattern if match else None
        needs_auth = match is None or match[0].auth
        if needs_auth and not _bearer_present(req):
            message = "Access token is empty." if not req.header("authorization") else \
                "CompactToken parsing failed with error code: 80049217"
            resp = error_response(401, "InvalidAuthenticationToken", message, request_id,
                                  {"WWW-Authenticate": WWW_AUTHENTICATE})
            return self._stamp(resp, req, request_id), route
        fault = self.injector.before(req, request_id)
        if fault is not None:
            return self._stamp(fault, req, request_id), route
        if match is None:
            err = not_implemented(req.method, req.path)
            return self._stamp(error_response(err.status, err.code, err.message, request_id), req, request_id), None
        resp = self._call(match[0], match[1], req, request_id)
        if resp.status < 300 and resp.body and self.injector.should_drop(req):
            resp.drop = True
            resp.fault = "drop"
        return resp, route

    def _call(self, route: Route, params: dict[str, str], req: Request, request_id: str) -> Response:
        ctx = Context(request=req, params=params, base_url=self._base_url(), state=self.state,
                      dispatch=self.serve, request_id=request_id)
        try:
            resp = route.handler(ctx)
        except GraphError as err:
            resp = error_response(err.status, err.code, err.message, request_id, err.headers)
        except Exception:  # a bug in a handler must look like a server error, not kill the connection
            log.exception("emulator handler failed for %s %s", req.method, req.path)
            resp = error_response(500, "InternalServerError",
                                  f"the m365gov emulator failed while serving {req.method} {req.path}", request_id)
        return self._stamp(resp, req, request_id)

    @staticmethod
    def _stamp(resp: Response, req: Request, request_id: str) -> Response:
        resp.headers.setdefault("request-id", request_id)
        resp.headers.setdefault("client-request-id", req.header("client-request-id") or request_id)
        return resp
