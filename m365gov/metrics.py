"""Adoption and readiness numbers of one snapshot, for the results' ``metrics`` and for ``trend``.

Computed purely from the views (never the clock, never raw sections), so that the numbers a chart
shows are the ones the policies judged. A number whose source was unavailable is ``null``, never
``0``: a concealed usage report must not chart as "nobody active".

``metrics.adoption`` (people: enabled members licensed for Teams)::

    {"period": "D30", "licensed": 310, "active": 251, "activeRatio": 0.8097,
     "webOnly": 12, "clients": {"windows": 240, "web": 40, …}}

``metrics.readiness``::

    {"camera": {"observed": …, "declared": …, "faulty": 0, "unknown": …},
     "microphone": {…}, "council": {"members": 33, "cameraReady": 29, "microphoneReady": 30},
     "rooms": {"total": 4, "ready": 3, "chamberReady": false}}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from m365gov.snapshot.model import Snapshot
from m365gov.views.base import Resource, View
from m365gov.views.evidence import VERDICTS
from m365gov.views.readiness import CLIENT_COLUMNS

READY = ("observed", "declared")


def compute_metrics(
    snapshot: Snapshot, views: Mapping[str, View], built: dict[str, list[Resource]] | None = None
) -> dict[str, Any]:
    """``{"adoption": …, "readiness": …}``; either is ``None`` when the directory was not collected.

    ``built`` holds views already built by the evaluation (name → resources), reused as they are.
    """
    cache = built if built is not None else {}
    people = _build(views["readiness"], snapshot, cache)
    rooms = _build(views["rooms"], snapshot, cache)
    if people is None:
        return {"adoption": None, "readiness": None}
    licensed = [p for p in people if p.get("teamsLicensed") is True]
    return {"adoption": _adoption(snapshot, licensed), "readiness": _readiness(people, licensed, rooms)}


def _build(view: View, snapshot: Snapshot, cache: dict[str, list[Resource]]) -> list[Resource] | None:
    if any(snapshot.data(s) is None for s in view.sources):
        return None
    if view.name not in cache:
        cache[view.name] = view.build(snapshot)
    return cache[view.name]


def _adoption(snapshot: Snapshot, licensed: list[Resource]) -> dict[str, Any]:
    activity = snapshot.data("teamsUserActivity")
    has_activity = isinstance(activity, dict)
    has_clients = isinstance(snapshot.data("teamsDeviceUsage"), dict)
    active = sum(1 for p in licensed if p.get("activeInPeriod") is True) if has_activity else None
    clients: Counter[str] = Counter(c for p in licensed for c in p.get("clients") or ())
    order = [name for _, name in CLIENT_COLUMNS]
    return {
        "period": activity.get("period") if has_activity else None,
        "licensed": len(licensed),
        "active": active,
        "activeRatio": round(active / len(licensed), 4) if active is not None and licensed else None,
        "webOnly": sum(1 for p in licensed if p.get("webOnly") is True) if has_clients else None,
        "clients": {c: clients[c] for c in order if clients[c]} if has_clients else None,
    }


def _verdicts(people: list[Resource], key: str) -> dict[str, int] | None:
    if any(p.get(key) is None for p in people):
        return None
    counts = Counter(p.get(key) for p in people)
    return {v: counts.get(v, 0) for v in VERDICTS}


def _readiness(people: list[Resource], licensed: list[Resource], rooms: list[Resource] | None) -> dict[str, Any]:
    council = [p for p in people if p.get("isCouncilMember") is True]
    known_council = people and all(p.get("isCouncilMember") is not None for p in people)
    judged = all(p.get("camera") is not None for p in council)
    out: dict[str, Any] = {
        "camera": _verdicts(licensed, "camera") if licensed else None,
        "microphone": _verdicts(licensed, "microphone") if licensed else None,
        "council": None,
        "rooms": None,
    }
    if known_council and judged:
        out["council"] = {
            "members": len(council),
            "cameraReady": sum(1 for p in council if p.get("camera") in READY),
            "microphoneReady": sum(1 for p in council if p.get("microphone") in READY),
        }
    if rooms is not None:
        chamber = [r for r in rooms if r.get("isChamber") is True]
        out["rooms"] = {
            "total": len(rooms),
            "ready": sum(1 for r in rooms if r.get("ready") is True),
            "chamberReady": chamber[0].get("ready") is True if chamber else None,
        }
    return out
