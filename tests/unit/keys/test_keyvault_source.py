"""The Key Vault data-plane reader against single mocked exchanges: every call, every error, and
the sentence a user reads for each (customer-key.md §4.4, §5.3)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from m365gov.collect.keyvault import read_vault
from m365gov.config import KeySettings
from m365gov.keys.clients import key_client
from m365gov.keys.desired import VaultSpec
from tests.unit.keys.vault_mock import FOREVER, VAULT, FakeCredential, VaultMock, key_json, mock_vaults

SPEC = VaultSpec("kv-a", VAULT)
V1, V2 = "1" * 32, "2" * 32


def _read(vault: VaultMock, settings: KeySettings, planned: tuple[str, ...] = ("k1",)) -> dict:
    with key_client(vault.url, FakeCredential(), settings) as client:
        return read_vault(client, SPEC, planned)


def _healthy(vault: VaultMock) -> VaultMock:
    return (vault
            .on("GET", "/keys", body={"value": [{"kid": f"{VAULT}/keys/k1", "attributes": {"enabled": True}}],
                                      "nextLink": None})
            .on("GET", "/keys/k1/", body=key_json("k1", V2, exp=FOREVER))
            .on("GET", "/keys/k1/versions", body={"value": [
                {"kid": f"{VAULT}/keys/k1/{V1}", "attributes": {"enabled": True, "created": 1_600_000_000,
                                                               "updated": 1_600_000_000, "exp": 1_800_000_000}},
                {"kid": f"{VAULT}/keys/k1/{V2}", "attributes": {"enabled": True, "created": 1_700_000_000,
                                                               "updated": 1_700_000_000, "exp": FOREVER}}]})
            .on("GET", "/keys/k1/rotationpolicy", body={
                "id": f"{VAULT}/keys/k1/rotationpolicy",
                "lifetimeActions": [{"trigger": {"timeAfterCreate": "P330D"}, "action": {"type": "Rotate"}},
                                    {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}],
                "attributes": {"expiryTime": "P1Y", "created": 1_700_000_000, "updated": 1_700_000_000}}))


def test_a_key_is_read_with_versions_size_and_rotation_policy_in_plain_strings(
        vault: VaultMock, settings: KeySettings) -> None:
    record = _read(_healthy(vault), settings)
    assert record["status"] == "ok" and record["missing"] == []
    (key,) = record["keys"]
    assert key["keyType"] == "RSA-HSM" and type(key["keyType"]) is str  # .value, never str(enum)
    assert key["recoveryLevel"] == "Recoverable+ProtectedSubscription" and type(key["recoveryLevel"]) is str
    assert key["recoverableDays"] == 90
    assert key["keySize"] == 3072  # len(n) * 8: Key Vault does not return a size
    assert key["keyOps"] == ["wrapKey", "unwrapKey"] and all(type(op) is str for op in key["keyOps"])
    assert key["currentVersion"] == V2 and key["expires"] == "9999-12-31T00:00:00Z"
    assert [v["version"] for v in key["versions"]] == [V1, V2]
    assert key["versions"][0]["expires"] == "2027-01-15T08:00:00Z"
    policy = key["rotationPolicy"]
    assert policy["attributes"]["expiryTime"] == "P1Y"
    assert policy["lifetimeActions"][0] == {"trigger": {"timeAfterCreate": "P330D"}, "action": {"type": "Rotate"}}
    assert {(m, p) for m, p, _ in vault.requests} == {
        ("GET", "/keys"), ("GET", "/keys/k1/"), ("GET", "/keys/k1/versions"), ("GET", "/keys/k1/rotationpolicy")}


def test_no_key_material_but_the_size_is_kept(vault: VaultMock, settings: KeySettings) -> None:
    (key,) = _read(_healthy(vault), settings)["keys"]
    assert "n" not in key and "e" not in key and "key" not in key


def test_a_planned_key_that_the_vault_does_not_have_is_recorded_missing_not_an_error(
        vault: VaultMock, settings: KeySettings) -> None:
    vault.on("GET", "/keys", body={"value": []})
    record = _read(vault, settings)  # GET /keys/k1/ is answered 404 KeyNotFound
    assert (record["status"], record["keys"], record["missing"]) == ("ok", [], ["k1"])


def test_a_key_without_rotation_policy_has_none(vault: VaultMock, settings: KeySettings) -> None:
    _healthy(vault).error("GET", "/keys/k1/rotationpolicy", 404, "KeyNotFound", "no policy")
    (key,) = _read(vault, settings)["keys"]
    assert key["rotationPolicy"] is None


def test_the_listing_follows_next_links(vault: VaultMock, settings: KeySettings) -> None:
    _healthy(vault)
    vault.on("GET", "/keys", body={"value": [{"kid": f"{VAULT}/keys/k1", "attributes": {}}],
                                   "nextLink": f"{VAULT}/keys?$skiptoken=abc&maxresults=1"})
    calls = {"n": 0}

    def pages(req: Any) -> tuple[int, dict[str, str], str]:
        calls["n"] += 1
        if "skiptoken" in req.url:
            assert "api-version=" in req.url  # the SDK adds it to a nextLink that lacks it
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"value": [{"kid": f"{VAULT}/keys/k2", "attributes": {}}]})
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"value": [{"kid": f"{VAULT}/keys/k1", "attributes": {}}],
             "nextLink": f"{VAULT}/keys?$skiptoken=abc&maxresults=1"})

    vault.routes.append(("GET", re.compile("/keys"), pages))
    record = _read(vault, settings)
    assert calls["n"] == 2
    assert [k["name"] for k in record["keys"]] == ["k1"] and record["missing"] == ["k2"]


@pytest.mark.parametrize(
    ("status", "code", "inner", "message", "headers", "expected_status", "words"),
    [
        (401, "Unauthorized", None, "AKV10022: Invalid audience.", {}, "error",
         ["authentication failed", "401", "check the credential"]),
        (403, "Forbidden", "ForbiddenByRbac", "Caller is not authorized to perform action on resource.", {},
         "missing_permission", ["forbidden by RBAC", "403 ForbiddenByRbac", "Key Vault Reader"]),
        (403, "Forbidden", "AccessDenied",
         "The user, group or application 'appid=x' does not have keys list permission on key vault 'kv-a'.", {},
         "missing_permission", ["forbidden by access policy", "keys: get, list"]),
        (403, "Forbidden", "ForbiddenByFirewall", "Client address is not authorized and caller is not a trusted "
         "service.\r\nClient address: 203.0.113.9", {}, "error", ["firewall", "ForbiddenByFirewall",
                                                                   "network rules"]),
        (429, "Throttled", None, "Request was not processed because too many requests were received.",
         {"Retry-After": "7"}, "throttled", ["throttled", "429", "wait 7 s"]),
        (503, "ServiceUnavailable", None, "The service is temporarily unavailable.", {}, "error",
         ["service error", "503"]),
        (500, "InternalServerError", None, "An internal error occurred.", {}, "error", ["service error", "500"]),
    ],
)
def test_each_error_becomes_an_honest_status_and_sentence(
        vault: VaultMock, settings: KeySettings, status: int, code: str, inner: str | None, message: str,
        headers: dict[str, str], expected_status: str, words: list[str]) -> None:
    if status == 401:
        # A 401 that carries no challenge reaches the caller (the SDK answers 401+challenge itself).
        vault.on("GET", "/keys", 401, {"error": {"code": code, "message": message}})
    else:
        vault.error("GET", "/keys", status, code, message, inner, headers)
    record = _read(vault, settings)
    assert record["status"] == expected_status
    assert record["keys"] == [] and record["missing"] == []
    for w in words:
        assert w in record["detail"], (w, record["detail"])
    assert VAULT in record["detail"] and "unit-test-token" not in record["detail"]
    if expected_status == "missing_permission":
        assert "Key Vault Reader" in record["permission"]


def test_a_connection_error_is_an_error_naming_the_vault(settings: KeySettings) -> None:
    import responses as rs_module

    with rs_module.RequestsMock(assert_all_requests_are_fired=False) as rs:
        rs.add(rs_module.GET, re.compile(r"https://kv-down\.vault\.azure\.net/.*"),
               body=requests.exceptions.ConnectionError("Connection refused"))
        with key_client("https://kv-down.vault.azure.net", FakeCredential(), settings) as client:
            record = read_vault(client, VaultSpec("kv-down", "https://kv-down.vault.azure.net"), ["k1"])
    assert record["status"] == "error"
    assert "cannot reach the service" in record["detail"] and "kv-down" in record["detail"]


def test_a_non_vault_host_needs_the_challenge_check_off() -> None:
    """A host outside the challenge's resource (vault.azure.net) is refused with the SDK's explanation,
    before any token is sent: only a loopback vault may turn the check off (see the plan-file tests)."""
    other = VaultMock(url="https://kv.example.org")
    gen = mock_vaults(other)
    next(gen)
    try:
        with key_client(other.url, FakeCredential(), KeySettings(retry_total=0)) as client:
            record = read_vault(client, VaultSpec("kv", other.url), ["k1"])
    finally:
        gen.close()
    assert record["status"] == "error" and "verify_challenge_resource" in record["detail"]
    assert other.requests == []  # the 401 probe only: no authorised request reached the host
