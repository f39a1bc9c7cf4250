"""The town's Teams devices (beta ``teamwork/devices``) and their health, as Graph shapes them.

Shapes follow ``shared/reference/graph.md`` §5 and Microsoft's beta examples: ``teamworkDevice``
{id, deviceType, hardwareDetail {serialNumber, uniqueId, macAddresses, manufacturer, model}, notes,
companyAssetTag, healthStatus, activityState, currentUser {id, displayName, userIdentityType},
created/lastModified…} and ``teamworkDeviceHealth`` {connection, loginStatus, peripheralsHealth
{roomCameraHealth, contentCameraHealth, microphoneHealth, speakerHealth, communicationSpeakerHealth,
displayHealthCollection[]}, hardwareHealth, softwareUpdateHealth}. Enum values are the schema's
camelCase (``teamsRoom``, ``healthy``); Microsoft's own example spells some in PascalCase, so the
list filter compares them case-insensitively.

The council chamber's room ("Salle du conseil") has its **room camera disconnected** (defect kind
``room_camera_disconnected``); the wedding hall room, the DSI's meeting bar and the panel are
healthy; desk phones scale with the town (one per ~60 users) and one of them is offline, which is
ordinary life, not a seeded defect. Room resource accounts are not in ``/users`` (they would change
the directory every other test relies on): they exist only as ``currentUser`` and call-record
identities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from m365gov.emulator.ids import GuidStream, stable_guid
from m365gov.timeutil import to_iso

CHAMBER_NAME = "Salle du conseil"
CHAMBER_ACCOUNT_ID = stable_guid("room-account:salle-du-conseil")
CHAMBER_DEVICE_NAME = "MTR-SALLE-CONSEIL"
ROOM_KINDS = ("room_camera_disconnected",)


@dataclass(frozen=True)
class _Device:
    name: str
    device_type: str
    manufacturer: str
    model: str
    account: str
    room: bool


def _devices(users: int) -> list[_Device]:
    fixed = [
        _Device(CHAMBER_NAME, "teamsRoom", "Lenovo", "ThinkSmart Core Full Room Kit", CHAMBER_ACCOUNT_ID, True),
        _Device("Salle des mariages", "teamsRoom", "Logitech", "Rally Bar", stable_guid("room-account:mariages"), True),
        _Device("Salle de réunion DSI", "collaborationBar", "Yealink", "MeetingBar A20",
                stable_guid("room-account:dsi"), True),
        _Device("Centre technique municipal", "teamsRoom", "Logitech", "Rally Bar Mini",
                stable_guid("room-account:ctm"), True),
        _Device(f"Panneau – {CHAMBER_NAME}", "teamsPanel", "Crestron", "TSS-770", CHAMBER_ACCOUNT_ID, False),
    ]
    phones = max(4, users // 60)
    for k in range(phones):
        fixed.append(_Device(f"Téléphone accueil {k + 1}", "ipPhone", "Yealink", "MP56",
                             stable_guid(f"common-area-phone:{k}"), False))
    return fixed


def _connection(status: str, when: str) -> dict[str, Any]:
    return {"connectionStatus": status, "lastModifiedDateTime": when}


def _peripheral(name: str, status: str, when: str, optional: bool = False) -> dict[str, Any]:
    return {"isOptional": optional, "connection": _connection(status, when),
            "peripheral": {"id": stable_guid(f"peripheral:{name}"), "displayName": name,
                           "vendorId": "046d", "productId": "0881"}}


def _software(current: str, available: str | None) -> dict[str, Any]:
    return {"softwareFreshness": "latest" if available is None else "updateAvailable",
            "currentVersion": current, "availableVersion": available}


def generate_devices(seed: int, users: int, now: datetime, fix: tuple[str, ...] = ()) -> tuple[
        list[dict[str, Any]], dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Devices (list order), their health by device id, and the seeded device defects."""
    guids = GuidStream(seed, "teamwork-devices")
    created = to_iso(now - timedelta(days=420))
    checked = to_iso(now - timedelta(minutes=7))
    devices: list[dict[str, Any]] = []
    health: dict[str, dict[str, Any]] = {}
    defects: list[dict[str, Any]] = []
    for k, d in enumerate(_devices(users)):
        did = guids.next()
        offline = d.device_type == "ipPhone" and k == 6
        camera_lost = d.name == CHAMBER_NAME and "room_camera_disconnected" not in fix
        status = "offline" if offline else "critical" if camera_lost else "healthy"
        devices.append({
            "@odata.type": "#microsoft.graph.teamworkDevice", "id": did, "deviceType": d.device_type,
            "hardwareDetail": {"serialNumber": f"SN{seed % 1000:03d}{k:04d}",
                               "uniqueId": f"{d.model[:3].upper()}-{k:05d}",
                               "macAddresses": [f"00:1B:44:11:3A:{k:02X}"], "manufacturer": d.manufacturer,
                               "model": d.model},
            "notes": d.name, "companyAssetTag": f"VSA-{2024 + k % 2}-{k + 1:03d}", "healthStatus": status,
            "activityState": "unavailable" if offline else "idle",
            "createdDateTime": created, "createdBy": None, "lastModifiedDateTime": checked, "lastModifiedBy": None,
            "currentUser": {"id": d.account, "displayName": d.name.replace("Panneau – ", ""),
                            "userIdentityType": "aadUser"},
        })
        link = "disconnected" if offline else "connected"
        peripherals: dict[str, Any] = {}
        if d.room:
            peripherals = {
                "roomCameraHealth": _peripheral(f"Caméra {d.name}", "disconnected" if camera_lost else link, checked),
                "contentCameraHealth": _peripheral("Caméra de contenu", "unknown", checked, optional=True),
                "speakerHealth": _peripheral(f"Haut-parleurs {d.name}", link, checked),
                "communicationSpeakerHealth": _peripheral(f"Haut-parleurs {d.name}", link, checked),
                "microphoneHealth": _peripheral(f"Micros {d.name}", link, checked),
                "displayHealthCollection": [_peripheral("Écran principal", link, checked),
                                            _peripheral("Écran de retour", link, checked, optional=True)],
            }
        else:
            peripherals = {"roomCameraHealth": None, "contentCameraHealth": None, "speakerHealth": None,
                           "communicationSpeakerHealth": None, "microphoneHealth": None,
                           "displayHealthCollection": []}
        health[did] = {
            "@odata.type": "#microsoft.graph.teamworkDeviceHealth", "id": did,
            "connection": _connection(link, checked),
            "loginStatus": {"exchangeConnection": _connection(link, checked),
                            "teamsConnection": _connection(link, checked),
                            "skypeConnection": _connection(link, checked)},
            "peripheralsHealth": peripherals,
            "hardwareHealth": {"computeHealth": _peripheral("Unité de calcul", link, checked),
                               "hdmiIngestHealth": _peripheral("Entrée HDMI", link, checked, optional=True)},
            "softwareUpdateHealth": {
                "adminAgentSoftwareUpdateStatus": _software("1.0.0.202410", None),
                "teamsClientSoftwareUpdateStatus": _software("5.2.115.0", "5.3.101.0" if k == 0 else None),
                "firmwareSoftwareUpdateStatus": _software("2.4.1", None),
                "operatingSystemSoftwareUpdateStatus": _software("10.0.22631", None),
                "companyPortalSoftwareUpdateStatus": None, "partnerAgentSoftwareUpdateStatus": None,
            },
            "createdDateTime": created, "createdBy": None, "lastModifiedDateTime": checked, "lastModifiedBy": None,
        }
        if camera_lost:
            defects.append({"kind": "room_camera_disconnected", "resource": "teamworkDeviceHealth", "id": did,
                            "name": CHAMBER_NAME,
                            "property": "peripheralsHealth.roomCameraHealth.connection.connectionStatus",
                            "value": "disconnected", "expected": "connected"})
    return devices, health, defects
