"""The server itself: loopback only, lifecycle, keep-alive, control endpoints, serve()."""

from __future__ import annotations

import io
import threading

import httpx
import pytest

from m365gov.emulator import Emulator, generate_tenant, serve


def test_only_loopback_hosts_are_accepted() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(generate_tenant(users=100), host="0.0.0.0")


def test_urls_have_no_trailing_slash(emulator: Emulator) -> None:
    assert emulator.graph_url == f"http://127.0.0.1:{emulator.port}/v1.0"
    assert emulator.beta_url == f"http://127.0.0.1:{emulator.port}/beta"


def test_start_and_stop_free_the_port() -> None:
    emu = Emulator(generate_tenant(users=100)).start()
    url = f"{emu.graph_url}/teamwork"
    assert httpx.get(url, headers={"Authorization": "Bearer t"}).status_code == 200
    emu.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, headers={"Authorization": "Bearer t"})


def test_port_is_unknown_before_start() -> None:
    with pytest.raises(RuntimeError):
        _ = Emulator(generate_tenant(users=100)).port


def test_keep_alive_reuses_one_connection(client: httpx.Client, emulator: Emulator) -> None:
    for _ in range(5):
        assert client.get("/teamwork").status_code == 200
    assert emulator.stats()["connections"] == 1


def test_stats_endpoint_needs_no_token_and_is_not_counted(client: httpx.Client, emulator: Emulator) -> None:
    client.get("/teamwork")
    body = httpx.get(f"{emulator.base_url}/_emulator/stats").json()
    assert body["http_requests"] == 1
    assert httpx.get(f"{emulator.base_url}/_emulator/stats").json()["http_requests"] == 1


def test_reset_endpoint_clears_the_counters(client: httpx.Client, emulator: Emulator) -> None:
    client.get("/teamwork")
    assert httpx.post(f"{emulator.base_url}/_emulator/reset").status_code == 204
    assert emulator.stats()["http_requests"] == 0


def test_defects_endpoint_lists_the_seeded_defects(emulator: Emulator) -> None:
    body = httpx.get(f"{emulator.base_url}/_emulator/defects").json()
    assert body["value"] == emulator.tenant.defects
    assert body["councilGroupId"] == emulator.tenant.council_group_id


def test_in_process_dispatch_needs_no_socket() -> None:
    from m365gov.emulator.protocol import make_request

    emu = Emulator(generate_tenant(users=100))
    resp = emu.dispatch(make_request("GET", "/v1.0/teamwork", {"Authorization": "Bearer t"}))
    assert resp.status == 200 and resp.json()["region"] == "France"


def test_serve_prints_its_urls_and_stops_on_request() -> None:
    out = io.StringIO()
    stop = threading.Event()
    ready: list[Emulator] = []
    thread = threading.Thread(target=serve, kwargs={"users": 100, "port": 0, "out": out, "stop": stop,
                                                    "on_ready": ready.append})
    thread.start()
    try:
        for _ in range(100):
            if ready:
                break
            stop.wait(0.05)
        assert ready, "serve() did not become ready"
        graph_url, beta_url = ready[0].graph_url, ready[0].beta_url
        assert httpx.get(f"{graph_url}/teamwork", headers={"Authorization": "Bearer t"}).status_code == 200
    finally:
        stop.set()
        thread.join(5)
    text = out.getvalue()
    assert graph_url in text and beta_url in text and "stopped" in text


def test_stats_group_requests_by_route_pattern(client: httpx.Client, emulator: Emulator) -> None:
    for user in emulator.tenant.users[:3]:
        client.get(f"/users/{user['id']}/teamwork")
    client.get("/nowhere")
    by_route = emulator.stats()["by_route"]
    assert by_route == {"GET /v1.0/users/{user_id}/teamwork": 3, "GET (not implemented)": 1}


def test_unknown_control_path_is_not_counted(emulator: Emulator) -> None:
    assert httpx.get(f"{emulator.base_url}/_emulator/nothing").status_code == 501
    assert emulator.stats()["http_requests"] == 0
