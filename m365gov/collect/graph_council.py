"""The council's members (``GET /groups/{id}/members``), for "every council member is ready"."""

from __future__ import annotations

from typing import Any

from m365gov.collect.base import CollectContext, Source, SourceUnavailable
from m365gov.collect.graph import GraphError
from m365gov.config import Config
from m365gov.statuses import SRC_ERROR

MEMBER_SELECT = ("id", "userPrincipalName", "displayName")


class CouncilMembersSource(Source):
    """Direct members of the group named by ``[council] group_id``; ``not_configured`` without it.

    Section data: ``{"groupId": …, "members": [{"@odata.type", "id", "userPrincipalName",
    "displayName"}]}``. Direct members, not transitive: the council is a list of elected people,
    and a nested group would be a configuration mistake worth seeing (its members are not read).
    """

    name = "councilMembers"
    description = "members of the council group named by [council] group_id (GET /groups/{id}/members)"
    permissions = ("GroupMember.Read.All",)

    def not_configured(self, config: Config) -> str | None:
        if config.teams.council_group_id is None:
            return "no council group configured ([council] group_id in the config file)"
        return None

    def classify(self, error: GraphError) -> SourceUnavailable:
        if error.status == 404:
            return SourceUnavailable(
                SRC_ERROR,
                f"{error}: no group has this id; check [council] group_id (Entra admin centre → Groups → the "
                "council's group → Object ID)",
            )
        return super().classify(error)

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        gid = ctx.config.teams.council_group_id
        assert gid is not None
        builder = ctx.graph.client.groups.by_group_id(gid).members
        members = [
            {k: m[k] for k in ("@odata.type", *MEMBER_SELECT) if k in m}
            for m in await ctx.graph.list_all(builder, select=MEMBER_SELECT, top=999)
        ]
        ctx.report(self.name, "items", len(members))
        return {"groupId": gid, "members": members}, {"items": len(members)}
