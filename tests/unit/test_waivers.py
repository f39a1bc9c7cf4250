"""Waivers: file checks, and how they cover failures, expire, go stale or stay unused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from m365gov.errors import InputError
from m365gov.policy import CompiledPolicy, PolicySet, evaluate, parse_policy
from m365gov.results import Results
from m365gov.snapshot.model import Snapshot, SourceSection
from m365gov.statuses import FAIL, NOT_EVALUATED, PASS, WAIVED
from m365gov.views.base import FieldSpec, Resource, View
from m365gov.waivers import Waiver, load_waivers, parse_waivers, waiver_day


class Users(View):
    name = "users"
    description = "fake users"
    sources = ("users",)
    fields = {
        "id": FieldSpec("string", "id"),
        "displayName": FieldSpec("string", "name"),
        "ok": FieldSpec("boolean", ""),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        return list(snapshot.data("users") or [])


VIEWS = {"users": Users()}
# 2026-03-31T22:30Z is already 1 April in Paris.
COLLECTED = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)


def policy(policy_id: str = "TEA-001", **members: Any) -> CompiledPolicy:
    doc = {
        "id": policy_id,
        "title": "t",
        "area": "teams",
        "severity": "medium",
        "description": "d",
        "view": "users",
        "assert": {"field": "ok", "equals": True},
        **members,
    }
    return PolicySet((parse_policy(doc, file=None, views=VIEWS),)).compile()[0]


def run(users: list[dict[str, Any]], waivers: list[Waiver], *policies: CompiledPolicy) -> Results:
    snap = Snapshot(COLLECTED, COLLECTED, "t", "", {"users": SourceSection("users", "ok", data=users)})
    return evaluate(snap, policies or (policy(),), views=VIEWS, waivers=waivers)


def waiver(wid: str = "W-001", resources: list[str] | None = None, expires: str = "2026-12-31", **kw: Any) -> Waiver:
    raw: dict[str, Any] = {
        "id": wid,
        "policy": "TEA-001",
        "category": "Waiver",
        "reason": "council laptops",
        "approvedBy": "Jeanne Martin (DGS)",
        "expiresOn": expires,
        **kw,
    }
    if resources is not None:
        raw["resources"] = resources
    return parse_waivers({"schema": "m365gov/waivers@1", "waivers": [raw]})[0]


USERS = [{"id": "a", "ok": False}, {"id": "b", "ok": True}, {"id": "c", "ok": False}]


def by_id(results: Results) -> dict[str, Any]:
    return {f.resource.id: f for f in results.findings}


def test_resource_scoped_waiver_covers_only_its_resources() -> None:
    found = by_id(run(USERS, [waiver(resources=["a"])]))
    assert (found["a"].status, found["c"].status) == (WAIVED, FAIL)


def test_waived_finding_keeps_its_evidence_and_names_the_waiver() -> None:
    a = by_id(run(USERS, [waiver(resources=["a"])]))["a"]
    assert a.observed == {"ok": False}
    assert a.expected["text"] == "ok equals true"
    assert a.waiver is not None
    assert a.waiver.to_json() == {
        "id": "W-001",
        "reason": "council laptops",
        "approvedBy": "Jeanne Martin (DGS)",
        "category": "Waiver",
        "expiresOn": "2026-12-31",
    }


def test_whole_policy_waiver_covers_every_failure() -> None:
    found = by_id(run(USERS, [waiver()]))
    assert [found[k].status for k in "abc"] == [WAIVED, PASS, WAIVED]


def test_whole_policy_waiver_covers_the_population_finding() -> None:
    results = run(USERS, [waiver()], policy(threshold={"minPassRatio": 0.9}))
    (finding,) = results.findings
    assert (finding.resource.id, finding.status) == ("*", WAIVED)


def test_mitigated_is_reported_as_its_category() -> None:
    a = by_id(run(USERS, [waiver(resources=["a"], category="Mitigated")]))["a"]
    assert a.waiver is not None and a.waiver.category == "Mitigated"


def test_waiver_is_active_through_its_expiry_day_in_paris() -> None:
    # Collected 2026-03-31T22:30Z = 1 April 00:30 in Paris: a waiver ending 31 March has expired.
    results = run(USERS, [waiver(resources=["a"], expires="2026-03-31")])
    assert by_id(results)["a"].status == FAIL
    assert [n.id for n in results.waivers.expired] == ["W-001"]
    assert by_id(run(USERS, [waiver(resources=["a"], expires="2026-04-01")]))["a"].status == WAIVED


def test_waiver_day_is_the_paris_calendar_day() -> None:
    assert waiver_day(COLLECTED) == date(2026, 4, 1)


def test_waiver_on_a_resource_that_now_passes_is_stale() -> None:
    results = run(USERS, [waiver(resources=["a", "b"])])
    (note,) = results.waivers.stale
    assert (note.id, note.resources) == ("W-001", ("b",))
    assert results.waivers.unused == ()


def test_whole_policy_waiver_is_stale_when_everything_passes() -> None:
    results = run([{"id": "b", "ok": True}], [waiver()])
    assert [(n.id, n.resources) for n in results.waivers.stale] == [("W-001", None)]


def test_waiver_matching_no_finding_is_unused() -> None:
    results = run(USERS, [waiver(resources=["gone"])])
    (note,) = results.waivers.unused
    assert (note.id, note.resources) == ("W-001", ("gone",))


def test_waiver_for_a_policy_that_did_not_run_is_unused() -> None:
    other = waiver(policy="TEA-002")
    results = run(USERS, [other])
    assert [n.id for n in results.waivers.unused] == ["W-001"]


def test_expired_waiver_is_neither_stale_nor_unused() -> None:
    results = run(USERS, [waiver(resources=["gone"], expires="2020-01-01")])
    assert results.waivers.unused == () and results.waivers.stale == ()
    assert results.waivers.expired[0].resources == ("gone",)


def test_waiver_does_not_cover_missing_evidence() -> None:
    snap = Snapshot(COLLECTED, COLLECTED, "t", "", {"users": SourceSection("users", "error", detail="500")})
    results = evaluate(snap, [policy()], views=VIEWS, waivers=[waiver()])
    assert [f.status for f in results.findings] == [NOT_EVALUATED]
    assert results.waivers.stale == () and results.waivers.unused == ()


def test_first_waiver_by_id_wins_when_two_cover_a_failure() -> None:
    results = run(USERS, [waiver("W-002", resources=["a"]), waiver("W-001", resources=["a"])])
    a = by_id(results)["a"]
    assert a.waiver is not None and a.waiver.id == "W-001"


def write(tmp_path: Path, waivers: list[dict[str, Any]], schema: str = "m365gov/waivers@1") -> Path:
    path = tmp_path / "waivers.json"
    path.write_text(json.dumps({"schema": schema, "waivers": waivers}), encoding="utf-8")
    return path


def raw(**kw: Any) -> dict[str, Any]:
    return {
        "id": "W-001",
        "policy": "TEA-001",
        "category": "Waiver",
        "reason": "r",
        "approvedBy": "DGS",
        "expiresOn": "2027-03-31",
        **kw,
    }


def test_a_valid_file_loads(tmp_path: Path) -> None:
    (w,) = load_waivers(write(tmp_path, [raw(resources=["a"])]), policy_ids={"TEA-001"})
    assert (w.id, w.policy, w.resources, w.expires_on) == ("W-001", "TEA-001", ("a",), date(2027, 3, 31))


def test_waiver_without_expiry_is_refused(tmp_path: Path) -> None:
    doc = raw()
    del doc["expiresOn"]
    with pytest.raises(InputError) as info:
        load_waivers(write(tmp_path, [doc]))
    assert info.value.pointer == "/waivers/0"
    assert "expiresOn" in info.value.message


def test_impossible_expiry_date_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_waivers(write(tmp_path, [raw(expiresOn="2027-02-30")]))
    assert info.value.pointer == "/waivers/0/expiresOn"


def test_unknown_category_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_waivers(write(tmp_path, [raw(category="Accepted")]))
    assert info.value.pointer == "/waivers/0/category"


def test_waiver_for_an_unknown_policy_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_waivers(write(tmp_path, [raw(), raw(id="W-002", policy="TEA-009")]), policy_ids={"TEA-001"})
    assert info.value.pointer == "/waivers/1/policy"


def test_duplicate_waiver_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_waivers(write(tmp_path, [raw(), raw()]))
    assert info.value.pointer == "/waivers/1/id"
    assert "/waivers/0" in info.value.message


def test_another_schema_version_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_waivers(write(tmp_path, [raw()], schema="m365gov/waivers@2"))
    assert info.value.pointer == "/schema"


def test_invalid_json_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text('{"schema": "m365gov/waivers@1",\n "waivers": [,]}', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_waivers(path)
    assert info.value.line == 2
