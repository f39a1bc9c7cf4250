"""Normalising evidence so that only real changes count as drift.

Peers report false drift (Microsoft365DSC's delta reports flag reordered arrays and null-vs-absent
properties; peers.md §3.8). Two values are the same evidence when they are equal after:

* ``null`` members of objects are dropped (Graph omits a null property or sends it, depending on
  ``$select`` and the endpoint version);
* arrays are sorted by their canonical JSON (Graph guarantees no order for ``assignedPlans``,
  ``proxyAddresses``, members…);
* strings that are ISO 8601 date-times are rewritten to one canonical UTC form, so that
  ``2026-11-28T08:00:00.000Z`` and ``2026-11-28T09:00:00+01:00`` are the same instant.

Run metadata (generator, collection times) is never compared at all: only findings are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from m365gov.timeutil import parse_datetime, to_iso

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def normalise(value: Any) -> Any:
    """The canonical form of a JSON value (see the module docstring)."""
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in sorted(value.items()) if v is not None}
    if isinstance(value, list | tuple):
        items = [normalise(v) for v in value]
        return sorted(items, key=canonical)
    if isinstance(value, str) and _DATETIME.match(value):
        dt = parse_datetime(value)
        return to_iso(dt) if dt is not None else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical(value: Any) -> str:
    """A normalised value as compact JSON with sorted keys: equal evidence, equal text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def same_evidence(a: Any, b: Any) -> bool:
    """Whether two observed (or expected) values are the same evidence once normalised."""
    return canonical(normalise(a)) == canonical(normalise(b))
