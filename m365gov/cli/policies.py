"""``m365gov policies list | validate | show``."""

from __future__ import annotations

from pathlib import Path

import click

from m365gov.cli.app import main
from m365gov.errors import InputError


@main.group()
def policies() -> None:
    """List, validate and show policies."""


@policies.command("list")
@click.option("--policies", "policy_paths", multiple=True, type=click.Path(exists=True, path_type=Path))
@click.option("--area", help="Only this area (residency, teams, devices, keys, council).")
def policies_list(policy_paths: tuple[Path, ...], area: str | None) -> None:
    """One line per policy: id, severity, area, view, title."""
    from m365gov.pipeline import load_policy_set

    for p in load_policy_set(policy_paths).policies:
        if area and p.area != area:
            continue
        flag = "" if p.enabled else "  (disabled)"
        click.echo(f"{p.id:<9} {p.severity:<9} {p.area:<10} {p.view:<18} {p.title}{flag}")


@policies.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def policies_validate(paths: tuple[Path, ...]) -> None:
    """Check policy files or directories; exit 2 with the file and JSON pointer of the first problem.

    Council regimes (files named *.regime.json, under policies/council/) are checked too, as regimes:
    the policy loader skips them by that name.
    """
    from m365gov.checklist.regime import load_regime, regime_files
    from m365gov.pipeline import load_policy_set

    for p in paths:
        if not p.exists():
            raise InputError("no such file or directory", file=str(p))
    regimes = regime_files(paths)
    policy_paths = [p for p in paths if p.is_dir() or p not in regimes]
    policy_set = load_policy_set(policy_paths) if policy_paths else None
    if policy_set is not None:
        policy_set.compile()
    for path in regimes:
        load_regime(path)
    n = len(policy_set.policies) if policy_set is not None else 0
    click.echo(f"{n} policies valid" + (f", {len(regimes)} council regimes valid" if regimes else ""))


@policies.command("show")
@click.argument("policy_id")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--policies", "policy_paths", multiple=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the policy file itself.")
def policies_show(policy_id: str, config_path: Path | None, policy_paths: tuple[Path, ...], as_json: bool) -> None:
    """Print one policy: what it judges, its conditions with the tenant's parameter values, what it needs."""
    from m365gov.config import load_config
    from m365gov.jsonio import dumps, read_json
    from m365gov.pipeline import compile_policies
    from m365gov.policy.describe import describe_policy

    config = load_config(config_path) if config_path else None
    selection = compile_policies(config, policy_paths)
    compiled = next((p for p in selection.enabled if p.id == policy_id), None)
    if compiled is None:
        state = "is disabled" if policy_id in selection.known_ids else "does not exist"
        raise InputError(f"policy {policy_id!r} {state}; see `m365gov policies list`")
    if as_json and compiled.policy.file:
        click.echo(dumps(read_json(compiled.policy.file)), nl=False)
    else:
        click.echo(describe_policy(compiled), nl=False)
