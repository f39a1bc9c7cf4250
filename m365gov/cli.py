"""The command line: a thin Click layer that parses arguments and calls the library.

Imports are kept inside the commands: ``m365gov --help`` must start about as fast as Click itself,
and ``audit --snapshot`` must never import msgraph (~1 s).

Exit codes (every command): 0 nothing failing at or above ``--fail-on``; 1 failures (with
``--baseline``: new failures); 2 usage, configuration, policy-file or other input error; 3 evidence
incomplete (``not_evaluated`` where the run needed it) and nothing failing; 4 internal error (a bug).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from m365gov import __version__
from m365gov.errors import InputError

EXIT_OK, EXIT_FAILURES, EXIT_INPUT, EXIT_INCOMPLETE, EXIT_INTERNAL = 0, 1, 2, 3, 4
SEVERITY_CHOICE = click.Choice(["info", "low", "medium", "high", "critical"])
EXIT_CODES_HELP = (
    "Exit codes: 0 nothing failing at or above --fail-on; 1 failures; 2 bad input (config, policy, "
    "snapshot, arguments); 3 evidence incomplete (not_evaluated) and nothing failing; 4 internal error."
)


class _Group(click.Group):
    """Turns input errors into one line and exit code 2, and anything unexpected into exit code 4."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            _fail(f"error: {exc}", EXIT_INPUT)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as exc:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc}\n(run with -v for details; please report it)",
                EXIT_INTERNAL,
            )


def _fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="m365gov")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Evidence-based governance of a Microsoft 365 tenant for a French town's IT department.

    Collects from Microsoft Graph (read-only), judges with declarative JSON policies, and reports:
    data residency in France, Teams rollout, camera and microphone readiness, Customer Key.

    \b
    Start with:  m365gov demo              (nothing to configure)
    Then:        m365gov init              (writes m365gov.toml)
                 m365gov collect -c m365gov.toml -o snapshot.json
                 m365gov audit --snapshot snapshot.json

    Exit codes: 0 nothing failing at or above --fail-on; 1 failures; 2 bad input (config, policy,
    snapshot, arguments); 3 evidence incomplete (not_evaluated) and nothing failing; 4 internal error.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


# -- demo -----------------------------------------------------------------------------------


@main.command()
@click.option("--users", default=350, show_default=True, type=click.IntRange(80, 200_000), help="Size of the town.")
@click.option("--seed", default=2026, show_default=True, type=int, help="Seed of the generated town.")
@click.option(
    "-o", "--output-dir", default="reports/demo", show_default=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def demo(users: int, seed: int, output_dir: Path, lang: str) -> None:
    """Run the whole pipeline on a built-in fictional town.

    Starts the local Microsoft 365 stand-in on a free loopback port, collects from it through the
    real msgraph-sdk, evaluates the shipped policies, prints the report and writes the snapshot and
    the results under OUTPUT_DIR. The town has defects on purpose: the demo always exits 0 and is
    not a CI gate.
    """
    from m365gov.demo import run_demo

    run_demo(output_dir, users=users, seed=seed, lang=lang, color=sys.stdout.isatty())


# -- collect --------------------------------------------------------------------------------


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


# -- audit ----------------------------------------------------------------------------------


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
def audit(
    snapshot_path: Path | None,
    config_path: Path | None,
    policy_paths: tuple[Path, ...],
    waivers_path: Path | None,
    formats: str,
    output: Path | None,
    fail_on: str,
    lang: str,
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
    results = audit_snapshot(snapshot, policies, waivers_file=waivers)
    _emit(results.to_json(), wanted, output, lang)
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


# -- policies -------------------------------------------------------------------------------


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
    """Check policy files or directories; exit 2 with the file and JSON pointer of the first problem."""
    from m365gov.pipeline import load_policy_set

    for p in paths:
        if not p.exists():
            raise InputError("no such file or directory", file=str(p))
    policy_set = load_policy_set(paths)
    policy_set.compile()
    click.echo(f"{len(policy_set.policies)} policies valid")


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


# -- init -----------------------------------------------------------------------------------


@main.command()
@click.argument("path", default="m365gov.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented example configuration to PATH."""
    from m365gov.init import write_example_config

    write_example_config(path, force=force)
    click.echo(f"wrote {path}: fill in tenant_id and [auth], then run `m365gov collect -c {path} -o snapshot.json`")


# -- permissions ----------------------------------------------------------------------------


@main.command()
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--policies", "policy_paths", multiple=True, type=click.Path(exists=True, path_type=Path))
def permissions(config_path: Path | None, policy_paths: tuple[Path, ...]) -> None:
    """The least-privilege Graph application permissions the enabled policies need (all read-only)."""
    from m365gov.config import load_config
    from m365gov.permissions import required_permissions

    config = load_config(config_path) if config_path else None
    for perm, reasons in required_permissions(config, policy_paths).items():
        click.echo(f"{perm:<28} {'; '.join(reasons)}")


# -- emulator -------------------------------------------------------------------------------


@main.group()
def emulator() -> None:
    """The local Microsoft 365 stand-in (for demos and tests; loopback only)."""


@emulator.command("serve")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--users", default=350, show_default=True, type=click.IntRange(80, 200_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option(
    "--latency", default=0.0, show_default=True, type=click.FloatRange(0, 10), help="Seconds added to each request."
)
@click.option("--throttle-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of requests answered 429.")
@click.option("--error-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction answered 503.")
@click.option(
    "--drop-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of connections dropped mid-response."
)
@click.option("--forbid", multiple=True, help="Path prefix answered 403 (e.g. /v1.0/sites).")
def emulator_serve(
    port: int,
    users: int,
    seed: int,
    latency: float,
    throttle_rate: float,
    error_rate: float,
    drop_rate: float,
    forbid: tuple[str, ...],
) -> None:
    """Serve the generated town on 127.0.0.1 until Ctrl-C."""
    from m365gov.emulator import Faults
    from m365gov.emulator.server import serve

    faults = Faults(
        latency=latency,
        throttle_rate=throttle_rate,
        error_503_rate=error_rate,
        drop_rate=drop_rate,
        forbidden=frozenset(forbid),
    )
    serve(seed=seed, users=users, port=port, faults=faults)


if __name__ == "__main__":  # pragma: no cover
    main()
