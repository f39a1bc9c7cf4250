"""Camera and microphone evidence extracted from one call record (graph.md §4). Pure.

A full record (``sessions`` → ``segments`` → ``media`` → ``streams``) is tens of kilobytes; a
30-day window of a 350-person town holds thousands of them. The snapshot keeps only what the views
read, one compact entry per call and per participant, under Microsoft's property names:

``{"id", "startDateTime", "type", "joinWebUrl", "participants": [{"id", "userPrincipalName",
"platforms", "captureDeviceNames", "renderDeviceNames", "audioSent", "videoSent",
"audio": {ratio: worst value}, "sessions"}]}`` — about 600 bytes per participant: names live in the
directory, and only the ratios that say whether a device works are kept.

Rules, from the data model (graph.md §4):

* **Caller side only** in group calls and meetings: each session's caller is the participant and
  the callee the conferencing service; reading both would credit the service with a camera. In a
  ``peerToPeer`` call both ends are people, so the callee side (``calleeDevice``, ``calleeToCaller``
  streams) is read for the callee too. Identities come from
  ``associatedIdentity`` (since 30 June 2026 the legacy ``identity`` returns nothing), falling back
  to the legacy ``identity.user`` only when ``associatedIdentity`` is absent, for older records.
* **Video sent**: a media whose label contains ``video`` but not ``applicationsharing`` (screen
  sharing is not a camera) with a ``callerToCallee`` stream carrying a ``videoCodec`` or a positive
  ``averageVideoFrameRate``.
* **Audio sent**: an audio media (label contains ``audio``) with a ``callerToCallee`` stream, or a
  caller capture device named on it.
* **Ratios**: the worst (highest) value of each ``callerDevice`` ratio over the participant's audio
  media in the call; one bad segment is what a listener heard.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Mapping
from typing import Any

AUDIO_RATIOS = (
    "captureNotFunctioningEventRatio",
    "renderNotFunctioningEventRatio",
    "lowSpeechLevelEventRatio",
    "micGlitchRate",
    "speakerGlitchRate",
)
"""``deviceInfo`` numbers kept per participant and call (graph.md §4): the microphone's and the
speaker's. Other ratios (clipping, howling, CPU) describe the room or the machine, not whether a
device works, and would triple the size of the section at scale."""

CALLER_SIDE = ("caller", "callerDevice", "callerToCallee")
CALLEE_SIDE = ("callee", "calleeDevice", "calleeToCaller")
_NO_CODEC = frozenset({"", "unknown", "invalid", "unknownFutureValue"})


def compact_call(record: Mapping[str, Any]) -> dict[str, Any]:
    """The compact form of one call record with all its sessions (every page already merged).

    Runs once per record of the window (234,000 of them at 100,000 users), so the loops are written
    out by hand, and the strings that repeat from call to call (participant ids and names, device
    names, platforms) are interned: the section then holds one copy of each.
    """
    participants: dict[str, dict[str, Any]] = {}
    sides = (CALLER_SIDE, CALLEE_SIDE) if record.get("type") == "peerToPeer" else (CALLER_SIDE,)
    for session in record.get("sessions") or ():
        for endpoint_key, device_key, direction in sides:
            endpoint = session.get(endpoint_key) or {}
            identity = _identity(endpoint)
            if identity is None:
                continue  # PSTN, anonymous or the conferencing service: no directory user to credit
            p = participants.get(identity["id"])
            if p is None:
                p = participants[identity["id"]] = _new_participant(identity)
            p["sessions"] += 1
            agent = endpoint.get("userAgent") or {}
            _add(p["platforms"], agent.get("platform"))
            for segment in session.get("segments") or ():
                for media in segment.get("media") or ():
                    _read_media(p, media, device_key, direction)
    out: dict[str, Any] = {
        "id": record.get("id"),
        "startDateTime": record.get("startDateTime"),
        "type": _intern(record.get("type")),
    }
    if record.get("joinWebUrl"):
        out["joinWebUrl"] = record["joinWebUrl"]
    out["participants"] = [_finish(p) for p in participants.values()]
    return out


def _finish(p: dict[str, Any]) -> dict[str, Any]:
    """Drop empty fields; the lists of names repeat from call to call: one shared copy of each."""
    out = {}
    for k, v in p.items():
        if type(v) is list:
            if not v:
                continue
            with contextlib.suppress(TypeError):  # an unhashable name (not a string) is kept as it is
                v = _LISTS.setdefault((k, *v), v)
        elif v is None:
            continue
        out[k] = v
    return out


_LISTS: dict[tuple[Any, ...], list[Any]] = {}
"""Shared, never mutated lists of platforms and device names (a few hundred distinct ones)."""


def _intern(value: Any) -> Any:
    """One shared copy of a repeated string (anything else unchanged)."""
    return sys.intern(value) if type(value) is str else value


def _identity(endpoint: Mapping[str, Any]) -> dict[str, Any] | None:
    ident = endpoint.get("associatedIdentity")
    if not (isinstance(ident, dict) and ident.get("id")):
        legacy = (endpoint.get("identity") or {}).get("user")
        ident = legacy if isinstance(legacy, dict) and legacy.get("id") else None
    if ident is None:
        return None
    return {"id": _intern(ident["id"]), "userPrincipalName": _intern(ident.get("userPrincipalName"))}


def _new_participant(identity: dict[str, Any]) -> dict[str, Any]:
    return {
        **identity,
        "platforms": [],
        "captureDeviceNames": [],
        "renderDeviceNames": [],
        "audioSent": False,
        "videoSent": False,
        "audio": {},
        "sessions": 0,
    }


def _read_media(p: dict[str, Any], media: Mapping[str, Any], device_key: str, direction: str) -> None:
    label = str(media.get("label") or "").casefold()
    outgoing = False
    carries_video = False
    for s in media.get("streams") or ():
        if s.get("streamDirection") == direction:
            outgoing = True
            if not carries_video:
                carries_video = _carries_video(s)
    if "video" in label and "applicationsharing" not in label:
        if carries_video:
            p["videoSent"] = True
        return
    if "audio" not in label:
        return
    device = media.get(device_key) or {}
    capture = device.get("captureDeviceName")
    _add(p["captureDeviceNames"], capture)
    _add(p["renderDeviceNames"], device.get("renderDeviceName"))
    if outgoing or capture:
        p["audioSent"] = True
    worst = p["audio"]
    for name in AUDIO_RATIOS:
        value = device.get(name)
        if (
            value is not None
            and isinstance(value, int | float)
            and value is not True
            and value is not False
            and (name not in worst or value > worst[name])
        ):
            worst[name] = _ZERO if value == 0.0 and type(value) is float else value


_ZERO = 0.0
"""Most ratios are 0.0: they share one float object."""


def _carries_video(stream: Mapping[str, Any]) -> bool:
    codec = stream.get("videoCodec")
    if isinstance(codec, str) and codec not in _NO_CODEC:
        return True
    rate: Any = stream.get("averageVideoFrameRate")
    return _is_number(rate) and rate > 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _add(values: list[Any], value: Any) -> None:
    if value and value not in values:
        values.append(sys.intern(value) if type(value) is str else value)


def merge_sessions(record: dict[str, Any], pages: Iterable[Mapping[str, Any]]) -> None:
    """Append the sessions of later pages (``sessions@odata.nextLink``) to ``record``."""
    sessions = list(record.get("sessions") or ())
    for page in pages:
        sessions.extend(page.get("value") or ())
    record["sessions"] = sessions
