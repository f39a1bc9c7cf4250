"""Where Teams data lives: the organisation's region and Multi-Geo users' regions (graph.md §2.4)."""

from __future__ import annotations

import asyncio
from typing import Any

from m365gov.collect.base import CollectContext, Source, SourceUnavailable
from m365gov.collect.graph import BATCH_LIMIT, BatchResponse, request_info
from m365gov.licensing import multi_geo_sku_ids
from m365gov.statuses import SRC_ERROR, SRC_MISSING_PERMISSION


class TeamworkSource(Source):
    name = "teamwork"
    description = "the organisation's Teams region (GET /teamwork)"
    permissions = ("Teamwork.Read.All",)

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        doc = await ctx.graph.get_json(request_info(ctx.graph.client.teamwork))
        return doc, {"items": 1}


class UserTeamworkSource(Source):
    """``GET /users/{id}/teamwork`` for the users holding a Multi-Geo licence.

    Only those users can have a region other than the organisation's, so asking for anyone else
    would be waste. There is no bulk endpoint: requests go through ``$batch`` by 20.
    """

    name = "userTeamwork"
    description = "Teams region of each Multi-Geo-licensed user (GET /users/{id}/teamwork, in $batch)"
    permissions = ("User.Read.All",)
    depends_on = ("users", "subscribedSkus")

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        skus_sec = await ctx.section("subscribedSkus")
        if skus_sec is None or not skus_sec.ok:
            raise SourceUnavailable(SRC_ERROR, "needs the subscribedSkus source, which is not available")
        multi_geo = multi_geo_sku_ids(skus_sec.data or [])
        targets: list[dict[str, Any]] = []
        batches: list[asyncio.Task[list[BatchResponse]]] = []
        waiting: list[dict[str, Any]] = []

        def send(group: list[dict[str, Any]]) -> None:
            targets.extend(group)
            batches.append(asyncio.ensure_future(ctx.graph.batch([f"/users/{u['id']}/teamwork" for u in group])))

        # Ask for Multi-Geo users' regions while users are still paging, in full batches of 20.
        async for chunk in ctx.stream("users").chunks():
            waiting.extend(
                u
                for u in chunk
                if isinstance(u, dict)
                and any(str(lic.get("skuId")) in multi_geo for lic in u.get("assignedLicenses") or ())
            )
            while len(waiting) >= BATCH_LIMIT:
                send(waiting[:BATCH_LIMIT])
                del waiting[:BATCH_LIMIT]
        if waiting:
            send(waiting)
        answers = [a for done in await asyncio.gather(*batches) for a in done]
        items: list[dict[str, Any]] = []
        failed: list[str] = []
        for user, answer in zip(targets, answers, strict=True):
            if answer.status == 403:
                raise SourceUnavailable(
                    SRC_MISSING_PERMISSION,
                    "HTTP 403 on /users/{id}/teamwork: grant User.Read.All and give admin consent",
                    "User.Read.All",
                )
            if answer.status != 200 or not isinstance(answer.body, dict):
                failed.append(f"{user.get('userPrincipalName')} (HTTP {answer.status})")
                continue
            items.append(
                {
                    "userId": user["id"],
                    "userPrincipalName": user.get("userPrincipalName"),
                    "region": answer.body.get("region"),
                    "locale": answer.body.get("locale"),
                }
            )
        if failed:
            raise SourceUnavailable(
                SRC_ERROR, f"{len(failed)} of {len(targets)} users could not be read: {', '.join(failed[:5])}"
            )
        ctx.report(self.name, "items", len(items))
        return items, {"items": len(items), "batches": (len(targets) + 19) // 20}
