"""The library behind ``m365gov keys …``: observe the vaults, then status, plan, apply, backup, rotate.

Each command first collects the key sources through the ordinary collection runner (the same code
as ``m365gov collect``), so ``keys status`` and ``audit`` can never disagree; then it works on the
sections' data, partial data included, with the pure :func:`~m365gov.keys.plan.make_plan`.
Everything the CLI does is callable from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from m365gov.config import Config
from m365gov.errors import InputError
from m365gov.keys.apply import ApplyReport, Outcome, apply_plan, rotate_key
from m365gov.keys.desired import KeyPlan, KeySpec, plan_for_config
from m365gov.keys.journal import Actor, Journal
from m365gov.keys.plan import BACKUP, FRANCE, Action, Observed, Plan, make_plan
from m365gov.snapshot.model import Snapshot
from m365gov.statuses import SRC_NOT_CONFIGURED
from m365gov.views.keys import build_keys

KEY_SOURCES = ("keyPlan", "keyVaultKeys", "keyVaults", "keyBackups", "m365ServicePrincipals")


@dataclass(frozen=True)
class KeyState:
    """The desired state and what one collection saw.

    Attributes:
        desired: the key plan.
        snapshot: the collection (key sources only), for ``status`` and for the record.
        observed: the sections' data, partial data of a failed vault included.
    """

    desired: KeyPlan
    snapshot: Snapshot
    observed: Observed


def require_plan(config: Config) -> KeyPlan:
    plan = plan_for_config(config)
    if plan is None:
        raise InputError("no key plan configured: add [keys] plan = \"key-plan.json\" (start from "
                         "policies/keys/key-plan.example.jsonc)", file=config.display_path, pointer="/keys")
    return plan


def observe(config: Config, credential: Any) -> KeyState:
    """Collect the key sources and keep their data, even where a vault failed."""
    from m365gov.collect.runner import collect

    desired = require_plan(config)
    snapshot = collect(config, credential, sources=KEY_SOURCES).snapshot

    def data(name: str) -> Any:
        sec = snapshot.section(name)
        return None if sec is None or sec.status == SRC_NOT_CONFIGURED else sec.data

    observed = Observed(data("keyVaultKeys"), data("keyVaults"), data("keyBackups"),
                        data("m365ServicePrincipals"), snapshot.collected_at)
    return KeyState(desired, snapshot, observed)


def plan_changes(config: Config, state: KeyState) -> Plan:
    """The plan, with the tenant's KEY-013 region override if it has one."""
    regions = tuple(config.parameters.get("KEY-013", {}).get("allowedRegions", FRANCE))
    return make_plan(state.desired, state.observed, allowed_regions=regions)


def journal_for(config: Config) -> Journal:
    return Journal(config.keys.journal, Actor.current(config.auth.mode, config.auth.client_id))


def client_factory(config: Config, credential: Any) -> Callable[[str], Any]:
    """One ``KeyClient`` per vault URL for the whole run."""
    from m365gov.keys.clients import key_client

    clients: dict[str, Any] = {}

    def client_for(url: str) -> Any:
        if url not in clients:
            clients[url] = key_client(url, credential, config.keys)
        return clients[url]

    return client_for


def apply_changes(config: Config, credential: Any, plan: Plan) -> ApplyReport:
    """Execute the plan's actions (the caller has the user's ``--yes``)."""
    return apply_plan(plan.actions, client_for=client_factory(config, credential), journal=journal_for(config),
                      backup_dir=config.keys.backup_dir)


def backup_actions(state: KeyState, *, force: bool = False) -> list[Action]:
    """A backup for every existing planned key whose current version has no verified backup (all with force)."""
    resources = {r["id"].lower(): r for r in build_keys(state.desired.to_json(), state.observed.keys,
                                                         state.observed.backups, state.observed.now)}
    out = []
    for k in state.desired.keys:
        r = resources.get(k.ref.lower())
        if r is None or not r["exists"]:
            continue
        if force or r["backedUp"] is not True:
            out.append(Action(BACKUP, k, "backup requested", version=r["currentVersion"]))
    return out


def backup_keys(config: Config, credential: Any, actions: list[Action]) -> ApplyReport:
    return apply_plan(actions, client_for=client_factory(config, credential), journal=journal_for(config),
                      backup_dir=config.keys.backup_dir)


def find_key(desired: KeyPlan, name: str) -> KeySpec:
    """The planned key called ``name`` (or ``VAULT/NAME``); ambiguity and absence are input errors."""
    found = desired.find(name)
    if not found:
        known = ", ".join(f"{k.vault.name}/{k.name}" for k in desired.keys)
        raise InputError(f"no key {name!r} in the key plan; planned keys: {known}", file=desired.file)
    if len(found) > 1:
        raise InputError(f"{name!r} names several planned keys; write VAULT/NAME: "
                         + ", ".join(f"{k.vault.name}/{k.name}" for k in found), file=desired.file)
    return found[0]


def rotate(config: Config, credential: Any, key: KeySpec) -> Outcome:
    """Roll one key and back it up; the outcome carries the DEP refresh commands."""
    desired = require_plan(config)
    dep = next(d for d in desired.deps if d.name == key.dep)
    return rotate_key(key, client=client_factory(config, credential)(key.vault.url), journal=journal_for(config),
                      backup_dir=config.keys.backup_dir, spo_admin_url=dep.spo_admin_url)
