"""What one call record says about each participant's camera and microphone (caller side only)."""

from __future__ import annotations

from typing import Any

from m365gov.collect.call_records import compact_call

ANNE = {"id": "u-anne", "displayName": "Anne Martin", "userPrincipalName": "anne.martin@ville.fr"}
SERVICE = {"id": "svc-conf", "displayName": "Conferencing service"}


def _media(label: str, *, device: dict[str, Any] | None = None, **stream: Any) -> dict[str, Any]:
    return {
        "label": label,
        "callerDevice": device or {},
        "calleeDevice": {"captureDeviceName": "Callee mic", "captureNotFunctioningEventRatio": 0.9},
        "streams": [
            {"streamDirection": "callerToCallee", **stream},
            {"streamDirection": "calleeToCaller", "videoCodec": "h264", "averageVideoFrameRate": 30.0},
        ],
    }


def _record(*media: dict[str, Any], caller: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "call-1",
        "type": "groupCall",
        "startDateTime": "2026-11-20T09:00:00Z",
        "joinWebUrl": "https://teams.microsoft.com/l/meetup-join/abc",
        "sessions": [
            {
                "caller": caller
                or {"associatedIdentity": ANNE, "userAgent": {"platform": "windows", "productFamily": "teams"}},
                "callee": {"associatedIdentity": SERVICE, "userAgent": {"platform": "unknown"}},
                "segments": [{"media": list(media)}],
            }
        ],
        **extra,
    }


def test_video_sent_needs_a_caller_to_callee_camera_stream() -> None:
    (sent,) = compact_call(_record(_media("main-video", videoCodec="h264")))["participants"]
    (by_rate,) = compact_call(_record(_media("main-video", averageVideoFrameRate=24.5)))["participants"]
    (none,) = compact_call(_record(_media("main-video", videoCodec="unknown")))["participants"]
    assert sent["videoSent"] and by_rate["videoSent"] and not none["videoSent"]


def test_screen_sharing_is_not_a_camera() -> None:
    (p,) = compact_call(_record(_media("applicationsharing-video", videoCodec="h264")))["participants"]
    assert p["videoSent"] is False


def test_audio_ratios_keep_the_worst_value_of_the_call() -> None:
    good = _media(
        "main-audio", device={"captureDeviceName": "Jabra Evolve2 40", "captureNotFunctioningEventRatio": 0.0}
    )
    bad = _media(
        "main-audio",
        device={"captureDeviceName": "Jabra Evolve2 40", "captureNotFunctioningEventRatio": 0.42, "micGlitchRate": 12},
    )
    (p,) = compact_call(_record(good, bad))["participants"]
    assert p["audio"] == {"captureNotFunctioningEventRatio": 0.42, "micGlitchRate": 12}
    assert p["captureDeviceNames"] == ["Jabra Evolve2 40"] and p["audioSent"] is True


def test_only_the_caller_side_is_read() -> None:
    call = compact_call(_record(_media("main-audio", device={"captureDeviceName": "USB mic"})))
    assert [p["id"] for p in call["participants"]] == ["u-anne"]
    assert "captureNotFunctioningEventRatio" not in call["participants"][0]["audio"]  # the callee's 0.9


def test_identity_comes_from_associated_identity() -> None:
    caller = {
        "associatedIdentity": ANNE,
        "identity": {"user": {"id": "legacy-id", "displayName": "Old"}},
        "userAgent": {"platform": "macOS"},
    }
    (p,) = compact_call(_record(_media("main-audio"), caller=caller))["participants"]
    assert (p["id"], p["userPrincipalName"], p["platforms"]) == ("u-anne", "anne.martin@ville.fr", ["macOS"])


def test_an_older_record_without_associated_identity_falls_back_to_the_legacy_user() -> None:
    caller = {"identity": {"user": {"id": "u-old", "displayName": "Old Record"}}, "userAgent": {"platform": "web"}}
    (p,) = compact_call(_record(_media("main-audio"), caller=caller))["participants"]
    assert p["id"] == "u-old"


def test_an_anonymous_or_phone_caller_is_not_credited_to_anyone() -> None:
    caller = {"identity": {"phone": {"id": "+33385000000"}}, "userAgent": {"platform": "unknown"}}
    assert compact_call(_record(_media("main-audio"), caller=caller))["participants"] == []


def test_several_sessions_of_one_person_merge_into_one_participant() -> None:
    record = _record(_media("main-audio", device={"captureDeviceName": "Micro A", "lowSpeechLevelEventRatio": 0.1}))
    rejoin = {
        "caller": {"associatedIdentity": ANNE, "userAgent": {"platform": "android"}},
        "segments": [
            {
                "media": [
                    _media("main-audio", device={"captureDeviceName": "Micro B", "lowSpeechLevelEventRatio": 0.3}),
                    _media("main-video", videoCodec="av1"),
                ]
            }
        ],
    }
    record["sessions"].append(rejoin)
    (p,) = compact_call(record)["participants"]
    assert p["sessions"] == 2 and p["platforms"] == ["windows", "android"]
    assert p["captureDeviceNames"] == ["Micro A", "Micro B"] and p["audio"]["lowSpeechLevelEventRatio"] == 0.3
    assert p["videoSent"] is True


def test_the_compact_call_keeps_its_join_url_and_start() -> None:
    call = compact_call(_record(_media("main-audio")))
    assert call["joinWebUrl"] == "https://teams.microsoft.com/l/meetup-join/abc"
    assert call["startDateTime"] == "2026-11-20T09:00:00Z" and "sessions" not in call


def test_in_a_peer_to_peer_call_the_callee_is_a_person_and_is_read_from_its_own_side() -> None:
    bob = {"id": "u-bob", "displayName": "Bob", "userPrincipalName": "bob@ville.fr"}
    record = _record(_media("main-video", videoCodec="h264"), type="peerToPeer")
    record["sessions"][0]["callee"] = {"associatedIdentity": bob, "userAgent": {"platform": "iOS"}}
    by_id = {p["id"]: p for p in compact_call(record)["participants"]}
    assert by_id["u-anne"]["videoSent"] and by_id["u-bob"]["videoSent"]  # Bob's calleeToCaller h264 stream
    assert by_id["u-bob"]["platforms"] == ["iOS"]
