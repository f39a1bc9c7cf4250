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
@click.option("--checklist", "checklist_kind", type=click.Choice(["council"]),
              help="Instead: what `m365gov checklist council` reads.")
def permissions(config_path: Path | None, policy_paths: tuple[Path, ...], checklist_kind: str | None) -> None:
    """The least-privilege permissions the enabled policies need, all read-only: Graph application
    permissions, and for Customer Key the Key Vault and Azure Resource Manager roles (changing keys with
    `m365gov keys apply` needs more: see `m365gov keys --help` and the README)."""
    from m365gov.config import load_config
    from m365gov.permissions import council_checklist_permissions, required_permissions

    if checklist_kind == "council":
        for perm, reasons in council_checklist_permissions().items():
            click.echo(f"{perm:<28} {'; '.join(reasons)}")
        return
    config = load_config(config_path) if config_path else None
    for perm, reasons in required_permissions(config, policy_paths).items():
        click.echo(f"{perm:<28} {'; '.join(reasons)}")
