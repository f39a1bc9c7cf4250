"""``m365gov init`` and ``m365gov permissions``: getting a tenant ready."""

from __future__ import annotations

from pathlib import Path

import click

from m365gov.cli.app import main


@main.command()
@click.argument("path", default="m365gov.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented example configuration to PATH."""
    from m365gov.init import write_example_config

    write_example_config(path, force=force)
    click.echo(f"wrote {path}: fill in tenant_id and [auth], then run `m365gov collect -c {path} -o snapshot.json`")
    click.echo("Customer Key: uncomment [keys] and start the key plan from policies/keys/key-plan.example.jsonc")

@main.command()
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--policies", "policy_paths", multiple=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def permissions(config_path: Path | None, policy_paths: tuple[Path, ...], as_json: bool) -> None:
    """Least privilege: what each m365gov identity needs, and how to register the app.

    For the enabled policies (of the config, or the shipped set): the Microsoft Graph application
    permissions, Key Vault roles and Azure roles of the read-only audit identity (collect, audit, keys
    status/plan), of the read-only council checklist (with its Teams application access policy), and
    the separate, narrower set that `keys apply`, `keys backup` and `keys rotate` need — the only
    writes, to the planned vaults' keys, never a deletion. Then the app-registration steps
    (certificate credential preferred, workload identity federation for CI, admin consent).
    """
    from m365gov.config import load_config
    from m365gov.jsonio import dumps
    from m365gov.permissions import requirements
    from m365gov.permissions_text import render

    config = load_config(config_path) if config_path else None
    reqs = requirements(config, policy_paths)
    if as_json:
        click.echo(dumps(reqs.to_json()), nl=False)
        return
    label = str(config_path) if config_path else "the shipped policies (no config: every source counted)"
    click.echo(render(reqs, config_label=label), nl=False)
