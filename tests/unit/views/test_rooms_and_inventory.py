"""Teams Rooms readiness peripheral by peripheral, and the inventory's lines joined to the directory."""

from __future__ import annotations

from typing import Any

from m365gov.views.inventory_rows import InventoryRowsView
from m365gov.views.rooms import RoomsView
from tests.support.snapshots import make_snapshot


def _peripheral(name: str, status: str, optional: bool = False) -> dict[str, Any]:
    return {
        "isOptional": optional,
        "connection": {"connectionStatus": status, "lastModifiedDateTime": "2026-11-28T07:53:00Z"},
        "peripheral": {"displayName": name},
    }


def _device(name: str, camera: str = "connected", **extra: Any) -> dict[str, Any]:
    connected = {"connectionStatus": "connected"}
    return {
        "id": f"dev-{name}",
        "deviceType": "teamsRoom",
        "healthStatus": "healthy" if camera == "connected" else "critical",
        "companyAssetTag": f"TAG-{name}",
        "hardwareDetail": {"manufacturer": "Lenovo", "model": "ThinkSmart Core"},
        "currentUser": {"id": f"acct-{name}", "displayName": name},
        "health": {
            "connection": connected,
            "loginStatus": {"teamsConnection": connected},
            "peripheralsHealth": {
                "roomCameraHealth": _peripheral("Caméra", camera),
                "microphoneHealth": _peripheral("Micros", "connected"),
                "speakerHealth": _peripheral("Haut-parleurs", "connected"),
                "contentCameraHealth": _peripheral("Caméra de contenu", "unknown", optional=True),
                "displayHealthCollection": [
                    _peripheral("Écran", "connected"),
                    _peripheral("Retour", "disconnected", optional=True),
                ],
            },
        },
        **extra,
    }


def _rooms(*devices: dict[str, Any], chamber: str | None = "Salle du conseil") -> dict[str, dict[str, Any]]:
    snap = make_snapshot({"teamworkDevices": {"chamberDevice": chamber, "devices": list(devices)}})
    return {r["displayName"]: r for r in RoomsView().build(snap)}


def test_a_room_with_a_disconnected_camera_is_not_ready_and_says_which_camera() -> None:
    rooms = _rooms(_device("Salle du conseil", camera="disconnected"), _device("Salle des mariages"))
    chamber, wedding = rooms["Salle du conseil"], rooms["Salle des mariages"]
    assert (chamber["isChamber"], chamber["camera"], chamber["ready"]) == (True, "disconnected", False)
    assert chamber["evidence"][0] == "room camera 'Caméra': disconnected (reported 2026-11-28 07:53 UTC)"
    assert (wedding["isChamber"], wedding["ready"], wedding["displays"]) == (False, True, "connected")


def test_phones_and_panels_are_not_rooms() -> None:
    phone = {"id": "p1", "deviceType": "ipPhone", "healthStatus": "offline"}
    panel = {"id": "p2", "deviceType": "teamsPanel", "currentUser": {"displayName": "Salle du conseil"}}
    assert list(_rooms(_device("Salle du conseil"), phone, panel)) == ["Salle du conseil"]


def test_the_chamber_can_be_named_by_asset_tag() -> None:
    rooms = _rooms(_device("Salle du conseil"), chamber="tag-salle du conseil")
    assert rooms["Salle du conseil"]["isChamber"] is True


def test_a_configured_chamber_that_matches_no_device_is_a_room_that_is_not_ready() -> None:
    rooms = _rooms(_device("Salle des mariages"), chamber="Salle du Conseil municipal")
    missing = rooms["Salle du Conseil municipal"]
    assert (missing["isChamber"], missing["ready"]) == (True, False)
    assert "no Teams Rooms device matches" in missing["evidence"][0]


def test_without_a_configured_chamber_no_room_is_the_chamber() -> None:
    assert _rooms(_device("Salle des mariages"), chamber=None)["Salle des mariages"]["isChamber"] is None


def test_a_room_whose_health_could_not_be_read_is_unknown_not_ready() -> None:
    device = {**_device("Salle des mariages"), "health": None, "healthError": "HTTP 404"}
    room = _rooms(device)["Salle des mariages"]
    assert (room["camera"], room["ready"]) == ("unknown", None)
    assert "HTTP 404" in room["evidence"][0]


def test_inventory_rows_naming_an_unknown_user_are_reported_with_their_line() -> None:
    inventory = {
        "file": "inv.csv",
        "rows": [
            {"line": 2, "userPrincipalName": "A@ville.fr", "camera": True},
            {"line": 4, "userPrincipalName": "parti@ville.fr", "camera": True},
        ],
        "errors": [{"line": 3, "message": "camera: expected oui/non, yes/no, true/false or 1/0, got 'bof'"}],
    }
    snap = make_snapshot({"inventory": inventory, "users": [{"id": "u1", "userPrincipalName": "a@ville.fr"}]})
    rows = InventoryRowsView().build(snap)
    assert [(r["id"], r["knownUser"], r["problem"]) for r in rows] == [
        ("inv.csv:2", True, None),
        ("inv.csv:3", None, "camera: expected oui/non, yes/no, true/false or 1/0, got 'bof'"),
        ("inv.csv:4", False, "names no user of the directory"),
    ]


def test_without_the_directory_no_row_is_called_unknown() -> None:
    inventory = {"file": "inv.csv", "rows": [{"line": 2, "userPrincipalName": "a@ville.fr"}], "errors": []}
    (row,) = InventoryRowsView().build(make_snapshot({"inventory": inventory}))
    assert row["knownUser"] is None and row["problem"] is None
