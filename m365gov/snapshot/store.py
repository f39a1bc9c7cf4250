"""Loading and writing snapshot files.

Only the envelope is checked against the shipped JSON Schema: validating every Graph record would
cost ~116 µs each (11 s per 100,000 users, sdk.md §2) for no benefit, since views read records
defensively.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from m365gov import __version__
from m365gov.errors import InputError
from m365gov.jsonio import atomic_write_json_lines, read_json
from m365gov.schemas import validate
from m365gov.snapshot.model import SCHEMA_ID, Snapshot, SourceSection
from m365gov.timeutil import parse_datetime


def load_snapshot(path: str | Path) -> Snapshot:
    """Read and check a snapshot file; any problem is an :class:`InputError` (exit 2)."""
    doc = read_json(path, what="snapshot", share=True)
    return parse_snapshot(doc, file=str(path))


def parse_snapshot(doc: Any, *, file: str | None = None) -> Snapshot:
    """Build a :class:`Snapshot` from its JSON form, checking the schema version first."""
    if isinstance(doc, dict) and "schema" in doc and doc["schema"] != SCHEMA_ID:
        raise InputError(
            f"this is not an {SCHEMA_ID} snapshot (schema is {doc['schema']!r}); "
            "collect it again with this version of m365gov",
            file=file,
            pointer="/schema",
        )
    validate("snapshot", doc, file=file)
    collected = parse_datetime(doc["collectedAt"])
    as_of = parse_datetime(doc.get("asOf", doc["collectedAt"]))
    if collected is None or as_of is None:
        raise InputError("expected an ISO 8601 date-time", file=file, pointer="/collectedAt")
    sources = {
        name: SourceSection(
            name=name,
            status=sec["status"],
            data=sec.get("data"),
            detail=sec.get("detail"),
            permission=sec.get("permission"),
            counts=sec.get("counts", {}),
        )
        for name, sec in doc["sources"].items()
    }
    return Snapshot(
        collected_at=collected,
        as_of=as_of,
        tenant_id=doc["tenant"]["id"],
        graph_base_url=doc["tenant"].get("graphBaseUrl", ""),
        sources=sources,
        generator=doc.get("generator", {}),
        origin=file,
    )


def write_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """Write atomically, stamping the generator when the caller did not.

    Streamed, one record per line (a user, a call, a report row): a 100,000-user snapshot is ~800 MB
    of JSON, which must never be built as one string beside the objects it encodes.
    """
    doc = snapshot.to_json()
    doc["generator"] = doc["generator"] or {"name": "m365gov", "version": __version__}
    atomic_write_json_lines(path, doc)
