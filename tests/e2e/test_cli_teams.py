"""Teams rollout and readiness as a user sees them: the demo's findings with evidence, and the trend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.e2e.conftest import run_cli


def test_the_demo_reports_teams_and_devices_findings_with_their_evidence(demo_dir: Path) -> None:
    out = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    assert "TEAMS ROLLOUT" in out and "CAMERA AND MICROPHONE READINESS" in out
    for policy in ("TEAMS-001", "TEAMS-002", "TEAMS-003", "TEAMS-004", "DEV-001", "DEV-002", "DEV-003", "DEV-004"):
        assert policy in out, policy
    assert "room camera 'Caméra Salle du conseil': disconnected" in out  # the chamber's evidence
    assert "· no video sent in" in out and "· inventory line" in out  # a council member's evidence
    assert "microphone failing in" in out  # the failing microphone, with its ratios
    assert "line 96" in out or "peut-être" in out  # the inventory's bad row, with its line


def test_the_demo_results_carry_the_teams_metrics(demo_dir: Path) -> None:
    results = json.loads((demo_dir / "reports" / "results.json").read_text(encoding="utf-8"))
    adoption, readiness = results["metrics"]["adoption"], results["metrics"]["readiness"]
    assert adoption["period"] == "D30" and 0 < adoption["active"] <= adoption["licensed"]
    assert set(readiness["camera"]) == {"faulty", "observed", "declared", "unknown"}
    assert readiness["rooms"]["chamberReady"] is False and readiness["council"]["members"] == 33
    assert results["metrics"]["history"] == []  # the first run of its history folder
    statuses = {(f["policy"], f["status"]) for f in results["findings"]}
    for policy in ("TEAMS-001", "TEAMS-003", "TEAMS-004", "DEV-001", "DEV-002", "DEV-004", "DEV-005", "DEV-006"):
        assert {(policy, "pass"), (policy, "fail")} <= statuses, policy


def test_trend_over_two_demo_runs_shows_the_change(demo_dir: Path, tmp_path: Path) -> None:
    history = tmp_path / "history"
    shutil.copytree(demo_dir / "history", history)
    earlier = run_cli("demo", "-o", tmp_path / "reports", "--history", history, "--as-of", "2026-10-28")
    assert earlier.returncode == 0, earlier.stderr
    proc = run_cli("trend", "--history", history, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    runs = json.loads(proc.stdout)["runs"]
    assert [r["asOf"][:10] for r in runs] == ["2026-10-28", "2026-11-28"]  # by period, not by run order
    assert runs[0]["changes"]["active"] is None and runs[1]["changes"]["active"] is not None
    assert any(v for v in runs[1]["changes"].values())
    table = run_cli("trend", "--history", history)
    assert table.returncode == 0 and "28/10/2026" in table.stdout and "28/11/2026" in table.stdout
    assert "Active %" in table.stdout and "Clients used in the last run" in table.stdout


def test_an_offline_audit_with_history_adds_the_earlier_runs_to_the_metrics(demo_dir: Path, tmp_path: Path) -> None:
    history = tmp_path / "history"
    history.mkdir()
    past = json.loads(next((demo_dir / "history").glob("*.json")).read_text(encoding="utf-8"))
    past.update(collectedAt="2026-10-01T08:00:00Z", asOf="2026-10-01T08:00:00Z")
    (history / "2026-10-01T080000Z.json").write_text(json.dumps(past), encoding="utf-8")
    snapshot = demo_dir / "reports" / "snapshot.json"
    proc = run_cli("audit", "--snapshot", snapshot, "--format", "json", "--history", history)
    assert proc.returncode == 1, proc.stderr
    assert [p["asOf"] for p in json.loads(proc.stdout)["metrics"]["history"]] == ["2026-10-01T08:00:00Z"]
    assert len(list(history.glob("*.json"))) == 2 and "trend point written" in proc.stderr


def test_trend_is_offline_and_never_imports_msgraph(demo_dir: Path) -> None:
    proc = run_cli("trend", "--history", demo_dir / "history", python_flags=("-X", "importtime"))
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert proc.returncode == 0 and "m365gov.trend" in imported
    assert not any(m == "msgraph" or m.startswith(("msgraph.", "kiota", "azure")) for m in imported)


def test_a_stray_file_in_the_history_is_named_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    proc = run_cli("trend", "--history", tmp_path)
    assert proc.returncode == 2 and "notes.json" in proc.stderr and "Traceback" not in proc.stderr
