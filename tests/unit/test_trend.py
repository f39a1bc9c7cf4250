"""Adoption and readiness metrics from the views, the history folder, and the trend with its changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from m365gov.errors import InputError
from m365gov.history import earlier_points, point_file, read_points, write_point
from m365gov.metrics import compute_metrics
from m365gov.trend import history_trend, trend
from m365gov.views import VIEWS
from tests.support.snapshots import make_snapshot

TEAMS_ON = {"service": "TeamspaceAPI", "capabilityStatus": "Enabled"}


def _user(uid: str, licensed: bool = True) -> dict[str, Any]:
    return {
        "id": uid,
        "userPrincipalName": f"{uid}@ville.fr",
        "accountEnabled": True,
        "userType": "Member",
        "assignedPlans": [TEAMS_ON] if licensed else [],
    }


def _sections() -> dict[str, Any]:
    report = {"period": "D30", "reportRefreshDate": "2026-11-27", "reportPeriod": 30}
    activity = [{"userPrincipalName": "a@ville.fr", "lastActivityDate": "2026-11-20"}]
    devices = [
        {"userPrincipalName": "a@ville.fr", "usedWindows": True, "usedWeb": True},
        {"userPrincipalName": "b@ville.fr", "usedWeb": True},
    ]
    return {
        "users": [_user("a"), _user("b"), _user("svc", licensed=False)],
        "teamsUserActivity": {**report, "users": activity},
        "teamsDeviceUsage": {**report, "users": devices},
    }


def test_adoption_counts_licensed_active_and_clients_from_the_views() -> None:
    metrics = compute_metrics(make_snapshot(_sections()), VIEWS)
    assert metrics["adoption"] == {
        "period": "D30",
        "licensed": 2,
        "active": 1,
        "activeRatio": 0.5,
        "webOnly": 1,
        "clients": {"windows": 1, "web": 2},
    }


def test_an_unavailable_report_gives_null_numbers_not_zero() -> None:
    sections = _sections()
    del sections["teamsUserActivity"]
    metrics = compute_metrics(make_snapshot(sections, {"teamsUserActivity": ("concealed_names", "hidden")}), VIEWS)
    assert metrics["adoption"]["active"] is None and metrics["adoption"]["activeRatio"] is None
    assert metrics["readiness"]["camera"] is None and metrics["readiness"]["rooms"] is None


def test_readiness_counts_verdicts_of_licensed_people() -> None:
    calls = {
        "calls": [
            {
                "id": "c1",
                "startDateTime": "2026-11-20T09:00:00Z",
                "participants": [{"id": "a", "videoSent": True, "audioSent": True, "audio": {}}],
            }
        ]
    }
    metrics = compute_metrics(make_snapshot({**_sections(), "callRecords": calls}), VIEWS)
    assert metrics["readiness"]["camera"] == {"faulty": 0, "observed": 1, "declared": 0, "unknown": 1}
    assert metrics["readiness"]["microphone"]["observed"] == 1


def _point(day: int, active: int | None, collected: int | None = None, tenant: str = "t") -> dict[str, Any]:
    when = f"2026-11-{day:02d}T08:00:00Z"
    return {
        "schema": "m365gov/trend-point@1",
        "tenantId": tenant,
        "collectedAt": f"2026-11-{collected or day:02d}T09:00:00Z",
        "asOf": when,
        "adoption": {"licensed": 10, "active": active, "activeRatio": None if active is None else active / 10},
        "readiness": {"camera": {"observed": 3, "declared": 1, "faulty": 0, "unknown": 6}},
    }


def test_points_are_kept_one_per_snapshot_and_read_in_period_order(tmp_path: Path) -> None:
    write_point(tmp_path, _point(28, 7))
    write_point(tmp_path, _point(28, 8))  # the same snapshot audited again: rewritten, not added
    write_point(tmp_path, _point(14, 6, collected=29))  # a past period audited later
    assert point_file(tmp_path, "2026-11-28T09:00:00Z").name == "2026-11-28T090000Z.json"
    points = read_points(tmp_path)
    assert [(p["asOf"][:10], p["adoption"]["active"]) for p in points] == [("2026-11-14", 6), ("2026-11-28", 8)]
    assert [p["asOf"][:10] for p in earlier_points(tmp_path, _point(28, 8))] == ["2026-11-14"]


def test_the_trend_shows_each_change_and_none_across_an_unknown_value() -> None:
    doc = trend([_point(1, 5), _point(8, 7), _point(15, None), _point(22, 9)])
    changes = [(r["values"]["active"], r["changes"]["active"]) for r in doc["runs"]]
    assert changes == [(5, None), (7, 2), (None, None), (9, None)]
    assert doc["runs"][1]["changes"]["activeRatio"] == 0.2 and doc["runs"][1]["values"]["cameraReady"] == 4


def test_a_history_of_several_tenants_asks_which_one(tmp_path: Path) -> None:
    write_point(tmp_path, _point(1, 5, tenant="a"))
    write_point(tmp_path, _point(2, 5, tenant="b"))
    with pytest.raises(InputError, match="several tenants"):
        history_trend(tmp_path)
    assert [r["asOf"][:10] for r in history_trend(tmp_path, tenant_id="b")["runs"]] == ["2026-11-02"]


def test_a_file_that_is_not_a_trend_point_is_named(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text(json.dumps({"schema": "m365gov/results@1"}))
    with pytest.raises(InputError) as err:
        read_points(tmp_path)
    assert err.value.file == str(tmp_path / "results.json")


def test_a_missing_history_folder_is_an_empty_trend(tmp_path: Path) -> None:
    assert history_trend(tmp_path / "none")["runs"] == []
