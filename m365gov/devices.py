"""Facts about Teams devices that the collector and the views must agree on (graph.md §5).

Kept in one neutral module (no network, no policy), like :mod:`m365gov.licensing`, so that the
collector choosing whose health to read and the view judging rooms apply the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROOM_DEVICE_TYPES = frozenset({"teamsroom", "surfacehub", "collaborationbar"})
"""``teamworkDevice.deviceType`` values that are a meeting room, compared case-insensitively (the docs
spell both ``teamsRoom`` and ``TeamsRoom``). Phones, panels and consoles have no camera to judge."""


def is_room_device(device: Mapping[str, Any]) -> bool:
    return str(device.get("deviceType") or "").casefold() in ROOM_DEVICE_TYPES


def device_names(device: Mapping[str, Any]) -> list[str]:
    """What a person may call a device in the config: its id, room account name, asset tag, serial."""
    hardware = device.get("hardwareDetail") or {}
    user = device.get("currentUser") or {}
    names = (device.get("id"), user.get("displayName"), device.get("companyAssetTag"), hardware.get("serialNumber"))
    return [str(n) for n in names if n]
