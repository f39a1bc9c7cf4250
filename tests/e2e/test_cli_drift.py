"""Drift between demo runs of the same town: one defect kind fixed, one more resource broken.

The variants come from the demo's hidden ``--fix`` / ``--extra-defect`` options, so the runs are
made exactly as a user makes them (collection through msgraph-sdk from the emulator); which
resources changed is known from the emulator's own defect list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m365gov.emulator import generate_tenant
from tests.e2e.conftest import run_cli


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("drift")
    variants = {"base": (), "fixed": ("--fix", "user_pdl"), "worse": ("--extra-defect", "group_pdl")}
    for name, extra in variants.items():
        proc = run_cli("demo", "-o", root / name, *extra)
        assert proc.returncode == 0, proc.stderr
    return {name: root / name for name in variants}


def drift(old: Path, new: Path, *extra: str) -> tuple[int, dict[str, object]]:
    proc = run_cli("drift", old, new, "--format", "json", *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout) if proc.stdout else {}


def ids(doc: dict[str, object], change: str) -> set[tuple[str, str]]:
    return {(e["policy"], e["resource"]["id"]) for e in doc["entries"] if e["change"] == change}  # type: ignore[attr-defined, index]


def test_a_fixed_defect_is_reported_fixed_and_exits_0(runs: dict[str, Path]) -> None:
    code, doc = drift(runs["base"] / "results.json", runs["fixed"] / "results.json")
    broken_pdl = {d["id"] for d in generate_tenant().defects if d["kind"] == "user_pdl" and d["value"] == "EUR"}
    assert code == 0
    assert ids(doc, "fixed") == {("RES-004", i) for i in broken_pdl} and broken_pdl
    base = json.loads((runs["base"] / "results.json").read_text(encoding="utf-8"))
    failing_before = sum(1 for f in base["findings"] if f["status"] == "fail")
    assert doc["counts"] == {  # nothing else moved
        "new_failure": 0, "new_not_evaluated": 0, "changed": 0,
        "still_failing": failing_before - len(broken_pdl), "fixed": len(broken_pdl), "gone": 0,
    }


def test_a_new_defect_is_a_new_failure_and_exits_1(runs: dict[str, Path]) -> None:
    code, doc = drift(runs["base"] / "results.json", runs["worse"] / "results.json")
    before = {d["id"] for d in generate_tenant().defects}
    (extra,) = [d for d in generate_tenant(extra_defects=("group_pdl",)).defects if d["id"] not in before]
    assert code == 1
    assert ids(doc, "new_failure") == {("RES-005", extra["id"])}
    (entry,) = [e for e in doc["entries"] if e["change"] == "new_failure"]  # type: ignore[attr-defined]
    assert entry["old"]["observed"]["preferredDataLocation"] == "FRA"
    assert entry["new"]["observed"]["preferredDataLocation"] == "EUR" and "FRA" in entry["expected"]
    assert doc["counts"]["fixed"] == 0 and doc["regressions"] == 1  # type: ignore[index]


def test_two_snapshots_drift_like_their_results(runs: dict[str, Path]) -> None:
    from_results = drift(runs["base"] / "results.json", runs["worse"] / "results.json")
    from_snapshots = drift(runs["base"] / "snapshot.json", runs["worse"] / "snapshot.json")
    assert from_results[0] == from_snapshots[0] == 1
    assert from_results[1]["entries"] == from_snapshots[1]["entries"]


def test_a_run_against_itself_has_no_drift(runs: dict[str, Path]) -> None:
    proc = run_cli("drift", runs["base"] / "results.json", runs["base"] / "snapshot.json")
    assert proc.returncode == 0 and "no regression" in proc.stdout and "NEW FAILURES" not in proc.stdout


def test_the_markdown_drift_and_french(runs: dict[str, Path]) -> None:
    old, new = runs["base"] / "results.json", runs["worse"] / "results.json"
    proc = run_cli("drift", old, new, "--format", "md", "--lang", "fr")
    assert proc.returncode == 1 and proc.stdout.startswith("# Écarts depuis la référence")
    assert "nouvelles non-conformités (1)" in proc.stdout


def test_baseline_with_only_known_failures_exits_0(runs: dict[str, Path], tmp_path: Path) -> None:
    proc = run_cli(
        "audit", "--snapshot", runs["fixed"] / "snapshot.json", "--baseline", runs["base"] / "results.json",
        "--format", "md,json", "-o", tmp_path,
    )
    assert proc.returncode == 0, proc.stderr  # failures remain, none is new
    assert "no regression" in proc.stderr and "FIXED (2)" in proc.stderr
    assert "## Drift since the baseline" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_baseline_with_a_new_failure_exits_1(runs: dict[str, Path]) -> None:
    proc = run_cli("audit", "--snapshot", runs["worse"] / "snapshot.json", "--baseline", runs["base"] / "results.json")
    assert proc.returncode == 1 and "NEW FAILURES (1)" in proc.stderr


def test_baseline_with_lost_evidence_exits_1(runs: dict[str, Path], tmp_path: Path) -> None:
    snap = json.loads((runs["base"] / "snapshot.json").read_text(encoding="utf-8"))
    snap["sources"]["sites"] = {
        "status": "missing_permission",
        "permission": "Sites.Read.All",
        "detail": "HTTP 403",
        "counts": {},
        "data": None,
    }
    (tmp_path / "s.json").write_text(json.dumps(snap), encoding="utf-8")
    proc = run_cli("audit", "--snapshot", tmp_path / "s.json", "--baseline", runs["base"] / "results.json")
    assert proc.returncode == 1, proc.stderr
    assert "EVIDENCE LOST (NOT EVALUATED NOW) (1)" in proc.stderr and "Sites.Read.All" in proc.stderr


def test_a_missing_baseline_is_an_error_unless_this_run_establishes_it(runs: dict[str, Path], tmp_path: Path) -> None:
    snapshot = runs["base"] / "snapshot.json"
    proc = run_cli("audit", "--snapshot", snapshot, "--baseline", tmp_path / "none.json")
    assert proc.returncode == 2 and "not found" in proc.stderr
    proc = run_cli(
        "audit", "--snapshot", snapshot, "--baseline", tmp_path / "none.json", "--baseline-missing", "establish"
    )
    assert proc.returncode == 0 and "establishes it" in proc.stderr


def test_drift_refuses_a_file_that_is_neither_results_nor_snapshot(runs: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"schema": "m365gov/waivers@1", "waivers": []}', encoding="utf-8")
    proc = run_cli("drift", tmp_path / "x.json", runs["base"] / "results.json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "x.json at /schema" in proc.stderr and "results@1" in proc.stderr and "snapshot@1" in proc.stderr
    (tmp_path / "y.json").write_text("[1,", encoding="utf-8")
    proc = run_cli("drift", runs["base"] / "results.json", tmp_path / "y.json")
    assert proc.returncode == 2 and "invalid JSON" in proc.stderr


def test_an_unknown_defect_kind_for_the_demo_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("demo", "--fix", "no_such_kind", "-o", tmp_path)
    assert proc.returncode == 2 and "unknown defect kind" in proc.stderr and "Traceback" not in proc.stderr


def test_drift_exit_codes_are_in_the_help() -> None:
    out = run_cli("drift", "--help").stdout
    assert "1  a regression" in out and "2  bad input" in out
    out = run_cli("audit", "--help").stdout
    assert "only NEW failures" in out
