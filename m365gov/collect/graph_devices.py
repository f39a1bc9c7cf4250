"""Teams Rooms devices and their health, from Graph **beta** (graph.md §5).

There is no v1.0 equivalent, and Microsoft says the health resource may be deprecated or charged
for: a 404, 410 or 501 from beta ends the source ``beta_unavailable`` (the inventory CSV stays as
evidence), never a crash. The list is read with ``$top=50`` (the maximum); the health of each room
device goes through ``$batch`` on beta by 20. Actions (``restart``, ``runDiagnostics``,
``updateSoftware``) are never called: collection only reads.
"""

from __future__ import annotations

from typing import Any

from m365gov.collect.base import CollectContext, Source, SourceUnavailable
from m365gov.collect.graph import GraphError
from m365gov.devices import is_room_device
from m365gov.statuses import SRC_BETA_UNAVAILABLE, SRC_MISSING_PERMISSION

BETA_GONE = frozenset({404, 410, 501})
PAGE_SIZE = 50
_DEVICE_KEYS = (
    "id", "deviceType", "healthStatus", "activityState", "companyAssetTag", "notes", "hardwareDetail",
    "currentUser", "lastModifiedDateTime",
)


class TeamworkDevicesSource(Source):
    """Every Teams device, with the health of the room devices.

    Section data: ``{"chamberDevice": <[council] chamber_device or null>, "devices": [{id, deviceType,
    healthStatus, hardwareDetail, currentUser, …, "health": {connection, loginStatus,
    peripheralsHealth, …} | null, "healthError": "HTTP 404" (only when its health could not be read)}]}``.
    The configured chamber device is recorded beside the devices so that the (pure) rooms view can
    tell which one is the council chamber's.
    """

    name = "teamworkDevices"
    description = (
        "Teams Rooms devices and their peripherals' health (beta: GET /teamwork/devices, "
        "then /teamwork/devices/{id}/health in $batch)"
    )
    permissions = ("TeamworkDevice.Read.All",)

    def classify(self, error: GraphError) -> SourceUnavailable:
        if error.status in BETA_GONE:
            return _beta_gone(f"{error}")
        return super().classify(error)

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        beta = ctx.graph.settings.beta_url
        builder = ctx.graph.client.teamwork.with_url(f"{beta}/teamwork/devices?$top={PAGE_SIZE}")
        devices: list[dict[str, Any]] = []
        pages = 0
        async for page in ctx.graph.pages(builder):
            pages += 1
            devices.extend({k: d[k] for k in _DEVICE_KEYS if k in d} for d in page.get("value", []))
        rooms = [d for d in devices if is_room_device(d)]
        answers = await ctx.graph.batch([f"/teamwork/devices/{d['id']}/health" for d in rooms], api="beta")
        if rooms and all(a.status in BETA_GONE for a in answers):
            raise _beta_gone(f"HTTP {answers[0].status} on beta /teamwork/devices/{{id}}/health for every device")
        for device, answer in zip(rooms, answers, strict=True):
            if answer.status == 403:
                raise SourceUnavailable(
                    SRC_MISSING_PERMISSION,
                    "HTTP 403 on beta /teamwork/devices/{id}/health: grant TeamworkDevice.Read.All and give admin "
                    "consent",
                    "TeamworkDevice.Read.All",
                )
            if answer.status == 200 and isinstance(answer.body, dict):
                device["health"] = {k: v for k, v in answer.body.items() if not k.startswith("@odata")}
            else:
                device["health"] = None
                device["healthError"] = f"HTTP {answer.status or 'connection failed'}"
        ctx.report(self.name, "items", len(devices))
        data = {"chamberDevice": ctx.config.teams.chamber_device, "devices": devices}
        return data, {"items": len(devices), "rooms": len(rooms), "pages": pages}


def _beta_gone(what: str) -> SourceUnavailable:
    return SourceUnavailable(
        SRC_BETA_UNAVAILABLE,
        f"{what}: the Teams devices API exists only in Graph beta and may have been changed or retired "
        "(Microsoft announced its deprecation). Room readiness falls back to the declared inventory; check "
        "the Teams admin centre → Teams devices → Teams Rooms on Windows.",
    )
