"""What "the same snapshot" means when two collections of the same tenant are compared.

Two runs of the same collection differ only in what the clock and the network decide; normalising
removes exactly that, and nothing a policy could read:

* the envelope's ``collectedAt`` (the wall-clock start of the run) and ``generator``;
* where the data came from rather than what it is: the endpoint (``tenant.graphBaseUrl``) and the
  OData ``@odata.context`` annotations that repeat it (two emulators listen on two ports);
* values computed from ``collectedAt`` rather than from the tenant: the call records' retention
  horizon (``callRecords.data.window.retainedFrom``);
* counts that measure the run rather than the data (:data:`VOLATILE_COUNTS`: requests, retries…);
* the order of every array (pages arrive, and batches complete, in whatever order the network
  allows), by sorting each array on the canonical JSON of its items.

Everything else — statuses, details, permissions, every record and every property — must be equal.
"""

from __future__ import annotations

import json
from typing import Any

VOLATILE_COUNTS = frozenset({"requests", "retries", "throttled", "waitedSeconds", "elapsed"})
DERIVED_FROM_THE_CLOCK = (("callRecords", ("window", "retainedFrom")),)


def normalised(snapshot_json: dict[str, Any]) -> dict[str, Any]:
    """A copy of a snapshot's JSON form with the run-dependent parts removed (see the module doc)."""
    doc = json.loads(json.dumps(snapshot_json))
    doc.pop("collectedAt", None)
    doc.pop("generator", None)
    (doc.get("tenant") or {}).pop("graphBaseUrl", None)
    for section in doc.get("sources", {}).values():
        counts = section.get("counts") or {}
        section["counts"] = {k: v for k, v in counts.items() if k not in VOLATILE_COUNTS}
    for name, path in DERIVED_FROM_THE_CLOCK:
        node = (doc.get("sources", {}).get(name) or {}).get("data")
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return _sorted(doc)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items() if k != "@odata.context"}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
