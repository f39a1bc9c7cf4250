"""Collections over HTTP: $select, $top, $filter and absolute @odata.nextLink paging."""

from __future__ import annotations

from typing import Any

import httpx

from m365gov.emulator import Emulator

USER_DEFAULT = {"businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone",
                "officeLocation", "preferredLanguage", "surname", "userPrincipalName"}


def _all(client: httpx.Client, url: str) -> tuple[list[dict[str, Any]], list[str]]:
    items: list[dict[str, Any]] = []
    links: list[str] = []
    while url:
        body = client.get(url).raise_for_status().json()
        items.extend(body["value"])
        url = body.get("@odata.nextLink")
        if url:
            links.append(url)
    return items, links


def test_paging_returns_every_user_exactly_once(client: httpx.Client, emulator: Emulator) -> None:
    items, links = _all(client, "/users?$select=id,usageLocation&$top=37")
    assert sorted(u["id"] for u in items) == sorted(u["id"] for u in emulator.tenant.users)
    assert len(links) == len(emulator.tenant.users) // 37


def test_next_link_is_absolute_and_keeps_select_and_top(client: httpx.Client, emulator: Emulator) -> None:
    body = client.get("/users?$select=id,displayName&$top=10").json()
    link = body["@odata.nextLink"]
    assert link.startswith(f"{emulator.graph_url}/users?")
    assert "$select=id,displayName" in link and "$top=10" in link and "$skiptoken=" in link


def test_next_link_keeps_the_filter(client: httpx.Client) -> None:
    first = client.get("/users", params={"$filter": "userType eq 'Member'", "$top": "5"}).json()
    assert "$filter=userType%20eq%20'Member'" in first["@odata.nextLink"]
    second = client.get(first["@odata.nextLink"]).json()
    assert second["value"]


def test_without_select_users_carry_only_the_default_properties(client: httpx.Client) -> None:
    user = client.get("/users?$top=1").json()["value"][0]
    assert set(user) == USER_DEFAULT


def test_select_returns_exactly_the_selected_properties(client: httpx.Client) -> None:
    body = client.get("/users?$select=id,usageLocation,assignedPlans&$top=3").json()
    assert all(set(u) == {"id", "usageLocation", "assignedPlans"} for u in body["value"])
    assert body["@odata.context"].endswith("$metadata#users(id,usageLocation,assignedPlans)")


def test_unknown_selected_property_is_a_400(client: httpx.Client) -> None:
    resp = client.get("/users?$select=id,shoeSize")
    assert resp.status_code == 400 and "shoeSize" in resp.json()["error"]["message"]


def test_default_page_size_is_100(client: httpx.Client) -> None:
    assert len(client.get("/users").json()["value"]) == 100


def test_top_999_is_accepted_and_1000_refused(client: httpx.Client) -> None:
    assert client.get("/users?$top=999").status_code == 200
    resp = client.get("/users?$top=1000")
    assert resp.status_code == 400
    assert resp.json()["error"]["message"].startswith("Invalid page size specified: '1000'")


def test_filter_account_enabled(client: httpx.Client, emulator: Emulator) -> None:
    items, _ = _all(client, "/users?$filter=accountEnabled eq true&$select=id,accountEnabled&$top=999")
    assert len(items) == sum(u["accountEnabled"] for u in emulator.tenant.users)
    assert all(u["accountEnabled"] for u in items)


def test_filter_member_and_usage_location(client: httpx.Client, emulator: Emulator) -> None:
    items, _ = _all(client, "/users?$filter=userType eq 'Member' and usageLocation eq 'FR'&$select=id&$top=999")
    expected = [u for u in emulator.tenant.users if u["userType"] == "Member" and u.get("usageLocation") == "FR"]
    assert len(items) == len(expected)


def test_unsupported_filter_is_a_400_not_ignored(client: httpx.Client) -> None:
    resp = client.get("/users?$filter=mobilePhone eq '0600000000'")
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "Request_UnsupportedQuery"


def test_advanced_query_with_count(client: httpx.Client, emulator: Emulator) -> None:
    resp = client.get("/users?$filter=usageLocation ne 'FR'&$count=true&$select=id",
                      headers={"ConsistencyLevel": "eventual"})
    body = resp.raise_for_status().json()
    assert body["@odata.count"] == sum(u.get("usageLocation") != "FR" for u in emulator.tenant.users)


def test_unimplemented_query_option_is_a_501(client: httpx.Client) -> None:
    resp = client.get("/users?$orderby=displayName")
    assert resp.status_code == 501 and "$orderby" in resp.json()["error"]["message"]


def test_tampered_skip_token_is_refused(client: httpx.Client) -> None:
    assert client.get("/users?$skiptoken=bogus").status_code == 400


def test_user_by_id_and_by_upn(client: httpx.Client, emulator: Emulator) -> None:
    user = emulator.tenant.users[3]
    by_id = client.get(f"/users/{user['id']}?$select=id,usageLocation").json()
    by_upn = client.get(f"/users/{user['userPrincipalName']}?$select=id").json()
    assert by_id["id"] == by_upn["id"] == user["id"]
    assert by_id["@odata.context"].endswith("#users(id,usageLocation)/$entity")


def test_unknown_user_is_a_404(client: httpx.Client) -> None:
    resp = client.get("/users/00000000-0000-0000-0000-000000000000")
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "Request_ResourceNotFound"


def test_user_teamwork_region(client: httpx.Client, emulator: Emulator) -> None:
    defect = next(d for d in emulator.tenant.defects if d["kind"] == "user_teams_region")
    body = client.get(f"/users/{defect['id']}/teamwork").json()
    assert body["region"] == "Europe and MiddleEast" and body["id"] == "userTeamwork"


def test_groups_and_team_filter(client: httpx.Client, emulator: Emulator) -> None:
    items, _ = _all(client, "/groups?$filter=resourceProvisioningOptions/Any(x:x eq 'Team')&$top=999")
    expected = [g for g in emulator.tenant.groups if "Team" in g["resourceProvisioningOptions"]]
    assert len(items) == len(expected) and all("preferredDataLocation" in g for g in items)


def test_group_members_are_typed_directory_objects(client: httpx.Client, emulator: Emulator) -> None:
    gid = emulator.tenant.council_group_id
    items, _ = _all(client, f"/groups/{gid}/members?$select=id,jobTitle&$top=10")
    assert [m["id"] for m in items] == list(emulator.tenant.council_member_ids)
    assert all(m["@odata.type"] == "#microsoft.graph.user" for m in items)


def test_all_sites_carry_their_site_collection(client: httpx.Client, emulator: Emulator) -> None:
    items, _ = _all(client, "/sites/getAllSites()?$select=id,webUrl,siteCollection&$top=10")
    assert len(items) == len(emulator.tenant.sites)
    assert {s["siteCollection"]["dataLocationCode"] for s in items} == {"FRA", "EUR"}


def test_root_sites_filter_over_http(client: httpx.Client) -> None:
    body = client.get("/sites?$filter=siteCollection/root ne null&$select=webUrl,siteCollection").json()
    assert [s["webUrl"] for s in body["value"]] == ["https://saintaubinsurloire.sharepoint.com"]


def test_root_site(client: httpx.Client) -> None:
    body = client.get("/sites/root?$select=id,webUrl,siteCollection").json()
    assert body["siteCollection"] == {"dataLocationCode": "FRA", "hostname": "saintaubinsurloire.sharepoint.com",
                                      "root": {}}


def test_organization_is_a_collection_of_one(client: httpx.Client) -> None:
    body = client.get("/organization").json()
    assert len(body["value"]) == 1 and body["value"][0]["countryLetterCode"] == "FR"


def test_beta_organization_adds_the_multi_geo_flag(emulator: Emulator) -> None:
    resp = httpx.get(f"{emulator.beta_url}/organization", headers={"Authorization": "Bearer t"})
    assert resp.json()["value"][0]["isMultipleDataLocationsForServicesEnabled"] is True


def test_subscribed_skus_teamwork_and_report_settings(client: httpx.Client) -> None:
    skus = client.get("/subscribedSkus").json()["value"]
    assert "OFFICE365_MULTIGEO" in {s["skuPartNumber"] for s in skus}
    assert client.get("/teamwork").json()["region"] == "France"
    assert client.get("/admin/reportSettings").json()["displayConcealedNames"] is False


def test_responses_are_graph_json_with_a_context(client: httpx.Client) -> None:
    resp = client.get("/teamwork")
    assert resp.headers["content-type"].startswith("application/json; odata.metadata=minimal")
    assert resp.json()["@odata.context"].endswith("$metadata#teamwork/$entity")
