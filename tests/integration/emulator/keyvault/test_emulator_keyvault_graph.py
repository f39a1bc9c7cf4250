"""Graph resolves the Microsoft 365 service principals' object ids that ARM role assignments name."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from m365gov.emulator import Emulator, generate_keyvault_town, generate_tenant
from m365gov.emulator.keyvault_town import EXCHANGE_APP_ID, M365_DATA_AT_REST_APP_ID, SHAREPOINT_APP_ID


@pytest.fixture(scope="module")
def graph() -> Iterator[tuple[Emulator, httpx.Client]]:
    with Emulator(generate_tenant()) as emu, httpx.Client(
            base_url=emu.graph_url, headers={"Authorization": "Bearer test"}, timeout=10) as client:
        yield emu, client


def test_service_principals_filtered_by_app_id_give_the_vault_principals_object_ids(
        graph: tuple[Emulator, httpx.Client]) -> None:
    emu, client = graph
    resp = client.get("/servicePrincipals", params={
        "$select": "id,appId,displayName",
        "$filter": f"appId in ('{EXCHANGE_APP_ID}', '{SHAREPOINT_APP_ID}', '{M365_DATA_AT_REST_APP_ID}')"})
    assert resp.status_code == 200
    found = {sp["appId"]: sp["id"] for sp in resp.json()["value"]}
    expected = {app: sp["id"] for app, sp in generate_keyvault_town(emu.tenant).service_principals.items()}
    assert found == expected


def test_service_principal_by_app_id_key(graph: tuple[Emulator, httpx.Client]) -> None:
    _emu, client = graph
    resp = client.get(f"/servicePrincipals(appId='{EXCHANGE_APP_ID}')")
    assert resp.status_code == 200
    assert resp.json()["displayName"] == "Office 365 Exchange Online"
    assert client.get("/servicePrincipals(appId='00000000-0000-0000-0000-000000000000')").status_code == 404
