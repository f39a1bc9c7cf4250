"""Partial failure is honest: one source family refused or broken leaves exactly the policies that need
it ``not_evaluated`` — with the reason, and the permission or the error named — and judges the rest.

A whole collection of a small town (Graph, the Customer Key vaults, the inventory, the key files) is
made once without faults. Then, for each source family, the same sources are collected again from
the same emulators with that family refused (403) or broken (a persistent error), together with
every source that depends on them, and their sections replace the fault-free ones. The shipped
policies judge the result:

* the policies whose view or ``requires.sources`` reads a failed section are ``not_evaluated``,
  with the section's reason, and name the permission to grant or the error met;
* every other policy gives exactly the fault-free findings (or, when a failed source was only an
  optional join of its view, still a verdict);
* the run's exit code is 3 when nothing fails: evidence is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from m365gov.auth import StaticTestCredential
from m365gov.collect.registry import SOURCES
from m365gov.collect.runner import collect
from m365gov.config import Config, config_from_mapping
from m365gov.demo_keys import demo_keys_config
from m365gov.emulator import Emulator, Faults, KeyVaultEmulator, Tenant, generate_tenant
from m365gov.emulator.rooms import CHAMBER_NAME
from m365gov.pipeline import PolicySelection, audit_snapshot, collection_plan, compile_policies
from m365gov.policy.model import TENANT_VIEW, source_name
from m365gov.results import exit_code
from m365gov.snapshot.model import Snapshot
from m365gov.statuses import NOT_APPLICABLE, NOT_EVALUATED, PASS, REASON_FOR_SOURCE_STATUS
from m365gov.views import VIEWS

CRED = StaticTestCredential()
POLICIES = compile_policies(None)
SOURCES_NEEDED, SELECT = collection_plan(POLICIES.enabled)
KV_READER = "Key Vault Reader role on the vault"
ARM_READER = "Reader on the vault's subscription or resource group"


@dataclass
class World:
    """The emulators, the config, and the fault-free collection and audit."""

    town: Tenant
    graph: Emulator
    kv: KeyVaultEmulator
    config: Config
    baseline: Snapshot
    findings: dict[str, list[dict[str, Any]]]


def _by_policy(snapshot: Snapshot, policies: PolicySelection = POLICIES) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for f in audit_snapshot(snapshot, policies).to_json()["findings"]:
        out.setdefault(f["policy"], []).append(f)
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    town = generate_tenant(users=80)
    tmp = tmp_path_factory.mktemp("partial")
    inventory = tmp / "inventaire.csv"
    inventory.write_text(town.inventory_csv(), encoding="utf-8")
    with Emulator(town) as graph, KeyVaultEmulator(tenant=town) as kv:
        config = config_from_mapping({
            "tenant_id": town.tenant_id,
            "graph": {"endpoint": graph.graph_url},
            "auth": {"mode": "emulator"},
            "collect": {"max_retry_wait": 1, "max_attempts": 2},
            "inventory": {"csv": str(inventory)},
            "council": {"group_id": town.council_group_id, "chamber_device": CHAMBER_NAME},
            "keys": {**demo_keys_config(kv, tmp), "retry_total": 0},
        })
        baseline = collect(config, CRED, sources=SOURCES_NEEDED, select=SELECT, as_of=town.now).snapshot
        broken = {n: s.status for n, s in baseline.sources.items() if not s.ok}
        assert not broken, broken
        yield World(town, graph, kv, config, baseline, _by_policy(baseline))


def _dependents(names: set[str]) -> set[str]:
    """``names`` and every source that depends on one of them, transitively."""
    out = set(names)
    while True:
        more = {n for n, s in SOURCES.items() if n not in out and set(s.depends_on) & out}
        if not more:
            return out
        out |= more


def _needs(policy_id: str, failed: set[str]) -> bool:
    """Whether a policy cannot be judged without one of ``failed`` (its declarations, not its results)."""
    cp = next(p for p in POLICIES.enabled if p.id == policy_id)
    needed = {source_name(s) for s in cp.policy.requires.sources} | set(VIEWS[cp.view].sources)
    if cp.applicable_if is not None:
        needed |= set(VIEWS[TENANT_VIEW].sources)
    return bool(needed & failed)


def _joins_optionally(policy_id: str, failed: set[str]) -> bool:
    cp = next(p for p in POLICIES.enabled if p.id == policy_id)
    return bool(set(VIEWS[cp.view].optional_sources) & failed)


# -- the faults, one per source family --------------------------------------------------------------
# Each sets the fault up on the world and returns (sources of the family, what a reader must be told).

def _graph_403(prefix: str, *sources: str, named: str) -> Callable[[World], tuple[set[str], str]]:
    def fault(w: World) -> tuple[set[str], str]:
        w.graph.faults = Faults(forbidden=frozenset({prefix}))
        return set(sources), named
    return fault


def _reports_500(w: World) -> tuple[set[str], str]:
    w.graph.script("/v1.0/reports/getTeams", status=500, times=None)
    return {"teamsUserActivity", "teamsDeviceUsage"}, "HTTP 500"


def _council_403(w: World) -> tuple[set[str], str]:
    w.graph.faults = Faults(forbidden=frozenset({f"/v1.0/groups/{w.town.council_group_id}/members"}))
    return {"councilMembers"}, "GroupMember.Read.All"


def _inventory_unreadable(w: World) -> tuple[set[str], str]:
    path = w.config.teams.inventory_csv
    assert path is not None
    path.write_bytes(b"\x00\x01 not a spreadsheet export")
    return {"inventory"}, f"{path}:1"


def _vault_403(w: World) -> tuple[set[str], str]:
    w.kv.forbid("SAL-CK-EX-FR-VaultA1", ["list"])
    return {"keyVaultKeys"}, KV_READER


def _arm_403(w: World) -> tuple[set[str], str]:
    w.kv.script("management", "/subscriptions", status=403, times=None)
    return {"keyVaults"}, ARM_READER


def _backups_damaged(w: World) -> tuple[set[str], str]:
    manifest = w.config.keys.backup_dir / "manifest.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"schema": "something else"}), encoding="utf-8")
    return {"keyBackups"}, f"{manifest}"


FAMILIES: dict[str, Callable[[World], tuple[set[str], str]]] = {
    "directory": _graph_403("/v1.0/users", "users", named="User.Read.All"),
    "sites": _graph_403("/v1.0/sites", "sites", named="Sites.Read.All"),
    "teamwork": _graph_403("/v1.0/teamwork", "teamwork", named="Teamwork.Read.All"),
    "reports": _reports_500,
    "call records": _graph_403("/v1.0/communications/callRecords", "callRecords", named="CallRecords.Read.All"),
    "devices (beta)": _graph_403("/beta/teamwork/devices", "teamworkDevices", named="TeamworkDevice.Read.All"),
    "council members": _council_403,
    "inventory": _inventory_unreadable,
    "Key Vault data plane": _vault_403,
    "Key Vault management plane": _arm_403,
    "service principals": _graph_403("/v1.0/servicePrincipals", "m365ServicePrincipals", named="Application.Read.All"),
    "key backups": _backups_damaged,
}


@pytest.fixture
def faulted(world: World, request: pytest.FixtureRequest) -> Iterator[tuple[Snapshot, set[str], str]]:
    """The fault-free snapshot with one family's sections (and their dependents') collected under fault."""
    inventory = world.config.teams.inventory_csv
    assert inventory is not None
    saved_inventory = inventory.read_bytes()
    family, named = FAMILIES[request.param](world)
    try:
        again = sorted(_dependents(family))
        partial = collect(world.config, CRED, sources=again, select=SELECT, as_of=world.town.now).snapshot
        merged = replace(world.baseline, sources={**world.baseline.sources, **{n: partial.sources[n] for n in again}})
        yield merged, family, named
    finally:
        world.graph.faults = Faults()
        world.graph.clear_scripts()
        world.kv.allow("SAL-CK-EX-FR-VaultA1")
        world.kv.clear_scripts()
        inventory.write_bytes(saved_inventory)
        (world.config.keys.backup_dir / "manifest.json").unlink(missing_ok=True)


@pytest.mark.parametrize("faulted", list(FAMILIES), indirect=True)
def test_a_failed_source_family_leaves_only_its_policies_unjudged_and_says_why(
    world: World, faulted: tuple[Snapshot, set[str], str]
) -> None:
    snapshot, family, named = faulted
    failed = {n for n, s in snapshot.sources.items() if not s.ok}
    assert family <= failed <= _dependents(family), failed
    for name in family:
        sec = snapshot.sources[name]
        assert named in (sec.permission or "") or named in (sec.detail or ""), (name, sec.status, sec.detail)

    findings = _by_policy(snapshot)
    unjudged = {pid for pid in findings if _needs(pid, failed)}
    assert unjudged, "the family feeds no shipped policy"
    for pid, found in findings.items():
        if pid in unjudged:
            for f in found:
                if f["reason"] == NOT_APPLICABLE:  # applicability is judged first, from the tenant
                    assert [g["reason"] for g in world.findings[pid]] == [NOT_APPLICABLE], pid
                    continue
                assert f["status"] == NOT_EVALUATED, pid
                assert f["reason"] in {REASON_FOR_SOURCE_STATUS[snapshot.sources[n].status] for n in failed}, pid
                assert named in (f.get("permission") or "") or named in (f.get("detail") or ""), (pid, f.get("detail"))
        elif _joins_optionally(pid, failed):
            assert all(f["status"] != NOT_EVALUATED or f["reason"] == NOT_APPLICABLE for f in found), pid
        else:
            assert found == world.findings[pid], pid


@pytest.mark.parametrize("faulted", list(FAMILIES), indirect=True)
def test_missing_evidence_and_nothing_failing_exits_3(world: World, faulted: tuple[Snapshot, set[str], str]) -> None:
    """The policies that lost their evidence, beside policies that pass: nothing fails, evidence is
    missing — exit code 3, never 0."""
    snapshot, _, _ = faulted
    failed = {n for n, s in snapshot.sources.items() if not s.ok}
    passing = {pid for pid, found in world.findings.items() if all(f["status"] == PASS for f in found)}
    unjudged = {p.id for p in POLICIES.enabled if _needs(p.id, failed)}
    chosen = tuple(p for p in POLICIES.enabled if p.id in passing | unjudged)
    results = audit_snapshot(snapshot, PolicySelection(chosen, POLICIES.known_ids))
    assert any(p.id in unjudged for p in chosen) and any(p.id in passing for p in chosen)
    assert exit_code(results) == 3



def test_a_broken_key_plan_stops_before_any_request_rather_than_failing_a_source(world: World) -> None:
    """The key plan family's other half: the plan is the DSI's own input, so a mistake in it is an input
    error naming the file and the pointer (exit 2), before anything is collected — never a section that
    would leave the key policies quietly unjudged."""
    from m365gov.errors import InputError
    from m365gov.pipeline import collect_snapshot

    plan = world.config.keys.plan
    assert plan is not None
    saved = plan.read_text(encoding="utf-8")
    doc = json.loads(saved)
    doc["dataEncryptionPolicies"][0]["kind"] = "teams"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    world.graph.reset_stats()
    try:
        with pytest.raises(InputError) as err:
            collect_snapshot(world.config, CRED, POLICIES)
    finally:
        plan.write_text(saved, encoding="utf-8")
    assert (err.value.file, err.value.pointer) == (str(plan), "/dataEncryptionPolicies/0/kind")
    assert world.graph.requests == []
