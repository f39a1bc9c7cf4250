"""The per-service gate: a 429 holds back every request of the service, queued ones included."""

from __future__ import annotations

import asyncio
import time

import httpx

from m365gov.auth import StaticTestCredential
from m365gov.collect.graph import GraphSession, request_info
from m365gov.collect.throttle import RetryPolicy
from m365gov.config import graph_settings_for


def test_a_request_queued_for_a_slot_waits_for_a_429_that_arrived_meanwhile() -> None:
    """With one slot, the second request queues while the first is answered 429 (Retry-After 0.3):
    it must not go out the moment the slot frees, but when the service's gate reopens."""
    sent: list[tuple[float, str]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append((time.monotonic(), request.url.path))
        if len(sent) == 1:
            await asyncio.sleep(0.05)  # the second request is queued behind this one
            return httpx.Response(429, headers={"Retry-After": "0.3"}, json={"error": {"code": "TooManyRequests"}})
        return httpx.Response(200, json={"value": []})

    session = GraphSession(
        graph_settings_for("https://graph.microsoft.com"),
        StaticTestCredential(),
        policy=RetryPolicy(concurrency=1),
        transport=httpx.MockTransport(handler),
    )

    async def main() -> None:
        try:
            await asyncio.gather(
                session.get_json(request_info(session.client.organization)),
                session.get_json(request_info(session.client.subscribed_skus)),
            )
        finally:
            await session.close()

    asyncio.run(main())
    first_answered = sent[0][0] + 0.05
    assert len(sent) == 3
    assert all(t >= first_answered + 0.29 for t, _ in sent[1:]), sent


def test_the_sdks_retry_handler_is_replaced_not_stacked() -> None:
    """msgraph-sdk's RetryHandler misreads a fractional Retry-After and sees nothing inside $batch
    (sdk.md §5); stacked under m365gov's, it would also multiply the attempts. Only ours is in the chain."""
    from kiota_http.middleware import RetryHandler

    from m365gov.collect.throttle import ThrottleAwareRetryHandler

    session = GraphSession(graph_settings_for("https://graph.microsoft.com"), StaticTestCredential())
    chain = []
    middleware = session._http._transport.pipeline._first_middleware  # type: ignore[attr-defined]
    while middleware is not None:
        chain.append(middleware)
        middleware = getattr(middleware, "next", None)
    assert [type(m) for m in chain].count(ThrottleAwareRetryHandler) == 1
    assert not any(isinstance(m, RetryHandler) for m in chain)
    asyncio.run(session.close())
