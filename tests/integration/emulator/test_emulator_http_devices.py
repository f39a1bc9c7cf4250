"""Beta Teams devices over HTTP: list, filter, $top limits, health shapes, withdrawal, no actions."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from m365gov.emulator import Emulator, Faults

PERIPHERALS = {"roomCameraHealth", "contentCameraHealth", "microphoneHealth", "speakerHealth",
               "communicationSpeakerHealth", "displayHealthCollection"}


@pytest.fixture
def beta(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.beta_url, headers={"Authorization": "Bearer t"}, timeout=10) as c:
        yield c


def _chamber(emulator: Emulator) -> str:
    return next(d["id"] for d in emulator.tenant.devices if d["notes"] == "Salle du conseil")


def test_rooms_are_found_by_device_type_in_either_case(beta: httpx.Client) -> None:
    for value in ("teamsRoom", "TeamsRoom"):
        rooms = beta.get("/teamwork/devices", params={"$filter": f"deviceType eq '{value}'"}).json()["value"]
        assert {d["notes"] for d in rooms} >= {"Salle du conseil", "Salle des mariages"}
        assert {d["deviceType"] for d in rooms} == {"teamsRoom"}


def test_paging_with_top_covers_every_device_once(beta: httpx.Client, emulator: Emulator) -> None:
    url: str | None = "/teamwork/devices?$top=3"
    seen: list[str] = []
    while url:
        body = beta.get(url).json()
        assert len(body["value"]) <= 3
        seen += [d["id"] for d in body["value"]]
        url = body.get("@odata.nextLink")
    assert seen == [d["id"] for d in emulator.tenant.devices]


def test_top_above_50_is_a_400(beta: httpx.Client) -> None:
    assert beta.get("/teamwork/devices?$top=51").status_code == 400
    assert beta.get("/teamwork/devices?$top=50").status_code == 200


def test_an_unsupported_filter_is_a_400(beta: httpx.Client) -> None:
    assert beta.get("/teamwork/devices", params={"$filter": "healthStatus eq 'healthy'"}).status_code == 400


def test_device_has_the_documented_properties(beta: httpx.Client, emulator: Emulator) -> None:
    device = beta.get(f"/teamwork/devices/{_chamber(emulator)}").json()
    assert {"id", "deviceType", "hardwareDetail", "healthStatus", "activityState", "currentUser"} <= set(device)
    assert {"serialNumber", "uniqueId", "manufacturer", "model"} <= set(device["hardwareDetail"])


def test_chamber_health_shows_the_disconnected_room_camera(beta: httpx.Client, emulator: Emulator) -> None:
    health = beta.get(f"/teamwork/devices/{_chamber(emulator)}/health").json()
    assert {"connection", "loginStatus", "peripheralsHealth", "hardwareHealth", "softwareUpdateHealth"} <= set(health)
    peripherals = health["peripheralsHealth"]
    assert set(peripherals) == PERIPHERALS
    assert peripherals["roomCameraHealth"]["connection"]["connectionStatus"] == "disconnected"
    assert peripherals["microphoneHealth"]["connection"]["connectionStatus"] == "connected"
    assert health["loginStatus"]["teamsConnection"]["connectionStatus"] == "connected"
    assert all(d["connection"]["connectionStatus"] == "connected" for d in peripherals["displayHealthCollection"])


def test_other_rooms_are_healthy(beta: httpx.Client, emulator: Emulator) -> None:
    other = next(d["id"] for d in emulator.tenant.devices if d["notes"] == "Salle des mariages")
    peripherals = beta.get(f"/teamwork/devices/{other}/health").json()["peripheralsHealth"]
    assert peripherals["roomCameraHealth"]["connection"]["connectionStatus"] == "connected"


def test_an_unknown_device_is_404(beta: httpx.Client) -> None:
    assert beta.get("/teamwork/devices/00000000-0000-0000-0000-000000000000/health").status_code == 404


def test_a_withdrawn_beta_api_answers_404_everywhere(beta: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(beta_unavailable=True)
    chamber = _chamber(emulator)
    for path in ("/teamwork/devices", f"/teamwork/devices/{chamber}", f"/teamwork/devices/{chamber}/health"):
        assert beta.get(path).status_code == 404
    assert emulator.stats()["faults"]["beta_unavailable"] == 3


def test_device_actions_are_never_performed(beta: httpx.Client, emulator: Emulator) -> None:
    chamber = _chamber(emulator)
    for action in ("restart", "runDiagnostics", "updateSoftware"):
        assert beta.post(f"/teamwork/devices/{chamber}/{action}").status_code == 405
