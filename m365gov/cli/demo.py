"""``m365gov demo``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from m365gov.cli.app import main


@main.command()
@click.option("--users", default=350, show_default=True, type=click.IntRange(80, 200_000), help="Size of the town.")
@click.option("--seed", default=2026, show_default=True, type=int, help="Seed of the generated town.")
@click.option(
    "-o", "--output-dir", default="reports/demo", show_default=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="The town's date (UTC): its calls and usage reports end there. Default 2026-11-28 08:00.",
)
@click.option(
    "--history",
    "history_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep this run's adoption and readiness in this trend folder (see `m365gov trend`).",
)
# Hidden: variants of the same town for showing and testing drift (one defect kind repaired, one
# more resource broken). Not for users: they compare their own runs.
@click.option("--fix", "fix", multiple=True, hidden=True, metavar="KIND")
@click.option("--extra-defect", "extra", multiple=True, hidden=True, metavar="KIND")
def demo(
    users: int,
    seed: int,
    output_dir: Path,
    lang: str,
    as_of: Any,
    history_dir: Path | None,
    fix: tuple[str, ...],
    extra: tuple[str, ...],
) -> None:
    """Run the whole pipeline on a built-in fictional town.

    Starts the local Microsoft 365 stand-in on a free loopback port, collects from it through the
    real msgraph-sdk, evaluates the shipped policies, prints the report and writes the snapshot and
    every report format under OUTPUT_DIR (report.html, report.md, findings.csv, results.sarif,
    junit.xml, results.json, with snapshot.json). The town has defects on purpose: the demo always
    exits 0 and is not a CI gate.
    """
    from datetime import UTC

    from m365gov.demo import run_demo

    when = as_of.replace(tzinfo=UTC) if as_of is not None else None
    try:
        run_demo(
            output_dir,
            users=users,
            seed=seed,
            as_of=when,
            history_dir=history_dir,
            lang=lang,
            color=sys.stdout.isatty(),
            fix=fix,
            extra_defects=extra,
        )
    except ValueError as exc:
        if "defect kind" not in str(exc):
            raise
        raise click.BadParameter(str(exc), param_hint="--fix/--extra-defect") from None
