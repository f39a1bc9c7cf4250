"""Teams rollout and readiness collection through the real msgraph-sdk against the emulator:
the report redirect, nested call-record paging in $batch, beta devices that vanish, concealed names."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import httpx
import pytest

from m365gov.auth import StaticTestCredential
from m365gov.collect.runner import Collection
from m365gov.config import Config, config_from_mapping
from m365gov.emulator import Emulator, Faults, Tenant, generate_tenant
from m365gov.emulator.options import EmulatorOptions
from m365gov.emulator.rooms import CHAMBER_NAME
from m365gov.pipeline import audit_snapshot, collect_snapshot, compile_policies, shipped_policy_dir
from m365gov.views import VIEWS

TEAMS = compile_policies(None, [shipped_policy_dir() / "teams", shipped_policy_dir() / "devices"])
REPORTS = ("getTeamsUserActivityUserDetail", "getTeamsDeviceUsageUserDetail")


def _config(emu: Emulator, town: Tenant, tmp_path: Path, sources: tuple[str, ...]) -> Config:
    inventory = tmp_path / "inventaire.csv"
    inventory.write_text(town.inventory_csv(), encoding="utf-8")
    return config_from_mapping(
        {
            "tenant_id": town.tenant_id,
            "graph": {"endpoint": emu.graph_url},
            "auth": {"mode": "emulator"},
            "collect": {"max_retry_wait": 5, "sources": list(sources)},
            "inventory": {"csv": str(inventory)},
            "council": {"group_id": town.council_group_id, "chamber_device": CHAMBER_NAME},
        }
    )


def _collect(emu: Emulator, town: Tenant, tmp_path: Path, *sources: str) -> Collection:
    """Collect what the Teams and devices policies need (or only ``sources``: call records cost seconds)."""
    config = _config(emu, town, tmp_path, sources)
    return collect_snapshot(config, StaticTestCredential(), TEAMS, as_of=town.now)


@pytest.fixture(scope="module")
def full(town: Tenant, tmp_path_factory: pytest.TempPathFactory) -> tuple[Collection, list[Any]]:
    """One whole collection of the demo town, with the requests the emulator served for it."""
    with Emulator(town) as emu:
        collection = _collect(emu, town, tmp_path_factory.mktemp("teams"))
        return collection, emu.requests


@pytest.fixture(scope="module")
def small_town() -> Tenant:
    """A town of 80 people: the same cases (a council session of more than 60 sessions), fewer calls."""
    return generate_tenant(users=80)


def _findings(collection: Collection) -> dict[str, list[dict[str, Any]]]:
    by_policy: dict[str, list[dict[str, Any]]] = {}
    for f in audit_snapshot(collection.snapshot, TEAMS).to_json()["findings"]:
        by_policy.setdefault(f["policy"], []).append(f)
    return by_policy


def test_every_teams_source_is_collected_and_the_seeded_cases_show(
    full: tuple[Collection, list[Any]], town: Tenant
) -> None:
    collection, _ = full
    sources = collection.snapshot.sources
    assert all(s.ok for s in sources.values()), {n: s.detail for n, s in sources.items() if not s.ok}
    assert len(sources["councilMembers"].data["members"]) == len(town.council_member_ids)
    findings = _findings(collection)
    (chamber,) = findings["DEV-003"]
    assert chamber["status"] == "fail" and chamber["observed"]["camera"] == "disconnected"
    assert {f["status"] for f in findings["DEV-001"]} == {"pass", "fail"}


def test_nested_session_pages_are_all_read_through_batches(
    full: tuple[Collection, list[Any]], live_emulator: Emulator
) -> None:
    collection, served = full
    section = collection.snapshot.sources["callRecords"]
    counts = section.counts
    assert counts["sessionPages"] >= 1
    records = [r for r in served if "/communications/callRecords" in r.path]
    assert not [r for r in records if not r.inner and r.path != "/v1.0/communications/callRecords"]
    batches = [r for r in served if r.path == "/v1.0/$batch"]
    assert len(batches) == counts["detailBatches"] + counts["sessionBatches"]
    assert counts["detailBatches"] == math.ceil((counts["items"] + counts["expired"]) / 20)
    # The longest call (the council session) has every session of every page, as fetched by hand.
    longest = max(section.data["calls"], key=lambda c: sum(p["sessions"] for p in c["participants"]))
    assert sum(p["sessions"] for p in longest["participants"]) == len(_all_sessions(live_emulator, longest["id"]))


def _all_sessions(emu: Emulator, record_id: str) -> list[dict[str, Any]]:
    with httpx.Client(headers={"Authorization": "Bearer test"}) as http:
        url = f"{emu.graph_url}/communications/callRecords/{record_id}?$expand=sessions($expand=segments)"
        doc = http.get(url).json()
        sessions = list(doc["sessions"])
        link = doc.get("sessions@odata.nextLink")
        for _ in range(50):
            if not link:
                break
            page = http.get(link).json()
            sessions.extend(page["value"])
            link = page.get("@odata.nextLink")
    return [s for s in sessions if (s.get("caller") or {}).get("associatedIdentity")]


def test_the_documented_metadata_form_of_nested_links_is_followed(small_town: Tenant, tmp_path: Path) -> None:
    with Emulator(small_town, options=EmulatorOptions(nested_link_form="documented")) as emu:
        documented = _collect(emu, small_town, tmp_path, "callRecords").snapshot.sources["callRecords"]
    assert documented.ok and documented.counts["sessionPages"] >= 1


def test_each_report_is_downloaded_once_through_its_redirect(full: tuple[Collection, list[Any]], town: Tenant) -> None:
    collection, served = full
    snap = collection.snapshot
    for report in REPORTS:
        calls = [r for r in served if report in r.path]
        assert [(r.status, r.query) for r in calls] == [(302, "")], report
    downloads = [r for r in served if r.path.startswith("/data/download/")]
    assert [r.status for r in downloads] == [200, 200]
    activity = snap.sources["teamsUserActivity"].data
    assert activity["period"] == "D30" and len(activity["users"]) == len(town.usage.profiles)
    assert all("@" in u["userPrincipalName"] for u in activity["users"])


def test_beta_devices_missing_end_beta_unavailable_and_spare_the_rest(
    live_emulator: Emulator, town: Tenant, tmp_path: Path
) -> None:
    live_emulator.faults = Faults(beta_unavailable=True)
    collection = _collect(live_emulator, town, tmp_path, "teamworkDevices", "councilMembers")
    devices = collection.snapshot.sources["teamworkDevices"]
    assert devices.status == "beta_unavailable" and "beta" in (devices.detail or "")
    assert collection.snapshot.sources["councilMembers"].ok
    findings = _findings(collection)
    for policy in ("DEV-003", "DEV-006"):
        (f,) = findings[policy]
        assert (f["status"], f["reason"]) == ("not_evaluated", "beta_unavailable")


@pytest.fixture(scope="module")
def concealed_town() -> Tenant:
    return generate_tenant(users=80, concealed_names=True)


def test_concealed_names_reach_the_policies_with_the_way_to_lift_them(concealed_town: Tenant, tmp_path: Path) -> None:
    with Emulator(concealed_town) as emu:
        collection = _collect(emu, concealed_town, tmp_path, "users", "teamsUserActivity", "teamsDeviceUsage")
        downloaded = [r for r in emu.requests if "/reports/" in r.path]
    for name in ("teamsUserActivity", "teamsDeviceUsage"):
        section = collection.snapshot.sources[name]
        assert section.status == "concealed_names"
        assert "Org settings → Reports" in (section.detail or "")
    assert downloaded == []  # a report of hashed names is not worth its throttled quota
    findings = _findings(collection)
    for policy in ("TEAMS-002", "TEAMS-003", "TEAMS-004"):
        (f,) = findings[policy]
        assert (f["status"], f["reason"]) == ("not_evaluated", "concealed_names")
        assert "Display concealed user, group, and site names" in f["detail"]
    assert {f["status"] for f in findings["TEAMS-001"]} == {"pass", "fail"}  # the directory still speaks


def test_hashed_names_are_caught_even_when_report_settings_cannot_be_read(
    concealed_town: Tenant, tmp_path: Path
) -> None:
    with Emulator(concealed_town, faults=Faults(forbidden=frozenset({"/v1.0/admin/reportSettings"}))) as emu:
        snap = _collect(emu, concealed_town, tmp_path, "teamsUserActivity").snapshot
    assert snap.sources["reportSettings"].status == "missing_permission"
    assert snap.sources["teamsUserActivity"].status == "concealed_names"
    assert "hashed" in (snap.sources["teamsUserActivity"].detail or "")


def test_every_seeded_teams_and_device_defect_is_revealed_by_its_policy(
    full: tuple[Collection, list[Any]], town: Tenant
) -> None:
    collection, _ = full
    failing: dict[str, set[str]] = {}
    for policy, findings in _findings(collection).items():
        failing[policy] = {f["resource"]["id"] for f in findings if f["status"] == "fail"}
        failing[policy] |= {f["resource"]["name"] or "" for f in findings if f["status"] == "fail"}
    expected = {
        "teams_inactive": "TEAMS-003",
        "teams_web_only": "TEAMS-004",
        "council_no_equipment": "DEV-001",
        "mic_failing": "DEV-004",
        "room_camera_disconnected": "DEV-003",
    }
    for kind, policy in expected.items():
        ids = {d["id"] for d in town.defects if d["kind"] == kind}
        assert ids and ids <= failing[policy], (kind, ids - failing[policy])
    for kind in ("inventory_bad_value", "inventory_unknown_user"):
        (defect,) = [d for d in town.defects if d["kind"] == kind]
        assert any(defect["name"] in name for name in failing["DEV-005"]), kind
    people = {r["id"]: r for r in collection.snapshot.data("users") or []}
    never = [d["id"] for d in town.defects if d["kind"] == "camera_never_seen" and d["id"] in people]
    verdicts = {r["id"]: r["camera"] for r in VIEWS["readiness"].build(collection.snapshot)}
    assert never and all(verdicts[i] in ("declared", "unknown") for i in never)
