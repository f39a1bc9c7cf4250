"""A person's Teams readiness: licence, real use, clients, camera and microphone, with evidence.

One resource per enabled member account (guests and disabled accounts are not the town's people to
equip). The directory is the only required source; every other source is optional and its fields
are ``null`` when it is unavailable — never ``false`` or ``0``, which would read as evidence of
absence. A policy that needs one of them lists it in ``requires.sources`` and is then
``not_evaluated`` with that source's reason (``concealed_names`` for the usage reports).

Camera and microphone verdicts follow :mod:`m365gov.views.evidence` (faulty > observed > declared
> unknown); they are ``null`` when call records are unavailable, or when an inventory was configured
but could not be read — judging without it would turn declared devices into "unknown".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from m365gov.licensing import TEAMS_SERVICE, has_enabled_plan
from m365gov.snapshot.model import Snapshot
from m365gov.statuses import SRC_NOT_CONFIGURED
from m365gov.views.base import FieldSpec, Resource, View
from m365gov.views.evidence import Participation, audio_facts, camera_verdict, microphone_verdict

CLIENT_COLUMNS = (
    ("usedWindows", "windows"),
    ("usedMac", "mac"),
    ("usedLinux", "linux"),
    ("usedWeb", "web"),
    ("usedIOs", "ios"),
    ("usedAndroidPhone", "android"),
    ("usedChromeOS", "chromeOS"),
    ("usedWindowsPhone", "windowsPhone"),
)
"""Device-usage report columns → client names, in display order."""
CALL_PLATFORMS = {"windows": "windows", "macos": "mac", "web": "web", "ios": "ios", "android": "android"}
"""Call-record ``userAgent.platform`` values that are a person's Teams client (not rooms, phones)."""
CLIENT_ORDER = {name: i for i, (_, name) in enumerate(CLIENT_COLUMNS)}
VERDICT_TYPE = "string"


def _u(prop: str, type_: str, description: str) -> FieldSpec:
    return FieldSpec(type_, description, (f"users.{prop}",))


class ReadinessView(View):
    name = "readiness"
    description = "each enabled member: Teams licence, activity, clients, camera and microphone with evidence"
    sources = ("users",)
    optional_sources = ("teamsUserActivity", "teamsDeviceUsage", "callRecords", "inventory", "councilMembers")
    label_field = "userPrincipalName"
    always_fields = (
        "users.department", "users.assignedPlans", "users.mobilePhone", "users.businessPhones",
        "users.accountEnabled", "users.userType",
    )
    fields = {
        "id": _u("id", "string", "user object id"),
        "userPrincipalName": _u("userPrincipalName", "string", "sign-in name"),
        "displayName": _u("displayName", "string", "name"),
        "department": _u("department", "string", "department (null for accounts outside the organisation chart)"),
        "isCouncilMember": FieldSpec("boolean", "member of the council group; null when councilMembers is unavailable"),
        "teamsLicensed": _u(
            "assignedPlans", "boolean", "an enabled Teams service plan (assignedPlans service TeamspaceAPI)"
        ),
        "lastActivityDate": FieldSpec("string", "last Teams activity (usage report), YYYY-MM-DD; null if unavailable"),
        "activeInPeriod": FieldSpec(
            "boolean", "a Teams activity within the report period; null when the activity report is unavailable"
        ),
        "meetingCount": FieldSpec("integer", "meetings in the report period (null if the report is unavailable)"),
        "callCount": FieldSpec("integer", "calls in the report period (null if the report is unavailable)"),
        "videoSeconds": FieldSpec("integer", "seconds of video in the report period (null if unavailable)"),
        "audioSeconds": FieldSpec("integer", "seconds of audio in the report period (null if unavailable)"),
        "clients": FieldSpec(
            "array",
            "Teams clients used in the period (windows, mac, linux, web, ios, android, chromeOS, windowsPhone): "
            "device-usage report, plus call-record platforms; null when the device-usage report is unavailable",
        ),
        "webOnly": FieldSpec("boolean", "used Teams only in a browser; null when clients is null"),
        "camera": FieldSpec(VERDICT_TYPE, "observed, declared or unknown (views/evidence.py); null if unavailable"),
        "cameraEvidence": FieldSpec("array", "short sentences: which call, report or inventory line decided"),
        "microphone": FieldSpec(
            VERDICT_TYPE, "faulty, observed, declared or unknown (views/evidence.py); null if unavailable"
        ),
        "microphoneEvidence": FieldSpec("array", "short sentences: which call, report or inventory line decided"),
        "micWorstCaptureNotFunctioningRatio": FieldSpec(
            "number", "worst captureNotFunctioningEventRatio in a call where audio was sent; null if none observed"
        ),
        "micWorstGlitchRate": FieldSpec("number", "worst micGlitchRate (glitches per 5 min); null if none observed"),
        "micWorstLowSpeechLevelRatio": FieldSpec(
            "number", "worst lowSpeechLevelEventRatio; null if none observed"
        ),
        "mobilePhone": _u("mobilePhone", "string", "mobile number: the fallback contact"),
        "businessPhones": _u("businessPhones", "array", "office numbers"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        activity = _Report(snapshot, "teamsUserActivity")
        devices = _Report(snapshot, "teamsDeviceUsage")
        calls = _calls_by_user(snapshot)
        council = _council(snapshot)
        inventory, inventory_state = _inventory(snapshot)
        out: list[Resource] = []
        for u in snapshot.data("users") or []:
            if u.get("accountEnabled") is not True or u.get("userType") != "Member":
                continue
            out.append(_person(u, activity, devices, calls, council, inventory, inventory_state))
        return out


class _Report:
    """One usage report's rows, found by user id (newer files) or user principal name."""

    def __init__(self, snapshot: Snapshot, name: str) -> None:
        doc = snapshot.data(name)
        self.ok = isinstance(doc, dict)
        self.doc: Mapping[str, Any] = doc if isinstance(doc, dict) else {}
        self.by_id: dict[str, Mapping[str, Any]] = {}
        self.by_upn: dict[str, Mapping[str, Any]] = {}
        for row in self.doc.get("users") or ():
            if row.get("userId"):
                self.by_id[str(row["userId"]).casefold()] = row
            if row.get("userPrincipalName"):
                self.by_upn[str(row["userPrincipalName"]).casefold()] = row
        self.start = _period_start(self.doc)

    def row(self, u: Mapping[str, Any]) -> Mapping[str, Any] | None:
        found = self.by_id.get(str(u.get("id") or "").casefold())
        return found if found is not None else self.by_upn.get(str(u.get("userPrincipalName") or "").casefold())


def _period_start(doc: Mapping[str, Any]) -> date | None:
    """First day of the report period: refresh date minus the period length, plus one."""
    try:
        refresh = date.fromisoformat(str(doc.get("reportRefreshDate")))
    except ValueError:
        return None
    return refresh - timedelta(days=int(doc.get("reportPeriod") or 0) - 1)


def _calls_by_user(snapshot: Snapshot) -> dict[str, list[Participation]] | None:
    doc = snapshot.data("callRecords")
    if not isinstance(doc, dict):
        return None
    by_user: dict[str, list[Participation]] = defaultdict(list)
    folded: dict[Any, str] = {}  # a person takes part in many calls: fold each id once
    for call in doc.get("calls") or ():
        for p in call.get("participants") or ():
            pid = p.get("id")
            key = folded.get(pid)
            if key is None:
                key = folded[pid] = str(pid).casefold()
            by_user[key].append((call, p))
    return by_user


def _council(snapshot: Snapshot) -> frozenset[str] | None:
    doc = snapshot.data("councilMembers")
    if not isinstance(doc, dict):
        return None
    return frozenset(str(m.get("id")).casefold() for m in doc.get("members") or ())


def _inventory(snapshot: Snapshot) -> tuple[dict[str, Mapping[str, Any]], str]:
    """Rows by user principal name, and ``ok`` / ``absent`` (not configured) / ``failed``."""
    sec = snapshot.section("inventory")
    if sec is None or sec.status == SRC_NOT_CONFIGURED:
        return {}, "absent"
    if not sec.ok:
        return {}, "failed"
    rows = (sec.data or {}).get("rows") or ()
    return {str(r.get("userPrincipalName")).casefold(): r for r in rows}, "ok"


def _person(
    u: Mapping[str, Any],
    activity: _Report,
    devices: _Report,
    calls: dict[str, list[Participation]] | None,
    council: frozenset[str] | None,
    inventory: dict[str, Mapping[str, Any]],
    inventory_state: str,
) -> Resource:
    uid = str(u.get("id") or "").casefold()
    act = activity.row(u) if activity.ok else None
    mine = calls.get(uid, []) if calls is not None else None
    r: Resource = {
        "id": u.get("id"),
        "userPrincipalName": u.get("userPrincipalName"),
        "displayName": u.get("displayName"),
        "department": u.get("department"),
        "isCouncilMember": None if council is None else uid in council,
        "teamsLicensed": has_enabled_plan(u, TEAMS_SERVICE) if "assignedPlans" in u else None,
        **_activity(activity, act),
        **_clients(devices, u, mine),
    }
    judge = mine is not None and inventory_state != "failed"
    row = inventory.get(str(u.get("userPrincipalName") or "").casefold())
    configured = inventory_state == "ok"
    facts = audio_facts(mine)
    if judge:
        period = activity.doc.get("period")
        r["camera"], r["cameraEvidence"] = camera_verdict(mine, r["videoSeconds"], period, row, configured)
        r["microphone"], r["microphoneEvidence"] = microphone_verdict(mine, row, configured, facts)
    else:
        r["camera"] = r["cameraEvidence"] = r["microphone"] = r["microphoneEvidence"] = None
    worst = facts[2]
    r["micWorstCaptureNotFunctioningRatio"] = worst.get("captureNotFunctioningEventRatio")
    r["micWorstGlitchRate"] = worst.get("micGlitchRate")
    r["micWorstLowSpeechLevelRatio"] = worst.get("lowSpeechLevelEventRatio")
    r["mobilePhone"] = u.get("mobilePhone")
    r["businessPhones"] = u.get("businessPhones")
    return r


def _activity(report: _Report, row: Mapping[str, Any] | None) -> dict[str, Any]:
    keys = ("lastActivityDate", "activeInPeriod", "meetingCount", "callCount", "videoSeconds", "audioSeconds")
    if not report.ok:
        return dict.fromkeys(keys)
    row = row or {}
    last = row.get("lastActivityDate")
    try:
        active = last is not None and report.start is not None and date.fromisoformat(last) >= report.start
    except ValueError:
        active = False
    return {
        "lastActivityDate": last,
        "activeInPeriod": active,
        "meetingCount": row.get("meetingCount") or 0,
        "callCount": row.get("callCount") or 0,
        "videoSeconds": row.get("videoDurationInSeconds") or 0,
        "audioSeconds": row.get("audioDurationInSeconds") or 0,
    }


def _clients(report: _Report, u: Mapping[str, Any], calls: list[Participation] | None) -> dict[str, Any]:
    if not report.ok:
        return {"clients": None, "webOnly": None}
    row = report.row(u) or {}
    used = {name for column, name in CLIENT_COLUMNS if row.get(column) is True}
    for _, p in calls or ():
        for platform in p.get("platforms") or ():
            client = _PLATFORM_CLIENTS.get(platform, _UNSEEN)
            if client is _UNSEEN:
                client = _PLATFORM_CLIENTS[platform] = CALL_PLATFORMS.get(str(platform).casefold())
            if client:
                used.add(client)
    clients = sorted(used, key=_client_rank) if len(used) > 1 else list(used)
    return {"clients": clients, "webOnly": clients == ["web"]}


def _client_rank(client: str) -> int:
    return CLIENT_ORDER.get(client, 99)


_UNSEEN: Any = object()
_PLATFORM_CLIENTS: dict[Any, str | None] = {}
"""Call-record platform (as written) → client name, folded once per distinct spelling."""
