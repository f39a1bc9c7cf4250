"""The tenant as one resource: its profile and its subscriptions."""

from __future__ import annotations

from typing import Any

from m365gov.licensing import is_adr_sku, is_multi_geo_sku
from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View


class TenantView(View):
    name = "tenant"
    description = "the organisation (GET /organization) with its subscriptions; one resource"
    sources = ("organization", "subscribedSkus")
    fields = {
        "id": FieldSpec("string", "tenant id"),
        "displayName": FieldSpec("string", "organisation name"),
        "countryLetterCode": FieldSpec(
            "string", "country of the postal address (a hint of the sign-up country, graph.md §2.1)"
        ),
        "preferredLanguage": FieldSpec("string", "organisation language"),
        "tenantType": FieldSpec("string", "AAD, AAD B2C or CIAM"),
        "verifiedDomains": FieldSpec("array", "verified domains {name, isDefault, isInitial, type}"),
        "city": FieldSpec("string", "postal address city"),
        "skus": FieldSpec(
            "array",
            "subscriptions {skuPartNumber, skuId, capabilityStatus, consumedUnits, enabledUnits, multiGeo, "
            "advancedDataResidency}",
        ),
        "multiGeo": FieldSpec(
            "boolean", "an enabled, assigned Multi-Geo subscription exists (part number contains MULTIGEO)"
        ),
        "residencyAddOns": FieldSpec(
            "array", "part numbers of enabled Multi-Geo and Advanced Data Residency subscriptions"
        ),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        orgs = snapshot.data("organization") or []
        if not orgs:
            return []
        org = orgs[0]
        skus = [_sku(s) for s in snapshot.data("subscribedSkus") or []]
        enabled = [s for s in skus if s["capabilityStatus"] == "Enabled"]
        return [
            {
                "id": org.get("id"),
                "displayName": org.get("displayName"),
                "countryLetterCode": org.get("countryLetterCode"),
                "preferredLanguage": org.get("preferredLanguage"),
                "tenantType": org.get("tenantType"),
                "verifiedDomains": org.get("verifiedDomains") or [],
                "city": org.get("city"),
                "skus": skus,
                "multiGeo": any(s["multiGeo"] and (s["consumedUnits"] or 0) > 0 for s in enabled),
                "residencyAddOns": sorted(
                    s["skuPartNumber"] for s in enabled if s["multiGeo"] or s["advancedDataResidency"]
                ),
            }
        ]


def _sku(s: dict[str, Any]) -> dict[str, Any]:
    part = s.get("skuPartNumber")
    return {
        "skuPartNumber": part,
        "skuId": s.get("skuId"),
        "capabilityStatus": s.get("capabilityStatus"),
        "consumedUnits": s.get("consumedUnits"),
        "enabledUnits": (s.get("prepaidUnits") or {}).get("enabled"),
        "multiGeo": is_multi_geo_sku(part),
        "advancedDataResidency": is_adr_sku(part),
    }
