"""The Microsoft 365 service principals that Customer Key vaults must trust, by object id.

Access policies and role assignments name a principal by its object id, which differs in every
tenant, while Customer Key documents the first-party *application* ids (customer-key.md §1.4). This
source resolves them: from the key plan when it declares ``servicePrincipalObjectId`` for every DEP
(no request), otherwise from Graph (``GET /servicePrincipals?$filter=appId in (…)``).
"""

from __future__ import annotations

from typing import Any

from m365gov.collect.base import CollectContext, Source
from m365gov.collect.keyvault import key_plan
from m365gov.config import Config
from m365gov.keys.desired import plan_for_config
from m365gov.keys.rules import SERVICE_PRINCIPALS


class ServicePrincipalsSource(Source):
    name = "m365ServicePrincipals"
    description = "object ids of the Microsoft 365 service principals named by the key plan's DEP kinds"
    permissions = ("Application.Read.All",)

    def not_configured(self, config: Config) -> str | None:
        if config.keys.plan is None:
            return "no key plan configured ([keys] plan in the config file)"
        plan = plan_for_config(config)
        if plan is not None and not any(v.arm_id for v in plan.vaults):
            return "no vault has a subscriptionId and resourceGroup: vault access is not checked"
        return None

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        plan = key_plan(ctx)
        kinds = sorted({d.kind for d in plan.deps})
        declared = {d.kind: d.service_principal_object_id for d in plan.deps if d.service_principal_object_id}
        if all(k in declared for k in kinds):
            items = [
                {"id": declared[k], "appId": SERVICE_PRINCIPALS[k].app_id,
                 "displayName": SERVICE_PRINCIPALS[k].display_name, "origin": "keyPlan"}
                for k in kinds
            ]
            return items, {"items": len(items), "requests": 0}
        app_ids = ", ".join(f"'{SERVICE_PRINCIPALS[k].app_id}'" for k in kinds)
        found = await ctx.graph.list_all(
            ctx.graph.client.service_principals, select=["id", "appId", "displayName"], filter=f"appId in ({app_ids})"
        )
        items = [{**sp, "origin": "graph"} for sp in found]
        return items, {"items": len(items)}
