"""Teams Rooms devices: is each room ready for a video meeting, peripheral by peripheral?

One resource per room device (Teams Rooms, Surface Hub, collaboration bar; not phones or panels).
Each peripheral reads ``connected``, ``disconnected``, ``unknown`` (the device reported it so, or
its health could not be read) or ``notPresent`` (no such peripheral reported). A room is ``ready``
when the device is connected, signed in to Teams, and its room camera, microphone, speaker and
displays are all connected (graph.md §5); ``ready`` is ``null`` when its health could not be read.

The council chamber's device is the one matching ``[council] chamber_device`` (recorded by the
collector beside the devices) by id, room account name, asset tag or serial number. When one is
configured but none matches, the view adds a placeholder chamber resource that is not ready, with
evidence saying so: a misspelt name must fail loudly, not leave the chamber out of scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from m365gov.devices import device_names, is_room_device
from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View

CONNECTED, DISCONNECTED, UNKNOWN, NOT_PRESENT = "connected", "disconnected", "unknown", "notPresent"
STATE = "connected, disconnected, unknown or notPresent"
STATES = ("connection", "teamsConnection", "camera", "microphone", "speaker", "displays")
"""The fields that must all be connected for a room to be ready."""
PERIPHERALS = (
    ("camera", ("roomCameraHealth",), "room camera"),
    ("microphone", ("microphoneHealth",), "microphone"),
    ("speaker", ("speakerHealth", "communicationSpeakerHealth"), "speaker"),
)


class RoomsView(View):
    name = "rooms"
    description = "each Teams Rooms device (beta teamwork/devices) with its peripherals' connection"
    sources = ("teamworkDevices",)
    fields = {
        "id": FieldSpec("string", "teamworkDevice id"),
        "displayName": FieldSpec("string", "the room account's name (currentUser), else the asset tag or model"),
        "deviceType": FieldSpec("string", "teamsRoom, surfaceHub or collaborationBar"),
        "model": FieldSpec("string", "manufacturer and model"),
        "isChamber": FieldSpec(
            "boolean", "the device named by [council] chamber_device; null when no chamber device is configured"
        ),
        "healthStatus": FieldSpec("string", "unknown, offline, critical, nonUrgent or healthy"),
        "connection": FieldSpec("string", f"the device's own connection: {STATE}"),
        "teamsConnection": FieldSpec("string", f"signed in to Teams (loginStatus.teamsConnection): {STATE}"),
        "camera": FieldSpec("string", f"room camera: {STATE}"),
        "microphone": FieldSpec("string", f"microphone: {STATE}"),
        "speaker": FieldSpec("string", f"speaker (or communication speaker): {STATE}"),
        "displays": FieldSpec("string", f"the required displays together (disconnected if any is): {STATE}"),
        "ready": FieldSpec("boolean", "connection, Teams sign-in and every peripheral above connected; null if unread"),
        "evidence": FieldSpec("array", "short sentences: what is not connected, with when it was last seen changing"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        doc = snapshot.data("teamworkDevices") or {}
        chamber = doc.get("chamberDevice")
        wanted = str(chamber).casefold() if chamber else None
        out: list[Resource] = []
        for device in doc.get("devices") or ():
            if not is_room_device(device):
                continue
            is_chamber = None if wanted is None else wanted in (n.casefold() for n in device_names(device))
            out.append(_room(device, is_chamber))
        if wanted is not None and not any(r["isChamber"] for r in out):
            out.append(_missing_chamber(str(chamber), len(out)))
        return out


def _state(health: Mapping[str, Any] | None) -> str:
    """One peripheral's (or connection's) state from a teamworkPeripheralHealth / teamworkConnection."""
    if not isinstance(health, dict):
        return NOT_PRESENT
    conn = health.get("connection") if "connectionStatus" not in health else health
    status = (conn or {}).get("connectionStatus")
    return status if status in (CONNECTED, DISCONNECTED) else UNKNOWN


def _displays(items: Any) -> str:
    displays = [d for d in items or () if isinstance(d, dict)]
    required = [d for d in displays if not d.get("isOptional")] or displays
    states = {_state(d) for d in required}
    if not states:
        return NOT_PRESENT
    for state in (DISCONNECTED, UNKNOWN):
        if state in states:
            return state
    return CONNECTED


def _room(device: Mapping[str, Any], is_chamber: bool | None) -> Resource:
    hardware = device.get("hardwareDetail") or {}
    model = " ".join(str(x) for x in (hardware.get("manufacturer"), hardware.get("model")) if x) or None
    name = (device.get("currentUser") or {}).get("displayName") or device.get("companyAssetTag") or model
    r: Resource = {
        "id": device.get("id"),
        "displayName": name,
        "deviceType": device.get("deviceType"),
        "model": model,
        "isChamber": is_chamber,
        "healthStatus": device.get("healthStatus"),
    }
    health = device.get("health")
    if not isinstance(health, dict):
        reason = device.get("healthError") or "no health reported"
        r.update(dict.fromkeys(STATES, UNKNOWN))
        r["ready"] = None
        r["evidence"] = [f"health could not be read ({reason}); health status {device.get('healthStatus')}"]
        return r
    peripherals = health.get("peripheralsHealth") or {}
    evidence: list[str] = []
    r["connection"] = _state(health.get("connection"))
    r["teamsConnection"] = _state((health.get("loginStatus") or {}).get("teamsConnection"))
    for key, props, label in PERIPHERALS:
        found = next((peripherals.get(p) for p in props if isinstance(peripherals.get(p), dict)), None)
        r[key] = _state(found)
        if r[key] != CONNECTED:
            evidence.append(_sentence(label, found, r[key]))
    r["displays"] = _displays(peripherals.get("displayHealthCollection"))
    if r["displays"] != CONNECTED:
        evidence.append(f"displays: {r['displays']}")
    for key, label in (("connection", "device connection"), ("teamsConnection", "Teams sign-in")):
        if r[key] != CONNECTED:
            evidence.insert(0, f"{label}: {r[key]}")
    r["ready"] = all(r[k] == CONNECTED for k in STATES)
    if r["ready"]:
        evidence.append(f"device, Teams sign-in, camera, microphone, speaker and displays connected ({name})")
    r["evidence"] = [*evidence, f"health status {device.get('healthStatus')}"]
    return r


def _sentence(label: str, health: Mapping[str, Any] | None, state: str) -> str:
    if health is None:
        return f"{label}: not present"
    named = ((health.get("peripheral") or {}).get("displayName")) or label
    since = ((health.get("connection") or {}).get("lastModifiedDateTime") or "")[:16].replace("T", " ")
    return f"{label} {named!r}: {state}" + (f" (reported {since} UTC)" if since else "")


def _missing_chamber(name: str, rooms: int) -> Resource:
    r: Resource = {
        "id": f"chamber:{name}",
        "displayName": name,
        "deviceType": None,
        "model": None,
        "isChamber": True,
        "healthStatus": None,
        **dict.fromkeys(STATES, UNKNOWN),
        "ready": False,
        "evidence": [
            f"no Teams Rooms device matches [council] chamber_device = {name!r} among {rooms} room device(s): "
            "check its id, room account name or asset tag"
        ],
    }
    return r
