"""Reading either side of a comparison: a results file, or a snapshot evaluated on the spot.

A snapshot is evaluated with the policies (and waivers) of the current run, so that two snapshots,
or a snapshot and a results file of the same policy set, compare like with like.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from m365gov.errors import InputError
from m365gov.jsonio import read_json
from m365gov.results import SCHEMA_ID as RESULTS_SCHEMA
from m365gov.results import Results, parse_results
from m365gov.snapshot import SCHEMA_ID as SNAPSHOT_SCHEMA

if TYPE_CHECKING:
    from m365gov.pipeline import PolicySelection


def load_comparable(
    path: str | Path, *, policies: PolicySelection | None = None, waivers_file: Path | None = None
) -> Results:
    """Results from ``path``: read as they are, or evaluated now when the file is a snapshot.

    ``policies`` defaults to the shipped set; anything that is neither a results file nor a snapshot
    is an :class:`InputError` naming both accepted schemas.
    """
    doc: Any = read_json(path, what="results or snapshot file")
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema == RESULTS_SCHEMA:
        return parse_results(doc, file=str(path))
    if schema == SNAPSHOT_SCHEMA:
        from m365gov.pipeline import audit_snapshot, compile_policies
        from m365gov.snapshot import parse_snapshot

        snapshot = parse_snapshot(doc, file=str(path))
        return audit_snapshot(snapshot, policies or compile_policies(None), waivers_file=waivers_file)
    found = f"schema {schema!r}" if schema is not None else "no 'schema' member"
    raise InputError(
        f"expected an {RESULTS_SCHEMA} results file or an {SNAPSHOT_SCHEMA} snapshot, found {found}",
        file=str(path),
        pointer="/schema" if isinstance(doc, dict) else "",
    )
