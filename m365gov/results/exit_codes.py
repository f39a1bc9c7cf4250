"""The CLI's exit status, decided from results (DESIGN.md, "Command line")."""

from __future__ import annotations

from m365gov.errors import InputError
from m365gov.results.model import Results
from m365gov.statuses import BENIGN_REASONS, FAIL, NOT_EVALUATED, SEVERITIES, severity_rank


def exit_code(results: Results, fail_on: str = "low") -> int:
    """The CLI's verdict on a run.

    Returns 1 if any ``fail`` finding has a severity at or above ``fail_on``; otherwise 3 if any
    ``not_evaluated`` finding at or above ``fail_on`` has a reason outside
    ``statuses.BENIGN_REASONS`` (evidence the run needed is missing); otherwise 0. ``waived`` never
    fails a run. Code 2 (input errors) is raised elsewhere, as an :class:`InputError`.
    """
    if fail_on not in SEVERITIES:
        raise InputError(f"unknown severity {fail_on!r} for --fail-on; expected one of {', '.join(SEVERITIES)}")
    floor = severity_rank(fail_on)
    relevant = [f for f in results.findings if severity_rank(f.severity) >= floor]
    if any(f.status == FAIL for f in relevant):
        return 1
    if any(f.status == NOT_EVALUATED and f.reason not in BENIGN_REASONS for f in relevant):
        return 3
    return 0
