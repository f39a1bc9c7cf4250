# mypy: disable-error-code="union-attr,arg-type,assignment,index,attr-defined"
"""The baseline: the same collection written as msgraph-sdk's own documentation shows it.

Typed models, ``client.users.get()`` then ``client.users.with_url(page.odata_next_link).get()``,
one request after another, one source after another — what a DSI would write from the SDK's README
and samples (https://github.com/microsoftgraph/msgraph-sdk-python, docs/general_samples.md). It
reads the same data ``m365gov collect`` reads for the shipped policies, with the same ``$select``:
organisation, subscriptions, users, groups, sites, the Teams region of each Multi-Geo user, report
settings, both usage reports, every call record of the 30-day window with its sessions (nested
session pages included), Teams devices and their rooms' health, the council's members, the
Microsoft 365 service principals, and each planned vault's keys and properties.

Only where msgraph-sdk has no typed path does it read raw bytes: the Teams devices API exists only
in Graph beta, whose SDK (msgraph-beta-sdk, >600 MB) is not installed.

Usage (the benchmark runs it against the emulator in another process)::

    python benchmarks/naive_collect.py -c m365gov.toml --as-of 2026-11-28T08:00:00 [--call-record-limit N]

Prints one JSON line: items per source, total seconds, and the seconds spent reading call records
one by one (``--call-record-limit`` reads only the first N in full, for an extrapolation that the
benchmark then labels as such).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

USER_SELECT = [
    "accountEnabled", "assignedLicenses", "assignedPlans", "businessPhones", "department", "displayName", "id",
    "mobilePhone", "preferredDataLocation", "usageLocation", "userPrincipalName", "userType",
]
GROUP_SELECT = ["id", "displayName", "groupTypes", "mailEnabled", "securityEnabled", "preferredDataLocation"]
SITE_SELECT = ["id", "displayName", "name", "webUrl", "siteCollection", "createdDateTime"]
ORG_SELECT = ["id", "displayName", "countryLetterCode", "preferredLanguage", "tenantType", "verifiedDomains",
              "city", "postalCode", "createdDateTime"]
MULTI_GEO = "OFFICE365_MULTIGEO"


TIMING: dict[str, float] = {}


async def collect_graph(conf: dict[str, Any], as_of: datetime, limit: int | None = None) -> dict[str, int]:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph import GraphServiceClient
    from msgraph.generated.groups.groups_request_builder import GroupsRequestBuilder
    from msgraph.generated.organization.organization_request_builder import OrganizationRequestBuilder
    from msgraph.generated.users.users_request_builder import UsersRequestBuilder

    from m365gov.auth import StaticTestCredential  # the emulator's token; a real run passes a ClientSecretCredential

    client = GraphServiceClient(credentials=StaticTestCredential(), scopes=["https://graph.microsoft.com/.default"])
    client.request_adapter.base_url = conf["graph"]["endpoint"]
    counts: dict[str, int] = {}

    org = await client.organization.get(request_configuration=RequestConfiguration(
        query_parameters=OrganizationRequestBuilder.OrganizationRequestBuilderGetQueryParameters(select=ORG_SELECT)))
    counts["organization"] = len(org.value)
    skus = await client.subscribed_skus.get()
    counts["subscribedSkus"] = len(skus.value)
    multi_geo = {s.sku_id for s in skus.value if s.sku_part_number == MULTI_GEO}

    page = await client.users.get(request_configuration=RequestConfiguration(
        query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(select=USER_SELECT, top=999)))
    users = list(page.value)
    while page.odata_next_link:
        page = await client.users.with_url(page.odata_next_link).get()
        users.extend(page.value)
    counts["users"] = len(users)

    page = await client.groups.get(request_configuration=RequestConfiguration(
        query_parameters=GroupsRequestBuilder.GroupsRequestBuilderGetQueryParameters(select=GROUP_SELECT, top=999)))
    groups = list(page.value)
    while page.odata_next_link:
        page = await client.groups.with_url(page.odata_next_link).get()
        groups.extend(page.value)
    counts["groups"] = len(groups)

    sites_builder = client.sites.get_all_sites
    page = await sites_builder.get(request_configuration=RequestConfiguration(
        query_parameters=sites_builder.GetAllSitesRequestBuilderGetQueryParameters(select=SITE_SELECT, top=999)))
    sites = list(page.value)
    while page.odata_next_link:
        page = await sites_builder.with_url(page.odata_next_link).get()
        sites.extend(page.value)
    counts["sites"] = len(sites)

    await client.teamwork.get()
    counts["teamwork"] = 1
    regions = []
    for u in users:
        if any(lic.sku_id in multi_geo for lic in u.assigned_licenses or ()):
            regions.append(await client.users.by_user_id(u.id).teamwork.get())
    counts["userTeamwork"] = len(regions)

    await client.admin.report_settings.get()
    counts["reportSettings"] = 1
    activity = await client.reports.get_teams_user_activity_user_detail_with_period("D30").get()
    devices_csv = await client.reports.get_teams_device_usage_user_detail_with_period("D30").get()
    counts["teamsUserActivity"] = max(0, (activity or b"").count(b"\n") - 1)
    counts["teamsDeviceUsage"] = max(0, (devices_csv or b"").count(b"\n") - 1)

    counts["callRecords"] = await _call_records(client, as_of, limit)
    counts["teamworkDevices"] = await _devices(client, conf)

    group_id = (conf.get("council") or {}).get("group_id")
    if group_id:
        page = await client.groups.by_group_id(group_id).members.get()
        members = list(page.value)
        while page.odata_next_link:
            page = await client.groups.by_group_id(group_id).members.with_url(page.odata_next_link).get()
            members.extend(page.value)
        counts["councilMembers"] = len(members)
    if (conf.get("keys") or {}).get("plan"):
        from msgraph.generated.service_principals.service_principals_request_builder import (
            ServicePrincipalsRequestBuilder,
        )

        from m365gov.keys.rules import SERVICE_PRINCIPALS

        plan = json.loads(Path(conf["keys"]["plan"]).read_text(encoding="utf-8"))
        app_ids = sorted({SERVICE_PRINCIPALS[d["kind"]].app_id for d in plan["dataEncryptionPolicies"]})
        flt = "appId in (" + ", ".join(f"'{a}'" for a in app_ids) + ")"
        sps = await client.service_principals.get(request_configuration=RequestConfiguration(
            query_parameters=ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(
                filter=flt, select=["id", "appId", "displayName"])))
        counts["m365ServicePrincipals"] = len(sps.value)
    return counts


async def _call_records(client: Any, as_of: datetime, limit: int | None) -> int:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.communications.call_records.call_records_request_builder import CallRecordsRequestBuilder
    from msgraph.generated.communications.call_records.item.call_record_item_request_builder import (
        CallRecordItemRequestBuilder,
    )

    start = as_of - timedelta(days=30)

    def iso(d: datetime) -> str:
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")

    window = f"startDateTime ge {iso(start)} and startDateTime lt {iso(as_of)}"
    page = await client.communications.call_records.get(request_configuration=RequestConfiguration(
        query_parameters=CallRecordsRequestBuilder.CallRecordsRequestBuilderGetQueryParameters(filter=window)))
    listed = list(page.value)
    while page.odata_next_link:
        page = await client.communications.call_records.with_url(page.odata_next_link).get()
        listed.extend(page.value)
    expand = RequestConfiguration(
        query_parameters=CallRecordItemRequestBuilder.CallRecordItemRequestBuilderGetQueryParameters(
            expand=["sessions($expand=segments)"]))
    records = []
    started = time.perf_counter()
    for r in listed[:limit]:
        item = client.communications.call_records.by_call_record_id(r.id)
        record = await item.get(request_configuration=expand)
        link = (record.additional_data or {}).get("sessions@odata.nextLink")
        while link:  # nested pages: PageIterator does not follow them (graph.md §4)
            more = await item.sessions.with_url(link.replace("/$metadata#", "/", 1)).get()
            record.sessions.extend(more.value)
            link = more.odata_next_link
        records.append(record)
    TIMING.update(detailSeconds=time.perf_counter() - started, details=len(records), listed=len(listed))
    return len(records)


async def _devices(client: Any, conf: dict[str, Any]) -> int:
    """Beta only (graph.md §5): raw GETs through the same client, as msgraph-beta-sdk is not installed."""
    from kiota_abstractions.method import Method
    from kiota_abstractions.request_information import RequestInformation

    beta = conf["graph"]["endpoint"].rsplit("/v1.0", 1)[0] + "/beta"

    async def get(url: str) -> Any:
        ri = RequestInformation()
        ri.http_method = Method.GET
        ri.url = url
        return json.loads(await client.request_adapter.send_primitive_async(ri, "bytes", {}))

    page = await get(f"{beta}/teamwork/devices?$top=50")
    devices = list(page["value"])
    while page.get("@odata.nextLink"):
        page = await get(page["@odata.nextLink"])
        devices.extend(page["value"])
    for d in devices:
        if str(d.get("deviceType", "")).casefold() in ("teamsroom", "surfacehub", "collaborationbar"):
            d["health"] = await get(f"{beta}/teamwork/devices/{d['id']}/health")
    return len(devices)


def collect_key_vault(conf: dict[str, Any]) -> dict[str, int]:
    """azure-keyvault-keys and azure-mgmt-keyvault as their READMEs show: one call after another."""
    from azure.keyvault.keys import KeyClient
    from azure.mgmt.keyvault import KeyVaultManagementClient

    from m365gov.auth import StaticTestCredential

    keys_conf = conf.get("keys") or {}
    if not keys_conf.get("plan"):
        return {}
    plan = json.loads(Path(keys_conf["plan"]).read_text(encoding="utf-8"))
    vaults: dict[str, dict[str, Any]] = {}
    for dep in plan["dataEncryptionPolicies"]:
        for side in ("primary", "secondary"):
            vaults.setdefault(dep[side]["vault"]["url"], dep[side]["vault"])
    cred = StaticTestCredential()
    verify = keys_conf.get("ca_file")
    n_keys = n_vaults = 0
    for url, vault in vaults.items():
        client = KeyClient(url, cred, verify_challenge_resource=False, connection_verify=verify)
        for props in client.list_properties_of_keys():
            client.get_key(props.name)
            list(client.list_properties_of_key_versions(props.name))
            client.get_key_rotation_policy(props.name)
            n_keys += 1
        mgmt = KeyVaultManagementClient(cred, vault["subscriptionId"], base_url=keys_conf["management"]["endpoint"],
                                        credential_scopes=["https://management.azure.com/.default"],
                                        connection_verify=verify)
        mgmt.vaults.get(vault["resourceGroup"], vault["name"])
        n_vaults += 1
    return {"keyVaultKeys": n_keys, "keyVaults": n_vaults}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, type=Path)
    parser.add_argument("--as-of", required=True, help="end of the call-record window (UTC, YYYY-MM-DDTHH:MM:SS)")
    parser.add_argument("--call-record-limit", type=int, help="read only the first N call records in full")
    args = parser.parse_args(argv)
    conf = tomllib.loads(args.config.read_text(encoding="utf-8"))
    as_of = datetime.fromisoformat(args.as_of).replace(tzinfo=UTC)
    started = time.perf_counter()
    counts = asyncio.run(collect_graph(conf, as_of, args.call_record_limit))
    counts.update(collect_key_vault(conf))
    print(json.dumps({"items": counts, "seconds": round(time.perf_counter() - started, 3), "callRecords": TIMING}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
