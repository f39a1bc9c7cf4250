"""``m365gov trend``: adoption and readiness over the runs kept in the history folder (offline)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from m365gov.cli.app import main


@main.command()
@click.option(
    "--history",
    "history_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="History folder (default: the config's [history] dir, else reports/history).",
)
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tenant", help="Only this tenant's runs (needed when the folder holds several tenants).")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True)
def trend(history_dir: Path | None, config_path: Path | None, tenant: str | None, fmt: str) -> None:
    """Print Teams adoption and camera/microphone readiness over runs, with the change since the last run.

    Reads the trend points that `m365gov audit` (with a [history] folder configured) and
    `m365gov demo --history DIR` keep, one per audited snapshot. Offline: nothing is collected.
    """
    from m365gov.trend import history_trend

    if history_dir is None and config_path is not None:
        from m365gov.config import load_config

        history_dir = load_config(config_path).history_dir
    doc = history_trend(history_dir or Path("reports") / "history", tenant_id=tenant)
    if fmt == "json":
        from m365gov.jsonio import dumps

        click.echo(dumps(doc), nl=False)
        return
    from m365gov.render.trend import render_trend

    click.echo(render_trend(doc, color=sys.stdout.isatty()), nl=False)
