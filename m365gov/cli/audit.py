"""``m365gov collect`` and ``m365gov audit``: the only commands that read the tenant or judge it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from m365gov.cli.app import EXIT_CODES_HELP, SEVERITY_CHOICE, main


@main.command()
@click.option("-c", "--config", "config_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Snapshot file.")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="End of collection windows (UTC)."
)
@click.option("--policies", "policy_paths", multiple=True, type=click.Path(exists=True, path_type=Path))
def collect(config_path: Path, output: Path, as_of: Any, policy_paths: tuple[Path, ...]) -> None:
    """Collect what the enabled policies need into a snapshot (the only command that reads the tenant)."""
    from m365gov.auth import credential_for
    from m365gov.config import load_config
    from m365gov.pipeline import collect_snapshot, compile_policies
    from m365gov.progress import collection_progress
    from m365gov.snapshot import write_snapshot

    config = load_config(config_path)
    policies = compile_policies(config, policy_paths)
    with collection_progress() as hook:
        collection = collect_snapshot(config, credential_for(config), policies, as_of=_utc(as_of), progress=hook)
    write_snapshot(collection.snapshot, output)
    _print_collection_summary(collection, output)


def _print_collection_summary(collection: Any, output: Path) -> None:
    s = collection.stats
    bad = {n: sec.status for n, sec in collection.snapshot.sources.items() if not sec.ok}
    click.echo(
        f"snapshot written to {output}: {len(collection.snapshot.sources)} sources "
        f"({len(bad)} not ok), {s.requests} requests, {s.retries} retries, {collection.elapsed:.1f} s",
        err=True,
    )
    for name, status in sorted(bad.items()):
        click.echo(f"  {name}: {status} — {collection.snapshot.sources[name].detail}", err=True)


def _utc(value: Any) -> Any:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value is not None else None

@main.command(epilog=EXIT_CODES_HELP)
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
    help="Output format(s), comma-separated: terminal, json.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (one format) or directory (several).")
@click.option(
    "--fail-on", type=SEVERITY_CHOICE, default="low", show_default=True, help="Lowest severity that fails the run."
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
    lang: str,
    history_dir: Path | None,
) -> None:
    """Judge a snapshot (or collect one first) against the policies and report."""
    from m365gov.config import load_config
    from m365gov.pipeline import audit_snapshot, compile_policies
    from m365gov.results import exit_code
    from m365gov.snapshot import load_snapshot

    if snapshot_path is None and config_path is None:
        raise click.UsageError("give --snapshot SNAPSHOT (offline) or -c CONFIG (collect first)")
    wanted = _formats(formats)
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
    _emit(results.to_json(), wanted, output, lang)
    if history is not None:
        from m365gov.pipeline import record_history

        click.echo(f"trend point written to {record_history(history, results)}", err=True)
    sys.exit(exit_code(results, fail_on))


def _formats(text: str) -> list[str]:
    from m365gov.render import RENDERERS

    wanted = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in RENDERERS]
    if unknown or not wanted:
        raise click.BadParameter(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(RENDERERS)}",
            param_hint="--format",
        )
    return wanted


def _emit(results: dict[str, Any], formats: list[str], output: Path | None, lang: str) -> None:
    from m365gov.jsonio import atomic_write_text
    from m365gov.render import RENDERERS, RenderOptions

    if output is None or (len(formats) == 1 and not output.is_dir() and output.suffix):
        for fmt in formats:
            color = fmt == "terminal" and output is None and sys.stdout.isatty()
            text = RENDERERS[fmt].render(results, RenderOptions(lang=lang, color=color))
            if output is None:
                click.echo(text, nl=False)
            else:
                atomic_write_text(output, text)
                click.echo(f"{fmt} report written to {output}", err=True)
        return
    output.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        renderer = RENDERERS[fmt]
        path = output / f"results.{renderer.extension}" if fmt == "json" else output / f"report.{renderer.extension}"
        atomic_write_text(path, renderer.render(results, RenderOptions(lang=lang)))
        click.echo(f"{fmt} report written to {path}", err=True)
