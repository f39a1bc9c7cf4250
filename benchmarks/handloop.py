"""The residency and Teams policies written out by hand: the yardstick of the policy engine.

What a developer would write without m365gov's engine: one loop per policy over the snapshot's raw
sections, the joins done inline (users with their report rows and call-record platforms), each
condition a Python expression with the shipped parameters' defaults, the tenant-level rules
(Teams licence = an enabled ``TeamspaceAPI`` plan, region names to codes, the camera verdict shown
as TEAMS-004's evidence) taken from the same domain helpers the views use. It produces what the
engine produces for these policies — each resource's verdict and the values judged and shown as
evidence — so that the benchmark can check that both agree, then compare their times.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from m365gov.geo import region_code
from m365gov.licensing import TEAMS_SERVICE, is_adr_sku, is_multi_geo_sku, sku_names
from m365gov.snapshot.model import Snapshot
from m365gov.views.evidence import camera_verdict

POLICIES = ("RES-001", "RES-002", "RES-003", "RES-004", "RES-005", "RES-006", "RES-007", "RES-008",
            "TEAMS-001", "TEAMS-002", "TEAMS-003", "TEAMS-004")
FR, FRA = frozenset({"FR"}), frozenset({"FRA"})
SERVICE_ACCOUNT = re.compile(r"(?i)(svc|srv|service)[-_.].*").fullmatch
SUPPORTED = frozenset({"windows", "mac", "linux", "web", "ios", "android", "chromeOS"})
COLUMNS = (("usedWindows", "windows"), ("usedMac", "mac"), ("usedLinux", "linux"), ("usedWeb", "web"),
           ("usedIOs", "ios"), ("usedAndroidPhone", "android"), ("usedChromeOS", "chromeOS"),
           ("usedWindowsPhone", "windowsPhone"))
ORDER = {name: i for i, (_, name) in enumerate(COLUMNS)}
CALL_CLIENTS = {"windows": "windows", "macos": "mac", "web": "web", "ios": "ios", "android": "android"}

Finding = tuple[str, str, Any]
"""(resource id, status, observed values)."""


def evaluate_by_hand(snapshot: Snapshot) -> dict[str, list[Finding]]:
    """Findings of the residency and Teams policies, by policy id."""
    out: dict[str, list[Finding]] = {}
    org = (snapshot.data("organization") or [{}])[0]
    skus = snapshot.data("subscribedSkus") or []
    enabled = [s for s in skus if s.get("capabilityStatus") == "Enabled"]
    multi_geo = any(is_multi_geo_sku(s.get("skuPartNumber")) and (s.get("consumedUnits") or 0) > 0 for s in enabled)
    add_ons = sorted(s.get("skuPartNumber") for s in enabled
                     if is_multi_geo_sku(s.get("skuPartNumber")) or is_adr_sku(s.get("skuPartNumber")))

    country = org.get("countryLetterCode")
    out["RES-001"] = [(org.get("id"), _verdict(type(country) is str and country in FR),
                       {"countryLetterCode": country, "displayName": org.get("displayName")})]
    teamwork = snapshot.data("teamwork") or {}
    code = region_code(teamwork.get("region"))
    out["RES-002"] = [(teamwork.get("id") or "teamwork", _verdict(code in FRA),
                       {"regionCode": code, "region": teamwork.get("region")})]
    adr = sum(1 for s in skus if is_adr_sku(s.get("skuPartNumber")) and s.get("capabilityStatus") == "Enabled")
    out["RES-008"] = [(org.get("id"), _verdict(adr >= 1),
                       {"count(skus[*])": adr, "residencyAddOns": add_ons, "multiGeo": multi_geo})]

    names = sku_names(skus)
    res003: list[Finding] = []
    res004: list[Finding] = []
    teams001: list[Finding] = []
    for u in snapshot.data("users") or []:
        sku_ids = [str(lic.get("skuId")) for lic in u.get("assignedLicenses") or ()]
        if not sku_ids:
            continue
        uid, upn = u.get("id"), u.get("userPrincipalName")
        usage, pdl, department = u.get("usageLocation"), u.get("preferredDataLocation"), u.get("department")
        res003.append((uid, _verdict(type(usage) is str and usage in FR),
                       {"usageLocation": usage, "userPrincipalName": upn, "department": department}))
        if multi_geo:
            res004.append((uid, _verdict((type(pdl) is str and pdl in FRA) or pdl is None),
                           {"preferredDataLocation": pdl, "userPrincipalName": upn}))
        if (u.get("accountEnabled") is True and u.get("userType") == "Member" and department is not None
                and not (type(upn) is str and SERVICE_ACCOUNT(upn))):
            teams = _teams_licensed(u) if "assignedPlans" in u else None
            teams001.append((uid, _verdict(teams is True),
                             {"teamsLicensed": teams, "department": department,
                              "licenses": [names.get(i, i) for i in sku_ids]}))
    out["RES-003"], out["TEAMS-001"] = res003, teams001
    out["RES-004"] = res004 if multi_geo else []

    groups: list[Finding] = []
    sites: list[Finding] = []
    regions: list[Finding] = []
    if multi_geo:
        for g in snapshot.data("groups") or []:
            if "Unified" in (g.get("groupTypes") or ()):
                pdl = g.get("preferredDataLocation")
                groups.append((g.get("id"), _verdict((type(pdl) is str and pdl in FRA) or pdl is None),
                               {"preferredDataLocation": pdl, "displayName": g.get("displayName"),
                                "isTeam": "Team" in (g.get("resourceProvisioningOptions") or ())}))
        for s in snapshot.data("sites") or []:
            where = (s.get("siteCollection") or {}).get("dataLocationCode")
            sites.append((s.get("id"), _verdict(type(where) is str and where in FRA),
                          {"dataLocationCode": where, "webUrl": s.get("webUrl")}))
        for r in snapshot.data("userTeamwork") or []:
            code = region_code(r.get("region"))
            regions.append((r.get("userId"), _verdict(code in FRA),
                            {"regionCode": code, "region": r.get("region"),
                             "userPrincipalName": r.get("userPrincipalName")}))
    out["RES-005"], out["RES-006"], out["RES-007"] = groups, sites, regions
    out.update(_teams(snapshot))
    return out


def _teams(snapshot: Snapshot) -> dict[str, list[Finding]]:
    """TEAMS-002..004: enabled members with a Teams licence, their activity and clients."""
    activity = snapshot.data("teamsUserActivity") or {}
    usage = snapshot.data("teamsDeviceUsage") or {}
    act_id, act_upn = _rows(activity)
    dev_id, dev_upn = _rows(usage)
    refresh = date.fromisoformat(activity["reportRefreshDate"])
    start = refresh - timedelta(days=int(activity.get("reportPeriod") or 0) - 1)
    period = activity.get("period")
    calls: dict[str, list[Any]] = defaultdict(list)
    for call in (snapshot.data("callRecords") or {}).get("calls") or ():
        for p in call.get("participants") or ():
            calls[str(p.get("id")).casefold()].append((call, p))
    inventory = {str(r.get("userPrincipalName")).casefold(): r
                 for r in (snapshot.data("inventory") or {}).get("rows") or ()}
    section = snapshot.section("inventory")
    configured = section is not None and section.ok
    active: list[Finding] = []
    clients_ok: list[Finding] = []
    web: list[Finding] = []
    for u in snapshot.data("users") or []:
        if u.get("accountEnabled") is not True or u.get("userType") != "Member" or not _teams_licensed(u):
            continue
        uid, upn = u.get("id"), u.get("userPrincipalName")
        key, key_upn = str(uid or "").casefold(), str(upn or "").casefold()
        row = act_id.get(key) or act_upn.get(key_upn) or {}
        last = row.get("lastActivityDate")
        is_active = last is not None and date.fromisoformat(last) >= start
        mine = calls.get(key, [])
        used = {name for column, name in COLUMNS if (dev_id.get(key) or dev_upn.get(key_upn) or {}).get(column) is True}
        for _, p in mine:
            for platform in p.get("platforms") or ():
                if (client := CALL_CLIENTS.get(str(platform).casefold())) is not None:
                    used.add(client)
        clients = sorted(used, key=lambda c: ORDER.get(c, 99))
        department = u.get("department")
        active.append((uid, _verdict(is_active),
                       {"activeInPeriod": is_active, "lastActivityDate": last, "department": department}))
        supported = sum(1 for c in clients if c in SUPPORTED)
        clients_ok.append((uid, _verdict(supported >= 1),
                           {"count(clients[*])": supported, "clients": clients, "lastActivityDate": last,
                            "department": department}))
        camera, _ = camera_verdict(mine, row.get("videoDurationInSeconds") or 0, period,
                                   inventory.get(key_upn), configured)
        web.append((uid, _verdict(clients != ["web"]),
                    {"webOnly": clients == ["web"], "clients": clients, "department": department,
                     "camera": camera}))
    passed = sum(1 for f in active if f[1] == "pass")
    ratio_ok = bool(active) and passed / len(active) >= 0.8
    return {"TEAMS-002": [("population", _verdict(ratio_ok), {"passed": passed, "total": len(active)})],
            "TEAMS-003": clients_ok, "TEAMS-004": web}


def _teams_licensed(u: dict[str, Any]) -> bool:
    return any(p.get("service") == TEAMS_SERVICE and p.get("capabilityStatus") == "Enabled"
               for p in u.get("assignedPlans") or ())


def _rows(report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    by_id: dict[str, Any] = {}
    by_upn: dict[str, Any] = {}
    for row in report.get("users") or ():
        if row.get("userId"):
            by_id[str(row["userId"]).casefold()] = row
        if row.get("userPrincipalName"):
            by_upn[str(row["userPrincipalName"]).casefold()] = row
    return by_id, by_upn


def _verdict(ok: bool) -> str:
    return "pass" if ok else "fail"


def verdict_counts(findings: dict[str, list[Finding]]) -> dict[str, dict[str, int]]:
    """Passes and failures per policy, for comparison with the engine's results."""
    out: dict[str, dict[str, int]] = {}
    for pid, found in findings.items():
        counts: dict[str, int] = {}
        for _, status, _ in found:
            counts[status] = counts.get(status, 0) + 1
        out[pid] = counts
    return out
