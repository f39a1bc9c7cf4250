"""Users with what residency and licensing policies read."""

from __future__ import annotations

from typing import Any

from m365gov.licensing import TEAMS_SERVICE, has_enabled_plan, is_multi_geo_sku, sku_names
from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View, raw_field


class UsersView(View):
    name = "users"
    description = "every user of the directory (GET /users), licences resolved to part numbers"
    sources = ("users",)
    optional_sources = ("subscribedSkus",)
    label_field = "userPrincipalName"
    fields = {
        "id": raw_field("users", "id", "string", "object id"),
        "userPrincipalName": raw_field("users", "userPrincipalName", "string", "sign-in name"),
        "displayName": raw_field("users", "displayName", "string", "name"),
        "accountEnabled": raw_field("users", "accountEnabled", "boolean", "the account can sign in"),
        "userType": raw_field("users", "userType", "string", "Member or Guest"),
        "usageLocation": raw_field(
            "users", "usageLocation", "string", "ISO 3166 alpha-2 country, required for licensing"
        ),
        "preferredDataLocation": raw_field(
            "users", "preferredDataLocation", "string", "Multi-Geo PDL (FRA, EUR…); null in a single-geo tenant"
        ),
        "department": raw_field("users", "department", "string", "department"),
        "jobTitle": raw_field("users", "jobTitle", "string", "job title"),
        "officeLocation": raw_field("users", "officeLocation", "string", "office"),
        "mail": raw_field("users", "mail", "string", "primary SMTP address"),
        "createdDateTime": raw_field("users", "createdDateTime", "date-time", "when the account was created"),
        "assignedLicenses": raw_field("users", "assignedLicenses", "array", "licences {skuId, disabledPlans}"),
        "assignedPlans": raw_field(
            "users", "assignedPlans", "array", "service plans {service, servicePlanId, capabilityStatus}"
        ),
        "licensed": FieldSpec("boolean", "holds at least one licence", ("users.assignedLicenses",)),
        "licenses": FieldSpec(
            "array",
            "part numbers of the user's licences (sku ids when subscribedSkus is unavailable)",
            ("users.assignedLicenses",),
        ),
        "multiGeoLicensed": FieldSpec(
            "boolean",
            "holds a Multi-Geo licence (null when subscribedSkus is unavailable)",
            ("users.assignedLicenses",),
        ),
        "teamsLicensed": FieldSpec(
            "boolean",
            "has an enabled Teams service plan (assignedPlans service TeamspaceAPI), never inferred from a suite",
            ("users.assignedPlans",),
        ),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        skus = snapshot.data("subscribedSkus")
        names = sku_names(skus) if skus is not None else None
        return [_user(u, names) for u in snapshot.data("users") or []]


def _user(u: dict[str, Any], names: dict[str, str] | None) -> Resource:
    sku_ids = [str(lic.get("skuId")) for lic in u.get("assignedLicenses") or ()]
    return {
        "id": u.get("id"),
        "userPrincipalName": u.get("userPrincipalName"),
        "displayName": u.get("displayName"),
        "accountEnabled": u.get("accountEnabled"),
        "userType": u.get("userType"),
        "usageLocation": u.get("usageLocation"),
        "preferredDataLocation": u.get("preferredDataLocation"),
        "department": u.get("department"),
        "jobTitle": u.get("jobTitle"),
        "officeLocation": u.get("officeLocation"),
        "mail": u.get("mail"),
        "createdDateTime": u.get("createdDateTime"),
        "assignedLicenses": u.get("assignedLicenses"),
        "assignedPlans": u.get("assignedPlans"),
        "licensed": bool(sku_ids),
        "licenses": [names.get(i, i) for i in sku_ids] if names is not None else sku_ids,
        "multiGeoLicensed": any(is_multi_geo_sku(names.get(i)) for i in sku_ids) if names is not None else None,
        "teamsLicensed": has_enabled_plan(u, TEAMS_SERVICE) if "assignedPlans" in u else None,
    }
