"""SharePoint site collections and their geo."""

from __future__ import annotations

from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View


class SitesView(View):
    name = "sites"
    description = "every site collection (GET /sites/getAllSites()) with its data location"
    sources = ("sites",)
    label_field = "webUrl"
    fields = {
        "id": FieldSpec("string", "site id"),
        "displayName": FieldSpec("string", "site name"),
        "webUrl": FieldSpec("string", "address"),
        "dataLocationCode": FieldSpec(
            "string", "siteCollection.dataLocationCode (FRA, EUR…): only present in Multi-Geo tenants"
        ),
        "hostname": FieldSpec("string", "siteCollection.hostname"),
        "isRoot": FieldSpec("boolean", "the tenant's root site"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        out: list[Resource] = []
        for s in snapshot.data("sites") or []:
            coll = s.get("siteCollection") or {}
            out.append(
                {
                    "id": s.get("id"),
                    "displayName": s.get("displayName") or s.get("name"),
                    "webUrl": s.get("webUrl"),
                    "dataLocationCode": coll.get("dataLocationCode"),
                    "hostname": coll.get("hostname"),
                    "isRoot": coll.get("root") is not None,
                }
            )
        return out
