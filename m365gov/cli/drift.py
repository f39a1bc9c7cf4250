"""``m365gov drift OLD NEW``: what changed between two runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from m365gov.cli.app import DRIFT_EXIT_HELP, SEVERITY_CHOICE, main


@main.command(epilog=DRIFT_EXIT_HELP)
@click.argument("old_path", metavar="OLD", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new_path", metavar="NEW", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["terminal", "json", "md"]),
    default="terminal",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Tenant config (policy parameters) used to evaluate snapshots.")
@click.option("--policies", "policy_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Policies used to evaluate snapshots (default: the shipped set).")
@click.option("--waivers", "waivers_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Waivers used to evaluate snapshots.")
@click.option("--fail-on", type=SEVERITY_CHOICE, default="low", show_default=True,
              help="Lowest severity whose regressions fail.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def drift(
    old_path: Path,
    new_path: Path,
    fmt: str,
    output: Path | None,
    config_path: Path | None,
    policy_paths: tuple[Path, ...],
    waivers_path: Path | None,
    fail_on: str,
    lang: str,
) -> None:
    """Compare two runs: new failures, fixed ones, still failing, changed evidence, lost evidence.

    OLD and NEW are results files or snapshots (a snapshot is evaluated first, both with the same
    policies). Array order, null versus missing and timestamps never make drift; each change shows
    the value before, the value now and what the policy expects.
    """
    from m365gov.config import load_config
    from m365gov.drift import compare_results, load_comparable
    from m365gov.jsonio import atomic_write_text, dumps
    from m365gov.pipeline import compile_policies
    from m365gov.render.drift_text import drift_markdown, drift_terminal

    config = load_config(config_path) if config_path else None
    policies = compile_policies(config, policy_paths)
    waivers = waivers_path or (config.waivers_file if config else None)
    old = load_comparable(old_path, policies=policies, waivers_file=waivers)
    new = load_comparable(new_path, policies=policies, waivers_file=waivers)
    if old.snapshot.tenant_id != new.snapshot.tenant_id:
        click.echo(
            f"warning: comparing two tenants ({old.snapshot.tenant_id} and {new.snapshot.tenant_id})", err=True
        )
    report = compare_results(old, new, old_label=str(old_path), new_label=str(new_path), fail_on=fail_on)
    doc = report.to_json()
    text = {"json": dumps, "md": lambda d: drift_markdown(d, lang, heading="#"), "terminal": None}[fmt]
    rendered = text(doc) if text else drift_terminal(doc, lang)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        atomic_write_text(output, rendered)
        click.echo(f"written: {output}", err=True)
    sys.exit(report.exit_code())
