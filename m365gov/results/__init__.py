"""The results of an evaluation: the one file every renderer, drift and exit code reads.

Results are data, not behaviour: renderers format them and never compute a verdict, drift compares
two of them, and :func:`exit_code` turns them into the CLI's exit status. JSON shape:
``m365gov/schemas/results.schema.json`` (``"schema": "m365gov/results@1"``).
"""

from m365gov.results.exit_codes import exit_code
from m365gov.results.load import load_results, parse_results
from m365gov.results.model import (
    POPULATION,
    SCHEMA_ID,
    Finding,
    PolicyInfo,
    ResourceRef,
    Results,
    SnapshotInfo,
    SourceInfo,
    WaiverNote,
    WaiverRef,
    WaiverReport,
)

__all__ = [
    "POPULATION",
    "SCHEMA_ID",
    "Finding",
    "PolicyInfo",
    "ResourceRef",
    "Results",
    "SnapshotInfo",
    "SourceInfo",
    "WaiverNote",
    "WaiverRef",
    "WaiverReport",
    "exit_code",
    "load_results",
    "parse_results",
]
