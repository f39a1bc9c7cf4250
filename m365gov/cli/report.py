"""``m365gov report render``: re-render saved results offline, in any format and language."""

from __future__ import annotations

from pathlib import Path

import click

from m365gov.cli.app import main
from m365gov.cli.output import emit, formats_option


@main.group()
def report() -> None:
    """Work with saved results (results.json) without the tenant."""


@report.command("render", epilog="Exit codes: 0 written; 2 bad input (not a results file, unreadable JSON, arguments).")
@click.argument("results_path", metavar="RESULTS", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "formats",
    default="html",
    show_default=True,
    help="Format(s), comma-separated: html, md, csv, sarif, junit, json, terminal.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File (one format) or directory (several, with stable names). Default: stdout, one format.",
)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def report_render(results_path: Path, formats: str, output: Path | None, lang: str) -> None:
    """Render a results file (checked against its schema first) in the given formats.

    The verdicts are the file's: rendering never re-evaluates anything, so a report of last
    month's run says what last month's run said.
    """
    from m365gov.results import load_results

    wanted = formats_option(formats)
    results = load_results(results_path)
    emit(results.to_json(), wanted, output, lang)
