"""One msgraph-sdk client per run, read as raw JSON.

msgraph-sdk builds the requests (URLs, ``$select``, ``$top``, ``$filter``), authenticates them and runs
its middleware chain — with m365gov's retry handler in place of its own. Responses are read as bytes
and parsed with :func:`json.loads`: the SDK's typed models cost ~690× the time and 16× the memory
on large tenants (sdk.md §1). ``$batch`` is built by hand because msgraph-core's helpers are broken
with this kiota version (sdk.md §4).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx

from m365gov.collect.throttle import (
    RETRY_STATUSES,
    RequestStats,
    RetryPolicy,
    ServiceOption,
    ThrottleAwareRetryHandler,
    parse_retry_after,
    service_of,
)
from m365gov.config import GraphSettings

MAX_PAGES = 100_000
"""Upper bound on pages followed for one collection: every request loop is bounded."""
BATCH_LIMIT = 20


@dataclass(eq=False)  # not frozen: Python and contextlib assign __traceback__ on raise
class GraphError(Exception):
    """A Graph request that failed for good (after retries).

    Attributes:
        status: HTTP status (0 for a transport failure).
        code: Graph's error code (``Authorization_RequestDenied``…), if any.
        message: Graph's message, or the transport error.
        path: the request path without its query, for the user to recognise.
    """

    status: int
    code: str
    message: str
    path: str

    def __str__(self) -> str:
        head = f"HTTP {self.status}" if self.status else "connection failed"
        code = f" {self.code}" if self.code else ""
        return f"{head}{code} on {self.path}: {self.message}"


@dataclass(frozen=True)
class BatchResponse:
    """One inner response of a ``$batch``."""

    id: str
    status: int
    headers: dict[str, str]
    body: Any


class GraphSession:
    """A configured ``GraphServiceClient`` plus raw-JSON helpers: pages, bytes, batches."""

    def __init__(
        self,
        settings: GraphSettings,
        credential: Any,
        *,
        policy: RetryPolicy | None = None,
        stats: RequestStats | None = None,
        timeout: float = 100.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``transport`` replaces the network (``httpx.MockTransport``) for single-exchange unit tests."""
        from kiota_authentication_azure.azure_identity_authentication_provider import (
            AzureIdentityAuthenticationProvider,
        )
        from kiota_http.middleware import (
            HeadersInspectionHandler,
            ParametersNameDecodingHandler,
            RedirectHandler,
            UrlReplaceHandler,
            UserAgentHandler,
        )
        from kiota_http.middleware.options import UrlReplaceHandlerOption
        from msgraph.graph_request_adapter import GraphRequestAdapter
        from msgraph.graph_service_client import GraphServiceClient
        from msgraph_core import GraphClientFactory
        from msgraph_core.middleware import GraphTelemetryHandler

        self.settings = settings
        self.stats = stats or RequestStats()
        self.policy = policy or RetryPolicy()
        self.retry = ThrottleAwareRetryHandler(self.policy, self.stats)
        middleware = [
            RedirectHandler(),
            self.retry,
            ParametersNameDecodingHandler(),
            UrlReplaceHandler(
                UrlReplaceHandlerOption(
                    enabled=True, replacement_pairs={"/users/me-token-to-replace": "/me"}
                )
            ),
            UserAgentHandler(),
            HeadersInspectionHandler(),
            GraphTelemetryHandler(),
        ]
        https = settings.base_url.startswith("https://")
        http = httpx.AsyncClient(
            base_url=settings.base_url,
            timeout=httpx.Timeout(timeout, connect=30),
            http2=https,
            headers={"x-ms-throttle-priority": "Low"},
            limits=httpx.Limits(max_connections=max(10, self.policy.concurrency * 8)),
            transport=transport,
        )
        http = GraphClientFactory.create_with_custom_middleware(middleware, client=http)
        # allowed_hosts limits the bearer token to the Graph host; the report download's
        # pre-authenticated URL on another host must never receive it (graph.md §3.2, §8.1).
        auth = AzureIdentityAuthenticationProvider(
            credential, scopes=[settings.scope], allowed_hosts=[settings.host]
        )
        adapter = GraphRequestAdapter(auth, http)
        adapter.base_url = settings.base_url
        self._http = http
        self.client = GraphServiceClient(request_adapter=adapter)

    async def close(self) -> None:
        await self._http.aclose()

    # -- reading ---------------------------------------------------------------------------

    async def get_bytes(self, request_information: Any) -> bytes:
        """Send a request through the SDK and return the body; errors become :class:`GraphError`."""
        from kiota_abstractions.api_error import APIError
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError

        adapter: Any = self.client.request_adapter
        try:
            body = await adapter.send_primitive_async(
                request_information, "bytes", {"XXX": ODataError}
            )
        except ODataError as exc:
            err = exc.error
            raise GraphError(
                exc.response_status_code or 0,
                (err.code if err else "") or "",
                (err.message if err else "") or str(exc),
                _path(request_information),
            ) from None
        except APIError as exc:
            raise GraphError(exc.response_status_code or 0, "", exc.message or "", _path(request_information)) from None
        except httpx.HTTPError as exc:
            name = type(exc).__name__
            raise GraphError(0, name, str(exc) or name, _path(request_information)) from None
        return body or b""

    async def get_json(self, request_information: Any) -> Any:
        body = await self.get_bytes(request_information)
        try:
            return json.loads(body) if body else None
        except ValueError:
            raise GraphError(200, "InvalidJson", "the response is not JSON", _path(request_information)) from None

    async def pages(
        self,
        builder: Any,
        *,
        select: Sequence[str] = (),
        top: int | None = None,
        filter: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield every page of a collection, following ``@odata.nextLink`` (bounded).

        Pages of one collection must be fetched one after another, so the chain of nextLinks is
        the critical path of a large collection. To keep the network busy while a page is parsed,
        the next link is read from the raw bytes (:func:`peek_next_link`) and its request sent
        *before* the page is parsed; the parsed page then confirms the link, and a mismatch (a
        record that merely looks like a link) cancels the early request.
        """
        ri = request_info(builder, select=select, top=top, filter=filter, headers=headers)
        pending: asyncio.Task[bytes] = asyncio.ensure_future(self.get_bytes(ri))
        try:
            for _ in range(MAX_PAGES):
                body = await pending
                early = peek_next_link(body)
                if early and urlparse(early).hostname != self.settings.host:
                    early = None  # let the parsed page decide (and refuse) a foreign link
                if early:
                    pending = asyncio.ensure_future(self.get_bytes(self._next_request(builder, early, headers, ri)))
                    await _let_it_send()
                page = self._parse_page(body, ri)
                link = page.get("@odata.nextLink")
                if link != early:
                    if early:
                        pending.cancel()
                    if link:
                        pending = asyncio.ensure_future(self.get_bytes(self._next_request(builder, link, headers, ri)))
                yield page
                if not link:
                    return
            raise GraphError(200, "TooManyPages", f"more than {MAX_PAGES} pages", _path(ri))
        finally:
            if not pending.done():
                pending.cancel()

    def _next_request(self, builder: Any, link: str, headers: dict[str, str] | None, previous: Any) -> Any:
        self._check_same_host(link, previous)
        ri = builder.with_url(link).to_get_request_information()
        for k, v in (headers or {}).items():
            ri.headers.try_add(k, v)
        return ri

    @staticmethod
    def _parse_page(body: bytes, ri: Any) -> dict[str, Any]:
        try:
            page = json.loads(body) if body else None
        except ValueError:
            raise GraphError(200, "InvalidJson", "the response is not JSON", _path(ri)) from None
        if not isinstance(page, dict):
            raise GraphError(200, "UnexpectedShape", "expected a JSON object page", _path(ri))
        return page

    async def list_all(self, builder: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of a collection, all pages concatenated."""
        items: list[dict[str, Any]] = []
        async for page in self.pages(builder, **kwargs):
            items.extend(page.get("value", []))
        return items

    def _check_same_host(self, link: str, ri: Any) -> None:
        if urlparse(link).hostname != self.settings.host:
            raise GraphError(200, "ForeignNextLink", f"nextLink points to another host: {link[:80]}", _path(ri))

    # -- $batch ----------------------------------------------------------------------------

    async def batch(self, urls: Sequence[str], *, api: str = "v1.0") -> list[BatchResponse]:
        """GET each relative URL (``/users/{id}/teamwork``) through ``$batch``, 20 at a time.

        Inner 429/503/504 are retried here, honouring their ``Retry-After`` — the SDK never retries
        inside a batch (sdk.md §4, §5) — and a 429 pauses the service the inner requests belong to
        for everyone. Batches count against that service's cap as per-item (bulk) work. Chunks run
        concurrently, capped by the retry handler's gate. Results come back in the order of ``urls``.
        """
        chunks = [list(range(i, min(i + BATCH_LIMIT, len(urls)))) for i in range(0, len(urls), BATCH_LIMIT)]
        results: list[BatchResponse | None] = [None] * len(urls)
        root = self.settings.base_url if api == "v1.0" else self.settings.beta_url
        service = service_of(root + urls[0]) if urls else "batch"

        async def run_chunk(indexes: list[int]) -> None:
            pending = indexes
            for attempt in range(1, self.policy.max_attempts + 1):
                answers = await self._send_batch([(str(i), urls[i]) for i in pending], api, service)
                retry: list[int] = []
                wait = 0.0
                for i in pending:
                    answer = answers.get(str(i))
                    if answer is None or (answer.status in RETRY_STATUSES and attempt < self.policy.max_attempts):
                        retry.append(i)
                        asked = parse_retry_after(answer.headers.get("Retry-After")) if answer else None
                        wait = max(wait, asked if asked is not None else self.retry._backoff(attempt))
                    results[i] = answer
                if not retry:
                    return
                if wait > self.policy.max_retry_wait:
                    return
                self.stats.retries += len(retry)
                self.retry.gate(service).close_for(wait)
                await self.retry.gate(service).wait_open()
                pending = retry

        await asyncio.gather(*(run_chunk(c) for c in chunks))
        return [
            r if r is not None else BatchResponse(str(i), 0, {}, None) for i, r in enumerate(results)
        ]

    async def _send_batch(self, items: list[tuple[str, str]], api: str, service: str) -> dict[str, BatchResponse]:
        from kiota_abstractions.method import Method
        from kiota_abstractions.request_information import RequestInformation

        ri = RequestInformation()
        ri.http_method = Method.POST
        root = self.settings.base_url if api == "v1.0" else self.settings.beta_url
        ri.url = f"{root}/$batch"
        payload = {"requests": [{"id": i, "method": "GET", "url": u} for i, u in items]}
        ri.set_stream_content(json.dumps(payload).encode(), "application/json")
        ri.headers.try_add("Accept", "application/json")
        ri.add_request_options([ServiceOption(service, bulk=True)])
        doc = await self.get_json(ri)
        answers: dict[str, BatchResponse] = {}
        for r in (doc or {}).get("responses", []):
            headers = {str(k): str(v) for k, v in (r.get("headers") or {}).items()}
            answers[str(r.get("id"))] = BatchResponse(str(r.get("id")), int(r.get("status", 0)), headers, r.get("body"))
        return answers


async def _let_it_send(turns: int = 8) -> None:
    """Give a just-created request task a few loop turns to write its request before we parse.

    Parsing a page is CPU work that holds the event loop; a task that has not yet written its
    request would otherwise wait for the parse, serialising what should overlap.
    """
    for _ in range(turns):
        await asyncio.sleep(0)


_NEXT_LINK = re.compile(rb'"@odata\.nextLink"\s*:\s*"((?:[^"\\]|\\.)*)"')
_PEEK = 4096


def peek_next_link(body: bytes) -> str | None:
    """The top-level ``@odata.nextLink`` read from the first or last few KB of a page, unparsed.

    Graph writes the link before or after ``value``; looking only at the ends keeps this O(1) per
    page. A false find is harmless: the caller checks it against the parsed page.
    """
    for chunk in (body[:_PEEK], body[-_PEEK:]):
        match = _NEXT_LINK.search(chunk)
        if match:
            try:
                link = json.loads(b'"' + match.group(1) + b'"')
            except ValueError:
                return None
            return link if isinstance(link, str) else None
    return None


def request_info(
    builder: Any,
    *,
    select: Sequence[str] = (),
    top: int | None = None,
    filter: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """A GET ``RequestInformation`` from any msgraph request builder, with OData options."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    config: RequestConfiguration[Any] = RequestConfiguration()
    if select or top or filter:
        qp_class = _query_parameters_class(builder)
        kwargs: dict[str, Any] = {}
        if select:
            kwargs["select"] = list(select)
        if top:
            kwargs["top"] = top
        if filter:
            kwargs["filter"] = filter
        config.query_parameters = qp_class(**kwargs)
    for k, v in (headers or {}).items():
        config.headers.try_add(k, v)
    return builder.to_get_request_information(request_configuration=config)


def _query_parameters_class(builder: Any) -> Any:
    for name in dir(type(builder)):
        if name.endswith("GetQueryParameters"):
            return getattr(type(builder), name)
    raise TypeError(f"{type(builder).__name__} takes no query parameters")


def _path(request_information: Any) -> str:
    try:
        url = str(request_information.url)
    except Exception:  # a request that cannot even be rendered
        return "(unknown)"
    return urlparse(url).path or url
