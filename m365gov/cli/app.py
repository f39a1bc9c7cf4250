"""The root command group, its error handling and the exit codes every command shares.

Imports are kept inside the commands: ``m365gov --help`` must start about as fast as Click itself,
and ``audit --snapshot`` must never import msgraph (~1 s).

Exit codes (every command): 0 nothing failing at or above ``--fail-on``; 1 failures (with
``--baseline`` and for ``drift``: new failures, or evidence lost where the baseline had it);
2 usage, configuration, policy-file or other input error; 3 evidence
incomplete (``not_evaluated`` where the run needed it) and nothing failing; 4 internal error (a bug).
"""

from __future__ import annotations

import sys
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
AUDIT_EXIT_HELP = (
    "\b\nExit codes:\n"
    "  0  nothing failing at or above --fail-on; with --baseline: no regression\n"
    "  1  failures at or above --fail-on; with --baseline: only NEW failures, or evidence lost\n"
    "     (not_evaluated where the baseline had evidence) — known, waived or unchanged failures never\n"
    "  2  bad input (config, policy, snapshot, baseline, arguments)\n"
    "  3  evidence incomplete (not_evaluated) and nothing failing (without --baseline)\n"
    "  4  internal error"
)
DRIFT_EXIT_HELP = (
    "\b\nExit codes:\n"
    "  0  no regression (fixed, changed, still failing or gone only)\n"
    "  1  a regression at or above --fail-on: a new failure, or evidence lost\n"
    "  2  bad input (a file that is neither results nor snapshot, unreadable JSON, arguments)\n"
    "  4  internal error"
)


COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("audit", "Judge a snapshot (or collect one first) against the policies and report."),
    "checklist": ("checklist", "Checklists produced from the tenant's state before an event."),
    "collect": ("audit", "Collect what the enabled policies need into a snapshot (the only command that reads the "
                "tenant)."),
    "demo": ("demo", "Run the whole pipeline on a built-in fictional town."),
    "drift": ("drift", "Compare two runs: new failures, fixed ones, still failing, changed evidence, lost "
              "evidence."),
    "emulator": ("emulator", "The local Microsoft 365 stand-in (for demos and tests; loopback only)."),
    "init": ("setup", "Write a commented example configuration to PATH."),
    "keys": ("keys", "Customer Key: audit the keys in Azure Key Vault, and create, rotate and back them up "
             "safely."),
    "permissions": ("setup", "Least privilege: what each m365gov identity needs, and how to register the app."),
    "policies": ("policies", "List, validate and show policies."),
    "report": ("report", "Work with saved results (results.json) without the tenant."),
    "trend": ("trend", "Print Teams adoption and camera/microphone readiness over runs, with the change since the "
              "last run."),
}
"""Each command: the ``m365gov.cli`` module that defines it, imported only when the command runs, and
the first paragraph of its help for ``m365gov --help`` (a test keeps both in step with the modules).
``m365gov --help`` then starts about as fast as Click itself (sdk.md §2)."""


class _Group(click.Group):
    """Turns input errors into one line and exit code 2, and anything unexpected into exit code 4.

    Commands are loaded on first use (:data:`COMMANDS`), and help is sized without :mod:`shutil`
    (which imports three compression modules), exactly as Click sizes it.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            import importlib

            importlib.import_module(f"m365gov.cli.{COMMANDS[cmd_name][0]}")  # registers its commands on main
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's own listing, with the table's help for the commands not loaded yet."""
        names = self.list_commands(ctx)
        commands = [(n, self.commands.get(n) or click.Command(n, help=COMMANDS[n][1])) for n in names]
        commands = [(n, c) for n, c in commands if not c.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(n) for n, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in commands])

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        if parent is None and "terminal_width" not in extra:
            extra["terminal_width"] = _help_width(self.context_settings.get("max_content_width"))
        return super().make_context(info_name, args, parent, **extra)

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
            import logging

            if logging.getLogger().isEnabledFor(logging.DEBUG):
                import traceback

                _fail("".join(traceback.format_exception(exc)).rstrip("\n"), EXIT_INTERNAL)
            _fail(
                f"internal error: {type(exc).__name__}: {exc}\n(run with -v for details; please report it)",
                EXIT_INTERNAL,
            )


def _help_width(max_width: int | None) -> int:
    """The width Click's ``HelpFormatter`` would choose, without importing :mod:`shutil`."""
    from click import formatting

    if formatting.FORCED_WIDTH is not None:  # set by click.testing
        return formatting.FORCED_WIDTH
    return max(min(_terminal_columns(), max_width or 80) - 2, 50)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: ``$COLUMNS``, else the terminal, else 80."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns


def _fail(message: str, code: int) -> NoReturn:
    from m365gov.redact import redact

    click.echo(redact(message), err=True)
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

    \b
    Reports:     m365gov audit --snapshot S --format html,md,csv,sarif,junit,json -o reports/
                 m365gov report render results.json --format html --lang fr -o report.html
    Drift:       m365gov drift OLD NEW        (results or snapshots)
                 m365gov audit --snapshot S --baseline OLD_RESULTS   (fails only on regressions)

    Exit codes: 0 nothing failing at or above --fail-on; 1 failures (with --baseline, or for drift:
    new failures or lost evidence only); 2 bad input (config, policy, snapshot, arguments); 3 evidence
    incomplete (not_evaluated) and nothing failing; 4 internal error.
    """
    import logging  # here, not at the top: `m365gov --help` never needs it

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from m365gov.redact import install_log_redaction

    install_log_redaction()  # -vv turns on the SDKs' DEBUG logs: no header or token may pass

