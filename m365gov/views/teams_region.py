"""Where Teams data lives: the organisation's region and each Multi-Geo user's."""

from __future__ import annotations

from m365gov.geo import region_code
from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View


class TeamsRegionView(View):
    name = "teamsRegion"
    description = "the organisation's Teams region (GET /teamwork); one resource"
    sources = ("teamwork",)
    label_field = "id"
    fields = {
        "id": FieldSpec("string", "always 'teamwork'"),
        "region": FieldSpec("string", "region display name: France, Europe and MiddleEast, Americas…"),
        "regionCode": FieldSpec("string", "the region as a data-location code (France → FRA); null if unknown"),
        "isTeamsEnabled": FieldSpec("boolean", "Teams is enabled for the organisation"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        doc = snapshot.data("teamwork")
        if not isinstance(doc, dict):
            return []
        return [
            {
                "id": doc.get("id") or "teamwork",
                "region": doc.get("region"),
                "regionCode": region_code(doc.get("region")),
                "isTeamsEnabled": doc.get("isTeamsEnabled"),
            }
        ]


class UserTeamsRegionsView(View):
    name = "userTeamsRegions"
    description = "Teams region of each Multi-Geo-licensed user (GET /users/{id}/teamwork)"
    sources = ("userTeamwork",)
    label_field = "userPrincipalName"
    fields = {
        "id": FieldSpec("string", "user object id"),
        "userPrincipalName": FieldSpec("string", "sign-in name"),
        "region": FieldSpec("string", "the user's Teams region display name"),
        "regionCode": FieldSpec("string", "the region as a data-location code; null if unknown"),
        "locale": FieldSpec("string", "the user's Teams locale"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        return [
            {
                "id": r.get("userId"),
                "userPrincipalName": r.get("userPrincipalName"),
                "region": r.get("region"),
                "regionCode": region_code(r.get("region")),
                "locale": r.get("locale"),
            }
            for r in snapshot.data("userTeamwork") or []
        ]
