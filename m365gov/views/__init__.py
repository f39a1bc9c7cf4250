"""Views: pure joins of snapshot sections into the resources policies judge.

Adding a view is adding a module and a line in :data:`VIEWS`.
"""

from __future__ import annotations

from collections.abc import Mapping

from m365gov.views.base import FieldSpec, Resource, View
from m365gov.views.groups import GroupsView
from m365gov.views.inventory_rows import InventoryRowsView
from m365gov.views.key_vaults import KeyPairsView, KeyVaultsView
from m365gov.views.keys import KeysView
from m365gov.views.readiness import ReadinessView
from m365gov.views.rooms import RoomsView
from m365gov.views.sites import SitesView
from m365gov.views.teams_region import TeamsRegionView, UserTeamsRegionsView
from m365gov.views.tenant import TenantView
from m365gov.views.users import UsersView

VIEWS: Mapping[str, View] = {
    v.name: v
    for v in (
        TenantView(),
        UsersView(),
        GroupsView(),
        SitesView(),
        TeamsRegionView(),
        UserTeamsRegionsView(),
        ReadinessView(),
        RoomsView(),
        InventoryRowsView(),
        KeysView(),
        KeyPairsView(),
        KeyVaultsView(),
    )
}

__all__ = ["VIEWS", "FieldSpec", "Resource", "View"]
