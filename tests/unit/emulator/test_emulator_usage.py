"""Teams usage profiles: who is inactive, web-only, camera-less or has a failing microphone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from m365gov.emulator import Tenant, generate_tenant
from m365gov.emulator.licensing import TEAMS1
from m365gov.emulator.usage import period_counts, working_days


def _kind(t: Tenant, kind: str) -> list[int]:
    ids = {d["id"] for d in t.defects if d["kind"] == kind}
    return [i for i, u in enumerate(t.users) if u["id"] in ids]


def test_every_teams_licensed_user_has_a_profile_and_no_one_else(tenant: Tenant) -> None:
    teams = {i for i, u in enumerate(tenant.users)
             if any(p["servicePlanId"] == TEAMS1.id and p["capabilityStatus"] == "Enabled" for p in u["assignedPlans"])}
    assert set(tenant.usage.profiles) == teams


def test_inactive_users_have_no_activity_in_the_last_30_days(tenant: Tenant) -> None:
    inactive = _kind(tenant, "teams_inactive")
    assert len(inactive) >= 5
    for i in inactive:
        p = tenant.usage.profiles[i]
        assert p.last_activity is None or p.last_activity < tenant.usage.refresh - timedelta(days=29)
        assert period_counts(p, tenant.usage.refresh, 30)["activeDays"] == 0


def test_some_inactive_users_never_used_teams_and_some_stopped(tenant: Tenant) -> None:
    lasts = [tenant.usage.profiles[i].last_activity for i in _kind(tenant, "teams_inactive")]
    assert None in lasts and any(last is not None for last in lasts)


def test_web_only_users_use_nothing_but_the_web_client(tenant: Tenant) -> None:
    users = _kind(tenant, "teams_web_only")
    assert users and all(tenant.usage.profiles[i].clients == ("Web",) for i in users)


def test_camera_never_seen_users_meet_without_video(tenant: Tenant) -> None:
    for i in _kind(tenant, "camera_never_seen"):
        counts = period_counts(tenant.usage.profiles[i], tenant.usage.refresh, 30)
        assert counts["videoDurationInSeconds"] == 0 and counts["audioDurationInSeconds"] > 0


def test_exactly_one_microphone_keeps_failing_and_it_is_not_a_presenter(tenant: Tenant) -> None:
    failing = [i for i, p in tenant.usage.profiles.items() if p.mic == "failing"]
    assert failing == _kind(tenant, "mic_failing") and len(failing) == 1
    attendees = tenant.online_meetings[0]["participants"]["attendees"]
    assert tenant.users[failing[0]]["userPrincipalName"] not in {p["upn"] for p in attendees}


def test_disabled_accounts_are_not_recently_active(tenant: Tenant) -> None:
    for i, p in tenant.usage.profiles.items():
        if not tenant.users[i]["accountEnabled"]:
            assert p.last_activity is None or (tenant.usage.refresh - p.last_activity).days >= 30


def test_fixing_a_usage_kind_removes_it_and_keeps_the_others() -> None:
    base, fixed = generate_tenant(), generate_tenant(fix=("teams_web_only",))
    assert not _kind(fixed, "teams_web_only")
    assert [d for d in base.defects if d["kind"] != "teams_web_only"] == fixed.defects


def test_an_extra_usage_defect_adds_one_more_target() -> None:
    base, worse = generate_tenant(), generate_tenant(extra_defects=("mic_failing",))
    assert len(_kind(worse, "mic_failing")) == len(_kind(base, "mic_failing")) + 1


def test_a_one_of_a_kind_defect_cannot_be_added_twice() -> None:
    with pytest.raises(ValueError, match="only one"):
        generate_tenant(extra_defects=("room_camera_disconnected",))


def test_working_days_counts_mondays_to_fridays(tenant: Tenant) -> None:
    today = tenant.usage.refresh  # a Saturday
    assert working_days(today - timedelta(days=6), today) == 5
    assert working_days(today, today - timedelta(days=1)) == 0


def test_usage_scales_with_the_town(big_tenant: Tenant, tenant: Tenant) -> None:
    assert len(big_tenant.usage.profiles) > 40 * len(tenant.usage.profiles)
    assert len(_kind(big_tenant, "teams_inactive")) > 40 * len(_kind(tenant, "teams_inactive")) // 2
