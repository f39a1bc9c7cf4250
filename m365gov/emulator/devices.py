"""Beta ``/teamwork/devices``: Teams Rooms and other Teams devices, and their health.

``GET /beta/teamwork/devices`` supports ``$filter`` on ``deviceType``, ``hardwareDetail/uniqueId``
and ``currentUser/id`` (``eq`` only; the device type compared case-insensitively, since Microsoft's
own example writes ``'TeamsRoom'``), ``$top`` (default 20, **max 50**: above is a 400), ``$select``
and ``$skiptoken`` paging with an absolute ``@odata.nextLink``. ``GET …/devices/{id}`` and
``GET …/devices/{id}/health`` serve one object each (the health bare, with its ``@odata.context``:
Microsoft's example wraps it in ``{"value": …}``, which looks like a documentation artefact).

Device actions (``restart``, ``runDiagnostics``, ``updateSoftware``) answer **405** and are never
performed: m365gov must not act on devices. ``Faults(beta_unavailable=True)`` makes every
``/beta/teamwork/devices…`` path answer 404, as when Microsoft withdraws a beta API.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote

from m365gov.emulator.odata import check_options
from m365gov.emulator.protocol import GraphError, Response, bad_request, dumps, not_found
from m365gov.emulator.routes import Context, RouteTable

ROUTES = RouteTable("teamwork-devices")
DEFAULT_TOP = 20
MAX_TOP = 50
_BASE = "/beta/teamwork/devices"
_FILTER = re.compile(r"^\s*(deviceType|hardwareDetail/uniqueId|currentUser/id)\s+eq\s+'([^']*)'\s*$", re.IGNORECASE)
_SAFE = "$,()':*@!="


def _matches(device: dict[str, Any], prop: str, value: str) -> bool:
    prop = prop.lower()
    if prop == "devicetype":
        return str(device["deviceType"]).lower() == value.lower()
    if prop == "hardwaredetail/uniqueid":
        return bool(device["hardwareDetail"]["uniqueId"] == value)
    return bool((device.get("currentUser") or {}).get("id", "").lower() == value.lower())


def _project(item: dict[str, Any], select: str | None) -> dict[str, Any]:
    if not select:
        return item
    keep = {s.strip().lower() for s in select.split(",") if s.strip()}
    known = {k.lower() for k in item}
    unknown = keep - known
    if unknown:
        raise bad_request(f"Could not find a property named '{sorted(unknown)[0]}' on type "
                          "'microsoft.graph.teamworkDevice'.")
    return {k: v for k, v in item.items() if k.lower() in keep or k == "@odata.type"}


@ROUTES.get(_BASE)
def list_devices(ctx: Context) -> Response:
    req = ctx.request
    check_options(req, ("filter", "top", "select", "skiptoken"))
    devices = ctx.tenant.devices
    text = req.option("filter")
    if text:
        m = _FILTER.match(text)
        if m is None:
            raise bad_request(f"Invalid filter clause '{text}': devices can be filtered on deviceType, "
                              "hardwareDetail/uniqueId or currentUser/id with 'eq'.", code="BadRequest")
        devices = [d for d in devices if _matches(d, m.group(1), m.group(2))]
    raw_top = req.option("top")
    top = DEFAULT_TOP
    if raw_top is not None:
        if not raw_top.isdigit() or not 1 <= int(raw_top) <= MAX_TOP:
            raise bad_request(f"Invalid page size '{raw_top}': $top must be between 1 and {MAX_TOP}.",
                              code="BadRequest")
        top = int(raw_top)
    offset = 0
    token = req.option("skiptoken")
    if token:
        try:
            tag, value = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split(":")
            if tag != "devices" or not value.isdigit():
                raise ValueError(token)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("The skip token is not valid.") from None
        offset = int(value)
    end = min(offset + top, len(devices))
    body: dict[str, Any] = {"@odata.context": f"{ctx.base_url}/beta/$metadata#teamwork/devices"}
    if end < len(devices):
        next_token = base64.urlsafe_b64encode(f"devices:{end}".encode()).decode().rstrip("=")
        parts = [f"{quote(k, safe='$')}={quote(v, safe=_SAFE)}" for k, v in req.query_pairs
                 if k.lstrip("$").lower() != "skiptoken"]
        parts.append(f"$skiptoken={next_token}")
        body["@odata.nextLink"] = f"{ctx.base_url}{_BASE}?{'&'.join(parts)}"
    body["value"] = [_project(d, req.option("select")) for d in devices[offset:end]]
    return Response(200, dumps(body))


def _device(ctx: Context) -> dict[str, Any]:
    key = ctx.params["device_id"].lower()
    found = next((d for d in ctx.tenant.devices if d["id"] == key), None)
    if found is None:
        raise not_found(ctx.params["device_id"])
    return found


@ROUTES.get(_BASE + "/{device_id}")
def get_device(ctx: Context) -> Response:
    check_options(ctx.request, ("select",))
    device = _device(ctx)
    body = {"@odata.context": f"{ctx.base_url}/beta/$metadata#teamwork/devices/$entity",
            **_project(device, ctx.request.option("select"))}
    return Response(200, dumps(body))


@ROUTES.get(_BASE + "/{device_id}/health")
def get_health(ctx: Context) -> Response:
    check_options(ctx.request, ())
    device = _device(ctx)
    body = {"@odata.context": f"{ctx.base_url}/beta/$metadata#teamwork/devices('{device['id']}')/health/$entity",
            **ctx.tenant.device_health[device["id"]]}
    return Response(200, dumps(body))


def _refuse(ctx: Context) -> Response:
    raise GraphError(405, "MethodNotAllowed", f"The m365gov emulator never performs device actions "
                     f"({ctx.request.method} {ctx.request.path}): m365gov audits, it does not act on devices.")


for _action in ("restart", "runDiagnostics", "updateSoftware"):
    ROUTES.post(f"{_BASE}/{{device_id}}/{_action}")(_refuse)
