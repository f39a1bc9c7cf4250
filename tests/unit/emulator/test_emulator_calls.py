"""Call records generated lazily by index: deterministic, ordered, consistent with usage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from m365gov.emulator import Tenant, generate_tenant
from m365gov.emulator.calls import RETENTION_DAYS, Plan
from m365gov.emulator.callshapes import participants, record, sessions


def _plans(t: Tenant) -> list[Plan]:
    store = t.calls
    return [store.plan(g) for g in range(store.index_at(store.retention_start), store.total)]


def _special(t: Tenant, label: str) -> Plan:
    return next(p for p in _plans(t) if p.label == label)


def _index(t: Tenant) -> dict[str, int]:
    return {u["id"]: i for i, u in enumerate(t.users)}


def test_same_seed_gives_the_same_records() -> None:
    a, b = generate_tenant(seed=11), generate_tenant(seed=11)
    assert a.calls.total == b.calls.total
    for g in range(0, a.calls.total, 7):
        ra = record(a, a.calls.plan(g), a.calls.record_id(g))
        assert ra == record(b, b.calls.plan(g), b.calls.record_id(g))
        assert sessions(a, a.calls.plan(g), True) == sessions(b, b.calls.plan(g), True)


def test_another_seed_gives_other_ids() -> None:
    a, b = generate_tenant(seed=1), generate_tenant(seed=2)
    assert {a.calls.record_id(g) for g in range(50)}.isdisjoint({b.calls.record_id(g) for g in range(50)})


def test_record_ids_map_back_to_their_index_and_foreign_ids_do_not(tenant: Tenant) -> None:
    store = tenant.calls
    assert all(store.index_of(store.record_id(g)) == g for g in range(store.total))
    assert store.index_of("e523d2ed-2966-4b6b-925b-754a88034cc5") is None
    assert store.index_of("not-a-guid") is None


def test_start_times_grow_with_the_index(tenant: Tenant) -> None:
    starts = [tenant.calls.start_of(g) for g in range(tenant.calls.total)]
    assert starts == sorted(starts) and starts[-1] < tenant.now


def test_index_at_finds_the_first_record_at_or_after_a_time(tenant: Tenant) -> None:
    store = tenant.calls
    for g in (0, 10, store.total // 2, store.total - 1):
        assert store.index_at(store.start_of(g)) <= g
        assert store.start_of(store.index_at(store.start_of(g))) == store.start_of(g)


def test_the_timeline_goes_back_beyond_the_retention_window(tenant: Tenant) -> None:
    store = tenant.calls
    assert store.start_of(0) < tenant.now - timedelta(days=RETENTION_DAYS)
    assert not store.in_retention(0) and store.in_retention(store.total - 1)


def test_records_scale_with_the_town(tenant: Tenant, big_tenant: Tenant) -> None:
    ratio = big_tenant.calls.regular / tenant.calls.regular
    assert 40 < ratio < 80


def test_the_last_council_session_has_more_than_60_sessions(tenant: Tenant) -> None:
    plan = _special(tenant, "council-session")
    assert len(sessions(tenant, plan, False)) > 60 and plan.join_web_url


def test_the_all_staff_meeting_has_more_than_130_participants(tenant: Tenant) -> None:
    assert len(participants(tenant, _special(tenant, "all-staff"))) > 130


def test_yesterdays_rehearsal_uses_the_upcoming_session_join_url(tenant: Tenant) -> None:
    plan = _special(tenant, "rehearsal")
    assert plan.join_web_url == tenant.council_meeting.join_web_url
    room = [leg for leg in plan.legs if leg.user < 0]
    assert len(room) == 1 and not room[0].video  # the chamber's camera is disconnected


def test_inactive_users_appear_in_no_record_of_the_window(tenant: Tenant) -> None:
    index = _index(tenant)
    inactive = {index[d["id"]] for d in tenant.defects if d["kind"] == "teams_inactive"}
    seen = {leg.user for plan in _plans(tenant) for leg in plan.legs}
    assert inactive and inactive.isdisjoint(seen)


def _caller_media(t: Tenant, plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for s in sessions(t, plan, True):
        for seg in s["segments"]:
            for media in seg["media"]:
                out.append((s["caller"]["associatedIdentity"]["id"], media))
    return out


def test_people_never_seen_with_a_camera_never_send_video(tenant: Tenant) -> None:
    never = {d["id"] for d in tenant.defects if d["kind"] == "camera_never_seen"}
    sent = 0
    for plan in _plans(tenant)[::3]:
        for who, media in _caller_media(tenant, plan):
            if media["label"] == "main-video" and who in never:
                assert all(s["streamDirection"] == "calleeToCaller" for s in media["streams"])
                sent += 1
    assert sent > 0  # they do receive video: the trap is there


def test_the_failing_microphone_shows_high_ratios_in_every_session(tenant: Tenant) -> None:
    (failing,) = [d["id"] for d in tenant.defects if d["kind"] == "mic_failing"]
    found = 0
    for plan in (p for p in _plans(tenant) if p.label == "mic-check"):
        for who, media in _caller_media(tenant, plan):
            if who == failing and media["label"] == "main-audio":
                dev = media["callerDevice"]
                assert dev["captureNotFunctioningEventRatio"] > 0.3 and dev["micGlitchRate"] > 50
                assert dev["lowSpeechLevelEventRatio"] > 0.5
                found += 1
    assert found == 3


def test_meeting_sessions_have_the_conferencing_service_as_callee(tenant: Tenant) -> None:
    s = sessions(tenant, _special(tenant, "council-session"), True)[0]
    assert s["callee"]["@odata.type"] == "#microsoft.graph.callRecords.serviceEndpoint"
    assert s["caller"]["@odata.type"] == "#microsoft.graph.callRecords.participantEndpoint"


def test_device_info_is_on_media_not_on_endpoints(tenant: Tenant) -> None:
    s = sessions(tenant, _plans(tenant)[0], True)[0]
    assert "deviceInfo" not in s["caller"] and "captureDeviceName" not in s["caller"]
    assert "captureDeviceName" in s["segments"][0]["media"][0]["callerDevice"]


def test_identities_use_the_v2_fields_only(tenant: Tenant) -> None:
    r = record(tenant, _plans(tenant)[0], "x")
    assert "organizer_v2" in r and "organizer" not in r and "participants" not in r


def test_no_one_appears_in_a_call_after_their_last_activity(tenant: Tenant) -> None:
    for plan in _plans(tenant):
        for leg in plan.legs:
            if leg.user >= 0:
                last = tenant.usage.profiles[leg.user].last_activity
                assert last is not None and last >= plan.start.date(), (plan.label, leg)
