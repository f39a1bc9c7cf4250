"""The trend over runs: each history point's numbers and their change since the previous run.

Pure arithmetic on trend points (:mod:`m365gov.history`); printing is :mod:`m365gov.render.trend`.
A value unknown in a run (its source was unavailable) is ``null`` there, and the change next to it
and to the following run is ``null`` too: a concealed report must not read as a drop to zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m365gov.errors import InputError

TREND_SCHEMA = "m365gov/trend@1"


@dataclass(frozen=True)
class Series:
    """One column of the trend.

    Attributes:
        key: its name in the JSON form.
        label: its header for people.
        read: how to read it from a point (``None`` when unknown in that run).
        ratio: a 0–1 ratio, shown as a percentage and its change in points.
    """

    key: str
    label: str
    read: Callable[[Mapping[str, Any]], Any]
    ratio: bool = False


def _at(*path: str) -> Callable[[Mapping[str, Any]], Any]:
    def read(point: Mapping[str, Any]) -> Any:
        node: Any = point
        for step in path:
            if not isinstance(node, Mapping):
                return None
            node = node.get(step)
        return node

    return read


def _ready(kind: str) -> Callable[[Mapping[str, Any]], Any]:
    def read(point: Mapping[str, Any]) -> Any:
        counts = _at("readiness", kind)(point)
        return None if counts is None else counts.get("observed", 0) + counts.get("declared", 0)

    return read


SERIES: tuple[Series, ...] = (
    Series("licensed", "Licensed", _at("adoption", "licensed")),
    Series("active", "Active", _at("adoption", "active")),
    Series("activeRatio", "Active %", _at("adoption", "activeRatio"), ratio=True),
    Series("webOnly", "Web only", _at("adoption", "webOnly")),
    Series("cameraReady", "Cam. ready", _ready("camera")),
    Series("cameraUnknown", "Cam. unknown", _at("readiness", "camera", "unknown")),
    Series("microphoneReady", "Mic ready", _ready("microphone")),
    Series("microphoneFaulty", "Mic faulty", _at("readiness", "microphone", "faulty")),
    Series("councilCameraReady", "Council cam.", _at("readiness", "council", "cameraReady")),
    Series("councilMicrophoneReady", "Council mic", _at("readiness", "council", "microphoneReady")),
    Series("roomsReady", "Rooms ready", _at("readiness", "rooms", "ready")),
)


def _delta(now: Any, before: Any, ratio: bool) -> Any:
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    return round(now - before, 4) if ratio else now - before


def trend(points: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON form: every run with its values, the change since the previous run, and clients.

    ``{"schema": "m365gov/trend@1", "series": [{key, label, ratio}], "runs": [{"collectedAt",
    "asOf", "values": {key: v}, "changes": {key: Δ}, "clients": {…}, "clientChanges": {…}}]}``;
    the first run's changes are all ``null``.
    """
    runs: list[dict[str, Any]] = []
    previous: Mapping[str, Any] | None = None
    for point in points:
        values = {s.key: s.read(point) for s in SERIES}
        clients = _at("adoption", "clients")(point)
        before = _at("adoption", "clients")(previous) if previous is not None else None
        runs.append(
            {
                "collectedAt": point.get("collectedAt"),
                "asOf": point.get("asOf"),
                "period": _at("adoption", "period")(point),
                "values": values,
                "changes": {
                    s.key: None if previous is None else _delta(values[s.key], s.read(previous), s.ratio)
                    for s in SERIES
                },
                "clients": clients,
                "clientChanges": None
                if clients is None or before is None
                else {c: n - before.get(c, 0) for c, n in clients.items()},
            }
        )
        previous = point
    return {
        "schema": TREND_SCHEMA,
        "series": [{"key": s.key, "label": s.label, "ratio": s.ratio} for s in SERIES],
        "runs": runs,
    }


def history_trend(directory: Path, *, tenant_id: str | None = None) -> dict[str, Any]:
    """The trend of a history folder, for one tenant (required when the folder holds several)."""
    from m365gov.history import read_points

    points = read_points(directory, tenant_id=tenant_id)
    tenants = sorted({str(p.get("tenantId")) for p in points})
    if len(tenants) > 1:
        raise InputError(
            f"the history holds runs of several tenants ({', '.join(tenants)}); choose one with --tenant",
            file=str(directory),
        )
    doc = trend(points)
    return {"schema": doc["schema"], "tenantId": tenants[0] if tenants else tenant_id, **doc}
