"""The trend history: one small JSON file per audited snapshot, read offline by ``m365gov trend``.

A *point* is what a run's adoption and readiness looked like::

    {"schema": "m365gov/trend-point@1", "tenantId": "…", "collectedAt": "2026-11-28T08:00:00Z",
     "asOf": "2026-11-28T08:00:00Z", "adoption": {…}, "readiness": {…}}

(``adoption`` and ``readiness`` as in :mod:`m365gov.metrics`). The file is named after the
snapshot's ``collectedAt`` (``2026-11-28T080000Z.json``), so that auditing the same snapshot again
rewrites its point instead of adding a second one, and is written atomically. Points are ordered by
the period they describe (``asOf``), then by ``collectedAt``: an audit of a past period with
``--as-of`` lands where it belongs. Files are kept per tenant id; a history folder shared by two
tenants shows each its own points.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from m365gov.errors import InputError
from m365gov.jsonio import atomic_write_json, read_json

POINT_SCHEMA = "m365gov/trend-point@1"


def point_from_results(results: Mapping[str, Any]) -> dict[str, Any]:
    """The trend point of a results document (its snapshot identity and ``metrics``)."""
    snap = results.get("snapshot") or {}
    metrics = results.get("metrics") or {}
    return {
        "schema": POINT_SCHEMA,
        "tenantId": snap.get("tenantId"),
        "collectedAt": snap.get("collectedAt"),
        "asOf": snap.get("asOf"),
        "adoption": metrics.get("adoption"),
        "readiness": metrics.get("readiness"),
    }


def point_file(directory: Path, collected_at: str) -> Path:
    """``2026-11-28T08:00:00Z`` → ``DIR/2026-11-28T080000Z.json`` (no colons: valid on Windows)."""
    return directory / f"{collected_at.replace(':', '')}.json"


def write_point(directory: Path, point: Mapping[str, Any]) -> Path:
    """Write (or rewrite) the point of one snapshot; returns the file."""
    if not point.get("collectedAt"):
        raise ValueError("a trend point needs the snapshot's collectedAt")
    path = point_file(directory, str(point["collectedAt"]))
    atomic_write_json(path, dict(point))
    return path


def read_points(directory: Path, *, tenant_id: str | None = None) -> list[dict[str, Any]]:
    """Every point of the folder (of ``tenant_id`` when given), oldest period first.

    A missing folder is an empty history; a file that is not a trend point is an input error naming
    it (exit 2), since a silently skipped file would make a trend lie by omission.
    """
    if not directory.exists():
        return []
    if not directory.is_dir():
        raise InputError("the trend history must be a folder", file=str(directory))
    points = []
    for path in sorted(directory.glob("*.json")):
        doc = read_json(path, what="trend point")
        if not isinstance(doc, dict) or doc.get("schema") != POINT_SCHEMA or not doc.get("collectedAt"):
            raise InputError(f"not a trend point (expected \"schema\": \"{POINT_SCHEMA}\")", file=str(path))
        if tenant_id is None or doc.get("tenantId") == tenant_id:
            points.append(doc)
    return sorted(points, key=_order)


def earlier_points(directory: Path, point: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The points of the same tenant strictly before ``point`` (for ``metrics.history``)."""
    here = _order(point)
    return [p for p in read_points(directory, tenant_id=point.get("tenantId")) if _order(p) < here]


def _order(point: Mapping[str, Any]) -> tuple[str, str]:
    return (str(point.get("asOf") or point.get("collectedAt")), str(point.get("collectedAt")))
