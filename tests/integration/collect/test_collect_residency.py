"""Collection through the real msgraph-sdk against the emulator: paging, $select, $batch, retries,
and a failing source that stays honest."""

from __future__ import annotations

from m365gov.auth import StaticTestCredential
from m365gov.emulator import Emulator, Faults, Tenant
from m365gov.pipeline import audit_snapshot, collect_snapshot, compile_policies, shipped_policy_dir
from m365gov.snapshot import load_snapshot, write_snapshot
from tests.conftest import emulator_config

RESIDENCY = compile_policies(None, [shipped_policy_dir() / "residency"])


def _collect(emu: Emulator, **collect: object):  # type: ignore[no-untyped-def]
    return collect_snapshot(emulator_config(emu, **collect), StaticTestCredential(), RESIDENCY)


def test_every_user_group_and_site_is_collected_once(live_emulator: Emulator, town: Tenant) -> None:
    snap = _collect(live_emulator).snapshot
    # Customer Key sources are not_configured here: this config has no key plan.
    graph = {n: s for n, s in snap.sources.items() if s.status != "not_configured"}
    assert all(sec.ok for sec in graph.values()), {n: s.detail for n, s in graph.items()}
    assert {"users", "groups", "sites"} <= set(graph)
    assert len(snap.data("users")) == len(town.users)
    assert len({u["id"] for u in snap.data("users")}) == len(town.users)
    assert len(snap.data("groups")) == len(town.groups) and len(snap.data("sites")) == len(town.sites)


def test_users_are_read_with_top_999_and_only_the_properties_policies_need(live_emulator: Emulator) -> None:
    _collect(live_emulator)
    (users_request,) = [r for r in live_emulator.requests if r.path == "/v1.0/users"]
    query = users_request.query
    assert "$top=999" in query
    selected = set(query.split("$select=")[1].split("&")[0].replace("%2C", ",").split(","))
    assert {"usageLocation", "preferredDataLocation", "department"} <= selected
    assert "mobilePhone" not in selected and "assignedPlans" not in selected


def test_per_user_teams_regions_go_through_batches_of_twenty(live_emulator: Emulator, town: Tenant) -> None:
    snap = _collect(live_emulator).snapshot
    regions = snap.data("userTeamwork")
    multi_geo = {s["skuId"] for s in town.subscribed_skus if "MULTIGEO" in s["skuPartNumber"]}
    holders = [u for u in town.users if any(a["skuId"] in multi_geo for a in u["assignedLicenses"])]
    assert len(regions) == len(holders) > 0
    batches = [r for r in live_emulator.requests if r.path.endswith("$batch") and not r.inner]
    assert len(batches) == -(-len(regions) // 20)


def test_each_retry_after_form_is_honoured_without_hammering(live_emulator: Emulator) -> None:
    live_emulator.faults = Faults(strict_retry_after=True)
    for value in ("0.3", "1", None):
        headers = {"Retry-After": value} if value is not None else {}
        live_emulator.script("/v1.0/users", status=429, headers=headers, times=1)
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    live_emulator.script(
        "/v1.0/organization",
        status=429,
        headers={"Retry-After": format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)},
    )
    collection = _collect(live_emulator)
    assert collection.snapshot.sources["users"].ok and collection.snapshot.sources["organization"].ok
    assert collection.stats.throttled == 4 and collection.stats.retries == 4
    assert live_emulator.stats()["hammering"] == 0


def test_an_inner_batch_429_is_retried(live_emulator: Emulator) -> None:
    live_emulator.script("/v1.0/users/", status=429, headers={"Retry-After": "0.2"}, times=3, inner=True)
    collection = _collect(live_emulator)
    assert collection.snapshot.sources["userTeamwork"].ok
    assert collection.stats.retries >= 3


def test_a_403_on_one_source_names_the_permission_and_spares_the_others(live_emulator: Emulator) -> None:
    live_emulator.faults = Faults(forbidden=frozenset({"/v1.0/sites"}))
    snap = _collect(live_emulator).snapshot
    sites = snap.sources["sites"]
    assert (sites.status, sites.permission) == ("missing_permission", "Sites.Read.All")
    results = audit_snapshot(snap, RESIDENCY).to_json()
    by_policy: dict[str, set[str]] = {}
    for f in results["findings"]:
        by_policy.setdefault(f["policy"], set()).add(f["status"])
    assert by_policy["RES-006"] == {"not_evaluated"}
    (res006,) = [f for f in results["findings"] if f["policy"] == "RES-006"]
    assert res006["reason"] == "missing_permission" and res006["permission"] == "Sites.Read.All"
    assert "fail" in by_policy["RES-003"] and "pass" in by_policy["RES-003"]


def test_a_persistent_server_error_ends_as_a_source_error(live_emulator: Emulator) -> None:
    live_emulator.script("/v1.0/groups", status=500, times=None)
    snap = _collect(live_emulator).snapshot
    assert snap.sources["groups"].status == "error" and "500" in (snap.sources["groups"].detail or "")
    assert snap.sources["users"].ok


def test_a_saved_snapshot_evaluates_to_the_same_results(live_emulator: Emulator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    snap = _collect(live_emulator).snapshot
    write_snapshot(snap, tmp_path / "s.json")
    again = load_snapshot(tmp_path / "s.json")
    assert audit_snapshot(again, RESIDENCY).to_json() == audit_snapshot(snap, RESIDENCY).to_json()


def test_every_seeded_residency_defect_is_revealed(live_emulator: Emulator, town: Tenant) -> None:
    results = audit_snapshot(_collect(live_emulator).snapshot, RESIDENCY).to_json()
    failing = {f["resource"]["id"] for f in results["findings"] if f["status"] == "fail"}
    residency_kinds = {"user_pdl", "group_pdl", "site_location", "user_teams_region"}
    for defect in town.defects:
        if defect["kind"] in residency_kinds and defect["value"] is not None:
            assert defect["id"] in failing, defect
    usage = [d for d in town.defects if d["kind"] == "user_usage_location"]
    assert usage and {d["id"] for d in usage} <= failing


def test_a_user_without_pdl_passes_when_the_declared_central_location_is_france(
    live_emulator: Emulator, town: Tenant
) -> None:
    results = audit_snapshot(_collect(live_emulator).snapshot, RESIDENCY).to_json()
    no_pdl = {d["id"] for d in town.defects if d["kind"] == "user_pdl" and d["value"] is None}
    statuses = {f["status"] for f in results["findings"] if f["policy"] == "RES-004" and f["resource"]["id"] in no_pdl}
    assert no_pdl and statuses == {"pass"}


def test_a_source_that_needs_users_fails_honestly_when_users_are_forbidden(live_emulator: Emulator) -> None:
    live_emulator.faults = Faults(forbidden=frozenset({"/v1.0/users"}))
    snap = _collect(live_emulator).snapshot
    assert snap.sources["users"].status == "missing_permission"
    assert snap.sources["userTeamwork"].status == "error"
    assert "needs the users source" in (snap.sources["userTeamwork"].detail or "")
    assert snap.sources["groups"].ok and snap.sources["sites"].ok
