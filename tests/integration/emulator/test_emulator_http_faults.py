"""Injected faults over real sockets: throttling in every Retry-After form, 503, drops, latency."""

from __future__ import annotations

import email.utils
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from m365gov.emulator import Emulator, Faults


@pytest.mark.parametrize(("form", "check"), [
    ("int", lambda v: v == "1"),
    ("fraction", lambda v: v == "0.128"),
    ("http-date", lambda v: email.utils.parsedate_to_datetime(v) is not None),
    ("absent", lambda v: v is None),
])
def test_throttled_request_gets_429_with_each_retry_after_form(client: httpx.Client, emulator: Emulator,
                                                               form: str, check: object) -> None:
    emulator.faults = Faults(throttle_rate=1.0, retry_after_forms=(form,), retry_after_seconds=0.128)  # type: ignore[arg-type]
    resp = client.get("/teamwork")
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "TooManyRequests"
    assert check(resp.headers.get("Retry-After"))  # type: ignore[operator]


def test_scripted_fractional_retry_after_is_sent_verbatim(client: httpx.Client, emulator: Emulator) -> None:
    emulator.script("/v1.0/users", status=429, headers={"Retry-After": "2.128"})
    first = client.get("/users?$top=1")
    assert (first.status_code, first.headers["Retry-After"]) == (429, "2.128")
    assert client.get("/users?$top=1").status_code == 200


def test_throttling_is_partial_and_retries_get_through(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(seed=4, throttle_rate=0.5, retry_after_seconds=0)
    statuses = [client.get("/teamwork").status_code for _ in range(30)]
    assert {200, 429} == set(statuses)


def test_503_comes_with_a_retry_after(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(error_503_rate=1.0, retry_after_forms=("int",))
    resp = client.get("/teamwork")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "1"
    assert resp.json()["error"]["code"] == "ServiceUnavailable"


def test_dropped_connection_cuts_the_body(emulator: Emulator) -> None:
    emulator.faults = Faults(drop_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{emulator.graph_url}/users?$top=50", headers={"Authorization": "Bearer t"})
    assert emulator.stats()["faults"]["drop"] == 1


def test_scripted_drop_then_recovery(client: httpx.Client, emulator: Emulator) -> None:
    emulator.script("/v1.0/users", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/users?$top=5")
    assert client.get("/users?$top=5").status_code == 200


def test_latency_is_added_to_each_request(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(latency=0.2)
    t0 = time.perf_counter()
    client.get("/teamwork")
    assert time.perf_counter() - t0 >= 0.2
    assert emulator.requests[-1].duration >= 0.2


def test_latency_overlaps_for_concurrent_requests(emulator: Emulator) -> None:
    emulator.faults = Faults(latency=0.3)

    def one(_: int) -> int:
        return httpx.get(f"{emulator.graph_url}/teamwork", headers={"Authorization": "Bearer t"}).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, range(4))) == [200] * 4
    # Overlap is shown by requests in flight at once, not by a wall-clock timer (flaky on a busy machine).
    assert emulator.stats()["max_in_flight"] >= 2


def test_strict_mode_refuses_a_client_that_retries_too_early(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(strict_retry_after=True)
    emulator.script("/v1.0/teamwork", status=429, headers={"Retry-After": "0.3"})
    assert client.get("/teamwork").status_code == 429
    early = client.get("/teamwork")
    assert early.status_code == 429
    time.sleep(0.35)
    assert client.get("/teamwork").status_code == 200
    assert emulator.stats()["hammering"] == 1


def test_stats_count_statuses_and_faults(client: httpx.Client, emulator: Emulator) -> None:
    emulator.script("/v1.0/teamwork", status=503, times=2)
    for _ in range(3):
        client.get("/teamwork")
    stats = emulator.stats()
    assert stats["http_requests"] == 3
    assert stats["by_status"] == {"503": 2, "200": 1}
    assert stats["faults"]["scripted"] == 2
    assert [r.fault for r in emulator.requests] == ["scripted", "scripted", None]
