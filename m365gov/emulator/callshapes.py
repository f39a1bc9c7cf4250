"""Graph shapes of a call record, built from a :class:`~m365gov.emulator.calls.Plan` on demand.

Shapes follow ``shared/reference/graph.md`` §4 and Microsoft's ``callRecord`` examples:

* ``callRecord`` {id, version, type, modalities, lastModifiedDateTime, startDateTime, endDateTime,
  joinWebUrl (group calls), organizer_v2, participants_v2 (only when expanded), sessions (only when
  expanded)}; the ``_v2`` identities only, as Graph serves since 30 June 2026.
* ``session`` {id, modalities, startDateTime, endDateTime, isTest, caller, callee, segments}. In a
  meeting the **caller is the participant and the callee the conferencing service** (a
  ``serviceEndpoint``); in a peer-to-peer call both are ``participantEndpoint``.
* ``participantEndpoint`` {associatedIdentity {id, displayName, tenantId, userPrincipalName}, name,
  userAgent {platform, productFamily, headerValue}, feedback {rating}}. No ``deviceInfo`` here:
  device telemetry lives in ``media.callerDevice`` / ``media.calleeDevice``.
* ``segment`` {id, startDateTime, endDateTime, caller, callee, media[]}; ``media`` {label
  ``main-audio`` | ``main-video`` | ``applicationsharing-video``, callerDevice, calleeDevice,
  callerNetwork, streams [{streamId, streamDirection, audioCodec | videoCodec, averageVideoFrameRate…}]}.

Traps kept on purpose: someone without a camera still has a ``main-video`` media with only a
``calleeToCaller`` stream (they *receive* video); screen sharing sends a ``callerToCallee`` video
stream labelled ``applicationsharing-video``, which is not a camera; web clients report only
"Default input device".
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from m365gov.emulator.calls import Leg, Plan
from m365gov.emulator.rooms import CHAMBER_ACCOUNT_ID, CHAMBER_DEVICE_NAME, CHAMBER_NAME
from m365gov.emulator.usage import MIC_FAILING_RATIOS

if TYPE_CHECKING:
    from m365gov.emulator.tenant import Tenant

_HEADERS = {"windows": "Teams-VDI/25.1 (Windows NT 10.0; WVD)", "macOS": "Teams/25.1 (Mac OS X 14.5)",
            "iOS": "Teams/6.12 (iPadOS 17.5)", "android": "Teams/1416/1.0.0 (Android 14)",
            "web": "Teams-Web/25.1 (Chrome 131)", "roomSystem": "MTR/5.2 (Windows 11 IoT)"}


def iso7(dt: datetime) -> str:
    """Graph's call-record timestamps: seven fractional digits and ``Z``."""
    return dt.replace(tzinfo=None).isoformat(timespec="microseconds") + "0Z"


def _guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def identity(tenant: Tenant, u: int) -> dict[str, Any]:
    """``associatedIdentity`` / ``identity.user`` of a participant (the chamber room for ``-1``)."""
    if u < 0:
        return {"id": CHAMBER_ACCOUNT_ID, "displayName": CHAMBER_NAME, "tenantId": tenant.tenant_id,
                "userPrincipalName": f"salle.conseil@{tenant.organization['verifiedDomains'][0]['name']}"}
    user = tenant.users[u]
    return {"id": user["id"], "displayName": user["displayName"], "tenantId": tenant.tenant_id,
            "userPrincipalName": user["userPrincipalName"]}


def participant(tenant: Tenant, u: int) -> dict[str, Any]:
    ident = identity(tenant, u)
    return {"id": ident["id"], "identity": {"user": ident}}


def record(tenant: Tenant, plan: Plan, record_id: str) -> dict[str, Any]:
    """The record without its expandable collections (what the list and a plain GET show)."""
    modalities = ["audio"]
    if any(leg.video for leg in plan.legs):
        modalities.append("video")
    if any(leg.share for leg in plan.legs):
        modalities.append("screenSharing")
    out: dict[str, Any] = {
        "id": record_id,
        "version": 2 if plan.type == "groupCall" else 1,
        "type": plan.type,
        "modalities": modalities,
        "lastModifiedDateTime": iso7(plan.end + timedelta(minutes=23)),
        "startDateTime": iso7(plan.start),
        "endDateTime": iso7(plan.end),
        "joinWebUrl": plan.join_web_url,
        "organizer_v2": participant(tenant, plan.organizer),
    }
    return out


def participants(tenant: Tenant, plan: Plan) -> list[dict[str, Any]]:
    seen: dict[int, None] = {}
    for leg in plan.legs:
        seen.setdefault(leg.user)
    return [participant(tenant, u) for u in seen]


def sessions(tenant: Tenant, plan: Plan, with_segments: bool) -> list[dict[str, Any]]:
    """Every session of the record, in order (callers page them by 60)."""
    rng = random.Random(f"m365gov-emulator:{tenant.seed}:sessions:{plan.index}")
    if plan.type == "peerToPeer":
        a, b = plan.legs[0], plan.legs[1]
        return [_session(tenant, rng, plan.start, plan.end, a, b, plan, with_segments)]
    out = []
    span = (plan.end - plan.start).total_seconds()
    for leg in plan.legs:
        joined = plan.start + timedelta(seconds=rng.random() * min(300.0, span / 4))
        for s in range(leg.sessions):
            last = s == leg.sessions - 1
            left = plan.end if last else joined + timedelta(seconds=span * (0.3 + 0.3 * rng.random()))
            left = min(left, plan.end)
            out.append(_session(tenant, rng, joined, left, leg, None, plan, with_segments))
            joined = left + timedelta(seconds=20 + rng.random() * 60)
            if joined >= plan.end:
                break
    return out


def _session(tenant: Tenant, rng: random.Random, start: datetime, end: datetime, caller: Leg, callee: Leg | None,
             plan: Plan, with_segments: bool) -> dict[str, Any]:
    modalities = ["audio"]
    if caller.video or (callee is not None and callee.video):
        modalities.append("video")
    if caller.share or (callee is not None and callee.share):
        modalities.append("screenSharing")
    caller_ep = _participant_endpoint(tenant, rng, caller)
    callee_ep = _participant_endpoint(tenant, rng, callee) if callee is not None else _service_endpoint()
    out: dict[str, Any] = {"id": _guid(rng), "modalities": modalities, "startDateTime": iso7(start),
                           "endDateTime": iso7(end), "isTest": False, "caller": caller_ep, "callee": callee_ep}
    if with_segments:
        others_video = any(leg.video and leg is not caller for leg in plan.legs)
        out["segments"] = [{
            "id": _guid(rng), "startDateTime": iso7(start), "endDateTime": iso7(end), "caller": caller_ep,
            "callee": callee_ep, "failureInfo": None,
            "media": _media(tenant, rng, caller, callee, others_video),
        }]
    return out


def _participant_endpoint(tenant: Tenant, rng: random.Random, leg: Leg) -> dict[str, Any]:
    platform = "roomSystem" if leg.user < 0 else leg.platform
    name = CHAMBER_DEVICE_NAME if leg.user < 0 else f"VDI-{tenant.users[leg.user]['id'][:6].upper()}"
    rating = "notRated" if rng.random() < 0.9 else ("good", "excellent", "fair", "poor")[int(rng.random() * 4)]
    profile = tenant.usage.profiles.get(leg.user)
    if profile is not None and profile.mic == "failing" and rng.random() < 0.6:
        rating = "bad"
    return {"@odata.type": "#microsoft.graph.callRecords.participantEndpoint",
            "associatedIdentity": identity(tenant, leg.user), "name": name,
            "userAgent": {"@odata.type": "#microsoft.graph.callRecords.clientUserAgent",
                          "headerValue": _HEADERS.get(platform, "Teams"), "platform": platform,
                          "productFamily": "teams"},
            "feedback": {"rating": rating, "tokens": None}}


def _service_endpoint() -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.callRecords.serviceEndpoint",
            "userAgent": {"@odata.type": "#microsoft.graph.callRecords.serviceUserAgent",
                          "headerValue": "av-mcu/1.0", "role": "skypeForBusinessAudioVideoMcu"}}


def device_info(tenant: Tenant, rng: random.Random, leg: Leg | None) -> dict[str, Any]:
    """``deviceInfo`` of one side of a media: names, and the quality ratios of graph.md §4."""
    if leg is None:  # the conferencing service reports no device
        return {"captureDeviceName": None, "renderDeviceName": None}
    if leg.user < 0:
        capture, render, mic = "Shure MXA310 (salle du conseil)", "Biamp TesiraFORTÉ AVB", "ok"
    else:
        p = tenant.usage.profiles[leg.user]
        capture, render, mic = p.capture_device, p.render_device, p.mic
    info: dict[str, Any] = {
        "captureDeviceName": capture, "captureDeviceDriver": None, "renderDeviceName": render,
        "renderDeviceDriver": None, "sentSignalLevel": -18 - int(rng.random() * 8),
        "receivedSignalLevel": -10 - int(rng.random() * 12), "sentNoiseLevel": -70 + int(rng.random() * 15),
        "receivedNoiseLevel": -72 + int(rng.random() * 12), "initialSignalLevelRootMeanSquare": 120.5,
        "captureNotFunctioningEventRatio": 0.0, "renderNotFunctioningEventRatio": 0.0,
        "renderMuteEventRatio": 0.0, "renderZeroVolumeEventRatio": 0.0,
        "lowSpeechLevelEventRatio": round(rng.random() * 0.04, 4),
        "lowSpeechToNoiseEventRatio": round(rng.random() * 0.03, 4), "deviceClippingEventRatio": 0.0,
        "deviceGlitchEventRatio": round(rng.random() * 0.01, 4), "micGlitchRate": round(rng.random() * 3, 2),
        "speakerGlitchRate": round(rng.random() * 3, 2), "howlingEventCount": 0,
        "cpuInsufficentEventRatio": round(rng.random() * 0.02, 4),
    }
    if mic == "failing":
        for key, value in MIC_FAILING_RATIOS.items():
            info[key] = round(value * (0.9 + 0.2 * rng.random()), 4 if value < 1 else 2)
        info["sentSignalLevel"] = -48
    return info


def _audio_stream(rng: random.Random, direction: str) -> dict[str, Any]:
    return {"streamId": str(rng.getrandbits(31)), "streamDirection": direction, "audioCodec": "satin",
            "averageJitter": f"PT0.0{int(rng.random() * 30) + 10:02d}S",
            "averagePacketLossRate": round(rng.random() * 0.01, 5),
            "averageRoundTripTime": f"PT0.0{int(rng.random() * 60) + 20:02d}S",
            "averageAudioDegradation": round(rng.random() * 0.8, 4), "wasMediaBypassed": False}


def _video_stream(rng: random.Random, direction: str, sharing: bool) -> dict[str, Any]:
    return {"streamId": str(rng.getrandbits(31)), "streamDirection": direction,
            "videoCodec": "h264" if sharing else ("h264", "av1", "h264", "rtVideo")[int(rng.random() * 4)],
            "averageVideoFrameRate": round((4 + rng.random() * 3) if sharing else (22 + rng.random() * 8), 2),
            "lowFrameRateRatio": round(rng.random() * 0.05, 4),
            "averageFreezeDuration": None, "lowVideoProcessingCapabilityRatio": 0.0,
            "averageJitter": f"PT0.0{int(rng.random() * 30) + 10:02d}S",
            "averagePacketLossRate": round(rng.random() * 0.01, 5)}


def _media(tenant: Tenant, rng: random.Random, caller: Leg, callee: Leg | None, others_video: bool) -> list[Any]:
    network = {"ipAddress": f"10.71.{int(rng.random() * 40)}.{int(rng.random() * 250) + 2}",
               "subnet": "10.71.0.0", "connectionType": "wired", "linkSpeed": 1000000000}
    caller_dev, callee_dev = device_info(tenant, rng, caller), device_info(tenant, rng, callee)
    media: list[dict[str, Any]] = [{
        "label": "main-audio", "callerDevice": caller_dev, "calleeDevice": callee_dev, "callerNetwork": network,
        "streams": [_audio_stream(rng, "callerToCallee"), _audio_stream(rng, "calleeToCaller")],
    }]
    receives = others_video if callee is None else callee.video
    if caller.video or receives:
        streams = []
        if caller.video:
            streams.append(_video_stream(rng, "callerToCallee", False))
        if receives:
            streams.append(_video_stream(rng, "calleeToCaller", False))
        media.append({"label": "main-video", "callerDevice": caller_dev, "calleeDevice": callee_dev,
                      "callerNetwork": network, "streams": streams})
    if caller.share:
        media.append({"label": "applicationsharing-video", "callerDevice": caller_dev, "calleeDevice": callee_dev,
                      "callerNetwork": network, "streams": [_video_stream(rng, "callerToCallee", True)]})
    return media
