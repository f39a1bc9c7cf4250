"""Groups (and teams) with their preferred data location."""

from __future__ import annotations

from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View, raw_field


class GroupsView(View):
    name = "groups"
    description = "every group (GET /groups); isTeam tells Teams-enabled groups"
    sources = ("groups",)
    fields = {
        "id": raw_field("groups", "id", "string", "object id"),
        "displayName": raw_field("groups", "displayName", "string", "name"),
        "preferredDataLocation": raw_field(
            "groups", "preferredDataLocation", "string", "Multi-Geo PDL, inherited from the creator; null in single-geo"
        ),
        "groupTypes": raw_field("groups", "groupTypes", "array", "Unified for Microsoft 365 groups"),
        "mailEnabled": raw_field("groups", "mailEnabled", "boolean", "mail-enabled"),
        "securityEnabled": raw_field("groups", "securityEnabled", "boolean", "security group"),
        "visibility": raw_field("groups", "visibility", "string", "Public, Private or HiddenMembership"),
        "isTeam": FieldSpec(
            "boolean", "resourceProvisioningOptions contains Team", ("groups.resourceProvisioningOptions",)
        ),
        "isUnified": FieldSpec(
            "boolean", "a Microsoft 365 group (groupTypes contains Unified)", ("groups.groupTypes",)
        ),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        out: list[Resource] = []
        for g in snapshot.data("groups") or []:
            out.append(
                {
                    "id": g.get("id"),
                    "displayName": g.get("displayName"),
                    "preferredDataLocation": g.get("preferredDataLocation"),
                    "groupTypes": g.get("groupTypes") or [],
                    "mailEnabled": g.get("mailEnabled"),
                    "securityEnabled": g.get("securityEnabled"),
                    "visibility": g.get("visibility"),
                    "isTeam": "Team" in (g.get("resourceProvisioningOptions") or ()),
                    "isUnified": "Unified" in (g.get("groupTypes") or ()),
                }
            )
        return out
