"""Resuming a collection from its checkpoint, in process: what is fetched again, and what comes out."""

from __future__ import annotations

from pathlib import Path

from m365gov.auth import StaticTestCredential
from m365gov.collect.checkpoint import checkpoint_dir
from m365gov.config import Config, config_from_mapping
from m365gov.emulator import Emulator, Tenant
from m365gov.emulator.rooms import CHAMBER_NAME
from m365gov.pipeline import collect_snapshot, compile_policies, shipped_policy_dir

POLICIES = compile_policies(None, [shipped_policy_dir() / "residency", shipped_policy_dir() / "teams"])


def _config(emu: Emulator, town: Tenant, tmp_path: Path) -> Config:
    inventory = tmp_path / "inventaire.csv"
    inventory.write_text(town.inventory_csv(), encoding="utf-8")
    return config_from_mapping({
        "tenant_id": town.tenant_id,
        "graph": {"endpoint": emu.graph_url},
        "auth": {"mode": "emulator"},
        "inventory": {"csv": str(inventory)},
        "council": {"group_id": town.council_group_id, "chamber_device": CHAMBER_NAME},
    })


def test_a_resumed_collection_fetches_only_the_unfinished_sources_and_gives_the_same_snapshot(
    live_emulator: Emulator, town: Tenant, tmp_path: Path
) -> None:
    config = _config(live_emulator, town, tmp_path)
    partial = checkpoint_dir(tmp_path / "snapshot.json")
    whole = collect_snapshot(config, StaticTestCredential(), POLICIES, checkpoint_dir=partial)
    # As if the run had been killed before users and the report downloads were kept:
    unfinished = {"users", "teamsUserActivity", "teamsDeviceUsage"}
    for name in unfinished:
        (partial / f"{name}.json").unlink()
    live_emulator.reset_stats()
    resumed = collect_snapshot(config, StaticTestCredential(), POLICIES, checkpoint_dir=partial, resume=True)
    assert resumed.snapshot.to_json() == whole.snapshot.to_json()  # same "now", same sections
    assert set(resumed.restored) == set(whole.snapshot.sources) - unfinished
    fetched = {r.path for r in live_emulator.requests if not r.inner}
    assert "/v1.0/users" in fetched and not fetched & {"/v1.0/groups", "/v1.0/organization", "/v1.0/teamwork"}
    assert not any(r.path.endswith("$batch") for r in live_emulator.requests)  # userTeamwork was kept


def test_a_source_that_depends_on_a_restored_one_gets_its_items(
    live_emulator: Emulator, town: Tenant, tmp_path: Path
) -> None:
    config = _config(live_emulator, town, tmp_path)
    partial = checkpoint_dir(tmp_path / "snapshot.json")
    whole = collect_snapshot(config, StaticTestCredential(), POLICIES, checkpoint_dir=partial)
    (partial / "userTeamwork.json").unlink()  # killed after users was kept, before the per-user batches
    live_emulator.reset_stats()
    resumed = collect_snapshot(config, StaticTestCredential(), POLICIES, checkpoint_dir=partial, resume=True)
    assert resumed.snapshot.sources["userTeamwork"].data == whole.snapshot.sources["userTeamwork"].data
    assert {r.path for r in live_emulator.requests if not r.inner} == {"/v1.0/$batch"}
