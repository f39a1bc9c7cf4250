"""Licences: realistic EEA purchases, and plans that follow from assigned licences."""

from __future__ import annotations

from collections import Counter

from m365gov.emulator import Tenant
from m365gov.emulator.licensing import MULTIGEO, SKUS_BY_ID, STANDARDPACK, TEAMS1


def teams_enabled(user: dict) -> bool:  # type: ignore[type-arg]
    """The documented rule: an Enabled assigned plan whose service is TeamspaceAPI."""
    return any(p["service"] == "TeamspaceAPI" and p["capabilityStatus"] == "Enabled" for p in user["assignedPlans"])


def _parts(user: dict) -> set[str]:  # type: ignore[type-arg]
    return {SKUS_BY_ID[lic["skuId"]].part_number for lic in user["assignedLicenses"]}


def test_consumed_units_equal_licences_assigned(tenant: Tenant) -> None:
    assigned = Counter(lic["skuId"] for u in tenant.users for lic in u["assignedLicenses"])
    for sku in tenant.subscribed_skus:
        assert sku["consumedUnits"] == assigned[sku["skuId"]], sku["skuPartNumber"]
        assert sku["prepaidUnits"]["enabled"] >= sku["consumedUnits"]


def test_the_tenant_subscribes_the_expected_skus(tenant: Tenant) -> None:
    parts = {s["skuPartNumber"] for s in tenant.subscribed_skus}
    assert parts == {"ENTERPRISEPACK", "STANDARDPACK", "O365_w/o Teams Bundle_M3", "Microsoft_Teams_EEA_New",
                     "OFFICE365_MULTIGEO"}


def test_enterprisepack_contains_teams_and_audio_video_plans(tenant: Tenant) -> None:
    e3 = next(s for s in tenant.subscribed_skus if s["skuPartNumber"] == "ENTERPRISEPACK")
    plans = {p["servicePlanId"]: p["servicePlanName"] for p in e3["servicePlans"]}
    assert plans["57ff2da0-773e-42df-b2af-ffb7a2317929"] == "TEAMS1"
    assert plans["0feaeb32-d00e-4d66-bd5a-43b5b83db82c"] == "MCOSTANDARD"


def test_assigned_plans_follow_assigned_licences(tenant: Tenant) -> None:
    for u in tenant.users:
        expected = set()
        for lic in u["assignedLicenses"]:
            for plan in SKUS_BY_ID[lic["skuId"]].plans:
                status = "Deleted" if plan.id in lic["disabledPlans"] else "Enabled"
                expected.add((plan.id, plan.service, status))
        got = {(p["servicePlanId"], p["service"], p["capabilityStatus"]) for p in u["assignedPlans"]}
        assert got == expected, u["userPrincipalName"]


def test_teams_is_enabled_only_with_a_teams_sku_not_disabled(tenant: Tenant) -> None:
    for u in tenant.users:
        has = any(SKUS_BY_ID[lic["skuId"]].has_teams and TEAMS1.id not in lic["disabledPlans"]
                  for lic in u["assignedLicenses"])
        assert teams_enabled(u) == has, u["userPrincipalName"]


def test_some_licensed_staff_have_no_teams(tenant: Tenant) -> None:
    licensed = [u for u in tenant.users if u["assignedLicenses"]]
    without = [u for u in licensed if not teams_enabled(u)]
    assert without, "the Teams rollout population needs people without Teams"
    assert any("O365_w/o Teams Bundle_M3" in _parts(u) for u in without)
    assert any(lic["disabledPlans"] for u in without for lic in u["assignedLicenses"])


def test_post_2023_hires_buy_the_eea_no_teams_suite_plus_teams(tenant: Tenant) -> None:
    eea = [u for u in tenant.users if "O365_w/o Teams Bundle_M3" in _parts(u)]
    assert eea and all(u["createdDateTime"] >= "2023-10-01" for u in eea)
    assert any("Microsoft_Teams_EEA_New" in _parts(u) for u in eea)


def test_council_members_hold_e1(tenant: Tenant) -> None:
    for uid in tenant.council_member_ids:
        user = tenant.user(uid)
        assert user is not None
        assert [lic["skuId"] for lic in user["assignedLicenses"]] == [STANDARDPACK.id]


def test_about_six_percent_of_licensed_users_are_multi_geo(tenant: Tenant) -> None:
    licensed = [u for u in tenant.users if u["assignedLicenses"]]
    multigeo = [u for u in licensed if MULTIGEO.id in {lic["skuId"] for lic in u["assignedLicenses"]}]
    assert 0.04 <= len(multigeo) / len(licensed) <= 0.08


def test_licence_states_mirror_assigned_licences(tenant: Tenant) -> None:
    for u in tenant.users:
        states = u.get("licenseAssignmentStates", [])
        assert [s["skuId"] for s in states] == [lic["skuId"] for lic in u["assignedLicenses"]]
        assert all(s["state"] == "Active" and s["assignedByGroup"] is None for s in states)
