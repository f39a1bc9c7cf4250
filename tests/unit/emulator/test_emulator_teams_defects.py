"""Teams defect kinds: each is seeded, visible where the demo will look, and repairable alone."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from m365gov.emulator import Tenant, generate_tenant
from m365gov.emulator.defects import TEAMS_KINDS
from m365gov.emulator.usage import period_counts


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def test_every_teams_kind_is_seeded_at_350_users(tenant: Tenant) -> None:
    counts = Counter(d["kind"] for d in tenant.defects)
    assert all(counts[k] >= 1 for k in TEAMS_KINDS), counts


def test_teams_defect_records_keep_the_residency_record_format(tenant: Tenant) -> None:
    for d in tenant.defects:
        assert set(d) == {"kind", "resource", "id", "name", "property", "value", "expected"}


@pytest.mark.parametrize("kind", TEAMS_KINDS)
def test_fixing_one_teams_kind_removes_exactly_its_records(tenant: Tenant, kind: str) -> None:
    fixed = generate_tenant(fix=(kind,))
    assert [d for d in tenant.defects if d["kind"] != kind] == fixed.defects


def test_the_room_defect_is_what_the_health_endpoint_shows(tenant: Tenant) -> None:
    (d,) = [d for d in tenant.defects if d["kind"] == "room_camera_disconnected"]
    assert _get(tenant.device_health[d["id"]], d["property"]) == d["value"] == "disconnected"


def test_the_meeting_defects_are_what_the_meeting_shows(tenant: Tenant) -> None:
    meeting = next(m for m in tenant.online_meetings if m["id"] == tenant.council_meeting.meeting_id)
    found = [d for d in tenant.defects if d["resource"] == "onlineMeeting"]
    assert {d["kind"] for d in found} == {"meeting_dial_in_bypass", "meeting_not_recorded"}
    for d in found:
        assert _get(meeting, d["property"]) == d["value"] != d["expected"]


def test_inventory_defects_are_in_the_default_file_only(tenant: Tenant) -> None:
    text, clean = tenant.inventory_csv(), tenant.inventory_csv(clean=True)
    for d in tenant.defects:
        if d["kind"] in ("inventory_bad_value", "inventory_unknown_user"):
            assert d["value"] in text and d["value"] not in clean


def test_council_members_without_equipment_are_declared_so_or_absent(tenant: Tenant) -> None:
    rows = {line.split(",")[0]: line.split(",")[1] for line in tenant.inventory_csv().splitlines()[1:]}
    found = [d for d in tenant.defects if d["kind"] == "council_no_equipment"]
    assert {d["value"] for d in found} == {"no", None}
    for d in found:
        assert rows.get(d["name"]) == d["value"]
        assert d["id"] in tenant.council_member_ids


def test_usage_defect_values_match_the_report_counts(tenant: Tenant) -> None:
    index = {u["id"]: i for i, u in enumerate(tenant.users)}
    for d in tenant.defects:
        profile = tenant.usage.profiles.get(index.get(d["id"], -1))
        if d["kind"] == "camera_never_seen":
            assert profile is not None
            assert period_counts(profile, tenant.usage.refresh, 30)[d["property"]] == d["value"] == 0
        if d["kind"] == "teams_inactive":
            assert profile is not None
            assert (profile.last_activity.isoformat() if profile.last_activity else None) == d["value"]


def test_fix_all_repairs_every_teams_kind_too() -> None:
    t = generate_tenant(fix=("all",))
    assert t.defects == [] and "peut-être" not in t.inventory_csv()
    assert all(m["recordAutomatically"] for m in t.online_meetings if m["subject"].startswith("Conseil"))
