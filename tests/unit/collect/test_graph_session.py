"""GraphSession's retry layer, one exchange at a time (httpx MockTransport, no socket)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from m365gov.auth import StaticTestCredential
from m365gov.collect.graph import GraphError, GraphSession, request_info
from m365gov.collect.throttle import RetryPolicy
from m365gov.config import graph_settings_for

Handler = Callable[[httpx.Request], httpx.Response]


def _session(handler: Handler, **policy: float) -> GraphSession:
    return GraphSession(
        graph_settings_for("https://graph.microsoft.com"),
        StaticTestCredential(),
        policy=RetryPolicy(**policy),  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
    )


def _run(session: GraphSession, coro_factory: Callable[[GraphSession], object]) -> object:
    async def main() -> object:
        try:
            return await coro_factory(session)  # type: ignore[misc]
        finally:
            await session.close()

    return asyncio.run(main())


def _ok(body: object) -> httpx.Response:
    return httpx.Response(200, json=body)


def test_fractional_retry_after_is_waited_then_the_request_succeeds() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "0.128"}, json={"error": {"code": "TooManyRequests"}})
        return _ok({"id": "teamwork", "region": "France"})

    s = _session(handler)
    doc = _run(s, lambda g: g.get_json(request_info(g.client.teamwork)))
    assert doc == {"id": "teamwork", "region": "France"}
    assert len(calls) == 2
    assert s.stats.throttled == 1 and s.stats.retries == 1
    assert s.stats.waited_seconds >= 0.127  # the event loop may wake within its clock resolution


def test_the_bearer_token_is_sent_to_graph() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization"))
        return _ok({"value": []})

    _run(_session(handler), lambda g: g.get_json(request_info(g.client.organization)))
    assert seen == ["Bearer m365gov-emulator-token"]


def test_a_dropped_connection_is_retried() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        return _ok({"value": [{"id": "o1"}]})

    s = _session(handler, backoff_base=0.01)
    assert _run(s, lambda g: g.get_json(request_info(g.client.organization))) == {"value": [{"id": "o1"}]}
    assert s.stats.dropped == 1 and calls == 2


def test_attempts_are_bounded_and_the_last_error_is_reported() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503, headers={"Retry-After": "0"}, json={"error": {"code": "ServiceUnavailable"}})

    s = _session(handler, max_attempts=3)
    with pytest.raises(GraphError) as err:
        _run(s, lambda g: g.get_json(request_info(g.client.organization)))
    assert err.value.status == 503 and calls == 3 and s.stats.gave_up == 1


def test_a_retry_after_longer_than_the_limit_is_not_waited() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"}, json={"error": {"code": "TooManyRequests"}})

    s = _session(handler, max_retry_wait=10)
    with pytest.raises(GraphError) as err:
        _run(s, lambda g: g.get_json(request_info(g.client.organization)))
    assert err.value.status == 429 and s.stats.requests == 1 and s.stats.waited_seconds == 0


def test_graph_errors_keep_status_code_and_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403,
            json={"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges."}},
        )

    with pytest.raises(GraphError) as err:
        _run(_session(handler), lambda g: g.get_json(request_info(g.client.organization)))
    assert (err.value.status, err.value.code) == (403, "Authorization_RequestDenied")
    assert "Insufficient privileges." in str(err.value) and "/v1.0/organization" in str(err.value)


def test_pages_follow_next_links_with_select_and_top() -> None:
    urls: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(request.url)
        if "skiptoken" not in str(request.url):
            return _ok({"value": [{"id": "1"}], "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=2"})
        return _ok({"value": [{"id": "2"}]})

    items = _run(_session(handler), lambda g: g.list_all(g.client.users, select=["id", "usageLocation"], top=999))
    assert items == [{"id": "1"}, {"id": "2"}]
    assert urls[0].params["$select"] == "id,usageLocation" and urls[0].params["$top"] == "999"


def test_a_next_link_to_another_host_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return _ok({"value": [], "@odata.nextLink": "https://evil.example/v1.0/users?$skiptoken=2"})

    with pytest.raises(GraphError, match="another host"):
        _run(_session(handler), lambda g: g.list_all(g.client.users))


def test_inner_batch_429_is_retried_with_its_retry_after() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        responses = []
        for r in body["requests"]:
            if len(bodies) == 1 and r["id"] == "1":
                responses.append({"id": r["id"], "status": 429, "headers": {"Retry-After": "0.1"}, "body": {}})
            else:
                responses.append({"id": r["id"], "status": 200, "body": {"url": r["url"]}})
        return _ok({"responses": responses})

    s = _session(handler)
    answers = _run(s, lambda g: g.batch(["/users/a/teamwork", "/users/b/teamwork"]))
    assert [a.body for a in answers] == [{"url": "/users/a/teamwork"}, {"url": "/users/b/teamwork"}]
    assert len(bodies) == 2 and [r["id"] for r in bodies[1]["requests"]] == ["1"]  # type: ignore[index]


def test_batches_hold_at_most_twenty_requests() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        reqs = json.loads(request.content)["requests"]
        sizes.append(len(reqs))
        return _ok({"responses": [{"id": r["id"], "status": 200, "body": {}} for r in reqs]})

    answers = _run(_session(handler), lambda g: g.batch([f"/users/{i}/teamwork" for i in range(45)]))
    assert sorted(sizes) == [5, 20, 20] and len(answers) == 45  # type: ignore[arg-type]


def test_the_next_page_is_requested_from_the_raw_link_and_checked_against_the_parsed_page() -> None:
    decoy = "https://graph.microsoft.com/v1.0/users?$skiptoken=decoy"
    real = "https://graph.microsoft.com/v1.0/users?$skiptoken=2"
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if "decoy" in str(request.url):
            return _ok({"value": [{"id": "wrong"}]})
        if "skiptoken=2" in str(request.url):
            return _ok({"value": [{"id": "2"}]})
        # A record whose nested object looks like a page link comes first; the real link is last.
        return _ok({"value": [{"id": "1", "extra": {"@odata.nextLink": decoy}}], "@odata.nextLink": real})

    items = _run(_session(handler), lambda g: g.list_all(g.client.users))
    assert [i["id"] for i in items] == ["1", "2"]  # type: ignore[union-attr]
    assert any("skiptoken=2" in u for u in seen)


def test_peek_finds_the_link_at_either_end_of_a_large_page() -> None:
    from m365gov.collect.graph import peek_next_link

    filler = ",".join(f'{{"id":"{i}"}}' for i in range(2000))
    head = ('{"@odata.nextLink":"https://g/v1.0/users?$skiptoken=a\\u0026b","value":[' + filler + "]}").encode()
    tail = ('{"value":[' + filler + '],"@odata.nextLink":"https://g/v1.0/users?$skiptoken=z"}').encode()
    assert peek_next_link(head) == "https://g/v1.0/users?$skiptoken=a&b"
    assert peek_next_link(tail) == "https://g/v1.0/users?$skiptoken=z"
    assert peek_next_link(b'{"value":[' + filler.encode() + b"]}") is None
