"""Errors as Graph sends them: 401 without a token, 501 for what is not implemented, 403, 404."""

from __future__ import annotations

import httpx

from m365gov.emulator import Emulator, Faults


def test_request_without_token_is_401(emulator: Emulator) -> None:
    resp = httpx.get(f"{emulator.graph_url}/users")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert "WWW-Authenticate" in resp.headers


def test_non_bearer_authorization_is_401(emulator: Emulator) -> None:
    resp = httpx.get(f"{emulator.graph_url}/users", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert resp.status_code == 401


def test_error_body_has_graph_shape(emulator: Emulator) -> None:
    error = httpx.get(f"{emulator.graph_url}/users").json()["error"]
    assert set(error) == {"code", "message", "innerError"}
    assert {"date", "request-id"} <= set(error["innerError"])


def test_unimplemented_path_is_501_naming_method_and_path(client: httpx.Client) -> None:
    resp = client.get("/communications/calls")
    assert resp.status_code == 501
    message = resp.json()["error"]["message"]
    assert "does not implement GET /v1.0/communications/calls" in message


def test_unimplemented_method_is_501(client: httpx.Client, emulator: Emulator) -> None:
    resp = client.delete(f"/users/{emulator.tenant.users[0]['id']}")
    assert resp.status_code == 501 and "DELETE" in resp.json()["error"]["message"]


def test_function_segment_is_not_taken_for_an_id(client: httpx.Client) -> None:
    assert client.get("/users/delta()").status_code == 501


def test_beta_endpoint_not_emulated_is_501(emulator: Emulator) -> None:
    resp = httpx.get(f"{emulator.beta_url}/teamwork/workforceIntegrations", headers={"Authorization": "Bearer t"})
    assert resp.status_code == 501


def test_forbidden_prefix_is_403_insufficient_privileges(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(forbidden=frozenset({"/v1.0/sites"}))
    resp = client.get("/sites/root")
    assert resp.status_code == 403
    error = resp.json()["error"]
    assert error["code"] == "Authorization_RequestDenied"
    assert error["message"] == "Insufficient privileges to complete the operation."
    assert client.get("/users?$top=1").status_code == 200


def test_unknown_group_is_404(client: httpx.Client) -> None:
    resp = client.get("/groups/11111111-1111-1111-1111-111111111111/members")
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "Request_ResourceNotFound"


def test_client_request_id_is_echoed(client: httpx.Client) -> None:
    resp = client.get("/teamwork", headers={"client-request-id": "abc-123"})
    assert resp.headers["client-request-id"] == "abc-123" and resp.headers["request-id"]


def test_token_value_is_never_recorded(client: httpx.Client, emulator: Emulator) -> None:
    client.get("/teamwork", headers={"Authorization": "Bearer very-secret-value"})
    assert "very-secret-value" not in repr(emulator.requests) + repr(emulator.stats())
