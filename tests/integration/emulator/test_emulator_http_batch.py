"""$batch: inner requests routed like top-level ones, faults included, counted apart."""

from __future__ import annotations

from typing import Any

import httpx

from m365gov.emulator import Emulator


def _batch(client: httpx.Client, requests: list[dict[str, Any]]) -> httpx.Response:
    return client.post("/$batch", json={"requests": requests})


def test_batch_answers_each_inner_request(client: httpx.Client, emulator: Emulator) -> None:
    uid = emulator.tenant.users[0]["id"]
    resp = _batch(client, [{"id": "1", "method": "GET", "url": f"/users/{uid}/teamwork"},
                           {"id": "2", "method": "GET", "url": "/teamwork"}])
    assert resp.status_code == 200
    by_id = {r["id"]: r for r in resp.json()["responses"]}
    assert by_id["1"]["status"] == 200 and by_id["1"]["body"]["region"] == "France"
    assert by_id["2"]["body"]["isTeamsEnabled"] is True


def test_inner_429_arrives_inside_a_200(client: httpx.Client, emulator: Emulator) -> None:
    uid = emulator.tenant.users[1]["id"]
    emulator.script(f"/v1.0/users/{uid}/teamwork", status=429, headers={"Retry-After": "2.128"}, inner=True)
    resp = _batch(client, [{"id": "a", "method": "GET", "url": f"/users/{uid}/teamwork"},
                           {"id": "b", "method": "GET", "url": "/teamwork"}])
    assert resp.status_code == 200
    by_id = {r["id"]: r for r in resp.json()["responses"]}
    assert by_id["a"]["status"] == 429
    assert by_id["a"]["headers"]["Retry-After"] == "2.128"
    assert by_id["a"]["body"]["error"]["code"] == "TooManyRequests"
    assert by_id["b"]["status"] == 200


def test_more_than_20_requests_is_a_400(client: httpx.Client) -> None:
    reqs = [{"id": str(i), "method": "GET", "url": "/teamwork"} for i in range(21)]
    resp = _batch(client, reqs)
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "BadRequest"


def test_exactly_20_requests_is_accepted(client: httpx.Client) -> None:
    reqs = [{"id": str(i), "method": "GET", "url": "/teamwork"} for i in range(20)]
    assert len(_batch(client, reqs).json()["responses"]) == 20


def test_inner_requests_are_counted_apart_from_http_requests(client: httpx.Client, emulator: Emulator) -> None:
    _batch(client, [{"id": str(i), "method": "GET", "url": "/teamwork"} for i in range(5)])
    stats = emulator.stats()
    assert stats["http_requests"] == 1 and stats["batch_inner_requests"] == 5


def test_failed_dependency_is_424(client: httpx.Client) -> None:
    resp = _batch(client, [{"id": "1", "method": "GET", "url": "/users/unknown-user"},
                           {"id": "2", "method": "GET", "url": "/teamwork", "dependsOn": ["1"]}])
    statuses = {r["id"]: r["status"] for r in resp.json()["responses"]}
    assert statuses == {"1": 404, "2": 424}


def test_unimplemented_inner_request_is_501_inside(client: httpx.Client) -> None:
    resp = _batch(client, [{"id": "1", "method": "GET", "url": "/communications/calls"}])
    assert resp.json()["responses"][0]["status"] == 501


def test_inner_paging_links_are_absolute(client: httpx.Client, emulator: Emulator) -> None:
    resp = _batch(client, [{"id": "1", "method": "GET", "url": "/users?$select=id&$top=2"}])
    link = resp.json()["responses"][0]["body"]["@odata.nextLink"]
    assert link.startswith(emulator.graph_url + "/users?")


def test_batch_without_token_is_401(emulator: Emulator) -> None:
    resp = httpx.post(f"{emulator.graph_url}/$batch",
                      json={"requests": [{"id": "1", "method": "GET", "url": "/teamwork"}]})
    assert resp.status_code == 401
