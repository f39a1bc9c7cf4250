"""``m365gov collect`` and ``m365gov audit``: the only commands that read the tenant or judge it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from m365gov.cli.app import AUDIT_EXIT_HELP, SEVERITY_CHOICE, main
from m365gov.cli.output import emit, formats_option


@main.command()
@click.option("-c", "--config", "config_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Snapshot file.")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="End of collection windows (UTC)."
)
@click.option("--policies", "policy_paths", multiple=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted collection: sources already kept in OUTPUT.partial/ are not fetched again "
    "(refused if the config, policies or input files changed since).",
)
def collect(config_path: Path, output: Path, as_of: Any, policy_paths: tuple[Path, ...], resume: bool) -> None:
    """Collect what the enabled policies need into a snapshot (the only command that reads the tenant).

    Each source's section is kept in OUTPUT.partial/ as soon as it is read, so that an interrupted run
    can continue with --resume; the directory is removed once the snapshot is written.
    """
    from m365gov.auth import credential_for
    from m365gov.collect.checkpoint import checkpoint_dir
    from m365gov.config import load_config
    from m365gov.pipeline import collect_snapshot, compile_policies
    from m365gov.progress import collection_progress
    from m365gov.snapshot import write_snapshot

    config = load_config(config_path)
    policies = compile_policies(config, policy_paths)
    partial = checkpoint_dir(output)
    try:
        with collection_progress() as hook:
            collection = collect_snapshot(
                config, credential_for(config), policies, as_of=_utc(as_of), progress=hook,
                checkpoint_dir=partial, resume=resume,
            )
    except KeyboardInterrupt:
        click.echo(f"interrupted: the sources read so far are kept in {partial}; run again with --resume", err=True)
        raise
    write_snapshot(collection.snapshot, output)
    from m365gov.collect.checkpoint import Checkpoint

    Checkpoint(partial, "").discard()
    _print_collection_summary(collection, output)


def _print_collection_summary(collection: Any, output: Path) -> None:
    s = collection.stats
    bad = {n: sec.status for n, sec in collection.snapshot.sources.items() if not sec.ok}
    click.echo(
        f"snapshot written to {output}: {len(collection.snapshot.sources)} sources "
        f"({len(bad)} not ok), {s.requests} requests, {s.retries} retries, {collection.elapsed:.1f} s",
        err=True,
    )
    if collection.restored:
        click.echo(f"  resumed: {len(collection.restored)} sources restored from the checkpoint, not fetched "
                   f"again ({', '.join(collection.restored)})", err=True)
    for name, status in sorted(bad.items()):
        click.echo(f"  {name}: {status} — {collection.snapshot.sources[name].detail}", err=True)


def _utc(value: Any) -> Any:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value is not None else None

@main.command(epilog=AUDIT_EXIT_HELP)
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Evaluate this snapshot (offline).",
)
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tenant config (collects first when no --snapshot).",
)
@click.option(
    "--policies",
    "policy_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Policy files or directories (default: the shipped set).",
)
@click.option(
    "--waivers",
    "waivers_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Waivers file (overrides the config's).",
)
@click.option(
    "--format",
    "formats",
    default="terminal",
    show_default=True,
    help="Output format(s), comma-separated: terminal, json, html, md, csv, sarif, junit.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File (one format) or directory (several: report.html, report.md, findings.csv, results.sarif, "
    "junit.xml, results.json, report.txt).",
)
@click.option(
    "--fail-on", type=SEVERITY_CHOICE, default="low", show_default=True, help="Lowest severity that fails the run."
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results (or snapshot) of an earlier run: report drift, and fail only on regressions.",
)
@click.option(
    "--baseline-missing",
    type=click.Choice(["error", "establish"]),
    default="error",
    show_default=True,
    help="When the --baseline file does not exist: an input error, or take this run as the first baseline "
    "(report everything, exit 0) — for the first run of a scheduled job.",
)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option(
    "--history",
    "history_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep this run's adoption and readiness in this trend folder (default: the config's [history] dir).",
)
def audit(
    snapshot_path: Path | None,
    config_path: Path | None,
    policy_paths: tuple[Path, ...],
    waivers_path: Path | None,
    formats: str,
    output: Path | None,
    fail_on: str,
    baseline_path: Path | None,
    baseline_missing: str,
    lang: str,
    history_dir: Path | None,
) -> None:
    """Judge a snapshot (or collect one first) against the policies and report.

    With --baseline, the run is compared with an earlier one: the drift is printed on stderr and
    goes into the Markdown and HTML reports, and only regressions fail the run.
    """
    from m365gov.config import load_config
    from m365gov.pipeline import audit_snapshot, compile_policies
    from m365gov.results import exit_code
    from m365gov.snapshot import load_snapshot

    if snapshot_path is None and config_path is None:
        raise click.UsageError("give --snapshot SNAPSHOT (offline) or -c CONFIG (collect first)")
    wanted = formats_option(formats)
    if output is None and len(wanted) > 1:
        raise click.UsageError("several formats need -o DIR (one file each, with stable names)")
    config = load_config(config_path) if config_path else None
    policies = compile_policies(config, policy_paths)
    if snapshot_path is not None:
        snapshot = load_snapshot(snapshot_path)
    else:
        assert config is not None
        from m365gov.auth import credential_for
        from m365gov.pipeline import collect_snapshot
        from m365gov.progress import collection_progress

        with collection_progress() as hook:
            snapshot = collect_snapshot(config, credential_for(config), policies, progress=hook).snapshot
    waivers = waivers_path or (config.waivers_file if config else None)
    history = history_dir or (config.history_dir if config else None)
    results = audit_snapshot(snapshot, policies, waivers_file=waivers, history_dir=history)
    del snapshot  # judged: its records (most of the memory at scale) make room for the reports
    doc = results.to_json()
    if history is not None:
        from m365gov.pipeline import record_history

        click.echo(f"trend point written to {record_history(history, results)}", err=True)
    if baseline_path is None:
        emit(doc, wanted, output, lang)
        sys.exit(exit_code(results, fail_on))
    if not baseline_path.exists() and baseline_missing == "establish":
        emit(doc, wanted, output, lang)
        click.echo(
            f"no baseline at {baseline_path}: this run establishes it "
            f"(failures are reported above and do not fail the run; exit code without a baseline would be "
            f"{exit_code(results, fail_on)})",
            err=True,
        )
        sys.exit(0)
    from m365gov.drift import compare_results, load_comparable
    from m365gov.render.drift_text import drift_terminal

    old = load_comparable(baseline_path, policies=policies, waivers_file=waivers)
    drift = compare_results(old, results, old_label=str(baseline_path), new_label="this run", fail_on=fail_on)
    drift_doc = drift.to_json()
    emit(doc, wanted, output, lang, drift=drift_doc)
    click.echo(drift_terminal(drift_doc, lang), err=True, nl=False)
    sys.exit(drift.exit_code())
