"""Rows of the usage reports, in Microsoft's JSON (camelCase) form, and their CSV rendering.

Column names and order are Microsoft's (``shared/reference/graph.md`` §3.2; the docs pages of each
report function). Where v1.0 and beta document different column sets, the *newest* set is served
for both versions, as the service does: the Teams device usage report carries ``User Id``,
``Used Chrome OS``, ``Used Linux`` and ``Is Licensed``. A client that parses by position breaks here
as it would in production.

Value conventions (as the downloaded files show them): dates ``YYYY-MM-DD`` (empty when none);
``Is Deleted`` ``False``; ``Is Licensed``, ``Used …`` and ``Has Other Action`` ``Yes``/``No``;
``Has … License`` ``True``/``False``; ``Assigned Products`` joined with ``+``; durations
``HH:MM:SS``. When ``displayConcealedNames`` is on, user ids, principal names and display names are
replaced by a 32-character upper-case hex digest, stable for a user, as the service does.

Rows are computed from the usage profiles when a report is served (no per-row storage), so a
report of 100,000 users costs one pass; the routes cache the encoded result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from m365gov.emulator.ids import fraction
from m365gov.emulator.licensing import SKUS_BY_ID
from m365gov.emulator.usage import CLIENTS, TeamsUsage, active_on, period_counts

if TYPE_CHECKING:
    from m365gov.emulator.tenant import Tenant

PERIODS = {"D7": 7, "D30": 30, "D90": 90, "D180": 180}
DATE_RANGE_DAYS = 30  # a one-day report exists for the last 30 days only

PRODUCT_NAMES = {
    "ENTERPRISEPACK": "OFFICE 365 E3",
    "STANDARDPACK": "OFFICE 365 E1",
    "O365_w/o Teams Bundle_M3": "MICROSOFT 365 E3 EEA (NO TEAMS)",
    "Microsoft_Teams_EEA_New": "MICROSOFT TEAMS EEA",
    "OFFICE365_MULTIGEO": "MULTI-GEO CAPABILITIES IN OFFICE 365",
}

_ACTIVITY_COUNTS = (
    ("Team Chat Message Count", "teamChatMessageCount"), ("Private Chat Message Count", "privateChatMessageCount"),
    ("Call Count", "callCount"), ("Meeting Count", "meetingCount"), ("Post Messages", "postMessages"),
    ("Reply Messages", "replyMessages"), ("Urgent Messages", "urgentMessages"),
    ("Meetings Organized Count", "meetingsOrganizedCount"), ("Meetings Attended Count", "meetingsAttendedCount"),
    ("Ad Hoc Meetings Organized Count", "adHocMeetingsOrganizedCount"),
    ("Ad Hoc Meetings Attended Count", "adHocMeetingsAttendedCount"),
    ("Scheduled One-time Meetings Organized Count", "scheduledOneTimeMeetingsOrganizedCount"),
    ("Scheduled One-time Meetings Attended Count", "scheduledOneTimeMeetingsAttendedCount"),
    ("Scheduled Recurring Meetings Organized Count", "scheduledRecurringMeetingsOrganizedCount"),
    ("Scheduled Recurring Meetings Attended Count", "scheduledRecurringMeetingsAttendedCount"),
)
#: JSON key of each device-usage flag (Microsoft spells the iOS one ``usediOS``), in column order.
_DEVICE_JSON = {"used" + c.replace(" ", ""): c for c in CLIENTS}

#: (CSV header, JSON key) pairs of each report, in Microsoft's column order.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "getTeamsUserActivityUserDetail": (
        ("Report Refresh Date", "reportRefreshDate"), ("Tenant Display Name", "tenantDisplayName"),
        ("Shared Channel Tenant Display Names", "sharedChannelTenantDisplayNames"), ("User Id", "userId"),
        ("User Principal Name", "userPrincipalName"), ("Last Activity Date", "lastActivityDate"),
        ("Is Deleted", "isDeleted"), ("Deleted Date", "deletedDate"), ("Assigned Products", "assignedProducts"),
        *_ACTIVITY_COUNTS,
        ("Audio Duration", "audioDuration"), ("Video Duration", "videoDuration"),
        ("Screen Share Duration", "screenShareDuration"), ("Audio Duration In Seconds", "audioDurationInSeconds"),
        ("Video Duration In Seconds", "videoDurationInSeconds"),
        ("Screen Share Duration In Seconds", "screenShareDurationInSeconds"), ("Has Other Action", "hasOtherAction"),
        ("Is Licensed", "isLicensed"), ("Report Period", "reportPeriod"),
    ),
    "getTeamsDeviceUsageUserDetail": (
        ("Report Refresh Date", "reportRefreshDate"), ("User Id", "userId"),
        ("User Principal Name", "userPrincipalName"), ("Last Activity Date", "lastActivityDate"),
        ("Is Deleted", "isDeleted"), ("Deleted Date", "deletedDate"),
        *((f"Used {client}", key) for key, client in _DEVICE_JSON.items()),
        ("Is Licensed", "isLicensed"), ("Report Period", "reportPeriod"),
    ),
    "getOffice365ActiveUserDetail": tuple((h, h[0].lower() + h[1:].replace(" ", "")) for h in (
        "Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date",
        "Has Exchange License", "Has OneDrive License", "Has SharePoint License", "Has Skype For Business License",
        "Has Yammer License", "Has Teams License", "Exchange Last Activity Date", "OneDrive Last Activity Date",
        "SharePoint Last Activity Date", "Skype For Business Last Activity Date", "Yammer Last Activity Date",
        "Teams Last Activity Date", "Exchange License Assign Date", "OneDrive License Assign Date",
        "SharePoint License Assign Date", "Skype For Business License Assign Date", "Yammer License Assign Date",
        "Teams License Assign Date", "Assigned Products")),
}
REPORTS = tuple(COLUMNS)
_YES_NO = frozenset(("isLicensed", "hasOtherAction", *(k for _, k in COLUMNS["getTeamsDeviceUsageUserDetail"]
                                                      if k.startswith("used"))))

# Workload of each "Has … License" column, by the Graph ``service`` of the plans that grant it.
_WORKLOAD_SERVICES = {"Exchange": "exchange", "OneDrive": "SharePoint", "SharePoint": "SharePoint",
                      "Skype For Business": "MicrosoftCommunicationsOnline", "Yammer": "YammerEnterprise",
                      "Teams": "TeamspaceAPI"}


@dataclass(frozen=True)
class Window:
    """What a report covers: a period (``D7``…) or one day (``date=``)."""

    period: str | None
    day: date | None

    @property
    def label(self) -> str:
        """The "Report Period" value: the number of days (``"1"`` for a one-day report)."""
        return str(PERIODS[self.period]) if self.period else "1"


def conceal(seed: int, value: str) -> str:
    """The opaque stand-in for a name when report names are concealed (stable per value and tenant)."""
    return hashlib.md5(f"{seed}:{value.lower()}".encode(), usedforsecurity=False).hexdigest().upper()


def duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def report_users(tenant: Tenant, report: str) -> Sequence[int]:
    """User indices listed by ``report``: Teams reports list Teams holders, the Office 365 one every
    licensed account."""
    if report == "getOffice365ActiveUserDetail":
        return [i for i, u in enumerate(tenant.users) if u["assignedLicenses"]]
    return sorted(tenant.usage.profiles)


def rows(tenant: Tenant, report: str, window: Window, concealed: bool,
         indices: Sequence[int]) -> Iterator[dict[str, Any]]:
    """The JSON rows of ``report`` for the users at ``indices`` (a one-day report skips the idle)."""
    make = _BUILDERS[report]
    refresh = tenant.usage.refresh.isoformat()
    tenant_name = tenant.organization["displayName"]
    for i in indices:
        row = make(tenant, i, window)
        if row is None:
            continue
        head: dict[str, Any] = {"reportRefreshDate": refresh}
        if report == "getTeamsUserActivityUserDetail":
            head["tenantDisplayName"] = tenant_name
        row = {**head, **row}
        if concealed:
            for key in ("userId", "userPrincipalName", "displayName"):
                if key in row:
                    row[key] = conceal(tenant.seed, row[key])
        yield row


def csv_bytes(tenant: Tenant, report: str, window: Window, concealed: bool) -> bytes:
    """The whole report as Microsoft serves it: UTF-8 with a byte-order mark, CRLF line ends."""
    columns = COLUMNS[report]
    lines = [",".join(h for h, _ in columns)]
    for row in rows(tenant, report, window, concealed, report_users(tenant, report)):
        lines.append(",".join(_csv_cell(key, row.get(key)) for _, key in columns))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _csv_cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        if key in _YES_NO:
            return "Yes" if value else "No"
        return "True" if value else "False"
    if isinstance(value, list):
        value = "+".join(value)
    text = str(value)
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _products(user: dict[str, Any]) -> list[str]:
    out = []
    for lic in user["assignedLicenses"]:
        sku = SKUS_BY_ID.get(lic["skuId"])
        out.append(PRODUCT_NAMES.get(sku.part_number, sku.part_number) if sku else lic["skuId"])
    return sorted(out)


def _counts(tenant: Tenant, i: int, window: Window) -> tuple[TeamsUsage, dict[str, int], date | None] | None:
    p = tenant.usage.profiles[i]
    if window.period:
        return p, period_counts(p, tenant.usage.refresh, PERIODS[window.period]), p.last_activity
    assert window.day is not None
    uid = tenant.users[i]["id"]
    if not active_on(p, window.day, fraction(tenant.seed, "active-day", uid, window.day.toordinal())):
        return None
    return p, period_counts(_one_day(p, window.day), window.day, 1), window.day


def _one_day(p: TeamsUsage, day: date) -> TeamsUsage:
    return TeamsUsage(day, 1.0, p.clients, p.camera, p.mic, p.chat_rate, p.call_rate, p.meeting_rate,
                      p.video_share, p.capture_device, p.render_device)


def _teams_activity(tenant: Tenant, i: int, window: Window) -> dict[str, Any] | None:
    found = _counts(tenant, i, window)
    if found is None:
        return None
    _, counts, last = found
    user = tenant.users[i]
    row: dict[str, Any] = {
        "sharedChannelTenantDisplayNames": None, "userId": user["id"], "userPrincipalName": user["userPrincipalName"],
        "lastActivityDate": last.isoformat() if last else None, "isDeleted": False, "deletedDate": None,
        "assignedProducts": _products(user),
    }
    for _, key in _ACTIVITY_COUNTS:
        row[key] = counts[key]
    for kind in ("audio", "video", "screenShare"):
        seconds = counts[f"{kind}DurationInSeconds"]
        row[f"{kind}Duration"] = duration(seconds)
        row[f"{kind}DurationInSeconds"] = seconds
    row["hasOtherAction"] = counts["activeDays"] > 0
    row["isLicensed"] = True
    row["reportPeriod"] = window.label
    return row


def _device_usage(tenant: Tenant, i: int, window: Window) -> dict[str, Any] | None:
    found = _counts(tenant, i, window)
    if found is None:
        return None
    p, counts, last = found
    user = tenant.users[i]
    used = counts["activeDays"] > 0
    row: dict[str, Any] = {"userId": user["id"], "userPrincipalName": user["userPrincipalName"],
                           "lastActivityDate": last.isoformat() if last else None, "isDeleted": False,
                           "deletedDate": None}
    for key, client in _DEVICE_JSON.items():
        row[key] = used and client in p.clients
    row["isLicensed"] = True
    row["reportPeriod"] = window.label
    return row


def _office_active(tenant: Tenant, i: int, window: Window) -> dict[str, Any] | None:
    user = tenant.users[i]
    profile = tenant.usage.profiles.get(i)
    refresh = tenant.usage.refresh
    enabled = user.get("accountEnabled", True)
    mail_last = refresh - timedelta(days=1 + int(fraction(tenant.seed, "mail", user["id"]) * (3 if enabled else 90)))
    if not enabled:
        mail_last -= timedelta(days=40)
    if window.day is not None and mail_last != window.day and (profile is None or profile.last_activity != window.day):
        return None
    row: dict[str, Any] = {"userPrincipalName": user["userPrincipalName"], "displayName": user["displayName"],
                           "isDeleted": False, "deletedDate": None}
    for workload, service in _WORKLOAD_SERVICES.items():
        plans = [p for p in user["assignedPlans"] if p["service"] == service and p["capabilityStatus"] == "Enabled"]
        key = workload.replace(" ", "")
        row[f"has{key}License"] = bool(plans)
        row[f"{key[0].lower()}{key[1:]}LicenseAssignDate"] = plans[0]["assignedDateTime"][:10] if plans else None
        last: date | None = None
        if plans and workload == "Exchange":
            last = mail_last
        elif plans and workload == "Teams" and profile is not None:
            last = profile.last_activity
        elif plans and workload in ("OneDrive", "SharePoint") and enabled:
            last = mail_last - timedelta(days=int(fraction(tenant.seed, workload, user["id"]) * 12))
        row[f"{key[0].lower()}{key[1:]}LastActivityDate"] = last.isoformat() if last else None
    row["assignedProducts"] = _products(user)
    return row


_BUILDERS: dict[str, Callable[[Tenant, int, Window], dict[str, Any] | None]] = {
    "getTeamsUserActivityUserDetail": _teams_activity,
    "getTeamsDeviceUsageUserDetail": _device_usage,
    "getOffice365ActiveUserDetail": _office_active,
}
