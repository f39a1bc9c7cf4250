"""Facts about Microsoft 365 licences that collectors and views must agree on.

Kept in one neutral module (no network, no policy) so that the collector choosing which users to
ask about and the view judging them apply the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TEAMS_SERVICE = "TeamspaceAPI"
"""``assignedPlans[].service`` of the Teams service plans (graph.md §3.1): the only sound test of a
Teams licence — never a suite's name, since EEA suites may come without Teams."""

MULTI_GEO_MARKERS = ("MULTIGEO", "MULTI_GEO")
"""Multi-Geo's part number is ``OFFICE365_MULTIGEO`` in admin scripts (graph.md §2.6)."""

ADR_MARKERS = ("ADVANCED_DATA_RESIDENCY", "ADV_DATA_RES")
"""Advanced Data Residency's part number is unconfirmed (graph.md §2.6): match by substring."""


def is_multi_geo_sku(part_number: str | None) -> bool:
    upper = (part_number or "").upper()
    return any(m in upper for m in MULTI_GEO_MARKERS)


def is_adr_sku(part_number: str | None) -> bool:
    upper = (part_number or "").upper()
    return any(m in upper for m in ADR_MARKERS)


def sku_names(skus: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``skuId`` → ``skuPartNumber`` for the tenant's subscriptions."""
    return {str(s.get("skuId")): str(s.get("skuPartNumber")) for s in skus if s.get("skuId")}


def multi_geo_sku_ids(skus: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    return frozenset(i for i, name in sku_names(skus).items() if is_multi_geo_sku(name))


def has_enabled_plan(user: Mapping[str, Any], service: str) -> bool:
    """Whether the user has an ``assignedPlans`` item of ``service`` that is ``Enabled``."""
    for plan in user.get("assignedPlans") or ():
        if plan.get("service") == service and plan.get("capabilityStatus") == "Enabled":
            return True
    return False
