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
            import logging

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

