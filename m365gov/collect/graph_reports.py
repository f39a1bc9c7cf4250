"""Usage-report sources (graph.md §3.2). Report privacy is read first and never changed.

The v1.0 report functions answer ``302 Found`` to a pre-authenticated download URL on another
host. msgraph-sdk's RedirectHandler follows it and drops the ``Authorization`` header when the host
changes, and the session's ``allowed_hosts`` keeps the token to the Graph host in any case: the
bearer token never reaches the download host. Reports are throttled at 14 requests per 10 minutes
per report and tenant (graph.md §7), so each report is one source, fetched once per run, and its
section is the run's cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from m365gov.collect.base import CollectContext, Source, SourceUnavailable
from m365gov.collect.graph import request_info
from m365gov.collect.report_csv import (
    TEAMS_DEVICE_USAGE,
    TEAMS_USER_ACTIVITY,
    Column,
    ReportFormatError,
    looks_concealed,
    parse_report_csv,
)
from m365gov.statuses import SRC_CONCEALED_NAMES, SRC_ERROR

CONCEALED_REMEDY = (
    "Usage reports conceal user names, so they cannot be joined to users. To lift it (a Global or "
    "Reports administrator): Microsoft 365 admin centre → Settings → Org settings → Reports → clear "
    '"Display concealed user, group, and site names in all reports". m365gov only reads this setting '
    "(GET /admin/reportSettings) and never changes it."
)


class ReportSettingsSource(Source):
    """``GET /admin/reportSettings``: whether report names are concealed.

    When they are, usage reports cannot be joined to users; the usage sources end
    ``concealed_names`` and the policies that need them ``not_evaluated: concealed_names``.
    m365gov never flips the setting (Maester does, peers.md).
    """

    name = "reportSettings"
    description = "whether usage reports conceal user names (GET /admin/reportSettings)"
    permissions = ("ReportSettings.Read.All",)

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        doc = await ctx.graph.get_json(request_info(ctx.graph.client.admin.report_settings))
        return doc, {"items": 1}


class UsageReportSource(Source):
    """One per-user usage report for the configured period (``[reports] period``), read as CSV.

    Section data: ``{"period": "D30", "reportRefreshDate": "2026-11-27", "reportPeriod": 30,
    "users": [{userPrincipalName, lastActivityDate, …}]}`` — the refresh date and period once,
    not on every row.

    Class attributes:
        builder_method: the ``client.reports`` method taking ``period``.
        columns: the columns kept (see :mod:`m365gov.collect.report_csv`).
    """

    permissions = ("Reports.Read.All",)
    depends_on = ("reportSettings",)
    builder_method: ClassVar[str]
    columns: ClassVar[Mapping[str, Column]]

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        settings = await ctx.section("reportSettings")
        if settings is not None and settings.ok and (settings.data or {}).get("displayConcealedNames") is True:
            # Not even downloaded: a report of hashed names is useless and costs throttled quota.
            raise SourceUnavailable(SRC_CONCEALED_NAMES, CONCEALED_REMEDY)
        period = ctx.config.teams.report_period
        builder = getattr(ctx.graph.client.reports, self.builder_method)(period=period)
        body = await ctx.graph.get_bytes(request_info(builder))
        try:
            rows = parse_report_csv(body, self.columns)
        except ReportFormatError as exc:
            raise SourceUnavailable(SRC_ERROR, f"{self.name} ({period}): {exc}") from None
        if looks_concealed(rows):
            raise SourceUnavailable(
                SRC_CONCEALED_NAMES, f"the report's user principal names are hashed. {CONCEALED_REMEDY}"
            )
        refresh = next((r["reportRefreshDate"] for r in rows if r.get("reportRefreshDate")), None)
        days = next((r["reportPeriod"] for r in rows if r.get("reportPeriod")), None)
        share = ctx.sharer.share
        users = [share({k: v for k, v in r.items() if k not in ("reportRefreshDate", "reportPeriod")}) for r in rows]
        ctx.report(self.name, "items", len(users))
        data = {
            "period": period,
            "reportRefreshDate": refresh,
            "reportPeriod": days if days is not None else int(period[1:]),
            "users": users,
        }
        return data, {"items": len(users)}


class TeamsUserActivitySource(UsageReportSource):
    name = "teamsUserActivity"
    description = (
        "Teams activity per user: last activity, calls, meetings, audio and video seconds "
        "(GET /reports/getTeamsUserActivityUserDetail(period=…), CSV)"
    )
    builder_method = "get_teams_user_activity_user_detail_with_period"
    columns = TEAMS_USER_ACTIVITY


class TeamsDeviceUsageSource(UsageReportSource):
    name = "teamsDeviceUsage"
    description = (
        "Teams clients used per user: Windows, Mac, web, iOS, Android, Linux… "
        "(GET /reports/getTeamsDeviceUsageUserDetail(period=…), CSV)"
    )
    builder_method = "get_teams_device_usage_user_detail_with_period"
    columns = TEAMS_DEVICE_USAGE
