"""The users view: licences, Teams licensing and Multi-Geo as facts, never guessed."""

from __future__ import annotations

from m365gov.views.users import UsersView
from tests.support.snapshots import make_snapshot

E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900"
MG = "41eda15d-6b52-453b-906f-bc4a5b25a26b"
SKUS = [{"skuId": E3, "skuPartNumber": "ENTERPRISEPACK"}, {"skuId": MG, "skuPartNumber": "OFFICE365_MULTIGEO"}]
TEAMS_ON = {
    "service": "TeamspaceAPI",
    "capabilityStatus": "Enabled",
    "servicePlanId": "57ff2da0-773e-42df-b2af-ffb7a2317929",
}


def _user(**kw: object) -> dict[str, object]:
    return {"id": "u1", "userPrincipalName": "a@x.fr", **kw}


def test_licences_are_named_by_part_number_when_subscriptions_are_known() -> None:
    snap = make_snapshot({"users": [_user(assignedLicenses=[{"skuId": E3}])], "subscribedSkus": SKUS})
    (u,) = UsersView().build(snap)
    assert u["licensed"] is True and u["licenses"] == ["ENTERPRISEPACK"] and u["multiGeoLicensed"] is False


def test_without_subscriptions_licences_are_ids_and_multi_geo_is_unknown() -> None:
    snap = make_snapshot({"users": [_user(assignedLicenses=[{"skuId": MG}])]})
    (u,) = UsersView().build(snap)
    assert u["licenses"] == [MG] and u["multiGeoLicensed"] is None


def test_teams_licence_comes_from_an_enabled_teams_plan_only() -> None:
    suspended = {**TEAMS_ON, "capabilityStatus": "Suspended"}
    snap = make_snapshot(
        {
            "users": [
                _user(id="on", assignedLicenses=[{"skuId": E3}], assignedPlans=[TEAMS_ON]),
                _user(id="off", assignedLicenses=[{"skuId": E3}], assignedPlans=[suspended]),
                _user(id="none", assignedLicenses=[{"skuId": E3}], assignedPlans=[]),
                _user(id="unread", assignedLicenses=[{"skuId": E3}]),
            ]
        }
    )
    verdicts = {u["id"]: u["teamsLicensed"] for u in UsersView().build(snap)}
    assert verdicts == {"on": True, "off": False, "none": False, "unread": None}


def test_an_unlicensed_user_is_not_licensed() -> None:
    (u,) = UsersView().build(make_snapshot({"users": [_user(assignedLicenses=[])]}))
    assert u["licensed"] is False and u["licenses"] == []
