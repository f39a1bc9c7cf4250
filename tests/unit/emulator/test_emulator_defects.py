"""Seeded residency defects: present, recorded, and each population check has passes and fails."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from m365gov.emulator import DEFECT_KINDS, Tenant, generate_tenant
from m365gov.emulator.defects import RESIDENCY_KINDS
from m365gov.emulator.licensing import MULTIGEO


def _get(obj: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None  # type: ignore[assignment]
    return obj


def _resource(t: Tenant, defect: dict[str, Any]) -> dict[str, Any]:
    if defect["resource"] == "user":
        return t.user(defect["id"])  # type: ignore[return-value]
    if defect["resource"] == "userTeamwork":
        return t.user_teamwork[defect["id"]]
    pool = t.groups if defect["resource"] == "group" else t.sites
    return next(o for o in pool if o["id"] == defect["id"])


def _licensed_members(t: Tenant) -> list[dict[str, Any]]:
    return [u for u in t.users if u["assignedLicenses"] and u["userType"] == "Member"]


def test_every_defect_kind_is_seeded(tenant: Tenant) -> None:
    assert {d["kind"] for d in tenant.defects} == set(DEFECT_KINDS)


def test_each_recorded_residency_defect_is_visible_in_the_data(tenant: Tenant) -> None:
    for d in (d for d in tenant.defects if d["kind"] in RESIDENCY_KINDS):
        assert _get(_resource(tenant, d), d["property"]) == d["value"], d


def test_defect_records_have_the_documented_keys(tenant: Tenant) -> None:
    for d in tenant.defects:
        assert set(d) == {"kind", "resource", "id", "name", "property", "value", "expected"}


def test_usage_location_check_has_passes_and_both_failure_values(tenant: Tenant) -> None:
    values = Counter(u.get("usageLocation") for u in _licensed_members(tenant))
    assert values["FR"] > 0 and values["BE"] > 0 and values[None] > 0


def test_pdl_check_has_fra_eur_and_missing(tenant: Tenant) -> None:
    values = Counter(u.get("preferredDataLocation") for u in _licensed_members(tenant))
    assert values["FRA"] > 0 and values["EUR"] > 0 and values[None] > 0


def test_group_and_site_locations_have_fra_and_eur(tenant: Tenant) -> None:
    groups = Counter(g["preferredDataLocation"] for g in tenant.groups if "Unified" in g["groupTypes"])
    sites = Counter(s["siteCollection"]["dataLocationCode"] for s in tenant.sites)
    assert groups["FRA"] > 0 and groups["EUR"] >= 2
    assert sites["FRA"] > 0 and sites["EUR"] >= 2


def test_one_multi_geo_user_has_a_european_teams_region(tenant: Tenant) -> None:
    multigeo = [u for u in tenant.users if MULTIGEO.id in {lic["skuId"] for lic in u["assignedLicenses"]}]
    regions = Counter(tenant.user_teamwork[u["id"]]["region"] for u in multigeo)
    assert regions["France"] > 0 and regions["Europe and MiddleEast"] >= 1


def test_some_licensed_accounts_are_disabled(tenant: Tenant) -> None:
    states = Counter(u["accountEnabled"] for u in _licensed_members(tenant))
    assert states[True] > 0 and states[False] >= 3


def test_the_council_is_never_a_residency_defect_target(tenant: Tenant) -> None:
    targets = {d["id"] for d in tenant.defects if d["kind"] in RESIDENCY_KINDS}
    assert targets.isdisjoint(tenant.council_member_ids)
    assert tenant.council_group_id not in targets


def test_fixing_a_kind_removes_exactly_its_defects() -> None:
    base, fixed = generate_tenant(), generate_tenant(fix=("user_usage_location",))
    assert [d for d in base.defects if d["kind"] != "user_usage_location"] == fixed.defects
    assert all(u.get("usageLocation") == "FR" for u in _licensed_members(fixed))


def test_fixing_a_kind_changes_nothing_else() -> None:
    base, fixed = generate_tenant(), generate_tenant(fix=("group_pdl",))
    assert json.dumps(base.users) == json.dumps(fixed.users)
    assert json.dumps(base.sites) == json.dumps(fixed.sites)
    changed = [a["id"] for a, b in zip(base.groups, fixed.groups, strict=True) if a != b]
    assert sorted(changed) == sorted(d["id"] for d in base.defects if d["kind"] == "group_pdl")


def test_fix_all_leaves_no_defect() -> None:
    assert generate_tenant(fix=("all",)).defects == []


def test_an_extra_defect_adds_exactly_one_resource() -> None:
    base, worse = generate_tenant(), generate_tenant(extra_defects=("user_pdl",))
    added = [d for d in worse.defects if d not in base.defects]
    assert len(added) == 1 and added[0]["kind"] == "user_pdl"
    assert all(d in worse.defects for d in base.defects)


def test_unknown_defect_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown defect kind"):
        generate_tenant(fix=("nope",))


def test_defects_scale_with_the_tenant(tenant: Tenant, big_tenant: Tenant) -> None:
    assert len(big_tenant.defects) > 5 * len(tenant.defects)

