"""Usage-report sources (graph.md §3.2). Report privacy is read first and never changed."""

from __future__ import annotations

from typing import Any

from m365gov.collect.base import CollectContext, Source
from m365gov.collect.graph import request_info


class ReportSettingsSource(Source):
    """``GET /admin/reportSettings``: whether report names are concealed.

    When they are, usage reports cannot be joined to users; the policies that need the join end
    ``not_evaluated: concealed_names``. m365gov never flips the setting (Maester does, peers.md).
    """

    name = "reportSettings"
    description = "whether usage reports conceal user names (GET /admin/reportSettings)"
    permissions = ("ReportSettings.Read.All",)

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        doc = await ctx.graph.get_json(request_info(ctx.graph.client.admin.report_settings))
        return doc, {"items": 1}
