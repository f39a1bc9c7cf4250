"""A person's readiness: verdicts by precedence, evidence that names its source, honest nulls."""

from __future__ import annotations

from typing import Any

from m365gov.views.readiness import ReadinessView
from tests.support.snapshots import make_snapshot

TEAMS_ON = {"service": "TeamspaceAPI", "capabilityStatus": "Enabled", "servicePlanId": "57ff2da0"}
ANNE = {
    "id": "u-anne",
    "userPrincipalName": "anne.martin@ville.fr",
    "displayName": "Anne Martin",
    "accountEnabled": True,
    "userType": "Member",
    "department": "Finances",
    "assignedPlans": [TEAMS_ON],
    "mobilePhone": "+33 6 00 00 00 01",
    "businessPhones": [],
}
GOOD_MIC = {"captureNotFunctioningEventRatio": 0.0, "micGlitchRate": 1.2, "lowSpeechLevelEventRatio": 0.01}
BAD_MIC = {"captureNotFunctioningEventRatio": 0.42, "micGlitchRate": 85.0, "lowSpeechLevelEventRatio": 0.63}


def _call(day: int, *, video: bool = False, audio: dict[str, Any] | None = None, platform: str = "windows") -> dict:
    participant = {
        "id": "u-anne",
        "platforms": [platform],
        "captureDeviceNames": ["Jabra Evolve2 40"],
        "audioSent": audio is not None,
        "videoSent": video,
        "audio": audio or {},
    }
    return {"id": f"c{day}", "startDateTime": f"2026-11-{day:02d}T09:00:00Z", "participants": [participant]}


def _inventory(**row: Any) -> dict[str, Any]:
    return {"file": "inv.csv", "rows": [{"line": 7, "userPrincipalName": "Anne.Martin@ville.fr", **row}], "errors": []}


def _person(**sections: Any) -> dict[str, Any]:
    failed = sections.pop("failed", None)
    (r,) = ReadinessView().build(make_snapshot({"users": [ANNE], **sections}, failed))
    return r


def _calls(*calls: dict) -> dict[str, Any]:
    return {"window": {"start": "2026-10-29T08:00:00Z", "end": "2026-11-28T08:00:00Z"}, "calls": list(calls)}


def test_a_camera_seen_sending_video_is_observed_and_says_which_call() -> None:
    r = _person(callRecords=_calls(_call(3, audio=GOOD_MIC), _call(20, video=True, audio=GOOD_MIC)))
    assert r["camera"] == "observed"
    assert r["cameraEvidence"] == ["video sent in 1 of 2 calls; last on 2026-11-20 (windows)"]


def test_a_failing_microphone_is_faulty_even_when_declared() -> None:
    r = _person(
        callRecords=_calls(_call(18, audio=BAD_MIC), _call(25, audio=GOOD_MIC)),
        inventory=_inventory(microphone=True),
    )
    assert r["microphone"] == "faulty"
    assert "microphone failing in 1 of 2 calls; last on 2026-11-18" in r["microphoneEvidence"][0]
    assert "captureNotFunctioningEventRatio 0.42 > 0.05" in r["microphoneEvidence"][0]
    assert r["micWorstCaptureNotFunctioningRatio"] == 0.42 and r["micWorstGlitchRate"] == 85.0


def test_observed_wins_over_declared() -> None:
    r = _person(callRecords=_calls(_call(20, video=True, audio=GOOD_MIC)), inventory=_inventory(camera=True))
    assert (r["camera"], r["microphone"]) == ("observed", "observed")


def test_declared_in_the_inventory_when_nothing_was_observed() -> None:
    r = _person(callRecords=_calls(), inventory=_inventory(camera=True, microphone=False, headset=True))
    assert (r["camera"], r["microphone"]) == ("declared", "declared")
    assert r["cameraEvidence"] == ["no call in the window", "inventory line 7: camera = yes"]
    assert "inventory line 7: headset = yes" in r["microphoneEvidence"]


def test_unknown_when_nothing_shows_a_working_device_and_the_evidence_says_why() -> None:
    r = _person(callRecords=_calls(_call(12, audio=None)), inventory=_inventory(camera=False))
    assert (r["camera"], r["microphone"]) == ("unknown", "unknown")
    assert r["cameraEvidence"] == ["no video sent in 1 call of the window", "inventory line 7: camera = no"]
    no_row = _person(callRecords=_calls(), inventory={"file": "inv.csv", "rows": [], "errors": []})
    assert no_row["cameraEvidence"] == ["no call in the window", "no inventory row"]


def test_video_seconds_in_the_usage_report_count_as_an_observed_camera() -> None:
    report = {"period": "D30", "reportRefreshDate": "2026-11-27", "reportPeriod": 30}
    activity = {**report, "users": [{"userPrincipalName": "anne.martin@ville.fr", "videoDurationInSeconds": 600}]}
    r = _person(callRecords=_calls(), teamsUserActivity=activity)
    assert r["camera"] == "observed" and r["cameraEvidence"] == ["usage report D30: 600 s of video"]


def test_activity_in_the_period_is_judged_from_the_report_refresh_date() -> None:
    def activity(last: str | None) -> dict[str, Any]:
        row = {"userPrincipalName": "anne.martin@ville.fr", "lastActivityDate": last, "meetingCount": 2}
        return {"period": "D30", "reportRefreshDate": "2026-11-27", "reportPeriod": 30, "users": [row]}

    assert _person(teamsUserActivity=activity("2026-10-29"))["activeInPeriod"] is True  # first day of the period
    assert _person(teamsUserActivity=activity("2026-10-28"))["activeInPeriod"] is False
    idle = _person(teamsUserActivity=activity(None))
    assert idle["activeInPeriod"] is False and idle["meetingCount"] == 2 and idle["callCount"] == 0


def test_clients_come_from_the_device_report_and_call_platforms() -> None:
    devices = {"period": "D30", "users": [{"userPrincipalName": "anne.martin@ville.fr", "usedWeb": True}]}
    web = _person(teamsDeviceUsage=devices)
    both = _person(teamsDeviceUsage=devices, callRecords=_calls(_call(3, audio=GOOD_MIC, platform="macOS")))
    assert (web["clients"], web["webOnly"]) == (["web"], True)
    assert (both["clients"], both["webOnly"]) == (["mac", "web"], False)


def test_fields_of_unavailable_sources_are_null_never_false() -> None:
    concealed = ("concealed_names", "names are concealed")
    r = _person(failed={"teamsUserActivity": concealed, "teamsDeviceUsage": concealed})
    for key in ("lastActivityDate", "activeInPeriod", "meetingCount", "clients", "webOnly", "isCouncilMember"):
        assert r[key] is None, key
    assert r["camera"] is None and r["microphoneEvidence"] is None  # no call records collected
    assert r["teamsLicensed"] is True and r["mobilePhone"] == "+33 6 00 00 00 01"


def test_an_inventory_that_failed_leaves_the_verdicts_unjudged() -> None:
    r = _person(callRecords=_calls(), failed={"inventory": ("error", "inv.csv:1: missing the required column")})
    assert r["camera"] is None and r["microphone"] is None


def test_council_membership_comes_from_the_council_group() -> None:
    members = {"groupId": "g", "members": [{"id": "U-ANNE"}]}
    assert _person(councilMembers=members)["isCouncilMember"] is True
    assert _person(councilMembers={"groupId": "g", "members": []})["isCouncilMember"] is False


def test_guests_and_disabled_accounts_are_not_in_the_readiness_view() -> None:
    users = [ANNE, {**ANNE, "id": "g", "userType": "Guest"}, {**ANNE, "id": "d", "accountEnabled": False}]
    assert [r["id"] for r in ReadinessView().build(make_snapshot({"users": users}))] == ["u-anne"]
