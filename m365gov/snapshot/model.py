"""In-memory form of a snapshot.

A snapshot keeps Microsoft's own property names (camelCase) inside each section's ``data`` so that a
policy reads like the Graph and Key Vault documentation; only the envelope is m365gov's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from m365gov.statuses import SRC_OK

SCHEMA_ID = "m365gov/snapshot@1"


@dataclass(frozen=True)
class SourceSection:
    """One source's part of the snapshot.

    Attributes:
        name: the source's name (``users``, ``organization``…), also its key in the snapshot.
        status: ``ok`` or why not (see :mod:`m365gov.statuses`).
        data: the raw records (Graph property names kept), or ``None`` when the status is not ``ok``.
        detail: a human sentence explaining a non-``ok`` status (error code, message, how to fix).
        permission: the permission that was missing, for ``missing_permission``.
        counts: sizes worth reporting (items, pages, requests).
    """

    name: str
    status: str
    data: Any = field(default=None, repr=False)  # 100,000 users must never be formatted by accident
    detail: str | None = None
    permission: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == SRC_OK

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.detail is not None:
            out["detail"] = self.detail
        if self.permission is not None:
            out["permission"] = self.permission
        out["counts"] = dict(self.counts)
        out["data"] = self.data
        return out


@dataclass(frozen=True)
class Snapshot:
    """A whole collection run.

    Attributes:
        collected_at: when collection ran (UTC). Evaluation uses it as "now", never the clock.
        as_of: the end of the collection windows (call records, reports): ``collected_at`` unless the
            DSI audited a past period with ``--as-of``.
        tenant_id: the Entra tenant id the data came from.
        graph_base_url: the Graph endpoint used (global, a national cloud, or the emulator).
        sources: the sections by source name.
        generator: tool name and version that wrote the snapshot.
        origin: the file it was read from, if any, so that a malformed section can be reported
            with its location (not serialised).
    """

    collected_at: datetime
    as_of: datetime
    tenant_id: str
    graph_base_url: str
    sources: Mapping[str, SourceSection]
    generator: Mapping[str, str] = field(default_factory=dict)
    origin: str | None = field(default=None, compare=False)

    def section(self, name: str) -> SourceSection | None:
        return self.sources.get(name)

    def data(self, name: str, default: Any = None) -> Any:
        """The section's data when the source is ``ok``, else ``default``."""
        sec = self.sources.get(name)
        return sec.data if sec is not None and sec.ok else default

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "generator": dict(self.generator),
            "collectedAt": _iso(self.collected_at),
            "asOf": _iso(self.as_of),
            "tenant": {"id": self.tenant_id, "graphBaseUrl": self.graph_base_url},
            "sources": {name: sec.to_json() for name, sec in sorted(self.sources.items())},
        }


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")
