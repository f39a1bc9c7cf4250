"""Tenant, sites and Teams-region views."""

from __future__ import annotations

from m365gov.views.sites import SitesView
from m365gov.views.teams_region import TeamsRegionView, UserTeamsRegionsView
from m365gov.views.tenant import TenantView
from tests.support.snapshots import make_snapshot

ORG = [{"id": "t1", "displayName": "Ville", "countryLetterCode": "FR"}]


def _sku(part: str, consumed: int = 5, status: str = "Enabled") -> dict[str, object]:
    return {
        "skuId": part,
        "skuPartNumber": part,
        "capabilityStatus": status,
        "consumedUnits": consumed,
        "prepaidUnits": {"enabled": 10},
    }


def test_a_tenant_with_an_assigned_multi_geo_subscription_is_multi_geo() -> None:
    snap = make_snapshot({"organization": ORG, "subscribedSkus": [_sku("ENTERPRISEPACK"), _sku("OFFICE365_MULTIGEO")]})
    (t,) = TenantView().build(snap)
    assert t["multiGeo"] is True and t["residencyAddOns"] == ["OFFICE365_MULTIGEO"]


def test_an_unassigned_or_suspended_multi_geo_subscription_does_not_make_a_multi_geo_tenant() -> None:
    for sku in (_sku("OFFICE365_MULTIGEO", consumed=0), _sku("OFFICE365_MULTIGEO", status="Suspended")):
        (t,) = TenantView().build(make_snapshot({"organization": ORG, "subscribedSkus": [sku]}))
        assert t["multiGeo"] is False


def test_advanced_data_residency_is_recognised_by_substring() -> None:
    snap = make_snapshot({"organization": ORG, "subscribedSkus": [_sku("Advanced_Data_Residency")]})
    (t,) = TenantView().build(snap)
    assert t["skus"][0]["advancedDataResidency"] is True and t["multiGeo"] is False


def test_sites_expose_their_data_location_code() -> None:
    site = {"id": "s1", "webUrl": "https://x/sites/a", "siteCollection": {"dataLocationCode": "EUR", "hostname": "x"}}
    (s,) = SitesView().build(make_snapshot({"sites": [site]}))
    assert (s["dataLocationCode"], s["isRoot"]) == ("EUR", False)


def test_teams_regions_map_display_names_to_codes_and_eur_is_not_france() -> None:
    (org,) = TeamsRegionView().build(make_snapshot({"teamwork": {"id": "teamwork", "region": "France"}}))
    users = UserTeamsRegionsView().build(
        make_snapshot(
            {
                "userTeamwork": [
                    {"userId": "u", "region": "Europe and MiddleEast"},
                    {"userId": "v", "region": "Atlantis"},
                ]
            }
        )
    )
    assert org["regionCode"] == "FRA"
    assert [u["regionCode"] for u in users] == ["EUR", None]
