"""Hand-built snapshots for view and engine tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from m365gov.snapshot.model import Snapshot, SourceSection

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def make_snapshot(ok: dict[str, Any] | None = None, failed: dict[str, tuple[str, str]] | None = None) -> Snapshot:
    """A snapshot whose ``ok`` sections hold the given data and ``failed`` ones (status, detail)."""
    sources = {name: SourceSection(name, "ok", data=data, counts={"items": 1}) for name, data in (ok or {}).items()}
    for name, (status, detail) in (failed or {}).items():
        sources[name] = SourceSection(name, status, detail=detail)
    return Snapshot(NOW, NOW, "tenant-1", "http://127.0.0.1/v1.0", sources)
