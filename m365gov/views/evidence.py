"""Camera and microphone verdicts, and the short sentences that justify them. Pure.

Each person's camera and microphone get one verdict, by precedence:

``faulty`` > ``observed`` > ``declared`` > ``unknown``

* **faulty** (microphone only): seen in real calls *and* failing — in at least one call of the
  window a ratio above :data:`DEFAULT_MIC_LIMITS` (the same defaults as policy DEV-004's
  parameters; views take no parameters, so a tenant that tightens DEV-004 changes what fails
  there, not this label). A faulty microphone that was also declared is still faulty: the
  declaration says a device exists, the calls say it does not work. Graph has no ratio for
  cameras (graph.md §4), so a camera is never ``faulty``.
* **observed**: seen working in a call of the window — video sent from a camera (not screen
  sharing), audio sent from a capture device — or, for the camera, video seconds in the usage
  report.
* **declared**: the equipment inventory says yes (a headset counts as a microphone).
* **unknown**: none of the above — including an inventory that says "no": nothing shows a device
  that works, and the evidence says why.

Evidence sentences name their source (call, report, inventory line) so that a reader can check
them, and stay short: the terminal and HTML reports print them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

FAULTY, OBSERVED, DECLARED, UNKNOWN = "faulty", "observed", "declared", "unknown"
VERDICTS = (FAULTY, OBSERVED, DECLARED, UNKNOWN)

DEFAULT_MIC_LIMITS: Mapping[str, float] = {
    "captureNotFunctioningEventRatio": 0.05,
    "micGlitchRate": 30.0,
    "lowSpeechLevelEventRatio": 0.3,
}
"""Worst tolerated value of each microphone ratio in one call (DEV-004's default parameters).
captureNotFunctioning: share of the call the capture device did not work; micGlitchRate: glitches
per 5 minutes; lowSpeechLevel: share of the call the voice was too quiet to be heard."""

Call = Mapping[str, Any]
"""A compact call (see :mod:`m365gov.collect.call_records`)."""
Participation = tuple[Call, Mapping[str, Any]]
"""One call and this person's entry in it."""


def _calls(n: int) -> str:
    return f"{n} call" if n == 1 else f"{n} calls"


def _day(call: Call) -> str:
    return str(call.get("startDateTime") or "")[:10] or "?"


def _platforms(p: Mapping[str, Any]) -> str:
    return "/".join(p.get("platforms") or ()) or "unknown client"


def _latest(calls: Sequence[Participation]) -> Participation:
    return max(calls, key=lambda cp: str(cp[0].get("startDateTime") or ""))


def _yes_no(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else "not filled in"


def _inventory_line(row: Mapping[str, Any], column: str) -> str:
    updated = f", updated {row['updatedOn']}" if row.get("updatedOn") else ""
    device = f" ({row['device']})" if row.get("device") else ""
    return f"inventory line {row.get('line')}: {column} = {_yes_no(row.get(column))}{device}{updated}"


def camera_verdict(
    calls: Sequence[Participation] | None,
    video_seconds: int | None,
    period: str | None,
    inventory: Mapping[str, Any] | None,
    inventory_configured: bool,
) -> tuple[str, list[str]]:
    """The camera verdict and its evidence.

    Args:
        calls: this person's participations in the window, or ``None`` when call records are
            unavailable (then only the report and the inventory can speak).
        video_seconds: the usage report's video seconds, or ``None`` when the report is unavailable.
        period: the report period (``D30``), for the evidence.
        inventory: this person's inventory row, if any.
        inventory_configured: whether an inventory was read at all (for the evidence).
    """
    evidence: list[str] = []
    sent = [cp for cp in calls or () if cp[1].get("videoSent")]
    if sent:
        call, p = _latest(sent)
        total = len(calls or ())
        evidence.append(f"video sent in {len(sent)} of {_calls(total)}; last on {_day(call)} ({_platforms(p)})")
    if video_seconds:
        evidence.append(f"usage report {period}: {video_seconds} s of video")
    if evidence:
        return OBSERVED, evidence
    if calls is not None:
        evidence.append(f"no video sent in {_calls(len(calls))} of the window" if calls else "no call in the window")
    if inventory is not None:
        evidence.append(_inventory_line(inventory, "camera"))
        if inventory.get("camera") is True:
            return DECLARED, evidence
    else:
        evidence.append("no inventory row" if inventory_configured else "no inventory configured")
    return UNKNOWN, evidence


def worst_mic_ratios(calls: Sequence[Participation]) -> dict[str, float]:
    """The worst value of each microphone ratio over the calls where this person sent audio."""
    return audio_facts(calls)[2]


AudioFacts = tuple[list[Participation], list[Participation], dict[str, float]]
"""What a person's calls say about their microphone: the calls where they sent audio, those where
a ratio was above its limit, and the worst value of each ratio (:func:`audio_facts`)."""


def audio_facts(calls: Sequence[Participation] | None) -> AudioFacts:
    """``(spoken, failing, worst)`` in one pass over the calls (a view judges 100,000 people)."""
    spoken: list[Participation] = []
    failing: list[Participation] = []
    worst: dict[str, float] = {}
    limits = DEFAULT_MIC_LIMITS
    for cp in calls or ():
        p = cp[1]
        if not p.get("audioSent"):
            continue
        spoken.append(cp)
        audio = p.get("audio")
        if not audio:
            continue
        bad = False
        for name, value in audio.items():
            limit = limits.get(name)
            if limit is None:
                continue
            if name not in worst or value > worst[name]:
                worst[name] = value
            if not bad and value and value > limit:  # a missing or null ratio reads as 0
                bad = True
        if bad:
            failing.append(cp)
    return spoken, failing, worst


def _failing(p: Mapping[str, Any]) -> list[str]:
    audio = p.get("audio")
    if not audio:
        return []
    out = []
    for name, limit in _LIMITS:
        value = audio.get(name)
        if value and value > limit:  # a missing or null ratio reads as 0
            out.append(name)
    return out


_LIMITS = tuple(DEFAULT_MIC_LIMITS.items())


def microphone_verdict(
    calls: Sequence[Participation] | None,
    inventory: Mapping[str, Any] | None,
    inventory_configured: bool,
    facts: AudioFacts | None = None,
) -> tuple[str, list[str]]:
    """The microphone verdict and its evidence (arguments as for :func:`camera_verdict`; ``facts``:
    :func:`audio_facts` of ``calls``, when the caller has them already)."""
    evidence: list[str] = []
    spoken, failing, _ = facts if facts is not None else audio_facts(calls)
    if failing:
        call, p = _latest(failing)
        names = _failing(p)
        detail = ", ".join(f"{n} {p['audio'][n]} > {DEFAULT_MIC_LIMITS[n]:g}" for n in names)
        device = (p.get("captureDeviceNames") or ["unnamed device"])[0]
        evidence.append(
            f"microphone failing in {len(failing)} of {_calls(len(spoken))}; last on {_day(call)} "
            f"with {device!r}: {detail}"
        )
        return FAULTY, evidence
    if spoken:
        call, p = _latest(spoken)
        device = (p.get("captureDeviceNames") or ["unnamed device"])[0]
        evidence.append(f"audio sent in {_calls(len(spoken))}, no failure; last on {_day(call)} with {device!r}")
        return OBSERVED, evidence
    if calls is not None:
        evidence.append(f"no audio sent in {_calls(len(calls))} of the window" if calls else "no call in the window")
    if inventory is not None:
        evidence.append(_inventory_line(inventory, "microphone"))
        if inventory.get("headset") is True and inventory.get("microphone") is not True:
            evidence.append(_inventory_line(inventory, "headset"))
        if inventory.get("microphone") is True or inventory.get("headset") is True:
            return DECLARED, evidence
    else:
        evidence.append("no inventory row" if inventory_configured else "no inventory configured")
    return UNKNOWN, evidence
