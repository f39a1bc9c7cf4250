"""The management-plane reader against single mocked ARM exchanges: a vault, its role assignments
(paged), a vault that is not where the plan says, and a Reader missing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import responses

from m365gov.collect.keyvault_arm import read_vault_properties
from m365gov.config import KeySettings
from m365gov.keys.clients import management_client
from m365gov.keys.desired import VaultSpec
from tests.unit.keys.vault_mock import FakeCredential

ARM = "https://management.azure.com"
SUB = "11111111-1111-1111-1111-111111111111"
SPEC = VaultSpec("kv-a", "https://kv-a.vault.azure.net", SUB, "rg1", "francecentral")
VAULT_PATH = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv-a"


@pytest.fixture
def arm() -> Iterator[tuple[responses.RequestsMock, list[str]]]:
    seen: list[str] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rs:
        yield rs, seen
    assert not any(m != "GET" for m in seen), seen  # Reader: m365gov only reads the management plane


def _route(rs: responses.RequestsMock, seen: list[str], path: str, status: int, body: Any) -> None:
    def reply(req: Any) -> tuple[int, dict[str, str], str]:
        seen.append(req.method)
        assert req.headers["Authorization"].startswith("Bearer ")
        return status, {"Content-Type": "application/json"}, json.dumps(body)

    for m in (responses.GET, responses.PUT, responses.PATCH, responses.POST, responses.DELETE):
        rs.add_callback(m, re.compile(re.escape(ARM + path) + r"(\?.*)?$"), callback=reply)


def _vault(rbac: bool) -> dict[str, Any]:
    return {"id": VAULT_PATH, "name": "kv-a", "location": "francecentral",
            "properties": {"tenantId": "t", "sku": {"family": "A", "name": "premium"}, "enableSoftDelete": True,
                           "softDeleteRetentionInDays": 90, "enablePurgeProtection": True,
                           "enableRbacAuthorization": rbac, "accessPolicies": [],
                           "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}}}


def _read() -> dict[str, Any]:
    with management_client(SUB, FakeCredential(), KeySettings(retry_total=0)) as client:
        return read_vault_properties(client, SPEC)


def test_a_vault_in_rbac_mode_comes_with_every_page_of_its_role_assignments(arm: Any) -> None:
    rs, seen = arm
    _route(rs, seen, VAULT_PATH, 200, _vault(rbac=True))
    ra = f"{VAULT_PATH}/providers/Microsoft.Authorization/roleAssignments"
    page2 = f"{ARM}/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments?page=2"

    def assignments(req: Any) -> tuple[int, dict[str, str], str]:
        seen.append(req.method)
        assert "atScope()" in req.url
        return 200, {}, json.dumps({"value": [{"id": "a1", "properties": {"principalId": "p1"}}], "nextLink": page2})

    rs.add_callback(responses.GET, re.compile(re.escape(ARM + ra) + r"\?.*"), callback=assignments)
    rs.add(responses.GET, page2, json={"value": [{"id": "a2", "properties": {"principalId": "p2"}}]})
    record = _read()
    assert record["status"] == "ok" and record["found"] is True
    assert record["arm"]["properties"]["enablePurgeProtection"] is True  # ARM's own names, as returned
    assert [a["id"] for a in record["roleAssignments"]] == ["a1", "a2"]


def test_access_policy_vaults_need_no_role_assignment_call(arm: Any) -> None:
    rs, seen = arm
    _route(rs, seen, VAULT_PATH, 200, _vault(rbac=False))
    record = _read()
    assert record["roleAssignments"] is None and seen == ["GET"]


def test_a_vault_that_is_not_where_the_plan_says_is_evidence_not_an_error(arm: Any) -> None:
    rs, seen = arm
    _route(rs, seen, VAULT_PATH, 404, {"error": {"code": "ResourceNotFound", "message": "not found"}})
    record = _read()
    assert (record["status"], record["found"]) == ("ok", False)


def test_a_missing_reader_role_names_it(arm: Any) -> None:
    rs, seen = arm
    _route(rs, seen, VAULT_PATH, 403, {"error": {"code": "AuthorizationFailed", "message":
                                                 "The client 'x' does not have authorization to perform action "
                                                 "'Microsoft.KeyVault/vaults/read' over scope '/subscriptions/…'."}})
    record = _read()
    assert record["status"] == "missing_permission" and record["permission"] == (
        "Reader on the vault's subscription or resource group")
    assert "forbidden by RBAC (HTTP 403 AuthorizationFailed)" in record["detail"] and VAULT_PATH in record["detail"]
