"""Drift: what changed between two runs, normalised so that only real changes count.

``m365gov drift OLD NEW`` and ``m365gov audit --baseline OLD`` both come here: load each side (a
results file, or a snapshot evaluated with the same policies), compare findings pair by pair, and
exit 1 only on regressions — new failures, or evidence lost where the baseline had it — so that a
known, waived or unchanged failure never breaks a nightly job.
"""

from m365gov.drift.compare import compare_results
from m365gov.drift.load import load_comparable
from m365gov.drift.model import CHANGES, SCHEMA_ID, DriftEntry, DriftReport, RunRef, Side
from m365gov.drift.normalise import canonical, normalise, same_evidence

__all__ = [
    "CHANGES",
    "SCHEMA_ID",
    "DriftEntry",
    "DriftReport",
    "RunRef",
    "Side",
    "canonical",
    "compare_results",
    "load_comparable",
    "normalise",
    "same_evidence",
]
