"""The generated town: deterministic, French, proportionate at every scale, Graph-shaped."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from m365gov.emulator import COUNCIL_GROUP_ID, DEFAULT_NOW, Tenant, generate_tenant
from m365gov.emulator.names import COUNCIL_SIZE, DEPARTMENTS


def _dump(t: Tenant) -> str:
    return json.dumps([t.organization, t.users, t.groups, t.group_members, t.sites, t.subscribed_skus,
                       t.user_teamwork, t.defects, t.tenant_id], sort_keys=True)


def test_same_seed_gives_the_same_tenant() -> None:
    assert _dump(generate_tenant(7, 200)) == _dump(generate_tenant(7, 200))


def test_another_seed_gives_another_tenant() -> None:
    a, b = generate_tenant(1, 200), generate_tenant(2, 200)
    assert a.tenant_id != b.tenant_id
    assert {u["id"] for u in a.users}.isdisjoint({u["id"] for u in b.users})


def test_now_defaults_to_a_fixed_time_not_the_clock(tenant: Tenant) -> None:
    assert tenant.now == DEFAULT_NOW == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def test_nothing_is_created_after_now(tenant: Tenant) -> None:
    now = tenant.now.isoformat().replace("+00:00", "Z")
    created = [u["createdDateTime"] for u in tenant.users] + [g["createdDateTime"] for g in tenant.groups]
    assert max(created) < now


def test_user_count_is_the_requested_total(tenant: Tenant) -> None:
    assert len(tenant.users) == 350


def test_too_small_a_town_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        generate_tenant(users=40)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        generate_tenant(now=datetime(2026, 1, 1))


def test_user_principal_names_are_unique_ascii_prenom_nom(tenant: Tenant) -> None:
    members = [u["userPrincipalName"] for u in tenant.users if u["userType"] == "Member"]
    assert len(set(members)) == len(members)
    staff = [u for u in tenant.users if u.get("employeeType") in ("Titulaire", "Contractuel", "Élu")]
    for u in staff:
        assert re.fullmatch(r"[a-z-]+\.[a-z-]+\d*@saint-aubin-sur-loire\.fr", u["userPrincipalName"]), u


def test_names_keep_their_french_accents(tenant: Tenant) -> None:
    assert any(re.search(r"[éèêëàâçîïôûüÉ]", u["displayName"]) for u in tenant.users)


def test_upns_stay_unique_when_names_collide(big_tenant: Tenant) -> None:
    upns = [u["userPrincipalName"] for u in big_tenant.users]
    assert len(set(upns)) == len(upns)
    assert any(re.search(r"\d@", upn) for upn in upns)


def test_council_has_33_members_led_by_the_mayor(tenant: Tenant) -> None:
    council = [tenant.user(i) for i in tenant.council_member_ids]
    assert len(council) == COUNCIL_SIZE
    titles = [u["jobTitle"] for u in council if u]
    assert titles[0] == "Maire"
    assert sum("adjoint" in t for t in titles) == 9
    assert all(t.startswith(("Maire", "1", "2", "3", "4", "5", "6", "7", "8", "9", "Conseill")) for t in titles)


def test_council_group_has_the_documented_id_and_the_council_as_members(tenant: Tenant) -> None:
    assert tenant.council_group_id == COUNCIL_GROUP_ID
    group = tenant.group(COUNCIL_GROUP_ID)
    assert group is not None and group["displayName"] == "Conseil municipal"
    assert tenant.group_members[COUNCIL_GROUP_ID] == list(tenant.council_member_ids)


def test_council_group_id_does_not_depend_on_the_seed() -> None:
    assert generate_tenant(seed=1, users=100).council_group_id == generate_tenant(seed=2, users=100).council_group_id


def test_every_department_has_staff_and_a_head(tenant: Tenant) -> None:
    counts = Counter(u.get("department") for u in tenant.users)
    for dept in DEPARTMENTS:
        assert counts[dept.name] >= 2, dept.name


def test_service_accounts_have_no_licence(tenant: Tenant) -> None:
    svc = [u for u in tenant.users if u["userPrincipalName"].startswith("svc-")]
    assert {u["userPrincipalName"].split("@")[0] for u in svc} >= {"svc-scanner", "svc-sauvegarde"}
    assert all(u["assignedLicenses"] == [] for u in svc)


def test_a_handful_of_guests_exist_without_licence(tenant: Tenant) -> None:
    guests = [u for u in tenant.users if u["userType"] == "Guest"]
    assert 3 <= len(guests) <= 15
    assert all("#EXT#@saintaubinsurloire.onmicrosoft.com" in g["userPrincipalName"] for g in guests)
    assert all(g["assignedLicenses"] == [] for g in guests)


def test_scaling_keeps_the_council_at_33_and_grows_departments(big_tenant: Tenant) -> None:
    big = big_tenant
    assert len(big.users) == 20_000
    assert len(big.council_member_ids) == COUNCIL_SIZE
    assert len(big.groups) > len(generate_tenant().groups)
    services = Counter(u.get("department") for u in big.users)
    assert services["Éducation et enfance"] > services["Communication"] * 5


def test_organization_is_the_french_town(tenant: Tenant) -> None:
    org = tenant.organization
    assert org["id"] == tenant.tenant_id
    assert org["displayName"] == "Ville de Saint-Aubin-sur-Loire"
    assert (org["countryLetterCode"], org["preferredLanguage"], org["defaultUsageLocation"]) == ("FR", "fr", "FR")
    domains = {d["name"]: d for d in org["verifiedDomains"]}
    assert domains["saint-aubin-sur-loire.fr"]["isDefault"] is True
    assert domains["saintaubinsurloire.onmicrosoft.com"]["isInitial"] is True


def test_tenant_is_multi_geo_in_beta_only(tenant: Tenant) -> None:
    assert tenant.organization_beta == {"isMultipleDataLocationsForServicesEnabled": True}
    assert "isMultipleDataLocationsForServicesEnabled" not in tenant.organization


def test_teams_region_of_the_organisation_is_france(tenant: Tenant) -> None:
    assert tenant.teamwork == {"id": "teamwork", "isTeamsEnabled": True, "region": "France"}


def test_every_user_has_a_teamwork_object(tenant: Tenant) -> None:
    assert set(tenant.user_teamwork) == {u["id"] for u in tenant.users}


def test_report_settings_show_names_unless_asked(tenant: Tenant) -> None:
    assert tenant.report_settings == {"id": "reportSettings", "displayConcealedNames": False}
    concealed = generate_tenant(users=100, concealed_names=True)
    assert concealed.report_settings["displayConcealedNames"] is True


def test_root_site_is_the_only_one_marked_root(tenant: Tenant) -> None:
    roots = [s for s in tenant.sites if "root" in s["siteCollection"]]
    assert roots == [tenant.root_site]
    assert tenant.root_site["webUrl"] == "https://saintaubinsurloire.sharepoint.com"


def test_every_microsoft_365_group_has_a_site(tenant: Tenant) -> None:
    unified = [g for g in tenant.groups if "Unified" in g["groupTypes"]]
    urls = {s["webUrl"] for s in tenant.sites}
    assert all(f"https://saintaubinsurloire.sharepoint.com/sites/{g['mailNickname']}" in urls for g in unified)


def test_security_groups_carry_no_preferred_data_location(tenant: Tenant) -> None:
    security = [g for g in tenant.groups if "Unified" not in g["groupTypes"]]
    assert security and all(g["preferredDataLocation"] is None for g in security)


def test_lookup_finds_a_user_by_upn_whatever_the_case(tenant: Tenant) -> None:
    u = tenant.users[5]
    assert tenant.user(u["userPrincipalName"].upper()) is u
    assert tenant.user(u["id"]) is u
    assert tenant.user("nobody@example.org") is None
