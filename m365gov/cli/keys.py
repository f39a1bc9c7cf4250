"""``m365gov keys status | plan | apply | backup | rotate``: Customer Key keys, Terraform-style.

Thin: every command calls :mod:`m365gov.keys.session`. Changes need ``--yes``; without it a command
shows what it would do and changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from m365gov.cli.app import EXIT_FAILURES, EXIT_INCOMPLETE, EXIT_OK, SEVERITY_CHOICE, main

KEYS_EXIT_HELP = (
    "Exit codes: 0 done (or nothing to do); 1 a change failed or was refused (status: failing "
    "findings); 2 bad input (config, key plan); 3 a vault could not be read, so the plan is incomplete."
)

_config_option = click.option(
    "-c", "--config", "config_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Tenant config with a [keys] section.",
)


@main.group(epilog=KEYS_EXIT_HELP)
def keys() -> None:
    """Customer Key: audit the keys in Azure Key Vault, and create, rotate and back them up safely.

    \b
    m365gov keys status -c m365gov.toml      verdicts per DEP, key and version
    m365gov keys plan -c m365gov.toml        what apply would change, and what is left to people
    m365gov keys apply -c m365gov.toml --yes create missing keys, set rotation policies, back up
    m365gov keys backup -c m365gov.toml      back up every current version without a backup
    m365gov keys rotate VAULT/KEY -c m365gov.toml --yes   roll a key, then refresh its DEP

    m365gov never deletes, purges, disables a key, removes a permission or sets an expiry. Every
    change and refusal is appended to the journal ([keys] journal, default
    reports/keys/journal.jsonl); every new key or version is backed up before it is reported done.
    """


def _load(config_path: Path) -> tuple[Any, Any]:
    from m365gov.auth import credential_for
    from m365gov.config import load_config
    from m365gov.keys.session import require_plan

    config = load_config(config_path)
    require_plan(config)
    return config, credential_for(config)


def _observe(config: Any, credential: Any) -> Any:
    from m365gov.keys.session import observe

    state = observe(config, credential)
    for name, sec in sorted(state.snapshot.sources.items()):
        if not sec.ok and sec.status != "not_configured":
            click.echo(f"warning: {name}: {sec.status} — {sec.detail}", err=True)
    return state


@keys.command(epilog=KEYS_EXIT_HELP)
@_config_option
@click.option("--fail-on", type=SEVERITY_CHOICE, default="low", show_default=True,
              help="Lowest severity that fails the run.")
@click.option("--json", "as_json", is_flag=True, help="Print the key findings as JSON (results format).")
def status(config_path: Path, fail_on: str, as_json: bool) -> None:
    """The keys of the key plan, their versions and their verdicts (KEY-* policies)."""
    from m365gov.jsonio import dumps
    from m365gov.keys.report import status_text
    from m365gov.pipeline import PolicySelection, audit_snapshot, compile_policies
    from m365gov.results import exit_code
    from m365gov.views.key_vaults import build_pairs, build_vaults
    from m365gov.views.keys import build_keys

    config, credential = _load(config_path)
    selection = compile_policies(config)
    key_policies = PolicySelection(tuple(p for p in selection.enabled if p.area == "keys"), selection.known_ids)
    state = _observe(config, credential)
    results = audit_snapshot(state.snapshot, key_policies, waivers_file=config.waivers_file)
    doc = results.to_json()
    if as_json:
        click.echo(dumps(doc), nl=False)
    else:
        seen, plan_json = state.observed, state.desired.to_json()
        rows = build_keys(plan_json, seen.keys, seen.backups, seen.now)
        vaults = build_vaults(plan_json, seen.arm, seen.service_principals) if seen.arm else []
        pairs = build_pairs(plan_json, seen.keys, seen.arm)
        click.echo(status_text(rows, vaults, pairs, doc["findings"]), nl=False)
        failing = sorted({f["policy"] for f in doc["findings"] if f["status"] == "fail"})
        if failing:
            click.echo(f"Failing policies: {', '.join(failing)} (details: m365gov audit -c {config_path})")
    sys.exit(exit_code(results, fail_on))


@keys.command(epilog=KEYS_EXIT_HELP)
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def plan(config_path: Path, as_json: bool) -> None:
    """What `keys apply --yes` would change, and the steps m365gov leaves to people."""
    from m365gov.jsonio import dumps
    from m365gov.keys.report import plan_text
    from m365gov.keys.session import plan_changes

    config, credential = _load(config_path)
    changes = plan_changes(config, _observe(config, credential))
    click.echo(dumps(changes.to_json()) if as_json else plan_text(changes), nl=False)
    sys.exit(EXIT_OK if changes.complete else EXIT_INCOMPLETE)


@keys.command(epilog=KEYS_EXIT_HELP)
@_config_option
@click.option("--yes", is_flag=True, help="Make the changes. Without it, only show them.")
def apply(config_path: Path, yes: bool) -> None:
    """Execute the plan: create missing keys, set rotation policies, take missing backups."""
    from m365gov.keys.report import apply_text, plan_text
    from m365gov.keys.session import apply_changes, plan_changes

    config, credential = _load(config_path)
    changes = plan_changes(config, _observe(config, credential))
    click.echo(plan_text(changes), nl=False)
    if not changes.actions:
        sys.exit(EXIT_OK if changes.complete else EXIT_INCOMPLETE)
    if not yes:
        click.echo("\nNothing was changed: run again with --yes to make these changes.")
        sys.exit(EXIT_OK if changes.complete else EXIT_INCOMPLETE)
    click.echo("\nApplying:")
    report = apply_changes(config, credential, changes)
    click.echo(apply_text(report, str(config.keys.journal)), nl=False)
    if not report.ok:
        sys.exit(EXIT_FAILURES)
    sys.exit(EXIT_OK if changes.complete else EXIT_INCOMPLETE)


@keys.command(epilog=KEYS_EXIT_HELP)
@_config_option
@click.option("--force", is_flag=True, help="Back up every key again, even those with a verified backup.")
def backup(config_path: Path, force: bool) -> None:
    """Write a backup_key blob (0600) for each current version without a verified backup, with a manifest."""
    from m365gov.keys.report import apply_text
    from m365gov.keys.session import backup_actions, backup_keys

    config, credential = _load(config_path)
    state = _observe(config, credential)
    actions = backup_actions(state, force=force)
    incomplete = state.observed.keys is None or any(
        v.get("status") != "ok" for v in (state.observed.keys or {}).get("vaults", ()))
    if not actions:
        click.echo("Every existing key's current version already has a verified backup.")
        sys.exit(EXIT_INCOMPLETE if incomplete else EXIT_OK)
    report = backup_keys(config, credential, actions)
    click.echo(apply_text(report, str(config.keys.journal)), nl=False)
    click.echo(f"Backups: {config.keys.backup_dir} (copy them to offline storage too)")
    sys.exit(EXIT_FAILURES if not report.ok else EXIT_INCOMPLETE if incomplete else EXIT_OK)


@keys.command(epilog=KEYS_EXIT_HELP)
@click.argument("name")
@_config_option
@click.option("--yes", is_flag=True, help="Rotate. Without it, only say what would happen.")
def rotate(name: str, config_path: Path, yes: bool) -> None:
    """Roll key NAME (or VAULT/NAME) to a new version, back it up, and print the DEP refresh commands."""
    from m365gov.keys.instructions import dep_refresh_commands
    from m365gov.keys.report import outcome_line
    from m365gov.keys.session import find_key, require_plan, rotate

    config, credential = _load(config_path)
    key = find_key(require_plan(config), name)
    if not yes:
        click.echo(f"Would rotate {key.vault.name}/{key.name} (a new version; the old ones stay enabled), back it "
                   "up, then you would tell Microsoft 365:")
        for cmd in dep_refresh_commands(key, "<new version>"):
            click.echo(f"  {cmd}")
        click.echo("Nothing was changed: run again with --yes to rotate.")
        sys.exit(EXIT_OK)
    outcome = rotate(config, credential, key)
    click.echo(outcome_line(outcome))
    click.echo(f"Journal: {config.keys.journal}")
    sys.exit(EXIT_OK if outcome.result == "done" else EXIT_FAILURES)
